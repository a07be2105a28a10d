"""Queueing the messages: handlers of the agenda's events, in the change's own transaction.

A booking queues its confirmation and its reminder; a move withdraws what was still waiting
for the old time and queues the notice and the reminder of the new one; a cancellation
withdraws what waited and queues the cancellation; a workshop seat, from the start or from
the waiting list, is told like a booking. Only to a person who accepted a channel
(``db.people.consent``), and never the text: the row holds the ids, the recipient and when
it goes (``db.messages.compose`` writes the text when it goes).

An adviser may untick « prévenir la personne » for one change (``notify_person(unit,
False)`` before the service): that change's notice is not queued. The reminder still is —
it is what spares the person a wasted trip — and so is the notice of someone else, such as
the person given the freed workshop seat.
"""

from __future__ import annotations

import uuid
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from db.agenda.events import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentMoved,
    WaitingListPromoted,
    WorkshopRegistered,
    WorkshopSessionCancelled,
)
from db.agenda.models import Appointment
from db.agenda.slots import local_instant
from db.base import utcnow
from db.messages.compose import new_message_id, settings_row
from db.messages.models import Message, MessageKind, MessageSettings, MessageStatus
from db.org.models import Site
from db.people.consent import reachable
from db.people.models import Person
from db.unit import Unit, rows
from db.unit.events import subscribe
from db.workdays import WorkingCalendar

_QUIET = "guichet_no_notice"


def notify_person(unit: Unit, wanted: bool) -> None:
    """Whether this unit's change is told to its person (« prévenir la personne »)."""
    unit.session.info[_QUIET] = not wanted


def _told(unit: Unit) -> bool:
    return not unit.session.info.get(_QUIET, False)


def reminder_time(starts_at: datetime, site: Site, settings: MessageSettings) -> datetime:
    """``reminder_days`` working days before the appointment, at ``reminder_hour`` on the
    site's clock: the office sends on its working days (someone makes the day's SMS file),
    and every working day has its reminders — a Monday's go on the Thursday before."""
    zone = ZoneInfo(site.time_zone)
    day = WorkingCalendar(site.department).add_working_days(
        starts_at.astimezone(zone).date(), -settings.reminder_days)
    return local_instant(day, time(settings.reminder_hour), zone)


def _queue(unit: Unit, appointment: Appointment, kind: MessageKind,
           at: datetime | None = None) -> Message | None:
    """One message about ``appointment`` to its person, if they accepted a channel."""
    person = unit.session.get(Person, appointment.person_id)
    reach = reachable(person)
    if reach is None:
        return None
    site = unit.session.get(Site, appointment.site_id)
    at = at or utcnow()
    domain = (site.email or "").rpartition("@")[2]
    return rows.create(unit, Message(
        kind=kind, channel=reach.channel, status=MessageStatus.PENDING,
        appointment_id=appointment.id, person_id=person.id, recipient=reach.recipient,
        scheduled_at=at, due_on=at.astimezone(ZoneInfo(site.time_zone)).date(),
        next_attempt_at=at, attempts=0, message_id=new_message_id(domain)),
        action="queue", kind=kind.value, channel=reach.channel.value,
        appointment_id=str(appointment.id))


def _queue_reminder(unit: Unit, appointment: Appointment) -> None:
    """The reminder, unless its time has already passed (booked within the delay: the
    confirmation says it all)."""
    at = reminder_time(appointment.starts_at, unit.session.get(Site, appointment.site_id),
                       settings_row(unit.session))
    if at > utcnow():
        _queue(unit, appointment, MessageKind.REMINDER, at)


def withdraw_waiting(unit: Unit, appointment_id: uuid.UUID, why: str) -> None:
    """Withdraw what still waits about an appointment that changed (a message already in a
    sender's hands goes as it is)."""
    for message in unit.session.scalars(select(Message).where(
            Message.appointment_id == appointment_id,
            Message.status == MessageStatus.PENDING)):
        rows.save(unit, message, {"status": MessageStatus.WITHDRAWN, "note": why},
                  action="withdraw")


def _announce(unit: Unit, appointment_id: uuid.UUID, kind: MessageKind, *,
              told: bool = True) -> None:
    appointment = unit.session.get(Appointment, appointment_id)
    if told:
        _queue(unit, appointment, kind)
    _queue_reminder(unit, appointment)


@subscribe(AppointmentBooked)
def appointment_booked(unit: Unit, event: AppointmentBooked) -> None:
    _announce(unit, event.appointment_id, MessageKind.CONFIRMATION, told=_told(unit))


@subscribe(AppointmentMoved)
def appointment_moved(unit: Unit, event: AppointmentMoved) -> None:
    withdraw_waiting(unit, event.old_id, "Le rendez-vous a été déplacé.")
    _announce(unit, event.new_id, MessageKind.MOVE, told=_told(unit))


def _cancelled(unit: Unit, appointment_id: uuid.UUID) -> None:
    withdraw_waiting(unit, appointment_id, "Le rendez-vous a été annulé.")
    appointment = unit.session.get(Appointment, appointment_id)
    if _told(unit) and appointment.starts_at > utcnow():
        _queue(unit, appointment, MessageKind.CANCELLATION)


@subscribe(AppointmentCancelled)
def appointment_cancelled(unit: Unit, event: AppointmentCancelled) -> None:
    _cancelled(unit, event.appointment_id)


@subscribe(WorkshopSessionCancelled)
def session_cancelled(unit: Unit, event: WorkshopSessionCancelled) -> None:
    for appointment_id in event.appointment_ids:
        _cancelled(unit, appointment_id)


@subscribe(WorkshopRegistered)
def workshop_registered(unit: Unit, event: WorkshopRegistered) -> None:
    _announce(unit, event.appointment_id, MessageKind.WORKSHOP, told=_told(unit))


@subscribe(WaitingListPromoted)
def waiting_list_promoted(unit: Unit, event: WaitingListPromoted) -> None:
    # Someone else than the person of the change: told whatever the adviser unticked.
    _announce(unit, event.appointment_id, MessageKind.PROMOTION)
