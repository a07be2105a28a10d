"""The case list: filters, full-text search as you type, and lines fetched by block."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from itertools import pairwise

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.mediation import reading as mediation_reading
from db.mediation.deadlines import OPEN_STATUSES
from db.mediation.labels import STATUS_LABELS
from db.mediation.records import CaseFilter, CaseRow
from db.mediation.setup import MotiveRecord
from db.mediation.wording import alert_text, next_due_text
from db.wording import day, thousands
from desktop import operations as ops
from desktop.context import AppContext
from desktop.list_export import ExportButton
from widgets.choice_box import ChoiceBox
from widgets.colours import error_color
from widgets.id_list_model import IdListModel, enter_list, read_only_rows, size_columns
from widgets.search_field import SearchField

COLUMNS = ("Référence", "Alerte", "Reçue le", "Demandeur", "Motif", "État", "Médiateur",
           "Âge (j)", "Prochaine échéance")
ALERT_COLUMN, AGE_COLUMN = 1, 7
# The requester, the motive, the state and the mediator share what the others leave (a
# wider window shows them whole); a typical long value of each other column sets its width.
# Sized for a 1280-pixel laptop with the sidebar open: the alert and the next deadline stay
# whole (« 16/11/2026 (accusé de réception) »), a vertical bar included, without a sideways
# one; there, longer names, motives and states elide, whole in their tooltip and the case.
_SHARING = (3, 4, 5, 6)
_COLUMN_SAMPLES = ("MED-2026-00000", "⚠ Délai CRA · Urgent", "00/00/0000", "", "", "", "",
                   "Âge (j)", "00/00/0000 (accusé de réception)")
_BOLD_COLUMNS = (0, ALERT_COLUMN)  # overdue and urgent cases
_ROOM = 16  # pixels around a cell's text: its margins and the header's


def alert_detail(row: CaseRow) -> str | None:
    """What is late, in full: the tooltip of the alert."""
    parts = ["En retard : " + ", ".join(row.overdue)] if row.overdue else []
    if row.urgent:
        parts.append("Urgent")
    return " ; ".join(parts) or None


def case_cell(row: CaseRow, column: int) -> str:
    match column:
        case 0:
            return row.reference
        case 1:
            return alert_text(row)
        case 2:
            return day(row.received_on)
        case 3:
            return row.person_name
        case 4:
            return row.motive_label
        case 5:
            return row.status_label
        case 6:
            return row.mediator_name or "non attribué"
        case 7:
            return str(row.age_days)
        case _:
            return next_due_text(row.next_due)


def case_style(row: CaseRow, column: int, role: int):
    """Overdue in the error colour and bold; urgent bold; ages aligned right; a cell's
    whole text in its tooltip (a name or a motive may elide), what is late for the alert."""
    if role == Qt.ItemDataRole.TextAlignmentRole and column == AGE_COLUMN:
        return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if role == Qt.ItemDataRole.ToolTipRole and column != ALERT_COLUMN:
        return case_cell(row, column) or None
    if column not in _BOLD_COLUMNS:
        return None
    if role == Qt.ItemDataRole.ForegroundRole and row.overdue:
        return error_color(QGuiApplication.palette())
    if role == Qt.ItemDataRole.FontRole and (row.overdue or row.urgent):
        font = QFont()
        font.setBold(True)
        return font
    if role == Qt.ItemDataRole.ToolTipRole and column == ALERT_COLUMN:
        return alert_detail(row)
    return None


def count_line(shown: int, total: int) -> str:
    if total == 0:
        return "Aucun dossier ne correspond à ces critères."
    if total > shown:
        return (f"{thousands(total)} dossiers : les {thousands(shown)} premiers sont "
                "affichés, précisez les filtres ou la recherche.")
    return f"{thousands(total)} dossier{'s' if total > 1 else ''}"


@dataclass(frozen=True)
class Answer:
    filters: CaseFilter
    ids: list[uuid.UUID]
    total: int


class CaseSearch(QObject):
    """Runs the list's searches on the worker thread and feeds the model; the latest wins.

    Rows of the visible block are fetched on the GUI thread, as the people list does (see
    ``desktop.people.search``): a block of 64 lines by primary key takes about a millisecond.
    """

    searched = Signal(object)  # Answer
    failed = Signal(object)  # the error: a refusal is shown in place of the list

    def __init__(self, ctx: AppContext, parent: QObject | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._latest = 0
        self.filters = CaseFilter(statuses=OPEN_STATUSES)
        self.model = IdListModel(COLUMNS, self._fetch_rows, lambda row: row.id, case_cell,
                                 parent=self, role_data=case_style)

    def search(self, filters: CaseFilter) -> None:
        self._latest += 1
        ticket = self._latest
        self.filters = filters

        def work(unit) -> Answer | None:
            if ticket != self._latest:  # overtaken while it waited in the queue
                return None
            ids = mediation_reading.search_cases(unit, filters)
            total = (len(ids) if len(ids) < mediation_reading.SEARCH_LIMIT
                     else mediation_reading.count_cases(unit, filters))
            return Answer(filters, ids, total)

        def show(answer: Answer | None) -> None:
            if answer is not None and ticket == self._latest:
                self.model.set_keys(answer.ids)
                self.searched.emit(answer)

        ops.query(self._ctx, work).on_success(show).on_failure(self.failed.emit) \
            .owned_by(self).run()

    def _fetch_rows(self, ids: list[uuid.UUID]) -> list[CaseRow]:
        with self._ctx.store.unit(self._ctx.actor) as unit:
            return mediation_reading.case_rows(unit, ids)


class CaseList(QWidget):
    """Filters, search field, count line and the table. ``open_requested(case_id)``."""

    open_requested = Signal(object)
    new_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.search = CaseSearch(ctx, self)
        self._select_after: uuid.UUID | None = None
        self._build()
        self.search.searched.connect(self._show)

    def _build(self) -> None:
        self.search_field = SearchField(self)
        self.search_field.setPlaceholderText("Référence, nom, décision, résumé…")
        self.search_field.setAccessibleName("Rechercher un dossier")
        self.search_field.search_requested.connect(lambda _text: self.apply())
        self.search_field.accepted.connect(self.enter_list)
        self.search_field.down_requested.connect(self.enter_list)
        self.new_button = QPushButton("&Nouvelle saisine", self)
        self.new_button.setToolTip("Enregistrer une nouvelle demande de médiation (Ctrl+N)")
        self.new_button.clicked.connect(self.new_requested)

        self.status = ChoiceBox(self)
        self.status.set_choices([
            (OPEN_STATUSES, "Dossiers ouverts"), (frozenset(), "Tous les états"),
            *((frozenset({status}), label) for status, label in STATUS_LABELS.items())])
        self.motive = ChoiceBox(self)
        self.mediator = ChoiceBox(self)
        self.urgent = QCheckBox("&Urgents", self)
        self.overdue = QCheckBox("En re&tard", self)
        self.set_choices([], [])
        for box, name in ((self.status, "Filtrer par état"), (self.motive, "Filtrer par motif"),
                          (self.mediator, "Filtrer par médiateur")):
            box.setAccessibleName(name)
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            box.currentIndexChanged.connect(lambda _i: self.apply())
        self.urgent.setAccessibleName("Seulement les dossiers urgents")
        self.overdue.setAccessibleName("Seulement les dossiers en retard")
        for box in (self.urgent, self.overdue):
            box.toggled.connect(lambda _on: self.apply())

        self.count = QLabel(self)
        self.count.setAccessibleName("Nombre de dossiers")
        self.table = QTableView(self)
        self.table.setModel(self.search.model)
        self.table.setAccessibleName("Dossiers de médiation")
        read_only_rows(self.table)
        size_columns(self.table, _COLUMN_SAMPLES, bold=_BOLD_COLUMNS, stretch=_SHARING,
                     room=_ROOM)
        self.table.activated.connect(
            lambda index: self.open_requested.emit(self.search.model.key_at(index)))

        search_bar = QHBoxLayout()
        search_bar.addWidget(self.search_field, 1)
        search_bar.addWidget(self.new_button)
        self.export_button = ExportButton(self._ctx, self._list_shown,
                                          lambda: "dossiers-de-mediation", self)
        search_bar.addWidget(self.export_button)
        filters = QHBoxLayout()
        for widget in (self.status, self.motive, self.mediator, self.urgent, self.overdue):
            filters.addWidget(widget)
        filters.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(search_bar)
        layout.addLayout(filters)
        layout.addWidget(self.count)
        layout.addWidget(self.table, 1)
        chain = (self.search_field, self.new_button, self.export_button, self.status,
                 self.motive, self.mediator, self.urgent, self.overdue, self.table)
        for first, second in pairwise(chain):
            self.setTabOrder(first, second)

    def _list_shown(self):
        """The cases listed, for « Exporter… »."""
        from desktop.documents.lists import case_ids_sheet

        ids = self.search.model.keys()
        return lambda unit: case_ids_sheet(unit, ids)

    def set_choices(self, motives: list[MotiveRecord], team: list[tuple[uuid.UUID, str]]):
        """Fill the motive and mediator filters, keeping what was chosen."""
        self.motive.set_choices([(m.id, m.label) for m in motives], empty="Tous les motifs")
        self.mediator.set_choices(team, empty="Tous les médiateurs")

    def filters(self) -> CaseFilter:
        return CaseFilter(text=self.search_field.text().strip(), statuses=self.status.value(),
                          motive_id=self.motive.value(), mediator_id=self.mediator.value(),
                          urgent_only=self.urgent.isChecked(),
                          overdue_only=self.overdue.isChecked())

    def apply(self) -> None:
        self.search.search(self.filters())

    def refresh(self, select: uuid.UUID | None = None) -> None:
        """Search again with the same filters (the cases changed); keep the selection."""
        self._select_after = select or self.search.model.key_at(self.table.currentIndex())
        self.apply()

    def enter_list(self) -> None:
        enter_list(self.table)

    def _show(self, answer: Answer) -> None:
        self.count.setText(count_line(len(answer.ids), answer.total))
        if self._select_after is not None:
            row = self.search.model.row_of(self._select_after)
            self._select_after = None
            if row is not None:
                self.table.selectRow(row)
                self.table.scrollTo(self.search.model.index(row, 0))
