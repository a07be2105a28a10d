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
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.exc import StaleDataError

from db import validation
from db.errors import NotFound, ValidationError
from db.models import (
    Appointment,
    AppointmentKind,
    AttemptResult,
    Channel,
    PathwayAttempt,
    PathwayEntry,
    PathwayKind,
    PathwayOutcome,
    PathwayStatus,
    Person,
    Role,
    Staff,
)
from db.models.base import utcnow
from db.services import audit, booking
from db.services.access import Actor, Permission
from db.services.pathways import check_version, conflict, month_label

STATUS_LABELS = {
    PathwayStatus.TO_CONTACT: "À contacter",
    PathwayStatus.ATTEMPT_1: "Tentative 1",
    PathwayStatus.ATTEMPT_2: "Tentative 2",
    PathwayStatus.ATTEMPT_3: "Tentative 3",
    PathwayStatus.BOOKED: "RDV pris",
    PathwayStatus.DECLINED: "Refus",
    PathwayStatus.UNREACHABLE: "Injoignable",
    PathwayStatus.NOT_CONCERNED: "Non concerné",
    PathwayStatus.DONE: "Terminé",
}
RESULT_LABELS = {
    AttemptResult.REACHED: "Joint",
    AttemptResult.NO_ANSWER: "Pas de réponse",
    AttemptResult.VOICEMAIL: "Message laissé",
    AttemptResult.WRONG_NUMBER: "Numéro erroné",
}
MAX_ATTEMPTS = 3
_OPEN = (PathwayStatus.TO_CONTACT, PathwayStatus.ATTEMPT_1, PathwayStatus.ATTEMPT_2,
         PathwayStatus.ATTEMPT_3)
_ATTEMPT_STATUS = {1: PathwayStatus.ATTEMPT_1, 2: PathwayStatus.ATTEMPT_2,
                   3: PathwayStatus.ATTEMPT_3}


# -- the rules, on plain values (the screens ask them to enable their buttons) -------------

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


# -- reading -------------------------------------------------------------------------------

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
    session: Session, actor: Actor, kind_id: uuid.UUID, month: date,
    status: PathwayStatus | None = None, adviser_id: uuid.UUID | None = None,
    unassigned: bool = False,
) -> list[uuid.UUID]:
    """Ids of a worklist's entries in name order, optionally of one status or adviser."""
    actor.require(Permission.WORK_PATHWAYS)
    statement = (
        select(PathwayEntry.id)
        .join(Person, Person.id == PathwayEntry.person_id)
        .where(PathwayEntry.kind_id == kind_id, PathwayEntry.month == month,
               PathwayEntry.deleted_at.is_(None))
        .order_by(Person.sort_key, PathwayEntry.id)
    )
    if status is not None:
        statement = statement.where(PathwayEntry.status == status)
    if unassigned:
        statement = statement.where(PathwayEntry.assigned_to_id.is_(None))
    elif adviser_id is not None:
        statement = statement.where(PathwayEntry.assigned_to_id == adviser_id)
    return list(session.scalars(statement))


def worklist_rows(session: Session, actor: Actor, ids: list[uuid.UUID]) -> list[WorklistRow]:
    """The lines of these entries, in the order of ``ids`` (one query, no ORM objects)."""
    actor.require(Permission.WORK_PATHWAYS)
    if not ids:
        return []
    adviser = aliased(Staff)
    statement = (
        select(PathwayEntry.id, PathwayEntry.version, PathwayEntry.person_id, Person.last_name,
               Person.first_name, Person.nir, Person.birth_date, Person.phone,
               PathwayEntry.entry_date, PathwayEntry.status, PathwayEntry.attempts,
               PathwayEntry.last_attempt_at, adviser.first_name, adviser.last_name)
        .join(Person, Person.id == PathwayEntry.person_id)
        .outerjoin(adviser, adviser.id == PathwayEntry.assigned_to_id)
        .where(PathwayEntry.id.in_(ids))
    )
    rows = {}
    for (entry_id, version, person_id, last_name, first_name, nir, birth_date, phone,
         entry_date, status, attempts, last_attempt_at, adviser_first,
         adviser_last) in session.execute(statement):
        rows[entry_id] = WorklistRow(
            entry_id, version, person_id, last_name.upper(), first_name,
            validation.mask_nir(nir), birth_date, validation.format_phone(phone), entry_date,
            status, attempts, last_attempt_at,
            f"{adviser_first} {adviser_last}" if adviser_first else "",
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
    session: Session, actor: Actor, person_id: uuid.UUID
) -> list[PersonEntryRow]:
    """Every pathway this person was in, the latest month first."""
    actor.require(Permission.WORK_PATHWAYS)
    statement = (
        select(PathwayEntry.id, PathwayKind.label, PathwayEntry.month, PathwayEntry.status,
               PathwayEntry.attempts, PathwayEntry.appointment_id)
        .join(PathwayKind, PathwayKind.id == PathwayEntry.kind_id)
        .where(PathwayEntry.person_id == person_id, PathwayEntry.deleted_at.is_(None))
        .order_by(PathwayEntry.month.desc(), PathwayKind.position)
    )
    return [PersonEntryRow(*row) for row in session.execute(statement)]


def status_counts(
    session: Session, actor: Actor, kind_id: uuid.UUID, month: date
) -> dict[PathwayStatus, int]:
    """How many entries of a worklist are in each status (for the filter bar)."""
    actor.require(Permission.WORK_PATHWAYS)
    counts = dict.fromkeys(PathwayStatus, 0)
    counts.update(session.execute(
        select(PathwayEntry.status, func.count())
        .where(PathwayEntry.kind_id == kind_id, PathwayEntry.month == month,
               PathwayEntry.deleted_at.is_(None))
        .group_by(PathwayEntry.status)
    ).all())
    return counts


def get_entry(session: Session, actor: Actor, entry_id: uuid.UUID) -> EntryRecord:
    actor.require(Permission.WORK_PATHWAYS)
    entry = _load(session, entry_id)
    kind = session.get(PathwayKind, entry.kind_id)
    by = aliased(Staff)
    attempts = [
        AttemptView(number, at, f"{first} {last}" if first else "", result)
        for number, at, result, first, last in session.execute(
            select(PathwayAttempt.number, PathwayAttempt.attempted_at, PathwayAttempt.result,
                   by.first_name, by.last_name)
            .outerjoin(by, by.id == PathwayAttempt.by_id)
            .where(PathwayAttempt.entry_id == entry.id, PathwayAttempt.deleted_at.is_(None))
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


# -- changes -------------------------------------------------------------------------------

def _load(session: Session, entry_id: uuid.UUID) -> PathwayEntry:
    entry = session.get(PathwayEntry, entry_id)
    if entry is None or entry.deleted_at is not None:
        raise NotFound("Cette ligne de parcours n'existe pas ou a été supprimée.")
    return entry


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise conflict() from None


def _refuse(message: str) -> ValidationError:
    return ValidationError({"status": message})


def record_attempt(
    session: Session, actor: Actor, entry_id: uuid.UUID, expected_version: int,
    result: AttemptResult, at: datetime | None = None,
) -> int:
    """Record a call attempt (now unless ``at`` is given); returns the entry's new version."""
    actor.require(Permission.WORK_PATHWAYS)
    entry = _load(session, entry_id)
    check_version(entry, expected_version)
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
    attempt = PathwayAttempt(entry_id=entry.id, number=number, attempted_at=at,
                             by_id=actor.id, result=result)
    session.add(attempt)
    entry.attempts = number
    entry.status = _ATTEMPT_STATUS[number]
    entry.last_attempt_at = at
    if result is AttemptResult.REACHED and entry.reached_at is None:
        entry.reached_at = at
    _flush(session)
    audit.record(session, actor, "attempt", "pathway_entry", entry.id,
                 attempt_id=str(attempt.id), number=number, result=result.value)
    return entry.version


def set_outcome(
    session: Session, actor: Actor, entry_id: uuid.UUID, expected_version: int,
    outcome: PathwayOutcome, appointment_id: uuid.UUID | None = None,
) -> int:
    """« RDV pris » (with the appointment's id once booked), « refus », « injoignable »…"""
    actor.require(Permission.WORK_PATHWAYS)
    entry = _load(session, entry_id)
    check_version(entry, expected_version)
    allowed = allowed_outcomes(entry.status, entry.attempts, entry.reached_at is not None)
    if outcome not in allowed:
        raise _refuse(_outcome_refusal(entry, outcome))
    if appointment_id is not None and outcome is not PathwayOutcome.BOOKED:
        raise _refuse("Seul un « RDV pris » se rattache à un rendez-vous.")
    if appointment_id is not None and session.get(Appointment, appointment_id) is None:
        raise NotFound("Ce rendez-vous n'existe pas ou a été supprimé.")
    entry.outcome = outcome
    entry.status = PathwayStatus(outcome.value)
    entry.outcome_at = utcnow()
    entry.appointment_id = appointment_id
    _flush(session)
    details = {"outcome": outcome.value}
    if appointment_id is not None:
        details["appointment_id"] = str(appointment_id)
    audit.record(session, actor, "outcome", "pathway_entry", entry.id, **details)
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


def booking_preset(session: Session, actor: Actor, entry_id: uuid.UUID) -> BookingPreset:
    actor.require(Permission.WORK_PATHWAYS)
    entry = _load(session, entry_id)
    return BookingPreset(entry.person_id, session.get(PathwayKind, entry.kind_id).motive_id)


def book_from_worklist(
    session: Session, actor: Actor, entry_id: uuid.UUID, expected_version: int,
    request: booking.BookingRequest, *, now: datetime | None = None,
) -> tuple[uuid.UUID, int]:
    """Book the appointment and record « RDV pris » together; returns the appointment's id
    and the entry's new version. The request's channel becomes « parcours »; its person must
    be the entry's. Any refusal (slot taken, rules of either side) writes nothing."""
    actor.require(Permission.WORK_PATHWAYS)
    entry = _load(session, entry_id)
    check_version(entry, expected_version)
    if PathwayOutcome.BOOKED not in allowed_outcomes(entry.status, entry.attempts,
                                                     entry.reached_at is not None):
        raise _refuse(_outcome_refusal(entry, PathwayOutcome.BOOKED))
    if request.person_id != entry.person_id:
        raise ValidationError({"person_id": "Le rendez-vous doit être pris pour la personne "
                                            "de la ligne de parcours."})
    appointment_id = booking.book_appointment(
        session, actor, replace(request, channel=Channel.PATHWAY), now=now)
    version = set_outcome(session, actor, entry_id, expected_version, PathwayOutcome.BOOKED,
                          appointment_id=appointment_id)
    return appointment_id, version


def close_entry(
    session: Session, actor: Actor, entry_id: uuid.UUID, expected_version: int
) -> int:
    """« Terminé »: the entry leaves the working views; its outcome stays for the funnel."""
    actor.require(Permission.WORK_PATHWAYS)
    entry = _load(session, entry_id)
    check_version(entry, expected_version)
    if not can_close(entry.status):
        raise _refuse("Indiquez d'abord l'issue (RDV pris, refus, injoignable ou non concerné)."
                      if entry.status in _OPEN else "Cette ligne est déjà terminée.")
    entry.status = PathwayStatus.DONE
    _flush(session)
    audit.record(session, actor, "close", "pathway_entry", entry.id)
    return entry.version


def assign_entries(
    session: Session, actor: Actor, versions: dict[uuid.UUID, int],
    adviser_id: uuid.UUID | None,
) -> None:
    """Give entries (id → version seen) to an adviser, or take them back with ``None``.

    All or nothing: if one entry moved on meanwhile, none is reassigned.
    """
    actor.require(Permission.WORK_PATHWAYS)
    if adviser_id is not None:
        adviser = session.get(Staff, adviser_id)
        if (adviser is None or not adviser.active or adviser.deleted_at is not None
                or adviser.role not in (Role.ADVISER, Role.MANAGER)):
            raise ValidationError({"adviser": "Choisissez un conseiller actif."})
    entries = list(session.scalars(
        select(PathwayEntry).where(PathwayEntry.id.in_(list(versions)),
                                   PathwayEntry.deleted_at.is_(None))))
    if len(entries) != len(versions):
        raise NotFound("Une des lignes n'existe plus.")
    for entry in entries:
        check_version(entry, versions[entry.id])
    changed = [entry for entry in entries if entry.assigned_to_id != adviser_id]
    for entry in changed:
        entry.assigned_to_id = adviser_id
    _flush(session)
    for entry in changed:
        audit.record(session, actor, "assign", "pathway_entry", entry.id,
                     adviser_id=str(adviser_id) if adviser_id else None)
