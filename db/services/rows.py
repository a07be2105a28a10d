"""Reading and writing live rows under optimistic concurrency, shared by the services.

A row read for an edit carries the version the user saw; the edit is refused when the row
moved on (a ``ConflictError`` with a French message), never silently overwritten.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.errors import ConflictError, NotFound
from db.models.base import utcnow
from db.services import audit
from db.services.access import Actor


def load(session: Session, model, entity_id: uuid.UUID, message: str):
    """A live (not soft-deleted) row, or NotFound with ``message``."""
    row = session.get(model, entity_id)
    if row is None or row.deleted_at is not None:
        raise NotFound(message)
    return row


def check_version(row, expected_version: int, what: str = "ce rendez-vous") -> None:
    if row.version != expected_version:
        raise stale(what)


def flush_or_conflict(session: Session, what: str = "ce rendez-vous") -> None:
    try:
        session.flush()
    except StaleDataError:
        raise stale(what) from None


def set_changed(row, values: dict) -> list[str]:
    """Set the fields of ``values`` that differ from ``row``'s; their names, sorted, for the
    audit trail (empty when nothing changes)."""
    changed = sorted(k for k, v in values.items() if getattr(row, k) != v)
    for key in changed:
        setattr(row, key, values[key])
    return changed


def create_or_update(
    session: Session, actor: Actor, model, values: dict, row_id: uuid.UUID | None,
    expected_version: int | None, *, entity: str, what: str, not_found: str,
) -> uuid.UUID:
    """Create a ``model`` row from ``values``, or edit ``row_id`` as it was at
    ``expected_version`` (refused if it moved on); audited as ``entity`` either way."""
    if row_id is None:
        row = model(**values)
        session.add(row)
        session.flush()
        audit.record(session, actor, "create", entity, row.id)
        return row.id
    row = load(session, model, row_id, not_found)
    check_version(row, expected_version, what)
    changed = set_changed(row, values)
    flush_or_conflict(session, what)
    audit.record(session, actor, "update", entity, row.id, fields=changed)
    return row.id


def remove(
    session: Session, actor: Actor, model, row_id: uuid.UUID, expected_version: int, *,
    entity: str, what: str, not_found: str,
) -> None:
    """Soft-delete ``row_id`` as it was at ``expected_version`` (refused if it moved on),
    audited as ``entity``."""
    row = load(session, model, row_id, not_found)
    check_version(row, expected_version, what)
    soft_delete(session, [row])
    flush_or_conflict(session, what)
    audit.record(session, actor, "delete", entity, row_id)


def stale(what: str) -> ConflictError:
    return ConflictError(
        f"Quelqu'un d'autre a modifié {what} entre-temps. Rien n'a été enregistré : "
        "rouvrez la fiche pour voir la version à jour."
    )


def soft_delete(session: Session, rows) -> None:
    now = utcnow()
    for row in rows:
        row.deleted_at = now
