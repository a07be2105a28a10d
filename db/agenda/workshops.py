"""Collective workshops (atelier flash ameli, atelier numérique): sessions, registrations,
waiting list and attendance.

A registration is an appointment of kind ``workshop`` linked to its session, so outcomes,
« à renseigner » and calendars treat it like any other. The number of seats taken lives on
the session row; a seat is only ever taken by one conditional UPDATE, checked by a CHECK
constraint: two people taking the last seat at the same instant cannot both get it. A
registration cancelled in the agenda frees its seat for the first person waiting
(``seat_freed`` listens to the agenda's cancellations).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.agenda.booking import create_busy, new_ical_uid, record_outcome, slot_taken
from db.agenda.events import (
    AppointmentCancelled,
    WaitingListPromoted,
    WorkshopRegistered,
    WorkshopSessionCancelled,
)
from db.agenda.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    CancelledBy,
    Channel,
    Motive,
    WaitingListEntry,
    WorkshopSession,
)
from db.agenda.setup import load_adviser, load_motive, motive_allows
from db.agenda.slots import adviser_busy, site_closed
from db.base import require_aware, utcnow
from db.errors import ConflictError, NotFound, ValidationError
from db.org.access import Permission
from db.org.models import Site
from db.people.labels import display_name
from db.people.models import Person
from db.unit import Unit, rows
from db.unit.audit import ids, record
from db.unit.events import subscribe
from db.validation import format_phone

MAX_CAPACITY = 100


def _load_session(unit: Unit, session_id: uuid.UUID) -> WorkshopSession:
    workshop = rows.load(unit, WorkshopSession, session_id)
    if workshop.cancelled_at is not None:
        raise ValidationError({"session": "Cette session d'atelier a été annulée."})
    return workshop


def schedule_session(
    unit: Unit, motive_id: uuid.UUID, site_id: uuid.UUID,
    host_id: uuid.UUID, starts_at: datetime, capacity: int, *, now: datetime | None = None,
) -> uuid.UUID:
    """Plan a session of a workshop motive, at a site open then, hosted by an adviser who
    is free then."""
    session = unit.session
    unit.require(Permission.PLAN_AGENDA)
    motive = load_motive(unit, motive_id)
    site = rows.load(unit, Site, site_id)
    host = load_adviser(unit, host_id)
    starts_at = require_aware(starts_at)
    ends_at = starts_at + timedelta(minutes=motive.default_minutes)
    reason = motive_allows(motive, AppointmentKind.WORKSHOP,
                           starts_at.astimezone(ZoneInfo(site.time_zone)).date())
    if reason:
        raise ValidationError({"motive_id": reason})
    if not 1 <= capacity <= MAX_CAPACITY:
        raise ValidationError({"capacity": (
            f"La capacité doit être comprise entre 1 et {MAX_CAPACITY} places.")})
    if starts_at <= require_aware(now or utcnow()):
        raise ValidationError({"starts_at": "Cette heure est déjà passée."})
    closed = site_closed(session, site, starts_at, ends_at)
    if closed:
        raise ValidationError({"starts_at": closed})
    if adviser_busy(session, host_id, starts_at,
                    ends_at + timedelta(minutes=site.break_minutes)):
        raise ConflictError(slot_taken(host.display_name))
    workshop = WorkshopSession(motive_id=motive_id, site_id=site_id, host_id=host_id,
                               starts_at=starts_at, ends_at=ends_at, capacity=capacity)
    create_busy(unit, workshop, host.display_name,
                **ids(motive_id=motive_id, site_id=site_id, host_id=host_id))
    return workshop.id


def _register(
    unit: Unit, workshop: WorkshopSession, person_id: uuid.UUID,
    channel: Channel,
) -> uuid.UUID:
    appointment_id = uuid.uuid4()
    rows.create(unit, Appointment(
        id=appointment_id, person_id=person_id, adviser_id=workshop.host_id,
        site_id=workshop.site_id, motive_id=workshop.motive_id, kind=AppointmentKind.WORKSHOP,
        starts_at=workshop.starts_at, ends_at=workshop.ends_at, channel=channel,
        booked_by_id=unit.actor_id, workshop_session_id=workshop.id,
        ical_uid=new_ical_uid(appointment_id),
    ), action="book", kind=AppointmentKind.WORKSHOP.value, channel=channel.value,
        **ids(person_id=person_id, workshop_session_id=workshop.id))
    return appointment_id


@dataclass(frozen=True)
class Registration:
    """Either a seat (``appointment_id``) or a place on the waiting list (1 = next)."""

    appointment_id: uuid.UUID | None
    waiting_position: int | None


def register(
    unit: Unit, session_id: uuid.UUID, person_id: uuid.UUID,
    channel: Channel, *, now: datetime | None = None,
) -> Registration:
    """Register a person; when the session is full, put them on its waiting list."""
    session = unit.session
    unit.require(Permission.BOOK_APPOINTMENTS)
    workshop = _load_session(unit, session_id)
    person = rows.load(unit, Person, person_id)
    now = require_aware(now or utcnow())
    if workshop.starts_at <= now:
        raise ValidationError({"session": "Cette session d'atelier a déjà commencé."})
    # The session's row locked first (PostgreSQL; SQLite has one writer at a time): two
    # registrations of one session are checked one after the other, so that the same person
    # cannot get a seat and a place on the waiting list at once. Two seats or two places are
    # refused by the database itself (the partial unique indexes), whatever the code.
    session.execute(select(WorkshopSession.id).where(WorkshopSession.id == session_id)
                    .with_for_update())
    name = display_name(person)
    if _already_registered(session, session_id, person_id):
        raise ValidationError({"person_id": f"{name} est déjà inscrit(e) à cette session."})
    try:
        if rows.take(unit, workshop, "seats_taken", limit="capacity"):
            appointment_id = _register(unit, workshop, person_id, channel)
            unit.raise_event(WorkshopRegistered(appointment_id))
            return Registration(appointment_id, None)
        entry = rows.create(unit, WaitingListEntry(
            workshop_session_id=session_id, person_id=person_id, channel=channel,
            requested_at=now), action=None)
    except IntegrityError:
        raise ConflictError(f"{name} vient d'être inscrit(e) à cette session "
                            "sur un autre poste : rien n'a été enregistré.") from None
    record(unit, "wait", "workshop_session", session_id,
           **ids(person_id=person_id, entry_id=entry.id))
    return Registration(None, len(_waiting(session, session_id)))


def _already_registered(session: Session, session_id: uuid.UUID, person_id: uuid.UUID) -> bool:
    """A seat (booked) or a place on the waiting list of this session."""
    seated = session.scalar(select(func.count()).select_from(Appointment).where(
        Appointment.workshop_session_id == session_id, Appointment.person_id == person_id,
        Appointment.status == AppointmentStatus.BOOKED))
    return bool(seated) or _waiting_entry(session, session_id, person_id) is not None


def _waiting_entry(session, session_id, person_id) -> WaitingListEntry | None:
    return next((e for e in _waiting(session, session_id) if e.person_id == person_id), None)


def _waiting(session: Session, session_id: uuid.UUID) -> list[WaitingListEntry]:
    """Who still waits for a seat, first come first served."""
    return list(session.scalars(
        select(WaitingListEntry).where(
            WaitingListEntry.workshop_session_id == session_id,
            WaitingListEntry.appointment_id.is_(None),
            WaitingListEntry.withdrawn_at.is_(None),
        ).order_by(WaitingListEntry.requested_at, WaitingListEntry.created_at)
    ))


@subscribe(AppointmentCancelled)
def seat_freed(unit: Unit, cancelled: AppointmentCancelled) -> None:
    """A registration was cancelled: give the seat back, then to the first person waiting
    (while the session has not begun)."""
    if cancelled.workshop_session_id is None:
        return
    workshop = unit.session.get(WorkshopSession, cancelled.workshop_session_id)
    rows.take(unit, workshop, "seats_taken", step=-1)
    if workshop.starts_at <= cancelled.cancelled_at:  # too late to call someone in
        return
    for entry in _waiting(unit.session, workshop.id):
        if not rows.take(unit, workshop, "seats_taken", limit="capacity"):
            return
        appointment_id = _register(unit, workshop, entry.person_id, entry.channel)
        rows.save(unit, entry, {"appointment_id": appointment_id}, action=None)
        record(unit, "promote", "workshop_session", workshop.id,
               **ids(entry_id=entry.id, appointment_id=appointment_id))
        unit.raise_event(WaitingListPromoted(appointment_id, entry.id))
        return


def withdraw_from_waiting_list(
    unit: Unit, entry_id: uuid.UUID, expected_version: int
) -> None:
    unit.require(Permission.BOOK_APPOINTMENTS)
    entry = rows.load_version(unit, WaitingListEntry, entry_id, expected_version)
    if entry.appointment_id is not None or entry.withdrawn_at is not None:
        raise ValidationError({"entry": "Cette personne n'est plus en liste d'attente."})
    rows.save(unit, entry, {"withdrawn_at": utcnow()}, action=None)
    record(unit, "withdraw", "workshop_session", entry.workshop_session_id,
           **ids(entry_id=entry.id))


@dataclass(frozen=True)
class ToNotify:
    """Someone whose registration or waiting-list place went with a cancelled session."""

    name: str
    phone: str  # as shown: « 06 12 34 56 78 », or empty
    email: str
    was_waiting: bool


def cancel_session(
    unit: Unit, session_id: uuid.UUID, expected_version: int, reason: str,
    *, now: datetime | None = None,
) -> list[ToNotify]:
    """Cancel a whole session before it begins: every registration is cancelled by the
    service with the reason, the waiting list is closed and the host is free again. Returns
    whom to tell, registered people first."""
    session = unit.session
    unit.require(Permission.PLAN_AGENDA)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": "Indiquez le motif de l'annulation de la session."})
    workshop = _load_session(unit, session_id)
    rows.check_version(workshop, expected_version)
    now = require_aware(now or utcnow())
    if workshop.starts_at <= now:
        raise ValidationError({"session": (
            "Cette session a déjà commencé : enregistrez la présence plutôt que de l'annuler.")})
    notify, cancelled = [], []
    registrations = session.execute(
        select(Appointment, Person).join(Person, Person.id == Appointment.person_id)
        .where(Appointment.workshop_session_id == session_id,
               Appointment.status == AppointmentStatus.BOOKED))
    for appointment, person in registrations.all():
        rows.save(unit, appointment, {
            "status": AppointmentStatus.CANCELLED, "cancelled_by": CancelledBy.SERVICE,
            "cancel_reason": reason[:300], "ical_sequence": appointment.ical_sequence + 1,
        }, action="cancel", cancelled_by=CancelledBy.SERVICE.value)
        notify.append(_to_notify(person, was_waiting=False))
        cancelled.append(appointment.id)
    for entry in _waiting(session, session_id):
        rows.save(unit, entry, {"withdrawn_at": now}, action=None)
        notify.append(_to_notify(session.get(Person, entry.person_id), was_waiting=True))
    rows.save(unit, workshop, {"cancelled_at": now, "seats_taken": 0}, action="cancel",
              registrations=sum(not n.was_waiting for n in notify),
              waiting=sum(n.was_waiting for n in notify))
    unit.raise_event(WorkshopSessionCancelled(workshop.id, tuple(cancelled)))
    return sorted(notify, key=lambda n: (n.was_waiting, n.name))


def _to_notify(person: Person, *, was_waiting: bool) -> ToNotify:
    return ToNotify(display_name(person), format_phone(person.phone), person.email or "",
                    was_waiting)


def record_attendance(
    unit: Unit, session_id: uuid.UUID, present: set[uuid.UUID], *,
    now: datetime | None = None,
) -> None:
    """Mark every registration of a session that has begun: present (honoured) or absent."""
    session = unit.session
    for appointment in session.scalars(select(Appointment).where(
        Appointment.workshop_session_id == session_id,
        Appointment.status.in_((AppointmentStatus.BOOKED, AppointmentStatus.HONOURED,
                                AppointmentStatus.NO_SHOW)),
    )):
        outcome = (AppointmentStatus.HONOURED if appointment.person_id in present
                   else AppointmentStatus.NO_SHOW)
        record_outcome(unit, appointment.id, appointment.version, outcome, now=now)


# -- reading ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class SessionRow:
    id: uuid.UUID
    motive_label: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    seats_taken: int
    waiting: int
    cancelled: bool
    host_id: uuid.UUID | None = None
    site_id: uuid.UUID | None = None
    version: int = 0

    @property
    def seats_left(self) -> int:
        return self.capacity - self.seats_taken


def sessions_between(
    unit: Unit, site_id: uuid.UUID | None, starts: datetime,
    ends: datetime, *, host_id: uuid.UUID | None = None,
) -> list[SessionRow]:
    """Sessions starting in [starts, ends[ at a site, or hosted by ``host_id``."""
    session = unit.session
    unit.require(Permission.BOOK_APPOINTMENTS)
    if (site_id is None) == (host_id is None):
        raise ValueError("give a site or a host")
    owner = (WorkshopSession.site_id == site_id if site_id
             else WorkshopSession.host_id == host_id)
    waiting = (select(func.count()).where(
        WaitingListEntry.workshop_session_id == WorkshopSession.id,
        WaitingListEntry.appointment_id.is_(None),
        WaitingListEntry.withdrawn_at.is_(None)).scalar_subquery())
    return [
        SessionRow(r.id, r.label, r.starts_at, r.ends_at, r.capacity, r.seats_taken,
                   r.waiting, r.cancelled_at is not None, r.host_id, r.site_id, r.version)
        for r in session.execute(
            select(WorkshopSession.id, Motive.label, WorkshopSession.starts_at,
                   WorkshopSession.ends_at, WorkshopSession.capacity,
                   WorkshopSession.seats_taken, WorkshopSession.cancelled_at,
                   waiting.label("waiting"), WorkshopSession.host_id,
                   WorkshopSession.site_id, WorkshopSession.version)
            .join(Motive, Motive.id == WorkshopSession.motive_id)
            .where(owner,
                   WorkshopSession.starts_at >= require_aware(starts),
                   WorkshopSession.starts_at < require_aware(ends))
            .order_by(WorkshopSession.starts_at)
        )
    ]


@dataclass(frozen=True)
class Participant:
    person_id: uuid.UUID
    name: str
    appointment_id: uuid.UUID | None  # None while waiting
    status: AppointmentStatus | None
    version: int  # of the appointment, or of the waiting-list entry
    waiting_entry_id: uuid.UUID | None


def participants(unit: Unit, session_id: uuid.UUID) -> list[Participant]:
    """Registered people (by name), then the waiting list in its order."""
    session = unit.session
    unit.require(Permission.BOOK_APPOINTMENTS)
    if session.get(WorkshopSession, session_id) is None:
        raise NotFound("Cette session d'atelier n'existe pas.")
    registered = sorted(
        (Participant(p.id, display_name(p), a.id, a.status, a.version, None)
         for a, p in session.execute(
             select(Appointment, Person).join(Person, Person.id == Appointment.person_id)
             .where(Appointment.workshop_session_id == session_id,
                    Appointment.status != AppointmentStatus.CANCELLED))),
        key=lambda p: p.name)
    waiting = [
        Participant(e.person_id, display_name(session.get(Person, e.person_id)), None, None,
                    e.version, e.id)
        for e in _waiting(session, session_id)
    ]
    return registered + waiting
