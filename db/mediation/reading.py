"""Reading cases: a person's « has a case », a reference, a whole case, and the case list.

Only the mediation roles (``Permission.MEDIATION``) read or write a case; anyone who may see
people can learn that a case exists for a person (``person_has_case``), nothing more. Every
opening of a case is audited. The audit trail holds ids and codes only, never free text.
"""

from __future__ import annotations

import re
import uuid
from datetime import date

from sqlalchemy import Select, exists, func, literal_column, select, text
from sqlalchemy.orm import Session

from db import validation
from db.errors import NotFound, ValidationError
from db.mediation import deadlines
from db.mediation.common import calendar_of, today_in_office, waits_of
from db.mediation.models import (
    CaseStatus,
    MediationCase,
    MediationDocument,
    MediationEvent,
    MediationMotive,
)
from db.mediation.records import (
    CaseFilter,
    CaseInput,
    CaseRecord,
    CaseRow,
    TimelineEntry,
    WaitRecord,
)
from db.mediation.rules import allowed_transitions
from db.org.access import Permission
from db.org.models import Site, Staff
from db.people.labels import display_name
from db.people.models import Person, PersonKind
from db.unit import Unit, audit, rows

SEARCH_LIMIT = 2_000  # as the people search: beyond, the user narrows the filters


_REFERENCE = re.compile(r"^MED-(\d{4})-(\d{5}|P[0-9A-F]{8})$")




def person_has_case(unit: Unit, person_id: uuid.UUID) -> bool:
    """Whether a mediation case exists for this person: all a non-mediation role may know."""
    session = unit.session
    unit.require(Permission.VIEW_PEOPLE)
    if session.get_bind().dialect.name == "postgresql":  # the rows are the team's alone
        return bool(session.scalar(select(func.guichet_person_has_case(person_id))))
    return bool(session.scalar(select(exists().where(
        MediationCase.person_id == person_id))))


def find_reference(unit: Unit, reference: str) -> uuid.UUID:
    """The case of a final or provisional reference; French errors for a bad one."""
    session = unit.session
    unit.require(Permission.MEDIATION, system=True)
    cleaned = reference.strip().upper()
    if not _REFERENCE.match(cleaned):
        raise ValidationError({"reference": f"« {reference} » n'est pas une référence de "
                                            "dossier (attendu : MED-AAAA-NNNNN)."})
    case_id = session.scalar(select(MediationCase.id).where(
        (MediationCase.reference == cleaned) | (MediationCase.provisional_reference == cleaned)))
    if case_id is None:
        raise NotFound(f"Aucun dossier de médiation n'a la référence {cleaned}.")
    return case_id


def open_case(unit: Unit, case_id: uuid.UUID, *,
              today: date | None = None) -> CaseRecord:
    """Everything about a case, for its screen or its PDF. The opening is audited.

    A system unit (no actor) is the command line's unattended export, audited with no actor.
    """
    session = unit.session
    unit.require(Permission.MEDIATION, system=True)
    today = today or today_in_office()
    case = rows.load(unit, MediationCase, case_id)
    audit.record(unit, "open", "mediation_case", case.id)
    person = case.person
    site = session.get(Site, case.site_id) if case.site_id else None
    overdue = deadlines.overdue_labels(session, [case.id], today).get(case.id, ())
    address = ", ".join(p for p in (person.address, f"{person.postcode} {person.city}".strip())
                        if p)
    return CaseRecord(
        id=case.id, version=case.version, reference=case.display_reference,
        provisional=case.reference is None,
        data=CaseInput(
            received_on=case.received_on, channel=case.channel, person_id=case.person_id,
            motive_id=case.motive_id, prior_step_done=case.prior_step_done,
            court_action_pending=case.court_action_pending, summary=case.summary,
            urgent=case.urgent, representative_name=case.representative_name,
            representative_capacity=case.representative_capacity,
            contested_decision=case.contested_decision,
            decision_notified_on=case.decision_notified_on, mediator_id=case.mediator_id,
            site_id=case.site_id),
        status=case.status, person_name=display_name(person), person_kind=person.kind,
        person_address=address, motive_label=case.motive.label,
        mediator_name=case.mediator.display_name if case.mediator else "",
        site_name=site.name if site else "",
        inadmissible_reason=case.inadmissible_reason, redirection=case.redirection,
        outcome=case.outcome, admitted_on=case.admitted_on,
        recommendation_on=case.recommendation_on, closed_on=case.closed_on,
        reopen_count=case.reopen_count,
        deadlines=deadlines.case_deadlines(case, today, calendar_of(unit, case), overdue),
        allowed_steps=allowed_transitions(case),
        waits=[WaitRecord(w.waiting_on, w.party, w.started_on, w.follow_up_on, w.ended_on)
               for w in waits_of(unit, case.id)],
        timeline=_timeline(session, case.id),
        created_at=case.created_at,
    )


def _timeline(session: Session, case_id: uuid.UUID) -> list[TimelineEntry]:
    rows = session.execute(
        select(MediationEvent, Staff.first_name, Staff.last_name, MediationDocument.filename)
        .outerjoin(Staff, Staff.id == MediationEvent.author_id)
        .outerjoin(MediationDocument, MediationDocument.id == MediationEvent.document_id)
        .where(MediationEvent.case_id == case_id)
        .order_by(MediationEvent.occurred_at, MediationEvent.created_at)
    )
    return [
        TimelineEntry(e.id, e.kind, e.occurred_at,
                      f"{first} {last}" if last else "Système", e.internal, e.title, e.text,
                      e.party, e.document_id, filename or "")
        for e, first, last, filename in rows
    ]


def _text_clause(session: Session, query: str):
    words = validation.search_words(query)
    if not words:
        return None
    if session.bind.dialect.name == "sqlite":
        match = validation.prefix_fts5(words)
        return text(
            "mediation_case.rowid IN (SELECT rowid FROM mediation_case_fts "
            "WHERE mediation_case_fts MATCH :case_match)"
        ).bindparams(case_match=match)
    return text(
        "mediation_case.search_vector @@ to_tsquery('guichet_french', :case_query)"
    ).bindparams(case_query=validation.prefix_tsquery(words))


def _list_query(session: Session, filters: CaseFilter, today: date) -> Select:
    case = MediationCase
    statement = select(case.id)
    reference = filters.text.strip().upper()
    if _REFERENCE.match(reference):
        statement = statement.where(
            (case.reference == reference) | (case.provisional_reference == reference))
    elif filters.text.strip():
        clause = _text_clause(session, filters.text)
        if clause is None:
            return statement.where(literal_column("1") == 0)
        statement = statement.where(clause)
    if filters.statuses:
        statement = statement.where(case.status.in_(filters.statuses))
    if filters.motive_id is not None:
        statement = statement.where(case.motive_id == filters.motive_id)
    if filters.mediator_id is not None:
        statement = statement.where(case.mediator_id == filters.mediator_id)
    if filters.urgent_only:
        statement = statement.where(case.urgent)
    if filters.overdue_only:
        statement = statement.where(deadlines.overdue_clause(today))
    return statement


def search_cases(unit: Unit, filters: CaseFilter | None = None, *,
                 today: date | None = None, limit: int = SEARCH_LIMIT) -> list[uuid.UUID]:
    """Ids of the matching cases: open ones first, urgent first, then oldest first."""
    session = unit.session
    unit.require(Permission.MEDIATION)
    statement = _list_query(session, filters or CaseFilter(), today or today_in_office())
    statement = statement.order_by(
        MediationCase.is_open.desc(), MediationCase.urgent.desc(), MediationCase.received_on,
        MediationCase.reference,
    ).limit(limit)
    return list(session.scalars(statement))


def count_cases(unit: Unit, filters: CaseFilter | None = None, *,
                today: date | None = None) -> int:
    session = unit.session
    unit.require(Permission.MEDIATION)
    inner = _list_query(session, filters or CaseFilter(), today or today_in_office())
    return session.scalar(select(func.count()).select_from(inner.subquery()))


def case_rows(unit: Unit, ids: list[uuid.UUID], *,
              today: date | None = None) -> list[CaseRow]:
    """The list lines of these cases, in the order of ``ids`` (missing ones left out)."""
    session = unit.session
    unit.require(Permission.MEDIATION)
    if not ids:
        return []
    today = today or today_in_office()
    case = MediationCase
    rows = session.execute(
        select(case.id, case.reference, case.provisional_reference, case.received_on,
               case.status, case.urgent, case.closed_on, case.follow_up_on,
               case.acknowledged_on, case.acknowledgement_due_on, case.handling_due_on,
               case.paused_since, case.cra_due_on, Person.kind, Person.last_name, Person.first_name,
               Person.organisation_name, MediationMotive.label, Staff.first_name,
               Staff.last_name)
        .join(Person, Person.id == case.person_id)
        .join(MediationMotive, MediationMotive.id == case.motive_id)
        .outerjoin(Staff, Staff.id == case.mediator_id)
        .where(case.id.in_(ids))
    ).all()
    overdue = deadlines.overdue_labels(session, ids, today)
    found = {}
    for (case_id, reference, provisional, received_on, status, urgent, closed_on, follow_up,
         acknowledged_on, acknowledgement_due, handling_due, paused_since, cra_due_on,
         kind, last, first, organisation, motive, staff_first, staff_last) in rows:
        end = closed_on if status is CaseStatus.CLOSED and closed_on else today
        found[case_id] = CaseRow(
            id=case_id, reference=reference or provisional, received_on=received_on,
            person_name=(organisation if kind is PersonKind.EMPLOYER
                         else f"{last.upper()} {first}".strip()),
            motive_label=motive, status=status, urgent=urgent,
            mediator_name=f"{staff_first} {staff_last}" if staff_last else "",
            age_days=(end - received_on).days, overdue=overdue.get(case_id, ()),
            follow_up_on=follow_up,
            next_due=deadlines.next_due(status, acknowledged_on, acknowledgement_due,
                                        handling_due, paused_since, follow_up, cra_due_on,
                                        today),
        )
    return [found[i] for i in ids if i in found]


def person_cases(unit: Unit, person_id: uuid.UUID, *,
                 today: date | None = None) -> list[CaseRow]:
    """The cases of one person, for their record: open ones first, then the latest
    received. Mediation roles only (others learn at most ``person_has_case``)."""
    unit.require(Permission.MEDIATION)
    ids = list(unit.session.scalars(
        select(MediationCase.id).where(MediationCase.person_id == person_id)
        .order_by(MediationCase.is_open.desc(), MediationCase.received_on.desc(),
                  MediationCase.reference)))
    return case_rows(unit, ids, today=today)
