"""French working days: weekends and public holidays of the right subdivision.

Alsace-Moselle (57, 67, 68) has Good Friday and 26 December; each overseas department its own
abolition-of-slavery day. Deadlines (call-backs, preparations, mediation) count these days.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

# Département → subdivision code of the ``holidays`` package.
_SUBDIVISIONS = {
    "57": "57", "67": "6AE", "68": "6AE",
    "971": "971", "972": "972", "973": "973", "974": "974", "976": "976",
    "975": "PM", "977": "BL", "978": "MF",
}


def subdivision(department: str) -> str | None:
    return _SUBDIVISIONS.get((department or "").strip().upper())


@lru_cache(maxsize=64)
def _holidays(department: str, year: int) -> dict[date, str]:
    return dict(holidays.country_holidays(
        "FR", subdiv=subdivision(department), years=year, language="fr"))


class WorkingCalendar:
    """Working days (Monday to Friday, public holidays excepted) of one département."""

    def __init__(self, department: str = ""):
        self.department = department

    def holiday_name(self, day: date) -> str | None:
        """« Lundi de Pâques »…, or None on an ordinary day."""
        return _holidays(self.department, day.year).get(day)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and self.holiday_name(day) is None

    def add_working_days(self, day: date, count: int) -> date:
        """The working day ``count`` working days after (or before, if negative) ``day``."""
        step = timedelta(days=1 if count >= 0 else -1)
        remaining = abs(count)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in ]start, end]; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(
            1 for offset in range(1, (end - start).days + 1)
            if self.is_working_day(start + timedelta(days=offset))
        )
