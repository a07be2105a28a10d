"""Fixtures of the widget tests: a calendar view on a fixed Tuesday, with a fake clock."""

from __future__ import annotations

from datetime import time

import pytest

from tests.widgets.calendar_support import NOW, FakeClock
from widgets.calendar_view import CalendarView


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def view(qtbot, fake_clock) -> CalendarView:
    calendar = CalendarView(clock=fake_clock, now_interval_ms=10)
    qtbot.addWidget(calendar)
    calendar.set_time_range(time(8, 0), time(18, 0), 30)
    calendar.resize(1000, 800)
    calendar.show()
    qtbot.waitExposed(calendar)
    return calendar
