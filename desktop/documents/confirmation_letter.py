"""The confirmation letter of an appointment (Qt-free, see ``pdf``): when, where — or the
number we will call —, what to bring and how to cancel."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from db.agenda.models import AppointmentKind
from db.preparation import documents as preparation_documents
from db.preparation.documents import Confirmation
from db.unit import Unit
from desktop.documents import pdf
from desktop.documents.day_sheet import long_day

TITLE = "Confirmation de votre rendez-vous"


def filename(letter: Confirmation) -> str:
    zone = ZoneInfo(letter.time_zone)
    return f"confirmation-rendez-vous-{letter.starts_at.astimezone(zone):%Y-%m-%d-%Hh%M}.pdf"


def _where(letter: Confirmation) -> tuple[str, str]:
    """The label and the text of the line that says where the appointment takes place."""
    if letter.kind is AppointmentKind.PHONE:
        number = letter.person_phone or "le numéro que vous nous avez indiqué"
        return "Par téléphone", f"Nous vous appellerons au {number}."
    if letter.kind is AppointmentKind.VIDEO:
        return "En visio", (f"Le lien de connexion vous sera envoyé à {letter.person_email}."
                            if letter.person_email else
                            "Le lien de connexion vous sera envoyé par e-mail.")
    return "Lieu", "\n".join((letter.site_name, *letter.site_address))


def _how_to_cancel(letter: Confirmation) -> str:
    ways = "depuis votre compte ameli (rubrique « Mes rendez-vous »), au 36 46 (service " \
           "gratuit + prix d'un appel)"
    if letter.site_phone:
        ways += f" ou au {letter.site_phone} ({letter.site_name})"
    return (f"Si vous ne pouvez pas venir, prévenez-nous au plus tôt : {ways}. Le créneau "
            "pourra ainsi être proposé à une autre personne.")


def confirmation_pdf(letter: Confirmation, *, author: str, printed_at: datetime) -> bytes:
    style = pdf.styles()
    zone = ZoneInfo(letter.time_zone)
    starts, ends = letter.starts_at.astimezone(zone), letter.ends_at.astimezone(zone)
    sender = "\n".join((letter.site_name, *letter.site_address,
                        *((f"Tél. {letter.site_phone}",) if letter.site_phone else ())))
    recipient = "\n".join((letter.person_name, *letter.address))
    half = pdf.TEXT_WIDTH / 2
    blocks = Table(
        [[pdf.cell(sender, style.small, half), pdf.cell(recipient, style.body, half)]],
        colWidths=[half, half],
        style=TableStyle([("FONTNAME", (0, 0), (-1, -1), pdf.FONT),
                          ("VALIGN", (0, 0), (-1, -1), "TOP"),
                          ("LEFTPADDING", (0, 0), (-1, -1), 0),
                          ("TOPPADDING", (1, 0), (1, 0), 12 * mm)]))
    where_label, where = _where(letter)
    phone_call = letter.kind is AppointmentKind.PHONE
    story: list[Flowable] = [
        blocks, Spacer(1, 10 * mm),
        pdf.paragraph(f"Le {printed_at:%d/%m/%Y}", style.right), Spacer(1, 6 * mm),
        pdf.paragraph(f"Objet : {TITLE}", style.cell_head),
        Spacer(1, 6 * mm),
        pdf.paragraph(f"{letter.salutation},"), Spacer(1, 3 * mm),
        pdf.paragraph("Nous avons le plaisir de vous confirmer votre rendez-vous :"),
        Spacer(1, 3 * mm),
        pdf.key_values([
            ("Date", long_day(starts.date())),
            ("Heure", f"de {starts:%H:%M} à {ends:%H:%M}"
                      + ("" if phone_call else " (présentez-vous quelques minutes avant)")),
            (where_label, where),
            ("Motif", letter.motive_label),
            ("Votre conseiller", letter.adviser_name),
        ], label_width=40 * mm),
        pdf.paragraph("Pièces à avoir sous la main" if phone_call else "Pièces à apporter",
                      style.heading),
        pdf.paragraph("\n".join(f"• {d}" for d in letter.documents)
                      or "Aucune pièce particulière n'est demandée."),
        pdf.paragraph("Pour annuler ou déplacer ce rendez-vous", style.heading),
        pdf.paragraph(_how_to_cancel(letter)),
        Spacer(1, 8 * mm),
        KeepTogether([pdf.paragraph("Nous vous prions d'agréer nos salutations "
                                    "distinguées."), Spacer(1, 4 * mm),
                      pdf.paragraph(f"{letter.adviser_name}\nVotre caisse d'Assurance "
                                    "Maladie")]),
    ]
    info = pdf.DocumentInfo(title=f"{TITLE} — {letter.person_name}", author=author,
                            site_name=letter.site_name, printed_at=printed_at,
                            subject="Lettre de confirmation de rendez-vous")
    return pdf.build_pdf(info, story)


def confirmation_letter(unit: Unit, appointment_id: uuid.UUID) -> bytes:
    """The letter as the appointment screen's button produces it."""
    letter = preparation_documents.confirmation(unit, appointment_id)
    return confirmation_pdf(letter, author=unit.actor.display_name,
                            printed_at=datetime.now(ZoneInfo(letter.time_zone)))
