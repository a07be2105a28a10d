"""Appointments: booking, moving, cancelling, outcomes, and the agenda's read queries.

The last word on double booking belongs to the database (``AdviserBusy``: exclusion
constraint on PostgreSQL, trigger on SQLite): when two advisers take the same slot at the
same instant, the second one gets a French ``ConflictError`` and nothing is written.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exc, select
from sqlalchemy.orm import Session

from db.errors import ConflictError, NotFound, ValidationError
from db.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    CancelledBy,
    Channel,
    Civility,
    Motive,
    Person,
    PersonKind,
    Role,
    Site,
    Staff,
)
from db.models.agenda import ADVISER_OVERLAP
from db.models.base import utcnow
from db.services import audit
from db.services.access import Actor, Permission
from db.services.agenda import (
    STATUS_LABELS,
    french_moment,
    ids,
    load_adviser,
    load_motive,
    motive_allows,
    require_aware,
)
from db.services.people import display_name
from db.services.rows import check_version, flush_or_conflict, load
from db.services.slots import AgendaSnapshot, BookingWindow
from db.services.staff import load_site
from db.validation import format_phone

_NOT_FOUND = "Ce rendez-vous n'existe pas ou a été supprimé."


def slot_taken(adviser_name: str) -> ConflictError:
    return ConflictError(
        f"Ce créneau vient d'être pris : {adviser_name} n'est plus libre à cette heure "
        "(rendez-vous, atelier ou pause entre deux rendez-vous). Rien n'a été enregistré ; "
        "choisissez un autre créneau."
    )


def load_appointment(session: Session, appointment_id: uuid.UUID) -> Appointment:
    return load(session, Appointment, appointment_id, _NOT_FOUND)


def flush_busy(session: Session, adviser_name: str) -> None:
    """Write what takes an adviser's time (an appointment, a hosted session); the database
    refuses an overlap (see module doc)."""
    try:
        session.flush()
    except exc.IntegrityError as error:
        if ADVISER_OVERLAP in str(error.orig):
            raise slot_taken(adviser_name) from None
        raise


def new_ical_uid(appointment_id: uuid.UUID) -> str:
    return f"{appointment_id}@guichet"


# -- the rules of a slot ---------------------------------------------------------------------

def check_slot(
    session: Session, *, motive: Motive, kind: AppointmentKind, adviser: Staff, site: Site,
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
    snapshot = AgendaSnapshot(session, [site.id], kind, day, day, adviser_id=adviser.id,
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
        raise slot_taken(adviser.display_name)


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

def _preparation():
    """Preparation tasks follow physical appointments; that module builds on this one."""
    from db.services import preparation

    return preparation


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


def book_appointment(
    session: Session, actor: Actor, request: BookingRequest, *, now: datetime | None = None,
) -> uuid.UUID:
    """Book an individual appointment (phone, physical or video); returns its id."""
    actor.require(Permission.BOOK_APPOINTMENTS)
    if request.kind is AppointmentKind.WORKSHOP:
        raise ValidationError({"kind": "Pour un atelier, inscrivez la personne à une session."})
    person = load(session, Person, request.person_id,
                  "Cette personne n'existe pas ou a été supprimée.")
    motive = load_motive(session, request.motive_id)
    adviser = load_adviser(session, request.adviser_id)
    site = load_site(session, request.site_id)
    check_contact(person, request.kind)
    starts_at = require_aware(request.starts_at)
    ends_at = starts_at + timedelta(minutes=motive.default_minutes)
    check_slot(session, motive=motive, kind=request.kind, adviser=adviser, site=site,
               starts_at=starts_at, ends_at=ends_at, now=require_aware(now or utcnow()))
    appointment_id = uuid.uuid4()
    appointment = Appointment(
        id=appointment_id, person_id=person.id, adviser_id=adviser.id, site_id=site.id,
        motive_id=motive.id, kind=request.kind, starts_at=starts_at, ends_at=ends_at,
        channel=request.channel, booked_by_id=actor.id, note=request.note.strip(),
        ical_uid=new_ical_uid(appointment_id),
    )
    session.add(appointment)
    flush_busy(session, adviser.display_name)
    audit.record(session, actor, "book", "appointment", appointment.id,
                 kind=request.kind.value, channel=request.channel.value,
                 **ids(person_id=person.id, adviser_id=adviser.id, site_id=site.id,
                       motive_id=motive.id))
    _preparation().appointment_booked(session, actor, appointment)
    return appointment.id


def _booked(session: Session, appointment_id: uuid.UUID, expected_version: int) -> Appointment:
    appointment = load_appointment(session, appointment_id)
    check_version(appointment, expected_version, "ce rendez-vous")
    if appointment.status is not AppointmentStatus.BOOKED:
        raise ValidationError({"status": (
            "Ce rendez-vous n'est plus à venir : il ne peut plus être modifié.")})
    return appointment


def reschedule_appointment(
    session: Session, actor: Actor, appointment_id: uuid.UUID, expected_version: int,
    starts_at: datetime, *, adviser_id: uuid.UUID | None = None,
    site_id: uuid.UUID | None = None, kind: AppointmentKind | None = None,
    now: datetime | None = None,
) -> uuid.UUID:
    """Move a booked appointment: the original becomes « reporté » and a new one, linked to
    it and keeping its calendar UID, takes the new time. Returns the new appointment's id."""
    actor.require(Permission.BOOK_APPOINTMENTS)
    old = _booked(session, appointment_id, expected_version)
    if old.workshop_session_id is not None:
        raise ValidationError({"kind": "Pour un atelier, inscrivez la personne à une autre "
                                       "session."})
    kind = kind or old.kind
    person = session.get(Person, old.person_id)
    motive = load_motive(session, old.motive_id)
    adviser = load_adviser(session, adviser_id or old.adviser_id)
    site = load_site(session, site_id or old.site_id)
    check_contact(person, kind)
    starts_at = require_aware(starts_at)
    ends_at = starts_at + (old.ends_at - old.starts_at)
    check_slot(session, motive=motive, kind=kind, adviser=adviser, site=site,
               starts_at=starts_at, ends_at=ends_at, now=require_aware(now or utcnow()),
               ignore=old.id)
    # Release the old time first: the new one may overlap it (moved by a quarter of an hour).
    old.status = AppointmentStatus.RESCHEDULED
    old.ical_sequence += 1
    flush_or_conflict(session, "ce rendez-vous")
    new = Appointment(
        person_id=old.person_id, adviser_id=adviser.id, site_id=site.id,
        motive_id=old.motive_id, kind=kind, starts_at=starts_at, ends_at=ends_at,
        channel=old.channel, booked_by_id=actor.id, note=old.note,
        rescheduled_from_id=old.id, ical_uid=old.ical_uid, ical_sequence=old.ical_sequence,
    )
    session.add(new)
    flush_busy(session, adviser.display_name)
    audit.record(session, actor, "reschedule", "appointment", old.id, **ids(new_id=new.id))
    audit.record(session, actor, "book", "appointment", new.id, kind=kind.value,
                 channel=old.channel.value,
                 **ids(rescheduled_from_id=old.id, adviser_id=adviser.id, site_id=site.id))
    _preparation().appointment_moved(session, actor, old, new)
    return new.id


def cancel_appointment(
    session: Session, actor: Actor, appointment_id: uuid.UUID, expected_version: int,
    cancelled_by: CancelledBy, reason: str, *, now: datetime | None = None,
) -> None:
    """Cancel, by the person or by the service, with a reason. A workshop seat goes to the
    first person on the waiting list."""
    actor.require(Permission.BOOK_APPOINTMENTS)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": "Indiquez le motif de l'annulation."})
    appointment = _booked(session, appointment_id, expected_version)
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_by = cancelled_by
    appointment.cancel_reason = reason[:300]
    appointment.ical_sequence += 1
    flush_or_conflict(session, "ce rendez-vous")
    audit.record(session, actor, "cancel", "appointment", appointment.id,
                 cancelled_by=cancelled_by.value)
    _preparation().appointment_cancelled(session, actor, appointment)
    if appointment.workshop_session_id is not None:
        from db.services import workshops  # workshops builds on this module

        workshops.seat_freed(session, actor, appointment.workshop_session_id,
                             now=require_aware(now or utcnow()))


_OUTCOMES = (AppointmentStatus.HONOURED, AppointmentStatus.NO_SHOW)


def record_outcome(
    session: Session, actor: Actor, appointment_id: uuid.UUID, expected_version: int,
    outcome: AppointmentStatus, *, now: datetime | None = None,
) -> int:
    """Honoured or no-show, for an appointment that has begun (a wrong one may be corrected).
    Returns the new version."""
    actor.require(Permission.BOOK_APPOINTMENTS)
    if outcome not in _OUTCOMES:
        raise ValueError(f"not an outcome: {outcome}")
    appointment = load_appointment(session, appointment_id)
    check_version(appointment, expected_version, "ce rendez-vous")
    if appointment.status not in (AppointmentStatus.BOOKED, *_OUTCOMES):
        raise ValidationError({"status": "Ce rendez-vous a été annulé ou reporté."})
    now = require_aware(now or utcnow())
    if appointment.starts_at > now:
        raise ValidationError({"status": (
            "On ne renseigne l'issue d'un rendez-vous qu'une fois son heure passée.")})
    if appointment.status is outcome:
        return appointment.version
    appointment.status = outcome
    appointment.outcome_at = now
    appointment.ical_sequence += 1
    flush_or_conflict(session, "ce rendez-vous")
    audit.record(session, actor, "outcome", "appointment", appointment.id,
                 status=outcome.value)
    return appointment.version


def resolve_at_preparation(
    session: Session, actor: Actor, appointment_id: uuid.UUID, expected_version: int
) -> None:
    """The preparation call settled the matter: the visit is called off, the slot freed."""
    actor.require(Permission.PREPARE_APPOINTMENTS)
    appointment = _booked(session, appointment_id, expected_version)
    appointment.status = AppointmentStatus.RESOLVED_AT_PREPARATION
    appointment.outcome_at = utcnow()
    appointment.ical_sequence += 1
    flush_or_conflict(session, "ce rendez-vous")
    audit.record(session, actor, "resolve_at_preparation", "appointment", appointment.id)


# -- reading the agenda ----------------------------------------------------------------------

@dataclass(frozen=True)
class AgendaRow:
    """One appointment as an agenda view or list draws it: plain values, no ORM object."""

    id: uuid.UUID
    version: int
    starts_at: datetime
    ends_at: datetime
    kind: AppointmentKind
    status: AppointmentStatus
    channel: Channel
    person_id: uuid.UUID
    person_name: str
    motive_code: str
    adviser_id: uuid.UUID
    site_id: uuid.UUID
    workshop_session_id: uuid.UUID | None


_ROW_COLUMNS = (
    Appointment.id, Appointment.version, Appointment.starts_at, Appointment.ends_at,
    Appointment.kind, Appointment.status, Appointment.channel, Appointment.person_id,
    Person.kind.label("person_kind"), Person.last_name, Person.first_name,
    Person.organisation_name, Motive.code, Appointment.adviser_id, Appointment.site_id,
    Appointment.workshop_session_id,
)


def _rows(session: Session, statement) -> list[AgendaRow]:
    return [
        AgendaRow(
            r.id, r.version, r.starts_at, r.ends_at, r.kind, r.status, r.channel, r.person_id,
            r.organisation_name if r.person_kind is PersonKind.EMPLOYER
            else f"{r.last_name.upper()} {r.first_name}",
            r.code, r.adviser_id, r.site_id, r.workshop_session_id,
        )
        for r in session.execute(statement)
    ]


def _row_select():
    return (select(*_ROW_COLUMNS)
            .join(Person, Person.id == Appointment.person_id)
            .join(Motive, Motive.id == Appointment.motive_id)
            .where(Appointment.deleted_at.is_(None)))


_HIDDEN = (AppointmentStatus.CANCELLED, AppointmentStatus.RESCHEDULED)


def agenda_rows(
    session: Session, actor: Actor, starts: datetime, ends: datetime, *,
    adviser_id: uuid.UUID | None = None, site_id: uuid.UUID | None = None,
    include_cancelled: bool = False,
) -> list[AgendaRow]:
    """Appointments starting in [starts, ends[ of one adviser or one site, by start time.
    Cancelled and moved ones only when asked (a list may show them, a week view does not)."""
    actor.require(Permission.BOOK_APPOINTMENTS)
    if (adviser_id is None) == (site_id is None):
        raise ValueError("give an adviser or a site")
    column = Appointment.adviser_id if adviser_id else Appointment.site_id
    statement = _row_select().where(
        column == (adviser_id or site_id),
        Appointment.starts_at >= require_aware(starts),
        Appointment.starts_at < require_aware(ends),
    )
    if not include_cancelled:
        statement = statement.where(Appointment.status.not_in(_HIDDEN))
    return _rows(session, statement.order_by(Appointment.starts_at))


def week_bounds(monday: date, time_zone: str) -> tuple[datetime, datetime]:
    """UTC bounds of the local week starting ``monday`` (7 days ± 1 h across a change)."""
    zone = ZoneInfo(time_zone)
    return (datetime.combine(monday, time(), zone).astimezone(UTC),
            datetime.combine(monday + timedelta(days=7), time(), zone).astimezone(UTC))


def appointments_to_fill(
    session: Session, actor: Actor, adviser_id: uuid.UUID, *, now: datetime | None = None
) -> list[AgendaRow]:
    """« À renseigner »: the adviser's past appointments still without an outcome."""
    actor.require(Permission.BOOK_APPOINTMENTS)
    now = require_aware(now or utcnow())
    return _rows(session, _row_select().where(
        Appointment.adviser_id == adviser_id,
        Appointment.status == AppointmentStatus.BOOKED,
        Appointment.starts_at < now,
    ).order_by(Appointment.starts_at))


@dataclass(frozen=True)
class AppointmentDetail:
    row: AgendaRow
    motive_label: str
    documents: tuple[str, ...]
    adviser_name: str
    site_name: str
    time_zone: str
    note: str
    cancelled_by: CancelledBy | None
    cancel_reason: str
    rescheduled_from_id: uuid.UUID | None
    rescheduled_to_id: uuid.UUID | None
    # What the appointment screen shows besides: how to reach the person (never the NIR),
    # and the appointment's history (when, who, what, in French).
    person_phone: str = ""
    person_email: str = ""
    history: tuple[tuple[datetime, str, str], ...] = ()
    motive_id: uuid.UUID | None = None  # to offer the free slots of a move


def get_appointment(
    session: Session, actor: Actor, appointment_id: uuid.UUID
) -> AppointmentDetail:
    actor.require(Permission.BOOK_APPOINTMENTS)
    (row,) = _rows(session, _row_select().where(Appointment.id == appointment_id)) or [None]
    if row is None:
        raise NotFound(_NOT_FOUND)
    appointment = session.get(Appointment, appointment_id)
    motive = session.get(Motive, appointment.motive_id)
    site = session.get(Site, appointment.site_id)
    follower = session.scalar(select(Appointment.id).where(
        Appointment.rescheduled_from_id == appointment_id))
    person = session.get(Person, appointment.person_id)
    return AppointmentDetail(
        row, motive.label, tuple(motive.documents),
        session.get(Staff, appointment.adviser_id).display_name, site.name, site.time_zone,
        appointment.note, appointment.cancelled_by, appointment.cancel_reason,
        appointment.rescheduled_from_id, follower,
        format_phone(person.phone) if person.phone else "", person.email or "",
        tuple(_history(session, appointment, site.time_zone)), motive.id,
    )


_CANCELLED_BY_LABELS = {CancelledBy.PERSON: "par la personne",
                        CancelledBy.SERVICE: "par le service"}


def _history(session: Session, appointment: Appointment, time_zone: str):
    """(when, who, what) of every audited change of the appointment, oldest first."""
    events = audit.history(session, "appointment", appointment.id)
    names = {s.id: s.display_name for s in session.scalars(
        select(Staff).where(Staff.id.in_({e.actor_id for e in events if e.actor_id})))}
    for event in events:
        if event.action == "book" and appointment.rescheduled_from_id:
            origin = session.get(Appointment, appointment.rescheduled_from_id)
            what = f"Déplacé depuis le {french_moment(origin.starts_at, time_zone)}"
        elif event.action == "book":
            what = "Rendez-vous pris"
        elif event.action == "reschedule":
            follower = session.get(Appointment, uuid.UUID(event.details["new_id"]))
            what = f"Déplacé au {french_moment(follower.starts_at, time_zone)}"
        elif event.action == "cancel":
            what = (f"Annulé {_CANCELLED_BY_LABELS[CancelledBy(event.details['cancelled_by'])]}"
                    f" : {appointment.cancel_reason}")
        elif event.action == "outcome":
            what = f"Issue : {STATUS_LABELS[AppointmentStatus(event.details['status'])].lower()}"
        else:
            what = STATUS_LABELS.get(appointment.status, event.action)
        yield event.occurred_at, names.get(event.actor_id, "Système"), what


# -- lists of appointments ---------------------------------------------------------------------

# A list stops there: a period of a whole site is at most a few thousand appointments.
LIST_LIMIT = 5000


@dataclass
class AppointmentFilter:
    starts: datetime
    ends: datetime
    adviser_id: uuid.UUID | None = None
    site_id: uuid.UUID | None = None
    kind: AppointmentKind | None = None
    status: AppointmentStatus | None = None


def find_appointments(
    session: Session, actor: Actor, wanted: AppointmentFilter, limit: int = LIST_LIMIT
) -> list[uuid.UUID]:
    """Ids of the appointments starting in [starts, ends[ that match, by start time."""
    actor.require(Permission.BOOK_APPOINTMENTS)
    statement = select(Appointment.id).where(
        Appointment.deleted_at.is_(None),
        Appointment.starts_at >= require_aware(wanted.starts),
        Appointment.starts_at < require_aware(wanted.ends))
    for column, value in ((Appointment.adviser_id, wanted.adviser_id),
                          (Appointment.site_id, wanted.site_id),
                          (Appointment.kind, wanted.kind),
                          (Appointment.status, wanted.status)):
        if value is not None:
            statement = statement.where(column == value)
    return list(session.scalars(
        statement.order_by(Appointment.starts_at, Appointment.id).limit(limit)))


def appointment_rows(
    session: Session, actor: Actor, appointment_ids: list[uuid.UUID]
) -> list[AgendaRow]:
    """The rows of these appointments (a list fetches the block it shows)."""
    actor.require(Permission.BOOK_APPOINTMENTS)
    return _rows(session, _row_select().where(Appointment.id.in_(appointment_ids)))


def person_appointments(
    session: Session, actor: Actor, person_id: uuid.UUID
) -> list[AgendaRow]:
    """A person's appointments, the latest first (moved ones appear at their new time)."""
    actor.require(Permission.BOOK_APPOINTMENTS)
    return _rows(session, _row_select().where(
        Appointment.person_id == person_id,
        Appointment.status != AppointmentStatus.RESCHEDULED,
    ).order_by(Appointment.starts_at.desc()))


# -- what calendars get ----------------------------------------------------------------------

@dataclass(frozen=True)
class CalendarEntry:
    """An appointment as it may appear in a calendar that can end up on a phone: no NIR,
    no first name, no note, only the motive's short code."""

    uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    kind: AppointmentKind
    cancelled: bool
    person_label: str  # « Mme D. »
    motive_code: str
    site_name: str
    site_address: str
    updated_at: datetime


_CIVILITY = {Civility.MADAME: "Mme", Civility.MONSIEUR: "M."}


def person_label(kind: PersonKind, civility: Civility | None, last_name: str,
                 organisation_name: str) -> str:
    """« Mme D. »: the civility and the initial of the name, nothing more."""
    name = organisation_name if kind is PersonKind.EMPLOYER else last_name
    initial = f"{name.strip()[:1].upper()}." if name.strip() else ""
    return " ".join(part for part in (_CIVILITY.get(civility, ""), initial) if part)


_CALENDAR_COLUMNS = (
    Appointment.ical_uid, Appointment.ical_sequence, Appointment.starts_at,
    Appointment.ends_at, Appointment.kind, Appointment.status, Appointment.updated_at,
    Person.kind.label("person_kind"), Person.civility, Person.last_name,
    Person.organisation_name, Motive.code, Site.name.label("site_name"), Site.address,
    Site.postcode, Site.city, Site.time_zone,
)


def _entry(r) -> CalendarEntry:
    address = ", ".join(p for p in (r.address, f"{r.postcode} {r.city}".strip()) if p)
    return CalendarEntry(
        r.ical_uid, r.ical_sequence, r.starts_at, r.ends_at, r.time_zone, r.kind,
        r.status in _CALLED_OFF,
        person_label(r.person_kind, r.civility, r.last_name, r.organisation_name),
        r.code, r.site_name, address, r.updated_at,
    )


# Shown as cancelled in calendars; a moved appointment is not: its successor carries the UID.
_CALLED_OFF = (AppointmentStatus.CANCELLED, AppointmentStatus.RESOLVED_AT_PREPARATION)


def _calendar_select():
    return (select(*_CALENDAR_COLUMNS)
            .join(Person, Person.id == Appointment.person_id)
            .join(Motive, Motive.id == Appointment.motive_id)
            .join(Site, Site.id == Appointment.site_id)
            .where(Appointment.deleted_at.is_(None)))


def calendar_entries(
    session: Session, actor: Actor, adviser_login: str, first_day: date, last_day: date
) -> list[CalendarEntry]:
    """An adviser's appointments from ``first_day`` to ``last_day`` (their local days,
    inclusive), for an iCal export. Moved ones appear once, at their new time."""
    actor.require(Permission.BOOK_APPOINTMENTS)
    if last_day < first_day:
        raise ValidationError({"last_day": (
            f"La période est inversée : le {last_day:%d/%m/%Y} précède le "
            f"{first_day:%d/%m/%Y}.")})
    adviser = session.scalar(select(Staff).where(Staff.login == adviser_login.strip().lower(),
                                                 Staff.deleted_at.is_(None)))
    if adviser is None or adviser.role is not Role.ADVISER:
        raise NotFound(f"Aucun conseiller n'a l'identifiant « {adviser_login} ».")
    site = session.get(Site, adviser.site_id) if adviser.site_id else None
    zone = ZoneInfo(site.time_zone if site else "Europe/Paris")
    statement = _calendar_select().where(
        Appointment.adviser_id == adviser.id,
        Appointment.status != AppointmentStatus.RESCHEDULED,
        Appointment.starts_at >= datetime.combine(first_day, time(), zone),
        Appointment.starts_at < datetime.combine(last_day + timedelta(days=1), time(), zone),
    ).order_by(Appointment.starts_at)
    return [_entry(r) for r in session.execute(statement)]


@dataclass(frozen=True)
class Invitation:
    """What a person's own invitation (or its cancellation) needs."""

    entry: CalendarEntry
    attendee_email: str
    organizer_name: str  # the site
    organizer_email: str


def invitation(session: Session, actor: Actor, appointment_id: uuid.UUID) -> Invitation:
    """The invitation of a person with an e-mail for their appointment; a cancelled one
    gives the entry to send as a cancellation."""
    actor.require(Permission.BOOK_APPOINTMENTS)
    appointment = load_appointment(session, appointment_id)
    person = session.get(Person, appointment.person_id)
    if not person.email:
        raise ValidationError({"email": (
            f"{display_name(person)} n'a pas d'adresse e-mail : pas d'invitation possible.")})
    row = session.execute(_calendar_select().add_columns(Site.email)
                          .where(Appointment.id == appointment_id)).one()
    if not row.email:
        raise ValidationError({"email": (
            f"Le lieu « {row.site_name} » n'a pas d'adresse e-mail pour organiser "
            "l'invitation : un administrateur la renseigne dans Administration › Lieux.")})
    return Invitation(_entry(row), person.email, row.site_name, row.email)

