"""One day's free times as a grid of buttons, grouped « Matin » / « Après-midi » (and by
place when the day has several), for the slot picker.

It behaves as a group of radio buttons: Tab reaches one button (the current one, else the
first), arrows move in the grid and make the button they reach current, Space or a click
makes it current, Enter or a double click chooses it. Only the shown day's buttons exist.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from widgets.calendar_text import NBSP, clock_time
from widgets.slot_offer import DayPart, SlotChoice

_MOVES = {Qt.Key.Key_Left: (0, -1), Qt.Key.Key_Right: (0, 1),
          Qt.Key.Key_Up: (-1, 0), Qt.Key.Key_Down: (1, 0)}


def choice_text(choice: SlotChoice) -> str:
    """What a screen reader says of a button: « 09:30, Camille D., Agence de Grenoble »,
    then who else is free then."""
    parts = [clock_time(choice.local_start), choice.slot.column_label, choice.slot.place]
    text = ", ".join(part for part in parts if part)
    others = [slot.column_label for slot in choice.slots[1:]]
    if others:
        text += f" (libres aussi{NBSP}: {', '.join(others)})"
    return text


class SlotGrid(QWidget):
    """``current_changed(choice | None)`` when the current button changes, ``chosen(choice)``
    on Enter or a double click; ``tab_stop_changed()`` when another button becomes the one
    Tab reaches (the picker puts it back in its tab order)."""

    current_changed = Signal(object)
    chosen = Signal(object)
    tab_stop_changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._choices: dict[QPushButton, SlotChoice] = {}
        self._groups: list[tuple[QGridLayout, list[QPushButton]]] = []
        self._rows: list[list[QPushButton]] = []
        self._columns = 0
        self._current: QPushButton | None = None
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._content: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        # Fusion draws a checked button barely darker: the current time takes the highlight
        self.setStyleSheet("QPushButton:checked { background: palette(highlight); "
                           "color: palette(highlighted-text); border: 1px solid "
                           "palette(highlight); border-radius: 3px; padding: 3px; }"
                           "QPushButton:checked:focus { border: 2px solid palette(text); }")

    # -- content ------------------------------------------------------------------------------
    def show_choices(self, choices: Sequence[SlotChoice], parts: Sequence[DayPart], *,
                     message: str = "") -> None:
        """Buttons for ``choices`` under a heading per part in ``parts`` (« Aucun créneau. »
        under a part offering nothing), and under each place when there are several;
        ``message`` above them."""
        self._clear()
        content = QWidget(self)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        if message:
            note = QLabel(message, content)
            note.setWordWrap(True)
            layout.addWidget(note)
        several_places = len({choice.place for choice in choices}) > 1
        for part in parts:
            heading = QLabel(part.value, content)
            font = heading.font()
            font.setBold(True)
            heading.setFont(font)
            layout.addWidget(heading)
            in_part = [choice for choice in choices if choice.part is part]
            if not in_part:
                layout.addWidget(QLabel("Aucun créneau.", content))
            places = dict.fromkeys(choice.place for choice in in_part)
            for place in places:
                if several_places:
                    layout.addWidget(QLabel(place, content))
                layout.addLayout(self._button_group(
                    content, [choice for choice in in_part if choice.place == place]))
        layout.addStretch(1)
        self._layout.addWidget(content)
        self._content = content
        self._place_buttons(force=True)
        self._set_tab_stop(self.buttons()[0] if self._choices else None)

    def _button_group(self, parent: QWidget, choices: list[SlotChoice]) -> QGridLayout:
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 6)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(6)
        buttons = []
        width = self.fontMetrics().horizontalAdvance("00:00") + 4 * self.fontMetrics().height()
        for choice in choices:
            button = QPushButton(clock_time(choice.local_start), parent)
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setMinimumWidth(width)
            button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
            button.setAccessibleName(choice_text(choice))
            button.setToolTip(choice_text(choice))
            button.installEventFilter(self)
            button.clicked.connect(lambda _checked, button=button: self._make_current(button))
            self._group.addButton(button)
            self._choices[button] = choice
            buttons.append(button)
        self._groups.append((grid, buttons))
        return grid

    def _clear(self) -> None:
        if self._content is not None:
            self._content.hide()
            self._content.deleteLater()
        for button in self._choices:
            self._group.removeButton(button)
        self._content, self._choices, self._groups, self._rows = None, {}, [], []
        self._current = None

    def buttons(self) -> list[QPushButton]:
        """The buttons in reading order."""
        return list(self._choices)

    def choices(self) -> list[SlotChoice]:
        return list(self._choices.values())

    # -- flow: as many buttons a row as the width holds -----------------------------------------
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_buttons()

    def _place_buttons(self, force: bool = False) -> None:
        if not self._choices:
            return
        first = next(iter(self._choices))
        cell = max(first.minimumWidth(), first.sizeHint().width()) + 6
        columns = max(1, int(self.width() // cell))
        if columns == self._columns and not force:
            return
        self._columns = columns
        self._rows = []
        for grid, buttons in self._groups:
            for index, button in enumerate(buttons):
                row, column = divmod(index, columns)
                grid.addWidget(button, row, column)
                if column == 0:
                    self._rows.append([])
                self._rows[-1].append(button)
            grid.setColumnStretch(columns, 1)

    # -- current and chosen -------------------------------------------------------------------
    def current(self) -> SlotChoice | None:
        return None if self._current is None else self._choices[self._current]

    def set_current(self, choice: SlotChoice | None, *, focus: bool = False) -> bool:
        """Make the button of ``choice`` current (None: none); False when it is not shown."""
        button = next((b for b, c in self._choices.items() if c == choice), None)
        if choice is not None and button is None:
            return False
        if button is None:
            if self._current is not None:
                self._group.setExclusive(False)
                self._current.setChecked(False)
                self._group.setExclusive(True)
                self._current.setText(clock_time(self._choices[self._current].local_start))
                self._current = None
                self.current_changed.emit(None)
            return True
        self._make_current(button)
        if focus:
            button.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def focus_current(self) -> bool:
        """Give the keyboard focus to the button Tab reaches; False when there is none."""
        stop = self.tab_stop()
        if stop is not None:
            stop.setFocus(Qt.FocusReason.TabFocusReason)
        return stop is not None

    def tab_stop(self) -> QPushButton | None:
        return next((b for b in self._choices
                     if b.focusPolicy() == Qt.FocusPolicy.StrongFocus), None)

    def _make_current(self, button: QPushButton) -> None:
        changed = button is not self._current
        if self._current is not None:
            self._current.setText(clock_time(self._choices[self._current].local_start))
        self._current = button
        button.setChecked(True)
        # not by its colour alone (WCAG 1.4.1): a mark as well
        button.setText(f"✓ {clock_time(self._choices[button].local_start)}")
        self._set_tab_stop(button)
        if changed:
            self.current_changed.emit(self._choices[button])

    def _set_tab_stop(self, button: QPushButton | None) -> None:
        for other in self._choices:
            other.setFocusPolicy(Qt.FocusPolicy.StrongFocus if other is button
                                 else Qt.FocusPolicy.ClickFocus)
        self.tab_stop_changed.emit()

    # -- keyboard and double click ------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched not in self._choices:
            return False
        if event.type() == QEvent.Type.MouseButtonDblClick:
            self._make_current(watched)
            self.chosen.emit(self._choices[watched])
            return True
        if event.type() == QEvent.Type.KeyPress:
            return self._key(watched, event)
        return False

    def _key(self, button: QPushButton, event: QKeyEvent) -> bool:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._make_current(button)
            self.chosen.emit(self._choices[button])
            return True
        target = self._target(button, key)
        if target is None:
            return key in _MOVES  # an arrow at the edge stays put
        self._make_current(target)
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _target(self, button: QPushButton, key: int) -> QPushButton | None:
        """The button an arrow, Home or End leads to from ``button``."""
        order = self.buttons()
        if key == Qt.Key.Key_Home:
            return order[0]
        if key == Qt.Key.Key_End:
            return order[-1]
        if key not in _MOVES:
            return None
        rows, columns = _MOVES[key]
        if columns:
            index = order.index(button) + columns
            return order[index] if 0 <= index < len(order) else None
        row = next(number for number, entries in enumerate(self._rows) if button in entries)
        if not 0 <= row + rows < len(self._rows):
            return None
        column = self._rows[row].index(button)
        target_row = self._rows[row + rows]
        return target_row[min(column, len(target_row) - 1)]
