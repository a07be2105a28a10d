"""French for people: dates, times, numbers and plurals, one wording for the whole product.

Services, PDFs and screens all word things through here, so that a date or a count reads
the same on a screen, in a letter and in a report. Numbers group their thousands with a
no-break space (« 20 000 »), and a number stays on the line of its unit (« 12 % »,
« 3 jours »). The labels of an area's states live beside its models
(``db/<area>/labels.py``); this module knows no area.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

NBSP = "\u00a0"
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


# -- dates and times --------------------------------------------------------------------

def day(value: date | None, empty: str = "—") -> str:
    """« 03/12/2026 »."""
    return f"{value:%d/%m/%Y}" if value else empty


def weekday_day(value: date) -> str:
    """« jeudi 03/12/2026 »."""
    return f"{WEEKDAYS[value.weekday()]} {day(value)}"


def short_weekday_day(value: date) -> str:
    """« jeu. 03/12/2026 »."""
    return f"{WEEKDAYS[value.weekday()][:3]}. {day(value)}"


def long_date(value: date) -> str:
    """« 3 décembre 2026 », « 1er mars 2027 » (a letter's date)."""
    number = "1er" if value.day == 1 else str(value.day)
    return f"{number} {MONTHS[value.month - 1]} {value.year}"


def month_label(month: date) -> str:
    """« octobre 2026 »."""
    return f"{MONTHS[month.month - 1]} {month.year}"


def clock(value: time | datetime) -> str:
    """« 09:30 » (24 h)."""
    return f"{value:%H:%M}"


def moment(value: datetime, time_zone: str) -> str:
    """« lundi 30/03/2026 à 09:30 » on the site's wall clock."""
    local = value.astimezone(ZoneInfo(time_zone))
    return f"{weekday_day(local.date())} à {clock(local)}"


def short_moment(value: datetime, time_zone: str) -> str:
    """« 16/03/2026 15:00 » on the site's wall clock."""
    local = value.astimezone(ZoneInfo(time_zone))
    return f"{day(local.date())} {clock(local)}"


def local_moment(value: datetime) -> str:
    """« 16/03/2026 15:00 » on this computer's clock (a sign-in, an audit entry: not tied to
    a site)."""
    local = value.astimezone()
    return f"{day(local.date())} {clock(local)}"


# -- numbers ----------------------------------------------------------------------------

def thousands(number: int) -> str:
    """« 20 000 », with a no-break space."""
    return f"{number:,}".replace(",", NBSP)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """The word for ``count`` things: French takes the singular for 0 and 1."""
    return singular if abs(count) <= 1 else (plural_form or singular + "s")


def count(number: int, singular: str, plural_form: str | None = None) -> str:
    """« 1 ligne », « 2 000 lignes »."""
    return f"{thousands(number)} {plural(number, singular, plural_form)}"


def days(number: int) -> str:
    """« 3 jours », the number kept on the line of its unit."""
    return f"{number}{NBSP}{plural(number, 'jour')}"


def percent(part: int, whole: int) -> str:
    """« 12 % » (rounded), « — » when there is nothing to divide."""
    return f"{round(100 * part / whole)}{NBSP}%" if whole else "—"


def share_percent(share: float | None) -> str:
    """« 85,8 % » from a share between 0 and 1, « — » when unknown."""
    return "—" if share is None else f"{share * 100:.1f}{NBSP}%".replace(".", ",")


def decimal_days(value: float | None) -> str:
    """« 12,5 jours », « — » when unknown."""
    return "—" if value is None else f"{value:.1f}{NBSP}jours".replace(".", ",")
