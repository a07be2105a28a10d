"""Life pathways (parcours de vie): monthly cohorts, their outreach worklists, rebound offers.

A ``PathwayEntry`` is one person on the worklist of one pathway kind for one month; it moves
through ``PathwayStatus`` and keeps its ``outcome`` once done, so the funnel still counts it.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.agenda.models import Appointment, Motive  # noqa: F401 (tables the foreign keys name)
from db.base import Entity, UTCDateTime, enum_column


class PathwayStatus(enum.StrEnum):
    TO_CONTACT = "to_contact"
    ATTEMPT_1 = "attempt_1"
    ATTEMPT_2 = "attempt_2"
    ATTEMPT_3 = "attempt_3"
    BOOKED = "booked"
    DECLINED = "declined"
    UNREACHABLE = "unreachable"
    NOT_CONCERNED = "not_concerned"
    DONE = "done"


class PathwayOutcome(enum.StrEnum):
    BOOKED = "booked"
    DECLINED = "declined"
    UNREACHABLE = "unreachable"
    NOT_CONCERNED = "not_concerned"


class AttemptResult(enum.StrEnum):
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    VOICEMAIL = "voicemail"
    WRONG_NUMBER = "wrong_number"


class PathwayKind(Entity):
    """ALD, maternité, invalidité… ``code`` is what the command line's ``--kind`` takes."""

    __tablename__ = "pathway_kind"
    described_as = "ce type de parcours"
    not_found = "Ce type de parcours n'existe pas."

    code: Mapped[str] = mapped_column(String(32), unique=True)
    label: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The motive preset when booking from the worklist (motives are the agenda's).
    motive_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("motive.id"))


class PathwayImport(Entity):
    """One monthly extract loaded into a pathway: what it brought, for the import history."""

    __tablename__ = "pathway_import"
    described_as = "cet import"

    kind_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pathway_kind.id"))
    month: Mapped[date] = mapped_column(Date)  # first day of the month
    file_name: Mapped[str] = mapped_column(String(255), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    new_entries: Mapped[int] = mapped_column(Integer)
    already_known: Mapped[int] = mapped_column(Integer)
    people_created: Mapped[int] = mapped_column(Integer)
    people_updated: Mapped[int] = mapped_column(Integer)
    # Null when the unattended command line imported it (no signed-in account).
    imported_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))

    __table_args__ = (Index("ix_pathway_import_kind_month", "kind_id", "month"),)


class PathwayEntry(Entity):
    """One person on one pathway's worklist for one month."""

    __tablename__ = "pathway_entry"
    described_as = "cette ligne"
    not_found = "Cette ligne de parcours n'existe pas ou a été supprimée."

    kind_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pathway_kind.id"))
    month: Mapped[date] = mapped_column(Date)  # first day of the month
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"))
    import_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pathway_import.id"))
    entry_date: Mapped[date | None] = mapped_column(Date)  # when the situation began
    status: Mapped[PathwayStatus] = mapped_column(
        enum_column(PathwayStatus, "pathway_status"), default=PathwayStatus.TO_CONTACT
    )
    outcome: Mapped[PathwayOutcome | None] = mapped_column(
        enum_column(PathwayOutcome, "pathway_outcome")
    )
    assigned_to_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The phone appointment booked from the worklist (« RDV pris »); moved, the new one
    # (``db.pathways.follow``).
    appointment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("appointment.id"))
    # The extract's phone or e-mail was not valid: imported empty, to check with the person.
    contacts_to_check: Mapped[bool] = mapped_column(Boolean, default=False,
                                                    server_default=false())

    __table_args__ = (
        UniqueConstraint("kind_id", "month", "person_id", name="uq_pathway_entry_cohort"),
        Index("ix_pathway_entry_worklist", "kind_id", "month", "status"),
        Index("ix_pathway_entry_person_id", "person_id"),
        Index("ix_pathway_entry_assigned_to_id", "assigned_to_id"),
    )


class PathwayAttempt(Entity):
    """One call attempt (1 to 3) on a worklist entry."""

    __tablename__ = "pathway_attempt"
    described_as = "cette ligne"

    entry_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pathway_entry.id"))
    number: Mapped[int] = mapped_column(Integer)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    result: Mapped[AttemptResult] = mapped_column(enum_column(AttemptResult, "attempt_result"))

    __table_args__ = (
        UniqueConstraint("entry_id", "number", name="uq_pathway_attempt_number"),
    )


class Segment(Entity):
    """One of the 8 segments describing the insured population (for rebound offers)."""

    __tablename__ = "offer_segment"
    described_as = "ce segment"
    not_found = "Ce segment n'existe pas."

    code: Mapped[str] = mapped_column(String(32), unique=True)
    label: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Offer(Entity):
    """A service offered on rebound to a segment (compte ameli, M'T dents…)."""

    __tablename__ = "rebound_offer"
    described_as = "cette offre"
    not_found = "Cette offre n'existe pas."

    segment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offer_segment.id"))
    label: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(500), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (Index("ix_rebound_offer_segment_id", "segment_id"),)


class PersonOffer(Entity):
    """An offer made to a person (during a pathway call, usually), and whether accepted."""

    __tablename__ = "person_offer"
    described_as = "ces offres"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"))
    offer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rebound_offer.id"))
    entry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pathway_entry.id"))
    made_at: Mapped[datetime] = mapped_column(UTCDateTime)
    made_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    accepted: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        UniqueConstraint("entry_id", "offer_id", name="uq_person_offer_entry_offer"),
        Index("ix_person_offer_person_id", "person_id"),
    )
