"""Appointments' lifecycle: booking, moving, cancelling and outcomes.

The last word on double booking belongs to the database (``AdviserBusy``: exclusion
constraint on PostgreSQL, trigger on SQLite): when two advisers take the same slot at the
same instant, the second one gets a French ``ConflictError`` and nothing is written.
What follows a booking elsewhere (a preparation task, a freed workshop seat) listens to the
events raised here (``db.agenda.events``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exc

from db.agenda.events import AppointmentBooked, AppointmentCancelled, AppointmentMoved
from db.agenda.models import (
    ADVISER_OVERLAP,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    CancelledBy,
    Channel,
    Motive,
)
from db.agenda.setup import load_adviser, load_motive, motive_allows
from db.agenda.slots import AgendaSnapshot, BookingWindow
from db.base import Entity, require_aware, utcnow
from db.errors import ConflictError, ValidationError
from db.org import sites as org_sites
from db.org.access import Permission
from db.org.models import Site, Staff
from db.people.models import Person
from db.unit import Unit, audit, rows
from db.wording import moment as french_moment


def slot_taken(adviser_name: str) -> str:
    return (f"Ce créneau vient d'être pris : {adviser_name} n'est plus libre à cette heure "
            "(rendez-vous, atelier ou pause entre deux rendez-vous). Rien n'a été "
            "enregistré ; choisissez un autre créneau.")


def create_busy(unit: Unit, row: Entity, adviser_name: str, **details: object) -> None:
    """Write what takes an adviser's time (an appointment, a hosted session); the database
    refuses an overlap (see the module docstring), and so does a race lost meanwhile."""
    unit.conflict_message = slot_taken(adviser_name)
    try:
        rows.create(unit, row, **details)
    except exc.IntegrityError as error:
        if ADVISER_OVERLAP in str(error.orig):
            raise ConflictError(unit.conflict_message) from None
        raise


def new_ical_uid(appointment_id: uuid.UUID) -> str:
    return f"{appointment_id}@guichet"


# -- the rules of a slot ---------------------------------------------------------------------

def check_slot(
    unit: Unit, *, motive: Motive, kind: AppointmentKind, adviser: Staff, site: Site,
    starts_at: datetime, ends_at: datetime, now: datetime, ignore: uuid.UUID | None = None,
) -> None:
    """Refuse, in French, a slot that the free-slot search would not have offered."""
    zone = ZoneInfo(site.time_zone)
    day = starts_at.astimezone(zone).date()
    reason = motive_allows(motive, kind, day)
    if reason:
        raise ValidationError({"motive_id": reason})
    bounds = BookingWindow(now, motive)
    if starts_at < now:
        raise ValidationError({"starts_at": "Ce créneau est déjà passé."})
    if starts_at < bounds.earliest:
        raise ValidationError({"starts_at": (
            f"Le motif « {motive.label} » se réserve au moins {motive.min_notice_hours} h "
            "à l'avance.")})
    if day > bounds.last_day(zone):
        raise ValidationError({"starts_at": (
            f"Le motif « {motive.label} » se réserve au plus {motive.max_horizon_days} jours "
            "à l'avance.")})
    snapshot = AgendaSnapshot(unit.session, [site.id], kind, day, day, adviser_id=adviser.id,
                              ignore=ignore)
    fits = any(start <= starts_at and ends_at <= end
               for _, _, (start, end) in snapshot.open_windows())
    if not fits:
        holiday = snapshot.sites[site.id].calendar.holiday_name(day) if snapshot.sites else None
        if holiday:
            raise ValidationError({"starts_at": (
                f"Le {day:%d/%m/%Y} est un jour férié ({holiday}) : pas de rendez-vous.")})
        raise ValidationError({"starts_at": (
            f"{adviser.display_name} ne reçoit pas en rendez-vous de ce type à "
            f"« {site.name} » le {french_moment(starts_at, site.time_zone)} (hors horaires, "
            "disponibilités ou absence).")})
    if snapshot.overlaps_busy(adviser.id, site.id, (starts_at, ends_at)):
        raise ConflictError(slot_taken(adviser.display_name))


def check_contact(person: Person, kind: AppointmentKind) -> None:
    if kind is AppointmentKind.PHONE and not person.phone:
        raise ValidationError({"kind": (
            "Un rendez-vous téléphonique demande le numéro de téléphone de la personne : "
            "complétez sa fiche.")})
    if kind is AppointmentKind.VIDEO and not person.email:
        raise ValidationError({"kind": (
            "Un rendez-vous en visio demande l'adresse e-mail de la personne : "
            "complétez sa fiche.")})


# -- booking and the lifecycle ---------------------------------------------------------------

@dataclass
class BookingRequest:
    person_id: uuid.UUID
    adviser_id: uuid.UUID
    site_id: uuid.UUID
    motive_id: uuid.UUID
    kind: AppointmentKind
    starts_at: datetime
    channel: Channel
    note: str = ""


def book_appointment(unit: Unit, request: BookingRequest, *,
                     now: datetime | None = None) -> uuid.UUID:
    """Book an individual appointment (phone, physical or video); returns its id."""
    unit.require(Permission.BOOK_APPOINTMENTS)
    if request.kind is AppointmentKind.WORKSHOP:
        raise ValidationError({"kind": "Pour un atelier, inscrivez la personne à une session."})
    person = rows.load(unit, Person, request.person_id)
    motive = load_motive(unit, request.motive_id)
    adviser = load_adviser(unit, request.adviser_id)
    site = rows.load(unit, Site, request.site_id)
    org_sites.require_in_scope(unit, site)
    check_contact(person, request.kind)
    starts_at = require_aware(request.starts_at)
    ends_at = starts_at + timedelta(minutes=motive.default_minutes)
    check_slot(unit, motive=motive, kind=request.kind, adviser=adviser, site=site,
               starts_at=starts_at, ends_at=ends_at, now=require_aware(now or utcnow()))
    appointment_id = uuid.uuid4()
    appointment = Appointment(
        id=appointment_id, person_id=person.id, adviser_id=adviser.id, site_id=site.id,
        motive_id=motive.id, kind=request.kind, starts_at=starts_at, ends_at=ends_at,
        channel=request.channel, booked_by_id=unit.actor_id, note=request.note.strip(),
        ical_uid=new_ical_uid(appointment_id),
    )
    create_busy(unit, appointment, adviser.display_name, action="book",
                kind=request.kind.value, channel=request.channel.value,
                **audit.ids(person_id=person.id, adviser_id=adviser.id, site_id=site.id,
                            motive_id=motive.id))
    unit.raise_event(AppointmentBooked(appointment.id))
    return appointment.id


def booked(unit: Unit, appointment_id: uuid.UUID, expected_version: int) -> Appointment:
    """An appointment still to come, as it was at ``expected_version``."""
    appointment = rows.load_version(unit, Appointment, appointment_id, expected_version)
    if appointment.status is not AppointmentStatus.BOOKED:
        raise ValidationError({"status": (
            "Ce rendez-vous n'est plus à venir : il ne peut plus être modifié.")})
    return appointment


def reschedule_appointment(
    unit: Unit, appointment_id: uuid.UUID, expected_version: int, starts_at: datetime, *,
    adviser_id: uuid.UUID | None = None, site_id: uuid.UUID | None = None,
    kind: AppointmentKind | None = None, now: datetime | None = None,
) -> uuid.UUID:
    """Move a booked appointment: the original becomes « reporté » and a new one, linked to
    it and keeping its calendar UID, takes the new time. Returns the new appointment's id."""
    unit.require(Permission.BOOK_APPOINTMENTS)
    old = booked(unit, appointment_id, expected_version)
    if old.workshop_session_id is not None:
        raise ValidationError({"kind": "Pour un atelier, inscrivez la personne à une autre "
                                       "session."})
    kind = kind or old.kind
    person = unit.session.get(Person, old.person_id)
    motive = load_motive(unit, old.motive_id)
    adviser = load_adviser(unit, adviser_id or old.adviser_id)
    site = rows.load(unit, Site, site_id or old.site_id)
    org_sites.require_in_scope(unit, site)
    check_contact(person, kind)
    starts_at = require_aware(starts_at)
    ends_at = starts_at + (old.ends_at - old.starts_at)
    check_slot(unit, motive=motive, kind=kind, adviser=adviser, site=site,
               starts_at=starts_at, ends_at=ends_at, now=require_aware(now or utcnow()),
               ignore=old.id)
    # Release the old time first: the new one may overlap it (moved by a quarter of an hour).
    new_id = uuid.uuid4()
    rows.save(unit, old, {"status": AppointmentStatus.RESCHEDULED,
                          "ical_sequence": old.ical_sequence + 1},
              action="reschedule", **audit.ids(new_id=new_id))
    new = Appointment(
        id=new_id, person_id=old.person_id, adviser_id=adviser.id, site_id=site.id,
        motive_id=old.motive_id, kind=kind, starts_at=starts_at, ends_at=ends_at,
        channel=old.channel, booked_by_id=unit.actor_id, note=old.note,
        rescheduled_from_id=old.id, ical_uid=old.ical_uid, ical_sequence=old.ical_sequence,
    )
    create_busy(unit, new, adviser.display_name, action="book", kind=kind.value,
                channel=old.channel.value,
                **audit.ids(rescheduled_from_id=old.id, adviser_id=adviser.id,
                            site_id=site.id))
    unit.raise_event(AppointmentMoved(old.id, new.id))
    return new.id


def cancel_appointment(
    unit: Unit, appointment_id: uuid.UUID, expected_version: int, cancelled_by: CancelledBy,
    reason: str, *, now: datetime | None = None,
) -> None:
    """Cancel, by the person or by the service, with a reason. A workshop seat goes to the
    first person on the waiting list (``db.agenda.workshops`` listens)."""
    unit.require(Permission.BOOK_APPOINTMENTS)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": "Indiquez le motif de l'annulation."})
    appointment = booked(unit, appointment_id, expected_version)
    rows.save(unit, appointment, {
        "status": AppointmentStatus.CANCELLED, "cancelled_by": cancelled_by,
        "cancel_reason": reason[:300], "ical_sequence": appointment.ical_sequence + 1,
    }, action="cancel", cancelled_by=cancelled_by.value)
    unit.raise_event(AppointmentCancelled(appointment.id, appointment.workshop_session_id,
                                          require_aware(now or utcnow())))


_OUTCOMES = (AppointmentStatus.HONOURED, AppointmentStatus.NO_SHOW)


def record_outcome(
    unit: Unit, appointment_id: uuid.UUID, expected_version: int, outcome: AppointmentStatus,
    *, now: datetime | None = None,
) -> int:
    """Honoured or no-show, for an appointment that has begun (a wrong one may be corrected).
    Returns the new version."""
    unit.require(Permission.BOOK_APPOINTMENTS)
    if outcome not in _OUTCOMES:
        raise ValueError(f"not an outcome: {outcome}")
    appointment = rows.load_version(unit, Appointment, appointment_id, expected_version)
    if appointment.status not in (AppointmentStatus.BOOKED, *_OUTCOMES):
        raise ValidationError({"status": "Ce rendez-vous a été annulé ou reporté."})
    now = require_aware(now or utcnow())
    if appointment.starts_at > now:
        raise ValidationError({"status": (
            "On ne renseigne l'issue d'un rendez-vous qu'une fois son heure passée.")})
    if appointment.status is not outcome:
        rows.save(unit, appointment, {"status": outcome, "outcome_at": now,
                                      "ical_sequence": appointment.ical_sequence + 1},
                  action="outcome", status=outcome.value)
    return appointment.version


def resolve_at_preparation(unit: Unit, appointment_id: uuid.UUID,
                           expected_version: int) -> None:
    """The preparation call settled the matter: the visit is called off, the slot freed."""
    unit.require(Permission.PREPARE_APPOINTMENTS)
    appointment = booked(unit, appointment_id, expected_version)
    rows.save(unit, appointment, {
        "status": AppointmentStatus.RESOLVED_AT_PREPARATION, "outcome_at": utcnow(),
        "ical_sequence": appointment.ical_sequence + 1,
    }, action="resolve_at_preparation")
