"""Appending to the audit trail (never updated nor deleted)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEvent
from db.services.access import Actor


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    entity_type: str,
    entity_id: uuid.UUID,
    **details: object,
) -> None:
    """Append one event. ``details`` holds ids and field names only, never personal data."""
    session.add(AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        details=details,
    ))


def history(session: Session, entity_type: str, entity_id: uuid.UUID) -> list[AuditEvent]:
    return list(session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.occurred_at)
    ))
