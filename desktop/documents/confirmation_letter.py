"""The confirmation letter of an appointment (Qt-free, see ``pdf``): when, where — or the
number we will call —, what to bring and how to cancel."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from db.agenda.models import AppointmentKind
from db.preparation import documents as preparation_documents
from db.preparation.documents import Confirmation
from db.unit import Unit
from db.wording import NBSP, long_date
from desktop.documents import pdf
from desktop.documents.day_sheet import long_day
from desktop.documents.letter import Letterhead, address_block, build_letter

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
    ways = (f"depuis votre compte ameli (rubrique «{NBSP}Mes rendez-vous{NBSP}»), au "
            f"36{NBSP}46 (service gratuit + prix d'un appel)")
    if letter.site_phone:
        ways += f" ou au {letter.site_phone} ({letter.site_name})"
    return (f"Si vous ne pouvez pas venir, prévenez-nous au plus tôt{NBSP}: {ways}. Le créneau "
            "pourra ainsi être proposé à une autre personne.")


def letterhead(letter: Confirmation) -> Letterhead:
    phone = (f"Tél.{NBSP}{letter.site_phone}",) if letter.site_phone else ()
    return Letterhead(letter.letterhead, letter.site_name, (*letter.site_address, *phone),
                      letter.site_hours, letter.letterhead_logo)


# A name stored before the length rule (issue 14) could fill pages: a letter names the
# person in a line.
_NAME_LIMIT = 120


def _within(text: str) -> str:
    return text if len(text) <= _NAME_LIMIT else text[:_NAME_LIMIT - 1] + "…"


def confirmation_pdf(letter: Confirmation, *, author: str, printed_at: datetime) -> bytes:
    letter = replace(letter, salutation=_within(letter.salutation),
                     person_name=_within(letter.person_name),
                     addressee=_within(letter.addressee))
    style = pdf.styles()
    zone = ZoneInfo(letter.time_zone)
    starts, ends = letter.starts_at.astimezone(zone), letter.ends_at.astimezone(zone)
    recipient = address_block(letter.addressee or letter.person_name,
                              (letter.street,), letter.postcode, letter.city)
    place = letter.site_city or letter.site_name
    where_label, where = _where(letter)
    phone_call = letter.kind is AppointmentKind.PHONE
    story: list[Flowable] = [
        pdf.paragraph(f"{place}, le {long_date(printed_at.date())}", style.right),
        Spacer(1, 6 * mm),
        pdf.paragraph(f"Référence{NBSP}: {letter.reference}", style.small),
        pdf.paragraph(f"Objet{NBSP}: {TITLE}", style.cell_head),
        Spacer(1, 6 * mm),
        pdf.paragraph(f"{letter.salutation},"), Spacer(1, 3 * mm),
        pdf.paragraph(f"Nous avons le plaisir de vous confirmer votre rendez-vous{NBSP}:"),
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
        KeepTogether([
            pdf.paragraph("Nous vous prions d'agréer, "
                          f"{letter.salutation}, nos salutations distinguées."),
            Spacer(1, 6 * mm),
            Table([[pdf.paragraph(f"{letter.adviser_name}\n{letter.site_name}\n"
                                  f"{letter.letterhead}", style.body)]],
                  colWidths=[pdf.TEXT_WIDTH / 2], hAlign="RIGHT",
                  style=TableStyle([("FONTNAME", (0, 0), (-1, -1), pdf.FONT),
                                    ("LEFTPADDING", (0, 0), (-1, -1), 0)]))]),
    ]
    info = pdf.DocumentInfo(title=f"{TITLE} — {letter.person_name}", author=author,
                            site_name=letter.site_name, printed_at=printed_at,
                            subject="Lettre de confirmation de rendez-vous")
    return build_letter(info, letterhead(letter), recipient, story)


def confirmation_letter(unit: Unit, appointment_id: uuid.UUID, *,
                        now: datetime | None = None) -> bytes:
    """The letter as the appointment screen's button produces it; refused for an
    appointment already begun (``now``: the current time)."""
    letter = preparation_documents.confirmation(unit, appointment_id, now=now)
    return confirmation_pdf(letter, author=unit.actor.display_name,
                            printed_at=(now or datetime.now(UTC)).astimezone(
                                ZoneInfo(letter.time_zone)))
