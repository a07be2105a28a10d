"""Call-back requests (« fiches de contact »): taken at the reception or by a France Services
partner, the person must be called back within 24 working hours."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.agenda.models import Appointment  # noqa: F401 (tables the foreign keys name)
from db.base import Entity, SectorScoped, UTCDateTime, enum_column


class CallbackOutcome(enum.StrEnum):
    SETTLED = "settled"  # reached, the matter is dealt with
    UNREACHABLE = "unreachable"
    APPOINTMENT = "appointment"  # turned into an appointment
    WITHDRAWN = "withdrawn"  # no longer needed


class CallbackRequest(SectorScoped, Entity):
    """A « fiche de contact »: the person must be called back within 24 working hours."""

    __tablename__ = "callback_request"
    described_as = "cette demande de rappel"
    not_found = "Cette demande de rappel n'existe pas ou a été supprimée."

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("site.id"))
    taken_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff.id"))
    # A known person, or the contact details of someone not (yet) in the registry.
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"))
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    motive_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("motive.id"))
    reason: Mapped[str] = mapped_column(String(300), default="")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[CallbackOutcome | None] = mapped_column(
        enum_column(CallbackOutcome, "callback_outcome")
    )
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    appointment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("appointment.id"))

    __table_args__ = (
        CheckConstraint(
            "person_id IS NOT NULL OR contact_phone IS NOT NULL", name="reachable"
        ),
        Index("ix_callback_request_open", "outcome", "due_at"),
        Index("ix_callback_request_site_due", "site_id", "due_at"),
    )
