"""What the calendar lets a user do: book only open, future cells, move only movable items
(by drag with a ghost or by Ctrl+arrows), the line for now, and no selection carried from
one period to another."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPalette

from tests.widgets.calendar_support import MONDAY, NOW, at, center, item
from widgets.calendar_paint import NOW_COLOUR
from widgets.calendar_view import CalendarMode, ClosedPeriod
from widgets.colours import readable_on

NBSP = "\u00a0"


def cell_point(view, column: int, moment: time) -> QPoint:
    rect = view.column_rect(column)
    return QPoint(round(rect.center().x()), round(view.y_for(moment)) + 3)


def test_a_closed_cell_is_not_offered_and_says_why(qtbot, view):
    view.set_closed_periods([ClosedPeriod(at(3, 12), at(3, 13, 30), "Déjeuner")])
    with qtbot.assertNotEmitted(view.slot_activated), \
            qtbot.waitSignal(view.refused_slot) as refused:
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton,
                          pos=cell_point(view, 3, time(12, 40)))
    assert refused.args == [f"Ce créneau est fermé{NBSP}: Déjeuner."]

    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=cell_point(view, 3, time(12, 40)))
    qtbot.keyClick(view, Qt.Key.Key_Down)  # from the 12:30 cell clicked to 13:00, closed
    with qtbot.assertNotEmitted(view.slot_activated), qtbot.waitSignal(view.refused_slot):
        qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    with qtbot.waitSignal(view.slot_activated) as offered:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert offered.args == [None, at(3, 13, 30)]


def test_the_past_is_not_bookable_when_asked(qtbot, view, fake_clock):
    with qtbot.waitSignal(view.slot_activated):  # by default the past is offered
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton,
                          pos=cell_point(view, 1, time(9, 0)))
    view.set_past_bookable(False)
    assert view.bookable_from() == NOW
    with qtbot.assertNotEmitted(view.slot_activated), \
            qtbot.waitSignal(view.refused_slot) as refused:
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton,
                          pos=cell_point(view, 1, time(10, 30)))  # began before 10:40
    assert refused.args == [f"Ce créneau est passé{NBSP}: choisissez un créneau à partir "
                            "du 24/11/2026 à 10:40."]
    with qtbot.waitSignal(view.slot_activated) as offered:
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton,
                          pos=cell_point(view, 1, time(11, 0)))
    assert offered.args == [None, at(1, 11)]

    fake_clock.now = NOW.replace(hour=11, minute=20)  # time goes by
    qtbot.waitUntil(lambda: view.bookable_from() == fake_clock.now)
    view.set_bookable_from(at(2, 0))  # from Wednesday on, whatever the time
    with qtbot.waitSignal(view.refused_slot):
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton,
                          pos=cell_point(view, 1, time(16, 0)))


def test_a_drag_shows_a_ghost_and_asks_for_the_snapped_time(qtbot, view):
    view.set_time_range(time(8, 0), time(18, 0), 15)
    view.set_items([item("a", 1, 9)])
    start = center(view, "a")
    minute = (view.y_for(time(10, 0)) - view.y_for(time(9, 0))) / 60
    target = QPoint(start.x(), round(start.y() + 38 * minute))  # 38 minutes later
    viewport = view.viewport()
    before = viewport.grab().toImage()

    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(viewport, QPoint(start.x(), start.y() + 20))
    qtbot.mouseMove(viewport, target)
    ghost_point = QPoint(target.x(), round(view.y_for(time(9, 50))))
    assert viewport.grab().toImage().pixelColor(ghost_point) != before.pixelColor(ghost_point)
    with qtbot.waitSignal(view.item_move_requested) as moved:
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=target)
    assert moved.args == ["a", at(1, 9, 45), None]  # snapped to the 15-minute grid
    assert view.item_rect("a").top() < view.y_for(time(9, 1))  # it waits for the caller
    assert viewport.grab().toImage().pixelColor(ghost_point) == before.pixelColor(ghost_point)


def test_a_drop_on_a_closed_time_is_refused(qtbot, view):
    view.set_items([item("a", 1, 9)])
    view.set_closed_periods([ClosedPeriod(at(2, 0), at(3, 0), "Jour férié : Noël")])
    start = center(view, "a")
    target = QPoint(round(start.x() + view.column_rect(0).width()), start.y())
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(viewport, QPoint(start.x() + 20, start.y()))
    qtbot.mouseMove(viewport, target)
    with qtbot.assertNotEmitted(view.item_move_requested), \
            qtbot.waitSignal(view.refused_slot) as refused:
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=target)
    assert refused.args == [f"Ce créneau est fermé{NBSP}: Jour férié : Noël."]


def test_ctrl_down_moves_by_one_grid_step_and_ctrl_right_by_a_day(qtbot, view):
    view.set_time_range(time(8, 0), time(18, 0), 15)
    view.set_items([item("a", 1, 9)])
    view.focus_item("a")
    with qtbot.waitSignal(view.item_move_requested) as later:
        qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert later.args == ["a", at(1, 9, 15), None]
    with qtbot.waitSignal(view.item_move_requested) as earlier:
        qtbot.keyClick(view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert earlier.args == ["a", at(1, 8, 45), None]
    with qtbot.waitSignal(view.item_move_requested) as next_day:
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert next_day.args == ["a", at(2, 9), None]


def test_an_item_that_is_not_movable_stays_put(qtbot, view):
    view.set_items([item("session", 1, 9, movable=False)])
    view.focus_item("session")
    start = center(view, "session")
    viewport = view.viewport()
    with qtbot.assertNotEmitted(view.item_move_requested):
        qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
        qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
        qtbot.mouseMove(viewport, QPoint(start.x(), start.y() + 80))
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton,
                           pos=QPoint(start.x(), start.y() + 80))
    assert view.focused_key() == "session"


def test_the_now_line_is_drawn_on_today_and_described(view):
    y = round(view.now_line_y())
    image = view.viewport().grab().toImage()
    now_colour = readable_on(NOW_COLOUR, view.palette().color(QPalette.ColorRole.Base))
    tuesday, thursday = view.column_rect(1), view.column_rect(3)
    assert image.pixelColor(QPoint(round(tuesday.center().x()), y)) == now_colour
    assert image.pixelColor(QPoint(round(thursday.center().x()), y)) != now_colour
    view.set_items([item("a", 3, 9)])
    view.focus_item("a")
    assert view.accessibleDescription().endswith(f"(maintenant{NBSP}: 10:40)")
    view.set_mode(CalendarMode.MONTH)
    assert view.now_line_y() is None


def test_a_slot_chosen_in_one_week_is_not_carried_to_another(qtbot, view):
    view.set_items([item("tue", 1, 9)])
    view.setFocus()
    view.focus_item("tue")
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.focused_slot() == (None, at(1, 9, 30))

    with qtbot.waitSignal(view.period_changed):
        qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert view.focused_slot() is None and view.focused_key() is None
    assert view.accessibleDescription() == "Semaine du 30 novembre au 6 décembre 2026"
    with qtbot.assertNotEmitted(view.slot_activated):
        qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.keyClick(view, Qt.Key.Key_Down)  # the arrows start again on the shown week
    assert view.focused_slot()[1].date() == MONDAY + timedelta(days=8)

    view.previous_period()
    view.focus_item("tue")
    view.set_mode(CalendarMode.DAY)  # the same day: the focus stays
    assert view.focused_key() == "tue"
    view.next_period()
    assert view.focused_key() is None and view.focused_slot() is None
    assert view.days() == [datetime(2026, 11, 25).date()]
