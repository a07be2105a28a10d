"""The replica's own bookkeeping, in the laptop's file only (never on the server, never in
the migrations): what it was made for, the journal of its writes, and its conflicts.

- ``replica_state``: the server, the account, the permanence's sites and period, the pull's
  watermark (one row per key, JSON values).
- ``replica_op``: the journal (outbox). The unit of work appends one operation per row
  written, in the same transaction as the write (``db.replica.journal``): its id, the
  table and row, the kind (insert, update, delete, take), the version the edit started
  from, and the changed fields with their base and new values. ``pushed_at`` is set once
  the server has decided on it.
- ``replica_conflict``: what the server could not take as it was — both versions kept
  until a person chooses (« Conflits à résoudre »).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
)

REPLICA_METADATA = MetaData()

replica_state = Table(
    "replica_state", REPLICA_METADATA,
    Column("key", String(40), primary_key=True),
    Column("value", JSON, nullable=False),
)

replica_op = Table(
    "replica_op", REPLICA_METADATA,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", Uuid, nullable=False, unique=True),
    Column("table_name", String(40), nullable=False),
    Column("row_id", Uuid, nullable=False, index=True),
    Column("kind", String(10), nullable=False),
    Column("base_version", Integer),
    # {field: [base, new]} for an update; {field: value} for an insert; a take's counter.
    Column("fields", JSON, nullable=False),
    Column("actor_id", Uuid),
    Column("made_at", DateTime, nullable=False),
    Column("pushed_at", DateTime),
)

replica_conflict = Table(
    "replica_conflict", REPLICA_METADATA,
    Column("id", Uuid, primary_key=True),
    Column("op_id", Uuid, nullable=False, unique=True),
    Column("table_name", String(40), nullable=False),
    Column("row_id", Uuid, nullable=False),
    # "field": the same field edited on both sides; "deleted": edited here, deleted there;
    # "refused": the server's rules refused it (a booking colliding with another…).
    Column("kind", String(10), nullable=False),
    Column("fields", JSON, nullable=False),  # {field: {"base", "laptop", "server"}}
    Column("reason", String(300), nullable=False, default=""),
    Column("actor_id", Uuid),
    Column("made_at", DateTime, nullable=False),
    Column("detected_at", DateTime, nullable=False),
    Column("resolved_at", DateTime),
)
