"""The painted calendar, without its keyboard and mouse: the period and mode shown (day,
week or month), the items, closures and bookable times it is given, their layout in pixels,
the painting, the focused stop and what screen readers are told of it.

``CalendarView`` (``calendar_view``) adds what a user does to it; callers use that one.
Times are naive local datetimes (see ``calendar_model``); so is the injectable ``clock``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSizeF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPixmap
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from widgets import calendar_month as month
from widgets.calendar_geometry import ItemBox, TimeGeometry, item_at, place_boxes
from widgets.calendar_model import (
    CalendarItem,
    CalendarLayout,
    CalendarMode,
    ClosedPeriod,
    Column,
    PlacedItem,
    Stop,
    minutes_of,
    moment_at,
)
from widgets.calendar_paint import TimeScene, paint_time_view, render_body
from widgets.calendar_text import (
    NBSP,
    clock_time,
    closed_reason,
    day_header,
    hhmm,
    item_accessible_text,
    month_label,
    past_reason,
    period_label,
)


class CalendarCanvas(QAbstractScrollArea):
    """Day, week or month view of ``CalendarItem``s, optionally one column per resource and
    day (day and week views). ``period_changed(start, end)``: the shown period changed (end
    excluded); fetch its items and call ``set_items``. Not emitted at construction: read
    ``period()``.
    """

    period_changed = Signal(object, object)

    def __init__(self, parent: QWidget | None = None, *,
                 clock: Callable[[], datetime] = datetime.now,
                 now_interval_ms: int = 60_000, week_days: int = 7):
        super().__init__(parent)
        self._clock = clock
        self._now = clock()
        self._mode = CalendarMode.WEEK
        self._anchor = self._now.date()
        self._month_shown = self._anchor.replace(day=1)  # the month view's month
        self._week_days = week_days
        self._first_minute, self._last_minute, self._grid = 8 * 60, 18 * 60, 30
        self._resources: list[tuple[Hashable, str]] = []
        self._items: list[CalendarItem] = []
        self._closures: list[ClosedPeriod] = []
        self._colours: dict[str, QColor] = {}
        self._bookable_from: datetime | None = None
        self._past_bookable = True
        self._focus: Stop | None = None
        # the item dragged and where it would go (column, start minute)
        self._ghost: tuple[PlacedItem, int, int] | None = None
        self._layout = self._build_layout()
        self._geometry = self._measure()
        self._boxes: dict[Hashable, ItemBox] = {}
        self._body_cache: QPixmap | None = None
        self._month_cells: list[month.MonthCell] = []
        self._month_geometry = self._measure_month()
        self._month_lines: list[list[month.CellLine]] = []

        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Calendrier")
        self.viewport().setBackgroundRole(QPalette.ColorRole.Base)
        self.viewport().setMouseTracking(False)
        self.verticalScrollBar().valueChanged.connect(self.viewport().update)
        self.horizontalScrollBar().valueChanged.connect(self.viewport().update)

        self._now_timer = QTimer(self)
        self._now_timer.setInterval(now_interval_ms)
        self._now_timer.timeout.connect(self._refresh_now)
        self._now_timer.start()
        self._relayout()
    # -- configuration ------------------------------------------------------------------------
    def set_time_range(self, start: time, end: time, grid_minutes: int | None = None) -> None:
        """Show ``start``–``end`` of each day (``end`` time(0) means midnight), with grid cells
        of ``grid_minutes`` (15 or 30 usually; unchanged when None)."""
        first = start.hour * 60 + start.minute
        last = end.hour * 60 + end.minute or 24 * 60
        grid = grid_minutes or self._grid
        if last <= first or (last - first) % grid:
            raise ValueError("the time range must be a whole number of grid cells")
        self._first_minute, self._last_minute, self._grid = first, last, grid
        self._relayout()

    def set_resources(self, resources: Iterable[tuple[Hashable, str]]) -> None:
        """One column per resource (key, label) and day; an empty list shows one per day.
        The month view shows every resource's items together."""
        self._resources = list(resources)
        self._relayout()

    def set_items(self, items: Iterable[CalendarItem]) -> None:
        """Replace the items shown (those of the current period; others are ignored)."""
        self._items = list(items)
        self._relayout()

    def set_closed_periods(self, periods: Iterable[ClosedPeriod]) -> None:
        """Times the place is closed: shaded with their label, not bookable."""
        self._closures = list(periods)
        self._relayout()

    def set_category_colours(self, colours: Mapping[str, QColor | str]) -> None:
        """The colour of each item category; unknown categories take the highlight colour."""
        self._colours = {name: QColor(colour) for name, colour in colours.items()}
        self._body_cache = None
        self.viewport().update()

    def set_bookable_from(self, moment: datetime | None) -> None:
        """Refuse new items before ``moment`` (None: no such limit), with ``refused_slot``."""
        self._bookable_from = moment
        self._body_cache = None
        self.viewport().update()

    def set_past_bookable(self, bookable: bool) -> None:
        """False: refuse new items before now (the view's clock), as time goes by."""
        self._past_bookable = bookable
        self._body_cache = None
        self.viewport().update()

    def bookable_from(self) -> datetime | None:
        """The moment before which a cell cannot be booked, if any."""
        limits = [moment for moment in (self._bookable_from,
                                        None if self._past_bookable else self._now)
                  if moment is not None]
        return max(limits, default=None)

    def now(self) -> datetime:
        """The clock's time at its last reading (every ``now_interval_ms``)."""
        return self._now

    # -- period -------------------------------------------------------------------------------
    def mode(self) -> CalendarMode:
        return self._mode

    def set_mode(self, mode: CalendarMode) -> None:
        """Switch day/week/month, around the current (focused) day."""
        if mode is self._mode:
            return
        self._mode = mode
        self._change_period()

    def current_date(self) -> date:
        """The day shown, or the one the week or month view is on (the focused day)."""
        return self._anchor

    def set_date(self, day: date) -> None:
        """Show the day, or the week or month holding it, with the focus on that day."""
        if day != self._anchor:
            self._anchor = day
            self._change_period()

    def days(self) -> list[date]:
        """The days shown: the day, the week, or the weeks of the month grid."""
        if self._mode is CalendarMode.DAY:
            return [self._anchor]
        if self._mode is CalendarMode.MONTH:
            return month.month_days(self._month_shown, self._week_days)
        monday = self._anchor - timedelta(days=self._anchor.weekday())
        return [monday + timedelta(days=offset) for offset in range(self._week_days)]

    def period(self) -> tuple[datetime, datetime]:
        """Start and (excluded) end of the shown days."""
        days = self.days()
        return datetime.combine(days[0], time()), datetime.combine(days[-1], time()) + \
            timedelta(days=1)

    def period_label(self) -> str:
        if self._mode is CalendarMode.MONTH:
            return month_label(self._month_shown)
        return period_label(self.days())

    def previous_period(self) -> None:
        self._step_period(-1)

    def next_period(self) -> None:
        self._step_period(1)

    def go_today(self) -> None:
        """Show today, focused at the current time (or the first cell)."""
        self._refresh_now()
        self._anchor = self._now.date()
        self._change_period()
        today = [i for i, column in enumerate(self._layout.columns) if column.day == self._anchor]
        if today and self._mode is not CalendarMode.MONTH:
            self._set_focus(self._layout.stop_at(today[0], minutes_of(self._now, self._anchor)))

    def _step_period(self, direction: int) -> None:
        if self._mode is CalendarMode.MONTH:
            self._anchor = month.add_months(self._anchor, direction)
        else:
            self._anchor += timedelta(days=direction * (1 if self._mode is CalendarMode.DAY
                                                        else 7))
        self._change_period()

    def _change_period(self) -> None:
        """Show the days around the new anchor. A focus in the new period goes to the anchor
        day at the same time; one outside it is dropped, so that nothing chosen in one week
        is acted on in another."""
        self._month_shown = self._anchor.replace(day=1)
        if self._focus is not None:
            focused_day = self._layout.columns[self._focus.column].day
            shown_now = self.days() if self._mode is not CalendarMode.MONTH else []
            self._focus = Stop(self._focus.column, self._focus.start) \
                if focused_day in shown_now else None
        shown = self._shown_days
        self._relayout()
        if self._shown_days != shown:
            self.period_changed.emit(*self.period())

    # -- focus -------------------------------------------------------------------------------
    def focused_key(self) -> Hashable | None:
        """The focused item's key; None when the focus is on a free cell or nowhere."""
        return None if self._focus is None else self._focus.key

    def focused_slot(self) -> tuple[Hashable | None, datetime] | None:
        """(column key, start) of the focused free cell, or None."""
        if self._focus is None or self._focus.key is not None:
            return None
        column = self._layout.columns[self._focus.column]
        return column.key, moment_at(column.day, self._focus.start)

    def focus_item(self, key: Hashable) -> bool:
        """Put the keyboard focus on that item if it is shown (day and week views)."""
        placed = self._layout.placed(key)
        if placed is not None:
            self._set_focus(Stop(placed.column, placed.start, key))
        return placed is not None

    def item_accessible_text(self, key: Hashable) -> str:
        """« 09:00–09:30, RDV téléphonique, Mme D. » (then « annulé », the marker)."""
        placed = self._layout.placed(key)
        return "" if placed is None else item_accessible_text(placed.item)

    def _stop_text(self, stop: Stop) -> str:
        column = self._layout.columns[stop.column]
        where = ", ".join(part for part in (day_header(column.day), column.label) if part)
        if stop.key is not None:
            return f"{where}, {self.item_accessible_text(stop.key)}"
        text = f"{where}, {hhmm(stop.start)}–{hhmm(stop.start + self._grid)}, créneau libre"
        closure = self._layout.closure_at(stop.column, stop.start)
        if closure is not None:
            text += f", fermé{f' : {closure.label}' if closure.label else ''}"
        return text

    def _describe(self) -> None:
        """The accessible description: the focused stop or day (else the period), then the
        time now when its line is shown."""
        if self._mode is CalendarMode.MONTH:
            index = self._month_index(self._anchor)
            text = month.cell_text(self._month_cells[index]) if index is not None \
                else self.period_label()
        else:
            text = self.period_label() if self._focus is None else self._stop_text(self._focus)
            if self._time_scene().now_minute() is not None:
                text += f" (maintenant{NBSP}: {clock_time(self._now)})"
        self.setAccessibleDescription(text)

    def _set_focus(self, stop: Stop | None) -> None:
        self._focus = stop
        if stop is not None:
            self._anchor = self._layout.columns[stop.column].day
            self._ensure_visible(self._geometry.stop_rect(stop, self._boxes, self._grid))
        self._describe()
        self.viewport().update()

    def _refocus(self) -> None:
        """Find the focus again in a new layout: the same item, else what is at that time on
        the current day (same resource)."""
        if self._focus is None:
            self._describe()
            return
        placed = self._layout.placed(self._focus.key) if self._focus.key is not None else None
        if placed is not None:
            self._set_focus(Stop(placed.column, placed.start, placed.item.key))
            return
        days, per_day = self.days(), len(self._resources) or 1
        day_index = days.index(self._anchor) if self._anchor in days else 0
        column = day_index * per_day + min(self._focus.column % per_day, per_day - 1)
        self._set_focus(self._layout.stop_at(column, self._focus.start))

    # -- layout API (viewport coordinates) ----------------------------------------------------
    def columns(self) -> list[Column]:
        return list(self._layout.columns)

    def item_rect(self, key: Hashable) -> QRectF | None:
        box = self._boxes.get(key)
        return None if box is None else self._to_viewport(box.rect)

    def column_rect(self, column: int) -> QRectF:
        """The whole visible time range of a column."""
        return self._to_viewport(self._geometry.column_rect(
            column, self._first_minute, self._last_minute))

    def closed_rects(self) -> list[tuple[QRectF, str]]:
        return [(self._to_viewport(self._geometry.column_rect(c.column, c.start, c.end)),
                 c.label) for c in self._layout.closures]

    def y_for(self, moment: datetime | time) -> float:
        """The height of a time of day in the body."""
        minute = moment.hour * 60 + moment.minute + moment.second / 60
        return self._to_viewport(QRectF(0, self._geometry.y(minute), 0, 0)).y()

    def now_line_y(self) -> float | None:
        """Where the line for now is drawn; None when today or now is not shown (and in the
        month view)."""
        if self._mode is CalendarMode.MONTH or self._time_scene().now_minute() is None:
            return None
        return self.y_for(self._now)

    def position_at(self, point: QPoint | QPointF) -> tuple[int, datetime] | None:
        """The column index and time at a viewport point of the body, None elsewhere."""
        hit = self._body_position(QPointF(point))
        if hit is None:
            return None
        column, minute = hit
        return column, moment_at(self._layout.columns[column].day, minute)

    def item_at(self, point: QPoint | QPointF) -> Hashable | None:
        placed = self._placed_at(QPointF(point))
        return None if placed is None else placed.item.key

    # -- month view API -----------------------------------------------------------------------
    def day_rect(self, day: date) -> QRectF | None:
        """The cell of a day in the month view (viewport coordinates), None when not shown."""
        index = self._month_index(day)
        if index is None or self._mode is not CalendarMode.MONTH:
            return None
        return self._month_geometry.cell_rect(index).translated(self._month_offset())

    def day_lines(self, day: date) -> list[str]:
        """The lines the month view shows in a day's cell (closure, items, « +N autres »)."""
        index = self._month_index(day)
        return [] if index is None else [line.text for line in self._month_lines[index]]

    def day_at(self, point: QPoint | QPointF) -> date | None:
        index = self._month_geometry.index_at(QPointF(point) - self._month_offset())
        return None if index is None else self._month_cells[index].day

    def day_accessible_text(self, day: date) -> str:
        index = self._month_index(day)
        return "" if index is None else month.cell_text(self._month_cells[index])

    def _month_index(self, day: date) -> int | None:
        return next((i for i, cell in enumerate(self._month_cells) if cell.day == day), None)

    def _month_offset(self) -> QPointF:
        return QPointF(0, self._month_geometry.header - self.verticalScrollBar().value())

    # -- layout -------------------------------------------------------------------------------
    def _build_layout(self) -> CalendarLayout:
        keys = self._resources or [(None, "")]
        days = [] if self._mode is CalendarMode.MONTH else self.days()
        columns = [Column(day, key, label) for day in days for key, label in keys]
        return CalendarLayout.build(columns, self._first_minute, self._last_minute, self._grid,
                                    self._items, self._closures)

    def _relayout(self) -> None:
        self._shown_days = self.days()
        self._layout = self._build_layout()
        self._month_cells = month.build_month(
            self._month_shown, self._week_days, self._items, self._closures,
            self._first_minute, self._last_minute) if self._mode is CalendarMode.MONTH else []
        self._place()
        self._refocus()
        self.viewport().update()

    def _measure(self) -> TimeGeometry:
        header_rows = int(self._mode is CalendarMode.WEEK or not self._resources) + \
            int(bool(self._resources))
        return TimeGeometry.measure(self.font(), QSizeF(self.viewport().size()),
                                    columns=len(self._layout.columns), header_rows=header_rows,
                                    first_minute=self._first_minute,
                                    last_minute=self._last_minute)

    def _measure_month(self) -> month.MonthGeometry:
        weeks = max(1, len(self._month_cells) // self._week_days)
        return month.MonthGeometry.measure(self.font(), QSizeF(self.viewport().size()),
                                           columns=self._week_days, weeks=weeks)

    def _place(self) -> None:
        """Sizes, item boxes, month lines and scroll ranges for the current viewport."""
        self._body_cache = None
        if self._mode is CalendarMode.MONTH:
            self._month_geometry = self._measure_month()
            self._month_lines = [self._month_geometry.lines(index, cell, self.font())
                                 for index, cell in enumerate(self._month_cells)]
            self._boxes = {}
            content = (0.0, self._month_geometry.height)
            page = (self.viewport().width(),
                    self.viewport().height() - self._month_geometry.header)
        else:
            self._geometry = self._measure()
            self._boxes = place_boxes(self._layout, self._geometry, self.font())
            body = self._geometry.body_rect(QSizeF(self.viewport().size()))
            content = (self._geometry.width, self._geometry.height)
            page = (body.width(), body.height())
        line = self.fontMetrics().lineSpacing() + 8
        for bar, size, shown in ((self.horizontalScrollBar(), content[0], page[0]),
                                 (self.verticalScrollBar(), content[1], page[1])):
            bar.setRange(0, max(0, round(size - shown)))
            bar.setPageStep(max(1, round(shown)))
            bar.setSingleStep(line)

    def _offset(self) -> QPointF:
        """Add to a body point to get its viewport point."""
        return self._geometry.offset(self.horizontalScrollBar().value(),
                                     self.verticalScrollBar().value())

    def _to_viewport(self, rect: QRectF) -> QRectF:
        return rect.translated(self._offset())

    def _body_rect(self) -> QRectF:
        return self._geometry.body_rect(QSizeF(self.viewport().size()))

    def _body_position(self, point: QPointF, clamp: bool = False) -> tuple[int, float] | None:
        if self._mode is CalendarMode.MONTH or (not clamp
                                                and not self._body_rect().contains(point)):
            return None
        return self._geometry.position(point - self._offset(), clamp)

    def _placed_at(self, point: QPointF) -> PlacedItem | None:
        if self._mode is CalendarMode.MONTH or not self._body_rect().contains(point):
            return None
        return item_at(self._layout, self._boxes, point - self._offset())

    def _ensure_visible(self, rect: QRectF) -> None:
        view = self._body_rect()
        for bar, low, high, size in (
                (self.verticalScrollBar(), rect.top(), rect.bottom(), view.height()),
                (self.horizontalScrollBar(), rect.left(), rect.right(), view.width())):
            if low < bar.value():
                bar.setValue(round(low))
            elif high > bar.value() + size:
                bar.setValue(round(min(low, high - size)))

    def _refusal(self, column: int, start: float, end: float) -> str | None:
        """Why a new item or a moved one may not take ``start``–``end`` of a column."""
        closure = self._layout.closure_between(column, start, end)
        if closure is not None:
            return closed_reason(closure.label)
        limit = self.bookable_from()
        if limit is not None and moment_at(self._layout.columns[column].day, start) < limit:
            return past_reason(limit)
        return None

    # -- Qt events: geometry and time ---------------------------------------------------------
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self._relayout()

    def _refresh_now(self) -> None:
        self._now = self._clock()
        self._body_cache = None  # the line for now and the past veil are painted in it
        self._describe()
        self.viewport().update()
    # -- painting -----------------------------------------------------------------------------
    def _time_scene(self) -> TimeScene:
        return TimeScene(self.palette(), self.font(), self._geometry, self._layout, self._boxes,
                         self._colours, self._now, len(self._resources) or 1,
                         bool(self._resources), self.bookable_from())

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        viewport = QSizeF(self.viewport().size())
        if self._mode is CalendarMode.MONTH:
            index = self._month_index(self._anchor)
            scene = month.MonthScene(self.palette(), self.font(), self._month_geometry,
                                     self._month_cells, self._month_lines, self._colours,
                                     self._now.date(), index if self.hasFocus() else None)
            month.paint_month_view(painter, scene, viewport, self.verticalScrollBar().value())
        else:
            scene = self._time_scene()
            focus = None if self._focus is None or not self.hasFocus() else (
                self._geometry.stop_rect(self._focus, self._boxes, self._grid),
                self._focus.key is None)
            paint_time_view(painter, scene, self._body_pixmap(scene), viewport=viewport,
                            offset=self._offset(), focus=focus, ghost=self._ghost_box())
        painter.end()

    def _body_pixmap(self, scene: TimeScene) -> QPixmap:
        """The grid, closures and items, painted once per layout: a repaint for the focus, a
        drag, a scroll or the now line only copies it."""
        ratio = self.viewport().devicePixelRatioF()
        if self._body_cache is None or self._body_cache.devicePixelRatioF() != ratio:
            self._body_cache = render_body(scene, ratio)
        return self._body_cache

    def _ghost_box(self) -> tuple[QRectF, str, bool] | None:
        """Where the dragged item would go, its times there, and whether it may not."""
        if self._ghost is None:
            return None
        placed, column, start = self._ghost
        duration = (placed.item.end - placed.item.start).total_seconds() / 60
        end = min(start + duration, self._last_minute)
        return (self._geometry.column_rect(column, start, end),
                f"{hhmm(start)}–{hhmm(start + duration)}",
                self._refusal(column, start, start + duration) is not None)
