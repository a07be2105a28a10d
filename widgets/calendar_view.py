"""A day or week calendar of items, painted (no widget per item) and driven by signals.

The view holds only the period it shows: ``period_changed(start, end)`` tells the caller
which items to fetch, and the caller hands them back with ``set_items``. So the view stays
fluid however many items the database holds. It never changes an item by itself: a drag, a
Ctrl+arrow or Delete only *asks* (``item_move_requested``, ``item_cancel_requested``), and
the caller decides and sets the items again.

Times are naive local datetimes (see ``calendar_model``); so is the injectable ``clock``.

Keyboard: arrows move between items and free grid cells (Up/Down in a column, Left/Right to
the next column, across into the previous or next period at the edges); Ctrl+arrows ask to
move the focused item by one grid step or one column; PageUp/PageDown change period; Home
comes back to today; Enter opens the item or the free cell; Delete asks to cancel; the menu
key opens the context menu. The focused stop is read by screen readers through the view's
accessible description.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import (
    QDate,
    QEvent,
    QLocale,
    QPoint,
    QPointF,
    QRectF,
    QSizeF,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QToolTip,
    QWidget,
)

from widgets.calendar_model import (
    CalendarItem,
    CalendarLayout,
    ClosedPeriod,
    Column,
    PlacedItem,
    Stop,
    minutes_of,
    moment_at,
)

__all__ = ["CalendarItem", "CalendarMode", "CalendarToolbar", "CalendarView", "ClosedPeriod",
           "contrast", "period_label", "readable_on"]

FRENCH = QLocale(QLocale.Language.French, QLocale.Country.France)

# Ratio a coloured stripe, the now line or the focus frame keeps against the background
# (WCAG 1.4.11, non-text contrast).
_GRAPHIC_CONTRAST = 3.0
_NOW_COLOUR = QColor("#d93025")
_MARKER_COLOUR = QColor("#e37400")
_LEFT_MIDDLE = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class CalendarMode(enum.Enum):
    DAY = "day"
    WEEK = "week"


# -- French text ---------------------------------------------------------------------------

def _day_number(day: date) -> str:
    return "1er" if day.day == 1 else str(day.day)


def _month(day: date) -> str:
    return FRENCH.monthName(day.month, QLocale.FormatType.LongFormat)


def period_label(days: Sequence[date]) -> str:
    """« Lundi 23 novembre 2026 » for a day, « Semaine du 23 au 29 novembre 2026 » for more."""
    first, last = days[0], days[-1]
    if first == last:
        text = FRENCH.toString(QDate(first), "dddd ") + f"{_day_number(first)} {_month(first)}"
        return f"{text[0].upper()}{text[1:]} {first.year}"
    if (first.year, first.month) == (last.year, last.month):
        start = _day_number(first)
    elif first.year == last.year:
        start = f"{_day_number(first)} {_month(first)}"
    else:
        start = f"{_day_number(first)} {_month(first)} {first.year}"
    return f"Semaine du {start} au {_day_number(last)} {_month(last)} {last.year}"


def _day_header(day: date) -> str:
    return FRENCH.toString(QDate(day), "ddd dd/MM")  # « lun. 23/11 »


def _hhmm(minutes: float) -> str:
    hours, rest = divmod(round(minutes), 60)
    return f"{hours:02d}:{rest:02d}"


def _time_span(item: CalendarItem) -> str:
    """« 09:00–09:30 » (not strftime: it imports a module on every call, too slow here)."""
    start, end = item.start, item.end
    return f"{start.hour:02d}:{start.minute:02d}–{end.hour:02d}:{end.minute:02d}"


# -- colours -------------------------------------------------------------------------------

def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF()))


def contrast(first: QColor, second: QColor) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable_on(colour: QColor, background: QColor, ratio: float = _GRAPHIC_CONTRAST) -> QColor:
    """``colour``, lightened on a dark background or darkened on a light one until it stands
    out by ``ratio``: one category colour then works in light and dark mode."""
    adjusted = QColor(colour)
    step = 8 if background.lightness() < 128 else -8
    while contrast(adjusted, background) < ratio and 0 < adjusted.lightness() < 255:
        hue, saturation, lightness, alpha = adjusted.getHsl()
        adjusted.setHsl(hue, saturation, min(max(lightness + step, 0), 255), alpha)
    return adjusted


def _mix(first: QColor, second: QColor, share: float) -> QColor:
    """``share`` of ``second`` over ``first``."""
    return QColor.fromRgbF(*(a + (b - a) * share for a, b in zip(
        first.getRgbF()[:3], second.getRgbF()[:3], strict=True)))


@dataclass(slots=True)
class _ItemBox:
    """Where an item and its text are painted, in body coordinates."""

    rect: QRectF
    lines: list[tuple[QFont, str, QRectF]]
    badge: QRectF | None


@dataclass
class _Geometry:
    """Sizes of the current layout; body (content) coordinates start at the first column's
    left edge and the first visible minute."""

    header_rows: int
    row_height: float
    gutter: float
    column_width: float
    minute_height: float
    first_minute: int
    columns: int

    @property
    def header(self) -> float:
        return self.header_rows * self.row_height

    @property
    def width(self) -> float:
        return self.columns * self.column_width

    def y(self, minute: float) -> float:
        return (minute - self.first_minute) * self.minute_height

    def minute(self, y: float) -> float:
        return self.first_minute + y / self.minute_height

    def column_rect(self, column: int, start: float, end: float) -> QRectF:
        return QRectF(column * self.column_width, self.y(start), self.column_width,
                      self.y(end) - self.y(start))


class CalendarView(QAbstractScrollArea):
    """Day or week view of ``CalendarItem``s, optionally one column per resource and day.

    Signals (keys and column keys are whatever the caller put in the items and resources;
    times are naive local datetimes):

    - ``item_activated(key)``: double-click or Enter on an item;
    - ``item_move_requested(key, new_start, column_key)``: a drop after a drag (snapped to the
      grid) or Ctrl+arrow; ``column_key`` is the target resource, None without resources;
    - ``item_cancel_requested(key)``: Delete on an item;
    - ``slot_activated(column_key, start)``: double-click or Enter on a free grid cell;
    - ``item_context_menu_requested(key, global_pos)`` and
      ``slot_context_menu_requested(column_key, start, global_pos)``: right click or menu key;
    - ``period_changed(start, end)``: the shown period changed (end excluded); fetch its
      items and call ``set_items``. Not emitted at construction: read ``period()``.
    """

    item_activated = Signal(object)
    item_move_requested = Signal(object, object, object)
    item_cancel_requested = Signal(object)
    slot_activated = Signal(object, object)
    item_context_menu_requested = Signal(object, QPoint)
    slot_context_menu_requested = Signal(object, object, QPoint)
    period_changed = Signal(object, object)

    def __init__(self, parent: QWidget | None = None, *,
                 clock: Callable[[], datetime] = datetime.now,
                 now_interval_ms: int = 60_000, week_days: int = 7):
        super().__init__(parent)
        self._clock = clock
        self._now = clock()
        self._mode = CalendarMode.WEEK
        self._anchor = self._now.date()
        self._week_days = week_days
        self._first_minute, self._last_minute, self._grid = 8 * 60, 18 * 60, 30
        self._resources: list[tuple[Hashable, str]] = []
        self._items: list[CalendarItem] = []
        self._closures: list[ClosedPeriod] = []
        self._colours: dict[str, QColor] = {}
        self._focus: Stop | None = None
        self._press: tuple[QPointF, PlacedItem | None] | None = None
        self._drop: tuple[int, int] | None = None  # (column, start minute) while dragging
        self._layout = self._build_layout()
        self._geometry = self._measure()
        self._boxes: dict[Hashable, _ItemBox] = {}
        self._body_cache: QPixmap | None = None

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
        """One column per resource (key, label) and day; an empty list shows one per day."""
        self._resources = list(resources)
        self._relayout()

    def set_items(self, items: Iterable[CalendarItem]) -> None:
        """Replace the items shown (those of the current period; others are ignored)."""
        self._items = list(items)
        self._relayout()

    def set_closed_periods(self, periods: Iterable[ClosedPeriod]) -> None:
        self._closures = list(periods)
        self._relayout()

    def set_category_colours(self, colours: Mapping[str, QColor | str]) -> None:
        """The colour of each item category; unknown categories take the highlight colour."""
        self._colours = {name: QColor(colour) for name, colour in colours.items()}
        self._body_cache = None
        self.viewport().update()

    # -- period -------------------------------------------------------------------------------
    def mode(self) -> CalendarMode:
        return self._mode

    def set_mode(self, mode: CalendarMode) -> None:
        """Switch day/week, around the current (focused) day."""
        if mode is self._mode:
            return
        self._mode = mode
        self._change_period()

    def current_date(self) -> date:
        """The day shown, or the one the week view is on (the focused day)."""
        return self._anchor

    def set_date(self, day: date) -> None:
        """Show the day, or the week holding it, with the focus on that day."""
        if day != self._anchor:
            self._anchor = day
            self._change_period()

    def days(self) -> list[date]:
        if self._mode is CalendarMode.DAY:
            return [self._anchor]
        monday = self._anchor - timedelta(days=self._anchor.weekday())
        return [monday + timedelta(days=offset) for offset in range(self._week_days)]

    def period(self) -> tuple[datetime, datetime]:
        """Start and (excluded) end of the shown days."""
        days = self.days()
        return datetime.combine(days[0], time()), datetime.combine(days[-1], time()) + \
            timedelta(days=1)

    def period_label(self) -> str:
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
        if today:
            self._set_focus(self._layout.stop_at(today[0], minutes_of(self._now, self._anchor)))

    def _step_period(self, direction: int) -> None:
        self._anchor += timedelta(days=direction * (1 if self._mode is CalendarMode.DAY else 7))
        self._change_period()

    def _change_period(self) -> None:
        """Show the days around the new anchor, the focus on the anchor day at the same time
        (not on the item it was on: that may be another day now)."""
        if self._focus is not None:
            self._focus = Stop(self._focus.column, self._focus.start)
        shown = [column.day for column in self._layout.columns]
        self._relayout()
        if [column.day for column in self._layout.columns] != shown:
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
        """Put the keyboard focus on that item if it is shown."""
        placed = self._layout.placed(key)
        if placed is not None:
            self._set_focus(Stop(placed.column, placed.start, key))
        return placed is not None

    def item_accessible_text(self, key: Hashable) -> str:
        """« 09:00–09:30, RDV téléphonique, Mme D. » (then « annulé », the marker)."""
        placed = self._layout.placed(key)
        if placed is None:
            return ""
        item = placed.item
        parts = [_time_span(item), item.title, item.subtitle,
                 "annulé" if item.cancelled else "", item.marker]
        return ", ".join(part for part in parts if part)

    def _stop_text(self, stop: Stop) -> str:
        column = self._layout.columns[stop.column]
        where = ", ".join(part for part in (_day_header(column.day), column.label) if part)
        if stop.key is not None:
            return f"{where}, {self.item_accessible_text(stop.key)}"
        text = f"{where}, {_hhmm(stop.start)}–{_hhmm(stop.start + self._grid)}, créneau libre"
        closure = self._layout.closure_at(stop.column, stop.start)
        if closure is not None:
            text += f", fermé{f' : {closure.label}' if closure.label else ''}"
        return text

    def _set_focus(self, stop: Stop | None) -> None:
        self._focus = stop
        self.setAccessibleDescription("" if stop is None else self._stop_text(stop))
        if stop is not None:
            self._anchor = self._layout.columns[stop.column].day
            self._ensure_visible(self._stop_rect(stop))
        self.viewport().update()

    def _refocus(self) -> None:
        """Find the focus again in a new layout: the same item, else what is at that time on
        the current day (same resource)."""
        if self._focus is None:
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
        """Where the line for now is drawn; None when today or now is not shown."""
        return None if self._now_minute() is None else self.y_for(self._now)

    def _now_minute(self) -> float | None:
        minute = minutes_of(self._now, self._now.date())
        shown = any(column.day == self._now.date() for column in self._layout.columns)
        return minute if shown and self._first_minute <= minute <= self._last_minute else None

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

    # -- layout -------------------------------------------------------------------------------
    def _build_layout(self) -> CalendarLayout:
        keys = self._resources or [(None, "")]
        columns = [Column(day, key, label) for day in self.days() for key, label in keys]
        return CalendarLayout.build(columns, self._first_minute, self._last_minute, self._grid,
                                    self._items, self._closures)

    def _relayout(self) -> None:
        self._layout = self._build_layout()
        self._geometry = self._measure()
        self._place_boxes()
        self._update_scroll_bars()
        self._refocus()
        self.viewport().update()

    def _measure(self) -> _Geometry:
        metrics = QFontMetricsF(self.font())
        line = metrics.lineSpacing()
        header_rows = int(self._mode is CalendarMode.WEEK or not self._resources) + \
            int(bool(self._resources))
        gutter = metrics.horizontalAdvance("00:00") + line
        viewport = self.viewport().size()
        columns = len(self._layout.columns)
        # wide enough for « lun. 23/11 » or a short name, tall enough for two lines in 30 min
        narrowest = metrics.averageCharWidth() * 11
        column_width = max(narrowest, (viewport.width() - gutter) / columns)
        row_height = line + 8
        span = self._last_minute - self._first_minute
        minute_height = max((2 * line + 8) / 30,
                            (viewport.height() - header_rows * row_height) / span)
        return _Geometry(header_rows, row_height, gutter, column_width, minute_height,
                         self._first_minute, columns)

    def _place_boxes(self) -> None:
        """Each item's rectangle and its elided lines of text, once per layout rather than at
        every paint (eliding is what a paint of hundreds of items would spend its time on)."""
        geometry = self._geometry
        regular, title, struck = QFont(self.font()), QFont(self.font()), QFont(self.font())
        title.setBold(True)
        struck.setStrikeOut(True)
        metrics = {id(font): QFontMetricsF(font) for font in (regular, title, struck)}
        line = metrics[id(regular)].lineSpacing()
        badge_size = metrics[id(regular)].height()
        # a strip on the right of each column stays free, to click or drop on the slot
        usable = geometry.column_width - max(6.0, geometry.column_width * 0.08)
        self._boxes = {}
        self._body_cache = None
        for placed in self._layout.items:
            item = placed.item
            lane_width = usable / placed.lanes
            top, bottom = geometry.y(placed.start), geometry.y(placed.end)
            rect = QRectF(placed.column * geometry.column_width + placed.lane * lane_width + 1,
                          top + 1, lane_width - 2, max(bottom - top - 2, 3.0))
            area = rect.adjusted(7, 2, -3, -1)
            badge = None
            if item.marker:
                badge = QRectF(rect.right() - badge_size - 2, rect.top() + 2, badge_size,
                               badge_size)
                area.setRight(badge.left() - 2)
            heading = struck if item.cancelled else title
            if area.height() < 2 * line:
                texts = [(heading, f"{item.title} · {item.subtitle}" if item.subtitle
                          else item.title)]
            else:
                texts = [(heading, item.title), (regular, item.subtitle),
                         (regular, _time_span(item))]
                texts = [entry for entry in texts if entry[1]][:int(area.height() // line)]
            lines = []
            for number, (font, text) in enumerate(texts):
                elided = metrics[id(font)].elidedText(text, Qt.TextElideMode.ElideRight,
                                                      area.width())
                lines.append((font, elided, QRectF(area.left(), area.top() + number * line,
                                                   area.width(), line)))
            self._boxes[item.key] = _ItemBox(rect, lines, badge)

    def _update_scroll_bars(self) -> None:
        geometry = self._geometry
        viewport = self.viewport().size()
        body_width = viewport.width() - geometry.gutter
        body_height = viewport.height() - geometry.header
        content_height = geometry.y(self._last_minute)
        for bar, content, page in ((self.horizontalScrollBar(), geometry.width, body_width),
                                   (self.verticalScrollBar(), content_height, body_height)):
            bar.setRange(0, max(0, round(content - page)))
            bar.setPageStep(max(1, round(page)))
            bar.setSingleStep(max(1, round(geometry.row_height)))

    def _offset(self) -> QPointF:
        """Add to a body point to get its viewport point."""
        return QPointF(self._geometry.gutter - self.horizontalScrollBar().value(),
                       self._geometry.header - self.verticalScrollBar().value())

    def _to_viewport(self, rect: QRectF) -> QRectF:
        return rect.translated(self._offset())

    def _body_rect(self) -> QRectF:
        """The part of the viewport that shows the body (below the header, right of the
        gutter)."""
        geometry = self._geometry
        return QRectF(geometry.gutter, geometry.header,
                      self.viewport().width() - geometry.gutter,
                      self.viewport().height() - geometry.header)

    def _body_position(self, point: QPointF, clamp: bool = False) -> tuple[int, float] | None:
        if not clamp and not self._body_rect().contains(point):
            return None
        body = point - self._offset()
        column = int(body.x() // self._geometry.column_width)
        minute = self._geometry.minute(body.y())
        if clamp:
            column = min(max(column, 0), len(self._layout.columns) - 1)
            minute = min(max(minute, self._first_minute), self._last_minute - 1e-6)
        elif not (0 <= column < len(self._layout.columns)
                  and self._first_minute <= minute < self._last_minute):
            return None
        return column, minute

    def _placed_at(self, point: QPointF) -> PlacedItem | None:
        if not self._body_rect().contains(point):
            return None
        body = point - self._offset()
        return next((p for p in reversed(self._layout.items)
                     if self._boxes[p.item.key].rect.contains(body)), None)

    def _stop_rect(self, stop: Stop) -> QRectF:
        """Body rectangle of a stop: the item, or its grid cell."""
        if stop.key is not None and stop.key in self._boxes:
            return self._boxes[stop.key].rect
        return self._geometry.column_rect(stop.column, stop.start, stop.start + self._grid)

    def _ensure_visible(self, rect: QRectF) -> None:
        view = self._body_rect()
        for bar, low, high, size in (
                (self.verticalScrollBar(), rect.top(), rect.bottom(), view.height()),
                (self.horizontalScrollBar(), rect.left(), rect.right(), view.width())):
            if low < bar.value():
                bar.setValue(round(low))
            elif high > bar.value() + size:
                bar.setValue(round(min(low, high - size)))

    # -- Qt events: geometry and time ---------------------------------------------------------
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._geometry = self._measure()
        self._place_boxes()
        self._update_scroll_bars()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self._relayout()

    def _refresh_now(self) -> None:
        self._now = self._clock()
        self._body_cache = None  # the line for now is painted in it
        self.viewport().update()

    # -- painting -----------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        geometry = self._geometry
        offset = self._offset()
        body = self._body_rect()
        palette = self.palette()
        first, last = self._visible_columns(body.translated(-offset))

        painter.save()
        painter.setClipRect(body)
        painter.translate(offset)
        painter.drawPixmap(QPointF(0, 0), self._body_pixmap())
        self._paint_focus(painter)
        self._paint_drop(painter)
        painter.restore()

        painter.save()
        painter.setClipRect(QRectF(geometry.gutter, 0, body.width(), geometry.header))
        painter.translate(offset.x(), 0)
        self._paint_header(painter, first, last)
        painter.restore()

        painter.save()
        painter.setClipRect(QRectF(0, geometry.header, geometry.gutter, body.height()))
        painter.translate(0, offset.y())
        self._paint_gutter(painter)
        painter.restore()

        painter.fillRect(QRectF(0, 0, geometry.gutter, geometry.header),
                         palette.color(QPalette.ColorRole.Window))
        painter.end()

    def _body_pixmap(self) -> QPixmap:
        """The grid, closures and items, painted once per layout: a repaint for the focus, a
        drag, a scroll or the now line only copies it."""
        ratio = self.viewport().devicePixelRatioF()
        if self._body_cache is None or self._body_cache.devicePixelRatioF() != ratio:
            size = QSizeF(self._geometry.width, self._geometry.y(self._last_minute)) * ratio
            pixmap = QPixmap(max(1, round(size.width())), max(1, round(size.height())))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(self.palette().color(QPalette.ColorRole.Base))
            painter = QPainter(pixmap)
            self._paint_grid(painter)
            self._paint_now(painter)
            self._paint_items(painter)
            painter.end()
            self._body_cache = pixmap
        return self._body_cache

    def _visible_columns(self, shown: QRectF) -> tuple[int, int]:
        """The first and last column the body rectangle ``shown`` (content coordinates)
        reaches."""
        width = self._geometry.column_width
        count = len(self._layout.columns)
        return (max(0, int(shown.left() // width)),
                min(count - 1, int(shown.right() // width)))

    def _line_colours(self) -> tuple[QColor, QColor]:
        base = self.palette().color(QPalette.ColorRole.Base)
        text = self.palette().color(QPalette.ColorRole.Text)
        return _mix(base, text, 0.28), _mix(base, text, 0.10)

    def _paint_grid(self, painter: QPainter) -> None:
        geometry = self._geometry
        base = self.palette().color(QPalette.ColorRole.Base)
        text = self.palette().color(QPalette.ColorRole.Text)
        hour_line, cell_line = self._line_colours()
        closed_fill = _mix(base, text, 0.07)
        hatch = QBrush(_mix(base, text, 0.16), Qt.BrushStyle.BDiagPattern)
        for closure in self._layout.closures:
            rect = geometry.column_rect(closure.column, closure.start, closure.end)
            painter.fillRect(rect, closed_fill)
            painter.fillRect(rect, hatch)
        for minute in range(self._first_minute, self._last_minute + 1, self._grid):
            y = geometry.y(minute)
            painter.setPen(QPen(hour_line if minute % 60 == 0 else cell_line, 0))
            painter.drawLine(QPointF(0, y), QPointF(geometry.width, y))
        height = geometry.y(self._last_minute)
        per_day = len(self._resources) or 1
        for column in range(geometry.columns + 1):
            x = column * geometry.column_width
            # with resource columns, a thicker line parts the days
            day_edge = per_day > 1 and column % per_day == 0
            painter.setPen(QPen(hour_line, 2 if day_edge else 0))
            painter.drawLine(QPointF(x, 0), QPointF(x, height))
        self._paint_closure_labels(painter)
        self._paint_hidden_counts(painter)

    def _paint_closure_labels(self, painter: QPainter) -> None:
        geometry = self._geometry
        metrics = painter.fontMetrics()
        painter.setPen(self.palette().color(QPalette.ColorRole.Text))
        for closure in self._layout.closures:
            if closure.label:
                rect = geometry.column_rect(closure.column, closure.start, closure.end)
                label = rect.adjusted(4, 2, -4, -2)
                if label.height() >= metrics.height():
                    text = metrics.elidedText(closure.label, Qt.TextElideMode.ElideRight,
                                              round(label.width()))
                    painter.drawText(label, Qt.AlignmentFlag.AlignHCenter
                                     | Qt.AlignmentFlag.AlignTop, text)

    def _paint_hidden_counts(self, painter: QPainter) -> None:
        """« ▲ 2 » at the top of a column holding items before the range, « ▼ » after it."""
        geometry = self._geometry
        painter.setPen(self.palette().color(QPalette.ColorRole.Text))
        bottom = geometry.y(self._last_minute)
        for column in range(geometry.columns):
            rect = QRectF(column * geometry.column_width, 0, geometry.column_width - 4,
                          geometry.row_height)
            if self._layout.hidden_before[column]:
                painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                                 f"▲ {self._layout.hidden_before[column]}")
            if self._layout.hidden_after[column]:
                painter.drawText(rect.translated(0, bottom - geometry.row_height),
                                 Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                                 f"▼ {self._layout.hidden_after[column]}")

    def _category_colour(self, category: str) -> QColor:
        palette = self.palette()
        colour = self._colours.get(category, palette.color(QPalette.ColorRole.Highlight))
        return readable_on(colour, palette.color(QPalette.ColorRole.Base))

    def _paint_items(self, painter: QPainter) -> None:
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        tint = 0.30 if base.lightness() < 128 else 0.18
        colours: dict[str, tuple[QColor, QColor]] = {}  # category: stripe, fill
        badge_colour = readable_on(_MARKER_COLOUR, base)
        for placed in self._layout.items:
            box = self._boxes[placed.item.key]
            item = placed.item
            if item.category not in colours:
                stripe = self._category_colour(item.category)
                colours[item.category] = stripe, _mix(base, stripe, tint)
            stripe, fill = colours[item.category]
            rect = box.rect
            painter.fillRect(rect, base if item.cancelled else fill)
            painter.setPen(QPen(stripe, 1, Qt.PenStyle.DashLine if item.cancelled
                                else Qt.PenStyle.SolidLine))
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
            painter.fillRect(QRectF(rect.left(), rect.top(), 4, rect.height()), stripe)
            if box.badge is not None:
                self._paint_badge(painter, box.badge, badge_colour)
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            for font, text, line in box.lines:
                painter.setFont(font)
                painter.drawText(line, _LEFT_MIDDLE, text)
        painter.setFont(self.font())

    def _paint_badge(self, painter: QPainter, badge: QRectF, colour: QColor) -> None:
        """The round « ! » of an item with a marker."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(badge)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(QColor("black"))  # on the orange badge, whatever the palette
        painter.setFont(self.font())
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "!")

    def _now_colour(self) -> QColor:
        return readable_on(_NOW_COLOUR, self.palette().color(QPalette.ColorRole.Base))

    def _paint_now(self, painter: QPainter) -> None:
        """The line for now across today's columns, under the items: over them it would
        look like the strike-through of a cancelled item."""
        minute = self._now_minute()
        if minute is None:
            return
        y = self._geometry.y(minute)
        width = self._geometry.column_width
        for column, entry in enumerate(self._layout.columns):
            if entry.day == self._now.date():
                painter.fillRect(QRectF(column * width, y - 1, width, 2), self._now_colour())

    def _paint_focus(self, painter: QPainter) -> None:
        if self._focus is None or not self.hasFocus():
            return
        highlight = self.palette().color(QPalette.ColorRole.Highlight)
        rect = self._stop_rect(self._focus)
        if self._focus.key is None:
            painter.fillRect(rect, _mix(self.palette().color(QPalette.ColorRole.Base),
                                        highlight, 0.25))
        colour = readable_on(highlight, self.palette().color(QPalette.ColorRole.Base))
        # outside the item, so that it does not blend with the item's own border
        painter.setPen(QPen(colour, 3))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect.adjusted(-1, -1, 1, 1))

    def _paint_drop(self, painter: QPainter) -> None:
        if self._drop is None or self._press is None or self._press[1] is None:
            return
        placed = self._press[1]
        column, start = self._drop
        duration = (placed.item.end - placed.item.start).total_seconds() / 60
        rect = self._geometry.column_rect(column, start, min(start + duration,
                                                             self._last_minute))
        highlight = self.palette().color(QPalette.ColorRole.Highlight)
        painter.fillRect(rect, _mix(self.palette().color(QPalette.ColorRole.Base),
                                    highlight, 0.35))
        painter.setPen(QPen(highlight, 2, Qt.PenStyle.DashLine))
        painter.drawRect(rect.adjusted(1, 1, -1, -1))
        painter.setPen(self.palette().color(QPalette.ColorRole.Text))
        painter.drawText(rect.adjusted(6, 2, -2, -2), Qt.AlignmentFlag.AlignLeft
                         | Qt.AlignmentFlag.AlignTop,
                         f"{_hhmm(start)}–{_hhmm(start + duration)}")

    def _paint_header(self, painter: QPainter, first: int, last: int) -> None:
        geometry = self._geometry
        palette = self.palette()
        painter.fillRect(QRectF(0, 0, geometry.width, geometry.header),
                         palette.color(QPalette.ColorRole.Window))
        hour_line, _cell_line = self._line_colours()
        today = self._now.date()
        row = geometry.row_height
        bold = QFont(self.font())
        bold.setBold(True)
        per_day = len(self._resources) or 1
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        if geometry.header_rows == 2 or not self._resources:
            for day_index in range(first // per_day, last // per_day + 1):
                day = self._layout.columns[day_index * per_day].day
                rect = QRectF(day_index * per_day * geometry.column_width, 0,
                              per_day * geometry.column_width, row)
                painter.setFont(bold if day == today else self.font())
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, _day_header(day))
                if day == today:
                    painter.fillRect(QRectF(rect.left() + 4, rect.bottom() - 3,
                                            rect.width() - 8, 3),
                                     readable_on(palette.color(QPalette.ColorRole.Highlight),
                                                 palette.color(QPalette.ColorRole.Window)))
        painter.setFont(self.font())
        if self._resources:
            top = geometry.header - row
            metrics = painter.fontMetrics()
            for column in range(first, last + 1):
                rect = QRectF(column * geometry.column_width, top, geometry.column_width, row)
                label = self._layout.columns[column].label
                painter.drawText(rect.adjusted(4, 0, -4, 0), Qt.AlignmentFlag.AlignCenter,
                                 metrics.elidedText(label, Qt.TextElideMode.ElideRight,
                                                    round(rect.width() - 8)))
        painter.setPen(QPen(hour_line, 0))
        painter.drawLine(QPointF(0, geometry.header - 1),
                         QPointF(geometry.width, geometry.header - 1))

    def _paint_gutter(self, painter: QPainter) -> None:
        geometry = self._geometry
        palette = self.palette()
        painter.fillRect(QRectF(0, 0, geometry.gutter, geometry.y(self._last_minute)),
                         palette.color(QPalette.ColorRole.Window))
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        metrics = painter.fontMetrics()
        for minute in range(self._first_minute, self._last_minute, 60):
            rect = QRectF(0, geometry.y(minute) + 1, geometry.gutter - 6, metrics.height())
            painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                             _hhmm(minute))
        now = self._now_minute()
        if now is not None:  # a notch at the edge, where no item can hide it
            y, size = geometry.y(now), geometry.row_height / 4
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self._now_colour())
            painter.drawPolygon(QPolygonF([QPointF(geometry.gutter - size, y - size),
                                           QPointF(geometry.gutter, y),
                                           QPointF(geometry.gutter - size, y + size)]))
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)

    # -- keyboard -----------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        control = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        arrows = {Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1),
                  Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0)}
        if key in arrows and control:
            self._request_step_move(*arrows[key])
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self._move_in_column(arrows[key][1])
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self._move_across(arrows[key][0])
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
        elif key == Qt.Key.Key_Escape and self._drop is not None:
            self._press, self._drop = None, None
            self.viewport().update()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def _current_stop(self) -> Stop:
        if self._focus is None:
            column = next((i for i, c in enumerate(self._layout.columns)
                           if c.day == self._now.date()), 0)
            return self._layout.stop_at(column, self._first_minute)
        return self._focus

    def _move_in_column(self, direction: int) -> None:
        if self._focus is None:
            self._set_focus(self._current_stop())
            return
        stops = self._layout.stops(self._focus.column)
        index = next((i for i, stop in enumerate(stops) if stop == self._focus), 0)
        self._set_focus(stops[min(max(index + direction, 0), len(stops) - 1)])

    def _move_across(self, direction: int) -> None:
        stop = self._current_stop()
        column = stop.column + direction
        if not 0 <= column < len(self._layout.columns):
            self._step_period(direction)
            column = 0 if direction > 0 else len(self._layout.columns) - 1
        self._set_focus(self._layout.stop_at(column, stop.start))

    def _request_step_move(self, columns: int, cells: int) -> None:
        key = self.focused_key()
        placed = None if key is None else self._layout.placed(key)
        if placed is None:
            return
        item = placed.item
        if cells:
            self.item_move_requested.emit(item.key,
                                          item.start + timedelta(minutes=cells * self._grid),
                                          self._layout.columns[placed.column].key)
        elif 0 <= placed.column + columns < len(self._layout.columns):
            target = self._layout.columns[placed.column + columns]
            self.item_move_requested.emit(item.key, datetime.combine(target.day,
                                                                     item.start.time()),
                                          target.key)

    def _activate_focus(self) -> None:
        if self._focus is None:
            return
        if self._focus.key is not None:
            self.item_activated.emit(self._focus.key)
        else:
            column_key, start = self.focused_slot()
            self.slot_activated.emit(column_key, start)

    # -- mouse --------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            return
        point = event.position()
        placed = self._placed_at(point)
        if placed is not None:
            self._set_focus(Stop(placed.column, placed.start, placed.item.key))
        else:
            hit = self._body_position(point)
            if hit is not None:
                self._set_focus(self._layout.stop_at(*hit))
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = (point, placed)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None or self._press[1] is None:
            return
        origin, placed = self._press
        if self._drop is None and (event.position() - origin).manhattanLength() \
                < QApplication.startDragDistance():
            return
        self._drop = self._drop_target(placed, origin, event.position())
        self._ensure_visible(self._geometry.column_rect(self._drop[0], self._drop[1],
                                                        self._drop[1] + self._grid))
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
        if self._drop is not None and self._press is not None and self._press[1] is not None:
            item = self._press[1].item
            column, start = self._drop
            target = self._layout.columns[column]
            new_start = moment_at(target.day, start)
            if new_start != item.start or column != self._press[1].column:
                self.item_move_requested.emit(item.key, new_start, target.key)
        self._press, self._drop = None, None
        self.viewport().update()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        placed = self._placed_at(event.position())
        if placed is not None:
            self.item_activated.emit(placed.item.key)
            return
        hit = self._body_position(event.position())
        if hit is not None:
            column, minute = hit
            target = self._layout.columns[column]
            self.slot_activated.emit(target.key, moment_at(target.day, self._layout.snap(minute)))

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if event.reason() == QContextMenuEvent.Reason.Keyboard:
            if self._focus is None:
                return
            stop = self._focus
            point = self._to_viewport(self._stop_rect(stop)).center().toPoint()
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
        if self._focus is None:
            self._set_focus(self._current_stop())
        self.viewport().update()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.viewport().update()


class CalendarToolbar(QWidget):
    """Previous / « Aujourd'hui » / next, the period in French, and the day/week switch."""

    def __init__(self, view: CalendarView, parent: QWidget | None = None):
        super().__init__(parent)
        self._view = view
        self.previous_button = self._button("‹", "Période précédente (Page précédente)",
                                            view.previous_period)
        self.today_button = self._button("Aujourd'hui", "Revenir à aujourd'hui (Origine)",
                                         view.go_today)
        self.next_button = self._button("›", "Période suivante (Page suivante)",
                                        view.next_period)
        self.label = QLabel()
        font = self.label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.label.setFont(font)
        self.day_button = self._button("Jour", "Afficher un jour", checkable=True)
        self.week_button = self._button("Semaine", "Afficher la semaine", checkable=True)
        modes = QButtonGroup(self)
        modes.setExclusive(True)
        for button, mode in ((self.day_button, CalendarMode.DAY),
                             (self.week_button, CalendarMode.WEEK)):
            modes.addButton(button)
            button.clicked.connect(lambda _checked, mode=mode: view.set_mode(mode))

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.previous_button, self.today_button, self.next_button):
            layout.addWidget(widget)
        layout.addSpacing(8)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.day_button)
        layout.addWidget(self.week_button)
        view.period_changed.connect(self._refresh)
        self._refresh()

    def _button(self, text: str, description: str, action: Callable[[], None] | None = None,
                checkable: bool = False) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(description)
        button.setAccessibleName(description)
        button.setCheckable(checkable)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        if action is not None:
            button.clicked.connect(action)
        return button

    def _refresh(self, *_period) -> None:
        self.label.setText(self._view.period_label())
        week = self._view.mode() is CalendarMode.WEEK
        self.week_button.setChecked(week)
        self.day_button.setChecked(not week)
