"""The « Médiation » section of a person's record, for the mediation team: the person's
cases (reference, state, motive, next deadline), each opened in the Médiation area."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from db.mediation import reading as mediation_reading
from db.mediation.records import CaseRow
from db.mediation.wording import next_due_text
from db.wording import day
from desktop import operations as ops
from desktop.context import AppContext
from widgets.id_list_model import lay_out_list_section

COLUMNS = ("Référence", "État", "Motif", "Reçue le", "Prochaine échéance")
# What a change to these tables may alter in the list.
CHANGES = {"mediation_case", "mediation_event"}


class PersonCases(QWidget):
    def __init__(self, ctx: AppContext, person_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx, self._person_id = ctx, person_id
        self.cases: list[CaseRow] = []
        self.count = QLabel("Chargement…", self)
        self.open_button = QPushButton("Ouvrir le &dossier", self)
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_current)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Dossiers de médiation de la personne")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # the motive elides
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.itemActivated.connect(lambda _item: self.open_current())
        self.table.currentCellChanged.connect(
            lambda row, *_: self.open_button.setEnabled(row >= 0))
        lay_out_list_section(self, self.count, self.open_button, self.table)
        ctx.changes.connect(lambda kinds: bool(kinds & CHANGES) and self.load())
        self.load()

    def load(self) -> None:
        person_id = self._person_id
        ops.query(self._ctx, lambda unit: mediation_reading.person_cases(unit, person_id)) \
            .on_success(self._show).owned_by(self).run()

    def _show(self, cases: list[CaseRow]) -> None:
        self.cases = cases
        self.table.setRowCount(len(cases))
        for row, case in enumerate(cases):
            state = case.status_label + (" · urgent" if case.urgent else "")
            for column, text in enumerate((case.reference, state, case.motive_label,
                                           day(case.received_on),
                                           next_due_text(case.next_due) or "—")):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        rows = min(max(len(cases), 1), 6)
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height()
                                  + rows * self.table.verticalHeader().defaultSectionSize()
                                  + 2 * self.table.frameWidth())
        self.table.setVisible(bool(cases))
        self.open_button.setVisible(bool(cases))
        if cases:
            self.table.setCurrentCell(0, 0)
        self.count.setText(
            "Aucun dossier de médiation." if not cases else
            f"{len(cases)} dossier{'s' if len(cases) > 1 else ''} de médiation, "
            "les dossiers ouverts en premier.")

    def open_current(self) -> None:
        """Open the chosen case in the Médiation area; the record closes first (asking
        about its changes), as it stands in front of the main window."""
        row = self.table.currentRow()
        if not 0 <= row < len(self.cases):
            return
        case_id, ctx = self.cases[row].id, self._ctx
        if self.window() is not self and not self.window().close():
            return  # the user went back to typing in the record
        ctx.open_requested.emit("mediation", case_id)
