"""The Préparations area: the preparation tasks by due day (late ones in red and said in
words), the conclusive rate, and the day sheet to print."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.base import utcnow
from db.months import last_months
from db.org.access import Permission
from db.preparation import rates as preparation_rates
from db.preparation import scope, tasks
from db.preparation import settings as preparation_settings
from db.preparation.rates import RateGroup, RateRow
from db.preparation.tasks import Choice, TaskFilter, TaskRow, TaskState
from db.wording import month_label
from desktop import operations as ops
from desktop.agenda.common import moment_text
from desktop.context import AppContext
from desktop.documents import day_sheet, write_atomically
from desktop.list_export import ExportButton
from desktop.preparation.dialogs import DaySheetDialog, PdfPrompt, SettingsDialog
from desktop.preparation.form import PreparationDialog
from widgets.banner import Banner
from widgets.choice_box import ChoiceBox
from widgets.heading import Heading
from widgets.id_list_model import IdListModel, late_row_look, read_only_rows, size_columns

COLUMNS = ("Échéance", "État", "Rendez-vous", "Personne", "Téléphone", "Motif", "Lieu",
           "Conseiller", "Appels")
_STATE = COLUMNS.index("État")
_SAMPLES = ("00/00/0000", "À appeler d'ici le 00/00/0000", "mer. 00/00/0000 00:00",
            "LEFÈVRE-DUPONTEL Éloïse", "06 12 34 56 78", "AMELI", "Point conseil de Bourgoin",
            "Camille Conseiller01")
RATE_COLUMNS = ("Mois", "Conseiller", "Préparées", "Conclusives", "Taux")
RATE_MONTHS = 3  # the current month and the two before


class TaskListModel(IdListModel):
    """Tasks by id, fetched block by block; overdue ones red, their state in bold words."""

    def __init__(self, fetch_rows: Callable[[list[uuid.UUID]], list[TaskRow]], parent=None):
        super().__init__(COLUMNS, fetch_rows, lambda row: row.id, self._cell, parent=parent,
                         role_data=self._role_data)

    @staticmethod
    def _cell(row: TaskRow, column: int) -> str:
        match COLUMNS[column]:
            case "Échéance":
                return f"{row.due_on:%d/%m/%Y}"
            case "État":
                return row.state_text
            case "Rendez-vous":
                return moment_text(row.starts_at, row.time_zone)
            case "Personne":
                return row.person_name
            case "Téléphone":
                return row.phone or "—"
            case "Motif":
                return row.motive_code
            case "Lieu":
                return row.site_name
            case "Conseiller":
                return row.adviser_name
            case _:
                return str(row.attempts)

    @staticmethod
    def _role_data(row: TaskRow, column: int, role: int):
        return late_row_look(column, role, _STATE) if row.overdue else None


class RateModel(IdListModel):
    """The conclusive rate per month and adviser (or site): a few rows, kept whole."""

    def __init__(self, parent=None):
        super().__init__(RATE_COLUMNS, self._fetch, lambda row: (row.month, row.key),
                         self._cell, parent=parent)
        self._rows: dict[tuple, RateRow] = {}

    def set_rows(self, rows: list[RateRow], group: RateGroup) -> None:
        self._headers[1] = "Conseiller" if group is RateGroup.ADVISER else "Lieu"
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 1, 1)
        self._rows = {(r.month, r.key): r for r in rows}
        self.set_keys(list(self._rows))

    def _fetch(self, keys: list[tuple]) -> list[RateRow]:
        return [self._rows[key] for key in keys if key in self._rows]

    @staticmethod
    def _cell(row: RateRow, column: int) -> str:
        return (month_label(row.month), row.label, str(row.prepared), str(row.conclusive),
                row.rate_text)[column]


def _table(model, name: str, samples: Sequence[str]) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    read_only_rows(table)
    size_columns(table, samples)
    return table


class PreparationPage(QWidget):
    """Préparations. ``clock`` gives the current instant (tests fix it)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 clock: Callable[[], datetime] = utcnow):
        super().__init__(parent)
        self._ctx, self.clock = ctx, clock
        self._manager = scope.sees_everyone(ctx.actor)
        self.advisers: list[Choice] = []
        self.dialog: PreparationDialog | None = None
        self.loaded_once = False
        self.model = TaskListModel(self._fetch_rows, self)
        self.rates = RateModel(self)
        self._build()
        ctx.changes.connect(self._on_changes)
        if self._manager:
            ops.query(ctx, lambda unit: tasks.filter_choices(unit)) \
                .on_success(self._set_choices).owned_by(self).run()
        else:
            self.reload()

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        title = Heading("Préparations des rendez-vous", self)

        self.state = ChoiceBox(self)
        self.state.set_choices([(TaskState.TO_PREPARE, "À préparer"),
                                (TaskState.PREPARED, "Préparées (visites récentes et à venir)")])
        self.adviser = ChoiceBox(self)
        self.site = ChoiceBox(self)
        bar = QHBoxLayout()
        for label_text, box, name in (("&Afficher :", self.state, "Préparations affichées"),
                                      ("C&onseiller :", self.adviser, "Conseiller"),
                                      ("&Lieu :", self.site, "Lieu")):
            label = QLabel(label_text, self)
            label.setBuddy(box)
            box.setAccessibleName(name)
            box.setSizeAdjustPolicy(ChoiceBox.SizeAdjustPolicy.AdjustToContents)
            box.currentIndexChanged.connect(lambda _i: self.reload())
            visible = box is self.state or self._manager
            label.setVisible(visible)
            box.setVisible(visible)
            bar.addWidget(label)
            bar.addWidget(box)
        bar.addStretch()
        self.open_button = QPushButton("&Préparer…", self)
        self.open_button.setToolTip("Ouvrir la préparation choisie (Entrée)")
        self.open_button.clicked.connect(lambda: self.open_task(self.table.currentIndex()))
        self.sheet_button = QPushButton("&Feuille de journée…", self)
        self.sheet_button.setToolTip("Imprimer les rendez-vous d'une journée (PDF), avant "
                                     "de partir en permanence sans réseau")
        self.sheet_button.clicked.connect(self.export_day_sheet)
        self.settings_button = QPushButton("&Réglages…", self)
        self.settings_button.setVisible(self._ctx.actor.can(Permission.ADMINISTER))
        self.settings_button.clicked.connect(self.edit_settings)
        self.export_button = ExportButton(self._ctx, self._list_shown,
                                          lambda: "preparations", self)
        for button in (self.open_button, self.sheet_button, self.export_button,
                       self.settings_button):
            bar.addWidget(button)

        self.count = QLabel(self)
        self.count.setAccessibleName("Nombre de préparations")
        self.banner = Banner(self)
        self.table = _table(self.model, "Préparations, par échéance", _SAMPLES)
        self.table.setColumnHidden(COLUMNS.index("Conseiller"), not self._manager)
        self.table.activated.connect(self.open_task)
        hint = QLabel("Entrée ou double-clic ouvre la préparation : la vue à 360° de la "
                      "personne et les appels. Les préparations en retard sont en rouge.", self)
        hint.setWordWrap(True)

        rates_box = QGroupBox("Taux de préparations conclusives", self)
        self.rate_group = ChoiceBox(rates_box)
        self.rate_group.setAccessibleName("Taux par")
        self.rate_group.set_choices([(RateGroup.ADVISER, "par conseiller"),
                                     (RateGroup.SITE, "par lieu")])
        self.rate_group.currentIndexChanged.connect(lambda _i: self.reload_rates())
        self.rate_table = _table(self.rates, "Taux de préparations conclusives par mois",
                                 ("septembre 0000", "Point conseil de Bourgoin", "Préparées",
                                  "Conclusives"))
        self.rate_table.setMaximumHeight(self.rate_table.fontMetrics().height() * 12)
        self.rate_hint = QLabel(rates_box)
        self.rate_hint.setWordWrap(True)
        rates_layout = QVBoxLayout(rates_box)
        rates_layout.addWidget(self.rate_group, 0, Qt.AlignmentFlag.AlignLeft)
        rates_layout.addWidget(self.rate_table)
        rates_layout.addWidget(self.rate_hint)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(bar)
        layout.addWidget(self.banner)
        layout.addWidget(self.count)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        layout.addWidget(rates_box)

    # -- data --------------------------------------------------------------------------------
    def _set_choices(self, choices: tuple[list[Choice], list[Choice]]) -> None:
        self.advisers, sites = choices
        for box, entries, everyone in ((self.adviser, self.advisers, "Tous les conseillers"),
                                       (self.site, sites, "Tous les lieux")):
            box.blockSignals(True)
            box.set_choices([(c.id, c.name) for c in entries], empty=everyone)
            box.blockSignals(False)
        own = self._ctx.actor.site_id
        self.site.blockSignals(True)
        self.site.set_value(own)  # a manager starts with their own site
        self.site.blockSignals(False)
        self.reload()

    def _wanted(self) -> TaskFilter:
        return TaskFilter(self.state.value() or TaskState.TO_PREPARE, self.adviser.value(),
                          self.site.value())

    def _list_shown(self):
        """The preparations listed, for « Exporter… » (the columns shown only)."""
        from desktop.documents.lists import task_ids_sheet

        ids = self.model.keys()
        hidden = [header for column, header in enumerate(COLUMNS)
                  if self.table.isColumnHidden(column)]
        return lambda unit: task_ids_sheet(unit, ids).without(hidden)

    def _fetch_rows(self, ids: list[uuid.UUID]) -> list[TaskRow]:
        # Short reads of the block a view paints, as the agenda's list does.
        with self._ctx.store.unit(self._ctx.actor) as unit:
            return tasks.task_rows(unit, ids, now=self.clock())

    def reload(self) -> None:
        wanted, now = self._wanted(), self.clock()

        def work(unit) -> tuple[list[uuid.UUID], int]:
            found = tasks.find_tasks(unit, wanted, now=now)
            late = sum(r.overdue for r in tasks.task_rows(unit, found, now=now))
            return found, late

        ops.query(self._ctx, work).on_success(self._show).owned_by(self).run()
        self.reload_rates()

    def _show(self, result: tuple[list[uuid.UUID], int]) -> None:
        ids, late = result
        selected = self.model.key_at(self.table.currentIndex())
        self.model.set_keys(ids)
        to_prepare = self.state.value() is TaskState.TO_PREPARE
        if not ids:
            self.count.setText("Aucune préparation à faire." if to_prepare
                               else "Aucune préparation terminée pour ces visites.")
        else:
            noun = f"préparation{'s' if len(ids) > 1 else ''}"
            self.count.setText(
                f"{len(ids)} {noun} à faire" + (f", dont {late} en retard" if late else "")
                if to_prepare else f"{len(ids)} {noun} terminée{'s' if len(ids) > 1 else ''}")
        row = self.model.row_of(selected) if selected else None
        self.table.selectRow(row if row is not None else 0)
        self.open_button.setEnabled(bool(ids))
        self.loaded_once = True

    def reload_rates(self) -> None:
        group = self.rate_group.value() or RateGroup.ADVISER
        months = last_months(self.clock().date(), RATE_MONTHS)
        ops.query(self._ctx, lambda unit: preparation_rates.conclusive_rates(
            unit, months[0], months[-1], group)) \
            .on_success(lambda rows: self._show_rates(rows, group)).owned_by(self).run()

    def _show_rates(self, rows: list[RateRow], group: RateGroup) -> None:
        self.rates.set_rows(rows, group)
        prepared = sum(r.prepared for r in rows)
        conclusive = sum(r.conclusive for r in rows)
        self.rate_hint.setText(
            f"Sur {RATE_MONTHS} mois : {conclusive} conclusive{'s' if conclusive > 1 else ''} "
            f"sur {prepared} préparation{'s' if prepared > 1 else ''} menée"
            f"{'s' if prepared > 1 else ''} à terme "
            f"({preparation_rates.rate_text(conclusive, prepared)}). "
            "Dans les caisses, de 3 % à 20 % des préparations sont conclusives."
            if prepared else "Aucune préparation menée à terme ces derniers mois.")

    def _on_changes(self, kinds: set) -> None:
        if kinds & {"preparation_task", "appointment"}:
            self.reload()

    # -- actions -----------------------------------------------------------------------------
    def open_task(self, index: QModelIndex) -> None:
        task_id = self.model.key_at(index)
        if task_id is None:
            return
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = dialog = PreparationDialog(self._ctx, task_id, clock=self.clock,
                                                 parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._forget(dialog))
        dialog.open()

    def _forget(self, dialog: PreparationDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def export_day_sheet(self) -> None:
        actor = self._ctx.actor
        chosen_adviser = next((c for c in self.advisers if c.id == self.adviser.value()), None)
        chosen = DaySheetDialog.ask(
            self, self.clock().date(), [(c.login, c.name) for c in self.advisers],
            chosen_adviser.login if chosen_adviser else actor.login)
        if chosen is None:
            return
        day, login = chosen
        path = PdfPrompt.save_path(self, "Enregistrer la feuille de journée",
                                   f"feuille-de-journee-{day:%Y-%m-%d}.pdf")
        if not path:
            return

        def work(unit) -> Path:
            write_atomically(Path(path), day_sheet.day_sheet(unit, login, day))
            return Path(path)

        ops.query(self._ctx, work).with_progress("Production du PDF…", self) \
            .on_success(lambda written: self.banner.say_written(
                f"Feuille de journée enregistrée : {written}", str(written))) \
            .owned_by(self).run()

    def edit_settings(self) -> None:
        ops.query(self._ctx, lambda unit: _settings_values(preparation_settings.settings(unit))) \
            .on_success(self._ask_settings).owned_by(self).run()

    def _ask_settings(self, values: tuple[int, int, int]) -> None:
        version, lead, attempts = values
        chosen = SettingsDialog.ask(self, lead, attempts)
        if chosen is None:
            return
        lead, attempts = chosen
        ops.write(self._ctx, lambda unit: preparation_settings.update_settings(
            unit, version, lead_working_days=lead, max_attempts=attempts)) \
            .on_success(lambda _version: self._tell("Réglages des préparations enregistrés.")) \
            .owned_by(self).run()

    def _tell(self, message: str) -> None:
        self.banner.say(message)


def _settings_values(settings) -> tuple[int, int, int]:
    return settings.version, settings.lead_working_days, settings.max_attempts
