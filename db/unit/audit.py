"""The append-only audit trail: who did what to which entity, and when.

Only ids, codes and field names are stored, never a NIR or free text about a person. Rows
are appended by the unit of work's save path (``db.unit.rows``); ``record`` is for what is
audited on another entity than the row written (a waiting-list place, audited on its
session) or for readings (opening a case).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Uuid, select
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from db.unit.unit import Unit


class AuditEvent(Base):
    __tablename__ = "audit_event"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # None for a system job. Named by table: the unit of work sits below the organisation.
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    action: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    __table_args__ = (
        Index("ix_audit_event_entity", "entity_type", "entity_id", "occurred_at"),
    )


def ids(**values: uuid.UUID | None) -> dict[str, str]:
    """Audit details: ids as text (the trail is JSON)."""
    return {key: str(value) for key, value in values.items() if value is not None}


def record(unit: Unit, action: str, entity_type: str, entity_id: uuid.UUID,
           **details: object) -> None:
    """Append one event. ``details`` holds ids, codes and field names only."""
    event = AuditEvent(actor_id=unit.actor_id, action=action, entity_type=entity_type,
                       entity_id=entity_id, details=details)
    unit.declare(event)
    unit.session.add(event)


def history(unit: Unit, entity_type: str, entity_id: uuid.UUID, *,
            except_actions: Iterable[str] = ()) -> list[AuditEvent]:
    """The events of one entity, oldest first, but those of ``except_actions``."""
    statement = (select(AuditEvent)
                 .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
                 .order_by(AuditEvent.occurred_at))
    if except_actions:
        statement = statement.where(AuditEvent.action.not_in(list(except_actions)))
    return list(unit.session.scalars(statement))
