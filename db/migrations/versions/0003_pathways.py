"""life pathways: kinds, imports, worklists, attempts, rebound offers

Revision ID: 0003_pathways
Revises: 0002_mediation
"""

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003_pathways"
down_revision = "0002_mediation"
branch_labels = None
depends_on = None

# Reference rows get ids derived from their codes, so that every replica (server, offline
# laptops) migrated on its own has the same ids and sync sees one row, not two.
_NAMESPACE = uuid.UUID("6f1c7d52-3b0e-4d7a-9a55-2f3c8e0b9a41")

KINDS = [
    ("ald", "Affection de longue durée (ALD)"),
    ("maternity", "Maternité"),
    ("invalidity", "Invalidité"),
]

# The 8 segments of the insured population and the offers an adviser makes on rebound.
SEGMENTS = [
    ("young", "Jeunes de 16 à 25 ans", [
        ("Ouverture du compte ameli", "Suivre ses remboursements et faire ses démarches en ligne."),
        ("Mon espace santé", "Activer son carnet de santé numérique."),
        ("Examen de prévention en santé", "Bilan gratuit dans un centre d'examens de santé."),
        ("M'T dents", "Rendez-vous de prévention chez le dentiste, pris en charge jusqu'à 24 ans."),
        ("Complémentaire santé solidaire (C2S)", "Vérifier le droit selon les ressources."),
        ("Déclaration du médecin traitant", "Être mieux remboursé et suivi."),
    ]),
    ("expecting", "Futurs et jeunes parents", [
        ("Parcours maternité", "Examens et séances pris en charge, calendrier de la grossesse."),
        ("Bilan bucco-dentaire de la grossesse", "M'T dents pris en charge dès le 4e mois."),
        ("Entretien prénatal précoce", "Avec une sage-femme ou un médecin, dès le 4e mois."),
        ("Retour à domicile après l'accouchement (Prado)",
         "Visite d'une sage-femme à domicile après la sortie de la maternité."),
        ("Congé de paternité et d'accueil de l'enfant", "Durée, indemnités et démarches."),
        ("Rattachement de l'enfant", "Inscrire l'enfant et ouvrir son espace santé."),
    ]),
    ("families", "Familles avec enfants", [
        ("M'T dents pour les enfants", "Rendez-vous de prévention de 3 à 24 ans."),
        ("Vaccinations des enfants", "Calendrier et prise en charge."),
        ("Complémentaire santé solidaire (C2S)", "Vérifier le droit selon les ressources."),
        ("Ouverture du compte ameli", "Suivre ses remboursements et faire ses démarches en ligne."),
        ("Mon espace santé", "Un espace pour chaque enfant."),
    ]),
    ("working", "Actifs", [
        ("Ouverture du compte ameli", "Suivre ses remboursements et faire ses démarches en ligne."),
        ("Mon espace santé", "Activer son carnet de santé numérique."),
        ("Déclaration du médecin traitant", "Être mieux remboursé et suivi."),
        ("Examen de prévention en santé", "Bilan gratuit dans un centre d'examens de santé."),
    ]),
    ("work_stoppage", "Personnes en arrêt de travail ou en invalidité", [
        ("Suivi des indemnités journalières", "Paiements visibles sur le compte ameli."),
        ("Prévention de la désinsertion professionnelle",
         "Préparer le retour au travail avec le service médical et l'employeur."),
        ("Service social de l'Assurance Maladie", "Accompagnement par la Carsat."),
        ("Temps partiel thérapeutique", "Reprendre progressivement son activité."),
        ("Pension d'invalidité", "Conditions, montant et démarches."),
    ]),
    ("chronic", "Personnes atteintes d'une maladie chronique", [
        ("Mon espace santé", "Partager ses documents avec ses soignants."),
        ("Protocole de soins ALD",
         "Établi avec le médecin traitant : soins pris en charge à 100 %."),
        ("Programme sophia", "Accompagnement du diabète et de l'asthme."),
        ("Prise en charge des transports", "Conditions et prescription médicale de transport."),
        ("Éducation thérapeutique du patient", "Ateliers pour vivre avec sa maladie."),
    ]),
    ("precarious", "Personnes en situation de précarité", [
        ("Complémentaire santé solidaire (C2S)", "Vérifier le droit selon les ressources."),
        ("Examen de prévention en santé", "Bilan gratuit dans un centre d'examens de santé."),
        ("Aides financières individuelles",
         "Aide exceptionnelle de l'action sanitaire et sociale."),
        ("Mission accompagnement santé", "Aide contre le renoncement aux soins."),
        ("Ouverture du compte ameli", "Accompagnement dans l'espace libre-service."),
    ]),
    ("seniors", "Retraités et seniors", [
        ("Mon espace santé", "Activer son carnet de santé numérique."),
        ("Dépistage du cancer colorectal", "Test à faire chez soi de 50 à 74 ans."),
        ("Vaccination contre la grippe", "Prise en charge à 100 % dès 65 ans."),
        ("Complémentaire santé solidaire (C2S)", "Vérifier le droit selon les ressources."),
        ("Prévention des chutes", "Ateliers bien vieillir et aménagement du logement."),
    ]),
]


def _reference_id(*parts: object) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, ":".join(str(p) for p in parts))


def _columns(*names_and_types) -> list[sa.ColumnClause]:
    conventional = [("id", sa.Uuid()), ("created_at", sa.DateTime(timezone=True)),
                    ("updated_at", sa.DateTime(timezone=True)), ("version", sa.Integer())]
    return [sa.column(name, type_) for name, type_ in (*conventional, *names_and_types)]


def seed(connection) -> None:
    """Insert the reference rows: the built-in kinds, the segments and their offers."""
    now = datetime.now(UTC)
    if connection.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # SQLite columns hold naive UTC (see UTCDateTime)
    stamp = {"created_at": now, "updated_at": now, "version": 1}
    kind = sa.table("pathway_kind", *_columns(
        ("code", sa.String()), ("label", sa.String()), ("position", sa.Integer()),
        ("active", sa.Boolean())))
    segment = sa.table("offer_segment", *_columns(
        ("code", sa.String()), ("label", sa.String()), ("position", sa.Integer())))
    offer = sa.table("rebound_offer", *_columns(
        ("segment_id", sa.Uuid()), ("label", sa.String()), ("description", sa.String()),
        ("position", sa.Integer()), ("active", sa.Boolean())))
    connection.execute(kind.insert(), [
        {"id": _reference_id("pathway_kind", code), "code": code, "label": label,
         "position": position, "active": True, **stamp}
        for position, (code, label) in enumerate(KINDS)
    ])
    segments, offers = [], []
    for position, (code, label, segment_offers) in enumerate(SEGMENTS):
        segment_id = _reference_id("offer_segment", code)
        segments.append({"id": segment_id, "code": code, "label": label,
                         "position": position, **stamp})
        offers.extend(
            {"id": _reference_id("rebound_offer", code, index), "segment_id": segment_id,
             "label": offer_label, "description": description, "position": index,
             "active": True, **stamp}
            for index, (offer_label, description) in enumerate(segment_offers)
        )
    connection.execute(segment.insert(), segments)
    connection.execute(offer.insert(), offers)


def _entity_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    ]


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def upgrade() -> None:
    op.create_table(
        "pathway_kind",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_entity_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway_kind")),
        sa.UniqueConstraint("code", name=op.f("uq_pathway_kind_code")),
    )
    op.create_table(
        "offer_segment",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        *_entity_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_segment")),
        sa.UniqueConstraint("code", name=op.f("uq_offer_segment_code")),
    )
    op.create_table(
        "rebound_offer",
        sa.Column("segment_id", sa.Uuid(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_entity_columns(),
        sa.ForeignKeyConstraint(["segment_id"], ["offer_segment.id"],
                                name=op.f("fk_rebound_offer_segment_id_offer_segment")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rebound_offer")),
    )
    with op.batch_alter_table("rebound_offer", schema=None) as batch_op:
        batch_op.create_index("ix_rebound_offer_segment_id", ["segment_id"], unique=False)

    op.create_table(
        "pathway_import",
        sa.Column("kind_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("new_entries", sa.Integer(), nullable=False),
        sa.Column("already_known", sa.Integer(), nullable=False),
        sa.Column("people_created", sa.Integer(), nullable=False),
        sa.Column("people_updated", sa.Integer(), nullable=False),
        sa.Column("imported_by_id", sa.Uuid(), nullable=True),
        *_entity_columns(),
        sa.ForeignKeyConstraint(["imported_by_id"], ["staff.id"],
                                name=op.f("fk_pathway_import_imported_by_id_staff")),
        sa.ForeignKeyConstraint(["kind_id"], ["pathway_kind.id"],
                                name=op.f("fk_pathway_import_kind_id_pathway_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway_import")),
    )
    with op.batch_alter_table("pathway_import", schema=None) as batch_op:
        batch_op.create_index("ix_pathway_import_kind_month", ["kind_id", "month"], unique=False)

    op.create_table(
        "pathway_entry",
        sa.Column("kind_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("import_id", sa.Uuid(), nullable=True),
        sa.Column("entry_date", sa.Date(), nullable=True),
        sa.Column("status", _enum("pathway_status", "to_contact", "attempt_1", "attempt_2",
                                  "attempt_3", "booked", "declined", "unreachable",
                                  "not_concerned", "done"), nullable=False),
        sa.Column("outcome", _enum("pathway_outcome", "booked", "declined", "unreachable",
                                   "not_concerned"), nullable=True),
        sa.Column("assigned_to_id", sa.Uuid(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reached_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("appointment_id", sa.Uuid(), nullable=True),
        *_entity_columns(),
        sa.ForeignKeyConstraint(["assigned_to_id"], ["staff.id"],
                                name=op.f("fk_pathway_entry_assigned_to_id_staff")),
        sa.ForeignKeyConstraint(["import_id"], ["pathway_import.id"],
                                name=op.f("fk_pathway_entry_import_id_pathway_import")),
        sa.ForeignKeyConstraint(["kind_id"], ["pathway_kind.id"],
                                name=op.f("fk_pathway_entry_kind_id_pathway_kind")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name=op.f("fk_pathway_entry_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway_entry")),
        sa.UniqueConstraint("kind_id", "month", "person_id", name="uq_pathway_entry_cohort"),
    )
    with op.batch_alter_table("pathway_entry", schema=None) as batch_op:
        batch_op.create_index("ix_pathway_entry_assigned_to_id", ["assigned_to_id"],
                              unique=False)
        batch_op.create_index("ix_pathway_entry_person_id", ["person_id"], unique=False)
        batch_op.create_index("ix_pathway_entry_worklist", ["kind_id", "month", "status"],
                              unique=False)

    op.create_table(
        "pathway_attempt",
        sa.Column("entry_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_id", sa.Uuid(), nullable=True),
        sa.Column("result", _enum("attempt_result", "reached", "no_answer", "voicemail",
                                  "wrong_number"), nullable=False),
        *_entity_columns(),
        sa.ForeignKeyConstraint(["by_id"], ["staff.id"],
                                name=op.f("fk_pathway_attempt_by_id_staff")),
        sa.ForeignKeyConstraint(["entry_id"], ["pathway_entry.id"],
                                name=op.f("fk_pathway_attempt_entry_id_pathway_entry")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway_attempt")),
        sa.UniqueConstraint("entry_id", "number", name="uq_pathway_attempt_number"),
    )
    op.create_table(
        "person_offer",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("offer_id", sa.Uuid(), nullable=False),
        sa.Column("entry_id", sa.Uuid(), nullable=True),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("made_by_id", sa.Uuid(), nullable=True),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        *_entity_columns(),
        sa.ForeignKeyConstraint(["entry_id"], ["pathway_entry.id"],
                                name=op.f("fk_person_offer_entry_id_pathway_entry")),
        sa.ForeignKeyConstraint(["made_by_id"], ["staff.id"],
                                name=op.f("fk_person_offer_made_by_id_staff")),
        sa.ForeignKeyConstraint(["offer_id"], ["rebound_offer.id"],
                                name=op.f("fk_person_offer_offer_id_rebound_offer")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name=op.f("fk_person_offer_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_offer")),
        sa.UniqueConstraint("entry_id", "offer_id", name="uq_person_offer_entry_offer"),
    )
    with op.batch_alter_table("person_offer", schema=None) as batch_op:
        batch_op.create_index("ix_person_offer_person_id", ["person_id"], unique=False)

    seed(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("person_offer", schema=None) as batch_op:
        batch_op.drop_index("ix_person_offer_person_id")
    op.drop_table("person_offer")
    op.drop_table("pathway_attempt")
    with op.batch_alter_table("pathway_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_pathway_entry_worklist")
        batch_op.drop_index("ix_pathway_entry_person_id")
        batch_op.drop_index("ix_pathway_entry_assigned_to_id")
    op.drop_table("pathway_entry")
    with op.batch_alter_table("pathway_import", schema=None) as batch_op:
        batch_op.drop_index("ix_pathway_import_kind_month")
    op.drop_table("pathway_import")
    with op.batch_alter_table("rebound_offer", schema=None) as batch_op:
        batch_op.drop_index("ix_rebound_offer_segment_id")
    op.drop_table("rebound_offer")
    op.drop_table("offer_segment")
    op.drop_table("pathway_kind")
