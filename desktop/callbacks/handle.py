"""Handling one call-back request: record how the call ended, or book the appointment it
ended with (the agenda's booking dialog, the request closed in the same step)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.callbacks import requests
from db.callbacks.labels import CALLBACK_OUTCOME_LABELS
from db.callbacks.models import CallbackOutcome
from db.callbacks.requests import CallbackRow
from db.errors import ConflictError
from db.roles import Role
from db.wording import short_moment
from desktop import operations as ops
from desktop.callbacks.booking import open_callback_booking
from desktop.callbacks.choices import SiteInfo
from desktop.callbacks.wording import delay_text, due_line
from desktop.context import AppContext

# The outcomes a button records at once, with its mnemonic; an appointment has its own way.
_OUTCOME_BUTTONS = (
    (CallbackOutcome.SETTLED, "&Joint : demande traitée"),
    (CallbackOutcome.UNREACHABLE, "&Injoignable"),
    (CallbackOutcome.WITHDRAWN, "&Sans objet"),
)


class HandleCallbackDialog(QDialog):
    """One request: who, where to call, why, when it is due; then one button per outcome.

    ``handled`` fires once the request is closed (the queue reloads on ``ctx.changes``);
    ``stale`` when someone else changed it meanwhile (the queue reloads and this closes).
    """

    handled = Signal()
    stale = Signal()

    def __init__(self, ctx: AppContext, row: CallbackRow, site: SiteInfo | None,
                 clock: Callable[[], datetime], parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx, self.row = ctx, row
        time_zone = site.time_zone if site else "Europe/Paris"
        self.setWindowTitle(f"Rappel — {row.name}")
        summary = QFormLayout()
        summary.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        lines = (
            ("Personne", row.name),
            ("Téléphone", row.phone or "—"),
            ("Motif", row.motive_code or "—"),
            ("Demande", row.reason or "—"),
            ("Lieu", site.name if site else "—"),
            ("Prise par", f"{row.taken_by}, le {short_moment(row.requested_at, time_zone)}"),
            ("Échéance", f"{due_line(row.due_at, time_zone)} — "
                         f"{delay_text(row.due_at, clock(), row.outcome is not None)}"),
        )
        self.values: dict[str, QLabel] = {}
        for title, text in lines:
            value = QLabel(text)
            value.setWordWrap(True)
            value.setAccessibleName(title)
            summary.addRow(f"{title} :", value)
            self.values[title] = value

        self.buttons = QDialogButtonBox(self)
        self.outcome_buttons: dict[CallbackOutcome, QPushButton] = {}
        for outcome, text in _OUTCOME_BUTTONS:
            button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
            button.setToolTip(f"Clore la demande : « {CALLBACK_OUTCOME_LABELS[outcome]} »")
            button.clicked.connect(lambda _c=False, o=outcome: self.close_with(o))
            self.outcome_buttons[outcome] = button
        self.book_button = self.buttons.addButton("Prendre un &rendez-vous…",
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.book_button.clicked.connect(self.book)
        close = self.buttons.addButton("&Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)

        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setAccessibleName("Message")
        self.note.hide()
        if ctx.actor.role is Role.PARTNER:
            # The CPAM calls back; the partner who left the request only follows it.
            for button in (*self.outcome_buttons.values(), self.book_button):
                button.hide()
            self._say("Un conseiller de la CPAM rappellera la personne.")

        layout = QVBoxLayout(self)
        layout.addLayout(summary)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)

    def _say(self, message: str) -> None:
        self.note.setText(message)
        self.note.show()

    def close_with(self, outcome: CallbackOutcome) -> None:
        row = self.row
        self._set_busy(True)
        ops.write(self._ctx, lambda unit: requests.close_callback(
            unit, row.id, row.version, outcome)).on_success(lambda _r: self._done()) \
            .on_failure(self._refused).owned_by(self).run()

    def book(self) -> None:
        """The agenda's booking dialog, channel « rappel »: booked and closed in one step."""
        self.booking = open_callback_booking(self._ctx, self.row, parent=self)
        self.booking.saved.connect(lambda _appointment_id: self._done())
        self.booking.open()

    def _done(self) -> None:
        self.handled.emit()
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self._set_busy(False)
        if isinstance(error, ConflictError):
            QMessageBox.warning(self, "Guichet", str(error))
            self.stale.emit()
            self.reject()
        else:
            self._ctx.report_error(error, self)

    def _set_busy(self, busy: bool) -> None:
        for button in self.outcome_buttons.values():
            button.setEnabled(not busy)
