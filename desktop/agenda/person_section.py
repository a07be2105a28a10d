"""The « Rendez-vous » section of a person's record: their appointments, and booking one."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QPushButton, QWidget

from db.agenda import appointments, views
from db.agenda.appointments import AgendaRow
from db.agenda.views import DEFAULT_TIME_ZONE
from desktop import operations as ops
from desktop.agenda.appointment_dialog import AppointmentDialog
from desktop.agenda.booking_dialog import BookingDialog
from desktop.agenda.common import COLUMNS, AppointmentTable
from desktop.context import AppContext
from widgets.id_list_model import lay_out_list_section

PERSON_COLUMN, CHANNEL_COLUMN = COLUMNS.index("Personne"), COLUMNS.index("Canal")
STATUS_COLUMN, ADVISER_COLUMN = COLUMNS.index("Statut"), COLUMNS.index("Conseiller")


class PersonAppointments(QWidget):
    def __init__(self, ctx: AppContext, person_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx, self._person_id = ctx, person_id
        self._rows: dict[uuid.UUID, AgendaRow] = {}
        self._zones: dict[uuid.UUID, str] = {}
        self._names: dict[uuid.UUID, str] = {}
        self.dialog: QWidget | None = None
        self.count = QLabel("Chargement…", self)
        self.book_button = QPushButton("Prendre &rendez-vous", self)
        self.book_button.clicked.connect(self.book)
        self.table = AppointmentTable(
            lambda ids: [self._rows[i] for i in ids if i in self._rows],
            lambda row: self._zones.get(row.site_id, DEFAULT_TIME_ZONE),
            lambda adviser_id: self._names.get(adviser_id, ""), parent=self)
        self.table.setAccessibleName("Rendez-vous de la personne")
        # Not the person's own name on every line, nor the channel: the record is narrow.
        for column in (PERSON_COLUMN, CHANNEL_COLUMN):
            self.table.setColumnHidden(column, True)
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for column in (STATUS_COLUMN, ADVISER_COLUMN):  # what may be long shares the rest
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setMinimumHeight(self.table.verticalHeader().defaultSectionSize() * 5)
        self.table.open_requested.connect(self._open)
        lay_out_list_section(self, self.count, self.book_button, self.table)
        ctx.changes.connect(lambda kinds: "appointment" in kinds and self.load())
        self.load()

    def load(self) -> None:
        person_id = self._person_id

        def work(unit):
            return (appointments.person_appointments(unit, person_id),
                    views.agenda_choices(unit))

        ops.query(self._ctx, work).on_success(self._show).owned_by(self).run()

    def _show(self, answer) -> None:
        rows, choices = answer
        self._zones = {site.id: site.time_zone for site in choices.sites}
        self._names = {adviser.id: adviser.name for adviser in choices.advisers}
        self._rows = {row.id: row for row in rows}
        self.table.set_ids([row.id for row in rows])
        self.count.setText("Aucun rendez-vous." if not rows else
                           f"{len(rows)} rendez-vous, le plus récent en premier.")

    def _keep(self, dialog: QWidget) -> None:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def book(self) -> BookingDialog:
        dialog = BookingDialog(self._ctx, self._person_id, parent=self)
        self._keep(dialog)
        return dialog

    def _open(self, appointment_id: uuid.UUID) -> None:
        self._keep(AppointmentDialog(self._ctx, appointment_id, parent=self))
