"""the server's change log for offline laptops: a change sequence and the operations applied

Revision ID: 0016_sync
Revises: 0015_message_retention

On PostgreSQL only (an embedded file has no laptops pulling from it):

- ``sync_change``: one line per row inserted or updated in a synced table, written by a
  trigger in the writer's transaction, with that transaction's id (``xid8``). A laptop
  pulls the lines of the transactions that ended between its last pull and now, bounded by
  ``pg_snapshot_xmin(pg_current_snapshot())``: every transaction below that bound has
  ended, so one that began early and commits late is pulled the next time, never skipped
  (db.replica.server).
- ``sync_applied_op``: the laptops' operations applied, by id, with their outcome: a push
  retried after a cut is a no-op that finds what the first one decided.

Both hold ids, table names and outcomes, never a person's data: the rows themselves are
read under the reader's own role, so row-level security decides what reaches a laptop.
"""

from alembic import op

revision = "0016_sync"
down_revision = "0015_message_retention"
branch_labels = None
depends_on = None

# Every table whose rows reach a laptop or come back from one (db.replica.tables).
SYNCED_TABLES = (
    "site", "closed_day", "opening_hours", "staff", "absence", "availability", "motive",
    "person", "appointment", "workshop_session", "waiting_list_entry", "callback_request",
    "preparation_settings", "preparation_task", "preparation_attempt", "pathway_kind",
    "pathway_import", "pathway_entry", "pathway_attempt", "offer_segment", "rebound_offer",
    "person_offer", "mediation_motive", "mediation_settings", "mediation_letter_template",
    "mediation_case", "mediation_document", "mediation_wait", "mediation_event",
    "message_settings", "message_template", "message", "office_settings",
    "retention_settings",
)
_EVERY_ACCOUNT = "guichet_staff"
GRANTS = {
    "sync_change": {_EVERY_ACCOUNT: "SELECT"},
    "sync_applied_op": {_EVERY_ACCOUNT: "SELECT, INSERT"},
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE TABLE sync_change (
            seq bigserial PRIMARY KEY,
            table_name text NOT NULL,
            row_id uuid NOT NULL,
            xid bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint)""")
    op.execute("CREATE INDEX ix_sync_change_xid ON sync_change (xid)")
    op.execute("""
        CREATE TABLE sync_applied_op (
            op_id uuid PRIMARY KEY,
            login text NOT NULL DEFAULT session_user,
            applied_at timestamptz NOT NULL DEFAULT now(),
            outcome jsonb NOT NULL)""")
    # The writer needs no privilege on the log: the trigger writes it as its owner.
    op.execute("""
        CREATE FUNCTION guichet_log_change() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        BEGIN
            INSERT INTO sync_change (table_name, row_id) VALUES (TG_TABLE_NAME, NEW.id);
            RETURN NULL;
        END $$""")
    for name in SYNCED_TABLES:
        op.execute(f"CREATE TRIGGER tr_{name}_sync AFTER INSERT OR UPDATE ON {name} "
                   "FOR EACH ROW EXECUTE FUNCTION guichet_log_change()")
    for table_name, grants in GRANTS.items():
        for group, privileges in grants.items():
            op.execute(f"GRANT {privileges} ON {table_name} TO {group}")
    op.execute(f"GRANT USAGE ON SEQUENCE sync_change_seq_seq TO {_EVERY_ACCOUNT}")
    # Each laptop sees the outcomes of its own account's operations only.
    op.execute("ALTER TABLE sync_applied_op ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE sync_applied_op FORCE ROW LEVEL SECURITY")
    op.execute("CREATE POLICY guichet_own ON sync_applied_op USING "
               "((SELECT guichet_is_system()) OR login = session_user) "
               "WITH CHECK (login = session_user)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in SYNCED_TABLES:
        op.execute(f"DROP TRIGGER tr_{name}_sync ON {name}")
    op.execute("DROP FUNCTION guichet_log_change()")
    op.drop_table("sync_applied_op")
    op.drop_table("sync_change")
