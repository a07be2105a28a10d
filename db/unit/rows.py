"""The save path: every row a service writes goes through here (DESIGN.md, « the write path »).

A row read for an edit carries the version the user saw; the edit is refused when the row
moved on (a French ``ConflictError``), never silently overwritten. Each helper writes,
appends the audit row (ids and field names only) and records the change on the unit, so
that the screens refresh from what was written. Bulk imports (``insert_many``,
``update_many``) and counters (``take``, ``next_number``) are here too: nothing writes
around them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import delete, exc, insert, inspect, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.exc import StaleDataError

from db.base import Entity, utcnow
from db.errors import NotFound, OfficeOnly
from db.replica import journal
from db.unit import text
from db.unit.audit import AuditEvent, record
from db.unit.unit import Unit, race_refusal, stale

Row = TypeVar("Row", bound=Entity)
# Columns the save path itself moves: never "changed fields" of an edit.
_BOOKKEEPING = frozenset({"version", "updated_at", "created_at"})
# Rows per statement of a bulk insert (an executemany: one set of parameters per row).
CHUNK = 10_000


def _kind(row_or_model) -> str:
    return row_or_model.__tablename__


def flush(unit: Unit, model: type | None = None) -> None:
    """Flush what the unit declared; a lost race becomes the French refusal."""
    try:
        unit.session.flush()
    except StaleDataError:
        raise stale(model or Entity) from None
    except exc.DBAPIError as error:
        refusal = race_refusal(error, unit)
        if refusal is not None:
            raise refusal from None
        raise


# -- reading for an edit ------------------------------------------------------------------

def get(unit: Unit, model: type[Row], row_id: uuid.UUID | None) -> Row | None:
    """A live (not soft-deleted) row, or None."""
    if row_id is None:
        return None
    row = unit.session.get(model, row_id)
    return row if row is not None and row.deleted_at is None else None


def load(unit: Unit, model: type[Row], row_id: uuid.UUID | None,
         message: str | None = None) -> Row:
    """A live row, or ``NotFound`` with ``message`` (the model's own by default)."""
    row = get(unit, model, row_id)
    if row is None:
        raise NotFound(message or model.not_found)
    return row


def check_version(row: Entity, expected_version: int | None) -> None:
    if row.version != expected_version:
        raise stale(type(row))


def load_version(unit: Unit, model: type[Row], row_id: uuid.UUID, expected_version: int,
                 message: str | None = None) -> Row:
    """A live row as it was at ``expected_version``, else the French conflict refusal."""
    row = load(unit, model, row_id, message)
    check_version(row, expected_version)
    return row


# -- writing one row ------------------------------------------------------------------------

def create(unit: Unit, row: Row, *, action: str | None = "create", **details: object) -> Row:
    """Insert ``row`` (audited as ``action`` on itself unless ``action`` is None)."""
    unit.declare(row)
    unit.session.add(row)
    flush(unit, type(row))
    if action is not None:
        record(unit, action, _kind(row), row.id, **details)
    unit.changes.add(_kind(row), row.id)
    return row


def save(unit: Unit, row: Row, values: Mapping[str, object], *, action: str | None = "update",
         **details: object) -> list[str]:
    """Set the ``values`` that differ from ``row``'s and write them (the version rises).

    Returns the changed fields, sorted (none: nothing written, nothing audited). The audit
    row of an ``update`` lists them; another ``action`` (« cancel », « book »…) carries
    ``details``.
    """
    changed = sorted(key for key, value in values.items() if getattr(row, key) != value)
    if not changed:
        return []
    unit.declare(row)
    for key in changed:
        setattr(row, key, values[key])
    flush(unit, type(row))
    if action == "update":
        details = {"fields": changed, **details}
    if action is not None:
        record(unit, action, _kind(row), row.id, **details)
    unit.changes.add(_kind(row), row.id)
    return changed


@contextmanager
def editing(unit: Unit, row: Row, *, action: str | None = "update",
            **details: object) -> Iterator[Row]:
    """Change several fields of ``row`` in a block — derived columns recomputed from the
    others included — then write them as ``save`` does. No query inside the block flushes
    a half-made edit (autoflush is off), so a race lost shows as the French refusal."""
    columns = [attribute.key for attribute in inspect(type(row)).column_attrs
               if attribute.key not in _BOOKKEEPING]
    before = {key: getattr(row, key) for key in columns}
    unit.declare(row)
    with unit.session.no_autoflush:
        yield row
    changed = sorted(key for key in columns if getattr(row, key) != before[key])
    if not changed:
        return
    unit.declare(row)  # again: a flush inside the block (a row created) forgot it
    flush(unit, type(row))
    if action == "update":
        details = {"fields": changed, **details}
    if action is not None:
        record(unit, action, _kind(row), row.id, **details)
    unit.changes.add(_kind(row), row.id)


def remove(unit: Unit, row: Entity, *, action: str | None = "delete",
           **details: object) -> None:
    """Soft-delete ``row`` (so that the deletion syncs), audited as ``action``."""
    save(unit, row, {"deleted_at": utcnow()}, action=None)
    if action is not None:
        record(unit, action, _kind(row), row.id, **details)


def remove_all(unit: Unit, rows: Iterable[Entity]) -> int:
    """Soft-delete ``rows`` together (a weekly schedule replaced); audited by the caller."""
    now = utcnow()
    removed = 0
    for row in rows:
        unit.declare(row)
        row.deleted_at = now
        unit.changes.add(_kind(row), row.id)
        removed += 1
    flush(unit)
    return removed


def create_or_update(unit: Unit, model: type[Row], values: dict, row_id: uuid.UUID | None,
                     expected_version: int | None) -> uuid.UUID:
    """Create a ``model`` row from ``values``, or edit ``row_id`` as it was at
    ``expected_version`` (refused if it moved on): what an administration form saves."""
    if row_id is None:
        return create(unit, model(**values)).id
    row = load_version(unit, model, row_id, expected_version)
    save(unit, row, values)
    return row.id


# -- many rows at once ----------------------------------------------------------------------

def on_replica(unit: Unit) -> bool:
    """Whether ``unit`` writes on a laptop's replica (its writes are journaled)."""
    return journal.is_journaled(unit.session)


def _at_the_office(unit: Unit) -> None:
    """Bulk writes and new numbers are the server's: a laptop's journal holds row by row
    edits only, and two laptops must never give out the same number."""
    if on_replica(unit):
        raise OfficeOnly("Cette opération n'est pas possible sur une permanence hors ligne : "
                         "faites-la au bureau, connecté au serveur.")


def insert_many(unit: Unit, model: type, rows: list[dict], *,
                action: str | None = "create", **details: object) -> None:
    """Insert ``rows`` (complete column values, ids included) in bulk, each audited as
    ``action`` in bulk too: an import of 10,000 lines in a second, not one ORM object each.
    The change is recorded by kind only (the screens reload the kind)."""
    _at_the_office(unit)
    for row in rows:
        text.check_values(model, row)
    for start in range(0, len(rows), CHUNK):
        unit.session.execute(insert(model.__table__), rows[start:start + CHUNK])
    if action is not None:
        audit_many(unit, action, _kind(model), [row["id"] for row in rows], **details)
    unit.changes.add(_kind(model))


def update_many(unit: Unit, model: type[Entity], values: Mapping[uuid.UUID, dict], *,
                action: str | None = "update", **details: object) -> None:
    """Set different ``values`` on many rows (id → column values), each version rising,
    each audited with the fields it changed."""
    _at_the_office(unit)
    if not values:
        return
    for changes in values.values():
        text.check_values(model, changes)
    now = utcnow()
    table = model.__table__
    for row_id, changes in values.items():
        unit.session.execute(
            update(table).where(table.c.id == row_id)
            .values(**changes, version=table.c.version + 1, updated_at=now))
    unit.changes.add(_kind(model))
    if action is not None:
        for row_id, changes in values.items():
            record(unit, action, _kind(model), row_id, fields=sorted(changes), **details)


def update_where(unit: Unit, model: type[Entity], condition, values: dict) -> int:
    """Set the same ``values`` on every row of ``model`` meeting ``condition``, each version
    rising: what a job keeps on rows in bulk (the purge marking the appointments whose
    reminder leaves the queue). Audited by the caller, in counts. Returns how many changed."""
    text.check_values(model, values)
    table = model.__table__
    result = unit.session.execute(update(table).where(condition).values(
        **values, version=table.c.version + 1, updated_at=utcnow()))
    unit.changes.add(_kind(model))
    return result.rowcount


def purge_where(unit: Unit, model: type, condition) -> int:
    """Delete for good the rows of ``model`` meeting ``condition``: the retention purge,
    where a soft delete would keep what must go. Audited by the caller, in counts (never
    one event per row, never content). Returns how many went."""
    _at_the_office(unit)
    result = unit.session.execute(delete(model.__table__).where(condition))
    unit.changes.add(_kind(model))
    return result.rowcount


def audit_many(unit: Unit, action: str, entity_type: str, ids: list[uuid.UUID],
               **details: object) -> None:
    """One audit event per id, inserted in bulk."""
    now = utcnow()
    audit = AuditEvent.__table__
    events = [{"id": uuid.uuid4(), "occurred_at": now, "actor_id": unit.actor_id,
               "action": action, "entity_type": entity_type, "entity_id": entity_id,
               "details": details} for entity_id in ids]
    for start in range(0, len(events), CHUNK):
        unit.session.execute(insert(audit), events[start:start + CHUNK])


# -- counters -------------------------------------------------------------------------------

def take(unit: Unit, row: Entity, counter: str, limit: str | None = None, step: int = 1) -> bool:
    """Move ``row``'s ``counter`` by ``step`` in one conditional UPDATE — only while it stays
    under the ``limit`` column when one is given — so that two people taking the last seat
    at the same instant cannot both get it. The version rises like any write. False when
    the limit is reached."""
    model = type(row)
    column = getattr(model, counter)
    statement = update(model).where(model.id == row.id)
    if limit is not None:
        statement = statement.where(column + step <= getattr(model, limit))
    moved = unit.session.execute(
        statement.values({counter: column + step, "version": model.version + 1,
                          "updated_at": utcnow()})
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    unit.session.expire(row)
    if moved:
        journal.record_take(unit.session, _kind(row), row.id, counter, limit, step)
        unit.changes.add(_kind(row), row.id)
    return moved


def next_number(unit: Unit, model: type, key: dict, counter: str) -> int:
    """The next value of a counter row (created at 1); refused on a laptop."""
    _at_the_office(unit)
    unit.changes.add(model.__table__.name)
    return unit.session.execute(
        next_number_statement(unit.session.bind.dialect.name, model, key, counter)
    ).scalar_one()


def next_number_statement(dialect_name: str, model: type, key: dict, counter: str):
    """``INSERT … ON CONFLICT DO UPDATE … RETURNING`` the counter: it takes the row's lock,
    so that two writers on the server never get the same number — the second waits for the
    first to commit. The sync numbers what laptops created with it too."""
    table = model.__table__
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return (
        dialect.insert(table).values(**key, **{counter: 1})
        .on_conflict_do_update(index_elements=[table.c[name] for name in key],
                               set_={counter: table.c[counter] + 1})
        .returning(table.c[counter])
    )
