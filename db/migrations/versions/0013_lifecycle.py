"""the data lifecycle: retention durations, and the monthly figures kept before a purge

Revision ID: 0013_lifecycle
Revises: 0012_messages

``retention_settings`` (one row) holds how many months each kind of data is kept;
``archived_month`` the dashboard of a month as it was before a purge removed rows it counted.

The audit trail stays append-only, but for the purge: a row older than the audit's
retention duration (from ``retention_settings``, on the database's own clock) may be deleted,
none younger, whoever asks.

On PostgreSQL, with the grants and row-level security of 0009: every account reads both;
administrators set the durations. Only the system (the owner, ``guichet purge`` at night)
writes the archive and purges; an administrator anonymises a person (``person`` is theirs to
write already) and asks, through ``guichet_person_has_open_case``, whether the person has an
open mediation file (a yes or no, as ``guichet_person_has_case``); the scrubbing of the
person's names from their mediation files and from the FTS of other tables is a ``SECURITY
DEFINER`` function, ``guichet_anonymise_mediation``.
"""

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0013_lifecycle"
down_revision = "0012_messages"
branch_labels = None
depends_on = None

NAMESPACE = uuid.UUID("6f1c7d52-3b0e-4d7a-9a55-2f3c8e0b9a41")  # as 0003, 0008 and 0009
STAFF, ADMIN = "guichet_staff", "guichet_admin"
READ, WRITE = "SELECT", "SELECT, INSERT, UPDATE"

GRANTS: dict[str, dict[str, str]] = {
    "retention_settings": {STAFF: READ, ADMIN: WRITE},
    "archived_month": {STAFF: READ},
}

FUNCTIONS = [
    """CREATE FUNCTION guichet_person_has_open_case(person uuid) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
        SELECT EXISTS (SELECT 1 FROM mediation_case
                       WHERE person_id = person AND is_open AND deleted_at IS NULL) $$""",
    # The person's words in their files (patterns escaped by the caller) are replaced, their
    # documents emptied; what the figures need (dates, status, outcome, motive) stays.
    """CREATE FUNCTION guichet_anonymise_mediation(person uuid, patterns text[])
        RETURNS integer
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
        DECLARE pattern text; cases integer;
        BEGIN
            IF NOT pg_has_role(session_user, 'guichet_admin', 'MEMBER')
               AND NOT (SELECT guichet_is_system()) THEN
                RAISE EXCEPTION 'administrators only';
            END IF;
            FOREACH pattern IN ARRAY patterns LOOP
                UPDATE mediation_case SET
                    summary = regexp_replace(summary, pattern, '[anonymisé]', 'gi'),
                    representative_name = regexp_replace(representative_name, pattern,
                                                         '[anonymisé]', 'gi'),
                    contested_decision = regexp_replace(contested_decision, pattern,
                                                        '[anonymisé]', 'gi'),
                    search_text = regexp_replace(search_text, pattern, '', 'gi')
                WHERE person_id = person;
                UPDATE mediation_event SET
                    title = regexp_replace(title, pattern, '[anonymisé]', 'gi'),
                    text = regexp_replace(text, pattern, '[anonymisé]', 'gi'),
                    party = regexp_replace(party, pattern, '[anonymisé]', 'gi')
                WHERE case_id IN (SELECT id FROM mediation_case WHERE person_id = person);
            END LOOP;
            UPDATE mediation_document SET filename = 'document anonymisé', data = ''::bytea,
                                          size = 0
            WHERE case_id IN (SELECT id FROM mediation_case WHERE person_id = person);
            SELECT count(*) INTO cases FROM mediation_case WHERE person_id = person;
            RETURN cases;
        END $$""",
]
SQLITE_AUDIT_DELETE = """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
    WHEN old.occurred_at >= datetime('now', '-' || (SELECT audit_months FROM retention_settings
                                                      LIMIT 1) || ' months')
    BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END"""
SQLITE_AUDIT_DELETE_BEFORE = """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
    BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END"""
PG_AUDIT_RETENTION = """CREATE FUNCTION guichet_audit_retention() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' AND OLD.occurred_at < now() - make_interval(months => (
                SELECT audit_months FROM retention_settings LIMIT 1)) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit trail is append-only';
    END $$"""

FUNCTION_NAMES = ("guichet_person_has_open_case(uuid)",
                  "guichet_anonymise_mediation(uuid, text[])")
EXECUTE = {"guichet_person_has_open_case(uuid)": STAFF,
           "guichet_anonymise_mediation(uuid, text[])": ADMIN}


def upgrade() -> None:
    retention = op.create_table(
        "retention_settings",
        sa.Column("appointments_months", sa.Integer(), server_default="24", nullable=False),
        sa.Column("callbacks_months", sa.Integer(), server_default="12", nullable=False),
        sa.Column("pathways_months", sa.Integer(), server_default="24", nullable=False),
        sa.Column("mediation_months", sa.Integer(), nullable=True),
        sa.Column("audit_months", sa.Integer(), server_default="12", nullable=False),
        *_entity_columns(),
        sa.CheckConstraint("appointments_months BETWEEN 1 AND 240",
                           name=op.f("ck_retention_settings_appointments")),
        sa.CheckConstraint("callbacks_months BETWEEN 1 AND 240",
                           name=op.f("ck_retention_settings_callbacks")),
        sa.CheckConstraint("pathways_months BETWEEN 1 AND 240",
                           name=op.f("ck_retention_settings_pathways")),
        sa.CheckConstraint("mediation_months IS NULL OR mediation_months BETWEEN 1 AND 240",
                           name=op.f("ck_retention_settings_mediation")),
        sa.CheckConstraint("audit_months BETWEEN 1 AND 240",
                           name=op.f("ck_retention_settings_audit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_settings")),
    )
    op.create_table(
        "archived_month",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("site_key", sa.String(length=36), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        *_entity_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archived_month")),
        sa.UniqueConstraint("month", "site_key", name=op.f("uq_archived_month_month")),
    )
    now = datetime.now(UTC)
    if op.get_bind().dialect.name == "sqlite":  # naive UTC there (db.base.UTCDateTime)
        now = now.replace(tzinfo=None)
    op.bulk_insert(retention, [{
        "id": uuid.uuid5(NAMESPACE, "retention_settings"), "created_at": now,
        "updated_at": now, "version": 1, "appointments_months": 24, "callbacks_months": 12,
        "pathways_months": 24, "mediation_months": None, "audit_months": 12}])
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER audit_event_no_delete")
        op.execute(SQLITE_AUDIT_DELETE)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_AUDIT_RETENTION)
        op.execute("DROP TRIGGER audit_event_append_only ON audit_event")
        op.execute("""CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE
            ON audit_event FOR EACH ROW EXECUTE FUNCTION guichet_audit_retention()""")
        for table, grants in GRANTS.items():
            for group, privileges in grants.items():
                op.execute(f"GRANT {privileges} ON {table} TO {group}")
        for statement in FUNCTIONS:
            op.execute(statement)
        for function in FUNCTION_NAMES:
            op.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
        for function, role in EXECUTE.items():
            op.execute(f"GRANT EXECUTE ON FUNCTION {function} TO {role}")


def _entity_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    ]


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER audit_event_no_delete")
        op.execute(SQLITE_AUDIT_DELETE_BEFORE)
    if op.get_bind().dialect.name == "postgresql":
        for function in reversed(FUNCTION_NAMES):
            op.execute(f"DROP FUNCTION {function}")
        op.execute("DROP TRIGGER audit_event_append_only ON audit_event")
        op.execute("""CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE
            ON audit_event FOR EACH ROW EXECUTE FUNCTION guichet_refuse_change()""")
        op.execute("DROP FUNCTION guichet_audit_retention()")
    op.drop_table("archived_month")
    op.drop_table("retention_settings")
