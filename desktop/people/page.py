"""The people registry page: search as you type, the result list, and the person record."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.org.access import Permission
from desktop import operations as ops
from desktop.context import AppContext
from desktop.list_export import ExportButton
from desktop.people.search import PeopleSearch, count_line
from widgets.heading import Heading
from widgets.id_list_model import enter_list, read_only_rows, size_columns
from widgets.search_field import SearchField

if TYPE_CHECKING:  # the record and its service load on first use, not with the first screen
    from db.people.records import PersonRecord
    from desktop.people.dialog import PersonDialog

HINT = (
    "Tapez le début d'un nom (« lef élo » : plusieurs mots précisent), "
    "un NIR avec ou sans espaces (« 1 84 12 ») ou un numéro de téléphone "
    "(« 06 12 », « +33 6 12 »).\n\n"
    "Entrée ou double-clic ouvre la fiche ; Ctrl+N crée une personne."
)
# A typical long value of each column but the last (which stretches): sets its width.
_COLUMN_SAMPLES = ("LEFÈVRE-DUPONTEL", "Marie-Christine", "Professionnel de santé",
                   "1 84 12 ** *** *** 46", "00/00/0000", "06 12 34 56 78")


class PeoplePage(QWidget):
    """The Personnes area of the main window."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._dialog: PersonDialog | None = None
        self._select_after_search: uuid.UUID | None = None
        self.search = PeopleSearch(ctx, self)
        self._build()
        self.search.listed.connect(self._show_list)
        self.search.searched.connect(self._show_results)
        self.search.refused.connect(lambda _text, why: (self._show_list(""),
                                                        self.count.setText(why)))
        ctx.changes.connect(self._on_changes)

    def _build(self) -> None:
        self.search_field = SearchField(self)
        self.search_field.setPlaceholderText("Nom, NIR ou téléphone (Ctrl+F)")
        self.search_field.setAccessibleName("Rechercher une personne")
        self.search_field.search_requested.connect(self.search.search)
        self.search_field.accepted.connect(lambda: enter_list(self.table))
        self.search_field.down_requested.connect(lambda: enter_list(self.table))
        self.new_button = QPushButton("&Nouvelle personne", self)
        self.new_button.setToolTip("Créer une personne (Ctrl+N)")
        self.new_button.clicked.connect(self.new_person)
        self.new_button.setVisible(self._ctx.actor.can(Permission.EDIT_PEOPLE))

        self.count = QLabel(self)
        self.count.setAccessibleName("Nombre de résultats")

        self.table = QTableView(self)
        self.table.setModel(self.search.model)
        self.table.setAccessibleName("Résultats de la recherche")
        read_only_rows(self.table)
        size_columns(self.table, _COLUMN_SAMPLES)
        self.table.activated.connect(self.open_person)

        self.hint = QLabel(HINT, self)
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.hint.setAccessibleName("Aide à la recherche")
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.hint)
        self.stack.addWidget(self.table)

        self.export_button = ExportButton(self._ctx, self._list_shown,
                                          lambda: "personnes", self)
        bar = QHBoxLayout()
        bar.addWidget(Heading("Personnes", self))  # every page says where one is
        bar.addWidget(self.search_field, 1)
        bar.addWidget(self.new_button)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.count)
        layout.addWidget(self.stack, 1)
        self.setTabOrder(self.search_field, self.new_button)
        self.setTabOrder(self.new_button, self.export_button)
        self.setTabOrder(self.export_button, self.table)

    def _list_shown(self):
        """The search's result as listed, for « Exporter… »."""
        from desktop.documents.lists import people_ids_sheet

        ids, text = self.search.model.keys(), self.search.text
        title = f"Personnes — {text}" if text else "Personnes"
        return lambda unit: people_ids_sheet(unit, ids, title)

    # -- what the main window calls ----------------------------------------------------------
    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def new_person(self) -> None:
        """Open an empty record to create a person."""
        if self._ctx.actor.can(Permission.EDIT_PEOPLE):
            self._show_dialog(None)

    # -- results ---------------------------------------------------------------------------
    def _show_list(self, text: str) -> None:
        self.stack.setCurrentWidget(self.table if text else self.hint)

    def _show_results(self, text: str, count: int) -> None:
        self.count.setText(count_line(count) if text else "")
        if self._select_after_search is not None:
            row = self.search.model.row_of(self._select_after_search)
            self._select_after_search = None
            if row is not None:
                self.table.selectRow(row)
                self.table.scrollTo(self.search.model.index(row, 0))

    def _on_changes(self, kinds: set) -> None:
        if "person" in kinds:
            self.search_field.search_again()

    # -- the record ------------------------------------------------------------------------
    def open_person(self, index: QModelIndex) -> None:
        person_id = self.search.model.key_at(index)
        if person_id is None:
            return

        def work(unit) -> PersonRecord:
            from db.people import records as people_records

            return people_records.get_person(unit, person_id)

        ops.query(self._ctx, work).on_success(self._show_dialog).run()

    def _show_dialog(self, record: PersonRecord | None) -> None:
        from desktop.people.dialog import PersonDialog

        if self._dialog is not None:
            self._dialog.close()
        self._dialog = PersonDialog(self._ctx, record, self)
        self._dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._dialog.saved.connect(self._saved)
        self._dialog.finished.connect(lambda _result, shown=self._dialog: self._forget(shown))
        self._dialog.open()

    def _forget(self, dialog: PersonDialog) -> None:
        if self._dialog is dialog:
            self._dialog = None

    def _saved(self, person_id: uuid.UUID) -> None:
        self._select_after_search = person_id

    @property
    def dialog(self) -> PersonDialog | None:
        """The record currently open, if any."""
        return self._dialog
