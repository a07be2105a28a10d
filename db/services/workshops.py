"""Collective workshops (atelier flash ameli, atelier numérique): sessions, registrations,
waiting list and attendance.

A registration is an appointment of kind ``workshop`` linked to its session, so outcomes,
« à renseigner » and calendars treat it like any other. The number of seats taken lives on
the session row; a seat is only ever taken by one conditional UPDATE, checked by a CHECK
constraint: two people taking the last seat at the same instant cannot both get it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.errors import NotFound, ValidationError
from db.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    CancelledBy,
    Channel,
    Motive,
    Person,
    WaitingListEntry,
    WorkshopSession,
)
from db.models.base import utcnow
from db.services import audit
from db.services.access import Actor, Permission
from db.services.agenda import ids, load_adviser, load_motive, motive_allows, require_aware
from db.services.booking import flush_busy, new_ical_uid, record_outcome, slot_taken
from db.services.people import display_name
from db.services.rows import check_version, flush_or_conflict, load
from db.services.slots import adviser_busy, site_closed
from db.services.staff import load_site
from db.validation import format_phone

MAX_CAPACITY = 100


def _load_session(session: Session, session_id: uuid.UUID) -> WorkshopSession:
    workshop = load(session, WorkshopSession, session_id,
                    "Cette session d'atelier n'existe pas ou a été supprimée.")
    if workshop.cancelled_at is not None:
        raise ValidationError({"session": "Cette session d'atelier a été annulée."})
    return workshop


def schedule_session(
    session: Session, actor: Actor, motive_id: uuid.UUID, site_id: uuid.UUID,
    host_id: uuid.UUID, starts_at: datetime, capacity: int, *, now: datetime | None = None,
) -> uuid.UUID:
    """Plan a session of a workshop motive, at a site open then, hosted by an adviser who
    is free then."""
    actor.require(Permission.PLAN_AGENDA)
    motive = load_motive(session, motive_id)
    site = load_site(session, site_id)
    host = load_adviser(session, host_id)
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
        raise slot_taken(host.display_name)
    workshop = WorkshopSession(motive_id=motive_id, site_id=site_id, host_id=host_id,
                               starts_at=starts_at, ends_at=ends_at, capacity=capacity)
    session.add(workshop)
    flush_busy(session, host.display_name)
    audit.record(session, actor, "create", "workshop_session", workshop.id,
                 **ids(motive_id=motive_id, site_id=site_id, host_id=host_id))
    return workshop.id


def _take_seat(session: Session, workshop: WorkshopSession) -> bool:
    """Take one seat if one is left, atomically; the version rises like any write."""
    taken = session.execute(
        update(WorkshopSession)
        .where(WorkshopSession.id == workshop.id,
               WorkshopSession.seats_taken < WorkshopSession.capacity)
        .values(seats_taken=WorkshopSession.seats_taken + 1,
                version=WorkshopSession.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    session.expire(workshop)
    return taken


def _register(
    session: Session, actor: Actor, workshop: WorkshopSession, person_id: uuid.UUID,
    channel: Channel,
) -> uuid.UUID:
    appointment_id = uuid.uuid4()
    session.add(Appointment(
        id=appointment_id, person_id=person_id, adviser_id=workshop.host_id,
        site_id=workshop.site_id, motive_id=workshop.motive_id, kind=AppointmentKind.WORKSHOP,
        starts_at=workshop.starts_at, ends_at=workshop.ends_at, channel=channel,
        booked_by_id=actor.id, workshop_session_id=workshop.id,
        ical_uid=new_ical_uid(appointment_id),
    ))
    session.flush()
    audit.record(session, actor, "book", "appointment", appointment_id,
                 kind=AppointmentKind.WORKSHOP.value, channel=channel.value,
                 **ids(person_id=person_id, workshop_session_id=workshop.id))
    return appointment_id


@dataclass(frozen=True)
class Registration:
    """Either a seat (``appointment_id``) or a place on the waiting list (1 = next)."""

    appointment_id: uuid.UUID | None
    waiting_position: int | None


def register(
    session: Session, actor: Actor, session_id: uuid.UUID, person_id: uuid.UUID,
    channel: Channel, *, now: datetime | None = None,
) -> Registration:
    """Register a person; when the session is full, put them on its waiting list."""
    actor.require(Permission.BOOK_APPOINTMENTS)
    workshop = _load_session(session, session_id)
    person = load(session, Person, person_id, "Cette personne n'existe pas ou a été supprimée.")
    now = require_aware(now or utcnow())
    if workshop.starts_at <= now:
        raise ValidationError({"session": "Cette session d'atelier a déjà commencé."})
    already = session.scalar(select(func.count()).select_from(Appointment).where(
        Appointment.workshop_session_id == session_id, Appointment.person_id == person_id,
        Appointment.status == AppointmentStatus.BOOKED, Appointment.deleted_at.is_(None)))
    if already or _waiting_entry(session, session_id, person_id) is not None:
        raise ValidationError({"person_id": (
            f"{display_name(person)} est déjà inscrit(e) à cette session.")})
    if _take_seat(session, workshop):
        return Registration(_register(session, actor, workshop, person_id, channel), None)
    entry = WaitingListEntry(workshop_session_id=session_id, person_id=person_id,
                             channel=channel, requested_at=now)
    session.add(entry)
    session.flush()
    audit.record(session, actor, "wait", "workshop_session", session_id,
                 **ids(person_id=person_id, entry_id=entry.id))
    return Registration(None, len(_waiting(session, session_id)))


def _waiting_entry(session, session_id, person_id) -> WaitingListEntry | None:
    return next((e for e in _waiting(session, session_id) if e.person_id == person_id), None)


def _waiting(session: Session, session_id: uuid.UUID) -> list[WaitingListEntry]:
    """Who still waits for a seat, first come first served."""
    return list(session.scalars(
        select(WaitingListEntry).where(
            WaitingListEntry.workshop_session_id == session_id,
            WaitingListEntry.appointment_id.is_(None),
            WaitingListEntry.withdrawn_at.is_(None),
            WaitingListEntry.deleted_at.is_(None),
        ).order_by(WaitingListEntry.requested_at, WaitingListEntry.created_at)
    ))


def seat_freed(
    session: Session, actor: Actor, session_id: uuid.UUID, *, now: datetime
) -> uuid.UUID | None:
    """A registration was cancelled: give the seat back, then to the first person waiting.
    Returns the promoted person's new appointment, if any."""
    session.execute(
        update(WorkshopSession)
        .where(WorkshopSession.id == session_id)
        .values(seats_taken=WorkshopSession.seats_taken - 1,
                version=WorkshopSession.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    workshop = session.get(WorkshopSession, session_id)
    session.expire(workshop)
    if workshop.starts_at <= now:  # too late to call someone in
        return None
    for entry in _waiting(session, session_id):
        if not _take_seat(session, workshop):
            return None
        entry.appointment_id = _register(session, actor, workshop, entry.person_id,
                                         entry.channel)
        session.flush()
        audit.record(session, actor, "promote", "workshop_session", session_id,
                     **ids(entry_id=entry.id, appointment_id=entry.appointment_id))
        return entry.appointment_id
    return None


def withdraw_from_waiting_list(
    session: Session, actor: Actor, entry_id: uuid.UUID, expected_version: int
) -> None:
    actor.require(Permission.BOOK_APPOINTMENTS)
    entry = load(session, WaitingListEntry, entry_id, "Cette inscription en attente n'existe "
                 "pas.")
    check_version(entry, expected_version, "cette inscription")
    if entry.appointment_id is not None or entry.withdrawn_at is not None:
        raise ValidationError({"entry": "Cette personne n'est plus en liste d'attente."})
    entry.withdrawn_at = utcnow()
    flush_or_conflict(session, "cette inscription")
    audit.record(session, actor, "withdraw", "workshop_session", entry.workshop_session_id,
                 **ids(entry_id=entry.id))


@dataclass(frozen=True)
class ToNotify:
    """Someone whose registration or waiting-list place went with a cancelled session."""

    name: str
    phone: str  # as shown: « 06 12 34 56 78 », or empty
    email: str
    was_waiting: bool


def cancel_session(
    session: Session, actor: Actor, session_id: uuid.UUID, expected_version: int, reason: str,
    *, now: datetime | None = None,
) -> list[ToNotify]:
    """Cancel a whole session before it begins: every registration is cancelled by the
    service with the reason, the waiting list is closed and the host is free again. Returns
    whom to tell, registered people first."""
    actor.require(Permission.PLAN_AGENDA)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": "Indiquez le motif de l'annulation de la session."})
    workshop = _load_session(session, session_id)
    check_version(workshop, expected_version, "cette session d'atelier")
    now = require_aware(now or utcnow())
    if workshop.starts_at <= now:
        raise ValidationError({"session": (
            "Cette session a déjà commencé : enregistrez la présence plutôt que de l'annuler.")})
    notify = []
    registrations = session.execute(
        select(Appointment, Person).join(Person, Person.id == Appointment.person_id)
        .where(Appointment.workshop_session_id == session_id,
               Appointment.status == AppointmentStatus.BOOKED,
               Appointment.deleted_at.is_(None)))
    for appointment, person in registrations:
        appointment.status = AppointmentStatus.CANCELLED
        appointment.cancelled_by = CancelledBy.SERVICE
        appointment.cancel_reason = reason[:300]
        appointment.ical_sequence += 1
        audit.record(session, actor, "cancel", "appointment", appointment.id,
                     cancelled_by=CancelledBy.SERVICE.value)
        notify.append(_to_notify(person, was_waiting=False))
    for entry in _waiting(session, session_id):
        entry.withdrawn_at = now
        notify.append(_to_notify(session.get(Person, entry.person_id), was_waiting=True))
    workshop.cancelled_at = now
    workshop.seats_taken = 0
    flush_or_conflict(session, "cette session d'atelier")
    audit.record(session, actor, "cancel", "workshop_session", session_id,
                 registrations=sum(not n.was_waiting for n in notify),
                 waiting=sum(n.was_waiting for n in notify))
    return sorted(notify, key=lambda n: (n.was_waiting, n.name))


def _to_notify(person: Person, *, was_waiting: bool) -> ToNotify:
    return ToNotify(display_name(person), format_phone(person.phone), person.email or "",
                    was_waiting)


def record_attendance(
    session: Session, actor: Actor, session_id: uuid.UUID, present: set[uuid.UUID], *,
    now: datetime | None = None,
) -> None:
    """Mark every registration of a session that has begun: present (honoured) or absent."""
    for appointment in session.scalars(select(Appointment).where(
        Appointment.workshop_session_id == session_id, Appointment.deleted_at.is_(None),
        Appointment.status.in_((AppointmentStatus.BOOKED, AppointmentStatus.HONOURED,
                                AppointmentStatus.NO_SHOW)),
    )):
        outcome = (AppointmentStatus.HONOURED if appointment.person_id in present
                   else AppointmentStatus.NO_SHOW)
        record_outcome(session, actor, appointment.id, appointment.version, outcome, now=now)


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
    session: Session, actor: Actor, site_id: uuid.UUID | None, starts: datetime,
    ends: datetime, *, host_id: uuid.UUID | None = None,
) -> list[SessionRow]:
    """Sessions starting in [starts, ends[ at a site, or hosted by ``host_id``."""
    actor.require(Permission.BOOK_APPOINTMENTS)
    if (site_id is None) == (host_id is None):
        raise ValueError("give a site or a host")
    owner = (WorkshopSession.site_id == site_id if site_id
             else WorkshopSession.host_id == host_id)
    waiting = (select(func.count()).where(
        WaitingListEntry.workshop_session_id == WorkshopSession.id,
        WaitingListEntry.appointment_id.is_(None), WaitingListEntry.withdrawn_at.is_(None),
        WaitingListEntry.deleted_at.is_(None)).scalar_subquery())
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
            .where(owner, WorkshopSession.deleted_at.is_(None),
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


def participants(session: Session, actor: Actor, session_id: uuid.UUID) -> list[Participant]:
    """Registered people (by name), then the waiting list in its order."""
    actor.require(Permission.BOOK_APPOINTMENTS)
    if session.get(WorkshopSession, session_id) is None:
        raise NotFound("Cette session d'atelier n'existe pas.")
    registered = sorted(
        (Participant(p.id, display_name(p), a.id, a.status, a.version, None)
         for a, p in session.execute(
             select(Appointment, Person).join(Person, Person.id == Appointment.person_id)
             .where(Appointment.workshop_session_id == session_id,
                    Appointment.deleted_at.is_(None),
                    Appointment.status != AppointmentStatus.CANCELLED))),
        key=lambda p: p.name)
    waiting = [
        Participant(e.person_id, display_name(session.get(Person, e.person_id)), None, None,
                    e.version, e.id)
        for e in _waiting(session, session_id)
    ]
    return registered + waiting
