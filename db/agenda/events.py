"""What the agenda tells the areas that follow it (``db.unit.events``): an appointment was
booked, moved or cancelled. Preparations and workshops subscribe; booking knows neither."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AppointmentBooked:
    appointment_id: uuid.UUID


@dataclass(frozen=True)
class AppointmentMoved:
    """``old_id`` is now « reporté »; ``new_id`` holds the new time (same calendar UID)."""

    old_id: uuid.UUID
    new_id: uuid.UUID


@dataclass(frozen=True)
class AppointmentCancelled:
    appointment_id: uuid.UUID
    workshop_session_id: uuid.UUID | None
    cancelled_at: datetime
