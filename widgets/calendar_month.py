"""The calendar's month view: a Monday-first grid of the weeks holding a month, each day cell
with its items as compact lines (« 09:30 DUPONT M. »), « +3 autres » for those that do not
fit, and closed days shaded with their label.

``build_month`` lays the days out (no Qt); ``MonthGeometry`` sizes the cells to the viewport
and places each cell's lines; ``paint_month`` paints them. The view owns the state (which
day has the focus) and the events.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QLocale, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPalette, QPen

from widgets.calendar_model import CalendarItem, ClosedPeriod, minutes_of
from widgets.calendar_text import (
    FRENCH,
    NBSP,
    long_day,
    month_line,
    more_items,
    weekday_header,
)
from widgets.colours import mix, muted_text, readable_on

_ROLE = QPalette.ColorRole
_LEFT_MIDDLE = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True, slots=True)
class MonthCell:
    """One day of the grid. ``closed`` is the label of what closes the whole day (« » when
    unlabelled), None when it is open at least part of the day."""

    day: date
    in_month: bool
    items: tuple[CalendarItem, ...]
    closed: str | None = None


def month_days(anchor: date, week_days: int = 7) -> list[date]:
    """The days of the weeks holding ``anchor``'s month, Monday first, ``week_days`` of each
    week (5: no weekend); a week with none of the month's days shown is left out."""
    first = anchor.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    monday = first - timedelta(days=first.weekday())
    days: list[date] = []
    while monday <= last:
        week = [monday + timedelta(days=offset) for offset in range(week_days)]
        if any(day.month == first.month for day in week):
            days.extend(week)
        monday += timedelta(days=7)
    return days


def _closed_label(day: date, closures: Iterable[ClosedPeriod], first_minute: int,
                  last_minute: int) -> str | None:
    """The label of the closures that together cover the day's whole time range."""
    spans = sorted((max(minutes_of(c.start, day), first_minute),
                    min(minutes_of(c.end, day), last_minute), c.label)
                   for c in closures if c.column is None)
    reached, labels = first_minute, []
    for start, end, label in spans:
        if end <= start:
            continue
        if start > reached:
            return None
        reached = max(reached, end)
        labels.append((end - start, label))
    if reached < last_minute:
        return None
    labelled = [entry for entry in labels if entry[1]]
    return max(labelled)[1] if labelled else ""


def build_month(anchor: date, week_days: int, items: Iterable[CalendarItem],
                closures: Iterable[ClosedPeriod], first_minute: int, last_minute: int,
                ) -> list[MonthCell]:
    """The cells of ``anchor``'s month: every item of a day (any resource), by start."""
    days = month_days(anchor, week_days)
    by_day: dict[date, list[CalendarItem]] = {day: [] for day in days}
    for item in items:
        if item.start.date() in by_day:
            by_day[item.start.date()].append(item)
    closures = list(closures)
    return [MonthCell(day, day.month == anchor.month,
                      tuple(sorted(by_day[day], key=lambda i: (i.start, i.end))),
                      _closed_label(day, [c for c in closures
                                          if c.start.date() <= day <= c.end.date()],
                                    first_minute, last_minute))
            for day in days]


def cell_text(cell: MonthCell) -> str:
    """What a screen reader says of a day: « mardi 15 décembre 2026, 09:30 DUPONT M. »."""
    parts = [long_day(cell.day)]
    if cell.closed is not None:
        parts.append(f"fermé{NBSP}: {cell.closed}" if cell.closed else "fermé")
    parts.extend(month_line(item) + (" (annulé)" if item.cancelled else "")
                 for item in cell.items)
    if not cell.items:
        parts.append("rien de prévu")
    return ", ".join(parts)


@dataclass(slots=True)
class CellLine:
    """A line painted in a cell: an item (``key``), the closure label or « +N autres »."""

    text: str
    rect: QRectF
    key: Hashable | None = None
    category: str = ""
    cancelled: bool = False


@dataclass
class MonthGeometry:
    """Sizes of the month grid; body coordinates start below the weekday header."""

    header: float
    cell_width: float
    cell_height: float
    line: float
    columns: int
    weeks: int

    @classmethod
    def measure(cls, font: QFont, viewport: QSizeF, *, columns: int, weeks: int,
                ) -> MonthGeometry:
        """Fill the viewport; a cell holds at least its day number and two lines (the view
        scrolls below that)."""
        metrics = QFontMetricsF(font)
        line = metrics.lineSpacing()
        header = line + 8
        width = max(metrics.averageCharWidth() * 12, viewport.width() / columns)
        height = max(3 * line + 10, (viewport.height() - header) / max(weeks, 1))
        return cls(header, width, height, line, columns, weeks)

    @property
    def height(self) -> float:
        return self.weeks * self.cell_height

    def cell_rect(self, index: int) -> QRectF:
        week, weekday = divmod(index, self.columns)
        return QRectF(weekday * self.cell_width, week * self.cell_height, self.cell_width,
                      self.cell_height)

    def index_at(self, body: QPointF) -> int | None:
        column, week = int(body.x() // self.cell_width), int(body.y() // self.cell_height)
        if 0 <= column < self.columns and 0 <= week < self.weeks and body.x() >= 0 \
                and body.y() >= 0:
            return week * self.columns + column
        return None

    def lines(self, index: int, cell: MonthCell, font: QFont) -> list[CellLine]:
        """The closure label, then as many items as fit; the last line says how many more
        there are when they do not all fit."""
        metrics = QFontMetricsF(font)
        rect = self.cell_rect(index).adjusted(4, self.line + 4, -4, -2)
        room = max(int(rect.height() // self.line), 0)
        lines: list[CellLine] = []
        if cell.closed:
            lines.append(CellLine(cell.closed, QRectF()))
            room -= 1
        items = list(cell.items)
        shown = items if len(items) <= room else items[:max(room - 1, 0)]
        lines.extend(CellLine(month_line(item), QRectF(), item.key, item.category,
                              item.cancelled) for item in shown)
        if len(shown) < len(items):
            lines.append(CellLine(more_items(len(items) - len(shown)), QRectF()))
        for number, entry in enumerate(lines):
            entry.rect = QRectF(rect.left(), rect.top() + number * self.line, rect.width(),
                                self.line)
            indent = 8 if entry.key is not None else 0  # room for the category stripe
            entry.text = metrics.elidedText(entry.text, Qt.TextElideMode.ElideRight,
                                            rect.width() - indent)
        return lines


@dataclass
class MonthScene:
    """What a paint of the month grid reads."""

    palette: QPalette
    font: QFont
    geometry: MonthGeometry
    cells: list[MonthCell]
    lines: list[list[CellLine]]
    colours: Mapping[str, QColor]
    today: date
    focus: int | None  # the focused cell, painted only while the view has the focus


def day_number(day: date, in_month: bool) -> str:
    """« 15 »; the first of a month and days of the next or previous month say their
    month: « 1er déc. », « 30 nov. »."""
    if day.day == 1 or not in_month:
        number = "1er" if day.day == 1 else str(day.day)
        return f"{number} {FRENCH.monthName(day.month, QLocale.FormatType.ShortFormat)}"
    return str(day.day)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month_number = divmod(index, 12)
    first = date(year, month_number + 1, 1)
    last = ((first + timedelta(days=32)).replace(day=1) - timedelta(days=1)).day
    return first.replace(day=min(day.day, last))


def paint_month_view(painter: QPainter, scene: MonthScene, viewport: QSizeF,
                     scroll: float) -> None:
    """The cells scrolled up by ``scroll``, under the weekday header that stays put."""
    header = scene.geometry.header
    painter.save()
    painter.setClipRect(QRectF(0, header, viewport.width(), viewport.height()))
    painter.translate(0, header - scroll)
    paint_month(painter, scene)
    painter.restore()
    columns = scene.geometry.columns
    _paint_month_header(painter, scene, [cell.day.weekday() for cell in scene.cells[:columns]])


def _paint_month_header(painter: QPainter, scene: MonthScene, weekdays: list[int]) -> None:
    geometry = scene.geometry
    painter.fillRect(QRectF(0, 0, geometry.columns * geometry.cell_width, geometry.header),
                     scene.palette.color(_ROLE.Window))
    painter.setPen(scene.palette.color(_ROLE.WindowText))
    for column, weekday in enumerate(weekdays):
        painter.drawText(QRectF(column * geometry.cell_width, 0, geometry.cell_width,
                                geometry.header), Qt.AlignmentFlag.AlignCenter,
                         weekday_header(weekday))


def paint_month(painter: QPainter, scene: MonthScene) -> None:
    """The cells, in body coordinates."""
    palette, geometry = scene.palette, scene.geometry
    base, text = palette.color(_ROLE.Base), palette.color(_ROLE.Text)
    muted = muted_text(palette)
    closed_fill = mix(base, text, 0.07)
    hatch = QBrush(mix(base, text, 0.16), Qt.BrushStyle.BDiagPattern)
    line_colour = mix(base, text, 0.28)
    bold = QFont(scene.font)
    bold.setBold(True)
    struck = QFont(scene.font)
    struck.setStrikeOut(True)
    for index, cell in enumerate(scene.cells):
        rect = geometry.cell_rect(index)
        if cell.closed is not None:
            painter.fillRect(rect, closed_fill)
            painter.fillRect(rect, hatch)
        painter.setPen(QPen(line_colour, 0))
        painter.drawRect(rect)
        today = cell.day == scene.today
        painter.setFont(bold if today else scene.font)
        painter.setPen(text if cell.in_month else muted)
        number = QRectF(rect.left() + 4, rect.top() + 2, rect.width() - 8, geometry.line)
        painter.drawText(number, _LEFT_MIDDLE, day_number(cell.day, cell.in_month))
        if today:
            width = painter.fontMetrics().horizontalAdvance(day_number(cell.day, cell.in_month))
            painter.fillRect(QRectF(number.left(), number.bottom(), width, 2),
                             readable_on(palette.color(_ROLE.Highlight), base))
        _paint_lines(painter, scene, scene.lines[index], struck)
    painter.setFont(scene.font)
    if scene.focus is not None:
        highlight = readable_on(palette.color(_ROLE.Highlight), base)
        painter.setPen(QPen(highlight, 3))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(geometry.cell_rect(scene.focus).adjusted(2, 2, -2, -2))


def _paint_lines(painter: QPainter, scene: MonthScene, lines: list[CellLine],
                 struck: QFont) -> None:
    base = scene.palette.color(_ROLE.Base)
    highlight = scene.palette.color(_ROLE.Highlight)
    painter.setPen(scene.palette.color(_ROLE.Text))
    for entry in lines:
        if entry.key is None:
            painter.setFont(scene.font)
            painter.drawText(entry.rect, _LEFT_MIDDLE, entry.text)
            continue
        stripe = readable_on(scene.colours.get(entry.category, highlight), base)
        painter.fillRect(QRectF(entry.rect.left(), entry.rect.top() + 2, 4,
                                entry.rect.height() - 4), stripe)
        painter.setFont(struck if entry.cancelled else scene.font)
        painter.drawText(entry.rect.adjusted(8, 0, 0, 0), _LEFT_MIDDLE, entry.text)
