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


def stale(what: str) -> ConflictError:
    return ConflictError(
        f"Quelqu'un d'autre a modifié {what} entre-temps. Rien n'a été enregistré : "
        "rouvrez la fiche pour voir la version à jour."
    )


def soft_delete(session: Session, rows) -> None:
    now = utcnow()
    for row in rows:
        row.deleted_at = now
