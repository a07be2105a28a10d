"""Choosing a person from the registry while filling a form: the people search, in small.

One picker for every form that needs a person (a booking, a workshop registration, a
call-back, a mediation request).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.people.search import PersonRow
from desktop.context import AppContext
from desktop.people.search import COLUMNS, PeopleSearch
from widgets.id_list_model import enter_list, read_only_rows
from widgets.search_field import SearchField

_VISIBLE_ROWS = 5
NAME, FIRST_NAME, KIND, NIR, BORN, PHONE, CITY = range(len(COLUMNS))  # its columns
ALL_BUT_NIR = (NAME, FIRST_NAME, KIND, BORN, PHONE, CITY)


def name_and_phone(person: PersonRow | None) -> str:
    """« DUPONT Marie — 06 12 34 56 78 »."""
    if person is None:
        return ""
    phone = f" — {person.phone}" if person.phone else " — pas de téléphone"
    return f"{person.name} {person.first_name}{phone}"


class PersonPicker(QWidget):
    """A search line and its results: type, then Down or Enter to go into the results.

    ``chosen(row)`` carries the PersonRow picked, or None when the choice is withdrawn;
    ``person`` and ``person_id`` are the current choice. Enter on a result chooses it and goes
    no further (in a dialog it would also press the default button).

    - By default Enter or a double click chooses; with ``show_choice`` the line and the list
      then give way to the person (``describe(row)``) and « Changer » to choose again;
      without it the caller shows the person.
    - With ``choose_on_move`` the current result is the choice as the arrows move, described
      below the list, which stays.
    ``columns`` are the people list's columns to show.
    """

    chosen = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *,
                 columns: Iterable[int] = ALL_BUT_NIR, show_choice: bool = False,
                 choose_on_move: bool = False,
                 describe: Callable[[PersonRow | None], str] = name_and_phone):
        super().__init__(parent)
        self.search = PeopleSearch(ctx, self)
        self.person: PersonRow | None = None
        self._show_choice, self._choose_on_move = show_choice, choose_on_move
        self._describe = describe

        self.field = SearchField(self)
        self.field.setPlaceholderText("Nom, NIR ou téléphone")
        self.field.setAccessibleName("Rechercher la personne")
        self.field.search_requested.connect(self.search.search)
        self.field.accepted.connect(lambda: enter_list(self.table))
        self.field.down_requested.connect(lambda: enter_list(self.table))

        self.table = QTableView(self)
        self.table.setModel(self.search.model)
        self.table.setAccessibleName("Personnes trouvées")
        read_only_rows(self.table, alternating=False)
        shown = set(columns)
        for column in range(self.search.model.columnCount()):
            self.table.setColumnHidden(column, column not in shown)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setFixedHeight(self.table.verticalHeader().defaultSectionSize()
                                  * _VISIBLE_ROWS + self.table.horizontalHeader().sizeHint()
                                  .height() + 4)
        if choose_on_move:
            self.table.selectionModel().currentChanged.connect(
                lambda current, _previous: self._choose(current))
        else:
            self.table.doubleClicked.connect(self._choose)
        # Enter chooses here and goes no further: in a dialog it would also press a button.
        self.table.installEventFilter(self)
        self.table.hide()
        self.search.listed.connect(lambda text: self.table.setVisible(bool(text)))

        self.summary = QLabel(self)
        self.summary.setAccessibleName("Personne choisie")
        self.change = QPushButton("C&hanger", self)
        self.change.setToolTip("Choisir une autre personne, ou aucune")
        self.change.clicked.connect(self.clear)
        self.change.setVisible(not choose_on_move)
        chosen_row = QHBoxLayout()
        chosen_row.setContentsMargins(0, 0, 0, 0)
        chosen_row.addWidget(self.summary, 1)
        chosen_row.addWidget(self.change)
        self.chosen_box = QWidget(self)
        self.chosen_box.setLayout(chosen_row)
        self.chosen_box.setVisible(choose_on_move)
        self.summary.setText(describe(None))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field)
        layout.addWidget(self.table)
        layout.addWidget(self.chosen_box)
        self.setFocusProxy(self.field)  # errors focus the picker: the search gets the keys

    @property
    def person_id(self) -> uuid.UUID | None:
        return self.person.id if self.person else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.table and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            if not self._choose_on_move:
                self._choose(self.table.currentIndex())
            return True
        return super().eventFilter(watched, event)

    def clear(self) -> None:
        """Withdraw the choice and search again."""
        self.person = None
        self.summary.setText(self._describe(None))
        self.chosen_box.setVisible(self._choose_on_move)
        self.field.show()
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)
        self.chosen.emit(None)

    def _choose(self, index: QModelIndex) -> None:
        person = self.search.model.row_at(index) if self.search.model.key_at(index) else None
        if person is None:
            return
        self.person = person
        self.summary.setText(self._describe(self.person))
        if self._show_choice:
            self.field.hide()
            self.table.hide()
            self.chosen_box.show()
            self.change.setFocus(Qt.FocusReason.OtherFocusReason)
        self.chosen.emit(self.person)
