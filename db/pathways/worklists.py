"""Pathway worklists: who to call this month, the attempts made, and the outcome.

An entry moves: à contacter → tentative 1 → 2 → 3 (each attempt recorded: when, by whom,
result) → RDV pris / refus / injoignable / non concerné → terminé. Rules:
- at most three attempts, and none once an outcome is set;
- « RDV pris » and « refus » need the person to have been reached on an attempt;
- « injoignable » needs at least one attempt and nobody reached;
- « non concerné » may be set at any time before an outcome (wrong extract, deceased…);
- « terminé » closes an entry that has an outcome; the outcome is kept for the funnel.

Booking from the worklist is one step: ``book_from_worklist`` books the phone appointment
through the agenda's booking service (the dialog opens on ``booking_preset``) and records
« RDV pris » with the appointment's id, in the same unit of work.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from db import validation
from db.agenda import booking
from db.agenda.models import Appointment, AppointmentKind, Channel
from db.base import utcnow
from db.errors import NotFound, ValidationError
from db.org.access import Permission
from db.org.models import Staff
from db.pathways.labels import RESULT_LABELS, STATUS_LABELS
from db.pathways.models import (
    AttemptResult,
    PathwayAttempt,
    PathwayEntry,
    PathwayKind,
    PathwayOutcome,
    PathwayStatus,
)
from db.people.models import Person
from db.roles import Role
from db.unit import Unit, rows
from db.wording import month_label

MAX_ATTEMPTS = 3


_OPEN = (PathwayStatus.TO_CONTACT, PathwayStatus.ATTEMPT_1, PathwayStatus.ATTEMPT_2,
         PathwayStatus.ATTEMPT_3)


_ATTEMPT_STATUS = {1: PathwayStatus.ATTEMPT_1, 2: PathwayStatus.ATTEMPT_2,
                   3: PathwayStatus.ATTEMPT_3}


def can_attempt(status: PathwayStatus, attempts: int) -> bool:
    return status in _OPEN and attempts < MAX_ATTEMPTS


def allowed_outcomes(status: PathwayStatus, attempts: int, reached: bool) -> list[PathwayOutcome]:
    if status not in _OPEN:
        return []
    outcomes = []
    if reached:
        outcomes += [PathwayOutcome.BOOKED, PathwayOutcome.DECLINED]
    elif attempts:
        outcomes.append(PathwayOutcome.UNREACHABLE)
    outcomes.append(PathwayOutcome.NOT_CONCERNED)
    return outcomes


def can_close(status: PathwayStatus) -> bool:
    return status not in _OPEN and status is not PathwayStatus.DONE


@dataclass(frozen=True)
class WorklistRow:
    """One line of a worklist: light, NIR masked."""

    id: uuid.UUID
    version: int
    person_id: uuid.UUID
    name: str
    first_name: str
    masked_nir: str
    birth_date: date | None
    phone: str
    entry_date: date | None
    status: PathwayStatus
    attempts: int
    last_attempt_at: datetime | None
    adviser: str
    # The extract's phone or e-mail was not valid (imported empty): « coordonnées à vérifier ».
    contacts_to_check: bool = False

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class AttemptView:
    number: int
    attempted_at: datetime
    by: str
    result: AttemptResult

    @property
    def result_label(self) -> str:
        return RESULT_LABELS[self.result]


@dataclass(frozen=True)
class EntryRecord:
    """A worklist entry opened by an adviser: what happened and what may happen next."""

    id: uuid.UUID
    version: int
    person_id: uuid.UUID
    kind_code: str
    kind_label: str
    month: date
    entry_date: date | None
    status: PathwayStatus
    outcome: PathwayOutcome | None
    assigned_to_id: uuid.UUID | None
    appointment_id: uuid.UUID | None
    attempts: list[AttemptView]
    can_attempt: bool
    allowed_outcomes: list[PathwayOutcome]
    can_close: bool

    @property
    def title(self) -> str:
        """« Maternité — octobre 2026 »."""
        return f"{self.kind_label} — {month_label(self.month)}"


def search_worklist(
    unit: Unit, kind_id: uuid.UUID, month: date,
    status: PathwayStatus | None = None, adviser_id: uuid.UUID | None = None,
    unassigned: bool = False, contacts_to_check: bool = False,
) -> list[uuid.UUID]:
    """Ids of a worklist's entries in name order, optionally of one status or adviser, or
    only those whose contact details are to check."""
    session = unit.session
    unit.require(Permission.WORK_PATHWAYS)
    statement = (
        select(PathwayEntry.id)
        .join(Person, Person.id == PathwayEntry.person_id)
        .where(PathwayEntry.kind_id == kind_id, PathwayEntry.month == month)
        .order_by(Person.sort_key, PathwayEntry.id)
    )
    if status is not None:
        statement = statement.where(PathwayEntry.status == status)
    if contacts_to_check:
        statement = statement.where(PathwayEntry.contacts_to_check)
    if unassigned:
        statement = statement.where(PathwayEntry.assigned_to_id.is_(None))
    elif adviser_id is not None:
        statement = statement.where(PathwayEntry.assigned_to_id == adviser_id)
    return list(session.scalars(statement))


def worklist_rows(unit: Unit, ids: list[uuid.UUID]) -> list[WorklistRow]:
    """The lines of these entries, in the order of ``ids`` (one query, no ORM objects)."""
    session = unit.session
    unit.require(Permission.WORK_PATHWAYS)
    if not ids:
        return []
    adviser = aliased(Staff)
    statement = (
        select(PathwayEntry.id, PathwayEntry.version, PathwayEntry.person_id, Person.last_name,
               Person.first_name, Person.nir, Person.birth_date, Person.phone,
               PathwayEntry.entry_date, PathwayEntry.status, PathwayEntry.attempts,
               PathwayEntry.last_attempt_at, adviser.first_name, adviser.last_name,
               PathwayEntry.contacts_to_check)
        .join(Person, Person.id == PathwayEntry.person_id)
        .outerjoin(adviser, adviser.id == PathwayEntry.assigned_to_id)
        .where(PathwayEntry.id.in_(ids))
    )
    rows = {}
    for (entry_id, version, person_id, last_name, first_name, nir, birth_date, phone,
         entry_date, status, attempts, last_attempt_at, adviser_first,
         adviser_last, contacts_to_check) in session.execute(statement):
        rows[entry_id] = WorklistRow(
            entry_id, version, person_id, last_name.upper(), first_name,
            validation.mask_nir(nir), birth_date, validation.format_phone(phone), entry_date,
            status, attempts, last_attempt_at,
            f"{adviser_first} {adviser_last}" if adviser_first else "", contacts_to_check,
        )
    return [rows[i] for i in ids if i in rows]


@dataclass(frozen=True)
class PersonEntryRow:
    """One of a person's pathways, for their record: which, which month, where it stands."""

    id: uuid.UUID
    kind_label: str
    month: date
    status: PathwayStatus
    attempts: int
    appointment_id: uuid.UUID | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def title(self) -> str:
        return f"{self.kind_label} — {month_label(self.month)}"


def entries_for_person(
    unit: Unit, person_id: uuid.UUID
) -> list[PersonEntryRow]:
    """Every pathway this person was in, the latest month first."""
    session = unit.session
    unit.require(Permission.WORK_PATHWAYS)
    statement = (
        select(PathwayEntry.id, PathwayKind.label, PathwayEntry.month, PathwayEntry.status,
               PathwayEntry.attempts, PathwayEntry.appointment_id)
        .join(PathwayKind, PathwayKind.id == PathwayEntry.kind_id)
        .where(PathwayEntry.person_id == person_id)
        .order_by(PathwayEntry.month.desc(), PathwayKind.position)
    )
    return [PersonEntryRow(*row) for row in session.execute(statement)]


def status_counts(
    unit: Unit, kind_id: uuid.UUID, month: date
) -> dict[PathwayStatus, int]:
    """How many entries of a worklist are in each status (for the filter bar)."""
    session = unit.session
    unit.require(Permission.WORK_PATHWAYS)
    counts = dict.fromkeys(PathwayStatus, 0)
    counts.update(session.execute(
        select(PathwayEntry.status, func.count())
        .where(PathwayEntry.kind_id == kind_id, PathwayEntry.month == month)
        .group_by(PathwayEntry.status)
    ).all())
    return counts


def contacts_to_check_count(unit: Unit, kind_id: uuid.UUID, month: date) -> int:
    """How many entries of a worklist were imported with a phone or e-mail to check."""
    unit.require(Permission.WORK_PATHWAYS)
    return unit.session.scalar(
        select(func.count()).select_from(PathwayEntry)
        .where(PathwayEntry.kind_id == kind_id, PathwayEntry.month == month,
               PathwayEntry.contacts_to_check))


def get_entry(unit: Unit, entry_id: uuid.UUID) -> EntryRecord:
    session = unit.session
    unit.require(Permission.WORK_PATHWAYS)
    entry = rows.load(unit, PathwayEntry, entry_id)
    kind = session.get(PathwayKind, entry.kind_id)
    by = aliased(Staff)
    attempts = [
        AttemptView(number, at, f"{first} {last}" if first else "", result)
        for number, at, result, first, last in session.execute(
            select(PathwayAttempt.number, PathwayAttempt.attempted_at, PathwayAttempt.result,
                   by.first_name, by.last_name)
            .outerjoin(by, by.id == PathwayAttempt.by_id)
            .where(PathwayAttempt.entry_id == entry.id)
            .order_by(PathwayAttempt.number)
        )
    ]
    reached = entry.reached_at is not None
    return EntryRecord(
        entry.id, entry.version, entry.person_id, kind.code, kind.label, entry.month,
        entry.entry_date, entry.status, entry.outcome, entry.assigned_to_id,
        entry.appointment_id, attempts, can_attempt(entry.status, entry.attempts),
        allowed_outcomes(entry.status, entry.attempts, reached), can_close(entry.status),
    )


def _refuse(message: str) -> ValidationError:
    return ValidationError({"status": message})


def record_attempt(
    unit: Unit, entry_id: uuid.UUID, expected_version: int,
    result: AttemptResult, at: datetime | None = None,
) -> int:
    """Record a call attempt (now unless ``at`` is given); returns the entry's new version."""
    unit.require(Permission.WORK_PATHWAYS)
    entry = rows.load_version(unit, PathwayEntry, entry_id, expected_version)
    if not can_attempt(entry.status, entry.attempts):
        if entry.status in _OPEN:
            raise _refuse(f"Les {MAX_ATTEMPTS} tentatives ont été faites : indiquez l'issue "
                          "(injoignable, non concerné…).")
        raise _refuse(f"Cette ligne est déjà « {STATUS_LABELS[entry.status]} » : plus de "
                      "tentative à enregistrer.")
    now = utcnow()
    at = at or now
    if at > now:
        raise ValidationError({"attempted_at": "Une tentative ne peut pas être datée dans "
                                               "le futur."})
    number = entry.attempts + 1
    attempt = rows.create(unit, PathwayAttempt(
        entry_id=entry.id, number=number, attempted_at=at, by_id=unit.actor_id,
        result=result), action=None)
    values = {"attempts": number, "status": _ATTEMPT_STATUS[number], "last_attempt_at": at}
    if result is AttemptResult.REACHED and entry.reached_at is None:
        values["reached_at"] = at
    rows.save(unit, entry, values, action="attempt", attempt_id=str(attempt.id),
              number=number, result=result.value)
    return entry.version


def set_outcome(
    unit: Unit, entry_id: uuid.UUID, expected_version: int,
    outcome: PathwayOutcome, appointment_id: uuid.UUID | None = None,
) -> int:
    """« RDV pris » (with the appointment's id once booked), « refus », « injoignable »…"""
    unit.require(Permission.WORK_PATHWAYS)
    entry = rows.load_version(unit, PathwayEntry, entry_id, expected_version)
    allowed = allowed_outcomes(entry.status, entry.attempts, entry.reached_at is not None)
    if outcome not in allowed:
        raise _refuse(_outcome_refusal(entry, outcome))
    if appointment_id is not None and outcome is not PathwayOutcome.BOOKED:
        raise _refuse("Seul un « RDV pris » se rattache à un rendez-vous.")
    if appointment_id is not None:
        rows.load(unit, Appointment, appointment_id)
    details = {"outcome": outcome.value}
    if appointment_id is not None:
        details["appointment_id"] = str(appointment_id)
    rows.save(unit, entry, {"outcome": outcome, "status": PathwayStatus(outcome.value),
                            "outcome_at": utcnow(), "appointment_id": appointment_id},
              action="outcome", **details)
    return entry.version


def _outcome_refusal(entry: PathwayEntry, outcome: PathwayOutcome) -> str:
    if entry.status not in _OPEN:
        return f"Cette ligne est déjà « {STATUS_LABELS[entry.status]} »."
    if outcome in (PathwayOutcome.BOOKED, PathwayOutcome.DECLINED):
        return ("Enregistrez d'abord la tentative où la personne a été jointe, puis "
                f"« {STATUS_LABELS[PathwayStatus(outcome.value)]} ».")
    if entry.reached_at is not None:
        return "La personne a été jointe : elle n'est pas injoignable."
    return "Injoignable : enregistrez d'abord au moins une tentative d'appel."


@dataclass(frozen=True)
class BookingPreset:
    """What the booking dialog opens with: the person, the pathway's motive, a phone call."""

    person_id: uuid.UUID
    motive_id: uuid.UUID | None  # None when the administrator set no motive for the kind
    kind: AppointmentKind = AppointmentKind.PHONE
    channel: Channel = Channel.PATHWAY


def booking_preset(unit: Unit, entry_id: uuid.UUID) -> BookingPreset:
    unit.require(Permission.WORK_PATHWAYS)
    entry = rows.load(unit, PathwayEntry, entry_id)
    return BookingPreset(entry.person_id,
                         unit.session.get(PathwayKind, entry.kind_id).motive_id)


def book_from_worklist(
    unit: Unit, entry_id: uuid.UUID, expected_version: int,
    request: booking.BookingRequest, *, now: datetime | None = None,
) -> tuple[uuid.UUID, int]:
    """Book the appointment and record « RDV pris » together; returns the appointment's id
    and the entry's new version. The request's channel becomes « parcours »; its person must
    be the entry's. Any refusal (slot taken, rules of either side) writes nothing."""
    unit.require(Permission.WORK_PATHWAYS)
    entry = rows.load_version(unit, PathwayEntry, entry_id, expected_version)
    if PathwayOutcome.BOOKED not in allowed_outcomes(entry.status, entry.attempts,
                                                     entry.reached_at is not None):
        raise _refuse(_outcome_refusal(entry, PathwayOutcome.BOOKED))
    if request.person_id != entry.person_id:
        raise ValidationError({"person_id": "Le rendez-vous doit être pris pour la personne "
                                            "de la ligne de parcours."})
    appointment_id = booking.book_appointment(
        unit, replace(request, channel=Channel.PATHWAY), now=now)
    version = set_outcome(unit, entry_id, expected_version, PathwayOutcome.BOOKED,
                          appointment_id=appointment_id)
    return appointment_id, version


def close_entry(
    unit: Unit, entry_id: uuid.UUID, expected_version: int
) -> int:
    """« Terminé »: the entry leaves the working views; its outcome stays for the funnel."""
    unit.require(Permission.WORK_PATHWAYS)
    entry = rows.load_version(unit, PathwayEntry, entry_id, expected_version)
    if not can_close(entry.status):
        raise _refuse("Indiquez d'abord l'issue (RDV pris, refus, injoignable ou non concerné)."
                      if entry.status in _OPEN else "Cette ligne est déjà terminée.")
    rows.save(unit, entry, {"status": PathwayStatus.DONE}, action="close")
    return entry.version


def assign_entries(
    unit: Unit, versions: dict[uuid.UUID, int],
    adviser_id: uuid.UUID | None,
) -> None:
    """Give entries (id → version seen) to an adviser, or take them back with ``None``.

    All or nothing: if one entry moved on meanwhile, none is reassigned.
    """
    session = unit.session
    unit.require(Permission.WORK_PATHWAYS)
    if adviser_id is not None:
        adviser = session.get(Staff, adviser_id)
        if (adviser is None or not adviser.active or adviser.deleted_at is not None
                or adviser.role not in (Role.ADVISER, Role.MANAGER)):
            raise ValidationError({"adviser": "Choisissez un conseiller actif."})
    entries = list(session.scalars(
        select(PathwayEntry).where(PathwayEntry.id.in_(list(versions)))))
    if len(entries) != len(versions):
        raise NotFound("Une des lignes n'existe plus.")
    for entry in entries:
        rows.check_version(entry, versions[entry.id])
    for entry in entries:
        rows.save(unit, entry, {"assigned_to_id": adviser_id}, action="assign",
                  adviser_id=str(adviser_id) if adviser_id else None)
