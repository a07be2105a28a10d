"""A day, week or month calendar of items, painted (no widget per item) and driven by signals.

The view holds only the period it shows: ``period_changed(start, end)`` tells the caller
which items to fetch, and the caller hands them back with ``set_items``. So the view stays
fluid however many items the database holds. It never changes an item by itself: a drag, a
Ctrl+arrow or Delete only *asks* (``item_move_requested``, ``item_cancel_requested``), and
the caller decides and sets the items again (a refused move leaves the item where it was).

Times are naive local datetimes (see ``calendar_model``); so is the injectable ``clock``.

Keyboard (day and week): arrows move between items and free grid cells (Up/Down in a column,
Left/Right to the next column, across into the previous or next period at the edges);
Ctrl+arrows ask to move the focused item by one grid step or one column; PageUp/PageDown
change period; Home comes back to today; Enter opens the item or the free cell; Delete asks
to cancel; the menu key opens the context menu. In the month view arrows move between days
and Enter asks to show the day. The focused stop is read by screen readers through the
view's accessible description, with the time now when the line for now is shown.

What is shown and painted is ``calendar_canvas``'s; the other parts live beside it
(``calendar_model`` in minutes, ``calendar_geometry`` in pixels, ``calendar_paint``,
``calendar_month``, ``calendar_text``, ``calendar_toolbar``). The names callers import stay
importable from here.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QToolTip

from widgets.calendar_canvas import CalendarCanvas
from widgets.calendar_model import (
    CalendarItem,
    CalendarMode,
    ClosedPeriod,
    PlacedItem,
    Stop,
    minutes_of,
    moment_at,
)
from widgets.calendar_text import period_label
from widgets.calendar_toolbar import CalendarToolbar
from widgets.colours import contrast, readable_on

__all__ = ["CalendarItem", "CalendarMode", "CalendarToolbar", "CalendarView", "ClosedPeriod",
           "contrast", "period_label", "readable_on"]

_ARROWS = {Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1),
           Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0)}


class CalendarView(CalendarCanvas):
    """The calendar a user works in. Signals (keys and column keys are whatever the caller
    put in the items and resources; times are naive local datetimes):

    - ``item_activated(key)``: double-click or Enter on an item;
    - ``item_move_requested(key, new_start, column_key)``: a drop after a drag (snapped to the
      grid) or Ctrl+arrow on a movable item; ``column_key`` is the target resource, None
      without resources;
    - ``item_cancel_requested(key)``: Delete on an item;
    - ``slot_activated(column_key, start)``: double-click or Enter on a free, bookable cell;
    - ``refused_slot(reason)``: the same on a closed cell or before ``bookable_from()``, or
      a move there; ``reason`` is a French sentence to show;
    - ``day_activated(day)``: double-click or Enter on a day of the month view (show it);
    - ``item_context_menu_requested(key, global_pos)`` and
      ``slot_context_menu_requested(column_key, start, global_pos)``: right click or menu key;
    - ``period_changed(start, end)``: see ``CalendarCanvas``.
    """

    item_activated = Signal(object)
    item_move_requested = Signal(object, object, object)
    item_cancel_requested = Signal(object)
    slot_activated = Signal(object, object)
    refused_slot = Signal(str)
    day_activated = Signal(object)
    item_context_menu_requested = Signal(object, QPoint)
    slot_context_menu_requested = Signal(object, object, QPoint)

    # where the left button went down, and on which movable item
    _press: tuple[QPointF, PlacedItem | None] | None = None

    # -- keyboard -----------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        control = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if self._mode is CalendarMode.MONTH and key in _ARROWS:
            across, down = _ARROWS[key]
            self._move_month_focus(across + 7 * down)
        elif key in _ARROWS and control:
            self._request_step_move(*_ARROWS[key])
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self._move_in_column(_ARROWS[key][1])
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self._move_across(_ARROWS[key][0])
        elif key == Qt.Key.Key_PageUp:
            self.previous_period()
        elif key == Qt.Key.Key_PageDown:
            self.next_period()
        elif key == Qt.Key.Key_Home:
            self.go_today()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._activate_focus()
        elif key == Qt.Key.Key_Delete and self.focused_key() is not None:
            self.item_cancel_requested.emit(self.focused_key())
        elif key == Qt.Key.Key_Escape and self._ghost is not None:
            self._press, self._ghost = None, None
            self.viewport().update()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def _current_stop(self) -> Stop:
        if self._focus is None:
            column = next((i for i, c in enumerate(self._layout.columns)
                           if c.day == self._anchor), 0)
            return self._layout.stop_at(column, self._first_minute)
        return self._focus

    def _move_in_column(self, direction: int) -> None:
        if self._focus is None:
            self._set_focus(self._current_stop())
        else:
            self._set_focus(self._layout.step_in_column(self._focus, direction))

    def _move_across(self, direction: int) -> None:
        stop = self._current_stop()
        column = stop.column + direction
        if not 0 <= column < len(self._layout.columns):
            self._step_period(direction)
            column = 0 if direction > 0 else len(self._layout.columns) - 1
        self._set_focus(self._layout.stop_at(column, stop.start))

    def _move_month_focus(self, days: int) -> None:
        """Left/Right a day (over a hidden weekend), Up/Down a week; into the next or previous
        month past its edges."""
        day = self._anchor + timedelta(days=days)
        while day.weekday() >= self._week_days:
            day += timedelta(days=1 if days > 0 else -1)
        if (day.year, day.month) != (self._month_shown.year, self._month_shown.month):
            self.set_date(day)
            return
        self._anchor = day
        self._describe()
        self.viewport().update()

    def _request_step_move(self, columns: int, cells: int) -> None:
        key = self.focused_key()
        placed = None if key is None else self._layout.placed(key)
        if placed is None or not placed.item.movable:
            return
        item = placed.item
        if cells:
            self._ask_move(item, placed.column, item.start + timedelta(minutes=cells * self._grid))
        elif 0 <= placed.column + columns < len(self._layout.columns):
            target = self._layout.columns[placed.column + columns]
            self._ask_move(item, placed.column + columns,
                           datetime.combine(target.day, item.start.time()))

    def _ask_move(self, item: CalendarItem, column: int, new_start: datetime) -> None:
        """``item_move_requested`` to a bookable place, else ``refused_slot``."""
        target = self._layout.columns[column]
        start = minutes_of(new_start, target.day)
        duration = (item.end - item.start).total_seconds() / 60
        reason = self._refusal(column, start, start + duration)
        if reason is not None:
            self.refused_slot.emit(reason)
        else:
            self.item_move_requested.emit(item.key, new_start, target.key)

    def _activate_focus(self) -> None:
        if self._mode is CalendarMode.MONTH:
            self.day_activated.emit(self._anchor)
        elif self._focus is not None and self._focus.key is not None:
            self.item_activated.emit(self._focus.key)
        elif self._focus is not None:
            self._activate_slot(self._focus.column, self._focus.start)

    def _activate_slot(self, column: int, start: float) -> None:
        reason = self._refusal(column, start, start + self._grid)
        if reason is not None:
            self.refused_slot.emit(reason)
            return
        target = self._layout.columns[column]
        self.slot_activated.emit(target.key, moment_at(target.day, start))

    # -- mouse --------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            return
        point = event.position()
        if self._mode is CalendarMode.MONTH:
            day = self.day_at(point)
            if day is not None:
                self._anchor = day
                self._describe()
                self.viewport().update()
            return
        placed = self._placed_at(point)
        if placed is not None:
            self._set_focus(Stop(placed.column, placed.start, placed.item.key))
        else:
            hit = self._body_position(point)
            if hit is not None:
                self._set_focus(self._layout.stop_at(*hit))
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = (point, placed if placed is None or placed.item.movable else None)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None or self._press[1] is None:
            return
        origin, placed = self._press
        if self._ghost is None and (event.position() - origin).manhattanLength() \
                < QApplication.startDragDistance():
            return
        column, start = self._drop_target(placed, origin, event.position())
        self._ghost = placed, column, start
        self._ensure_visible(self._geometry.column_rect(column, start, start + self._grid))
        self.viewport().update()

    def _drop_target(self, placed: PlacedItem, origin: QPointF, point: QPointF) -> tuple[int, int]:
        """The column and grid-snapped start an item dragged from ``origin`` would get."""
        _column, origin_minute = self._body_position(origin, clamp=True)
        column, minute = self._body_position(point, clamp=True)
        start = minutes_of(placed.item.start, placed.item.start.date()) + minute - origin_minute
        cells = round((start - self._first_minute) / self._grid)
        snapped = self._first_minute + cells * self._grid
        return column, min(max(snapped, self._first_minute), self._last_minute - self._grid)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._ghost is not None:
            placed, column, start = self._ghost
            new_start = moment_at(self._layout.columns[column].day, start)
            if new_start != placed.item.start or column != placed.column:
                self._ask_move(placed.item, column, new_start)
        self._press, self._ghost = None, None
        self.viewport().update()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if self._mode is CalendarMode.MONTH:
            self._month_double_click(event.position())
            return
        placed = self._placed_at(event.position())
        if placed is not None:
            self.item_activated.emit(placed.item.key)
            return
        hit = self._body_position(event.position())
        if hit is not None:
            self._activate_slot(hit[0], self._layout.snap(hit[1]))

    def _month_double_click(self, point: QPointF) -> None:
        """On an item's line: open the item; elsewhere in a day: show the day."""
        body = point - self._month_offset()
        index = self._month_geometry.index_at(body)
        if index is None:
            return
        line = next((entry for entry in self._month_lines[index]
                     if entry.key is not None and entry.rect.contains(body)), None)
        if line is not None:
            self.item_activated.emit(line.key)
        else:
            self.day_activated.emit(self._month_cells[index].day)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if self._mode is CalendarMode.MONTH:
            return
        if event.reason() == QContextMenuEvent.Reason.Keyboard:
            if self._focus is None:
                return
            stop = self._focus
            rect = self._geometry.stop_rect(stop, self._boxes, self._grid)
            point = self._to_viewport(rect).center().toPoint()
        else:
            point = event.pos()
            placed = self._placed_at(QPointF(point))
            hit = self._body_position(QPointF(point))
            if placed is not None:
                stop = Stop(placed.column, placed.start, placed.item.key)
            elif hit is not None:
                stop = Stop(hit[0], self._layout.snap(hit[1]))
            else:
                return
        global_point = self.viewport().mapToGlobal(point)
        if stop.key is not None:
            self.item_context_menu_requested.emit(stop.key, global_point)
        else:
            column = self._layout.columns[stop.column]
            self.slot_context_menu_requested.emit(column.key, moment_at(column.day, stop.start),
                                                  global_point)
        event.accept()

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            placed = self._placed_at(QPointF(event.pos()))
            if placed is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self.item_accessible_text(placed.item.key),
                                  self.viewport())
            return True
        return super().viewportEvent(event)

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        if self._focus is None and self._mode is not CalendarMode.MONTH:
            self._set_focus(self._current_stop())
        self.viewport().update()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.viewport().update()

