"""mediation case files

Revision ID: 0002_mediation
Revises: 0001_initial
"""

import uuid
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002_mediation"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

# Case search: reference, names, contested decision and summary (``search_text``, already
# folded by the services). SQLite: prefix matching; PostgreSQL: French stemming and unaccent.
SQLITE_EXTRAS = [
    """CREATE VIRTUAL TABLE mediation_case_fts USING fts5(search_text,
        content='mediation_case', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    """CREATE TRIGGER mediation_case_fts_insert AFTER INSERT ON mediation_case BEGIN
        INSERT INTO mediation_case_fts(rowid, search_text) VALUES (new.rowid, new.search_text);
        END""",
    """CREATE TRIGGER mediation_case_fts_delete AFTER DELETE ON mediation_case BEGIN
        INSERT INTO mediation_case_fts(mediation_case_fts, rowid, search_text)
        VALUES ('delete', old.rowid, old.search_text); END""",
    """CREATE TRIGGER mediation_case_fts_update AFTER UPDATE OF search_text ON mediation_case
        BEGIN
        INSERT INTO mediation_case_fts(mediation_case_fts, rowid, search_text)
        VALUES ('delete', old.rowid, old.search_text);
        INSERT INTO mediation_case_fts(rowid, search_text) VALUES (new.rowid, new.search_text);
        END""",
]

POSTGRESQL_EXTRAS = [
    "CREATE TEXT SEARCH CONFIGURATION guichet_french (COPY = french)",
    """ALTER TEXT SEARCH CONFIGURATION guichet_french ALTER MAPPING FOR
        asciiword, asciihword, hword_asciipart, word, hword, hword_part
        WITH unaccent, french_stem""",
    """ALTER TABLE mediation_case ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('guichet_french'::regconfig, search_text)) STORED""",
    "CREATE INDEX ix_mediation_case_search_vector ON mediation_case USING gin (search_vector)",
]

# The motives the team starts with (the administrator edits them later).
MOTIVES = [
    ("ij_unpaid", "IJ non versées depuis plus de 2 mois", True),
    ("gp", "Médecin traitant", False),
    ("replacement_income", "Revenus de substitution", False),
    ("care_refusal", "Refus de soins", False),
    ("c2s", "Complémentaire santé solidaire (C2S)", False),
    ("invalidity", "Invalidité", False),
    ("reimbursements", "Remboursements", False),
    ("other", "Autre", False),
]

_SALUTATION = "{destinataire},"
_SIGNATURE = "\n\n{mediateur}\nMédiateur de la CPAM — {site}"
LETTERS = [
    ("acknowledgement", "Accusé de réception de votre demande de médiation",
     _SALUTATION + "\n\nNous avons bien reçu le {date_reception} votre demande de médiation "
     "(motif : {motif}), enregistrée sous la référence {reference}. Elle sera examinée avec "
     "attention et en toute confidentialité ; nous reviendrons vers vous dans les meilleurs "
     "délais.\n\nRappel : la médiation ne suspend pas vos délais de recours tant que votre "
     "demande n'a pas été déclarée recevable." + _SIGNATURE),
    ("admissible", "Votre demande de médiation est recevable",
     _SALUTATION + "\n\nVotre demande de médiation {reference} concernant « {decision} » est "
     "recevable. Les délais de recours contre cette décision sont suspendus à compter de ce "
     "jour et jusqu'à ce que la recommandation du médiateur vous soit notifiée.\n\n{texte}"
     + _SIGNATURE),
    ("inadmissible", "Votre demande de médiation n'est pas recevable",
     _SALUTATION + "\n\nVotre demande de médiation {reference} n'est pas recevable : "
     "{motif_irrecevabilite}.\n\n{texte}" + _SIGNATURE),
    ("recommendation", "Recommandation du médiateur",
     _SALUTATION + "\n\nÀ l'issue de l'examen de votre demande de médiation {reference}, "
     "le médiateur formule la recommandation suivante :\n\n{texte}\n\nCette "
     "recommandation est également adressée au service concerné. Le délai de recours contre "
     "la décision contestée reprend son cours à réception de ce courrier." + _SIGNATURE),
    ("redirection", "Orientation de votre demande",
     _SALUTATION + "\n\nAprès examen, votre demande {reference} relève de la compétence "
     "de : {orientation}. Nous lui avons transmis votre dossier.\n\n{texte}" + _SIGNATURE),
]


def _conventional(now: datetime) -> dict:
    return {"id": uuid.uuid4(), "created_at": now, "updated_at": now, "version": 1,
            "deleted_at": None}


def _seed() -> None:
    now = datetime.now(UTC)
    if op.get_bind().dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # stored as naive UTC, as the models' UTCDateTime does

    def table(name: str, *columns: sa.ColumnClause) -> sa.TableClause:
        stamp = sa.DateTime(timezone=True)
        return sa.table(name, *columns, sa.column("id", sa.Uuid()),
                        sa.column("created_at", stamp), sa.column("updated_at", stamp),
                        sa.column("version", sa.Integer()), sa.column("deleted_at", stamp))

    motive = table("mediation_motive", sa.column("code"), sa.column("label"),
                   sa.column("urgent_by_default", sa.Boolean()),
                   sa.column("valid_from", sa.Date()), sa.column("valid_until", sa.Date()),
                   sa.column("position"))
    op.bulk_insert(motive, [
        _conventional(now) | {"code": code, "label": label, "urgent_by_default": urgent,
                              "valid_from": date(2000, 1, 1), "valid_until": None,
                              "position": position}
        for position, (code, label, urgent) in enumerate(MOTIVES)
    ])
    settings = table("mediation_settings", sa.column("acknowledgement_days"),
                     sa.column("handling_months"), sa.column("follow_up_working_days"))
    op.bulk_insert(settings, [_conventional(now) | {
        "acknowledgement_days": 7, "handling_months": 1, "follow_up_working_days": 10}])
    template = table("mediation_letter_template", sa.column("kind"), sa.column("title"),
                     sa.column("body"))
    op.bulk_insert(template, [
        _conventional(now) | {"kind": kind, "title": title, "body": body}
        for kind, title, body in LETTERS
    ])


def upgrade() -> None:
    op.create_table(
        "mediation_counter",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_mediation_counter")),
    )
    op.create_table(
        "mediation_letter_template",
        sa.Column(
            "kind",
            sa.Enum(
                "acknowledgement",
                "admissible",
                "inadmissible",
                "recommendation",
                "redirection",
                name="mediation_letter_kind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation_letter_template")),
        sa.UniqueConstraint("kind", name=op.f("uq_mediation_letter_template_kind")),
    )
    op.create_table(
        "mediation_motive",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("urgent_by_default", sa.Boolean(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation_motive")),
        sa.UniqueConstraint("code", name=op.f("uq_mediation_motive_code")),
    )
    op.create_table(
        "mediation_settings",
        sa.Column("acknowledgement_days", sa.Integer(), nullable=False),
        sa.Column("handling_months", sa.Integer(), nullable=False),
        sa.Column("follow_up_working_days", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "acknowledgement_days BETWEEN 1 AND 60",
            name=op.f("ck_mediation_settings_acknowledgement_days"),
        ),
        sa.CheckConstraint(
            "follow_up_working_days BETWEEN 1 AND 60",
            name=op.f("ck_mediation_settings_follow_up_days"),
        ),
        sa.CheckConstraint(
            "handling_months BETWEEN 1 AND 12", name=op.f("ck_mediation_settings_handling_months")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation_settings")),
    )
    op.create_table(
        "mediation_case",
        sa.Column("reference", sa.String(length=20), nullable=True),
        sa.Column("provisional_reference", sa.String(length=24), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "ameli_account",
                "mail",
                "email",
                "phone",
                "france_services",
                "other_department",
                name="mediation_channel",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("representative_name", sa.String(length=200), nullable=False),
        sa.Column("representative_capacity", sa.String(length=120), nullable=False),
        sa.Column("motive_id", sa.Uuid(), nullable=False),
        sa.Column("contested_decision", sa.String(length=300), nullable=False),
        sa.Column("decision_notified_on", sa.Date(), nullable=True),
        sa.Column("prior_step_done", sa.Boolean(), nullable=False),
        sa.Column("court_action_pending", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("mediator_id", sa.Uuid(), nullable=True),
        sa.Column("site_id", sa.Uuid(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "received",
                "admissible",
                "inadmissible",
                "redirected",
                "in_progress",
                "waiting",
                "recommendation_issued",
                "closed",
                name="mediation_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "inadmissible_reason",
            sa.Enum(
                "no_prior_step",
                "court_action",
                "out_of_scope",
                name="mediation_inadmissible_reason",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "redirection",
            sa.Enum(
                "cra",
                "department",
                "joint_commission",
                name="mediation_redirection",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "outcome",
            sa.Enum(
                "favourable",
                "partly_favourable",
                "unfavourable",
                "redirected",
                "withdrawn",
                "court_action",
                name="mediation_outcome",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("acknowledged_on", sa.Date(), nullable=True),
        sa.Column("admitted_on", sa.Date(), nullable=True),
        sa.Column("recommendation_on", sa.Date(), nullable=True),
        sa.Column("handled_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("reopen_count", sa.Integer(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("acknowledgement_due_on", sa.Date(), nullable=False),
        sa.Column("handling_due_on", sa.Date(), nullable=False),
        sa.Column("paused_days", sa.Integer(), nullable=False),
        sa.Column("paused_since", sa.Date(), nullable=True),
        sa.Column("follow_up_on", sa.Date(), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status <> 'closed' OR outcome IS NOT NULL",
            name=op.f("ck_mediation_case_closed_has_outcome"),
        ),
        sa.CheckConstraint(
            "reference IS NOT NULL OR provisional_reference IS NOT NULL",
            name=op.f("ck_mediation_case_has_reference"),
        ),
        sa.ForeignKeyConstraint(
            ["mediator_id"], ["staff.id"], name=op.f("fk_mediation_case_mediator_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["motive_id"],
            ["mediation_motive.id"],
            name=op.f("fk_mediation_case_motive_id_mediation_motive"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_mediation_case_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_mediation_case_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation_case")),
        sa.UniqueConstraint(
            "provisional_reference", name=op.f("uq_mediation_case_provisional_reference")
        ),
        sa.UniqueConstraint("reference", name=op.f("uq_mediation_case_reference")),
    )
    with op.batch_alter_table("mediation_case", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mediation_case_list", ["is_open", "urgent", "received_on"], unique=False
        )
        batch_op.create_index("ix_mediation_case_mediator_id", ["mediator_id"], unique=False)
        batch_op.create_index("ix_mediation_case_motive_id", ["motive_id"], unique=False)
        batch_op.create_index("ix_mediation_case_person_id", ["person_id"], unique=False)
        batch_op.create_index("ix_mediation_case_status", ["status"], unique=False)

    op.create_table(
        "mediation_document",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["mediation_case.id"],
            name=op.f("fk_mediation_document_case_id_mediation_case"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation_document")),
    )
    with op.batch_alter_table("mediation_document", schema=None) as batch_op:
        batch_op.create_index("ix_mediation_document_case_id", ["case_id"], unique=False)

    op.create_table(
        "mediation_wait",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column(
            "waiting_on",
            sa.Enum(
                "requester",
                "department",
                "medical_service",
                "partner",
                name="mediation_waiting_on",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("party", sa.String(length=200), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("follow_up_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["mediation_case.id"],
            name=op.f("fk_mediation_wait_case_id_mediation_case"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation_wait")),
    )
    with op.batch_alter_table("mediation_wait", schema=None) as batch_op:
        batch_op.create_index("ix_mediation_wait_case_id", ["case_id", "started_on"], unique=False)

    op.create_table(
        "mediation_event",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "status",
                "note",
                "call",
                "letter",
                "request",
                "answer",
                "attachment",
                name="mediation_event_kind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("party", sa.String(length=200), nullable=False),
        sa.Column("answers_id", sa.Uuid(), nullable=True),
        sa.Column("document_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["answers_id"],
            ["mediation_event.id"],
            name=op.f("fk_mediation_event_answers_id_mediation_event"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["staff.id"], name=op.f("fk_mediation_event_author_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["mediation_case.id"],
            name=op.f("fk_mediation_event_case_id_mediation_case"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["mediation_document.id"],
            name=op.f("fk_mediation_event_document_id_mediation_document"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation_event")),
    )
    with op.batch_alter_table("mediation_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mediation_event_case_id", ["case_id", "occurred_at"], unique=False
        )

    _seed()
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_EXTRAS:
            op.execute(statement)
    else:
        for statement in POSTGRESQL_EXTRAS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS mediation_case_fts_{name}")
        op.execute("DROP TABLE IF EXISTS mediation_case_fts")
    else:
        op.execute("ALTER TABLE mediation_case DROP COLUMN IF EXISTS search_vector")
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS guichet_french")
    with op.batch_alter_table("mediation_event", schema=None) as batch_op:
        batch_op.drop_index("ix_mediation_event_case_id")

    op.drop_table("mediation_event")
    with op.batch_alter_table("mediation_wait", schema=None) as batch_op:
        batch_op.drop_index("ix_mediation_wait_case_id")

    op.drop_table("mediation_wait")
    with op.batch_alter_table("mediation_document", schema=None) as batch_op:
        batch_op.drop_index("ix_mediation_document_case_id")

    op.drop_table("mediation_document")
    with op.batch_alter_table("mediation_case", schema=None) as batch_op:
        batch_op.drop_index("ix_mediation_case_status")
        batch_op.drop_index("ix_mediation_case_person_id")
        batch_op.drop_index("ix_mediation_case_motive_id")
        batch_op.drop_index("ix_mediation_case_mediator_id")
        batch_op.drop_index("ix_mediation_case_list")

    op.drop_table("mediation_case")
    op.drop_table("mediation_settings")
    op.drop_table("mediation_motive")
    op.drop_table("mediation_letter_template")
    op.drop_table("mediation_counter")
