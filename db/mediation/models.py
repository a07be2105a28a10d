"""Mediation case files: intake, lifecycle, waits, timeline, documents and letter templates.

Deadline columns (``acknowledgement_due_on``, ``handling_due_on``, ``paused_since``,
``follow_up_on``, ``is_open``, ``cra_due_on``) are derived from the rest of the case by
``db.mediation.deadlines`` on every write, so that the case list can filter and sort
on them with plain indexes (see that module for how each delay is counted).
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from db.base import Base, Entity, UTCDateTime, enum_column
from db.org.models import Staff
from db.people.models import Person


class MediationChannel(enum.StrEnum):
    """How the request (*saisine*) arrived."""

    AMELI_ACCOUNT = "ameli_account"  # compte ameli « Demander l'aide du médiateur »
    MAIL = "mail"
    EMAIL = "email"
    PHONE = "phone"
    FRANCE_SERVICES = "france_services"
    OTHER_DEPARTMENT = "other_department"


class CaseStatus(enum.StrEnum):
    RECEIVED = "received"
    ADMISSIBLE = "admissible"
    INADMISSIBLE = "inadmissible"
    REDIRECTED = "redirected"
    IN_PROGRESS = "in_progress"
    WAITING = "waiting"
    RECOMMENDATION_ISSUED = "recommendation_issued"
    CLOSED = "closed"


class InadmissibleReason(enum.StrEnum):
    NO_PRIOR_STEP = "no_prior_step"
    COURT_ACTION = "court_action"
    OUT_OF_SCOPE = "out_of_scope"


class Redirection(enum.StrEnum):
    CRA = "cra"  # Commission de recours amiable
    DEPARTMENT = "department"  # the department concerned, which has not been asked yet
    JOINT_COMMISSION = "joint_commission"  # commission mixte de conciliation


class WaitingOn(enum.StrEnum):
    REQUESTER = "requester"
    DEPARTMENT = "department"
    MEDICAL_SERVICE = "medical_service"
    PARTNER = "partner"


class CaseOutcome(enum.StrEnum):
    FAVOURABLE = "favourable"
    PARTLY_FAVOURABLE = "partly_favourable"
    UNFAVOURABLE = "unfavourable"
    REDIRECTED = "redirected"
    WITHDRAWN = "withdrawn"
    COURT_ACTION = "court_action"


class CaseEventKind(enum.StrEnum):
    STATUS = "status"  # a lifecycle step (intake, admissibility, wait, closure, reopening…)
    NOTE = "note"
    CALL = "call"
    LETTER = "letter"
    REQUEST = "request"  # a question to another department or partner
    ANSWER = "answer"  # its answer
    ATTACHMENT = "attachment"


class LetterKind(enum.StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    ADMISSIBLE = "admissible"
    INADMISSIBLE = "inadmissible"
    RECOMMENDATION = "recommendation"
    REDIRECTION = "redirection"


class MediationMotive(Entity):
    """An admin-editable motive, offered at intake between its validity dates."""

    __tablename__ = "mediation_motive"
    described_as = "ce motif"
    not_found = "Ce motif n'existe pas."

    code: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(120))
    urgent_by_default: Mapped[bool] = mapped_column(Boolean, default=False)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    position: Mapped[int] = mapped_column(Integer, default=0)


class MediationSettings(Entity):
    """The team's delays (one row, seeded by the migration; the administrator edits it)."""

    __tablename__ = "mediation_settings"
    described_as = "les réglages de la médiation"

    acknowledgement_days: Mapped[int] = mapped_column(Integer, default=7)
    handling_months: Mapped[int] = mapped_column(Integer, default=1)
    follow_up_working_days: Mapped[int] = mapped_column(Integer, default=10)

    __table_args__ = (
        CheckConstraint("acknowledgement_days BETWEEN 1 AND 60", name="acknowledgement_days"),
        CheckConstraint("handling_months BETWEEN 1 AND 12", name="handling_months"),
        CheckConstraint("follow_up_working_days BETWEEN 1 AND 60", name="follow_up_days"),
    )


class MediationCounter(Base):
    """The last final reference number given in a year (on the server or the single PC)."""

    __tablename__ = "mediation_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer)


class MediationCase(Entity):
    __tablename__ = "mediation_case"
    described_as = "ce dossier"
    not_found = "Ce dossier de médiation n'existe pas ou a été supprimé."

    # MED-YYYY-NNNNN, given by the counter; NULL on an offline replica until the sync.
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    provisional_reference: Mapped[str | None] = mapped_column(String(24), unique=True)
    # Intake
    received_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[MediationChannel] = mapped_column(
        enum_column(MediationChannel, "mediation_channel"))
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"))
    representative_name: Mapped[str] = mapped_column(String(200), default="")
    representative_capacity: Mapped[str] = mapped_column(String(120), default="")
    motive_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("mediation_motive.id"))
    contested_decision: Mapped[str] = mapped_column(String(300), default="")
    decision_notified_on: Mapped[date | None] = mapped_column(Date)
    prior_step_done: Mapped[bool] = mapped_column(Boolean)
    court_action_pending: Mapped[bool] = mapped_column(Boolean)
    summary: Mapped[str] = mapped_column(Text, default="")
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    mediator_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    site_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("site.id"))
    # Lifecycle
    status: Mapped[CaseStatus] = mapped_column(enum_column(CaseStatus, "mediation_status"))
    inadmissible_reason: Mapped[InadmissibleReason | None] = mapped_column(
        enum_column(InadmissibleReason, "mediation_inadmissible_reason"))
    redirection: Mapped[Redirection | None] = mapped_column(
        enum_column(Redirection, "mediation_redirection"))
    outcome: Mapped[CaseOutcome | None] = mapped_column(
        enum_column(CaseOutcome, "mediation_outcome"))
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    admitted_on: Mapped[date | None] = mapped_column(Date)
    recommendation_on: Mapped[date | None] = mapped_column(Date)
    handled_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    # Derived by the services (see the module docstring)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    acknowledgement_due_on: Mapped[date] = mapped_column(Date)
    handling_due_on: Mapped[date] = mapped_column(Date)
    paused_days: Mapped[int] = mapped_column(Integer, default=0)
    paused_since: Mapped[date | None] = mapped_column(Date)
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    # The last day to seize the CRA; None while the mediation suspends the delay.
    cra_due_on: Mapped[date | None] = mapped_column(Date)
    # Reference, names, decision and summary, folded: what full-text search indexes.
    search_text: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[Person] = relationship()
    motive: Mapped[MediationMotive] = relationship()
    mediator: Mapped[Staff | None] = relationship()

    __table_args__ = (
        CheckConstraint("reference IS NOT NULL OR provisional_reference IS NOT NULL",
                        name="has_reference"),
        CheckConstraint("status <> 'closed' OR outcome IS NOT NULL", name="closed_has_outcome"),
        Index("ix_mediation_case_list", "is_open", "urgent", "received_on"),
        Index("ix_mediation_case_person_id", "person_id"),
        Index("ix_mediation_case_status", "status"),
        Index("ix_mediation_case_motive_id", "motive_id"),
        Index("ix_mediation_case_mediator_id", "mediator_id"),
        Index("ix_mediation_case_cra_due_on", "cra_due_on"),
    )

    @property
    def display_reference(self) -> str:
        return self.reference or self.provisional_reference or ""


class MediationWait(Entity):
    """A period spent waiting on someone, with the day to follow it up."""

    __tablename__ = "mediation_wait"
    described_as = "ce dossier"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("mediation_case.id"))
    waiting_on: Mapped[WaitingOn] = mapped_column(enum_column(WaitingOn, "mediation_waiting_on"))
    party: Mapped[str] = mapped_column(String(200), default="")  # which department or partner
    started_on: Mapped[date] = mapped_column(Date)
    follow_up_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (Index("ix_mediation_wait_case_id", "case_id", "started_on"),)


class MediationDocument(Entity):
    """A file kept with a case (scanned letter, PDF, generated letter).

    The bytes live in the database, not in a folder: the SQLite file (SQLCipher on a laptop)
    or the PostgreSQL dump then carries them in every backup and every sync, encrypted and
    under the same access rules as the case. ``data`` is deferred so lists never load it.
    """

    __tablename__ = "mediation_document"
    described_as = "ce document"
    not_found = "Ce document n'existe pas ou a été supprimé."

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("mediation_case.id"))
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))

    __table_args__ = (Index("ix_mediation_document_case_id", "case_id"),)


class MediationEvent(Entity):
    """One line of a case's timeline, with its author and date."""

    __tablename__ = "mediation_event"
    described_as = "ce dossier"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("mediation_case.id"))
    kind: Mapped[CaseEventKind] = mapped_column(enum_column(CaseEventKind, "mediation_event_kind"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    # Internal notes stay in the team; shared ones may be told to the requester.
    internal: Mapped[bool] = mapped_column(Boolean, default=True)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    party: Mapped[str] = mapped_column(String(200), default="")  # department asked, answering
    # The request a department's answer replies to.
    answers_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("mediation_event.id"))
    document_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("mediation_document.id"))

    author: Mapped[Staff | None] = relationship()
    document: Mapped[MediationDocument | None] = relationship()

    __table_args__ = (Index("ix_mediation_event_case_id", "case_id", "occurred_at"),)


class LetterTemplate(Entity):
    """An admin-editable letter with merge fields such as ``{reference}`` (see the service)."""

    __tablename__ = "mediation_letter_template"
    described_as = "ce modèle de courrier"

    kind: Mapped[LetterKind] = mapped_column(enum_column(LetterKind, "mediation_letter_kind"),
                                             unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
