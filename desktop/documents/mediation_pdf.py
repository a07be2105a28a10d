"""Mediation PDFs: the case summary and the letters (Qt-free, see ``pdf``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from db import wording
from db.mediation import files as mediation_files
from db.mediation import letters
from db.mediation import reading as mediation_reading
from db.mediation.common import OFFICE_TIME_ZONE
from db.mediation.letters import LetterDraft
from db.mediation.models import LetterKind
from db.mediation.records import CaseRecord
from db.mediation.wording import delay_lines
from db.unit import Unit
from desktop.documents import pdf


def _yes_no(value: bool) -> str:
    return "oui" if value else "non"



def case_summary_pdf(record: CaseRecord, *, author: str, printed_at: datetime,
                     include_internal_notes: bool = True) -> bytes:
    """Identity, request, delays, outcome and timeline of one case."""
    style = pdf.styles()
    data = record.data
    title = f"Dossier de médiation {record.reference}"
    story: list[Flowable] = [
        pdf.paragraph(title, style.title),
        pdf.paragraph(
            f"État : {record.status_label}"
            + (f" — issue : {record.outcome_label.lower()}" if record.outcome else "")
            + (" — URGENT" if data.urgent else "")
            + (" — référence provisoire (dossier créé hors ligne)" if record.provisional
               else ""), style.body),
        pdf.paragraph("Document confidentiel : réservé à l'équipe de médiation et aux parties.",
                      style.small),
        pdf.paragraph("Demandeur", style.heading),
    ]
    identity = [("Nom", record.person_name), ("Public", record.person_kind_label)]
    if record.person_address:
        identity.append(("Adresse", record.person_address))
    if data.representative_name:
        identity.append(("Agit pour le demandeur",
                         f"{data.representative_name} ({data.representative_capacity})"))
    story.append(pdf.key_values(identity))

    story.append(pdf.paragraph("Demande", style.heading))
    story.append(pdf.key_values([
        ("Reçue le", wording.day(data.received_on)),
        ("Canal", record.channel_label),
        ("Motif", record.motive_label),
        ("Décision contestée", data.contested_decision or "—"),
        ("Notifiée le", wording.day(data.decision_notified_on)),
        ("Démarche préalable", _yes_no(data.prior_step_done)),
        ("Recours contentieux en cours", _yes_no(data.court_action_pending)),
        ("Médiateur", record.mediator_name or "non attribué"),
        ("Site", record.site_name or "—"),
        ("Résumé", data.summary),
    ]))

    # The screen's own sentences (``delay_lines``): one wording for one state.
    story.append(pdf.paragraph("Délais", style.heading))
    story.append(pdf.key_values(delay_lines(record)))

    story.append(pdf.paragraph("Issue", style.heading))
    outcome = [("État", record.status_label)]
    if record.admitted_on:
        outcome.append(("Recevable le", wording.day(record.admitted_on)))
    if record.recommendation_on:
        outcome.append(("Recommandation le", wording.day(record.recommendation_on)))
    if record.outcome:
        outcome += [("Issue", record.outcome_label), ("Clôturé le", wording.day(record.closed_on))]
    if record.reopen_count:
        outcome.append(("Réouvertures", str(record.reopen_count)))
    story.append(pdf.key_values(outcome))

    entries = [e for e in record.timeline if include_internal_notes or not e.internal]
    heading = "Historique" + ("" if include_internal_notes else " (sans les notes internes)")
    story.append(pdf.paragraph(heading, style.heading))
    rows, shaded = [], []
    for index, entry in enumerate(entries):
        detail = "" if entry.title == entry.kind_label else entry.title
        if entry.party:
            detail += f" — {entry.party}" if detail else entry.party
        if entry.text:
            detail += f"\n{entry.text}" if detail else entry.text
        if entry.document_name and entry.document_name != entry.title:
            detail += f"\nFichier : {entry.document_name}"
        kind = entry.kind_label + ("\n(interne)" if entry.internal else "")
        if entry.internal:
            shaded.append(index)
        rows.append([f"{entry.occurred_at.astimezone(OFFICE_TIME_ZONE):%d/%m/%Y\n%H:%M}", kind,
                     entry.author, detail])
    story.append(pdf.table(["Date", "Type", "Auteur", "Détail"], rows,
                           [22 * mm, 24 * mm, 36 * mm, pdf.TEXT_WIDTH - 82 * mm],
                           shaded_rows=shaded))
    info = pdf.DocumentInfo(title=title, author=author, site_name=record.site_name,
                            printed_at=printed_at, subject="Synthèse d'un dossier de médiation")
    return pdf.build_pdf(info, story)


def letter_pdf(draft: LetterDraft, *, printed_at: datetime) -> bytes:
    """A letter: sender and recipient blocks, place and date, subject, body, signature."""
    style = pdf.styles()
    half = pdf.TEXT_WIDTH / 2
    blocks = Table(
        [[pdf.cell("\n".join(draft.sender), style.small, half),
          pdf.cell("\n".join(draft.recipient), style.body, half)]],
        colWidths=[half, half],
        style=TableStyle([("FONTNAME", (0, 0), (-1, -1), pdf.FONT),
                          ("VALIGN", (0, 0), (-1, -1), "TOP"),
                          ("LEFTPADDING", (0, 0), (-1, -1), 0),
                          ("TOPPADDING", (1, 0), (1, 0), 14 * mm)]),
    )
    story: list[Flowable] = [
        blocks, Spacer(1, 10 * mm),
        pdf.paragraph(draft.place_and_date, style.right), Spacer(1, 6 * mm),
        pdf.paragraph(f"Objet : {draft.title}", style.cell_head),
        pdf.paragraph(f"Référence : {draft.reference}", style.small), Spacer(1, 6 * mm),
    ]
    paragraphs = [p for p in draft.body.split("\n\n") if p.strip()]
    for text in paragraphs[:-1]:
        story += [pdf.paragraph(text.strip()), Spacer(1, 3.5 * mm)]
    if paragraphs:  # the signature, last, a little apart and never split
        story += [Spacer(1, 4 * mm), KeepTogether([pdf.paragraph(paragraphs[-1].strip())])]
    info = pdf.DocumentInfo(title=f"{draft.title} — {draft.reference}", author=draft.author,
                            site_name=draft.site_name, printed_at=printed_at,
                            subject=letters.LETTER_LABELS[draft.kind])
    return pdf.build_pdf(info, story)


def now_in_office() -> datetime:
    return datetime.now(OFFICE_TIME_ZONE)


def issue_letter(unit: Unit, case_id: uuid.UUID, kind: LetterKind,
                 text: str = "", *, today: date | None = None) -> uuid.UUID:
    """Merge, lay out and keep a letter in the case's timeline (what the screen's button
    does); an acknowledgement also records the case as acknowledged. Returns the entry's id."""
    draft = letters.merge_letter(unit, case_id, kind, text, today=today)
    content = letter_pdf(draft, printed_at=now_in_office())
    return mediation_files.record_letter(
        unit, case_id, draft.title, draft.filename, content,
        acknowledgement=kind is LetterKind.ACKNOWLEDGEMENT, today=today)


def case_summary(unit: Unit, case_id: uuid.UUID, *,
                 include_internal_notes: bool = True, today: date | None = None) -> bytes:
    """The summary PDF of a case, as the screen's button and the command line produce it
    (a system unit: an unattended export of the command line)."""
    record = mediation_reading.open_case(unit, case_id, today=today)
    return case_summary_pdf(record, author=pdf.exporter(unit), printed_at=now_in_office(),
                            include_internal_notes=include_internal_notes)
