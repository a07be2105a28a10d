"""What the agenda tells the areas that follow it (``db.unit.events``): an appointment was
booked, moved or cancelled; a person got a workshop seat, from the start or from the waiting
list; a whole session was cancelled. Preparations, workshops and the messages to people
subscribe; booking knows none of them."""

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


@dataclass(frozen=True)
class WorkshopRegistered:
    """A person took a seat of a workshop session (``appointment_id``: the registration)."""

    appointment_id: uuid.UUID


@dataclass(frozen=True)
class WaitingListPromoted:
    """A seat freed up and went to the first person waiting: ``appointment_id`` is their new
    registration, ``entry_id`` their place on the waiting list."""

    appointment_id: uuid.UUID
    entry_id: uuid.UUID


@dataclass(frozen=True)
class WorkshopSessionCancelled:
    """A whole session was cancelled: its registrations (``appointment_ids``) with it."""

    session_id: uuid.UUID
    appointment_ids: tuple[uuid.UUID, ...]
