"""What a journal line is about, in words: « DUPONT Marie, 16/03/2026 09:30 » rather than an id.

A page of the journal names its records and the records its details point at in one query
per kind of record (``Names.want`` each, then ``resolve`` once). Removed records keep their
name: the journal tells their history too. Only what the record's own screens show is said,
never a NIR or a note.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from db.agenda.models import (
    Absence,
    Appointment,
    ClosedDay,
    Motive,
    WaitingListEntry,
    WorkshopSession,
)
from db.callbacks.models import CallbackRequest
from db.mediation.letters import LETTER_LABELS
from db.mediation.models import (
    LetterTemplate,
    MediationCase,
    MediationDocument,
    MediationMotive,
    MediationWait,
)
from db.org.models import Site, Staff
from db.pathways.models import Offer, PathwayEntry, PathwayImport, PathwayKind, Segment
from db.people.labels import display_name
from db.people.models import Person
from db.preparation.models import PreparationTask
from db.unit import INCLUDE_DELETED
from db.wording import day, month_label, short_moment

Namer = Callable[[Session, list[uuid.UUID]], dict[uuid.UUID, str]]
_ALL = {INCLUDE_DELETED: True}
# The columns a name needs: a person's name never loads the NIR.
_PERSON_NAME = load_only(Person.kind, Person.last_name, Person.first_name,
                         Person.organisation_name)


def _people(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    return {person.id: display_name(person) for person in session.scalars(
        select(Person).options(_PERSON_NAME).where(Person.id.in_(ids)).execution_options(**_ALL))}


def _staff(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    return {row.id: f"{row.first_name} {row.last_name}" for row in session.execute(
        select(Staff.id, Staff.first_name, Staff.last_name).where(Staff.id.in_(ids))
        .execution_options(**_ALL))}


def _column(model, column) -> Namer:
    """The names of records that carry their own (a label, a title, a reference)."""
    def named(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
        return dict(session.execute(
            select(model.id, column).where(model.id.in_(ids)).execution_options(**_ALL)).all())
    return named


def _appointments(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """« DUPONT Marie, 16/03/2026 09:30 » on the site's clock."""
    return {appointment_id: f"{display_name(person)}, {short_moment(starts_at, zone)}"
            for appointment_id, starts_at, zone, person in session.execute(
                select(Appointment.id, Appointment.starts_at, Site.time_zone, Person)
                .join(Site, Site.id == Appointment.site_id)
                .join(Person, Person.id == Appointment.person_id).options(_PERSON_NAME)
                .where(Appointment.id.in_(ids)).execution_options(**_ALL))}


def _preparations(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The appointment prepared."""
    tasks = dict(session.execute(
        select(PreparationTask.id, PreparationTask.appointment_id)
        .where(PreparationTask.id.in_(ids)).execution_options(**_ALL)).all())
    appointments = _appointments(session, list(set(tasks.values())))
    return {task: appointments[appointment] for task, appointment in tasks.items()
            if appointment in appointments}


def _callbacks(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The person, or the name left by someone not in the registry."""
    return {callback_id: display_name(person) if person is not None else contact
            for callback_id, contact, person in session.execute(
                select(CallbackRequest.id, CallbackRequest.contact_name, Person)
                .outerjoin(Person, Person.id == CallbackRequest.person_id).options(_PERSON_NAME)
                .where(CallbackRequest.id.in_(ids)).execution_options(**_ALL))}


def _pathway_entries(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """« DUPONT Marie — ALD, mars 2026 »."""
    return {entry_id: f"{display_name(person)} — {kind}, {month_label(month)}"
            for entry_id, month, kind, person in session.execute(
                select(PathwayEntry.id, PathwayEntry.month, PathwayKind.label, Person)
                .join(PathwayKind, PathwayKind.id == PathwayEntry.kind_id)
                .join(Person, Person.id == PathwayEntry.person_id).options(_PERSON_NAME)
                .where(PathwayEntry.id.in_(ids)).execution_options(**_ALL))}


def _pathway_imports(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    return {import_id: f"{kind}, {month_label(month)}"
            for import_id, month, kind in session.execute(
                select(PathwayImport.id, PathwayImport.month, PathwayKind.label)
                .join(PathwayKind, PathwayKind.id == PathwayImport.kind_id)
                .where(PathwayImport.id.in_(ids)).execution_options(**_ALL))}


def _waiting(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    return {entry_id: display_name(person) for entry_id, person in session.execute(
        select(WaitingListEntry.id, Person)
        .join(Person, Person.id == WaitingListEntry.person_id).options(_PERSON_NAME)
        .where(WaitingListEntry.id.in_(ids)).execution_options(**_ALL))}


def _sessions(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """« Atelier numérique, 16/03/2026 14:00 »."""
    return {session_id: f"{label}, {short_moment(starts_at, zone)}"
            for session_id, starts_at, label, zone in session.execute(
                select(WorkshopSession.id, WorkshopSession.starts_at, Motive.label,
                       Site.time_zone)
                .join(Motive, Motive.id == WorkshopSession.motive_id)
                .join(Site, Site.id == WorkshopSession.site_id)
                .where(WorkshopSession.id.in_(ids)).execution_options(**_ALL))}


def _closed_days(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    return {closed_id: f"{site}, {day(on)}" for closed_id, on, site in session.execute(
        select(ClosedDay.id, ClosedDay.day, Site.name).join(Site, Site.id == ClosedDay.site_id)
        .where(ClosedDay.id.in_(ids)).execution_options(**_ALL))}


def _absences(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    return {absence_id: f"{first} {last}, {day(starts_at.date())}"
            for absence_id, starts_at, first, last in session.execute(
                select(Absence.id, Absence.starts_at, Staff.first_name, Staff.last_name)
                .join(Staff, Staff.id == Absence.staff_id)
                .where(Absence.id.in_(ids)).execution_options(**_ALL))}


def _cases(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    return {case_id: reference or provisional for case_id, reference, provisional
            in session.execute(
                select(MediationCase.id, MediationCase.reference,
                       MediationCase.provisional_reference)
                .where(MediationCase.id.in_(ids)).execution_options(**_ALL))}


def _of_case(model, column=None) -> Namer:
    """A part of a case file, by the case's reference (and its own name)."""
    def named(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
        columns = [model.id, MediationCase.reference, MediationCase.provisional_reference]
        rows = session.execute(
            select(*columns, *([column] if column is not None else []))
            .join(MediationCase, MediationCase.id == model.case_id)
            .where(model.id.in_(ids)).execution_options(**_ALL))
        return {row[0]: " — ".join(filter(None, (row[1] or row[2], *row[3:]))) for row in rows}
    return named


def _letter_templates(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    return {template_id: LETTER_LABELS.get(kind, title) for template_id, kind, title
            in session.execute(select(LetterTemplate.id, LetterTemplate.kind,
                                      LetterTemplate.title)
                               .where(LetterTemplate.id.in_(ids)).execution_options(**_ALL))}


NAMERS: dict[str, Namer] = {
    "person": _people,
    "staff": _staff,
    "site": _column(Site, Site.name),
    "appointment": _appointments,
    "workshop_session": _sessions,
    "waiting_list_entry": _waiting,
    "motive": _column(Motive, Motive.label),
    "closed_day": _closed_days,
    "absence": _absences,
    "callback_request": _callbacks,
    "preparation_task": _preparations,
    "pathway_kind": _column(PathwayKind, PathwayKind.label),
    "pathway_import": _pathway_imports,
    "pathway_entry": _pathway_entries,
    "offer_segment": _column(Segment, Segment.label),
    "rebound_offer": _column(Offer, Offer.label),
    "mediation_case": _cases,
    "mediation_wait": _of_case(MediationWait),
    "mediation_document": _of_case(MediationDocument, MediationDocument.filename),
    "mediation_motive": _column(MediationMotive, MediationMotive.label),
    "mediation_letter_template": _letter_templates,
}


class Names:
    """The names of the records a page of the journal mentions: ``want`` them all, then
    ``resolve`` (one query per kind), then read them with ``of``."""

    def __init__(self, session: Session):
        self._session = session
        self._wanted: dict[str, set[uuid.UUID]] = {}
        self._names: dict[tuple[str, uuid.UUID], str] = {}

    def want(self, entity_type: str, ids: Iterable[uuid.UUID]) -> None:
        if entity_type in NAMERS:
            self._wanted.setdefault(entity_type, set()).update(ids)

    def resolve(self) -> None:
        for entity_type, ids in self._wanted.items():
            if ids:
                named = NAMERS[entity_type](self._session, sorted(ids))
                self._names.update(((entity_type, key), name) for key, name in named.items())
        self._wanted.clear()

    def of(self, entity_type: str, entity_id: uuid.UUID) -> str:
        """The record's name, "" when it has none (settings, demo data) or is unknown."""
        return self._names.get((entity_type, entity_id), "")
