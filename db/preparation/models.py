"""Pre-call preparation: each physical appointment is prepared by a phone call beforehand.

A ``PreparationTask`` follows one appointment (a moved appointment takes its task along); its
call attempts are ``PreparationAttempt`` rows. The delays are ``PreparationSettings`` (one
row, seeded by the migration, edited by an administrator).
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.agenda.models import Appointment  # noqa: F401 (tables the foreign keys name)
from db.base import Entity, UTCDateTime, enum_column


class PreparationStatus(enum.StrEnum):
    OPEN = "open"  # to call, or to call again
    DONE = "done"  # an outcome is recorded
    CANCELLED = "cancelled"  # the appointment was cancelled or is no longer physical


class PreparationOutcome(enum.StrEnum):
    CONCLUSIVE = "conclusive"  # settled on the phone: the visit is called off
    MAINTAINED = "maintained"  # the visit is kept, with the documents to bring
    UNREACHABLE = "unreachable"  # nobody answered the last attempt: the visit is kept


class PreparationSettings(Entity):
    __tablename__ = "preparation_settings"
    described_as = "les réglages des préparations"

    lead_working_days: Mapped[int] = mapped_column(Integer, default=2)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)

    __table_args__ = (
        CheckConstraint("lead_working_days BETWEEN 1 AND 10", name="lead_working_days"),
        CheckConstraint("max_attempts BETWEEN 1 AND 5", name="max_attempts"),
    )


class PreparationTask(Entity):
    __tablename__ = "preparation_task"
    described_as = "cette préparation"
    not_found = "Cette préparation n'existe pas ou a été supprimée."

    appointment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("appointment.id"))
    # The appointment's local day (month of the conclusive rate) and the day to call by.
    appointment_day: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[PreparationStatus] = mapped_column(
        enum_column(PreparationStatus, "preparation_status"), default=PreparationStatus.OPEN
    )
    outcome: Mapped[PreparationOutcome | None] = mapped_column(
        enum_column(PreparationOutcome, "preparation_outcome")
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    prepared_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    # What was settled or agreed on the phone, in the adviser's words.
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        CheckConstraint("(status = 'done') = (outcome IS NOT NULL)", name="outcome"),
        Index("ix_preparation_task_appointment", "appointment_id"),
        Index("ix_preparation_task_status_due", "status", "due_on"),
        Index("ix_preparation_task_day", "appointment_day"),
    )


class PreparationAttempt(Entity):
    __tablename__ = "preparation_attempt"
    described_as = "cette préparation"

    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("preparation_task.id"))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    reached: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_preparation_attempt_task", "task_id", "attempted_at"),)
