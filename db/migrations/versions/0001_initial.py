"""initial schema

Revision ID: 0001_initial
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

# Name search: accent- and case-insensitive prefix matching over the person's names.
_SQLITE_FTS_COLUMNS = "last_name, first_name, birth_name, organisation_name"
_SQLITE_NEW = "new.last_name, new.first_name, new.birth_name, new.organisation_name"
_SQLITE_OLD = "old.last_name, old.first_name, old.birth_name, old.organisation_name"

SQLITE_EXTRAS = [
    "PRAGMA application_id = 1196771651",  # "GUIC": marks a Guichet file
    f"""CREATE VIRTUAL TABLE person_fts USING fts5({_SQLITE_FTS_COLUMNS},
        content='person', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')""",
    f"""CREATE TRIGGER person_fts_insert AFTER INSERT ON person BEGIN
        INSERT INTO person_fts(rowid, {_SQLITE_FTS_COLUMNS})
        VALUES (new.rowid, {_SQLITE_NEW}); END""",
    f"""CREATE TRIGGER person_fts_delete AFTER DELETE ON person BEGIN
        INSERT INTO person_fts(person_fts, rowid, {_SQLITE_FTS_COLUMNS})
        VALUES ('delete', old.rowid, {_SQLITE_OLD}); END""",
    f"""CREATE TRIGGER person_fts_update AFTER UPDATE ON person BEGIN
        INSERT INTO person_fts(person_fts, rowid, {_SQLITE_FTS_COLUMNS})
        VALUES ('delete', old.rowid, {_SQLITE_OLD});
        INSERT INTO person_fts(rowid, {_SQLITE_FTS_COLUMNS})
        VALUES (new.rowid, {_SQLITE_NEW}); END""",
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event BEGIN
        SELECT RAISE(ABORT, 'audit trail is append-only'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event BEGIN
        SELECT RAISE(ABORT, 'audit trail is append-only'); END""",
]

# Names are not French words: no stemming and no stop words, only accents removed.
POSTGRESQL_EXTRAS = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION guichet_names (COPY = french)",
    """ALTER TEXT SEARCH CONFIGURATION guichet_names ALTER MAPPING FOR
        asciiword, asciihword, hword_asciipart, word, hword, hword_part
        WITH unaccent, simple""",
    """ALTER TABLE person ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('guichet_names'::regconfig,
            last_name || ' ' || first_name || ' ' || birth_name || ' ' || organisation_name)
        ) STORED""",
    "CREATE INDEX ix_person_search_vector ON person USING gin (search_vector)",
    """CREATE FUNCTION guichet_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit trail is append-only'; END $$""",
    """CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
        FOR EACH ROW EXECUTE FUNCTION guichet_refuse_change()""",
]


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column(
            "kind",
            sa.Enum(
                "beneficiary",
                "health_professional",
                "employer",
                name="person_kind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "civility",
            sa.Enum("mme", "m", name="civility", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("birth_name", sa.String(length=100), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("nir", sa.String(length=15), nullable=True),
        sa.Column("profession", sa.String(length=40), nullable=True),
        sa.Column("rpps", sa.String(length=11), nullable=True),
        sa.Column("organisation_name", sa.String(length=200), nullable=False),
        sa.Column("siret", sa.String(length=14), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("phone_digits", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("postcode", sa.String(length=10), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("sort_key", sa.String(length=320), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind <> 'beneficiary' OR nir IS NOT NULL", name=op.f("ck_person_beneficiary_has_nir")
        ),
        sa.CheckConstraint(
            "kind <> 'employer' OR siret IS NOT NULL", name=op.f("ck_person_employer_has_siret")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("nir", name=op.f("uq_person_nir")),
        sa.UniqueConstraint("siret", name=op.f("uq_person_siret")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index("ix_person_phone_digits", ["phone_digits"], unique=False)
        batch_op.create_index("ix_person_sort_key", ["sort_key"], unique=False)

    op.create_table(
        "site",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "agency",
                "local_point",
                "france_services",
                "phone_platform",
                name="site_kind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("postcode", sa.String(length=10), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("department", sa.String(length=3), nullable=False),
        sa.Column("sector", sa.String(length=120), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site")),
        sa.UniqueConstraint("name", name=op.f("uq_site_name")),
    )
    op.create_table(
        "staff",
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "adviser",
                "mediator",
                "mediation_assistant",
                "manager",
                "partner",
                "admin",
                name="staff_role",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("site_id", sa.Uuid(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_staff_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("login", name=op.f("uq_staff_login")),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("entity_type", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["staff.id"], name=op.f("fk_audit_event_actor_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_event_entity", ["entity_type", "entity_id", "occurred_at"], unique=False
        )

    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_EXTRAS:
            op.execute(statement)
    else:
        for statement in POSTGRESQL_EXTRAS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in (
            "person_fts_insert",
            "person_fts_delete",
            "person_fts_update",
            "audit_event_no_update",
            "audit_event_no_delete",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS person_fts")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS guichet_refuse_change()")
        op.execute("ALTER TABLE person DROP COLUMN IF EXISTS search_vector")
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS guichet_names")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_entity")

    op.drop_table("audit_event")
    op.drop_table("staff")
    op.drop_table("site")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index("ix_person_sort_key")
        batch_op.drop_index("ix_person_phone_digits")

    op.drop_table("person")
