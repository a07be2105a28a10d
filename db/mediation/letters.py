"""Letters of the mediation team: admin-editable templates with merge fields.

A template's body is French text with fields in braces (« {reference} »); ``MERGE_FIELDS``
lists them. ``merge_letter`` fills a template for one case; ``desktop.documents.mediation_pdf``
lays it out as a PDF and ``db.mediation.files.record_letter`` keeps it in the timeline.
"""

from __future__ import annotations

import string
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.errors import NotFound, ValidationError
from db.mediation.common import today_in_office
from db.mediation.deadlines import cra_delay
from db.mediation.labels import INADMISSIBLE_LABELS, REDIRECTION_LABELS
from db.mediation.models import CaseOutcome, CaseStatus, LetterKind, LetterTemplate, MediationCase
from db.mediation.wording import cra_text
from db.org.access import Permission
from db.org.models import Site
from db.people.labels import display_name
from db.people.models import Civility, PersonKind
from db.unit import Unit, rows

LETTER_LABELS = {
    LetterKind.ACKNOWLEDGEMENT: "Accusé de réception",
    LetterKind.ADMISSIBLE: "Notification de recevabilité",
    LetterKind.INADMISSIBLE: "Notification d'irrecevabilité",
    LetterKind.RECOMMENDATION: "Recommandation",
    LetterKind.REDIRECTION: "Réorientation",
}

MERGE_FIELDS = {
    "reference": "référence du dossier (MED-2026-00042)",
    "date_du_jour": "date du courrier",
    "destinataire": "formule d'appel : Madame, Monsieur, ou Madame, Monsieur",
    "nom": "nom du demandeur (Éloïse LEFÈVRE, ou la raison sociale)",
    "date_reception": "date de réception de la demande",
    "motif": "motif de la demande",
    "decision": "décision contestée",
    "date_notification": "date de notification de la décision contestée",
    "motif_irrecevabilite": "pourquoi la demande est irrecevable",
    "orientation": "à qui la demande est réorientée",
    "delai_cra": "ce qu'il reste du délai de saisine de la CRA",
    "mediateur": "nom du médiateur du dossier",
    "site": "site de la CPAM",
    "texte": "texte saisi au moment de produire le courrier",
}


@dataclass(frozen=True)
class TemplateRecord:
    kind: LetterKind
    version: int
    title: str
    body: str

    @property
    def label(self) -> str:
        return LETTER_LABELS[self.kind]


@dataclass(frozen=True)
class LetterDraft:
    """A letter merged for a case, ready to lay out."""

    case_id: uuid.UUID
    kind: LetterKind
    reference: str
    title: str
    body: str
    recipient: tuple[str, ...]  # address block lines
    site_name: str
    sender: tuple[str, ...]  # the site's address lines
    place_and_date: str  # « Grenoble, le 12/05/2026 »
    author: str

    @property
    def filename(self) -> str:
        return f"{self.reference}-{self.kind.value}.pdf"


def _fields_of(text: str) -> list[str]:
    try:
        return [name for _literal, name, _spec, _conv in string.Formatter().parse(text)
                if name is not None]
    except ValueError:
        raise ValidationError({"body": "Une accolade n'est pas fermée : écrivez les champs "
                                       "ainsi : {reference}."}) from None


# What each merge field reads like in a template's preview.
SAMPLE_VALUES = {
    "reference": "MED-2026-00042", "date_du_jour": "12/05/2026",
    "destinataire": "Madame", "nom": "Éloïse LEFÈVRE", "date_reception": "04/05/2026",
    "motif": "Indemnités journalières non versées",
    "decision": "refus de versement des indemnités journalières",
    "date_notification": "02/04/2026", "motif_irrecevabilite": "aucune démarche préalable",
    "orientation": "la commission de recours amiable", "delai_cra": "il reste 34 jours",
    "mediateur": "Camille Martin", "site": "Agence de Grenoble",
    "texte": "(le texte saisi en produisant le courrier)",
}


def preview_template(title: str, body: str) -> tuple[str, str]:
    """The template's object and text filled with sample values, as an administrator
    checks it before saving; the same refusals as saving for unknown fields."""
    unknown = sorted({f for f in _fields_of(title) + _fields_of(body)
                      if f not in MERGE_FIELDS})
    if unknown:
        raise ValidationError({"body": "Champs inconnus : "
                                       + ", ".join(f"{{{f}}}" for f in unknown) + "."})
    return title.format_map(SAMPLE_VALUES), body.format_map(SAMPLE_VALUES)


def letter_templates(unit: Unit) -> list[TemplateRecord]:
    unit.require_any(Permission.MEDIATION, Permission.ADMINISTER)
    return [TemplateRecord(t.kind, t.version, t.title, t.body) for t in unit.session.scalars(
        select(LetterTemplate))]


def update_letter_template(unit: Unit, kind: LetterKind,
                           expected_version: int, title: str, body: str) -> int:
    """Edit a template; refuse unknown merge fields (they would fail every letter)."""
    unit.require(Permission.ADMINISTER)
    template = _template(unit.session, kind)
    rows.check_version(template, expected_version)
    errors = {}
    title, body = " ".join(title.split()), body.strip()
    if not title:
        errors["title"] = "L'objet du courrier est obligatoire."
    if not body:
        errors["body"] = "Le texte du courrier est obligatoire."
    unknown = sorted({f for f in _fields_of(title) + _fields_of(body)
                      if f not in MERGE_FIELDS})
    if unknown:
        errors["body"] = ("Champs inconnus : " + ", ".join(f"{{{f}}}" for f in unknown)
                          + ". Champs possibles : "
                          + ", ".join(f"{{{f}}}" for f in MERGE_FIELDS) + ".")
    if errors:
        raise ValidationError(errors)
    rows.save(unit, template, {"title": title, "body": body}, kind=kind.value)
    return template.version


def _template(session: Session, kind: LetterKind) -> LetterTemplate:
    template = session.scalar(select(LetterTemplate).where(
        LetterTemplate.kind == kind))
    if template is None:
        raise NotFound(f"Aucun modèle de courrier « {LETTER_LABELS[kind]} ».")
    return template


def available_letters(case: MediationCase) -> list[LetterKind]:
    """The letters that make sense at this point of the case."""
    kinds = [LetterKind.ACKNOWLEDGEMENT]
    if case.admitted_on is not None:
        kinds.append(LetterKind.ADMISSIBLE)
    if case.status is CaseStatus.INADMISSIBLE:
        kinds.append(LetterKind.INADMISSIBLE)
    if case.recommendation_on is not None:
        kinds.append(LetterKind.RECOMMENDATION)
    if case.status is CaseStatus.REDIRECTED or case.outcome is CaseOutcome.REDIRECTED:
        kinds.append(LetterKind.REDIRECTION)
    return kinds


def letters_for_case(unit: Unit, case_id: uuid.UUID) -> list[LetterKind]:
    """``available_letters`` of a case by its id, for the case screen."""
    unit.require(Permission.MEDIATION)
    return available_letters(rows.load(unit, MediationCase, case_id))


def _salutation(case: MediationCase) -> str:
    person = case.person
    if person.kind is PersonKind.EMPLOYER or person.civility is None:
        return "Madame, Monsieur"
    return "Madame" if person.civility is Civility.MADAME else "Monsieur"


def _recipient(case: MediationCase) -> tuple[str, ...]:
    person = case.person
    if person.kind is PersonKind.EMPLOYER:
        name = person.organisation_name
    else:
        civility = {Civility.MADAME: "Madame ", Civility.MONSIEUR: "Monsieur "}.get(
            person.civility, "")
        name = f"{civility}{person.first_name} {person.last_name.upper()}"
    lines = [name]
    if case.representative_name:
        lines.append(f"représenté(e) par {case.representative_name} "
                     f"({case.representative_capacity})")
    lines += [person.address, f"{person.postcode} {person.city}".strip()]
    return tuple(line for line in lines if line)


def merge_letter(unit: Unit, case_id: uuid.UUID, kind: LetterKind,
                 text: str = "", *, today: date | None = None) -> LetterDraft:
    """Fill the template of ``kind`` for this case; ``text`` fills « {texte} »."""
    session = unit.session
    unit.require(Permission.MEDIATION)
    today = today or today_in_office()
    case = rows.load(unit, MediationCase, case_id)
    if kind not in available_letters(case):
        raise ValidationError({"kind": f"Le courrier « {LETTER_LABELS[kind]} » ne correspond "
                                       "pas à l'état du dossier."})
    template = _template(session, kind)
    site = session.get(Site, case.site_id) if case.site_id else None
    mediator = case.mediator.display_name if case.mediator else unit.actor.display_name
    cra = cra_delay(case, today)
    values = {
        "reference": case.display_reference,
        "date_du_jour": f"{today:%d/%m/%Y}",
        "destinataire": _salutation(case),
        "nom": display_name(case.person),
        "date_reception": f"{case.received_on:%d/%m/%Y}",
        "motif": case.motive.label,
        "decision": case.contested_decision or "la décision contestée",
        "date_notification": (f"{case.decision_notified_on:%d/%m/%Y}"
                              if case.decision_notified_on else "date inconnue"),
        "motif_irrecevabilite": (INADMISSIBLE_LABELS[case.inadmissible_reason]
                                 if case.inadmissible_reason else ""),
        "orientation": REDIRECTION_LABELS[case.redirection] if case.redirection else "",
        "delai_cra": cra_text(cra) if cra else "",
        "mediateur": mediator,
        "site": site.name if site else "CPAM",
        "texte": text.strip(),
    }
    title = template.title.format_map(values)
    body = template.body.format_map(values)
    # An empty « {texte} » leaves blank paragraphs: fold them.
    while "\n\n\n" in body:
        body = body.replace("\n\n\n", "\n\n")
    sender = (site.name, site.address, f"{site.postcode} {site.city}".strip()) if site else ()
    city = site.city if site and site.city else ""
    return LetterDraft(
        case_id=case.id, kind=kind, reference=case.display_reference, title=title, body=body,
        recipient=_recipient(case), site_name=site.name if site else "",
        sender=tuple(line for line in sender if line),
        place_and_date=f"{city + ', ' if city else ''}le {today:%d/%m/%Y}",
        author=mediator,
    )
