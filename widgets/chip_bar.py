"""A row of filter chips: checkable buttons of which one is chosen, wrapping onto more lines
when the window is narrow (large fonts, 200 % scaling) instead of pushing the window wider."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QLayout, QLayoutItem, QPushButton, QWidget


class FlowLayout(QLayout):
    """Lays its items left to right and starts a new line when the width runs out."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, move: bool) -> int:
        """Place the items line by line, each centred in its line's height (a label beside
        a taller field reads on the field's line); the height used."""
        x, y, line_height, gap = rect.x(), rect.y(), 0, self.spacing()
        line: list[tuple[QLayoutItem, QPoint, QSize]] = []

        def close_line() -> None:
            if move:
                for item, corner, hint in line:
                    offset = (line_height - hint.height()) // 2
                    item.setGeometry(QRect(corner + QPoint(0, offset), hint))
            line.clear()

        for item in self._items:
            if item.widget() is not None and item.widget().isHidden():
                continue
            hint = item.sizeHint()
            if x + hint.width() > rect.right() + 1 and line_height:
                close_line()
                x, y, line_height = rect.x(), y + line_height + gap, 0
            line.append((item, QPoint(x, y), hint))
            x += hint.width() + gap
            line_height = max(line_height, hint.height())
        close_line()
        return y + line_height - rect.y()


class ChipBar(QWidget):
    """``set_chips([(key, "À contacter (12)")…])``; ``chosen(key)`` when the user picks one.

    Each chip is a button reachable with Tab and pressed with Space; the chosen key is kept
    across ``set_chips`` when still offered (the counts change, the filter stays).
    """

    chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._layout = FlowLayout(self)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._keys: list[Hashable] = []
        self._texts: list[str] = []
        self._group.idClicked.connect(lambda index: self.chosen.emit(self._keys[index]))
        self._group.idToggled.connect(self._mark)

    def set_chips(self, chips: Sequence[tuple[Hashable, str]]) -> None:
        current = self.current_key()
        for button in self._group.buttons():
            self._group.removeButton(button)
            self._layout.removeWidget(button)
            button.hide()
            button.deleteLater()
        self._keys = [key for key, _text in chips]
        self._texts = [text for _key, text in chips]
        for index, (key, text) in enumerate(chips):
            button = QPushButton(text, self)
            button.setCheckable(True)
            button.setAccessibleName(f"Filtre : {text}")
            self._group.addButton(button, index)
            self._layout.addWidget(button)
            button.setChecked(key == current)
        if self._keys and self._group.checkedButton() is None:
            self._group.button(0).setChecked(True)
        self.updateGeometry()

    def _mark(self, index: int, checked: bool) -> None:
        """The chosen chip is bold and ticked: said by its shape, not by a shade of colour
        (the dark palette hardly shows a pressed button)."""
        button = self._group.button(index)
        if button is None or index >= len(self._texts):
            return
        font = button.font()
        font.setBold(checked)
        button.setFont(font)
        button.setText(("✓ " if checked else "") + self._texts[index])

    def current_key(self) -> Hashable | None:
        index = self._group.checkedId()
        return self._keys[index] if 0 <= index < len(self._keys) else None

    def set_current(self, key: Hashable) -> None:
        if key in self._keys:
            self._group.button(self._keys.index(key)).setChecked(True)

    def texts(self) -> list[str]:
        """The chips' texts, without the tick of the chosen one."""
        return list(self._texts)

    def button(self, key: Hashable) -> QPushButton:
        return self._group.button(self._keys.index(key))
