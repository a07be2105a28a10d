"""adviser_busy: one table of every adviser's busy time, held by the database; sites get a
break between appointments and an e-mail address

Revision ID: 0007_adviser_busy
Revises: 0006_preparation

Until now the database only kept two individual appointments of one adviser apart; a
workshop session the adviser hosts and the break after an appointment were the services'
word alone. Triggers now copy each live appointment and each live hosted session into
``adviser_busy`` as [start, end + the site's break), and that table refuses any overlap
(exclusion constraint on PostgreSQL, trigger on SQLite): one rule for both, race-free.
"""

import importlib

import sqlalchemy as sa
from alembic import op

revision = "0007_adviser_busy"
down_revision = "0006_preparation"
branch_labels = None
depends_on = None

OVERLAP = "ex_adviser_busy_overlap"

# (table, adviser column, columns whose change moves the busy time, when a row is live)
_SOURCES = (
    ("appointment", "adviser_id",
     "adviser_id, site_id, starts_at, ends_at, status, deleted_at, workshop_session_id",
     # Registrations share their session's time: the session itself holds the host.
     "{row}.status = 'booked' AND {row}.deleted_at IS NULL "
     "AND {row}.workshop_session_id IS NULL"),
    ("workshop_session", "host_id",
     "host_id, site_id, starts_at, ends_at, cancelled_at, deleted_at",
     "{row}.cancelled_at IS NULL AND {row}.deleted_at IS NULL"),
)


def _postgresql() -> list[str]:
    statements = [
        f"""ALTER TABLE adviser_busy ADD CONSTRAINT {OVERLAP}
            EXCLUDE USING gist (staff_id WITH =, tstzrange(starts_at, busy_until) WITH &&)""",
        "ALTER TABLE appointment DROP CONSTRAINT ex_appointment_adviser_overlap",
    ]
    for table, adviser, columns, live in _SOURCES:
        statements += [
            f"""CREATE FUNCTION {table}_adviser_busy() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN
                    DELETE FROM adviser_busy WHERE owner_id = OLD.id;
                END IF;
                IF TG_OP <> 'DELETE' THEN
                    IF {live.format(row="NEW")} THEN
                        INSERT INTO adviser_busy (owner_id, staff_id, starts_at, busy_until)
                        SELECT NEW.id, NEW.{adviser}, NEW.starts_at,
                               NEW.ends_at + site.break_minutes * interval '1 minute'
                        FROM site WHERE site.id = NEW.site_id;
                    END IF;
                END IF;
                RETURN NULL;
            END $$""",
            f"""CREATE TRIGGER {table}_adviser_busy
                AFTER INSERT OR DELETE OR UPDATE OF {columns} ON {table}
                FOR EACH ROW EXECUTE FUNCTION {table}_adviser_busy()""",
        ]
    return statements


# SQLite stores instants as « YYYY-MM-DD HH:MM:SS.ffffff »: the break is added to the whole
# seconds and the fraction kept, so busy times compare as text like every other instant.
_SQLITE_UNTIL = """CASE WHEN site.break_minutes = 0 THEN NEW.ends_at
    ELSE strftime('%Y-%m-%d %H:%M:%S', NEW.ends_at, '+' || site.break_minutes || ' minutes')
         || substr(NEW.ends_at, 20) END"""


def _sqlite() -> list[str]:
    # SQLite serialises writers, so looking before inserting is race-free. The lower bound
    # lets the check use the index: nothing keeps an adviser busy for more than a day.
    statements = [
        "DROP TRIGGER appointment_no_overlap_insert",
        "DROP TRIGGER appointment_no_overlap_update",
        f"""CREATE TRIGGER adviser_busy_no_overlap BEFORE INSERT ON adviser_busy BEGIN
            SELECT RAISE(ABORT, '{OVERLAP}') WHERE EXISTS (
                SELECT 1 FROM adviser_busy AS other
                WHERE other.staff_id = NEW.staff_id
                  AND other.starts_at > datetime(NEW.starts_at, '-1 day')
                  AND other.starts_at < NEW.busy_until AND other.busy_until > NEW.starts_at);
        END""",
    ]
    for table, adviser, columns, live in _SOURCES:
        copy = f"""INSERT INTO adviser_busy (owner_id, staff_id, starts_at, busy_until)
            SELECT NEW.id, NEW.{adviser}, NEW.starts_at, {_SQLITE_UNTIL}
            FROM site WHERE site.id = NEW.site_id AND {live.format(row="NEW")};"""
        statements += [
            f"""CREATE TRIGGER {table}_busy_insert AFTER INSERT ON {table}
                WHEN {live.format(row="NEW")} BEGIN {copy} END""",
            f"""CREATE TRIGGER {table}_busy_update AFTER UPDATE OF {columns} ON {table} BEGIN
                DELETE FROM adviser_busy WHERE owner_id = OLD.id; {copy} END""",
            f"""CREATE TRIGGER {table}_busy_delete AFTER DELETE ON {table} BEGIN
                DELETE FROM adviser_busy WHERE owner_id = OLD.id; END""",
        ]
    return statements


def _fill_from_existing_rows() -> None:
    # Every site's break starts at 0, so a live row is busy exactly for its own time.
    for table, adviser, _, live in _SOURCES:
        op.execute(f"""INSERT INTO adviser_busy (owner_id, staff_id, starts_at, busy_until)
            SELECT id, {adviser}, starts_at, ends_at FROM {table} AS row
            WHERE {live.format(row="row")}""")


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    check = "break_minutes BETWEEN 0 AND 60"
    if sqlite:  # SQLite adds a CHECK only with its column, without rebuilding the table
        op.execute("ALTER TABLE site ADD COLUMN break_minutes INTEGER DEFAULT 0 NOT NULL "
                   f"CONSTRAINT ck_site_break CHECK ({check})")
    else:
        op.add_column("site", sa.Column("break_minutes", sa.Integer(), server_default="0",
                                        nullable=False))
        op.create_check_constraint(op.f("ck_site_break"), "site", check)
    op.add_column("site", sa.Column("email", sa.String(length=254), nullable=True))
    op.create_table(
        "adviser_busy",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("busy_until", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("starts_at < busy_until", name=op.f("ck_adviser_busy_interval")),
        sa.PrimaryKeyConstraint("owner_id", name=op.f("pk_adviser_busy")),
    )
    op.create_index("ix_adviser_busy_staff_start", "adviser_busy", ["staff_id", "starts_at"])
    for statement in _sqlite() if sqlite else _postgresql():
        op.execute(statement)
    _fill_from_existing_rows()


def downgrade() -> None:
    agenda = importlib.import_module("db.migrations.versions.0004_agenda")
    if op.get_bind().dialect.name == "sqlite":
        for table, *_ in _SOURCES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_busy_{event}")
        op.drop_table("adviser_busy")  # its overlap trigger goes with it
        for statement in agenda.SQLITE_EXTRAS:
            op.execute(statement)
        # SQLite drops a column with its own CHECK, but without a table rebuild only this way.
        op.execute("ALTER TABLE site DROP COLUMN email")
        op.execute("ALTER TABLE site DROP COLUMN break_minutes")
        return
    for table, *_ in _SOURCES:
        op.execute(f"DROP TRIGGER {table}_adviser_busy ON {table}")
        op.execute(f"DROP FUNCTION {table}_adviser_busy()")
    op.drop_table("adviser_busy")
    op.execute(agenda.POSTGRESQL_EXTRAS[1])  # the appointments' own overlap constraint
    op.drop_column("site", "email")
    op.drop_column("site", "break_minutes")  # its CHECK goes with it
