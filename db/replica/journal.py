"""The replica's journal: every row a unit of work writes on a laptop, appended as an operation
in the same transaction (``db.replica.models.replica_op``), so that nothing written offline
can miss the next push and nothing is pushed that was rolled back.

The store of a replica listens to its sessions' flushes (``watch``). An inserted row is
journaled with all its columns; an updated one with the fields that changed, each with the
value the edit started from (three-way merge on the server) and the version it started
from; a counter moved in one statement (``rows.take``) as a « take ». Derived data is never
journaled — ``adviser_busy`` is the database's own (triggers), a person's search columns are
recomputed where the edit is applied — and neither are the save path's bookkeeping columns.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, sessionmaker

from db.base import utcnow
from db.replica.models import replica_op
from db.replica.values import encode

JOURNALED = "guichet_journaled"
ACTOR_ID = "guichet_actor_id"  # set by each unit of work (db.unit.unit)
_BOOKKEEPING = frozenset({"version", "updated_at", "created_at"})
# Tables whose rows never travel: derived (adviser_busy), the server's own counters, and the
# figures kept by month. The audit trail travels one way, laptop to server.
NOT_JOURNALED = frozenset({"adviser_busy", "mediation_counter", "archived_month"})
# Per table, the columns computed from the others (db.people.records.DERIVED_COLUMNS).
DERIVED: dict[str, frozenset[str]] = {
    "person": frozenset({"civility", "phone_digits", "sort_key"}),
}


def watch(sessions: sessionmaker[Session]) -> None:
    """Journal every flush of ``sessions`` (a replica's)."""
    event.listen(sessions, "after_flush", _journal_flush)


def is_journaled(session: Session) -> bool:
    return bool(session.info.get(JOURNALED))


def _journal_flush(session: Session, _context) -> None:
    if not session.info.get(JOURNALED):
        return
    actor_id = session.info.get(ACTOR_ID)
    operations = [*_inserted(session.new), *_updated(session.dirty), *_deleted(session.deleted)]
    if operations:
        now = utcnow().replace(tzinfo=None)
        session.connection().execute(insert(replica_op), [
            {"id": uuid.uuid4(), "actor_id": actor_id, "made_at": now, **operation}
            for operation in operations])


def _table(row) -> str | None:
    name = inspect(row).mapper.local_table.name
    return None if name in NOT_JOURNALED else name


def _inserted(rows: Iterable[object]) -> Iterable[dict]:
    for row in rows:
        if (table := _table(row)) is None:
            continue
        state = inspect(row)
        values = {attribute.key: encode(getattr(row, attribute.key))
                  for attribute in state.mapper.column_attrs
                  if attribute.key not in state.unloaded}
        yield {"table_name": table, "row_id": row.id, "kind": "insert",
               "base_version": None, "fields": values}


def _updated(rows: Iterable[object]) -> Iterable[dict]:
    for row in rows:
        if (table := _table(row)) is None:
            continue
        state = inspect(row)
        skipped = _BOOKKEEPING | DERIVED.get(table, frozenset())
        fields: dict[str, list] = {}
        base_version = None
        for attribute in state.mapper.column_attrs:
            history = state.attrs[attribute.key].history
            if attribute.key == "version":
                base_version = history.deleted[0] if history.deleted else row.version
            if attribute.key in skipped or not history.has_changes():
                continue
            base = history.deleted[0] if history.deleted else None
            fields[attribute.key] = [encode(base), encode(history.added[0])]
        if fields:
            yield {"table_name": table, "row_id": row.id, "kind": "update",
                   "base_version": base_version, "fields": fields}


def _deleted(rows: Iterable[object]) -> Iterable[dict]:
    for row in rows:
        if (table := _table(row)) is not None:
            yield {"table_name": table, "row_id": row.id, "kind": "delete",
                   "base_version": getattr(row, "version", None), "fields": {}}


def record_take(session: Session, table: str, row_id: uuid.UUID, counter: str,
                limit: str | None, step: int) -> None:
    """A counter moved in one conditional statement (a workshop's seats): the server moves
    its own counter the same way, never taking the laptop's number."""
    if not session.info.get(JOURNALED):
        return
    session.connection().execute(insert(replica_op).values(
        id=uuid.uuid4(), actor_id=session.info.get(ACTOR_ID),
        made_at=utcnow().replace(tzinfo=None), table_name=table, row_id=row_id, kind="take",
        base_version=None, fields={"counter": counter, "limit": limit, "step": step}))
