"""The calendar's month view: the grid of weeks, compact lines and « +N autres », closed
days, keyboard and mouse, the toolbar's month button."""

from __future__ import annotations

import statistics
import time as clock_time
from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPalette, QPixmap

from tests.widgets.calendar_support import MONDAY, at, item
from widgets.calendar_month import add_months, month_days
from widgets.calendar_text import more_items
from widgets.calendar_view import CalendarMode, CalendarToolbar, CalendarView, ClosedPeriod

NBSP = "\u00a0"
NAMES = ["DUPONT M.", "MARTIN P.", "BERNARD L.", "PETIT S.", "DURAND C.", "LEROY A."]


@pytest.fixture
def month_view(qtbot, view) -> CalendarView:
    with qtbot.waitSignal(view.period_changed):
        view.set_mode(CalendarMode.MONTH)
    return view


def test_the_month_is_its_weeks_from_monday_and_reads_in_french(month_view):
    # November 2026 begins on a Sunday and ends on a Monday.
    days = month_view.days()
    assert (days[0], days[-1], len(days)) == (date(2026, 10, 26), date(2026, 12, 6), 42)
    assert month_view.period() == (datetime(2026, 10, 26), datetime(2026, 12, 7))
    assert month_view.period_label() == "Novembre 2026"
    assert month_view.current_date() == date(2026, 11, 24)


def test_five_day_weeks_leave_out_a_week_without_the_months_days():
    # August 2026 begins on a Saturday: the week of 27 July shows no August day.
    days = month_days(date(2026, 8, 10), week_days=5)
    assert days[0] == date(2026, 8, 3) and all(day.weekday() < 5 for day in days)
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)


def test_a_cell_lists_its_items_by_time_and_says_how_many_more(month_view):
    busy = [item(n, 1, 8 + n // 2, 30 * (n % 2), title=NAMES[n % 6]) for n in range(20)]
    month_view.set_items([*busy, item("a", 2, 14, title="MARTIN P."),
                          item("b", 2, 9, 30, title="DUPONT M.")])

    assert month_view.day_lines(MONDAY + timedelta(days=2)) == ["09:30 DUPONT M.",
                                                                "14:00 MARTIN P."]
    lines = month_view.day_lines(MONDAY + timedelta(days=1))
    shown = len(lines) - 1
    assert 2 <= shown < 20
    assert lines[:2] == ["08:00 DUPONT M.", "08:30 MARTIN P."]
    assert lines[-1] == f"+{20 - shown} autres"
    assert month_view.day_lines(date(2026, 11, 30)) == []


def test_what_fits_is_shown_whole_and_one_more_hides_two(month_view):
    # « +1 autre » would take the line the item itself needs: one too many hides two.
    tuesday = MONDAY + timedelta(days=1)
    month_view.set_items([item(n, 1, 8, n, title=NAMES[n % 6]) for n in range(30)])
    room = len(month_view.day_lines(tuesday))
    month_view.set_items([item(n, 1, 8, n, title=NAMES[n % 6]) for n in range(room)])
    assert not month_view.day_lines(tuesday)[-1].startswith("+")
    month_view.set_items([item(n, 1, 8, n, title=NAMES[n % 6]) for n in range(room + 1)])
    assert month_view.day_lines(tuesday)[-1] == "+2 autres"
    assert more_items(1) == "+1 autre" and more_items(1000) == f"+1{NBSP}000 autres"


def test_closed_days_are_shaded_with_their_label(qtbot, month_view):
    christmas = date(2026, 12, 25)
    month_view.set_date(christmas)
    month_view.set_closed_periods([
        ClosedPeriod(datetime(2026, 12, 25), datetime(2026, 12, 26), "Jour férié : Noël"),
        ClosedPeriod(datetime(2026, 12, 24, 8), datetime(2026, 12, 24, 12), "Fermé"),
        ClosedPeriod(datetime(2026, 12, 24, 12), datetime(2026, 12, 24, 18), "Fermé"),
        ClosedPeriod(datetime(2026, 12, 23, 12), datetime(2026, 12, 23, 13), "Déjeuner"),
    ])
    assert month_view.day_lines(christmas) == ["Jour férié : Noël"]
    assert month_view.day_lines(date(2026, 12, 24)) == ["Fermé"]  # closed all day, in two
    assert month_view.day_lines(date(2026, 12, 23)) == []  # open but for lunch
    assert month_view.day_accessible_text(christmas) == \
        f"vendredi 25 décembre 2026, fermé{NBSP}: Jour férié : Noël, rien de prévu"

    pixmap = month_view.viewport().grab()
    base = month_view.palette().color(QPalette.ColorRole.Base)

    def shade(day: date):
        rect = month_view.day_rect(day)
        return pixmap.toImage().pixelColor(QPoint(round(rect.right() - 10),
                                                  round(rect.bottom() - 10)))

    assert shade(christmas) != base
    assert shade(date(2026, 12, 23)) == base


def test_the_focused_day_is_read_with_its_items(month_view):
    month_view.set_items([item("a", 1, 9, 30, title="DUPONT M."),
                          item("b", 1, 14, title="MARTIN P.", cancelled=True)])
    assert month_view.accessibleDescription() == \
        "mardi 24 novembre 2026, 09:30 DUPONT M., 14:00 MARTIN P. (annulé)"


def test_arrows_move_between_days_and_into_the_next_month(qtbot, month_view):
    month_view.setFocus()
    qtbot.keyClick(month_view, Qt.Key.Key_Right)
    assert month_view.current_date() == date(2026, 11, 25)
    qtbot.keyClick(month_view, Qt.Key.Key_Up)
    assert month_view.current_date() == date(2026, 11, 18)
    assert month_view.accessibleDescription().startswith("mercredi 18 novembre 2026")
    with qtbot.assertNotEmitted(month_view.period_changed):
        qtbot.keyClick(month_view, Qt.Key.Key_Down)
    with qtbot.waitSignal(month_view.period_changed) as signal:
        qtbot.keyClick(month_view, Qt.Key.Key_Down)  # 2 December
    assert signal.args == [datetime(2026, 11, 30), datetime(2027, 1, 4)]
    assert month_view.period_label() == "Décembre 2026"
    with qtbot.waitSignal(month_view.period_changed):
        qtbot.keyClick(month_view, Qt.Key.Key_PageUp)
    assert month_view.current_date() == date(2026, 11, 2)
    with qtbot.waitSignal(month_view.day_activated) as activated:
        qtbot.keyClick(month_view, Qt.Key.Key_Return)
    assert activated.args == [date(2026, 11, 2)]


def test_a_five_day_month_skips_the_weekend(qtbot, fake_clock):
    calendar = CalendarView(clock=fake_clock, week_days=5)
    qtbot.addWidget(calendar)
    calendar.set_mode(CalendarMode.MONTH)
    calendar.set_date(date(2026, 11, 27))  # a Friday
    qtbot.keyClick(calendar, Qt.Key.Key_Right)
    assert calendar.current_date() == date(2026, 11, 30)
    qtbot.keyClick(calendar, Qt.Key.Key_Left)
    assert calendar.current_date() == date(2026, 11, 27)


def test_double_click_shows_the_day_or_opens_the_item(qtbot, month_view):
    month_view.set_items([item("a", 1, 9, 30, title="DUPONT M.")])
    cell = month_view.day_rect(date(2026, 11, 26))
    with qtbot.waitSignal(month_view.day_activated) as activated:
        qtbot.mouseDClick(month_view.viewport(), Qt.MouseButton.LeftButton,
                          pos=cell.center().toPoint())
    assert activated.args == [date(2026, 11, 26)]

    line_y = round(month_view.day_rect(date(2026, 11, 24)).top()
                   + 1.5 * month_view.fontMetrics().lineSpacing() + 4)
    point = QPoint(round(month_view.day_rect(date(2026, 11, 24)).left() + 30), line_y)
    assert month_view.day_at(point) == date(2026, 11, 24)
    with qtbot.waitSignal(month_view.item_activated) as opened:
        qtbot.mouseDClick(month_view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert opened.args == ["a"]
    assert month_view.current_date() == date(2026, 11, 24)


def test_switching_back_shows_the_week_of_the_focused_day(qtbot, month_view):
    qtbot.mouseClick(month_view.viewport(), Qt.MouseButton.LeftButton,
                     pos=month_view.day_rect(date(2026, 12, 3)).center().toPoint())
    assert month_view.period_label() == "Novembre 2026"  # a day of the next month's edge
    month_view.set_mode(CalendarMode.DAY)
    assert month_view.days() == [date(2026, 12, 3)]
    assert month_view.day_rect(date(2026, 12, 3)) is None


def test_the_toolbar_offers_the_month_when_asked(qtbot, view):
    assert not CalendarToolbar(view).month_button.isVisibleTo(view)
    toolbar = CalendarToolbar(view, modes=(CalendarMode.DAY, CalendarMode.WEEK,
                                           CalendarMode.MONTH))
    qtbot.addWidget(toolbar)
    toolbar.show()
    qtbot.mouseClick(toolbar.month_button, Qt.MouseButton.LeftButton)
    assert view.mode() is CalendarMode.MONTH
    assert toolbar.label.text() == "Novembre 2026" and toolbar.month_button.isChecked()
    qtbot.mouseClick(toolbar.next_button, Qt.MouseButton.LeftButton)
    assert toolbar.label.text() == "Décembre 2026"


def test_a_month_of_2000_items_paints_quickly(month_view):
    items = [item(n, n % 42 - 28, 8 + n % 10, 15 * (n % 4), title=NAMES[n % 6],
                  category="phone" if n % 2 else "physical") for n in range(2000)]
    pixmap = QPixmap(month_view.viewport().size())

    def seconds() -> float:
        began = clock_time.perf_counter()
        month_view.set_items(items)
        month_view.viewport().render(pixmap)
        return clock_time.perf_counter() - began

    assert statistics.median(seconds() for _ in range(5)) < 0.15  # about 30 ms here
    assert at(0, 9).date() in month_view.days()
