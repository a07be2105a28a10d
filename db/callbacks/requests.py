"""Call-back requests (« fiches de contact »): taken at the reception or by a France Services
partner, due within 24 working hours, closed with an outcome or turned into an appointment."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import aliased

from db import validation
from db.agenda.booking import BookingRequest, book_appointment
from db.agenda.models import Channel, Motive
from db.agenda.setup import load_motive
from db.base import require_aware, utcnow
from db.callbacks.models import CallbackOutcome, CallbackRequest
from db.errors import ValidationError
from db.org import sites as org_sites
from db.org.access import Permission
from db.org.models import Site, Staff
from db.people.labels import display_name
from db.people.models import Person
from db.roles import Role
from db.unit import Unit, rows
from db.unit.audit import ids
from db.workdays import WorkingCalendar

DUE_WITHIN_HOURS = 24
_DAY = timedelta(days=1)


def due_time(
    requested_at: datetime, time_zone: str, department: str,
    hours: int = DUE_WITHIN_HOURS,
) -> datetime:
    """``hours`` of working-day time after ``requested_at``: the clock stops on weekends and
    public holidays of the site's département. Counted on the local wall clock, so a request
    taken on Friday at 15:00 is due on Monday at 15:00 whatever the daylight-saving change."""
    zone = ZoneInfo(time_zone)
    calendar = WorkingCalendar(department)
    local = require_aware(requested_at).astimezone(zone)
    day = local.date()
    elapsed_today = local.replace(tzinfo=None) - datetime.combine(day, time())
    remaining = timedelta(hours=hours)
    while True:
        if calendar.is_working_day(day):
            left_today = _DAY - elapsed_today
            if remaining <= left_today:
                wall = datetime.combine(day, time()) + elapsed_today + remaining
                return wall.replace(tzinfo=zone).astimezone(UTC)
            remaining -= left_today
        day += _DAY
        elapsed_today = timedelta()


@dataclass
class CallbackInput:
    site_id: uuid.UUID
    person_id: uuid.UUID | None = None
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    motive_id: uuid.UUID | None = None
    reason: str = ""


def take_callback(
    unit: Unit, data: CallbackInput, *, now: datetime | None = None
) -> uuid.UUID:
    """Record a request to be called back; due within 24 working hours."""
    unit.require(Permission.TAKE_CALLBACKS)
    site = rows.load(unit, Site, data.site_id)
    org_sites.require_in_scope(unit, site)
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    try:
        values["contact_phone"] = validation.clean_phone(data.contact_phone)
    except ValueError as error:
        errors["contact_phone"] = str(error)
    try:
        values["contact_email"] = validation.clean_email(data.contact_email)
    except ValueError as error:
        errors["contact_email"] = str(error)
    name = " ".join(data.contact_name.split())
    if data.person_id is not None:
        person = rows.load(unit, Person, data.person_id)
        if not (values.get("contact_phone") or person.phone or "contact_phone" in errors):
            errors["contact_phone"] = (f"{display_name(person)} n'a pas de téléphone : "
                                       "indiquez le numéro où rappeler.")
    else:
        if not name:
            errors["contact_name"] = "Indiquez le nom de la personne à rappeler."
        if not values.get("contact_phone") and "contact_phone" not in errors:
            errors["contact_phone"] = "Indiquez le numéro où rappeler."
    if data.motive_id is not None:
        load_motive(unit, data.motive_id)
    if errors:
        raise ValidationError(errors)
    requested_at = require_aware(now or utcnow())
    request = CallbackRequest(
        site_id=site.id, taken_by_id=unit.actor_id, person_id=data.person_id, contact_name=name,
        contact_phone=values["contact_phone"], contact_email=values["contact_email"],
        motive_id=data.motive_id, reason=" ".join(data.reason.split())[:300],
        requested_at=requested_at,
        due_at=due_time(requested_at, site.time_zone, site.department),
    )
    return rows.create(unit, request, **ids(site_id=site.id, person_id=data.person_id)).id


def _open(unit: Unit, callback_id: uuid.UUID, expected_version: int) -> CallbackRequest:
    request = rows.load_version(unit, CallbackRequest, callback_id, expected_version)
    if request.outcome is not None:
        raise ValidationError({"outcome": "Cette demande de rappel est déjà traitée."})
    return request


def close_callback(
    unit: Unit, callback_id: uuid.UUID, expected_version: int,
    outcome: CallbackOutcome, *, now: datetime | None = None,
) -> None:
    """Record how the call-back ended (an appointment goes through ``callback_to_appointment``)."""
    unit.require(Permission.TAKE_CALLBACKS)
    if outcome is CallbackOutcome.APPOINTMENT:
        raise ValueError("use callback_to_appointment")
    request = _open(unit, callback_id, expected_version)
    rows.save(unit, request, {"outcome": outcome, "outcome_at": require_aware(now or utcnow()),
                              "handled_by_id": unit.actor_id},
              action="close", outcome=outcome.value)


def callback_to_appointment(
    unit: Unit, callback_id: uuid.UUID, expected_version: int,
    booking: BookingRequest, *, now: datetime | None = None,
) -> uuid.UUID:
    """Book the appointment the call ended with and close the request, in one step: if the
    booking is refused, the request stays open."""
    unit.require(Permission.TAKE_CALLBACKS)
    request = _open(unit, callback_id, expected_version)
    if request.person_id is not None and booking.person_id != request.person_id:
        raise ValidationError({"person_id": "Le rendez-vous doit être pris pour la personne "
                                            "qui a demandé le rappel."})
    booking = dataclasses.replace(booking, channel=Channel.CALLBACK)
    appointment_id = book_appointment(unit, booking, now=now)
    rows.save(unit, request, {
        "person_id": booking.person_id, "outcome": CallbackOutcome.APPOINTMENT,
        "outcome_at": require_aware(now or utcnow()), "handled_by_id": unit.actor_id,
        "appointment_id": appointment_id,
    }, action="close", outcome=CallbackOutcome.APPOINTMENT.value,
        **ids(appointment_id=appointment_id))
    return appointment_id


@dataclass(frozen=True)
class CallbackRow:
    id: uuid.UUID
    version: int
    requested_at: datetime
    due_at: datetime
    overdue: bool
    name: str
    phone: str  # national format, ready to dial
    motive_code: str
    reason: str
    site_id: uuid.UUID
    taken_by: str
    person_id: uuid.UUID | None
    outcome: CallbackOutcome | None


def callback_queue(
    unit: Unit, *, site_id: uuid.UUID | None = None,
    taken_by_id: uuid.UUID | None = None, now: datetime | None = None,
    include_closed: bool = False,
) -> list[CallbackRow]:
    """Requests by due time, earliest first; ``overdue`` marks those past due and still open.

    A France Services partner leaves requests for the CPAM to call back: they see only their
    own, to tell the person when to expect the call."""
    session = unit.session
    unit.require(Permission.TAKE_CALLBACKS)
    if unit.actor.role is Role.PARTNER:
        taken_by_id = unit.actor_id
    now = require_aware(now or utcnow())
    taker = aliased(Staff)
    statement = (
        select(CallbackRequest, Person, Motive.code, taker.first_name, taker.last_name)
        .outerjoin(Person, Person.id == CallbackRequest.person_id)
        .outerjoin(Motive, Motive.id == CallbackRequest.motive_id)
        .join(taker, taker.id == CallbackRequest.taken_by_id)
        .order_by(CallbackRequest.due_at)
    )
    if site_id is not None:
        statement = statement.where(CallbackRequest.site_id == site_id)
    if taken_by_id is not None:
        statement = statement.where(CallbackRequest.taken_by_id == taken_by_id)
    if not include_closed:
        statement = statement.where(CallbackRequest.outcome.is_(None))
    return [
        CallbackRow(
            r.id, r.version, r.requested_at, r.due_at, r.outcome is None and r.due_at < now,
            display_name(person) if person else r.contact_name,
            validation.format_phone(r.contact_phone or (person.phone if person else None)),
            code or "", r.reason, r.site_id, f"{first} {last}", r.person_id, r.outcome,
        )
        for r, person, code, first, last in session.execute(statement)
    ]
