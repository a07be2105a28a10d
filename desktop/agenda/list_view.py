"""The filterable list of appointments: period, adviser, site, kind, status."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from db.agenda import appointments
from db.agenda.appointments import LIST_LIMIT, AgendaRow, AppointmentFilter
from db.agenda.labels import KIND_LABELS, STATUS_LABELS
from db.agenda.models import AppointmentKind, AppointmentStatus
from db.agenda.views import DEFAULT_TIME_ZONE, AgendaChoices
from db.errors import ValidationError
from desktop import operations as ops
from desktop.agenda.common import AppointmentTable, instant
from desktop.context import AppContext
from desktop.list_export import ExportButton
from widgets.chip_bar import FlowLayout
from widgets.date_field import DateField
from widgets.form import FormField


class AppointmentList(QWidget):
    """Filters above a lazily filled table; ``open_requested(id)`` opens an appointment.
    ``listed(count)`` fires when a search is shown."""

    open_requested = Signal(uuid.UUID)
    listed = Signal(int)

    def __init__(self, ctx: AppContext, choices: AgendaChoices, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._ticket = 0
        self._zones = {site.id: site.time_zone for site in choices.sites}
        self._names = {adviser.id: adviser.name for adviser in choices.advisers}
        self.first_day, self.last_day = DateField(), DateField()
        monday = date.today() - timedelta(days=date.today().weekday())
        self.first_day.set_date(monday)
        self.last_day.set_date(monday + timedelta(days=6))
        self.adviser = self._combo("Tous les conseillers",
                                   [(a.id, a.name) for a in choices.advisers])
        self.site = self._combo("Tous les sites", [(s.id, s.name) for s in choices.sites])
        self.kind = self._combo("Tous les types", list(KIND_LABELS.items()))
        self.status = self._combo("Tous les statuts", list(STATUS_LABELS.items()))
        self.search_button = QPushButton("&Afficher", self)
        self.search_button.clicked.connect(self.search)
        for field in (self.first_day, self.last_day):
            field.returnPressed.connect(self.search)

        self.fields = {name: FormField(label, editor) for name, label, editor in (
            ("first_day", "&Du", self.first_day), ("last_day", "a&u", self.last_day),
            ("adviser", "&Conseiller", self.adviser), ("site", "&Site", self.site),
            ("kind", "&Type", self.kind), ("status", "Stat&ut", self.status))}
        # The filters wrap onto more lines rather than widening the window.
        self.filters = QWidget(self)
        filters = FlowLayout(self.filters, spacing=8)
        for field in self.fields.values():
            pair = QWidget(self.filters)
            line = QHBoxLayout(pair)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(field.label)
            line.addWidget(field)
            filters.addWidget(pair)
        filters.addWidget(self.search_button)
        self.export_button = ExportButton(
            ctx, self._list_shown, lambda: f"rendez-vous-{self.first_day.date():%Y-%m-%d}", self)
        filters.addWidget(self.export_button)
        self.count = QLabel(self)
        self.count.setAccessibleName("Nombre de rendez-vous")
        self.table = AppointmentTable(self._fetch_rows, self._zone_of,
                                      lambda adviser_id: self._names.get(adviser_id, ""),
                                      parent=self)
        self.table.setAccessibleName("Liste des rendez-vous")
        self.table.open_requested.connect(self.open_requested)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filters)
        layout.addWidget(self.count)
        layout.addWidget(self.table, 1)

    def _list_shown(self):
        """The appointments listed, for « Exporter… »."""
        from desktop.documents.lists import appointment_ids_sheet

        ids = self.table.model_.keys()
        return lambda unit: appointment_ids_sheet(unit, ids)

    def _combo(self, everything: str, entries) -> QComboBox:
        combo = QComboBox(self)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(16)
        combo.addItem(everything, None)
        for value, label in entries:
            combo.addItem(label, value)
        combo.currentIndexChanged.connect(self.search)
        return combo

    def _zone_of(self, row: AgendaRow) -> str:
        return self._zones.get(row.site_id, DEFAULT_TIME_ZONE)

    def _fetch_rows(self, ids: list[uuid.UUID]) -> list[AgendaRow]:
        # The visible block only, on the GUI thread, as the people list does.
        with self._ctx.store.unit(self._ctx.actor) as unit:
            return appointments.appointment_rows(unit, ids)

    def search(self) -> None:
        for field in self.fields.values():
            field.set_error("")
        try:
            first, last = self.first_day.date(), self.last_day.date()
        except ValueError as error:
            self.fields["first_day"].set_error(str(error))
            return
        if first is None or last is None or last < first:
            self.fields["last_day"].set_error("Indiquez une période dans l'ordre : du … au ….")
            return
        site_id = self.site.currentData()
        zone = self._zones.get(site_id, DEFAULT_TIME_ZONE)
        wanted = AppointmentFilter(
            instant(datetime.combine(first, time()), zone),
            instant(datetime.combine(last + timedelta(days=1), time()), zone),
            adviser_id=self.adviser.currentData(), site_id=site_id,
            kind=AppointmentKind(self.kind.currentData()) if self.kind.currentData() else None,
            status=(AppointmentStatus(self.status.currentData())
                    if self.status.currentData() else None))
        self._ticket += 1
        ticket = self._ticket
        ops.query(self._ctx, lambda unit: appointments.find_appointments(unit, wanted)) \
            .on_success(lambda ids: self._show(ticket, ids)) \
            .on_failure(self._refused).owned_by(self).run()

    def _show(self, ticket: int, ids: list[uuid.UUID]) -> None:
        if ticket != self._ticket:
            return
        self.table.set_ids(ids)
        count = len(ids)
        if count >= LIST_LIMIT:
            self.count.setText(f"Plus de {LIST_LIMIT} rendez-vous : précisez les filtres.")
        else:
            self.count.setText("Aucun rendez-vous." if count == 0 else
                               f"{count} rendez-vous")
        self.listed.emit(count)

    def _refused(self, error: BaseException) -> None:
        if isinstance(error, ValidationError):
            self.fields["last_day"].set_error(" ".join(error.field_errors.values()))
        else:
            self._ctx.report_error(error, self)

    def refresh(self) -> None:
        self.table.model_.refresh()
