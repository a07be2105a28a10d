"""What the mediation services take and give: inputs, a case's record, its timeline, a list line."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from db.mediation import deadlines
from db.mediation.labels import (
    CHANNEL_LABELS,
    EVENT_LABELS,
    OUTCOME_LABELS,
    STATUS_LABELS,
    WAITING_LABELS,
)
from db.mediation.models import (
    CaseEventKind,
    CaseOutcome,
    CaseStatus,
    InadmissibleReason,
    MediationChannel,
    Redirection,
    WaitingOn,
)
from db.mediation.rules import Step
from db.people.labels import KIND_LABELS
from db.people.models import PersonKind


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
