"""One pathway's worklist for one month: status chips with their counts, mine / unassigned /
all, the lazy list, and (for managers) giving lines to an adviser."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.agenda import views
from db.pathways import worklists
from db.pathways.labels import STATUS_LABELS
from db.pathways.models import PathwayStatus
from db.pathways.worklists import WorklistRow
from db.roles import Role
from db.wording import day
from desktop import operations as ops
from desktop.context import AppContext
from desktop.list_export import ExportButton
from desktop.pathways.common import moment
from widgets.chip_bar import ChipBar
from widgets.choice_box import ChoiceBox
from widgets.id_list_model import IdListModel, read_only_rows, size_columns

COLUMNS = ("Nom", "Prénom", "NIR", "Naissance", "Téléphone", "Entrée", "État", "Tentatives",
           "Dernière tentative", "Conseiller")
# A typical long value of each column but the last (which stretches): sets its width.
_COLUMN_SAMPLES = ("LEFÈVRE-DUPONT", "Marie-Claude", "1 84 12 ** *** *** 46", "00/00/0000",
                   "06 00 00 00 00", "00/00/0000", "Non concerné", "Tentatives",
                   "00/00/0000 00:00")
ALL = "all"
CONTACTS_TO_CHECK = "contacts"  # the chip of lines imported without a valid phone or e-mail
MINE, UNASSIGNED, EVERYONE = "mine", "unassigned", "everyone"
SCOPES = ((MINE, "Mes lignes"), (UNASSIGNED, "Non attribuées"), (EVERYONE, "Toutes les lignes"))


def worklist_cell(row: WorklistRow, column: int) -> str:
    match column:
        case 0:
            return row.name
        case 1:
            return row.first_name
        case 2:
            return row.masked_nir
        case 3:
            return day(row.birth_date)
        case 4:
            if row.contacts_to_check:
                return f"{row.phone} · ⚠ à vérifier" if row.phone else "⚠ à vérifier"
            return row.phone
        case 5:
            return day(row.entry_date)
        case 6:
            return row.status_label
        case 7:
            return str(row.attempts)
        case 8:
            return moment(row.last_attempt_at)
        case _:
            return row.adviser or "non attribuée"


def chips(counts: dict[PathwayStatus, int], to_check: int = 0) -> list[tuple[object, str]]:
    """« Toutes (120) », each status that has lines in the worklist's order, then
    « Coordonnées à vérifier (3) » when the import left out some phones or e-mails."""
    total = sum(counts.values())
    return [(ALL, f"Toutes ({total})"), *(
        (status, f"{STATUS_LABELS[status]} ({count})")
        for status, count in counts.items() if count),
        *([(CONTACTS_TO_CHECK, f"Coordonnées à vérifier ({to_check})")] if to_check else [])]


@dataclass(frozen=True)
class Query:
    kind_id: uuid.UUID
    month: date
    status: PathwayStatus | None
    scope: str
    contacts_to_check: bool = False


@dataclass(frozen=True)
class Answer:
    query: Query
    ids: list[uuid.UUID]
    counts: dict[PathwayStatus, int]
    to_check: int = 0


class WorklistSearch(QObject):
    """Runs the worklist's searches on the worker thread and feeds the model; the latest wins.

    Rows of the visible block are fetched on the GUI thread, as the other lists do (see
    ``desktop.people.search``): a block of 64 lines by primary key takes about a millisecond.
    """

    searched = Signal(object)  # Answer

    def __init__(self, ctx: AppContext, parent: QObject | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._latest = 0
        self.model = IdListModel(COLUMNS, self._fetch_rows, lambda row: row.id, worklist_cell,
                                 parent=self)

    def search(self, query: Query) -> None:
        self._latest += 1
        ticket, actor = self._latest, self._ctx.actor

        def work(unit) -> Answer | None:
            if ticket != self._latest:  # overtaken while it waited in the queue
                return None
            ids = worklists.search_worklist(
                unit, query.kind_id, query.month, status=query.status,
                adviser_id=actor.id if query.scope == MINE else None,
                unassigned=query.scope == UNASSIGNED,
                contacts_to_check=query.contacts_to_check)
            return Answer(query, ids,
                          worklists.status_counts(unit, query.kind_id, query.month),
                          worklists.contacts_to_check_count(unit, query.kind_id, query.month))

        def show(answer: Answer | None) -> None:
            if answer is not None and ticket == self._latest:
                self.model.set_keys(answer.ids)
                self.searched.emit(answer)

        ops.query(self._ctx, work).on_success(show).owned_by(self).run()

    def _fetch_rows(self, ids: list[uuid.UUID]) -> list[WorklistRow]:
        with self._ctx.store.unit(self._ctx.actor) as unit:
            return worklists.worklist_rows(unit, ids)


class WorklistView(QWidget):
    """Chips, scope, the list and the assignment bar. ``open_requested(entry_id)``."""

    open_requested = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.kind_id: uuid.UUID | None = None
        self.month: date | None = None
        self.search = WorklistSearch(ctx, self)
        self._select_after: uuid.UUID | None = None
        self.manages = ctx.actor.role in (Role.MANAGER, Role.ADMIN)
        self._build()
        self.search.searched.connect(self._show)
        if self.manages:
            self._load_advisers()

    def _build(self) -> None:
        self.chips = ChipBar(self)
        self.chips.set_chips([(ALL, "Toutes")])
        self.chips.chosen.connect(lambda _key: self.apply())
        self.scope = ChoiceBox(self)
        self.scope.set_choices(SCOPES)
        self.scope.set_value(EVERYONE)  # until a manager assigns lines, « mine » is empty
        self.scope.setAccessibleName("Lignes montrées")
        self.scope.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.scope.currentIndexChanged.connect(lambda _i: self.apply())
        scope_label = QLabel("&Voir :", self)
        scope_label.setBuddy(self.scope)
        self.count = QLabel(self)
        self.count.setAccessibleName("Nombre de lignes")

        self.table = QTableView(self)
        self.table.setModel(self.search.model)
        self.table.setAccessibleName("Liste de travail")
        read_only_rows(self.table, selection=QAbstractItemView.SelectionMode.ExtendedSelection
                       if self.manages else QAbstractItemView.SelectionMode.SingleSelection)
        size_columns(self.table, _COLUMN_SAMPLES)
        self.table.activated.connect(
            lambda index: self.open_requested.emit(self.search.model.key_at(index)))
        self.open_button = QPushButton("&Ouvrir la ligne", self)
        self.open_button.setToolTip("Ouvrir la ligne choisie (Entrée dans la liste)")
        self.open_button.clicked.connect(
            lambda: self.open_requested.emit(self.search.model.key_at(self.table.currentIndex())))

        self.adviser = ChoiceBox(self)
        self.adviser.setAccessibleName("Conseiller à qui attribuer")
        self.adviser.set_choices([], empty="Personne (retirer l'attribution)")
        self.assign_button = QPushButton("Attri&buer la sélection", self)
        self.assign_button.clicked.connect(self.assign_selection)
        adviser_label = QLabel("À &qui :", self)
        adviser_label.setBuddy(self.adviser)

        top = QHBoxLayout()
        top.addWidget(scope_label)
        top.addWidget(self.scope)
        top.addWidget(self.count, 1)
        top.addWidget(self.open_button)
        self.export_button = ExportButton(
            self._ctx, self._list_shown,
            lambda: f"parcours-{self.month:%Y-%m}" if self.month else "parcours", self)
        top.addWidget(self.export_button)
        assign = QHBoxLayout()
        assign.addWidget(adviser_label)
        assign.addWidget(self.adviser)
        assign.addWidget(self.assign_button)
        assign.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.chips)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(assign)
        for widget in (adviser_label, self.adviser, self.assign_button):
            widget.setVisible(self.manages)
        for first, second in pairwise((self.scope, self.open_button, self.export_button,
                                       self.table, self.adviser, self.assign_button)):
            self.setTabOrder(first, second)

    def _list_shown(self):
        """The lines listed, for « Exporter… »."""
        from desktop.documents.lists import worklist_ids_sheet

        ids, kind_id, month = self.search.model.keys(), self.kind_id, self.month
        if kind_id is None or month is None:
            return lambda unit: worklist_ids_sheet(unit, [], uuid.UUID(int=0), date.today())
        return lambda unit: worklist_ids_sheet(unit, ids, kind_id, month)

    # -- searching -------------------------------------------------------------------------
    def show_worklist(self, kind_id: uuid.UUID, month: date) -> None:
        if (kind_id, month) != (self.kind_id, self.month):
            self.kind_id, self.month = kind_id, month
            self.chips.set_current(ALL)
        self.apply()

    def query(self) -> Query | None:
        if self.kind_id is None or self.month is None:
            return None
        chosen = self.chips.current_key()
        status = None if chosen in (ALL, CONTACTS_TO_CHECK) else chosen
        return Query(self.kind_id, self.month, status, self.scope.value(),
                     contacts_to_check=chosen == CONTACTS_TO_CHECK)

    def apply(self) -> None:
        query = self.query()
        if query is not None:
            self.search.search(query)

    def refresh(self, select: uuid.UUID | None = None) -> None:
        """Search again (the lines changed); keep the current line selected."""
        self._select_after = select or self.search.model.key_at(self.table.currentIndex())
        self.apply()

    def _show(self, answer: Answer) -> None:
        self.chips.set_chips(chips(answer.counts, answer.to_check))
        shown = len(answer.ids)
        self.count.setText("Aucune ligne ne correspond à ces critères." if not shown else
                           f"{shown} ligne{'s' if shown > 1 else ''}")
        self.open_button.setEnabled(bool(shown))
        row = self.search.model.row_of(self._select_after) if self._select_after else None
        self._select_after = None
        if row is None and shown:
            row = 0
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.search.model.index(row, 0))

    def enter_list(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- assignment (managers) -------------------------------------------------------------
    def _load_advisers(self) -> None:
        ops.query(self._ctx, lambda unit: views.agenda_choices(unit)) \
            .on_success(lambda choices: self.adviser.set_choices(
                [(a.id, a.name) for a in choices.advisers],
                empty="Personne (retirer l'attribution)")).owned_by(self).run()

    def selected_rows(self) -> list[WorklistRow]:
        model = self.search.model
        rows = (model.row_at(index) for index in self.table.selectionModel().selectedRows())
        return [row for row in rows if row is not None]

    def assign_selection(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        versions = {row.id: row.version for row in rows}
        adviser_id = self.adviser.value()
        ops.write(self._ctx, lambda unit: worklists.assign_entries(
            unit, versions, adviser_id)) \
            .on_success(lambda _r: self.refresh()).owned_by(self).run()
