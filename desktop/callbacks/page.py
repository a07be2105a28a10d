"""The Rappels area: take a request, and the queue of requests by due time."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.base import utcnow
from db.callbacks import requests
from db.callbacks.requests import CallbackRow
from db.roles import Role
from db.wording import short_moment
from desktop import operations as ops
from desktop.callbacks.choices import CHOICE_KINDS, CallbackChoices, load_choices
from desktop.callbacks.form import TakeCallbackDialog
from desktop.callbacks.handle import HandleCallbackDialog
from desktop.callbacks.wording import delay_text
from desktop.context import AppContext
from desktop.list_export import ExportButton
from widgets.choice_box import ChoiceBox
from widgets.heading import Heading
from widgets.id_list_model import IdListModel, late_row_look, read_only_rows, size_columns

COLUMNS = ("Échéance", "État", "Personne", "Téléphone", "Motif", "Lieu", "Prise par",
           "Demande")
_TAKEN_BY = COLUMNS.index("Prise par")
_STATE = COLUMNS.index("État")
_COLUMN_SAMPLES = ("00/00/0000 00:00", "À rappeler dans 23 h 59", "LEFÈVRE-DUPONTEL Éloïse",
                   "06 12 34 56 78", "AMELI", "Point conseil de Bourgoin", "Camille Conseiller01")
# The queue is read again this often, so « en retard » appears without any action.
REFRESH_MS = 60_000
DEFAULT_TIME_ZONE = "Europe/Paris"

# Filter keys of the queue: everyone's, the actor's own site, the requests they took.
ALL, OWN_SITE, MINE = "all", "own_site", "mine"


class CallbackQueueModel(IdListModel):
    """The queue as shown: rows kept whole (a queue is short), overdue ones red and bold."""

    def __init__(self, parent=None):
        super().__init__(COLUMNS, self._fetch, lambda row: row.id, self._cell, parent=parent,
                         role_data=self._role_data)
        self._rows: dict[uuid.UUID, CallbackRow] = {}
        self._choices = CallbackChoices([], [])
        self.now = utcnow()

    def set_rows(self, rows: list[CallbackRow], choices: CallbackChoices,
                 now: datetime) -> None:
        self._rows, self._choices, self.now = {r.id: r for r in rows}, choices, now
        self.set_keys([r.id for r in rows])

    def shown_rows(self) -> list[CallbackRow]:
        return [self._rows[key] for key in self.keys() if key in self._rows]

    def _fetch(self, keys: list[uuid.UUID]) -> list[CallbackRow]:
        return [self._rows[key] for key in keys if key in self._rows]

    def _site(self, row: CallbackRow):
        return self._choices.site(row.site_id)

    def _cell(self, row: CallbackRow, column: int) -> str:
        site = self._site(row)
        match COLUMNS[column]:
            case "Échéance":
                return short_moment(row.due_at, site.time_zone if site else DEFAULT_TIME_ZONE)
            case "État":
                return delay_text(row.due_at, self.now, row.outcome is not None)
            case "Personne":
                return row.name
            case "Téléphone":
                return row.phone
            case "Motif":
                return row.motive_code
            case "Lieu":
                return site.name if site else ""
            case "Prise par":
                return row.taken_by
            case _:
                return row.reason

    def _role_data(self, row: CallbackRow, column: int, role: int):
        return late_row_look(column, role, _STATE) if row.overdue else None


class CallbacksPage(QWidget):
    """Rappels. ``clock`` gives the current instant (tests fix it)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 clock: Callable[[], datetime] = utcnow):
        super().__init__(parent)
        self._ctx, self.clock = ctx, clock
        self._partner = ctx.actor.role is Role.PARTNER
        self.choices = CallbackChoices([], [])
        self.dialog: TakeCallbackDialog | HandleCallbackDialog | None = None
        self._select_after_load: uuid.UUID | None = None
        self.loaded_once = False
        self.model = CallbackQueueModel(self)
        self._build()
        ctx.changes.connect(self._on_changes)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.reload)
        self._timer.start()
        self._load_choices()

    def _build(self) -> None:
        title = Heading("Demandes de rappel", self)

        self.new_button = QPushButton("&Nouvelle demande de rappel", self)
        self.new_button.setToolTip("Enregistrer une fiche de contact : la personne sera "
                                   "rappelée sous 24 heures ouvrées")
        self.new_button.clicked.connect(self.new_request)
        self.filter = ChoiceBox(self)
        self.filter.setAccessibleName("Demandes affichées")
        self.filter.setSizeAdjustPolicy(ChoiceBox.SizeAdjustPolicy.AdjustToContents)
        self.filter.currentIndexChanged.connect(lambda _i: self.reload())
        filter_label = QLabel("&Afficher :", self)
        filter_label.setBuddy(self.filter)
        # A partner sees the requests they left, and nothing else (the service insists).
        filter_label.setVisible(not self._partner)
        self.filter.setVisible(not self._partner)

        self.count = QLabel(self)
        self.count.setAccessibleName("Nombre de demandes")
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Demandes de rappel, par échéance")
        read_only_rows(self.table)
        size_columns(self.table, _COLUMN_SAMPLES)
        self.table.setColumnHidden(_TAKEN_BY, self._partner)
        self.table.activated.connect(self.open_request)
        hint = QLabel("Entrée ou double-clic ouvre la demande : noter l'issue de l'appel ou "
                      "prendre un rendez-vous. Les demandes en retard sont en rouge.", self)
        hint.setWordWrap(True)

        self.export_button = ExportButton(self._ctx, self._sheet, lambda: "demandes-de-rappel",
                                          self)
        bar = QHBoxLayout()
        bar.addWidget(self.new_button)
        bar.addStretch()
        bar.addWidget(filter_label)
        bar.addWidget(self.filter)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(bar)
        layout.addWidget(self.count)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        self.setTabOrder(self.new_button, self.filter)
        self.setTabOrder(self.filter, self.table)

    # -- data ------------------------------------------------------------------------------
    def _sheet(self):
        """The queue as shown, for « Exporter… »."""
        from desktop.documents.lists import callbacks_sheet

        rows, now = self.model.shown_rows(), self.model.now
        hidden = ["Prise par"] if self._partner else []
        return lambda unit: callbacks_sheet(unit, rows, now=now).without(hidden)

    def _load_choices(self) -> None:
        ops.query(self._ctx, load_choices).on_success(self._set_choices).owned_by(self).run()

    def _set_choices(self, choices: CallbackChoices) -> None:
        self.choices = choices
        own = choices.site(self._ctx.actor.site_id)
        entries = [((ALL, None), "Toutes les demandes")]
        if own is not None:
            entries.append(((OWN_SITE, own.id), f"Mon lieu : {own.name}"))
        entries.append(((MINE, None), "Prises par moi"))
        entries += [((ALL, site.id), f"Lieu : {site.name}") for site in choices.sites
                    if site is not own]
        first_time = not self.filter.count()
        self.filter.blockSignals(True)  # one reload below, whatever changed
        self.filter.set_choices(entries)
        if first_time and own is not None:
            self.filter.set_value((OWN_SITE, own.id))
        self.filter.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        kind, site_id = self.filter.value() or (ALL, None)
        actor, now = self._ctx.actor, self.clock()
        taken_by = actor.id if kind == MINE else None

        def work(unit) -> list[CallbackRow]:
            return requests.callback_queue(unit, site_id=site_id,
                                            taken_by_id=taken_by, now=now)

        # The answer may come back after the page was closed (sign-out, end of a test).
        ops.query(self._ctx, work).on_success(lambda rows: self._show(rows, now)) \
            .owned_by(self).run()

    def _show(self, rows: list[CallbackRow], now: datetime) -> None:
        selected = self.model.key_at(self.table.currentIndex())
        self.model.set_rows(rows, self.choices, now)
        late = sum(row.overdue for row in rows)
        if not rows:
            self.count.setText("Aucune demande de rappel en attente.")
        else:
            waiting = f"{len(rows)} demande{'s' if len(rows) > 1 else ''} en attente"
            self.count.setText(waiting + (f", dont {late} en retard" if late else ""))
        keep = self._select_after_load or selected
        self._select_after_load = None
        row = self.model.row_of(keep) if keep else None
        if row is not None:
            self.table.selectRow(row)
        self.loaded_once = True

    def _on_changes(self, kinds: set) -> None:
        if kinds & CHOICE_KINDS:
            self._load_choices()
        elif "callback_request" in kinds:
            self.reload()

    # -- actions ---------------------------------------------------------------------------
    def new_request(self) -> None:
        self._open(TakeCallbackDialog(self._ctx, self.choices, self.clock, self))
        self.dialog.saved.connect(self._saved)

    def _saved(self, callback_id: uuid.UUID) -> None:
        self._select_after_load = callback_id

    def open_request(self, index: QModelIndex) -> None:
        row = self.model.row_at(index)
        if row is None:
            return
        self._open(HandleCallbackDialog(self._ctx, row, self.choices.site(row.site_id),
                                        self.clock, self))
        self.dialog.stale.connect(self.reload)  # show the request as it is now

    def _open(self, dialog) -> None:
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result, shown=dialog: self._forget(shown))
        dialog.open()

    def _forget(self, dialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
