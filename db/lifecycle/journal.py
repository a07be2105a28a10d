"""The audit journal as administrators read it: who did what to which entity, and when.

The trail holds ids, codes and field names only (``db.unit.audit``): so does the journal.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from db.org.access import Permission
from db.org.staff import staff_names
from db.unit import Unit
from db.unit.audit import AuditEvent

JOURNAL_LIMIT = 200_000  # a year of a busy office; beyond, narrow the period


@dataclass(frozen=True)
class JournalRow:
    id: uuid.UUID
    occurred_at: datetime
    actor: str  # « Système » for a job without an account
    action: str
    entity_type: str
    entity_id: uuid.UUID
    details: str  # « status=honoured, version=2 »


def _details_text(details: dict | None) -> str:
    return ", ".join(f"{key}={value}" for key, value in sorted((details or {}).items()))


def journal(unit: Unit, starts: datetime | None = None, ends: datetime | None = None,
            limit: int = JOURNAL_LIMIT) -> list[JournalRow]:
    """Events of [starts, ends[ (either open), the latest first."""
    unit.require(Permission.ADMINISTER)
    statement = select(AuditEvent).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id)
    if starts is not None:
        statement = statement.where(AuditEvent.occurred_at >= starts)
    if ends is not None:
        statement = statement.where(AuditEvent.occurred_at < ends)
    events = list(unit.session.scalars(statement.limit(limit)))
    names = staff_names(unit.session, {e.actor_id for e in events})
    return [JournalRow(e.id, e.occurred_at, names.get(e.actor_id, "Système"), e.action,
                       e.entity_type, e.entity_id, _details_text(e.details))
            for e in events]
