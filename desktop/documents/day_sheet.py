"""The day sheet of an adviser (Qt-free, see ``pdf``): every appointment of the day in time
order, printed before leaving for a permanence without network."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from db.agenda.models import AppointmentStatus
from db.preparation import documents as preparation_documents
from db.preparation.documents import DaySheet
from db.unit import Unit
from db.wording import weekday_day
from desktop.documents import pdf

COLUMNS = ("Heure", "Type", "Personne", "Motif et pièces à apporter", "Préparation", "Notes")
WIDTHS = (13 * mm, 23 * mm, 35 * mm, 44 * mm, 28 * mm, pdf.TEXT_WIDTH - 143 * mm)


def long_day(day: date) -> str:
    """« lundi 16/03/2026 »."""
    return weekday_day(day)


def filename(sheet: DaySheet) -> str:
    return f"feuille-de-journee-{sheet.day:%Y-%m-%d}.pdf"


def day_sheet_pdf(sheet: DaySheet, *, author: str, printed_at: datetime) -> bytes:
    style = pdf.styles()
    title = f"Feuille de journée — {sheet.adviser_name}"
    count = len(sheet.entries)
    story: list[Flowable] = [
        pdf.paragraph(title, style.title),
        pdf.paragraph(f"{long_day(sheet.day).capitalize()} — {sheet.site_name}", style.body),
    ]
    if not sheet.entries:
        story.append(pdf.paragraph("Aucun rendez-vous ce jour-là.", style.heading))
    else:
        story.append(pdf.paragraph(
            f"{count} rendez-vous, heures du lieu d'accueil. Les rendez-vous réglés lors de "
            "la préparation sont sur fond coloré : la personne ne viendra pas.", style.small))
        rows, shaded = [], []
        for index, entry in enumerate(sheet.entries):
            zone = ZoneInfo(entry.time_zone)
            person = entry.person_name + (f"\n{entry.phone}" if entry.phone else "")
            motive = entry.motive_label + "".join(f"\n• {d}" for d in entry.documents)
            kind = entry.kind_label
            if entry.status is AppointmentStatus.RESOLVED_AT_PREPARATION:
                shaded.append(index)  # the preparation column says why
            elif entry.status is not AppointmentStatus.BOOKED:
                kind += f"\n({entry.status_label.lower()})"  # a day already past
            if len({e.site_name for e in sheet.entries}) > 1:
                kind += f"\n{entry.site_name}"
            rows.append([
                f"{entry.starts_at.astimezone(zone):%H:%M}\n"
                f"{entry.ends_at.astimezone(zone):%H:%M}",
                kind, person, motive, entry.preparation, entry.note or "—"])
        story.append(pdf.table(COLUMNS, rows, WIDTHS, shaded_rows=shaded))
    info = pdf.DocumentInfo(title=f"{title} — {sheet.day:%d/%m/%Y}", author=author,
                            site_name=sheet.site_name, printed_at=printed_at,
                            subject="Feuille de journée d'un conseiller")
    return pdf.build_pdf(info, story)


AUTOMATIC = "Guichet (édition automatique)"


def day_sheet(unit: Unit, adviser_login: str, day: date) -> bytes:
    """The sheet as the screen's button and the command line produce it."""
    sheet = preparation_documents.day_sheet(unit, adviser_login, day)
    return day_sheet_pdf(sheet, author=unit.actor.display_name if unit.actor else AUTOMATIC,
                         printed_at=datetime.now(ZoneInfo(sheet.time_zone)))
