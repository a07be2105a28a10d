"""Painting the day/week grid: cells, closures, the time before which nothing is bookable,
the line for now, items with their badges, the header, the hours gutter, the keyboard focus
and the ghost of a dragged item.

Everything reads one ``TimeScene`` the view gathers; nothing here keeps state or knows the
view, so the view can cache the body (grid and items) in a pixmap and repaint only the
focus, the ghost and the now notch over it.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPalette, QPen, QPixmap, QPolygonF

from widgets.calendar_geometry import ItemBox, TimeGeometry
from widgets.calendar_model import CalendarLayout, minutes_of
from widgets.calendar_text import day_header, hhmm
from widgets.colours import mix, readable_on

NOW_COLOUR = QColor("#d93025")
_MARKER_COLOUR = QColor("#e37400")
_LEFT_MIDDLE = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_ROLE = QPalette.ColorRole


@dataclass
class TimeScene:
    """What a paint of the day/week grid reads."""

    palette: QPalette
    font: QFont
    geometry: TimeGeometry
    layout: CalendarLayout
    boxes: dict[Hashable, ItemBox]
    colours: Mapping[str, QColor]
    now: datetime
    per_day: int  # resource columns per day (1 without resources)
    resources: bool
    bookable_from: datetime | None = None

    def colour(self, role: QPalette.ColorRole) -> QColor:
        return self.palette.color(role)

    def line_colours(self) -> tuple[QColor, QColor]:
        """The hour lines and the lighter grid-cell lines."""
        base, text = self.colour(_ROLE.Base), self.colour(_ROLE.Text)
        return mix(base, text, 0.28), mix(base, text, 0.10)

    def now_colour(self) -> QColor:
        return readable_on(NOW_COLOUR, self.colour(_ROLE.Base))

    def now_minute(self) -> float | None:
        """Minutes of now on today's columns; None when today or now is not shown."""
        minute = minutes_of(self.now, self.now.date())
        geometry = self.geometry
        shown = any(column.day == self.now.date() for column in self.layout.columns)
        return minute if shown and geometry.first_minute <= minute <= geometry.last_minute \
            else None


def paint_time_view(painter: QPainter, scene: TimeScene, body: QPixmap, *, viewport: QSizeF,
                    offset: QPointF, focus: tuple[QRectF, bool] | None = None,
                    ghost: tuple[QRectF, str, bool] | None = None) -> None:
    """The whole viewport: the cached ``body`` scrolled by ``offset``, the focus (its body
    rectangle, whether a free cell), the ghost of a drag (rectangle, times, refused), the
    header scrolled sideways only and the gutter up and down only."""
    geometry = scene.geometry
    shown = geometry.body_rect(viewport)
    first, last = geometry.visible_columns(shown.translated(-offset))

    painter.save()
    painter.setClipRect(shown)
    painter.translate(offset)
    painter.drawPixmap(QPointF(0, 0), body)
    if focus is not None:
        paint_focus(painter, scene, *focus)
    if ghost is not None:
        paint_ghost(painter, scene, *ghost)
    painter.restore()

    painter.save()
    painter.setClipRect(QRectF(geometry.gutter, 0, shown.width(), geometry.header))
    painter.translate(offset.x(), 0)
    paint_header(painter, scene, first, last)
    painter.restore()

    painter.save()
    painter.setClipRect(QRectF(0, geometry.header, geometry.gutter, shown.height()))
    painter.translate(0, offset.y())
    paint_gutter(painter, scene)
    painter.restore()

    painter.fillRect(QRectF(0, 0, geometry.gutter, geometry.header), scene.colour(_ROLE.Window))


def render_body(scene: TimeScene, ratio: float) -> QPixmap:
    """The grid, closures, past, now line and items in a pixmap at the screen's pixel ratio:
    the view repaints the focus, a drag, a scroll over it without painting them again."""
    size = QSizeF(scene.geometry.width, scene.geometry.height) * ratio
    pixmap = QPixmap(max(1, round(size.width())), max(1, round(size.height())))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(scene.colour(_ROLE.Base))
    painter = QPainter(pixmap)
    _paint_grid(painter, scene)
    _paint_now(painter, scene)
    _paint_items(painter, scene)
    painter.end()
    return pixmap


def _paint_grid(painter: QPainter, scene: TimeScene) -> None:
    geometry = scene.geometry
    base, text = scene.colour(_ROLE.Base), scene.colour(_ROLE.Text)
    hour_line, cell_line = scene.line_colours()
    closed_fill = mix(base, text, 0.07)
    hatch = QBrush(mix(base, text, 0.16), Qt.BrushStyle.BDiagPattern)
    for closure in scene.layout.closures:
        rect = geometry.column_rect(closure.column, closure.start, closure.end)
        painter.fillRect(rect, closed_fill)
        painter.fillRect(rect, hatch)
    _paint_past(painter, scene)  # under the lines, which stay visible
    grid = scene.layout.grid
    for minute in range(geometry.first_minute, geometry.last_minute + 1, grid):
        y = geometry.y(minute)
        painter.setPen(QPen(hour_line if minute % 60 == 0 else cell_line, 0))
        painter.drawLine(QPointF(0, y), QPointF(geometry.width, y))
    for column in range(geometry.columns + 1):
        x = column * geometry.column_width
        # with resource columns, a thicker line parts the days
        day_edge = scene.per_day > 1 and column % scene.per_day == 0
        painter.setPen(QPen(hour_line, 2 if day_edge else 0))
        painter.drawLine(QPointF(x, 0), QPointF(x, geometry.height))
    _paint_closure_labels(painter, scene)
    _paint_hidden_counts(painter, scene)


def _paint_past(painter: QPainter, scene: TimeScene) -> None:
    """A light veil over the time before which nothing can be booked."""
    limit = scene.bookable_from
    if limit is None:
        return
    geometry = scene.geometry
    veil = mix(scene.colour(_ROLE.Base), scene.colour(_ROLE.Text), 0.05)
    for number, column in enumerate(scene.layout.columns):
        end = min(minutes_of(limit, column.day), geometry.last_minute)
        if end > geometry.first_minute:
            painter.fillRect(geometry.column_rect(number, geometry.first_minute, end), veil)


def _paint_closure_labels(painter: QPainter, scene: TimeScene) -> None:
    geometry = scene.geometry
    metrics = painter.fontMetrics()
    painter.setPen(scene.colour(_ROLE.Text))
    for closure in scene.layout.closures:
        if closure.label:
            rect = geometry.column_rect(closure.column, closure.start, closure.end)
            label = rect.adjusted(4, 2, -4, -2)
            if label.height() >= metrics.height():
                text = metrics.elidedText(closure.label, Qt.TextElideMode.ElideRight,
                                          round(label.width()))
                painter.drawText(label, Qt.AlignmentFlag.AlignHCenter
                                 | Qt.AlignmentFlag.AlignTop, text)


def _paint_hidden_counts(painter: QPainter, scene: TimeScene) -> None:
    """« ▲ 2 » at the top of a column holding items before the range, « ▼ » after it."""
    geometry, layout = scene.geometry, scene.layout
    painter.setPen(scene.colour(_ROLE.Text))
    for column in range(geometry.columns):
        rect = QRectF(column * geometry.column_width, 0, geometry.column_width - 4,
                      geometry.row_height)
        if layout.hidden_before[column]:
            painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                             f"▲ {layout.hidden_before[column]}")
        if layout.hidden_after[column]:
            painter.drawText(rect.translated(0, geometry.height - geometry.row_height),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                             f"▼ {layout.hidden_after[column]}")


def category_colour(scene: TimeScene, category: str) -> QColor:
    """An item category's colour (the highlight when unknown), readable on the base."""
    colour = scene.colours.get(category, scene.colour(_ROLE.Highlight))
    return readable_on(colour, scene.colour(_ROLE.Base))


def _paint_items(painter: QPainter, scene: TimeScene) -> None:
    base = scene.colour(_ROLE.Base)
    tint = 0.30 if base.lightness() < 128 else 0.18
    colours: dict[str, tuple[QColor, QColor]] = {}  # category: stripe, fill
    badge_colour = readable_on(_MARKER_COLOUR, base)
    for placed in scene.layout.items:
        box = scene.boxes[placed.item.key]
        item = placed.item
        if item.category not in colours:
            stripe = category_colour(scene, item.category)
            colours[item.category] = stripe, mix(base, stripe, tint)
        stripe, fill = colours[item.category]
        rect = box.rect
        painter.fillRect(rect, base if item.cancelled else fill)
        painter.setPen(QPen(stripe, 1, Qt.PenStyle.DashLine if item.cancelled
                            else Qt.PenStyle.SolidLine))
        painter.drawRect(rect.adjusted(0, 0, -1, -1))
        painter.fillRect(QRectF(rect.left(), rect.top(), 4, rect.height()), stripe)
        if box.badge is not None:
            _paint_badge(painter, scene.font, box.badge, badge_colour)
        painter.setPen(scene.colour(_ROLE.Text))
        for face, text, line in box.lines:
            painter.setFont(face)
            painter.drawText(line, _LEFT_MIDDLE, text)
    painter.setFont(scene.font)


def _paint_badge(painter: QPainter, font: QFont, badge: QRectF, colour: QColor) -> None:
    """The round « ! » of an item with a marker."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawEllipse(badge)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.setPen(QColor("black"))  # on the orange badge, whatever the palette
    painter.setFont(font)
    painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "!")


def _paint_now(painter: QPainter, scene: TimeScene) -> None:
    """The line for now across today's columns, under the items: over them it would
    look like the strike-through of a cancelled item."""
    minute = scene.now_minute()
    if minute is None:
        return
    y = scene.geometry.y(minute)
    width = scene.geometry.column_width
    for column, entry in enumerate(scene.layout.columns):
        if entry.day == scene.now.date():
            painter.fillRect(QRectF(column * width, y - 1, width, 2), scene.now_colour())


def paint_focus(painter: QPainter, scene: TimeScene, rect: QRectF, free_cell: bool) -> None:
    """The focus frame around an item or a free cell (filled, so it shows on an empty
    grid)."""
    highlight = scene.colour(_ROLE.Highlight)
    base = scene.colour(_ROLE.Base)
    if free_cell:
        painter.fillRect(rect, mix(base, highlight, 0.25))
    # outside the item, so that it does not blend with the item's own border
    painter.setPen(QPen(readable_on(highlight, base), 3))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(rect.adjusted(-1, -1, 1, 1))


def paint_ghost(painter: QPainter, scene: TimeScene, rect: QRectF, text: str,
                refused: bool) -> None:
    """Where a dragged item would go, with its new times; hatched where it may not go."""
    highlight = scene.colour(_ROLE.Highlight)
    base = scene.colour(_ROLE.Base)
    painter.fillRect(rect, mix(base, highlight, 0.35))
    if refused:
        painter.fillRect(rect, QBrush(scene.colour(_ROLE.Text), Qt.BrushStyle.DiagCrossPattern))
    painter.setPen(QPen(readable_on(highlight, base), 2, Qt.PenStyle.DashLine))
    painter.drawRect(rect.adjusted(1, 1, -1, -1))
    painter.setPen(scene.colour(_ROLE.Text))
    painter.drawText(rect.adjusted(6, 2, -2, -2),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, text)


def paint_header(painter: QPainter, scene: TimeScene, first: int, last: int) -> None:
    """Day headers (today bold and underlined), then the resource names if any."""
    geometry, columns = scene.geometry, scene.layout.columns
    painter.fillRect(QRectF(0, 0, geometry.width, geometry.header), scene.colour(_ROLE.Window))
    hour_line, _cell_line = scene.line_colours()
    today = scene.now.date()
    row = geometry.row_height
    bold = QFont(scene.font)
    bold.setBold(True)
    per_day = scene.per_day
    painter.setPen(scene.colour(_ROLE.WindowText))
    if geometry.header_rows == 2 or not scene.resources:
        for day_index in range(first // per_day, last // per_day + 1):
            day = columns[day_index * per_day].day
            rect = QRectF(day_index * per_day * geometry.column_width, 0,
                          per_day * geometry.column_width, row)
            painter.setFont(bold if day == today else scene.font)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, day_header(day))
            if day == today:
                painter.fillRect(QRectF(rect.left() + 4, rect.bottom() - 3, rect.width() - 8, 3),
                                 readable_on(scene.colour(_ROLE.Highlight),
                                             scene.colour(_ROLE.Window)))
    painter.setFont(scene.font)
    if scene.resources:
        top = geometry.header - row
        metrics = painter.fontMetrics()
        for column in range(first, last + 1):
            rect = QRectF(column * geometry.column_width, top, geometry.column_width, row)
            painter.drawText(rect.adjusted(4, 0, -4, 0), Qt.AlignmentFlag.AlignCenter,
                             metrics.elidedText(columns[column].label,
                                                Qt.TextElideMode.ElideRight,
                                                round(rect.width() - 8)))
    painter.setPen(QPen(hour_line, 0))
    painter.drawLine(QPointF(0, geometry.header - 1), QPointF(geometry.width, geometry.header - 1))


def paint_gutter(painter: QPainter, scene: TimeScene) -> None:
    """The hours, and a notch for now at the edge, where no item can hide it."""
    geometry = scene.geometry
    painter.fillRect(QRectF(0, 0, geometry.gutter, geometry.height), scene.colour(_ROLE.Window))
    painter.setPen(scene.colour(_ROLE.WindowText))
    metrics = painter.fontMetrics()
    for minute in range(geometry.first_minute, geometry.last_minute, 60):
        rect = QRectF(0, geometry.y(minute) + 1, geometry.gutter - 6, metrics.height())
        painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                         hhmm(minute))
    now = scene.now_minute()
    if now is not None:
        y, size = geometry.y(now), geometry.row_height / 4
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(scene.now_colour())
        painter.drawPolygon(QPolygonF([QPointF(geometry.gutter - size, y - size),
                                       QPointF(geometry.gutter, y),
                                       QPointF(geometry.gutter - size, y + size)]))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
