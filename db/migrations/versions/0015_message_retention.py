"""the message queue's retention, and the dashboard's month read from indexes

Revision ID: 0015_message_retention
Revises: 0014_site_logo

The retention purge takes messages sent, failed or withdrawn 3 months after they were due
(``retention_settings.messages_months``). A reminder's row counts in the dashboard's « avec un
rappel envoyé » for as long as its appointment is kept (2 years): before the row goes, the
purge marks its appointment ``reminded``.

The dashboard of a month counts its appointments by kind, channel, status and site from
``ix_appointment_month`` alone (it scanned the whole table), and whether each one honoured or
missed was reminded from ``ix_appointment_status_start`` (now holding ``reminded`` and the id)
and ``ix_message_appointment`` (now holding the kind and status) alone.

On PostgreSQL the purge is the nightly job, run as the database's owner (migration 0013): the
accounts keep the grants of 0012 on ``message`` (no DELETE), and the new columns are covered
by the table-wide grants of 0009 and 0013.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_message_retention"
down_revision = "0014_site_logo"
branch_labels = None
depends_on = None

# Plain ALTER TABLE, not batch mode (as 0011): SQLite adds and drops a column in place, while
# a batch copy would drop ``appointment``, which messages, preparations and pathway lines
# refer to, and ``retention_settings``, which the audit trail's trigger reads.
MESSAGES_MONTHS = ("ALTER TABLE retention_settings ADD COLUMN messages_months INTEGER "
                   "DEFAULT 3 NOT NULL CONSTRAINT ck_retention_settings_messages "
                   "CHECK (messages_months BETWEEN 1 AND 240)")


def upgrade() -> None:
    op.execute(MESSAGES_MONTHS)
    op.add_column("appointment", sa.Column("reminded", sa.Boolean(), nullable=False,
                                           server_default=sa.false()))
    op.create_index("ix_appointment_month", "appointment",
                    ["starts_at", "status", "kind", "channel", "site_id", "deleted_at"])
    _index("appointment", "ix_appointment_status_start",
           ["status", "starts_at", "deleted_at", "reminded", "id"])
    _index("message", "ix_message_appointment",
           ["appointment_id", "kind", "status", "deleted_at"])


def _index(table: str, name: str, columns: list[str]) -> None:
    """The index ``name`` of ``table``, made again on ``columns``."""
    op.drop_index(name, table_name=table)
    op.create_index(name, table, columns)


def downgrade() -> None:
    _index("message", "ix_message_appointment", ["appointment_id"])
    _index("appointment", "ix_appointment_status_start", ["status", "starts_at"])
    op.drop_index("ix_appointment_month", table_name="appointment")
    op.drop_column("appointment", "reminded")
    op.drop_column("retention_settings", "messages_months")
