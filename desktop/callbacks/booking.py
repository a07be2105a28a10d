"""A call-back turned into an appointment in one step, through the agenda's booking dialog.

The agenda's ``BookingDialog`` is reused as it is, with the channel « rappel » and the
request's motive preset. Only its write differs: ``callbacks.callback_to_appointment`` books
the appointment and closes the request in one unit of work, so a refused booking leaves the
request open. The dialog offers that through its ``book(session, actor, request)`` hook; until
the agenda's dialog has the hook, the Rappels area says booking from a call-back is not
available rather than book without closing the request.
"""

from __future__ import annotations

import importlib

from PySide6.QtWidgets import QWidget

from db.models import Channel
from db.services import callbacks
from db.services.callbacks import CallbackRow
from desktop.context import AppContext

BOOKING_MODULE = "desktop.agenda.booking_dialog"
BOOKING_HOOK = "book"


def _booking_dialog_class():
    try:
        module = importlib.import_module(BOOKING_MODULE)
    except ImportError:
        return None
    dialog = getattr(module, "BookingDialog", None)
    return dialog if dialog is not None and hasattr(dialog, BOOKING_HOOK) else None


def booking_available() -> bool:
    """Whether the agenda's booking dialog exists and lets its write be replaced."""
    return _booking_dialog_class() is not None


def open_callback_booking(ctx: AppContext, row: CallbackRow, parent: QWidget | None = None):
    """Open the booking dialog for ``row``; its ``saved(appointment_id)`` fires once the
    appointment is booked and the request closed."""
    base = _booking_dialog_class()

    class CallbackBookingDialog(base):
        def book(self, session, actor, request):
            return callbacks.callback_to_appointment(session, actor, row.id, row.version,
                                                     request)

    dialog = CallbackBookingDialog(ctx, row.person_id, channel=Channel.CALLBACK,
                                   motive_code=row.motive_code or None, parent=parent)
    dialog.setWindowTitle(f"Rendez-vous à la suite du rappel — {row.name}")
    return dialog
