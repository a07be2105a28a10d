"""The lists behind the figures: the ids a figure counted, and their lines."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from db.agenda.models import Appointment
from db.base import utcnow
from db.callbacks.labels import CALLBACK_OUTCOME_LABELS
from db.callbacks.models import CallbackRequest
from db.dashboard.activity import (
    _appointment_condition,
    _appointment_scope,
    _callback_scope,
    _callback_state,
    _pathway_step,
    _preparation_condition,
    _preparation_scope,
)
from db.dashboard.mediation import cases_where
from db.dashboard.model import Drill, Source, require_source
from db.mediation.common import OFFICE_TIME_ZONE
from db.mediation.labels import OUTCOME_LABELS
from db.mediation.labels import STATUS_LABELS as CASE_STATUS_LABELS
from db.mediation.models import MediationCase
from db.org.models import Site
from db.pathways.models import PathwayEntry, PathwayKind
from db.people.labels import display_name
from db.people.models import Person
from db.preparation.models import PreparationTask
from db.unit import Unit


def drill_ids(unit: Unit, drill: Drill, *,
              now: datetime | None = None) -> list[uuid.UUID]:
    """Ids of the records a figure counts, in the order their list shows them."""
    session = unit.session
    require_source(unit, drill.source)
    now = now or utcnow()
    match drill.source:
        case Source.APPOINTMENTS:
            statement = select(Appointment.id).where(
                *_appointment_scope(drill),
                *(_appointment_condition(n, v) for n, v in drill.conditions)
            ).order_by(Appointment.starts_at, Appointment.id)
        case Source.PREPARATIONS:
            statement = (
                select(PreparationTask.id)
                .join(Appointment, Appointment.id == PreparationTask.appointment_id)
                .where(*_preparation_scope(drill),
                       *(_preparation_condition(n, v) for n, v in drill.conditions))
                .order_by(Appointment.starts_at, PreparationTask.id))
        case Source.CALLBACKS:
            state = _callback_state(now)
            statement = select(CallbackRequest.id).where(
                *_callback_scope(drill),
                *(state == value for _name, value in drill.conditions)
            ).order_by(CallbackRequest.requested_at, CallbackRequest.id)
        case Source.PATHWAYS:
            wanted = dict(drill.conditions)
            statement = (
                select(PathwayEntry.id)
                .join(PathwayKind, PathwayKind.id == PathwayEntry.kind_id)
                .join(Person, Person.id == PathwayEntry.person_id)
                .where(PathwayEntry.month == drill.month,
                       PathwayKind.code == wanted["kind"], _pathway_step(wanted["step"]))
                .order_by(Person.sort_key, PathwayEntry.id))
        case Source.CASES:
            today = now.astimezone(OFFICE_TIME_ZONE).date()
            statement = (select(MediationCase.id).where(*cases_where(MediationCase, drill, today))
                         .order_by(MediationCase.received_on, MediationCase.id))
    return list(session.scalars(statement))


@dataclass(frozen=True)
class CallbackLine:
    id: uuid.UUID
    requested_at: datetime
    due_at: datetime
    outcome_at: datetime | None
    name: str
    site_name: str
    outcome_label: str  # « En attente » while open


def callback_lines(unit: Unit, ids: list[uuid.UUID]) -> list[CallbackLine]:
    """The lines of these call-back requests, in the order of ``ids``."""
    session = unit.session
    require_source(unit, Source.CALLBACKS)
    request = CallbackRequest
    found = {}
    for r, person, site_name in session.execute(
            select(request, Person, Site.name)
            .outerjoin(Person, Person.id == request.person_id)
            .join(Site, Site.id == request.site_id)
            .where(request.id.in_(ids))):
        found[r.id] = CallbackLine(
            r.id, r.requested_at, r.due_at, r.outcome_at,
            display_name(person) if person else r.contact_name, site_name,
            CALLBACK_OUTCOME_LABELS[r.outcome] if r.outcome else "En attente")
    return [found[i] for i in ids if i in found]


@dataclass(frozen=True)
class CaseLine:
    """A mediation case as the dashboard lists it: no name, no motive, no content."""

    id: uuid.UUID
    reference: str
    received_on: date
    status_label: str
    finished_on: date | None
    outcome_label: str
    urgent: bool


def case_lines(unit: Unit, ids: list[uuid.UUID]) -> list[CaseLine]:
    session = unit.session
    require_source(unit, Source.CASES)
    c = MediationCase
    found = {}
    for row in session.execute(
            select(c.id, c.reference, c.provisional_reference, c.received_on, c.status,
                   c.closed_on, c.handled_on, c.is_open, c.outcome, c.urgent)
            .where(c.id.in_(ids))):
        found[row.id] = CaseLine(
            row.id, row.reference or row.provisional_reference, row.received_on,
            CASE_STATUS_LABELS[row.status],
            None if row.is_open else (row.closed_on or row.handled_on),
            OUTCOME_LABELS[row.outcome] if row.outcome else "", row.urgent)
    return [found[i] for i in ids if i in found]
