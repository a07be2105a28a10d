"""Choosing a person by searching as you type, with the people registry's own search."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QTableView, QVBoxLayout, QWidget

from desktop.context import AppContext
from desktop.people.search import PeopleSearch
from widgets.id_list_model import fix_row_height
from widgets.search_field import SearchField

# Name, first name, type, NIR (masked), born, phone: the NIR column is not shown here.
_HIDDEN_COLUMNS = (3,)


class _Results(QTableView):
    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter chooses the person; it must not also press the dialog's default button.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                self.currentIndex().isValid():
            self.activated.emit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)


class PersonPicker(QWidget):
    """A search line and its results; Enter or a double-click on a result emits
    ``chosen(person_id)``; Down arrow from the line enters the results."""

    chosen = Signal(uuid.UUID)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.search = PeopleSearch(ctx, self)
        self.field = SearchField(self)
        self.field.setPlaceholderText("Nom, NIR ou téléphone")
        self.field.setAccessibleName("Rechercher la personne")
        self.results = _Results(self)
        self.results.setModel(self.search.model)
        self.results.setAccessibleName("Personnes trouvées")
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setTabKeyNavigation(False)
        self.results.horizontalHeader().setStretchLastSection(True)
        for column in _HIDDEN_COLUMNS:
            self.results.hideColumn(column)
        fix_row_height(self.results)
        self.results.setMinimumHeight(self.results.verticalHeader().defaultSectionSize() * 5)
        self.field.search_requested.connect(self.search.search)
        self.field.accepted.connect(self._enter_results)
        self.field.down_requested.connect(self._enter_results)
        self.results.activated.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field)
        layout.addWidget(self.results)

    def _enter_results(self) -> None:
        if self.search.model.rowCount() == 0:
            return
        if not self.results.currentIndex().isValid():
            self.results.selectRow(0)
        self.results.setFocus(Qt.FocusReason.OtherFocusReason)

    def _activated(self, index) -> None:
        person_id = self.search.model.key_at(index)
        if person_id is not None:
            self.chosen.emit(person_id)
