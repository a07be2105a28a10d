"""How long each kind of data is kept: one row, set in Administration."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Integer
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Entity

# Defaults and their sources: the README (« Retention ») says the same.
DEFAULT_MONTHS = {
    "appointments_months": 24,  # RDV Service Public: appointments older than 2 years go
    "callbacks_months": 12,  # its personal history after 1 year
    "pathways_months": 24,  # as appointments: a pathway line leads to one
    "audit_months": 12,  # CNIL 2021 recommendation on logs: 6 months to 1 year
    "messages_months": 3,  # the message queue, once sent, failed or withdrawn (issue 18)
}


class RetentionSettings(Entity):
    """How many months each kind of data is kept (after its date, or after its closing).
    Closed mediation files: no legal text fixes a duration, so none until the
    administrator writes one down (None: never purged)."""

    __tablename__ = "retention_settings"
    described_as = "les durées de conservation"

    appointments_months: Mapped[int] = mapped_column(Integer, default=24, server_default="24")
    callbacks_months: Mapped[int] = mapped_column(Integer, default=12, server_default="12")
    pathways_months: Mapped[int] = mapped_column(Integer, default=24, server_default="24")
    mediation_months: Mapped[int | None] = mapped_column(Integer)
    audit_months: Mapped[int] = mapped_column(Integer, default=12, server_default="12")
    messages_months: Mapped[int] = mapped_column(Integer, default=3, server_default="3")

    __table_args__ = (
        CheckConstraint("appointments_months BETWEEN 1 AND 240", name="appointments"),
        CheckConstraint("callbacks_months BETWEEN 1 AND 240", name="callbacks"),
        CheckConstraint("pathways_months BETWEEN 1 AND 240", name="pathways"),
        CheckConstraint("mediation_months IS NULL OR mediation_months BETWEEN 1 AND 240",
                        name="mediation"),
        CheckConstraint("audit_months BETWEEN 1 AND 240", name="audit"),
        CheckConstraint("messages_months BETWEEN 1 AND 240", name="messages"),
    )
