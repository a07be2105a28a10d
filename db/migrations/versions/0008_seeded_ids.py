"""seeded rows get ids of their natural key, so that two databases agree on them

Revision ID: 0008_seeded_ids
Revises: 0007_adviser_busy

0002 (the mediation settings, motives and letter templates) and 0006 (the preparation
settings) seeded their rows with random ids, while 0003 used ``uuid5`` of a natural key: two
databases made from the same migrations — the office's server and a France Services laptop —
disagreed on the ids of the same motive, and a sync would have met two rows for one thing.
Each seeded row now takes ``uuid5(NAMESPACE, "table:key")`` as 0003 does; the cases keep
their motive (repointed). The audit trail, append-only, keeps the ids it recorded then.
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0008_seeded_ids"
down_revision = "0007_adviser_busy"
branch_labels = None
depends_on = None

# The namespace of 0003_pathways' reference rows.
NAMESPACE = uuid.UUID("6f1c7d52-3b0e-4d7a-9a55-2f3c8e0b9a41")


def reference_id(*parts: object) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts))


def _table(name: str, *columns: str) -> sa.TableClause:
    """``name`` with its id, and ``columns`` (the ``…_id`` ones typed as ids too)."""
    return sa.table(name, sa.column("id", sa.Uuid()),
                    *(sa.column(c, sa.Uuid() if c.endswith("_id") else None) for c in columns))


def _renumber_singleton(name: str) -> None:
    rows = _table(name)
    op.execute(rows.update().values(id=reference_id(name)))


def _renumber_letter_templates() -> None:
    templates = _table("mediation_letter_template", "kind")
    bind = op.get_bind()
    for row_id, kind in bind.execute(sa.select(templates.c.id, templates.c.kind)).all():
        bind.execute(templates.update().where(templates.c.id == row_id)
                     .values(id=reference_id("mediation_letter_template", kind)))


def _renumber_motives() -> None:
    """A motive is referred to by cases: its row is copied under the new id (with a code
    kept unique meanwhile), the cases repointed, the old row removed."""
    bind = op.get_bind()
    motives = sa.Table("mediation_motive", sa.MetaData(),
                       sa.Column("id", sa.Uuid(), primary_key=True), autoload_with=bind)
    cases = _table("mediation_case", "motive_id")
    for row in bind.execute(sa.select(motives)).mappings().all():
        new_id = reference_id("mediation_motive", row["code"])
        if row["id"] == new_id:
            continue
        bind.execute(motives.insert().values(
            {**row, "id": new_id, "code": f"{row['code']}~"}))
        bind.execute(cases.update().where(cases.c.motive_id == row["id"])
                     .values(motive_id=new_id))
        bind.execute(motives.delete().where(motives.c.id == row["id"]))
        bind.execute(motives.update().where(motives.c.id == new_id)
                     .values(code=row["code"]))


def upgrade() -> None:
    _renumber_singleton("mediation_settings")
    _renumber_singleton("preparation_settings")
    _renumber_letter_templates()
    _renumber_motives()


def downgrade() -> None:
    """Nothing to undo: any id suits the earlier schema."""
