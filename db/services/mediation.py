"""Mediation case files: intake, references, lifecycle, timeline, documents and the case list.

Only the mediation roles (``Permission.MEDIATION``) read or write a case; anyone who may see
people can learn that a case exists for a person (``person_has_case``), nothing more. Every
opening of a case is audited. The audit trail holds ids and codes only, never free text.

References (``MED-YYYY-NNNNN``) — the choice for offline laptops:
a final reference comes from the per-year counter of the database that holds the authority —
the server, or the single PC's own SQLite file. ``INSERT … ON CONFLICT DO UPDATE … RETURNING``
on ``mediation_counter`` takes the counter row's lock, so two sessions on the server never get
the same number: the second waits for the first to commit, then reads the incremented value.
An offline replica (a France Services laptop) must not draw from its own copy of the counter:
its cases get a *provisional* reference ``MED-YYYY-PXXXXXXXX`` (8 hex digits of the case's
UUID, so two laptops never collide) and no final one; the sync, once the rows are on the server,
calls ``assign_final_references`` which numbers them in order of creation. We preferred this
to a replica prefix in the reference because the published reference keeps one format and the
yearly numbering stays dense, as the team and the requesters expect.
"""

from __future__ import annotations

import enum
import hashlib
import mimetypes
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, exists, func, literal_column, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db import validation
from db.errors import ConflictError, NotFound, ValidationError
from db.models import (
    CaseEventKind,
    CaseOutcome,
    CaseStatus,
    InadmissibleReason,
    MediationCase,
    MediationChannel,
    MediationCounter,
    MediationDocument,
    MediationEvent,
    MediationMotive,
    MediationSettings,
    MediationWait,
    Person,
    PersonKind,
    Redirection,
    Role,
    Site,
    Staff,
    WaitingOn,
)
from db.services import audit
from db.services import mediation_deadlines as deadlines
from db.services.access import Actor, Permission
from db.services.people import KIND_LABELS, display_name
from db.services.rows import set_changed
from db.workdays import WorkingCalendar

ENTITY = "mediation_case"
SEARCH_LIMIT = 2_000  # as the people search: beyond, the user narrows the filters
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
OFFICE_TIME_ZONE = ZoneInfo("Europe/Paris")
_REFERENCE = re.compile(r"^MED-(\d{4})-(\d{5}|P[0-9A-F]{8})$")
_WORD = re.compile(r"\w+")

CHANNEL_LABELS = {
    MediationChannel.AMELI_ACCOUNT: "Compte ameli « Demander l'aide du médiateur »",
    MediationChannel.MAIL: "Courrier",
    MediationChannel.EMAIL: "E-mail",
    MediationChannel.PHONE: "Téléphone",
    MediationChannel.FRANCE_SERVICES: "France Services",
    MediationChannel.OTHER_DEPARTMENT: "Autre service de la CPAM",
}
STATUS_LABELS = {
    CaseStatus.RECEIVED: "Reçue",
    CaseStatus.ADMISSIBLE: "Recevable",
    CaseStatus.INADMISSIBLE: "Irrecevable",
    CaseStatus.REDIRECTED: "Réorientée",
    CaseStatus.IN_PROGRESS: "En instruction",
    CaseStatus.WAITING: "En attente",
    CaseStatus.RECOMMENDATION_ISSUED: "Recommandation émise",
    CaseStatus.CLOSED: "Clôturée",
}
INADMISSIBLE_LABELS = {
    InadmissibleReason.NO_PRIOR_STEP: "aucune démarche préalable auprès du service concerné",
    InadmissibleReason.COURT_ACTION: "un recours contentieux est en cours",
    InadmissibleReason.OUT_OF_SCOPE: "la demande ne relève pas de la médiation",
}
REDIRECTION_LABELS = {
    Redirection.CRA: "la Commission de recours amiable (CRA)",
    Redirection.DEPARTMENT: "le service concerné",
    Redirection.JOINT_COMMISSION: "la commission mixte de conciliation",
}
WAITING_LABELS = {
    WaitingOn.REQUESTER: "le demandeur",
    WaitingOn.DEPARTMENT: "un service de la CPAM",
    WaitingOn.MEDICAL_SERVICE: "le service médical",
    WaitingOn.PARTNER: "un partenaire",
}
OUTCOME_LABELS = {
    CaseOutcome.FAVOURABLE: "Favorable",
    CaseOutcome.PARTLY_FAVOURABLE: "Partiellement favorable",
    CaseOutcome.UNFAVOURABLE: "Défavorable",
    CaseOutcome.REDIRECTED: "Réorientée",
    CaseOutcome.WITHDRAWN: "Désistement",
    CaseOutcome.COURT_ACTION: "Fin par recours contentieux",
}
EVENT_LABELS = {
    CaseEventKind.STATUS: "Étape",
    CaseEventKind.NOTE: "Note",
    CaseEventKind.CALL: "Appel",
    CaseEventKind.LETTER: "Courrier",
    CaseEventKind.REQUEST: "Demande à un service",
    CaseEventKind.ANSWER: "Réponse d'un service",
    CaseEventKind.ATTACHMENT: "Pièce jointe",
}


def today_in_office() -> date:
    return datetime.now(OFFICE_TIME_ZONE).date()


# -- the lifecycle -----------------------------------------------------------------------------

class Step(enum.StrEnum):
    """What a user may do to a case's status."""

    DECLARE_ADMISSIBLE = "declare_admissible"
    DECLARE_INADMISSIBLE = "declare_inadmissible"
    REDIRECT = "redirect"
    START_INSTRUCTION = "start_instruction"
    WAIT = "wait"
    RESUME = "resume"
    ISSUE_RECOMMENDATION = "issue_recommendation"
    CLOSE = "close"
    REOPEN = "reopen"


STEP_LABELS = {
    Step.DECLARE_ADMISSIBLE: "Déclarer recevable",
    Step.DECLARE_INADMISSIBLE: "Déclarer irrecevable",
    Step.REDIRECT: "Réorienter",
    Step.START_INSTRUCTION: "Commencer l'instruction",
    Step.WAIT: "Mettre en attente",
    Step.RESUME: "Reprendre l'instruction",
    Step.ISSUE_RECOMMENDATION: "Émettre la recommandation",
    Step.CLOSE: "Clôturer",
    Step.REOPEN: "Rouvrir",
}
# What the timeline says once the step is done.
STEP_DONE = {
    Step.DECLARE_ADMISSIBLE: "Demande déclarée recevable",
    Step.DECLARE_INADMISSIBLE: "Demande déclarée irrecevable",
    Step.REDIRECT: "Demande réorientée",
    Step.START_INSTRUCTION: "Instruction commencée",
    Step.WAIT: "Mise en attente",
    Step.RESUME: "Instruction reprise",
    Step.ISSUE_RECOMMENDATION: "Recommandation émise",
    Step.CLOSE: "Dossier clôturé",
    Step.REOPEN: "Dossier rouvert",
}

# The transition table: from a status, the steps allowed and where they lead.
TRANSITIONS: dict[CaseStatus, dict[Step, CaseStatus]] = {
    CaseStatus.RECEIVED: {
        Step.DECLARE_ADMISSIBLE: CaseStatus.ADMISSIBLE,
        Step.DECLARE_INADMISSIBLE: CaseStatus.INADMISSIBLE,
        Step.REDIRECT: CaseStatus.REDIRECTED,
        Step.CLOSE: CaseStatus.CLOSED,
    },
    CaseStatus.ADMISSIBLE: {
        Step.START_INSTRUCTION: CaseStatus.IN_PROGRESS,
        Step.WAIT: CaseStatus.WAITING,
        Step.CLOSE: CaseStatus.CLOSED,
    },
    CaseStatus.IN_PROGRESS: {
        Step.WAIT: CaseStatus.WAITING,
        Step.ISSUE_RECOMMENDATION: CaseStatus.RECOMMENDATION_ISSUED,
        Step.CLOSE: CaseStatus.CLOSED,
    },
    CaseStatus.WAITING: {
        Step.RESUME: CaseStatus.IN_PROGRESS,
        Step.CLOSE: CaseStatus.CLOSED,
    },
    CaseStatus.RECOMMENDATION_ISSUED: {Step.CLOSE: CaseStatus.CLOSED},
    CaseStatus.INADMISSIBLE: {Step.REOPEN: CaseStatus.RECEIVED},
    CaseStatus.REDIRECTED: {Step.REOPEN: CaseStatus.RECEIVED},
    # A closed case that had been admitted goes back to instruction; otherwise to reception.
    CaseStatus.CLOSED: {Step.REOPEN: CaseStatus.IN_PROGRESS},
}

# The outcomes a closure may have, from each status: a favourable or unfavourable outcome
# follows a recommendation; withdrawal and court action may end the case at any time.
_ENDINGS = frozenset({CaseOutcome.WITHDRAWN, CaseOutcome.COURT_ACTION})
CLOSING_OUTCOMES: dict[CaseStatus, frozenset[CaseOutcome]] = {
    CaseStatus.RECEIVED: _ENDINGS,
    CaseStatus.ADMISSIBLE: _ENDINGS | {CaseOutcome.REDIRECTED},
    CaseStatus.IN_PROGRESS: _ENDINGS | {CaseOutcome.REDIRECTED},
    CaseStatus.WAITING: _ENDINGS | {CaseOutcome.REDIRECTED},
    CaseStatus.RECOMMENDATION_ISSUED: _ENDINGS | {
        CaseOutcome.FAVOURABLE, CaseOutcome.PARTLY_FAVOURABLE, CaseOutcome.UNFAVOURABLE},
}


def _admissibility_obstacle(case: MediationCase) -> str | None:
    if not case.prior_step_done:
        return ("aucune démarche préalable n'a été faite auprès du service concerné "
                "(condition de recevabilité)")
    if case.court_action_pending:
        return "un recours contentieux est en cours (la médiation ne peut pas s'engager)"
    return None


def allowed_transitions(case: MediationCase) -> list[Step]:
    """The steps to offer for this case, in the table's order."""
    steps = list(TRANSITIONS.get(case.status, {}))
    if _admissibility_obstacle(case) is not None:
        steps = [s for s in steps if s is not Step.DECLARE_ADMISSIBLE]
    return steps


def _target(case: MediationCase, step: Step) -> CaseStatus:
    if step is Step.REOPEN and case.status is CaseStatus.CLOSED and case.admitted_on is None:
        return CaseStatus.RECEIVED
    return TRANSITIONS[case.status][step]


# -- inputs and records --------------------------------------------------------------------------

@dataclass
class CaseInput:
    """The intake form. ``urgent`` None takes the motive's default."""

    received_on: date
    channel: MediationChannel
    person_id: uuid.UUID
    motive_id: uuid.UUID
    prior_step_done: bool
    court_action_pending: bool
    summary: str
    urgent: bool | None = None
    representative_name: str = ""
    representative_capacity: str = ""
    contested_decision: str = ""
    decision_notified_on: date | None = None
    mediator_id: uuid.UUID | None = None
    site_id: uuid.UUID | None = None


@dataclass
class StepInput:
    """A status change and what it needs (the fields of other steps are ignored)."""

    step: Step
    on: date | None = None  # the day it happened; today when None
    comment: str = ""  # written in the timeline, shared with the requester
    inadmissible_reason: InadmissibleReason | None = None
    redirection: Redirection | None = None
    waiting_on: WaitingOn | None = None
    party: str = ""  # which department, partner…
    follow_up_on: date | None = None  # proposed by ``default_follow_up`` when None
    outcome: CaseOutcome | None = None


@dataclass
class EntryInput:
    """A timeline entry written by hand."""

    kind: CaseEventKind  # NOTE, CALL, REQUEST or ANSWER
    text: str
    internal: bool = True
    title: str = ""  # defaults to the kind's label
    party: str = ""  # the department asked, or answering
    answers_id: uuid.UUID | None = None  # for an ANSWER: the REQUEST it replies to
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class CaseCreated:
    id: uuid.UUID
    reference: str  # final, or provisional on an offline replica


@dataclass(frozen=True)
class TimelineEntry:
    id: uuid.UUID
    kind: CaseEventKind
    occurred_at: datetime
    author: str
    internal: bool
    title: str
    text: str
    party: str
    document_id: uuid.UUID | None
    document_name: str

    @property
    def kind_label(self) -> str:
        return EVENT_LABELS[self.kind]


@dataclass(frozen=True)
class WaitRecord:
    waiting_on: WaitingOn
    party: str
    started_on: date
    follow_up_on: date
    ended_on: date | None

    @property
    def label(self) -> str:
        who = WAITING_LABELS[self.waiting_on]
        return f"{who} ({self.party})" if self.party else who


@dataclass(frozen=True)
class CaseRecord:
    """A case opened by a member of the mediation team: everything the screen shows."""

    id: uuid.UUID
    version: int
    reference: str
    provisional: bool
    data: CaseInput
    status: CaseStatus
    person_name: str
    person_kind: PersonKind
    person_address: str
    motive_label: str
    mediator_name: str
    site_name: str
    inadmissible_reason: InadmissibleReason | None
    redirection: Redirection | None
    outcome: CaseOutcome | None
    admitted_on: date | None
    recommendation_on: date | None
    closed_on: date | None
    reopen_count: int
    deadlines: deadlines.CaseDeadlines
    allowed_steps: list[Step]
    waits: list[WaitRecord]
    timeline: list[TimelineEntry]
    created_at: datetime

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def channel_label(self) -> str:
        return CHANNEL_LABELS[self.data.channel]

    @property
    def person_kind_label(self) -> str:
        return KIND_LABELS[self.person_kind]

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome] if self.outcome else ""


@dataclass(frozen=True)
class CaseRow:
    """One line of the case list: light, no summary."""

    id: uuid.UUID
    reference: str
    received_on: date
    person_name: str
    motive_label: str
    status: CaseStatus
    urgent: bool
    mediator_name: str
    age_days: int
    overdue: tuple[str, ...]
    follow_up_on: date | None
    next_due: deadlines.NextDue | None = None  # the nearest delay still running

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class CaseFilter:
    text: str = ""
    statuses: frozenset[CaseStatus] = field(default_factory=frozenset)  # empty: all
    motive_id: uuid.UUID | None = None
    mediator_id: uuid.UUID | None = None
    urgent_only: bool = False
    overdue_only: bool = False


# -- helpers -------------------------------------------------------------------------------

def _conflict() -> ConflictError:
    return ConflictError(
        "Ce dossier a été modifié par quelqu'un d'autre entre-temps. Vos changements n'ont "
        "pas été enregistrés : rouvrez le dossier pour voir la version à jour."
    )


def _load(session: Session, case_id: uuid.UUID) -> MediationCase:
    case = session.get(MediationCase, case_id)
    if case is None or case.deleted_at is not None:
        raise NotFound("Ce dossier de médiation n'existe pas ou a été supprimé.")
    return case


def _load_for_update(session: Session, case_id: uuid.UUID,
                     expected_version: int) -> MediationCase:
    case = _load(session, case_id)
    if case.version != expected_version:
        raise _conflict()
    return case


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise _conflict() from None


def settings(session: Session) -> MediationSettings:
    return session.scalars(select(MediationSettings).where(
        MediationSettings.deleted_at.is_(None))).one()


def _calendar(session: Session, case: MediationCase) -> WorkingCalendar:
    site = session.get(Site, case.site_id) if case.site_id else None
    return WorkingCalendar(site.department if site else "")


def _waits(session: Session, case_id: uuid.UUID) -> list[MediationWait]:
    return list(session.scalars(
        select(MediationWait)
        .where(MediationWait.case_id == case_id, MediationWait.deleted_at.is_(None))
        .order_by(MediationWait.started_on, MediationWait.created_at)
    ))


def _refresh(session: Session, case: MediationCase,
             waits: list[MediationWait] | None = None) -> None:
    """Recompute the derived deadline columns (the query autoflushes the waits just added)."""
    deadlines.refresh(case, _waits(session, case.id) if waits is None else waits,
                      settings(session), _calendar(session, case))


def _search_text(case: MediationCase, person: Person, motive: MediationMotive) -> str:
    parts = [case.reference or "", case.provisional_reference or "", display_name(person),
             person.birth_name, case.representative_name, motive.label,
             case.contested_decision, case.summary]
    return validation.fold(" ".join(parts).replace("-", " "))


def _event(session: Session, actor: Actor | None, case: MediationCase, kind: CaseEventKind,
           title: str, text: str = "", *, internal: bool, party: str = "",
           occurred_at: datetime | None = None, answers_id: uuid.UUID | None = None,
           document_id: uuid.UUID | None = None) -> MediationEvent:
    event = MediationEvent(
        case_id=case.id, kind=kind, occurred_at=occurred_at or datetime.now(UTC),
        author_id=actor.id if actor else None, internal=internal, title=title,
        text=text.strip(), party=party.strip(), answers_id=answers_id, document_id=document_id,
    )
    session.add(event)
    return event


def _check_day(day: date, case: MediationCase, today: date, field_name: str) -> None:
    if day > today:
        raise ValidationError({field_name: "La date ne peut pas être dans le futur."})
    if day < case.received_on:
        raise ValidationError({
            field_name: "La date est antérieure à la réception de la demande "
                        f"({case.received_on:%d/%m/%Y})."})


# -- intake ----------------------------------------------------------------------------------

def _validate_intake(session: Session, data: CaseInput, today: date) -> dict:
    """Clean the intake form; collect every French message before refusing."""
    errors: dict[str, str] = {}
    values: dict[str, object] = {
        "received_on": data.received_on, "channel": data.channel,
        "prior_step_done": bool(data.prior_step_done),
        "court_action_pending": bool(data.court_action_pending),
        "decision_notified_on": data.decision_notified_on,
    }
    for name in ("representative_name", "representative_capacity", "contested_decision"):
        values[name] = " ".join(getattr(data, name).split())
    values["summary"] = data.summary.strip()

    if data.received_on > today:
        errors["received_on"] = "La date de réception ne peut pas être dans le futur."
    elif data.received_on.year < 2000:
        errors["received_on"] = "La date de réception est antérieure à 2000."
    if not isinstance(data.channel, MediationChannel):
        errors["channel"] = "Choisissez le canal de la demande."
    person = session.get(Person, data.person_id) if data.person_id else None
    if person is None or person.deleted_at is not None:
        errors["person_id"] = "Choisissez le demandeur dans le registre des personnes."
    values["person_id"] = data.person_id
    if values["representative_name"] and not values["representative_capacity"]:
        errors["representative_capacity"] = (
            "Précisez à quel titre cette personne agit (tuteur, aidant, association…).")
    motive = session.get(MediationMotive, data.motive_id) if data.motive_id else None
    if motive is None or motive.deleted_at is not None:
        errors["motive_id"] = "Choisissez le motif de la demande."
    elif not (motive.valid_from <= data.received_on
              and (motive.valid_until is None or data.received_on <= motive.valid_until)):
        errors["motive_id"] = (f"Le motif « {motive.label} » n'était pas en vigueur le "
                               f"{data.received_on:%d/%m/%Y}.")
    values["motive_id"] = data.motive_id
    if data.decision_notified_on and data.decision_notified_on > data.received_on:
        errors["decision_notified_on"] = (
            "La décision contestée ne peut pas avoir été notifiée après la demande.")
    if data.decision_notified_on and not values["contested_decision"]:
        errors["contested_decision"] = "Décrivez la décision contestée."
    if not values["summary"]:
        errors["summary"] = "Le résumé de la demande est obligatoire."
    values["mediator_id"] = data.mediator_id
    if data.mediator_id is not None:
        mediator = session.get(Staff, data.mediator_id)
        if mediator is None or not mediator.active or mediator.role not in (
                Role.MEDIATOR, Role.MEDIATION_ASSISTANT):
            errors["mediator_id"] = "Choisissez un membre de l'équipe de médiation."
    values["site_id"] = data.site_id
    if data.site_id is not None and session.get(Site, data.site_id) is None:
        errors["site_id"] = "Ce site n'existe pas."
    if errors:
        raise ValidationError(errors)
    values["urgent"] = motive.urgent_by_default if data.urgent is None else bool(data.urgent)
    return values | {"_person": person, "_motive": motive}


def _next_number(session: Session, year: int) -> int:
    """The next final number of ``year``, safe under concurrency (see the module docstring)."""
    table = MediationCounter.__table__
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(table).values(year=year, last_number=1)
        .on_conflict_do_update(index_elements=[table.c.year],
                               set_={"last_number": table.c.last_number + 1})
        .returning(table.c.last_number)
    )
    return session.execute(statement).scalar_one()


def _final_reference(session: Session, year: int) -> str:
    return f"MED-{year}-{_next_number(session, year):05d}"


def create_case(session: Session, actor: Actor, data: CaseInput, *,
                offline_replica: bool = False, today: date | None = None) -> CaseCreated:
    """Register a request. ``offline_replica``: this database is a laptop's local copy."""
    actor.require(Permission.MEDIATION)
    today = today or today_in_office()
    values = _validate_intake(session, data, today)
    person, motive = values.pop("_person"), values.pop("_motive")
    case = MediationCase(id=uuid.uuid4(), status=CaseStatus.RECEIVED,
                         site_id=values.pop("site_id") or actor.site_id, **values)
    year = data.received_on.year
    if offline_replica:
        case.provisional_reference = f"MED-{year}-P{case.id.hex[:8].upper()}"
    else:
        case.reference = _final_reference(session, year)
    case.search_text = _search_text(case, person, motive)
    _refresh(session, case, waits=[])
    session.add(case)
    _event(session, actor, case, CaseEventKind.STATUS, "Demande reçue",
           f"Canal : {CHANNEL_LABELS[case.channel]}", internal=False)
    session.flush()
    audit.record(session, actor, "create", ENTITY, case.id, motive_id=str(case.motive_id),
                 person_id=str(case.person_id), provisional=offline_replica)
    return CaseCreated(case.id, case.display_reference)


def update_intake(session: Session, actor: Actor, case_id: uuid.UUID, expected_version: int,
                  data: CaseInput, *, today: date | None = None) -> int:
    """Correct the intake; returns the new version (unchanged when nothing changed)."""
    actor.require(Permission.MEDIATION)
    case = _load_for_update(session, case_id, expected_version)
    values = _validate_intake(session, data, today or today_in_office())
    person, motive = values.pop("_person"), values.pop("_motive")
    if values["site_id"] is None:
        values.pop("site_id")
    changed = set_changed(case, values)
    if not changed:
        return case.version
    case.search_text = _search_text(case, person, motive)
    _refresh(session, case)
    _flush(session)
    audit.record(session, actor, "update", ENTITY, case.id, fields=changed)
    return case.version


def assign_final_references(session: Session, actor: Actor | None) -> list[CaseCreated]:
    """Number the cases that arrived from offline laptops (the sync calls this on the server).

    ``actor`` None is the sync itself. Their provisional reference stays searchable.
    """
    if actor is not None:
        actor.require(Permission.MEDIATION)
    pending = session.scalars(
        select(MediationCase).where(MediationCase.reference.is_(None))
        .order_by(MediationCase.created_at, MediationCase.id)
    ).all()
    done = []
    for case in pending:
        case.reference = _final_reference(session, case.received_on.year)
        case.search_text = _search_text(case, case.person, case.motive)
        _flush(session)
        audit.record(session, actor, "assign_reference", ENTITY, case.id)
        done.append(CaseCreated(case.id, case.reference))
    return done


# -- lifecycle -------------------------------------------------------------------------------

def _refusal(case: MediationCase, step: Step) -> ValidationError:
    label = STEP_LABELS[step].lower()
    obstacle = (_admissibility_obstacle(case)
                if step is Step.DECLARE_ADMISSIBLE and case.status is CaseStatus.RECEIVED
                else None)
    if obstacle:
        reason = f"impossible de {label} : {obstacle}."
    else:
        reason = (f"impossible de {label} un dossier à l'état « "
                  f"{STATUS_LABELS[case.status]} ».")
    return ValidationError({"step": f"Dossier {case.display_reference} : {reason}"})


def advance(session: Session, actor: Actor, case_id: uuid.UUID, expected_version: int,
            data: StepInput, *, today: date | None = None) -> int:
    """Apply one step of the lifecycle; refuse a forbidden one (nothing written).

    Returns the case's new version.
    """
    actor.require(Permission.MEDIATION)
    today = today or today_in_office()
    case = _load_for_update(session, case_id, expected_version)
    step = data.step
    if step not in allowed_transitions(case):
        raise _refusal(case, step)
    on = data.on or today
    _check_day(on, case, today, "on")
    target = _target(case, step)
    title = STEP_DONE[step]
    details: dict[str, object] = {"step": step.value, "from": case.status.value,
                                  "to": target.value}

    if step is Step.DECLARE_INADMISSIBLE:
        if data.inadmissible_reason is None:
            raise ValidationError({"inadmissible_reason": "Choisissez le motif d'irrecevabilité."})
        case.inadmissible_reason = data.inadmissible_reason
        title += f" : {INADMISSIBLE_LABELS[data.inadmissible_reason]}"
    elif step is Step.REDIRECT:
        if data.redirection is None:
            raise ValidationError({"redirection": "Choisissez vers qui réorienter la demande."})
        case.redirection = data.redirection
        title += f" vers {REDIRECTION_LABELS[data.redirection]}"
    elif step is Step.DECLARE_ADMISSIBLE:
        case.admitted_on = on
    elif step is Step.WAIT:
        title = _start_wait(session, case, data, on)
        details["waiting_on"] = data.waiting_on.value
    elif step is Step.RESUME:
        _end_waits(session, case, on)
    elif step is Step.ISSUE_RECOMMENDATION:
        case.recommendation_on = on
    elif step is Step.CLOSE:
        allowed = CLOSING_OUTCOMES[case.status]
        if data.outcome not in allowed:
            choices = ", ".join(OUTCOME_LABELS[o].lower() for o in CaseOutcome if o in allowed)
            raise ValidationError({"outcome": f"Choisissez l'issue du dossier : {choices}."})
        if case.status is CaseStatus.WAITING:
            _end_waits(session, case, on)
        case.outcome = data.outcome
        case.closed_on = on
        title += f" — issue : {OUTCOME_LABELS[data.outcome].lower()}"
        details["outcome"] = data.outcome.value
    elif step is Step.REOPEN:
        case.reopen_count += 1
        case.outcome = case.closed_on = case.inadmissible_reason = case.redirection = None
        case.recommendation_on = None
        if target is CaseStatus.RECEIVED:
            case.admitted_on = None

    # The handling clock stops at the first decision that answers the request.
    if target in (CaseStatus.INADMISSIBLE, CaseStatus.REDIRECTED,
                  CaseStatus.RECOMMENDATION_ISSUED, CaseStatus.CLOSED):
        case.handled_on = case.handled_on or on
    case.status = target
    _refresh(session, case)
    _flush(session)
    _event(session, actor, case, CaseEventKind.STATUS, title, data.comment, internal=False,
           party=data.party if step is Step.WAIT else "",
           occurred_at=_moment(on, today))
    audit.record(session, actor, "transition", ENTITY, case.id, **details)
    return case.version


def _moment(day: date, today: date) -> datetime:
    """Now for a step done today; noon (office time) for one recorded after the fact."""
    if day == today:
        return datetime.now(UTC)
    return datetime(day.year, day.month, day.day, 12, tzinfo=OFFICE_TIME_ZONE).astimezone(UTC)


def _start_wait(session: Session, case: MediationCase, data: StepInput, on: date) -> str:
    if data.waiting_on is None:
        raise ValidationError({"waiting_on": "Précisez qui est attendu."})
    follow_up = data.follow_up_on or deadlines.default_follow_up(
        on, settings(session), _calendar(session, case))
    if follow_up <= on:
        raise ValidationError({"follow_up_on": "La date de relance doit suivre le début de "
                                               "l'attente."})
    session.add(MediationWait(case_id=case.id, waiting_on=data.waiting_on,
                              party=data.party.strip(), started_on=on, follow_up_on=follow_up))
    return (f"Mise en attente de {WAITING_LABELS[data.waiting_on]} — relance le "
            f"{follow_up:%d/%m/%Y}")


def _end_waits(session: Session, case: MediationCase, on: date) -> None:
    for wait in _waits(session, case.id):
        if wait.ended_on is None:
            wait.ended_on = max(on, wait.started_on)


def set_follow_up(session: Session, actor: Actor, case_id: uuid.UUID, expected_version: int,
                  follow_up_on: date, *, today: date | None = None) -> int:
    """Move the follow-up date of the current wait (after a follow-up call, say)."""
    actor.require(Permission.MEDIATION)
    today = today or today_in_office()
    case = _load_for_update(session, case_id, expected_version)
    current = [w for w in _waits(session, case.id) if w.ended_on is None]
    if case.status is not CaseStatus.WAITING or not current:
        raise ValidationError({"follow_up_on": "Ce dossier n'est pas en attente."})
    if follow_up_on <= today:
        raise ValidationError({"follow_up_on": "La nouvelle date de relance doit être à venir."})
    current[-1].follow_up_on = follow_up_on
    _refresh(session, case)
    _flush(session)
    _event(session, actor, case, CaseEventKind.STATUS,
           f"Relance reportée au {follow_up_on:%d/%m/%Y}", internal=True)
    audit.record(session, actor, "set_follow_up", ENTITY, case.id)
    return case.version


def acknowledge(session: Session, actor: Actor, case_id: uuid.UUID, on: date, *,
                today: date | None = None) -> None:
    """Record the acknowledgement (by letter, e-mail or phone); the first one counts."""
    actor.require(Permission.MEDIATION)
    case = _load(session, case_id)
    _check_day(on, case, today or today_in_office(), "acknowledged_on")
    if case.acknowledged_on is not None:
        return
    case.acknowledged_on = on
    _flush(session)
    audit.record(session, actor, "acknowledge", ENTITY, case.id)


# -- timeline and documents --------------------------------------------------------------------

_HAND_WRITTEN = (CaseEventKind.NOTE, CaseEventKind.CALL, CaseEventKind.REQUEST,
                 CaseEventKind.ANSWER)


def add_entry(session: Session, actor: Actor, case_id: uuid.UUID,
              data: EntryInput) -> uuid.UUID:
    """A note, a call, a request to a department or its answer. The case's version is left
    alone, so that two colleagues writing notes at once do not refuse each other's."""
    actor.require(Permission.MEDIATION)
    case = _load(session, case_id)
    errors = {}
    if data.kind not in _HAND_WRITTEN:
        errors["kind"] = "Choisissez : note, appel, demande à un service ou réponse."
    if not data.text.strip():
        errors["text"] = "Le texte est obligatoire."
    if data.kind in (CaseEventKind.REQUEST, CaseEventKind.ANSWER) and not data.party.strip():
        errors["party"] = "Précisez le service ou le partenaire."
    if data.answers_id is not None:
        request = session.get(MediationEvent, data.answers_id)
        if (request is None or request.case_id != case.id
                or request.kind is not CaseEventKind.REQUEST):
            errors["answers_id"] = "Cette réponse ne correspond à aucune demande du dossier."
    if data.occurred_at is not None and data.occurred_at > datetime.now(UTC):
        errors["occurred_at"] = "La date ne peut pas être dans le futur."
    if errors:
        raise ValidationError(errors)
    event = _event(session, actor, case, data.kind, data.title.strip() or EVENT_LABELS[data.kind],
                   data.text, internal=data.internal, party=data.party,
                   occurred_at=data.occurred_at, answers_id=data.answers_id)
    session.flush()
    audit.record(session, actor, "add_entry", ENTITY, case.id, event_id=str(event.id),
                 kind=data.kind.value)
    return event.id


def _store_document(session: Session, case: MediationCase, filename: str, content: bytes,
                    media_type: str | None) -> MediationDocument:
    name = filename.strip().replace("/", "_").replace("\\", "_")[:200]
    if not name:
        raise ValidationError({"filename": "Le fichier doit avoir un nom."})
    if not content:
        raise ValidationError({"filename": f"Le fichier « {name} » est vide."})
    if len(content) > MAX_DOCUMENT_BYTES:
        raise ValidationError({"filename": f"Le fichier « {name} » dépasse 20 Mo : "
                                           "numérisez-le en plusieurs parties."})
    document = MediationDocument(
        case_id=case.id, filename=name,
        media_type=media_type or mimetypes.guess_type(name)[0] or "application/octet-stream",
        size=len(content), sha256=hashlib.sha256(content).hexdigest(), data=content,
    )
    session.add(document)
    session.flush()
    return document


def attach_document(session: Session, actor: Actor, case_id: uuid.UUID, filename: str,
                    content: bytes, *, description: str = "", internal: bool = True,
                    media_type: str | None = None) -> uuid.UUID:
    """Keep a file (scanned letter, PDF…) with the case; returns the timeline entry's id."""
    actor.require(Permission.MEDIATION)
    case = _load(session, case_id)
    document = _store_document(session, case, filename, content, media_type)
    event = _event(session, actor, case, CaseEventKind.ATTACHMENT, document.filename,
                   description, internal=internal, document_id=document.id)
    session.flush()
    audit.record(session, actor, "attach", ENTITY, case.id, document_id=str(document.id))
    return event.id


def record_letter(session: Session, actor: Actor, case_id: uuid.UUID, title: str,
                  filename: str, pdf: bytes, *, acknowledgement: bool = False,
                  today: date | None = None) -> uuid.UUID:
    """Keep a generated letter in the timeline (shared: it went to the requester)."""
    actor.require(Permission.MEDIATION)
    case = _load(session, case_id)
    document = _store_document(session, case, filename, pdf, "application/pdf")
    event = _event(session, actor, case, CaseEventKind.LETTER, title, internal=False,
                   document_id=document.id)
    session.flush()
    audit.record(session, actor, "letter", ENTITY, case.id, document_id=str(document.id))
    if acknowledgement:
        acknowledge(session, actor, case.id, today or today_in_office(), today=today)
    return event.id


@dataclass(frozen=True)
class DocumentContent:
    filename: str
    media_type: str
    content: bytes


def read_document(session: Session, actor: Actor, document_id: uuid.UUID) -> DocumentContent:
    actor.require(Permission.MEDIATION)
    document = session.get(MediationDocument, document_id)
    if document is None or document.deleted_at is not None:
        raise NotFound("Ce document n'existe pas ou a été supprimé.")
    audit.record(session, actor, "open_document", ENTITY, document.case_id,
                 document_id=str(document.id))
    return DocumentContent(document.filename, document.media_type, document.data)


# -- reading a case ----------------------------------------------------------------------------

def person_has_case(session: Session, actor: Actor, person_id: uuid.UUID) -> bool:
    """Whether a mediation case exists for this person: all a non-mediation role may know."""
    actor.require(Permission.VIEW_PEOPLE)
    return bool(session.scalar(select(exists().where(
        MediationCase.person_id == person_id, MediationCase.deleted_at.is_(None)))))


def _require_team_or_batch(actor: Actor | None) -> None:
    """``None`` is an unattended job of the command line, run by whoever holds the database
    itself (as the pathway import does); its readings are audited with no actor."""
    if actor is not None:
        actor.require(Permission.MEDIATION)


def find_reference(session: Session, actor: Actor | None, reference: str) -> uuid.UUID:
    """The case of a final or provisional reference; French errors for a bad one."""
    _require_team_or_batch(actor)
    cleaned = reference.strip().upper()
    if not _REFERENCE.match(cleaned):
        raise ValidationError({"reference": f"« {reference} » n'est pas une référence de "
                                            "dossier (attendu : MED-AAAA-NNNNN)."})
    case_id = session.scalar(select(MediationCase.id).where(
        (MediationCase.reference == cleaned) | (MediationCase.provisional_reference == cleaned),
        MediationCase.deleted_at.is_(None)))
    if case_id is None:
        raise NotFound(f"Aucun dossier de médiation n'a la référence {cleaned}.")
    return case_id


def open_case(session: Session, actor: Actor | None, case_id: uuid.UUID, *,
              today: date | None = None) -> CaseRecord:
    """Everything about a case, for its screen or its PDF. The opening is audited.

    ``actor`` None: the command line's unattended export (see ``_require_team_or_batch``).
    """
    _require_team_or_batch(actor)
    today = today or today_in_office()
    case = _load(session, case_id)
    audit.record(session, actor, "open", ENTITY, case.id)
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
        deadlines=deadlines.case_deadlines(case, today, _calendar(session, case), overdue),
        allowed_steps=allowed_transitions(case),
        waits=[WaitRecord(w.waiting_on, w.party, w.started_on, w.follow_up_on, w.ended_on)
               for w in _waits(session, case.id)],
        timeline=_timeline(session, case.id),
        created_at=case.created_at,
    )


def _timeline(session: Session, case_id: uuid.UUID) -> list[TimelineEntry]:
    rows = session.execute(
        select(MediationEvent, Staff.first_name, Staff.last_name, MediationDocument.filename)
        .outerjoin(Staff, Staff.id == MediationEvent.author_id)
        .outerjoin(MediationDocument, MediationDocument.id == MediationEvent.document_id)
        .where(MediationEvent.case_id == case_id, MediationEvent.deleted_at.is_(None))
        .order_by(MediationEvent.occurred_at, MediationEvent.created_at)
    )
    return [
        TimelineEntry(e.id, e.kind, e.occurred_at,
                      f"{first} {last}" if last else "Système", e.internal, e.title, e.text,
                      e.party, e.document_id, filename or "")
        for e, first, last, filename in rows
    ]


# -- the case list -----------------------------------------------------------------------------

def _text_clause(session: Session, query: str):
    words = [validation.fold(w) for w in _WORD.findall(query)]
    if not words:
        return None
    if session.bind.dialect.name == "sqlite":
        match = " ".join(f'"{w}"*' for w in words)
        return text(
            "mediation_case.rowid IN (SELECT rowid FROM mediation_case_fts "
            "WHERE mediation_case_fts MATCH :case_match)"
        ).bindparams(case_match=match)
    return text(
        "mediation_case.search_vector @@ to_tsquery('guichet_french', :case_query)"
    ).bindparams(case_query=" & ".join(f"{w}:*" for w in words))


def _list_query(session: Session, filters: CaseFilter, today: date) -> Select:
    case = MediationCase
    statement = select(case.id).where(case.deleted_at.is_(None))
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


def search_cases(session: Session, actor: Actor, filters: CaseFilter | None = None, *,
                 today: date | None = None, limit: int = SEARCH_LIMIT) -> list[uuid.UUID]:
    """Ids of the matching cases: open ones first, urgent first, then oldest first."""
    actor.require(Permission.MEDIATION)
    statement = _list_query(session, filters or CaseFilter(), today or today_in_office())
    statement = statement.order_by(
        MediationCase.is_open.desc(), MediationCase.urgent.desc(), MediationCase.received_on,
        MediationCase.reference,
    ).limit(limit)
    return list(session.scalars(statement))


def count_cases(session: Session, actor: Actor, filters: CaseFilter | None = None, *,
                today: date | None = None) -> int:
    actor.require(Permission.MEDIATION)
    inner = _list_query(session, filters or CaseFilter(), today or today_in_office())
    return session.scalar(select(func.count()).select_from(inner.subquery()))


def case_rows(session: Session, actor: Actor, ids: list[uuid.UUID], *,
              today: date | None = None) -> list[CaseRow]:
    """The list lines of these cases, in the order of ``ids`` (missing ones left out)."""
    actor.require(Permission.MEDIATION)
    if not ids:
        return []
    today = today or today_in_office()
    case = MediationCase
    rows = session.execute(
        select(case.id, case.reference, case.provisional_reference, case.received_on,
               case.status, case.urgent, case.closed_on, case.follow_up_on,
               case.acknowledged_on, case.acknowledgement_due_on, case.handling_due_on,
               case.paused_since, Person.kind, Person.last_name, Person.first_name,
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
         acknowledged_on, acknowledgement_due, handling_due, paused_since,
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
                                        handling_due, paused_since, follow_up),
        )
    return [found[i] for i in ids if i in found]


# -- motives and settings (administration) ------------------------------------------------------

@dataclass(frozen=True)
class MotiveRecord:
    id: uuid.UUID
    version: int
    code: str
    label: str
    urgent_by_default: bool
    valid_from: date
    valid_until: date | None


@dataclass
class MotiveInput:
    code: str
    label: str
    valid_from: date
    valid_until: date | None = None
    urgent_by_default: bool = False


def list_motives(session: Session, actor: Actor, *, on: date | None = None) -> list[MotiveRecord]:
    """The motives in force ``on`` that day (intake), or all of them when ``on`` is None."""
    if not (actor.can(Permission.MEDIATION) or actor.can(Permission.ADMINISTER)):
        actor.require(Permission.MEDIATION)
    statement = select(MediationMotive).where(MediationMotive.deleted_at.is_(None))
    if on is not None:
        statement = statement.where(
            MediationMotive.valid_from <= on,
            MediationMotive.valid_until.is_(None) | (MediationMotive.valid_until >= on))
    return [
        MotiveRecord(m.id, m.version, m.code, m.label, m.urgent_by_default, m.valid_from,
                     m.valid_until)
        for m in session.scalars(statement.order_by(MediationMotive.position,
                                                    MediationMotive.label))
    ]


def save_motive(session: Session, actor: Actor, data: MotiveInput,
                motive_id: uuid.UUID | None = None, expected_version: int | None = None,
                ) -> uuid.UUID:
    """Create a motive, or edit one (a motive in use is retired with ``valid_until``)."""
    actor.require(Permission.ADMINISTER)
    errors = {}
    code, label = data.code.strip().lower(), " ".join(data.label.split())
    if not re.fullmatch(r"[a-z0-9_]{2,40}", code):
        errors["code"] = "Le code compte 2 à 40 lettres minuscules, chiffres ou « _ »."
    if not label:
        errors["label"] = "Le libellé est obligatoire."
    if data.valid_until is not None and data.valid_until < data.valid_from:
        errors["valid_until"] = "La fin de validité précède son début."
    other = session.scalar(select(MediationMotive.id).where(MediationMotive.code == code))
    if other is not None and other != motive_id:
        errors["code"] = f"Le code « {code} » est déjà pris."
    if errors:
        raise ValidationError(errors)
    if motive_id is None:
        position = session.scalar(select(func.coalesce(func.max(MediationMotive.position), 0)))
        motive = MediationMotive(position=position + 1)
        session.add(motive)
    else:
        motive = session.get(MediationMotive, motive_id)
        if motive is None:
            raise NotFound("Ce motif n'existe pas.")
        if motive.version != expected_version:
            raise _conflict()
    motive.code, motive.label = code, label
    motive.valid_from, motive.valid_until = data.valid_from, data.valid_until
    motive.urgent_by_default = data.urgent_by_default
    _flush(session)
    audit.record(session, actor, "create" if motive_id is None else "update",
                 "mediation_motive", motive.id)
    return motive.id


def update_settings(session: Session, actor: Actor, expected_version: int, *,
                    acknowledgement_days: int, handling_months: int,
                    follow_up_working_days: int) -> int:
    """Change the team's delays; the open cases' due dates follow."""
    actor.require(Permission.ADMINISTER)
    current = settings(session)
    if current.version != expected_version:
        raise _conflict()
    errors = {}
    if not 1 <= acknowledgement_days <= 60:
        errors["acknowledgement_days"] = "Le délai d'accusé de réception va de 1 à 60 jours."
    if not 1 <= handling_months <= 12:
        errors["handling_months"] = "L'objectif de traitement va de 1 à 12 mois."
    if not 1 <= follow_up_working_days <= 60:
        errors["follow_up_working_days"] = "Le délai de relance va de 1 à 60 jours ouvrés."
    if errors:
        raise ValidationError(errors)
    current.acknowledgement_days = acknowledgement_days
    current.handling_months = handling_months
    current.follow_up_working_days = follow_up_working_days
    _flush(session)
    for case in session.scalars(select(MediationCase).where(MediationCase.is_open)):
        _refresh(session, case)
    session.flush()
    audit.record(session, actor, "update", "mediation_settings", current.id)
    return current.version


def team_members(session: Session, actor: Actor) -> list[tuple[uuid.UUID, str]]:
    """The mediation team, for the mediator filter and the assignment field."""
    actor.require(Permission.MEDIATION)
    return [(s.id, s.display_name) for s in session.scalars(
        select(Staff).where(Staff.role.in_((Role.MEDIATOR, Role.MEDIATION_ASSISTANT)),
                            Staff.active, Staff.deleted_at.is_(None))
        .order_by(Staff.last_name, Staff.first_name))]

