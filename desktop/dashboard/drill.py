"""The list of records behind a figure: the same condition as its count, so as many rows."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.agenda import appointments
from db.agenda.views import DEFAULT_TIME_ZONE
from db.dashboard import drill as dashboard_drill
from db.dashboard.model import Drill, Figure, Source
from db.pathways import worklists
from db.preparation import tasks
from db.wording import day
from desktop import operations as ops
from desktop.agenda.common import AppointmentTable, moment_text
from desktop.context import AppContext
from desktop.documents.monthly_report import figure_text
from desktop.list_export import ExportButton
from widgets.id_list_model import IdListModel, read_only_rows

# For each kind of record: the columns, how to read the rows of some ids, and their cells.
_COLUMNS: dict[Source, tuple[str, ...]] = {
    Source.PREPARATIONS: ("Rendez-vous", "Personne", "Motif", "Conseiller", "Site", "Issue"),
    Source.CALLBACKS: ("Demandée le", "À rappeler avant", "Traitée le", "Personne", "Site",
                       "Issue"),
    Source.PATHWAYS: ("Nom", "Prénom", "NIR", "Entrée le", "État", "Tentatives", "Conseiller"),
    Source.CASES: ("Référence", "Reçue le", "État", "Terminée le", "Issue", "Urgente"),
}


def _cells(source: Source) -> Callable[[object, int], str]:
    def preparation_cell(row, column: int) -> str:
        return (moment_text(row.starts_at, row.time_zone), row.person_name, row.motive_code,
                row.adviser_name, row.site_name, row.state_text)[column]

    def callback_cell(row, column: int) -> str:
        zone = DEFAULT_TIME_ZONE
        return (moment_text(row.requested_at, zone), moment_text(row.due_at, zone),
                moment_text(row.outcome_at, zone) if row.outcome_at else "—", row.name,
                row.site_name, row.outcome_label)[column]

    def pathway_cell(row, column: int) -> str:
        return (row.name, row.first_name, row.masked_nir, day(row.entry_date),
                row.status_label, str(row.attempts), row.adviser)[column]

    def case_cell(row, column: int) -> str:
        return (row.reference, day(row.received_on), row.status_label, day(row.finished_on),
                row.outcome_label or "—", "oui" if row.urgent else "non")[column]

    return {Source.PREPARATIONS: preparation_cell, Source.CALLBACKS: callback_cell,
            Source.PATHWAYS: pathway_cell, Source.CASES: case_cell}[source]


class DrillDialog(QDialog):
    """« Absents — octobre 2026 — Tous les sites » and the list of those records."""

    def __init__(self, ctx: AppContext, figure: Figure, scope: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx, self.figure = ctx, figure
        self.setWindowTitle(f"{figure.label} — {scope}")
        self.heading = QLabel(f"{figure.label} — {scope} : {figure_text(figure)}")
        self.heading.setWordWrap(True)
        self.count = QLabel("Chargement de la liste…")
        self.count.setAccessibleName("Nombre de lignes")
        self.table = self._table(figure.drill.source)
        self.table.setAccessibleName(f"Liste : {figure.label}")
        buttons = QDialogButtonBox(self)
        self.export_button = ExportButton(ctx, self._list_shown, lambda: "liste", self)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton("&Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.count)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        metrics = self.fontMetrics()
        self.resize(metrics.averageCharWidth() * 130, metrics.height() * 30)
        self.load()

    def _list_shown(self):
        """The records listed, for « Exporter… »."""
        from desktop.documents.drill_lists import drill_sheet

        ids, source, title = self.model.keys(), self.figure.drill.source, self.windowTitle()
        return lambda unit: drill_sheet(unit, source, ids, title)

    def _fetch(self, ids: list[uuid.UUID]) -> list:
        # The visible block only, on the GUI thread, as the agenda list does.
        readers = {Source.APPOINTMENTS: appointments.appointment_rows,
                   Source.PREPARATIONS: tasks.task_rows,
                   Source.CALLBACKS: dashboard_drill.callback_lines,
                   Source.PATHWAYS: worklists.worklist_rows,
                   Source.CASES: dashboard_drill.case_lines}
        with self._ctx.store.unit(self._ctx.actor) as unit:
            return readers[self.figure.drill.source](unit, ids)

    def _table(self, source: Source) -> QTableView:
        if source is Source.APPOINTMENTS:
            table = AppointmentTable(self._fetch, lambda row: DEFAULT_TIME_ZONE,
                                     lambda _adviser_id: "", parent=self)
            table.setColumnHidden(table.model_.columnCount() - 1, True)  # no adviser names
            self.model = table.model_
            return table
        table = QTableView(self)
        self.model = IdListModel(_COLUMNS[source], self._fetch, lambda row: row.id,
                                 _cells(source), parent=table)
        table.setModel(self.model)
        read_only_rows(table, selection=QAbstractItemView.SelectionMode.ExtendedSelection)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        return table

    def load(self) -> None:
        drill: Drill = self.figure.drill
        ops.query(self._ctx, lambda unit: dashboard_drill.drill_ids(unit, drill)) \
            .on_success(self._show).owned_by(self).run()

    def _show(self, ids: list[uuid.UUID]) -> None:
        self.model.set_keys(ids)
        self.count.setText("Aucune ligne." if not ids else
                           f"{len(ids)} ligne{'s' if len(ids) > 1 else ''}")
