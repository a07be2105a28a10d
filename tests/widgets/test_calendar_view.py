"""The day/week calendar: geometry, overlaps, now line, keyboard, drag, periods, closures, speed."""

from __future__ import annotations

import statistics
import time as clock_time
from datetime import UTC, date, datetime, time, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QContextMenuEvent, QPixmap
from PySide6.QtWidgets import QApplication

from tests.widgets.calendar_support import MONDAY, NOW, at, center, item
from widgets.calendar_model import (
    CalendarItem,
    CalendarLayout,
    ClosedPeriod,
    Column,
    PlacedItem,
    assign_lanes,
)
from widgets.calendar_view import (
    CalendarMode,
    CalendarToolbar,
    contrast,
    period_label,
    readable_on,
)

# -- geometry ------------------------------------------------------------------------------

def test_an_item_sits_in_its_day_column_between_its_times(view):
    view.set_items([item("a", 1, 9), item("hidden", 9, 9)])  # the second is next week

    rect = view.item_rect("a")
    column = view.column_rect(1)
    assert column.left() <= rect.left() < rect.right() <= column.right()
    assert rect.top() == pytest.approx(view.y_for(time(9, 0)), abs=2)
    assert rect.bottom() == pytest.approx(view.y_for(time(9, 30)), abs=2)
    assert view.item_rect("hidden") is None
    assert view.item_at(rect.center()) == "a"
    assert view.position_at(rect.center())[0] == 1
    assert view.position_at(QPoint(2, 2)) is None  # the corner above the hours


def test_the_week_starts_on_monday_and_the_period_covers_it(view):
    assert view.days() == [MONDAY + timedelta(days=offset) for offset in range(7)]
    assert view.period() == (datetime(2026, 11, 23), datetime(2026, 11, 30))
    assert [column.day for column in view.columns()] == view.days()


def test_overlapping_items_are_put_side_by_side(view):
    view.set_items([item("a", 0, 9, duration=60), item("b", 0, 9, 30, duration=60),
                    item("c", 0, 10, duration=60), item("alone", 0, 14)])

    a, b, c, alone = (view.item_rect(key) for key in ("a", "b", "c", "alone"))
    assert not a.intersects(b) and not b.intersects(c)
    assert b.left() > a.left()
    assert c.left() == pytest.approx(a.left())  # c reuses a's lane once a has ended
    assert alone.width() > 1.9 * a.width()


def test_lanes_count_the_whole_group_of_overlapping_items():
    def placed(start, end):
        return PlacedItem(item(start, 0, 8), 0, start, end)

    entries = [placed(540, 600), placed(570, 630), placed(600, 660), placed(720, 750)]
    assign_lanes(entries)
    assert [(entry.lane, entry.lanes) for entry in entries] == [(0, 2), (1, 2), (0, 2), (0, 1)]


def test_items_before_or_after_the_range_are_counted_not_drawn(view):
    view.set_items([item("early", 0, 6), item("late", 0, 19), item("edge", 0, 17, 45, 60)])
    assert view.item_rect("early") is None and view.item_rect("late") is None
    edge = view.item_rect("edge")
    assert edge.bottom() <= view.column_rect(0).bottom() + 1  # clipped at 18:00

    layout = CalendarLayout.build([Column(MONDAY)], 8 * 60, 18 * 60, 30,
                                  [item("early", 0, 6), item("late", 0, 19),
                                   item("late too", 0, 18)], [])
    assert (layout.hidden_before, layout.hidden_after) == ([1], [2])


def test_keyboard_stops_are_the_items_and_the_free_cells_in_time_order():
    layout = CalendarLayout.build([Column(MONDAY)], 8 * 60, 10 * 60, 30,
                                  [item("a", 0, 8, 10, duration=30), item("b", 0, 9)], [])
    assert [(stop.start, stop.key) for stop in layout.stops(0)] == [
        (490, "a"), (540, "b"), (570, None)]  # 08:00 and 08:30 are partly taken by a


def test_resource_columns_in_a_site_day_view(view):
    view.set_mode(CalendarMode.DAY)
    view.set_date(MONDAY + timedelta(days=1))
    view.set_resources([("a", "Camille D."), ("b", "Karim B."), ("c", "Sophie L."),
                        ("d", "Lucas G.")])
    view.set_items([item("x", 1, 9, column="c"), item("elsewhere", 1, 9, column="z")])

    assert [column.label for column in view.columns()] == ["Camille D.", "Karim B.",
                                                         "Sophie L.", "Lucas G."]
    column = view.column_rect(2)
    rect = view.item_rect("x")
    assert column.left() <= rect.left() and rect.right() <= column.right()
    assert view.item_rect("elsewhere") is None


# -- closures and time ---------------------------------------------------------------------

def test_closed_periods_are_laid_out_with_their_labels(view):
    view.set_resources([("a", "A"), ("b", "B")])
    view.set_closed_periods([
        ClosedPeriod(at(0, 0), at(1, 0), "Lundi de Pâques"),
        ClosedPeriod(at(1, 12), at(1, 13, 30), "Fermé"),
        ClosedPeriod(at(2, 14), at(2, 18), "Absent", column="b"),
    ])

    closed = view.closed_rects()
    labels = [label for _rect, label in closed]
    assert labels == ["Lundi de Pâques"] * 2 + ["Fermé"] * 2 + ["Absent"]
    holiday = closed[0][0]
    assert holiday.top() == pytest.approx(view.column_rect(0).top())
    assert holiday.bottom() == pytest.approx(view.column_rect(0).bottom())
    lunch = closed[2][0]
    assert lunch.top() == pytest.approx(view.y_for(time(12, 0)))
    assert lunch.bottom() == pytest.approx(view.y_for(time(13, 30)))
    absent = closed[4][0]
    assert absent.left() == pytest.approx(view.column_rect(5).left())  # Wednesday, B


def test_the_now_line_follows_the_injected_clock(qtbot, view, fake_clock):
    assert view.now_line_y() == pytest.approx(view.y_for(time(10, 40)))

    fake_clock.now = NOW.replace(hour=15, minute=5)
    qtbot.waitUntil(lambda: view.now_line_y() == pytest.approx(view.y_for(time(15, 5))))

    view.next_period()
    assert view.now_line_y() is None  # today is not shown


def test_times_must_be_naive_local_times():
    with pytest.raises(ValueError, match="naive"):
        CalendarItem("a", datetime(2026, 11, 23, 9, tzinfo=UTC),
                     datetime(2026, 11, 23, 10), "x")
    with pytest.raises(ValueError, match="ends before"):
        CalendarItem("a", datetime(2026, 11, 23, 9), datetime(2026, 11, 23, 9), "x")


# -- periods and French text ---------------------------------------------------------------

def test_next_and_previous_week_emit_the_period_to_fetch(qtbot, view):
    with qtbot.waitSignal(view.period_changed) as signal:
        view.next_period()
    assert signal.args == [datetime(2026, 11, 30), datetime(2026, 12, 7)]
    qtbot.keyClick(view, Qt.Key.Key_PageUp)
    with qtbot.waitSignal(view.period_changed) as signal:
        qtbot.keyClick(view, Qt.Key.Key_PageUp)
    assert signal.args == [datetime(2026, 11, 16), datetime(2026, 11, 23)]
    with qtbot.waitSignal(view.period_changed) as signal:
        qtbot.keyClick(view, Qt.Key.Key_Home)
    assert signal.args == [datetime(2026, 11, 23), datetime(2026, 11, 30)]
    assert view.focused_slot() == (None, datetime(2026, 11, 24, 10, 30))


def test_a_date_in_the_shown_week_moves_the_focus_without_fetching_again(qtbot, view):
    view.set_items([item("tue", 1, 9)])
    view.focus_item("tue")
    with qtbot.assertNotEmitted(view.period_changed):
        view.set_date(MONDAY + timedelta(days=3))
    assert view.focused_slot() == (None, at(3, 9))
    view.set_mode(CalendarMode.DAY)
    assert view.days() == [MONDAY + timedelta(days=3)]


def test_day_mode_moves_one_day_at_a_time(qtbot, view):
    view.set_date(MONDAY + timedelta(days=2))
    view.set_mode(CalendarMode.DAY)
    assert view.days() == [MONDAY + timedelta(days=2)]
    with qtbot.waitSignal(view.period_changed) as signal:
        qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert signal.args == [datetime(2026, 11, 26), datetime(2026, 11, 27)]


@pytest.mark.parametrize(("days", "label"), [
    ([date(2026, 11, 23), date(2026, 11, 29)], "Semaine du 23 au 29 novembre 2026"),
    ([date(2026, 11, 30), date(2026, 12, 6)], "Semaine du 30 novembre au 6 décembre 2026"),
    ([date(2026, 12, 28), date(2027, 1, 3)], "Semaine du 28 décembre 2026 au 3 janvier 2027"),
    ([date(2027, 2, 1), date(2027, 2, 7)], "Semaine du 1er au 7 février 2027"),
    ([date(2026, 11, 23)], "Lundi 23 novembre 2026"),
])
def test_the_period_reads_in_french(days, label):
    assert period_label(days) == label


def test_the_toolbar_shows_the_period_and_switches_mode(qtbot, view):
    toolbar = CalendarToolbar(view)
    qtbot.addWidget(toolbar)
    assert toolbar.label.text() == "Semaine du 23 au 29 novembre 2026"
    assert toolbar.week_button.isChecked()

    qtbot.mouseClick(toolbar.next_button, Qt.MouseButton.LeftButton)
    assert toolbar.label.text() == "Semaine du 30 novembre au 6 décembre 2026"
    qtbot.mouseClick(toolbar.today_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(toolbar.day_button, Qt.MouseButton.LeftButton)
    assert view.mode() is CalendarMode.DAY
    assert toolbar.label.text() == "Mardi 24 novembre 2026"  # the focused day, today


# -- keyboard ------------------------------------------------------------------------------

def test_arrows_walk_items_and_free_cells_then_enter_and_delete_ask(qtbot, view):
    view.set_items([item("nine", 1, 9), item("ten", 1, 10, duration=60),
                    item("wed", 2, 10, 15)])
    assert view.focus_item("nine")

    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.focused_slot() == (None, at(1, 9, 30))
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.focused_key() == "ten"
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.focused_key() == "wed"  # its 10:15 start takes the 10:00 cell
    qtbot.keyClick(view, Qt.Key.Key_Left)
    qtbot.keyClick(view, Qt.Key.Key_Up)
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert view.focused_key() == "nine"

    with qtbot.waitSignal(view.item_activated) as activated:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert activated.args == ["nine"]
    with qtbot.waitSignal(view.item_cancel_requested) as cancel:
        qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert cancel.args == ["nine"]
    qtbot.keyClick(view, Qt.Key.Key_Down)
    with qtbot.waitSignal(view.slot_activated) as slot:
        qtbot.keyClick(view, Qt.Key.Key_Enter)
    assert slot.args == [None, at(1, 9, 30)]


def test_right_arrow_on_sunday_goes_to_next_week(qtbot, view):
    view.set_items([item("sunday", 6, 9)])
    view.focus_item("sunday")
    with qtbot.waitSignal(view.period_changed):
        qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.focused_slot() == (None, datetime(2026, 11, 30, 9, 0))


def test_ctrl_arrows_ask_to_move_the_focused_item(qtbot, view):
    view.set_resources([("a", "A"), ("b", "B")])
    view.set_items([item("x", 1, 9, column="a")])
    view.focus_item("x")
    with qtbot.waitSignal(view.item_move_requested) as later:
        qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert later.args == ["x", at(1, 9, 30), "a"]
    with qtbot.waitSignal(view.item_move_requested) as across:
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert across.args == ["x", at(1, 9), "b"]
    assert view.item_rect("x").left() < view.column_rect(3).left()  # nothing moved by itself


def test_the_focused_stop_is_described_for_screen_readers(view):
    view.set_items([item("a", 1, 9, subtitle="Mme D."),
                    item("b", 1, 10, subtitle="M. P.", cancelled=True, marker="à renseigner")])
    assert view.item_accessible_text("a") == "09:00–09:30, RDV téléphonique, Mme D."
    assert view.item_accessible_text("b") == \
        "10:00–10:30, RDV téléphonique, M. P., annulé, à renseigner"
    view.focus_item("a")
    now = " (maintenant\u00a0: 10:40)"  # today is shown, with its line for now
    assert view.accessibleDescription() == \
        "mar. 24/11, 09:00–09:30, RDV téléphonique, Mme D." + now
    view.set_closed_periods([ClosedPeriod(at(1, 12), at(1, 13), "Déjeuner")])
    view.set_items([])  # the item went away: the focus stays at that time, on the free cell
    assert view.accessibleDescription() == "mar. 24/11, 09:00–09:30, créneau libre" + now


# -- mouse ---------------------------------------------------------------------------------

def test_double_click_opens_an_item_or_a_free_snapped_slot(qtbot, view):
    view.set_items([item("a", 1, 9)])
    with qtbot.waitSignal(view.item_activated) as activated:
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=center(view, "a"))
    assert activated.args == ["a"]

    column = view.column_rect(3)
    point = QPoint(round(column.center().x()), round(view.y_for(time(14, 20))))
    with qtbot.waitSignal(view.slot_activated) as slot:
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert slot.args == [None, at(3, 14, 0)]


def test_dragging_asks_to_move_to_the_snapped_time_and_day(qtbot, view):
    view.set_items([item("a", 1, 9)])
    start = center(view, "a")
    width = view.column_rect(0).width()
    minute = (view.y_for(time(10, 0)) - view.y_for(time(9, 0))) / 60
    target = QPoint(round(start.x() + width), round(start.y() + 52 * minute))

    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(viewport, QPoint(start.x(), start.y() + 20))
    qtbot.mouseMove(viewport, target)
    with qtbot.waitSignal(view.item_move_requested) as moved:
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=target)
    assert moved.args == ["a", at(2, 10, 0), None]  # +52 minutes snaps to one hour


def test_a_click_without_moving_asks_nothing(qtbot, view):
    view.set_items([item("a", 1, 9)])
    with qtbot.assertNotEmitted(view.item_move_requested):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=center(view, "a"))
    assert view.focused_key() == "a"


def test_the_context_menu_hook_names_the_item_or_the_slot(qtbot, view):
    view.set_items([item("a", 1, 9)])
    with qtbot.waitSignal(view.item_context_menu_requested) as on_item:
        QApplication.sendEvent(view.viewport(), QContextMenuEvent(
            QContextMenuEvent.Reason.Mouse, center(view, "a"), QPoint()))
    assert on_item.args[0] == "a"

    view.focus_item("a")
    qtbot.keyClick(view, Qt.Key.Key_Down)
    with qtbot.waitSignal(view.slot_context_menu_requested) as on_slot:
        QApplication.sendEvent(view.viewport(), QContextMenuEvent(
            QContextMenuEvent.Reason.Keyboard, QPoint(), QPoint()))
    assert on_slot.args[:2] == [None, at(1, 9, 30)]


# -- colours and speed ---------------------------------------------------------------------

@pytest.mark.parametrize("background", ["#ffffff", "#1e1e1e"])
@pytest.mark.parametrize("colour", ["#1a73e8", "#188038", "#9334e6", "#e8710a"])
def test_category_colours_stand_out_on_light_and_dark(colour, background):
    assert contrast(readable_on(QColor(colour), QColor(background)), QColor(background)) >= 3


def test_a_week_of_300_items_paints_quickly(view):
    view.set_category_colours({"phone": "#1a73e8", "physical": "#188038"})
    view.set_closed_periods([ClosedPeriod(at(day, 12), at(day, 13, 30), "Fermé")
                             for day in range(7)])
    items = [item(n, n % 7, 8 + (n // 7) % 10, 15 * (n % 4), duration=30 + 15 * (n % 3),
                  subtitle=f"Mme {n}", category="phone" if n % 2 else "physical",
                  cancelled=n % 17 == 0, marker="à renseigner" if n % 13 == 0 else "")
             for n in range(300)]
    viewport = view.viewport()
    pixmap = QPixmap(viewport.size())

    def seconds(action) -> float:
        began = clock_time.perf_counter()
        action()
        return clock_time.perf_counter() - began

    def fresh_items_painted():
        view.set_items(items)
        viewport.render(pixmap)

    # generous bounds for loaded CI machines: here about 15 ms and 1 ms
    assert statistics.median(seconds(fresh_items_painted) for _ in range(5)) < 0.08
    view.focus_item(0)
    assert statistics.median(seconds(lambda: viewport.render(pixmap)) for _ in range(7)) < 0.016
