"""The server's side of a laptop's sync, always under the laptop's account's own role: what
changed (the change log of migration 0016), the rows it may read, and the operations pushed.

**Pull, bounded.** A transaction's changes are logged with its id. A pull reads, in one
snapshot, the changes of the transactions at or above the previous pull's bound — the
``pg_snapshot_xmin`` of its snapshot, below which every transaction had ended — but those
the previous pull took already (committed above that bound: it keeps their ids). A
transaction still running at a pull has an id at or above that pull's bound and is not in
its list, so the next pull takes it: none is skipped, whatever the commit order, and a long
transaction elsewhere (a backup's) delays nothing. The rows are then read as they are in
that snapshot, through row-level security.

**Push, once.** Each operation is applied in a savepoint and recorded by id with its outcome
(``sync_applied_op``) in the same transaction: a push retried after a cut finds the outcome
instead of applying it twice. An update is merged field by field against the value the
laptop started from: a field the server did not change takes the laptop's value; one both
changed differently is a conflict, the server's value kept; the database's rules (the
exclusion constraint against double booking, unique NIRs, row-level security) refuse what
they refuse, in French.

**Counters, counted.** A workshop's ``seats_taken`` is never a laptop's number, nor a laptop's
« take » replayed: two laptops, or a laptop and the office, may have given the same last
seat, and a cancellation made on both sides would free it twice. Where a laptop's
registration (an appointment of a session) is inserted or changed, the server locks the
session and counts its live registrations again; more than its capacity, or a session
cancelled meanwhile, and the registration is refused — kept as a conflict on the laptop.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import (
    Column,
    Connection,
    MetaData,
    Table,
    Uuid,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import DBAPIError

from db.agenda.models import LIVE_WORKSHOP_SEAT
from db.base import utcnow
from db.mediation import intake
from db.mediation.models import MediationCounter
from db.people.records import derived_values
from db.replica.values import decode, decode_row, encode
from db.sync.tables import LOCAL_COLUMNS, table
from db.unit import rows

_REFUSALS = {
    "23P01": "Ce créneau a été pris au bureau entre-temps : le serveur ne l'a pas enregistré.",
    "23505": "Le serveur a déjà un enregistrement identique (même NIR, même inscription…).",
    "23503": "Ce qu'il concerne n'existe plus sur le serveur.",
    "23514": "Le serveur refuse ces valeurs (une règle de la base n'est pas respectée).",
    "42501": "Votre rôle ne permet pas cet enregistrement sur le serveur.",
}
# Migration 0016's table, as this module writes it.
_APPLIED = Table("sync_applied_op", MetaData(), Column("op_id", Uuid), Column("outcome", JSONB))


def watermark(connection: Connection) -> int:
    """The id below which every transaction has ended, in this transaction's snapshot."""
    return connection.execute(
        text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")).scalar_one()


def changed_ids(connection: Connection, low: int, seen: list[int]
                ) -> tuple[dict[str, set[uuid.UUID]], int, list[int]]:
    """The rows written by the transactions this snapshot sees that the last pull did not:
    those at or above its bound ``low``, but the ones it took already (``seen``). Returns
    them by table, with the new bound and the transactions above it taken now. Run it in a
    REPEATABLE READ transaction, with the reads of the rows: one snapshot for all."""
    high = watermark(connection)
    changed: dict[str, set[uuid.UUID]] = {}
    taken: set[int] = set()
    for name, row_id, xid in connection.execute(text(
            "SELECT table_name, row_id, xid FROM sync_change "
            "WHERE xid >= :low AND NOT (xid = ANY(CAST(:seen AS bigint[])))"),
            {"low": low, "seen": seen}):
        changed.setdefault(name, set()).add(row_id)
        if xid >= high:
            taken.add(xid)
    return changed, high, sorted(taken)


def readable_columns(connection: Connection, name: str) -> list[str]:
    """The columns of ``name`` this role may read and a laptop keeps (a partner's person
    has no NIR: the server grants it no privilege on that column)."""
    allowed = set(connection.execute(text(
        "SELECT attname FROM pg_attribute WHERE attrelid = CAST(:t AS regclass) "
        "AND attnum > 0 AND NOT attisdropped "
        "AND has_column_privilege(attrelid, attnum, 'SELECT')"), {"t": name}).scalars())
    skipped = LOCAL_COLUMNS.get(name, frozenset())
    return [column.name for column in table(name).c
            if column.name in allowed and column.name not in skipped]


def fetch(connection: Connection, name: str, condition, columns: list[str] | None = None,
          ) -> list[dict]:
    """The rows of ``name`` meeting ``condition`` that this role sees."""
    source = table(name)
    columns = columns or readable_columns(connection, name)
    if "id" not in columns:  # a table this role may not read at all (a partner's cases)
        return []
    statement = select(*(source.c[column] for column in columns)).where(condition)
    return [dict(row) for row in connection.execute(statement).mappings()]


def fetch_ids(connection: Connection, name: str, ids: Iterable[uuid.UUID]) -> list[dict]:
    ids = sorted(set(ids))
    return fetch(connection, name, table(name).c.id.in_(ids)) if ids else []


# -- applying what a laptop pushes -----------------------------------------------------------

def apply_operation(connection: Connection, operation: dict) -> dict:
    """Apply one pushed operation once; its outcome (JSON), the first one's if it was
    applied before."""
    applied = connection.execute(text(
        "SELECT outcome FROM sync_applied_op WHERE op_id = :id"),
        {"id": operation["id"]}).scalar_one_or_none()
    if applied is not None:
        return applied
    try:
        with connection.begin_nested():
            outcome = _apply(connection, operation)
    except _Refused as refusal:
        outcome = {"status": "refused", "reason": refusal.reason}
    except DBAPIError as error:
        state = getattr(error.orig, "sqlstate", None) or ""
        outcome = {"status": "refused",
                   "reason": _REFUSALS.get(state, f"Le serveur a refusé cet enregistrement "
                                                  f"(code {state or 'inconnu'}).")}
    connection.execute(insert(_APPLIED).values(op_id=operation["id"], outcome=outcome))
    return outcome


class _Refused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _apply(connection: Connection, operation: dict) -> dict:
    target = table(operation["table_name"])
    kind = operation["kind"]
    if kind == "insert":
        values = decode_row(target, operation["fields"])
        if target.name == "person":
            values |= derived_values(values)
        if target.name == "mediation_case" and values.get("reference") is None:
            values |= _numbered(connection, values)
        session_id = values.get("workshop_session_id") if target.name == "appointment" else None
        if session_id is not None:
            _lock_session(connection, session_id)  # before the registration, as the office
        connection.execute(insert(target).values(values))
        if session_id is not None:
            _count_seats(connection, session_id)
        if "reference" in values:
            return {"status": "applied", "reference": values["reference"]}
        return {"status": "applied"}
    if kind == "take":
        return _take(connection, target, operation)
    current = _locked_row(connection, target, operation["row_id"])
    outcome = _merge(connection, target, operation, current)
    if target.name == "appointment" and current is not None \
            and current.get("workshop_session_id") is not None:
        _count_seats(connection, current["workshop_session_id"])
    return outcome


def _numbered(connection: Connection, case: dict) -> dict:
    """A case created on a laptop (its reference provisional) gets its final reference as
    its creation is applied: the server's counter, in the order the cases arrive; in the
    operation's savepoint, so that a refused creation takes no number."""
    year = case["received_on"].year
    number = connection.execute(rows.next_number_statement(
        "postgresql", MediationCounter, {"year": year}, "last_number")).scalar_one()
    reference = intake.final_reference(year, number)
    return {"reference": reference, "search_text": intake.searchable_with_final_reference(
        case.get("search_text") or "", reference)}


def _merge(connection: Connection, target: Table, operation: dict, current: dict | None
           ) -> dict:
    kind = operation["kind"]
    if current is None:
        return {"status": "conflict", "kind": "deleted",
                "reason": "Supprimé au bureau, ou hors de ce que votre rôle voit.",
                "fields": {}}
    changes = (operation["fields"] if kind != "delete"
               else {"deleted_at": [None, encode(utcnow())]})
    if current.get("deleted_at") is not None and "deleted_at" not in changes:
        return {"status": "conflict", "kind": "deleted", "reason": "Supprimé au bureau.",
                "fields": _both(target, changes, current)}
    taken, conflicting = {}, {}
    for name, (base, new) in changes.items():
        column = target.c[name]
        base, new, server = decode(column, base), decode(column, new), current.get(name)
        if server == new:
            continue
        if server == base:
            taken[name] = new
        else:
            conflicting[name] = {"base": encode(base), "laptop": encode(new),
                                 "server": encode(server)}
    if taken:
        if target.name == "person":
            taken |= {key: value for key, value in derived_values(current | taken).items()
                      if key in current}
        connection.execute(update(target).where(target.c.id == operation["row_id"]).values(
            **taken, version=target.c.version + 1, updated_at=utcnow()))
    if conflicting:
        return {"status": "conflict", "kind": "field", "fields": conflicting,
                "reason": "Modifié aussi au bureau.", "merged": sorted(taken)}
    return {"status": "applied", "merged": sorted(taken)}


def _both(target: Table, changes: dict, current: dict) -> dict:
    return {name: {"base": base, "laptop": new, "server": encode(current.get(name))}
            for name, (base, new) in changes.items() if name in target.c}


def _locked_row(connection: Connection, target: Table, row_id) -> dict | None:
    columns = readable_columns(connection, target.name)
    row = connection.execute(
        select(*(target.c[name] for name in columns)).where(target.c.id == row_id)
        .with_for_update()).mappings().one_or_none()
    return dict(row) if row is not None else None


# The counters the server counts from its own rows (the module docstring).
_COUNTED = {("workshop_session", "seats_taken")}


def _lock_session(connection: Connection, session_id) -> tuple[int, int, bool]:
    """(capacity, seats_taken, cancelled) of a workshop session, locked until the commit
    (NO KEY UPDATE: a registration's foreign key, held by another push, does not block it;
    the office's registration, which locks the session first, waits or is waited for)."""
    row = connection.execute(text(
        "SELECT capacity, seats_taken, cancelled_at IS NOT NULL OR deleted_at IS NOT NULL "
        "FROM workshop_session WHERE id = :id FOR NO KEY UPDATE"), {"id": session_id}).one()
    return tuple(row)


def _count_seats(connection: Connection, session_id) -> None:
    capacity, taken, cancelled = _lock_session(connection, session_id)
    live = connection.execute(text(
        f"SELECT count(*) FROM appointment WHERE workshop_session_id = :id "
        f"AND {LIVE_WORKSHOP_SEAT}"), {"id": session_id}).scalar_one()
    if live and cancelled:
        raise _Refused("Cette session d'atelier a été annulée au bureau entre-temps : le "
                       "serveur n'a pas enregistré l'inscription.")
    if live > capacity:
        raise _Refused("Plus de place : l'atelier s'est rempli au bureau entre-temps.")
    if live != taken:
        connection.execute(text(
            "UPDATE workshop_session SET seats_taken = :live, version = version + 1, "
            "updated_at = now() WHERE id = :id"), {"live": live, "id": session_id})


def _take(connection: Connection, target: Table, operation: dict) -> dict:
    fields = operation["fields"]
    if (target.name, fields["counter"]) in _COUNTED:  # counted where its rows are applied
        return {"status": "applied", "counted": True}
    counter = target.c[fields["counter"]]
    statement = update(target).where(target.c.id == operation["row_id"])
    if fields["limit"]:
        statement = statement.where(counter + fields["step"] <= target.c[fields["limit"]])
    moved = connection.execute(statement.values(
        {counter: counter + fields["step"], "version": target.c.version + 1,
         "updated_at": func.now()})).rowcount == 1
    if moved:
        return {"status": "applied"}
    return {"status": "refused", "reason": "Plus de place : l'atelier s'est rempli au bureau "
                                           "entre-temps."}
