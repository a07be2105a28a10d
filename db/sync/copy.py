"""Rows from the server into the replica: the rows a permanence keeps, with every row they
refer to, written parents first, without journaling (they are the server's already)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from sqlalchemy import Connection, Table, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from db import validation
from db.sync import server
from db.sync.tables import synced_tables, table

Rows = dict[str, dict[uuid.UUID, dict]]  # table → id → column values


def add(batch: Rows, name: str, rows: list[dict]) -> None:
    batch.setdefault(name, {}).update((row["id"], row) for row in rows)


def complete(remote: Connection, local: Connection, batch: Rows) -> None:
    """Fetch every row the batch refers to that neither it nor the replica holds (a
    person, the appointment one was moved from), and theirs, until nothing is missing."""
    while True:
        missing: dict[str, set[uuid.UUID]] = {}
        for name, rows in batch.items():
            for key in table(name).foreign_keys:
                parent = key.column.table.name
                if parent not in {t.name for t in synced_tables()}:
                    continue
                wanted = {row[key.parent.name] for row in rows.values()
                          if row.get(key.parent.name) is not None}
                wanted -= batch.get(parent, {}).keys()
                if wanted:
                    missing.setdefault(parent, set()).update(wanted)
        missing = {name: ids - _local_ids(local, name, ids) for name, ids in missing.items()}
        missing = {name: ids for name, ids in missing.items() if ids}
        if not missing:
            return
        found = False
        for name, ids in missing.items():
            rows = server.fetch_ids(remote, name, ids)
            found = found or bool(rows)
            add(batch, name, rows)
        if not found:  # what the role cannot see stays out; its reference is cut below
            return


def _local_ids(local: Connection, name: str, ids: set[uuid.UUID]) -> set[uuid.UUID]:
    source = table(name)
    found: set[uuid.UUID] = set()
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):
        found.update(local.execute(select(source.c.id).where(
            source.c.id.in_(ordered[start:start + 500]))).scalars())
    return found


def write(local: Connection, batch: Rows, skip: set[uuid.UUID] = frozenset(),
          progress: Callable[[str], None] | None = None) -> int:
    """Insert or replace the batch's rows in the replica, parents first; rows in ``skip``
    (edited on the laptop and not yet pushed) are left as the laptop has them. Returns how
    many were written."""
    _free_busy_time(local, batch, skip)
    written = 0
    # Parents come before their children table by table, but a table referring to itself
    # (an appointment moved from another) may list a row before the one it refers to: the
    # references are checked once the whole batch is in, at the transaction's end.
    local.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    for target in synced_tables():
        rows = _in_writing_order(local, target, [
            row for row_id, row in batch.get(target.name, {}).items() if row_id not in skip])
        if not rows:
            continue
        if progress is not None:
            progress(target.name)
        _cut_unseen_references(local, target, rows, batch)
        if target.name == "person":
            _withhold_unread_nirs(rows)
        for columns, same in _runs(rows):
            statement = sqlite_insert(target)
            statement = statement.on_conflict_do_update(
                index_elements=[target.c.id],
                set_={name: statement.excluded[name] for name in columns if name != "id"})
            local.execute(statement, same)
        written += len(rows)
    return written


def _runs(rows: list[dict], size: int = 500):
    """(columns, rows): consecutive rows with the same columns, ``size`` at most, in order."""
    run: list[dict] = []
    columns: tuple[str, ...] = ()
    for row in rows:
        key = tuple(sorted(row))
        if run and (key != columns or len(run) == size):
            yield columns, run
            run = []
        run.append(row)
        columns = key
    if run:
        yield columns, run


def _in_writing_order(local: Connection, target: Table, rows: list[dict]) -> list[dict]:
    """The rows the replica holds already first, then the new ones: what the server changed
    in one order arrives in another, and the replica checks each row as it is written — a
    registration cancelled and the person registered again, a waiting-list place withdrawn
    and taken again, would meet their partial unique indexes (one live seat, one place per
    person and session) if the new row came first. Each after the row of its own table it
    refers to."""
    held = _local_ids(local, target.name, {row["id"] for row in rows})
    return (_referred_first(target, [row for row in rows if row["id"] in held])
            + _referred_first(target, [row for row in rows if row["id"] not in held]))


# The tables whose live rows keep an adviser busy: the replica's triggers copy them into
# adviser_busy, which refuses an overlap (migration 0007).
_BUSY = ("appointment", "workshop_session")


def _free_busy_time(local: Connection, batch: Rows, skip: set[uuid.UUID]) -> None:
    """Free the time the batch's rows kept busy before writing any of them (each written
    takes its time again): the server refused every overlap already, and the replica's
    trigger, checking row by row, would refuse a booking written before the cancellation
    that freed its time — in the same batch, or one of the workshop sessions written
    first, their table being the appointments' parent."""
    busy = table("adviser_busy")
    owners = sorted(row_id for name in _BUSY for row_id in batch.get(name, {})
                    if row_id not in skip)
    for start in range(0, len(owners), 500):
        local.execute(busy.delete().where(busy.c.owner_id.in_(owners[start:start + 500])))


def _referred_first(target: Table, rows: list[dict]) -> list[dict]:
    """The rows in an order where each comes after the row of its own table it refers to
    (an appointment moved after the one it was moved from, an answer after its message):
    the server sends them in its own order, and the replica checks each foreign key as the
    row is written."""
    keys = [key.parent.name for key in target.foreign_keys if key.column.table is target]
    if not keys:
        return rows
    waiting = {row["id"]: row for row in rows}
    ordered: list[dict] = []
    while waiting:
        ready = [row for row in waiting.values()
                 if not any(row.get(name) in waiting and row.get(name) != row["id"]
                            for name in keys)]
        if not ready:  # a cycle (two rows made to refer to each other): as they come
            ready = list(waiting.values())
        ordered += ready
        for row in ready:
            del waiting[row["id"]]
    return ordered


def _cut_unseen_references(local: Connection, target: Table, rows: list[dict],
                           batch: Rows) -> None:
    """A reference to a row the role may not read (a mediator's case behind an
    appointment…) is left empty on the laptop rather than refused by its foreign key."""
    for key in target.foreign_keys:
        parent = key.column.table.name
        if not key.parent.nullable:
            continue
        wanted = {row[key.parent.name] for row in rows if row.get(key.parent.name)}
        known = set(batch.get(parent, {})) | _local_ids(local, parent, wanted)
        for row in rows:
            if row.get(key.parent.name) and row[key.parent.name] not in known:
                row[key.parent.name] = None


def _withhold_unread_nirs(rows: list[dict]) -> None:
    """A NIR the role may not read (a partner's) is kept as an anonymised one: the row
    keeps its shape (a beneficiary has a NIR) and the laptop holds none."""
    for row in rows:
        if "nir" not in row:
            row["nir"] = validation.anonymised_nir()
