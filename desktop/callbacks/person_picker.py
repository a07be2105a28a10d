"""Pick a person from the registry while filling a form: the people search, in small."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.services.people import PersonRow
from desktop.context import AppContext
from desktop.people.search import PeopleSearch
from widgets.id_list_model import fix_row_height
from widgets.search_field import SearchField

_VISIBLE_ROWS = 5
_NAME, _FIRST_NAME, _PHONE = 0, 1, 5  # the columns of the people list shown here


class PersonPicker(QWidget):
    """Type, then Down and Enter (or a double click) to choose; « Changer » to choose again.

    ``chosen(row)`` carries the PersonRow picked, or None when the choice is withdrawn.
    """

    chosen = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.search = PeopleSearch(ctx, self)
        self.person: PersonRow | None = None

        self.field = SearchField(self)
        self.field.setPlaceholderText("Nom, NIR ou téléphone (facultatif)")
        self.field.setToolTip("Laisser vide si la personne n'est pas dans le fichier : "
                              "son nom et son numéro suffisent.")
        self.field.setAccessibleName("Rechercher la personne dans le fichier")
        self.field.search_requested.connect(self.search.search)
        self.field.accepted.connect(self._enter_list)
        self.field.down_requested.connect(self._enter_list)

        self.table = QTableView(self)
        self.table.setModel(self.search.model)
        self.table.setAccessibleName("Personnes trouvées")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        fix_row_height(self.table)
        for column in range(self.search.model.columnCount()):
            self.table.setColumnHidden(column, column not in (_NAME, _FIRST_NAME, _PHONE))
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setFixedHeight(self.table.verticalHeader().defaultSectionSize()
                                  * _VISIBLE_ROWS + self.table.horizontalHeader().sizeHint()
                                  .height() + 4)
        self.table.doubleClicked.connect(self._choose)
        # Enter chooses here and goes no further: in a dialog it would also press a button.
        self.table.installEventFilter(self)
        self.table.hide()
        self.search.searched.connect(lambda text, _count: self.table.setVisible(bool(text)))

        self.summary = QLabel(self)
        self.summary.setAccessibleName("Personne choisie")
        self.change = QPushButton("C&hanger", self)
        self.change.setToolTip("Choisir une autre personne, ou aucune")
        self.change.clicked.connect(self.clear)
        chosen_row = QHBoxLayout()
        chosen_row.setContentsMargins(0, 0, 0, 0)
        chosen_row.addWidget(self.summary, 1)
        chosen_row.addWidget(self.change)
        self.chosen_box = QWidget(self)
        self.chosen_box.setLayout(chosen_row)
        self.chosen_box.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field)
        layout.addWidget(self.table)
        layout.addWidget(self.chosen_box)
        self.setFocusProxy(self.field)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.table and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self._choose(self.table.currentIndex())
            return True
        return super().eventFilter(watched, event)

    def person_id(self) -> uuid.UUID | None:
        return self.person.id if self.person else None

    def clear(self) -> None:
        self.person = None
        self.chosen_box.hide()
        self.field.show()
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)
        self.chosen.emit(None)

    def _enter_list(self) -> None:
        if self.search.model.rowCount() == 0:
            return
        if not self.table.currentIndex().isValid():
            self.table.selectRow(0)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _choose(self, index: QModelIndex) -> None:
        person_id = self.search.model.key_at(index)
        if person_id is None:
            return
        self.person = self.search.model.row_at(index)
        phone = f" — {self.person.phone}" if self.person.phone else " — pas de téléphone"
        self.summary.setText(f"{self.person.name} {self.person.first_name}{phone}")
        self.field.hide()
        self.table.hide()
        self.chosen_box.show()
        self.change.setFocus(Qt.FocusReason.OtherFocusReason)
        self.chosen.emit(self.person)
