"""Reading appointments: the agenda's rows, one appointment, lists, a person's appointments,
and what calendars and invitations get (no NIR, no first name, no note)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.agenda.labels import STATUS_LABELS
from db.agenda.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    CancelledBy,
    Channel,
    Motive,
)
from db.base import require_aware, utcnow
from db.errors import NotFound, ValidationError
from db.org.access import Permission
from db.org.models import Site, Staff
from db.org.staff import staff_names
from db.people.labels import display_name
from db.people.models import Civility, Person, PersonKind
from db.roles import Role
from db.unit import Unit, audit, rows
from db.validation import format_phone
from db.wording import moment as french_moment


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
            .join(Motive, Motive.id == Appointment.motive_id))


_HIDDEN = (AppointmentStatus.CANCELLED, AppointmentStatus.RESCHEDULED)


def agenda_rows(
    unit: Unit, starts: datetime, ends: datetime, *,
    adviser_id: uuid.UUID | None = None, site_id: uuid.UUID | None = None,
    include_cancelled: bool = False,
) -> list[AgendaRow]:
    """Appointments starting in [starts, ends[ of one adviser or one site, by start time.
    Cancelled and moved ones only when asked (a list may show them, a week view does not)."""
    session = unit.session
    unit.require(Permission.BOOK_APPOINTMENTS)
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
    unit: Unit, adviser_id: uuid.UUID, *, now: datetime | None = None
) -> list[AgendaRow]:
    """« À renseigner »: the adviser's past appointments still without an outcome."""
    session = unit.session
    unit.require(Permission.BOOK_APPOINTMENTS)
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
    unit: Unit, appointment_id: uuid.UUID
) -> AppointmentDetail:
    session = unit.session
    unit.require(Permission.BOOK_APPOINTMENTS)
    (row,) = _rows(session, _row_select().where(Appointment.id == appointment_id)) or [None]
    if row is None:
        raise NotFound(Appointment.not_found)
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
        tuple(_history(unit, appointment, site.time_zone)), motive.id,
    )


_CANCELLED_BY_LABELS = {CancelledBy.PERSON: "par la personne",
                        CancelledBy.SERVICE: "par le service"}


def _history(unit: Unit, appointment: Appointment, time_zone: str):
    """(when, who, what) of every audited change of the appointment, oldest first."""
    session = unit.session
    events = audit.history(unit, "appointment", appointment.id)
    names = staff_names(session, {e.actor_id for e in events})
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
    unit: Unit, wanted: AppointmentFilter, limit: int = LIST_LIMIT
) -> list[uuid.UUID]:
    """Ids of the appointments starting in [starts, ends[ that match, by start time."""
    session = unit.session
    unit.require(Permission.BOOK_APPOINTMENTS)
    statement = select(Appointment.id).where(
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
    unit: Unit, appointment_ids: list[uuid.UUID]
) -> list[AgendaRow]:
    """The rows of these appointments (a list fetches the block it shows)."""
    session = unit.session
    unit.require(Permission.BOOK_APPOINTMENTS)
    return _rows(session, _row_select().where(Appointment.id.in_(appointment_ids)))


def person_appointments(
    unit: Unit, person_id: uuid.UUID
) -> list[AgendaRow]:
    """A person's appointments, the latest first (moved ones appear at their new time)."""
    session = unit.session
    unit.require(Permission.BOOK_APPOINTMENTS)
    return _rows(session, _row_select().where(
        Appointment.person_id == person_id,
        Appointment.status != AppointmentStatus.RESCHEDULED,
    ).order_by(Appointment.starts_at.desc()))


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
            .join(Site, Site.id == Appointment.site_id))


def calendar_entries(
    unit: Unit, adviser_login: str, first_day: date, last_day: date
) -> list[CalendarEntry]:
    """An adviser's appointments from ``first_day`` to ``last_day`` (their local days,
    inclusive), for an iCal export. Moved ones appear once, at their new time."""
    session = unit.session
    # The office's publication of its advisers' agendas (the command line without --login)
    # is a system job.
    unit.require(Permission.BOOK_APPOINTMENTS, system=True)
    if last_day < first_day:
        raise ValidationError({"last_day": (
            f"La période est inversée : le {last_day:%d/%m/%Y} précède le "
            f"{first_day:%d/%m/%Y}.")})
    adviser = session.scalar(select(Staff).where(Staff.login == adviser_login.strip().lower()))
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


def invitation(unit: Unit, appointment_id: uuid.UUID) -> Invitation:
    """The invitation of a person with an e-mail for their appointment; a cancelled one
    gives the entry to send as a cancellation."""
    session = unit.session
    unit.require(Permission.BOOK_APPOINTMENTS)
    appointment = rows.load(unit, Appointment, appointment_id)
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
