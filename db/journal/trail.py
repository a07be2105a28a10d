"""Reading the audit trail: filtered, newest first, a page at a time.

The trail grows by millions of rows, so nothing here reads it whole: a page is the next
``limit`` rows after a cursor (the last row shown: its moment and id, the order's two keys),
one indexed range read however deep the reader has scrolled.

Who reads what (the rule PostgreSQL's row-level security holds on the server, migration
0009, held here on every engine): the entries of mediation records (``mediation…``) go to
the mediation team only (``Permission.MEDIATION``: confidential, CSS L217-7-1), the others to
the administrators (``Permission.ADMINISTER``). An administrator never sees a mediation entry;
a mediator reads the journal of the mediation files, and only it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session

from db.agenda.models import Appointment
from db.callbacks.models import CallbackRequest
from db.errors import ValidationError
from db.journal import details as journal_details
from db.journal.labels import (
    ENTITY_LABELS,
    NEVER_AUDITED,
    SYSTEM_NAME,
    action_label,
    entity_label,
    is_mediation,
)
from db.journal.names import Names
from db.mediation.models import MediationCase, MediationWait
from db.org.access import Permission
from db.org.models import Site, Staff
from db.pathways.models import PathwayEntry
from db.preparation.models import PreparationTask
from db.unit import INCLUDE_DELETED, Unit
from db.unit.audit import AuditEvent
from db.wording import clock, day

SYSTEM: Literal["system"] = "system"  # the account filter's value for the system jobs
PAGE_SIZE = 200
DEFAULT_DAYS = 7
DEFAULT_TIME_ZONE = "Europe/Paris"


@dataclass(frozen=True)
class JournalFilter:
    """What to read: the days ``since`` to ``until`` (included, on the reader's clock), and
    optionally who acted (an account's id, or ``SYSTEM``), which person the entries are
    about (their record and the records about them) and which kinds of records."""

    since: date
    until: date
    actor: uuid.UUID | Literal["system"] | None = None
    person_id: uuid.UUID | None = None
    entity_types: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def last_days(cls, today: date, days: int = DEFAULT_DAYS) -> JournalFilter:
        """The default: the last ``days`` days, today included."""
        return cls(since=today - timedelta(days=days - 1), until=today)


@dataclass(frozen=True)
class Cursor:
    """Where a page ended: the next page starts after this row."""

    occurred_at: datetime
    id: uuid.UUID


@dataclass(frozen=True)
class JournalEntry:
    """One line of the journal, in words."""

    id: uuid.UUID
    occurred_at: datetime  # UTC
    when: str  # « 16/03/2026 09:30 », on the reader's clock
    actor_id: uuid.UUID | None
    actor_name: str  # « Camille Martin », « système »
    action: str
    action_label: str
    entity_type: str
    entity_label: str  # « Rendez-vous »
    entity_id: uuid.UUID
    subject: str  # « DUPONT Marie, 16/03/2026 09:30 », "" when it has no name
    summary: str  # the details, « Champs : nom, téléphone »


@dataclass(frozen=True)
class JournalPage:
    entries: list[JournalEntry]
    next: Cursor | None  # None: nothing more


@dataclass(frozen=True)
class JournalChoices:
    """What the filters offer this reader."""

    accounts: list[tuple[uuid.UUID | str, str]]  # SYSTEM first, then every account by name
    kinds: list[tuple[str, str]]  # the kinds of records they may read, by label
    today: date  # on the reader's clock


# -- who may read what ----------------------------------------------------------------------

def _visible(unit: Unit) -> ColumnElement[bool]:
    unit.require(Permission.READ_JOURNAL)
    mediation = AuditEvent.entity_type.startswith("mediation", autoescape=True)
    sees_mediation = unit.actor.can(Permission.MEDIATION)
    sees_the_rest = unit.actor.can(Permission.ADMINISTER)
    if sees_mediation and sees_the_rest:
        return true()
    if sees_mediation:
        return mediation
    return ~mediation if sees_the_rest else false()


def readable_kinds(unit: Unit) -> list[tuple[str, str]]:
    """The kinds of records whose entries the reader may read, by label."""
    unit.require(Permission.READ_JOURNAL)
    sees_mediation = unit.actor.can(Permission.MEDIATION)
    sees_the_rest = unit.actor.can(Permission.ADMINISTER)
    kinds = [(kind, label) for kind, label in ENTITY_LABELS.items()
             if kind not in NEVER_AUDITED
             and (sees_mediation if is_mediation(kind) else sees_the_rest)]
    return sorted(kinds, key=lambda choice: choice[1])


def reader_zone(unit: Unit) -> ZoneInfo:
    """The reader's clock: their home site's time zone."""
    site_id = unit.actor.site_id if unit.actor is not None else None
    zone = unit.session.scalar(select(Site.time_zone).where(Site.id == site_id)) \
        if site_id is not None else None
    return ZoneInfo(zone or DEFAULT_TIME_ZONE)


def choices(unit: Unit) -> JournalChoices:
    kinds = readable_kinds(unit)
    accounts = unit.session.execute(
        select(Staff.id, Staff.first_name, Staff.last_name, Staff.login)
        .order_by(Staff.last_name, Staff.first_name, Staff.login)
        .execution_options(**{INCLUDE_DELETED: True})).all()
    return JournalChoices(
        accounts=[(SYSTEM, SYSTEM_NAME.capitalize()),
                  *((row.id, f"{row.first_name} {row.last_name} ({row.login})")
                    for row in accounts)],
        kinds=kinds,
        today=datetime.now(reader_zone(unit)).date())


# -- reading a page -------------------------------------------------------------------------

def read_page(unit: Unit, filters: JournalFilter, after: Cursor | None = None,
              limit: int = PAGE_SIZE) -> JournalPage:
    """The entries matching ``filters`` after ``after`` (from the newest when None)."""
    zone = reader_zone(unit)
    statement = (select(AuditEvent).where(*_conditions(unit, filters, zone))
                 .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
                 .limit(limit + 1))
    if after is not None:
        # The first condition alone is what an index range starts from, on either engine.
        statement = statement.where(AuditEvent.occurred_at <= after.occurred_at, or_(
            AuditEvent.occurred_at < after.occurred_at,
            and_(AuditEvent.occurred_at == after.occurred_at, AuditEvent.id < after.id)))
    events = list(unit.session.scalars(statement))
    more = len(events) > limit
    events = events[:limit]
    entries = describe(unit.session, events, zone)
    last = events[-1] if events else None
    return JournalPage(entries, Cursor(last.occurred_at, last.id) if more and last else None)


def _conditions(unit: Unit, filters: JournalFilter, zone: ZoneInfo) -> list[ColumnElement]:
    if filters.until < filters.since:
        raise ValidationError({"until": "La fin de la période précède son début."})
    start = datetime.combine(filters.since, time(), zone).astimezone(UTC)
    end = datetime.combine(filters.until + timedelta(days=1), time(), zone).astimezone(UTC)
    conditions = [_visible(unit), AuditEvent.occurred_at >= start, AuditEvent.occurred_at < end]
    if filters.actor == SYSTEM:
        conditions.append(AuditEvent.actor_id.is_(None))
    elif filters.actor is not None:
        conditions.append(AuditEvent.actor_id == filters.actor)
    if filters.entity_types:
        conditions.append(AuditEvent.entity_type.in_(sorted(filters.entity_types)))
    if filters.person_id is not None:
        records = records_about(unit, filters.person_id)
        conditions.append(or_(*(
            and_(AuditEvent.entity_type == kind, AuditEvent.entity_id.in_(sorted(ids)))
            for kind, ids in records.items() if ids)))
    return conditions


def records_about(unit: Unit, person_id: uuid.UUID) -> dict[str, set[uuid.UUID]]:
    """The person's record and the records about them, removed ones included, by kind: what
    the person filter reads, each kind by its index (the trail's is by kind and id)."""
    session = unit.session
    appointments = _ids(session, select(Appointment.id).where(Appointment.person_id == person_id))
    records = {
        "person": {person_id},
        "appointment": appointments,
        "preparation_task": _ids(session, select(PreparationTask.id).where(
            PreparationTask.appointment_id.in_(sorted(appointments)))) if appointments else set(),
        "callback_request": _ids(session, select(CallbackRequest.id).where(
            CallbackRequest.person_id == person_id)),
        "pathway_entry": _ids(session, select(PathwayEntry.id).where(
            PathwayEntry.person_id == person_id)),
    }
    if unit.actor.can(Permission.MEDIATION):  # no one else reads the mediation tables
        cases = _ids(session, select(MediationCase.id).where(
            MediationCase.person_id == person_id))
        records["mediation_case"] = cases
        records["mediation_wait"] = _ids(session, select(MediationWait.id).where(
            MediationWait.case_id.in_(sorted(cases)))) if cases else set()
    return records


def _ids(session: Session, statement) -> set[uuid.UUID]:
    return set(session.scalars(statement.execution_options(**{INCLUDE_DELETED: True})))


# -- in words -------------------------------------------------------------------------------

def describe(session: Session, events: list[AuditEvent], zone: ZoneInfo) -> list[JournalEntry]:
    """The lines of these events: one query per kind of record they name."""
    names = Names(session)
    names.want("staff", {e.actor_id for e in events if e.actor_id is not None})
    for event in events:
        names.want(event.entity_type, [event.entity_id])
        journal_details.want_references(names, event.entity_type, event.details or {})
    names.resolve()
    return [_entry(event, names, zone) for event in events]


def _entry(event: AuditEvent, names: Names, zone: ZoneInfo) -> JournalEntry:
    local = event.occurred_at.astimezone(zone)
    subject = names.of(event.entity_type, event.entity_id)
    actor = (names.of("staff", event.actor_id) or "compte supprimé"
             if event.actor_id is not None else SYSTEM_NAME)
    return JournalEntry(
        id=event.id, occurred_at=event.occurred_at, when=f"{day(local.date())} {clock(local)}",
        actor_id=event.actor_id, actor_name=actor, action=event.action,
        action_label=action_label(event.action, event.entity_type),
        entity_type=event.entity_type,
        entity_label=entity_label(event.entity_type), entity_id=event.entity_id,
        subject=subject,
        summary=journal_details.summary(names, event.entity_type, event.details or {},
                                        subject))
