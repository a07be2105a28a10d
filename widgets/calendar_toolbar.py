"""The bar above a calendar: previous / « Aujourd'hui » / next, the period in French, and the
day / week / month switch.

It drives any view with the few methods of ``PeriodView`` (``CalendarView`` has them), so it
does not import the view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QToolButton, QWidget

from widgets.calendar_model import CalendarMode


class PeriodView(Protocol):
    period_changed: SignalInstance

    def previous_period(self) -> None: ...
    def next_period(self) -> None: ...
    def go_today(self) -> None: ...
    def mode(self) -> CalendarMode: ...
    def set_mode(self, mode: CalendarMode) -> None: ...
    def period_label(self) -> str: ...


class CalendarToolbar(QWidget):
    """Previous / « Aujourd'hui » / next, the period in French, and the mode switch.

    ``modes`` lists the modes offered (day and week by default; add ``CalendarMode.MONTH``
    for the month button)."""

    def __init__(self, view: PeriodView, parent: QWidget | None = None, *,
                 modes: tuple[CalendarMode, ...] = (CalendarMode.DAY, CalendarMode.WEEK)):
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
        self.month_button = self._button("Mois", "Afficher le mois", checkable=True)
        self._mode_buttons = {CalendarMode.DAY: self.day_button,
                              CalendarMode.WEEK: self.week_button,
                              CalendarMode.MONTH: self.month_button}
        group = QButtonGroup(self)
        group.setExclusive(True)
        for mode, button in self._mode_buttons.items():
            group.addButton(button)
            button.setVisible(mode in modes)
            button.clicked.connect(lambda _checked, mode=mode: view.set_mode(mode))

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.previous_button, self.today_button, self.next_button):
            layout.addWidget(widget)
        layout.addSpacing(8)
        layout.addWidget(self.label, 1)
        for button in self._mode_buttons.values():
            layout.addWidget(button)
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
        self._mode_buttons[self._view.mode()].setChecked(True)
