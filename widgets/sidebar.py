"""A navigation sidebar: a vertical list of entries (icon + text) identified by keys.

It knows nothing of what the entries open. Arrows move between visible entries and select
them at once (``current_changed``); Enter or a click asks to move into the selected area
(``activated``), so a keyboard user can go from the sidebar to the page without tabbing.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import QAbstractItemView, QFrame, QListWidget, QListWidgetItem, QWidget

_KEY_ROLE = Qt.ItemDataRole.UserRole


class Sidebar(QListWidget):
    """Entries are added once with ``add_entry``; roles or contexts then choose which show."""

    current_changed = Signal(str)
    activated = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Navigation")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setUniformItemSizes(True)
        self.setIconSize(QSize(22, 22))
        self.setSpacing(2)
        self._shade_background()
        self.currentItemChanged.connect(self._emit_current)
        self.itemActivated.connect(lambda item: self.activated.emit(item.data(_KEY_ROLE)))

    # -- entries -------------------------------------------------------------------------
    def add_entry(self, key: str, text: str, icon: QIcon | None = None,
                  tooltip: str = "") -> None:
        item = QListWidgetItem(icon or QIcon(), text, self)
        item.setData(_KEY_ROLE, key)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, text)
        item.setToolTip(tooltip or text)
        item.setSizeHint(QSize(0, self._row_height()))

    def set_icon(self, key: str, icon: QIcon) -> None:
        self._item(key).setIcon(icon)

    def keys(self) -> list[str]:
        return [self.item(row).data(_KEY_ROLE) for row in range(self.count())]

    def visible_keys(self) -> list[str]:
        return [
            self.item(row).data(_KEY_ROLE)
            for row in range(self.count())
            if not self.item(row).isHidden()
        ]

    def set_visible_entries(self, keys: set[str] | list[str]) -> None:
        """Show only these entries; if the current one disappears, select the first shown."""
        wanted = set(keys)
        for row in range(self.count()):
            item = self.item(row)
            item.setHidden(item.data(_KEY_ROLE) not in wanted)
        current = self.currentItem()
        if current is None or current.isHidden():
            shown = self.visible_keys()
            if shown:
                self.set_current(shown[0])

    # -- selection -----------------------------------------------------------------------
    def current_key(self) -> str | None:
        item = self.currentItem()
        return None if item is None else item.data(_KEY_ROLE)

    def set_current(self, key: str) -> None:
        item = self._item(key)
        if item.isHidden():
            raise ValueError(f"entry {key!r} is hidden")
        self.setCurrentItem(item)

    # -- layout --------------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        widest = max(
            (metrics.horizontalAdvance(self.item(row).text()) for row in range(self.count())),
            default=0,
        )
        # icon, its gap, text, margins and a scroll bar's worth of slack
        width = self.iconSize().width() + widest + 4 * metrics.averageCharWidth() + 24
        return QSize(width, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self.sizeHint().width(), 0)

    def _shade_background(self) -> None:
        """A shade off the window colour: the sidebar reads as chrome beside the page, in
        light and dark alike."""
        palette = self.palette()
        window = palette.color(QPalette.ColorRole.Window)
        shade = window.darker(106) if window.lightness() >= 128 else window.lighter(125)
        palette.setColor(QPalette.ColorRole.Base, shade)
        self.setPalette(palette)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.ApplicationPaletteChange:
            self.setPalette(QPalette())  # back to the application's, then shade it again
            self._shade_background()
        elif event.type() == event.Type.FontChange:
            for row in range(self.count()):
                self.item(row).setSizeHint(QSize(0, self._row_height()))
            self.updateGeometry()

    def _row_height(self) -> int:
        return max(self.iconSize().height(), self.fontMetrics().height()) + 16

    def _item(self, key: str) -> QListWidgetItem:
        for row in range(self.count()):
            if self.item(row).data(_KEY_ROLE) == key:
                return self.item(row)
        raise KeyError(key)

    def _emit_current(self, current: QListWidgetItem | None, _previous) -> None:
        if current is not None:
            self.current_changed.emit(current.data(_KEY_ROLE))
