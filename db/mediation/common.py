"""What the mediation services share: today at the office, a case's settings, working
calendar and waits, its derived deadlines and search text, and its timeline entries."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from db import validation
from db.errors import ValidationError
from db.mediation import deadlines
from db.mediation.models import (
    CaseEventKind,
    MediationCase,
    MediationEvent,
    MediationMotive,
    MediationSettings,
    MediationWait,
)
from db.org.models import Site
from db.people.labels import display_name
from db.people.models import Person
from db.unit import Unit, rows
from db.workdays import WorkingCalendar

OFFICE_TIME_ZONE = ZoneInfo("Europe/Paris")


def today_in_office() -> date:
    return datetime.now(OFFICE_TIME_ZONE).date()


def settings(unit: Unit) -> MediationSettings:
    return unit.session.scalars(select(MediationSettings)).one()


def calendar_of(unit: Unit, case: MediationCase) -> WorkingCalendar:
    site = unit.session.get(Site, case.site_id) if case.site_id else None
    return WorkingCalendar(site.department if site else "")


def waits_of(unit: Unit, case_id: uuid.UUID) -> list[MediationWait]:
    return list(unit.session.scalars(
        select(MediationWait)
        .where(MediationWait.case_id == case_id)
        .order_by(MediationWait.started_on, MediationWait.created_at)
    ))


def refresh(unit: Unit, case: MediationCase,
            waits: list[MediationWait] | None = None) -> None:
    """Recompute the derived deadline columns of a case being edited (``rows.editing``)."""
    deadlines.refresh(case, waits_of(unit, case.id) if waits is None else waits,
                      settings(unit), calendar_of(unit, case))


def search_text(case: MediationCase, person: Person, motive: MediationMotive) -> str:
    parts = [case.reference or "", case.provisional_reference or "", display_name(person),
             person.birth_name, case.representative_name, motive.label,
             case.contested_decision, case.summary]
    return validation.fold(" ".join(parts).replace("-", " "))


def add_event(unit: Unit, case: MediationCase, kind: CaseEventKind, title: str,
              text: str = "", *, internal: bool, party: str = "",
              occurred_at: datetime | None = None, answers_id: uuid.UUID | None = None,
              document_id: uuid.UUID | None = None) -> MediationEvent:
    """A timeline entry (audited on the case by the caller): the case changed for every
    screen that shows it."""
    unit.changes.add(MediationCase.__tablename__, case.id)
    return rows.create(unit, MediationEvent(
        case_id=case.id, kind=kind, occurred_at=occurred_at or datetime.now(UTC),
        author_id=unit.actor_id, internal=internal, title=title, text=text.strip(),
        party=party.strip(), answers_id=answers_id, document_id=document_id,
    ), action=None)


def check_day(day: date, case: MediationCase, today: date, field_name: str) -> None:
    if day > today:
        raise ValidationError({field_name: "La date ne peut pas être dans le futur."})
    if day < case.received_on:
        raise ValidationError({
            field_name: "La date est antérieure à la réception de la demande "
                        f"({case.received_on:%d/%m/%Y})."})
