"""The French a calendar shows and reads aloud: periods, day headers, times, item lines.

Times are 24-hour « 09:30 », dates « 23/11/2026 », weeks start on Monday; a no-break space
goes before « : » and inside numbers (« 1 000 »).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from PySide6.QtCore import QDate, QLocale

from widgets.calendar_model import CalendarItem

FRENCH = QLocale(QLocale.Language.French, QLocale.Country.France)
NBSP = "\u00a0"


def _day_number(day: date) -> str:
    return "1er" if day.day == 1 else str(day.day)


def _month(day: date) -> str:
    return FRENCH.monthName(day.month, QLocale.FormatType.LongFormat)


def period_label(days: Sequence[date]) -> str:
    """« Lundi 23 novembre 2026 » for a day, « Semaine du 23 au 29 novembre 2026 » for more."""
    first, last = days[0], days[-1]
    if first == last:
        return capitalised(long_day(first))
    if (first.year, first.month) == (last.year, last.month):
        start = _day_number(first)
    elif first.year == last.year:
        start = f"{_day_number(first)} {_month(first)}"
    else:
        start = f"{_day_number(first)} {_month(first)} {first.year}"
    return f"Semaine du {start} au {_day_number(last)} {_month(last)} {last.year}"


def month_label(day: date) -> str:
    """« Décembre 2026 »."""
    return capitalised(f"{_month(day)} {day.year}")


def capitalised(text: str) -> str:
    return f"{text[:1].upper()}{text[1:]}"


def long_day(day: date) -> str:
    """« lundi 23 novembre 2026 », « mardi 1er décembre 2026 »."""
    return FRENCH.toString(QDate(day), "dddd ") + f"{_day_number(day)} {_month(day)} {day.year}"


def day_header(day: date) -> str:
    """« lun. 23/11 »."""
    return FRENCH.toString(QDate(day), "ddd dd/MM")


def weekday_header(weekday: int) -> str:
    """« lun. » for 0 (Monday) … « dim. » for 6."""
    return FRENCH.dayName(weekday + 1, QLocale.FormatType.ShortFormat)


def numeric_date(day: date) -> str:
    """« 23/11/2026 »."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def hhmm(minutes: float) -> str:
    """« 09:30 » for 570 minutes after midnight."""
    hours, rest = divmod(round(minutes), 60)
    return f"{hours:02d}:{rest:02d}"


def clock_time(moment: datetime) -> str:
    """« 09:30 » (not strftime: it imports a module on every call, too slow here)."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def time_span(item: CalendarItem) -> str:
    """« 09:00–09:30 »."""
    return f"{clock_time(item.start)}–{clock_time(item.end)}"


def number(value: int) -> str:
    """« 1 000 », with a no-break space between thousands."""
    return f"{value:,}".replace(",", NBSP)


def counted(value: int, singular: str, plural: str) -> str:
    """« 1 créneau », « 6 créneaux », « aucun créneau » is the caller's choice for 0."""
    return f"{number(value)} {singular if value == 1 else plural}"


def item_accessible_text(item: CalendarItem) -> str:
    """« 09:00–09:30, RDV téléphonique, Mme D. » (then « annulé », the marker)."""
    parts = [time_span(item), item.title, item.subtitle,
             "annulé" if item.cancelled else "", item.marker]
    return ", ".join(part for part in parts if part)


def month_line(item: CalendarItem) -> str:
    """An item's compact line in a month cell: « 09:30 DUPONT M. »."""
    return f"{clock_time(item.start)} {item.title}"


def more_items(count: int) -> str:
    """« +1 autre », « +3 autres »: what a month cell could not show."""
    return f"+{number(count)} {'autre' if count == 1 else 'autres'}"


def closed_reason(label: str) -> str:
    """Why a closed slot cannot be booked."""
    return f"Ce créneau est fermé{NBSP}: {label}." if label else "Ce créneau est fermé."


def past_reason(limit: datetime) -> str:
    """Why a slot before ``limit`` cannot be booked."""
    return (f"Ce créneau est passé{NBSP}: choisissez un créneau à partir du "
            f"{numeric_date(limit.date())} à {clock_time(limit)}.")
