"""A timeline: dated entries, each with its kind, author, text and an optional badge.

Knows nothing of what the entries are about. The caller gives ``TimelineItem``s in the order
to show (newest first, say), with their dates already in the time zone to display. The view is
a list: arrows, Page Up/Down, Home/End move between entries, Enter (or a double click)
``activated`` an entry; each entry reads as one sentence to a screen reader.

    view = TimelineView()
    view.set_items([TimelineItem(key, when, "Camille Martin", "Note", text="…",
                                 badge="interne")])
    view.activated_key.connect(open_entry)
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

Index = QModelIndex | QPersistentModelIndex
ItemRole = Qt.ItemDataRole.UserRole + 1  # the TimelineItem itself
_MARGIN = 8
_RAIL_GAP = 14  # from the date column to the rail, and from the rail to the text


@dataclass(frozen=True)
class TimelineItem:
    key: Hashable
    when: datetime
    author: str
    kind: str  # « Note », « Appel »… shown as the entry's label
    title: str = ""
    text: str = ""
    badge: str = ""  # « interne »…: a short word set apart
    attachment: str = ""  # a file name: activating the entry may open it
    icon: QIcon | None = None  # drawn on the rail instead of a dot

    def sentence(self, date_format: str, time_format: str) -> str:
        """The whole entry as one line of text (screen readers, tooltips, tests)."""
        parts = [f"{self.when.strftime(date_format)} {self.when.strftime(time_format)}",
                 self.kind + (f" ({self.badge})" if self.badge else "")]
        if self.title and self.title != self.kind:
            parts.append(self.title)
        if self.text:
            parts.append(self.text)
        if self.attachment and self.attachment != self.title:
            parts.append(f"fichier {self.attachment}")
        parts.append(f"par {self.author}")
        return " — ".join(parts)


class TimelineModel(QAbstractListModel):
    def __init__(self, parent=None, date_format: str = "%d/%m/%Y", time_format: str = "%H:%M"):
        super().__init__(parent)
        self.date_format, self.time_format = date_format, time_format
        self._items: list[TimelineItem] = []

    def set_items(self, items: Sequence[TimelineItem]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def items(self) -> list[TimelineItem]:
        return list(self._items)

    def item(self, index: Index) -> TimelineItem | None:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        return self._items[index.row()]

    def row_of(self, key: Hashable) -> int | None:
        return next((row for row, item in enumerate(self._items) if item.key == key), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item(index)
        if item is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole,
                    Qt.ItemDataRole.ToolTipRole):
            return item.sentence(self.date_format, self.time_format)
        if role == ItemRole:
            return item
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class _Layout:
    """Where each part of an entry goes, for a given width (shared by size and paint)."""

    def __init__(self, option: QStyleOptionViewItem, item: TimelineItem, width: int,
                 date_format: str):
        font = option.font
        self.font = font
        self.bold = QFont(font)
        self.bold.setBold(True)
        self.small = QFont(font)
        self.small.setPointSizeF(font.pointSizeF() * 0.9)
        metrics, bold_metrics = QFontMetrics(font), QFontMetrics(self.bold)
        small_metrics = QFontMetrics(self.small)
        self.date_width = metrics.horizontalAdvance(datetime(2000, 12, 30).strftime(date_format))
        self.rail_x = _MARGIN + self.date_width + _RAIL_GAP
        self.text_x = self.rail_x + _RAIL_GAP
        text_width = max(80, width - self.text_x - _MARGIN)
        self.line = metrics.height()
        self.head_height = max(bold_metrics.height(), small_metrics.height() + 4)
        flags = Qt.TextFlag.TextWordWrap
        # The title, unless it only repeats the kind (a plain « Note »).
        self.head = item.title if item.title != item.kind else ""
        self.head_rect = (bold_metrics.boundingRect(QRect(0, 0, text_width, 10_000), flags,
                                                    self.head) if self.head else QRect())
        self.text_rect = (metrics.boundingRect(QRect(0, 0, text_width, 10_000), flags, item.text)
                          if item.text else QRect())
        self.text_width = text_width
        self.height = (_MARGIN + self.head_height + 2 + self.head_rect.height()
                       + (self.text_rect.height() + 2 if item.text else 0)
                       + small_metrics.height() + _MARGIN)


class TimelineDelegate(QStyledItemDelegate):
    """Paints an entry: date and time, the rail, kind and badge, title, text, author."""

    def __init__(self, view: TimelineView):
        super().__init__(view)
        self._view = view

    def _layout(self, option: QStyleOptionViewItem, index: Index) -> _Layout | None:
        item = index.data(ItemRole)
        if item is None:
            return None
        width = self._view.viewport().width()
        return _Layout(option, item, width, self._view.timeline_model.date_format)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        layout = self._layout(option, index)
        if layout is None:
            return super().sizeHint(option, index)
        return QSize(self._view.viewport().width(), layout.height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        item: TimelineItem | None = index.data(ItemRole)
        layout = self._layout(option, index)
        if item is None or layout is None:
            return
        model = self._view.timeline_model
        style = option.widget.style() if option.widget else self._view.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter,
                            option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        ink = palette.color(QPalette.ColorRole.HighlightedText if selected
                            else QPalette.ColorRole.Text)
        muted = QColor(ink)
        muted.setAlphaF(0.72)  # secondary text stays above 4.5:1 on both themes
        rect = option.rect
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)

        # Date and time, left.
        painter.setPen(ink)
        painter.setFont(layout.font)
        top = rect.top() + _MARGIN
        painter.drawText(QRect(rect.left() + _MARGIN, top, layout.date_width, layout.line),
                         Qt.AlignmentFlag.AlignLeft, item.when.strftime(model.date_format))
        painter.setPen(muted)
        painter.drawText(QRect(rect.left() + _MARGIN, top + layout.line, layout.date_width,
                               layout.line),
                         Qt.AlignmentFlag.AlignLeft, item.when.strftime(model.time_format))

        # The rail through every entry, and a dot (or the kind's icon) on it.
        rail_x = rect.left() + layout.rail_x
        rail = QColor(palette.color(QPalette.ColorRole.Mid))
        painter.setPen(QPen(rail, 2))
        painter.drawLine(rail_x, rect.top(), rail_x, rect.bottom())
        dot_y = top + layout.head_height // 2
        if item.icon is not None and not item.icon.isNull():
            size = layout.line
            item.icon.paint(painter, QRect(rail_x - size // 2, dot_y - size // 2, size, size))
        else:
            painter.setBrush(palette.color(QPalette.ColorRole.Highlight) if not selected
                             else ink)
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Base), 2))
            painter.drawEllipse(rail_x - 5, dot_y - 5, 10, 10)

        # Kind, then the badge, on the first line.
        x = rect.left() + layout.text_x
        small = QFontMetrics(layout.small)
        painter.setFont(layout.small)
        painter.setPen(muted)
        kind_width = small.horizontalAdvance(item.kind)
        painter.drawText(QRect(x, top + 2, kind_width + 1, layout.head_height),
                         Qt.AlignmentFlag.AlignLeft, item.kind)
        if item.badge:
            badge_x = x + kind_width + 8
            badge_width = small.horizontalAdvance(item.badge) + 12
            badge = QRect(badge_x, top, badge_width, small.height() + 4)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(ink, 1))
            painter.drawRoundedRect(badge, badge.height() / 2, badge.height() / 2)
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, item.badge)

        # Title, text, author (and the file, if any).
        y = top + layout.head_height + 2
        painter.setPen(ink)
        if layout.head:
            painter.setFont(layout.bold)
            painter.drawText(QRect(x, y, layout.text_width, layout.head_rect.height()),
                             Qt.TextFlag.TextWordWrap, layout.head)
            y += layout.head_rect.height()
        if item.text:
            y += 2
            painter.setFont(layout.font)
            painter.drawText(QRect(x, y, layout.text_width, layout.text_rect.height()),
                             Qt.TextFlag.TextWordWrap, item.text)
            y += layout.text_rect.height()
        footer = item.author
        if item.attachment:
            footer += (" · fichier joint (Entrée pour l'ouvrir)" if item.attachment == item.title
                       else f" · fichier : {item.attachment}")
        painter.setFont(layout.small)
        painter.setPen(muted)
        painter.drawText(QRect(x, y + 2, layout.text_width, small.height()),
                         Qt.AlignmentFlag.AlignLeft,
                         small.elidedText(footer, Qt.TextElideMode.ElideRight,
                                          layout.text_width))
        painter.restore()


class TimelineView(QListView):
    """The timeline list. ``activated_key(key)``: Enter or double click on an entry."""

    activated_key = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.timeline_model = TimelineModel(self)
        self.setModel(self.timeline_model)
        self.setItemDelegate(TimelineDelegate(self))
        self.setUniformItemSizes(False)
        self.setResizeMode(QListView.ResizeMode.Adjust)  # wrapped text follows the width
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setAccessibleName("Chronologie")
        self.activated.connect(self._activated)

    def set_items(self, items: Sequence[TimelineItem]) -> None:
        """Show ``items``; the entry that was current stays current when still there."""
        current = self.current_key()
        self.timeline_model.set_items(items)
        row = self.timeline_model.row_of(current) if current is not None else None
        if row is None and items:
            row = 0
        if row is not None:
            self.setCurrentIndex(self.timeline_model.index(row))

    def items(self) -> list[TimelineItem]:
        return self.timeline_model.items()

    def current_item(self) -> TimelineItem | None:
        return self.timeline_model.item(self.currentIndex())

    def current_key(self) -> Hashable | None:
        item = self.current_item()
        return None if item is None else item.key

    def _activated(self, index: QModelIndex) -> None:
        item = self.timeline_model.item(index)
        if item is not None:
            self.activated_key.emit(item.key)
