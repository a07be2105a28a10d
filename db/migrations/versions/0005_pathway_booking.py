"""pathway booking: a kind's motive preset, entries linked to their appointment

Revision ID: 0005_pathway_booking
Revises: 0004_agenda
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_pathway_booking"
down_revision = "0004_agenda"
branch_labels = None
depends_on = None

# SQLite adds a foreign key only with a new column, and rebuilding pathway_entry (batch mode)
# would fail while attempts and offers reference it: the appointment column is replaced by a
# new one carrying the constraint, keeping the ids that name an existing appointment.
SQLITE_UPGRADE = [
    """ALTER TABLE pathway_kind ADD COLUMN motive_id CHAR(32)
        CONSTRAINT fk_pathway_kind_motive_id_motive REFERENCES motive (id)""",
    """ALTER TABLE pathway_entry ADD COLUMN appointment_ref CHAR(32)
        CONSTRAINT fk_pathway_entry_appointment_id_appointment REFERENCES appointment (id)""",
    """UPDATE pathway_entry SET appointment_ref = appointment_id
        WHERE appointment_id IN (SELECT id FROM appointment)""",
    "ALTER TABLE pathway_entry DROP COLUMN appointment_id",
    "ALTER TABLE pathway_entry RENAME COLUMN appointment_ref TO appointment_id",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_UPGRADE:
            op.execute(statement)
        return
    op.add_column("pathway_kind", sa.Column("motive_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(op.f("fk_pathway_kind_motive_id_motive"), "pathway_kind", "motive",
                          ["motive_id"], ["id"])
    op.execute("""UPDATE pathway_entry SET appointment_id = NULL
        WHERE appointment_id NOT IN (SELECT id FROM appointment)""")
    op.create_foreign_key(op.f("fk_pathway_entry_appointment_id_appointment"), "pathway_entry",
                          "appointment", ["appointment_id"], ["id"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite cannot drop a column that carries a foreign key; the two columns are
        # harmless to the previous revision, which ignores the first and reads the second.
        return
    op.drop_constraint(op.f("fk_pathway_entry_appointment_id_appointment"), "pathway_entry",
                       type_="foreignkey")
    op.drop_constraint(op.f("fk_pathway_kind_motive_id_motive"), "pathway_kind",
                       type_="foreignkey")
    op.drop_column("pathway_kind", "motive_id")
