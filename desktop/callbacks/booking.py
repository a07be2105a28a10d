"""A call-back turned into an appointment in one step, through the agenda's booking dialog.

The dialog opens with the channel « rappel » and the request's motive preset; its write is
``requests.callback_to_appointment``, which books the appointment and closes the request in
one unit of work, so a refused booking leaves the request open.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from db.agenda.models import Channel
from db.callbacks import requests
from db.callbacks.requests import CallbackRow
from desktop.agenda.booking_dialog import BookingDialog
from desktop.context import AppContext


def open_callback_booking(ctx: AppContext, row: CallbackRow,
                          parent: QWidget | None = None) -> BookingDialog:
    """The booking dialog for ``row``; its ``saved(appointment_id)`` fires once the
    appointment is booked and the request closed."""
    dialog = BookingDialog(
        ctx, row.person_id, channel=Channel.CALLBACK, motive_code=row.motive_code or None,
        write=lambda unit, request: requests.callback_to_appointment(
            unit, row.id, row.version, request),
        parent=parent)
    dialog.setWindowTitle(f"Rendez-vous à la suite du rappel — {row.name}")
    return dialog
