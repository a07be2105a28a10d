"""Where the day/week grid puts things, in pixels: column and minute sizes, each item's box
and its elided lines of text, and the reverse (which column and minute a point is on).

Body (content) coordinates start at the first column's left edge and the first visible
minute; the view adds the gutter, the header and the scroll offset to get viewport points.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QFont, QFontMetricsF

from widgets.calendar_model import CalendarLayout, PlacedItem, Stop
from widgets.calendar_text import time_span


@dataclass(slots=True)
class ItemBox:
    """Where an item and its text are painted, in body coordinates."""

    rect: QRectF
    lines: list[tuple[QFont, str, QRectF]]
    badge: QRectF | None


@dataclass
class TimeGeometry:
    """Sizes of the current day/week layout."""

    header_rows: int
    row_height: float
    gutter: float
    column_width: float
    minute_height: float
    first_minute: int
    last_minute: int
    columns: int

    @classmethod
    def measure(cls, font: QFont, viewport: QSizeF, *, columns: int, header_rows: int,
                first_minute: int, last_minute: int) -> TimeGeometry:
        """Fill the viewport, but never narrower than « lun. 23/11 » or a short name, nor
        shorter than two lines of text in 30 minutes (the view scrolls then)."""
        metrics = QFontMetricsF(font)
        line = metrics.lineSpacing()
        gutter = metrics.horizontalAdvance("00:00") + line
        narrowest = metrics.averageCharWidth() * 11
        column_width = max(narrowest, (viewport.width() - gutter) / max(columns, 1))
        row_height = line + 8
        span = last_minute - first_minute
        minute_height = max((2 * line + 8) / 30,
                            (viewport.height() - header_rows * row_height) / span)
        return cls(header_rows, row_height, gutter, column_width, minute_height, first_minute,
                   last_minute, columns)

    @property
    def header(self) -> float:
        return self.header_rows * self.row_height

    @property
    def width(self) -> float:
        return self.columns * self.column_width

    @property
    def height(self) -> float:
        return self.y(self.last_minute)

    def y(self, minute: float) -> float:
        return (minute - self.first_minute) * self.minute_height

    def minute(self, y: float) -> float:
        return self.first_minute + y / self.minute_height

    def column_rect(self, column: int, start: float, end: float) -> QRectF:
        return QRectF(column * self.column_width, self.y(start), self.column_width,
                      self.y(end) - self.y(start))

    def offset(self, scroll_x: int, scroll_y: int) -> QPointF:
        """Add to a body point to get its viewport point."""
        return QPointF(self.gutter - scroll_x, self.header - scroll_y)

    def body_rect(self, viewport: QSizeF) -> QRectF:
        """The part of the viewport that shows the body (below the header, right of the
        gutter)."""
        return QRectF(self.gutter, self.header, viewport.width() - self.gutter,
                      viewport.height() - self.header)

    def position(self, body: QPointF, clamp: bool = False) -> tuple[int, float] | None:
        """The column and minute at a body point; None outside (or the nearest with
        ``clamp``)."""
        column = int(body.x() // self.column_width)
        minute = self.minute(body.y())
        if clamp:
            column = min(max(column, 0), self.columns - 1)
            minute = min(max(minute, self.first_minute), self.last_minute - 1e-6)
        elif not (0 <= column < self.columns and self.first_minute <= minute < self.last_minute):
            return None
        return column, minute

    def visible_columns(self, shown: QRectF) -> tuple[int, int]:
        """The first and last column the body rectangle ``shown`` reaches."""
        return (max(0, int(shown.left() // self.column_width)),
                min(self.columns - 1, int(shown.right() // self.column_width)))

    def stop_rect(self, stop: Stop, boxes: dict[Hashable, ItemBox], grid: int) -> QRectF:
        """Body rectangle of a stop: the item, or its grid cell."""
        if stop.key is not None and stop.key in boxes:
            return boxes[stop.key].rect
        return self.column_rect(stop.column, stop.start, stop.start + grid)


def item_at(layout: CalendarLayout, boxes: dict[Hashable, ItemBox], body: QPointF,
            ) -> PlacedItem | None:
    """The topmost item under a body point."""
    return next((p for p in reversed(layout.items) if boxes[p.item.key].rect.contains(body)),
                None)


def place_boxes(layout: CalendarLayout, geometry: TimeGeometry, font: QFont,
                ) -> dict[Hashable, ItemBox]:
    """Each item's rectangle and its elided lines of text, once per layout rather than at
    every paint (eliding is what a paint of hundreds of items would spend its time on)."""
    regular, title, struck = QFont(font), QFont(font), QFont(font)
    title.setBold(True)
    struck.setStrikeOut(True)
    metrics = {id(face): QFontMetricsF(face) for face in (regular, title, struck)}
    line = metrics[id(regular)].lineSpacing()
    badge_size = metrics[id(regular)].height()
    # a strip on the right of each column stays free, to click or drop on the slot
    usable = geometry.column_width - max(6.0, geometry.column_width * 0.08)
    boxes = {}
    for placed in layout.items:
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
            texts = [(heading, item.title), (regular, item.subtitle), (regular, time_span(item))]
            texts = [entry for entry in texts if entry[1]][:int(area.height() // line)]
        lines = []
        for number, (face, text) in enumerate(texts):
            elided = metrics[id(face)].elidedText(text, Qt.TextElideMode.ElideRight,
                                                  area.width())
            lines.append((face, elided, QRectF(area.left(), area.top() + number * line,
                                               area.width(), line)))
        boxes[item.key] = ItemBox(rect, lines, badge)
    return boxes
