"""What the calendar tests share: a fixed week, a fake clock, item builders (the fixtures are
in ``conftest``)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QPoint

from widgets.calendar_model import CalendarItem
from widgets.calendar_view import CalendarView

MONDAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 24, 10, 40)  # Tuesday


def at(day_offset: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(MONDAY + timedelta(days=day_offset), time(hour, minute))


def item(key, day_offset, hour, minute=0, duration=30, **extra) -> CalendarItem:
    start = at(day_offset, hour, minute)
    extra.setdefault("title", "RDV téléphonique")
    return CalendarItem(key, start, start + timedelta(minutes=duration), **extra)


class FakeClock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def center(calendar: CalendarView, key) -> QPoint:
    return calendar.item_rect(key).center().toPoint()
