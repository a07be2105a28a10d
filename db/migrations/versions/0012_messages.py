"""messages to people: their consent, the queue, the settings and the French templates

Revision ID: 0012_messages
Revises: 0010_registration_rules
"""

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.sql import column, table

revision = "0012_messages"
down_revision = "0010_registration_rules"
branch_labels = None
depends_on = None

# The namespace of 0003_pathways' and 0008's reference rows: seeded ids are the same in
# every database made from these migrations.
NAMESPACE = uuid.UUID("6f1c7d52-3b0e-4d7a-9a55-2f3c8e0b9a41")
KINDS = ("confirmation", "move", "cancellation", "reminder", "workshop", "promotion")
STATUSES = ("pending", "sending", "handing_over", "sent", "failed", "uncertain", "withdrawn")
CHANNELS = ("none", "email", "sms")

CANCEL_INSTRUCTIONS = ("Pour annuler ou déplacer ce rendez-vous, appelez le 36 46 (service "
                       "gratuit + prix d'un appel) ou répondez à ce message.")
SMS_COLUMNS = [["numero", "Numéro"], ["message", "Message"], ["envoi", "Date d'envoi"],
               ["reference", "Référence"]]

_SIGNATURE = "\n\n{annulation}\n\n{site} — Assurance Maladie"
EMAIL_TEMPLATES = {
    "confirmation": (
        "Votre {type} du {date} à {heure}",
        "Bonjour {civilite_nom},\n\nVotre {type} est confirmé le {date} à {heure}, {lieu}.\n"
        "Motif : {motif}.\n\n{pieces}\n\nL'invitation jointe l'ajoute à votre agenda."
        + _SIGNATURE),
    "move": (
        "Votre {type} est déplacé au {date} à {heure}",
        "Bonjour {civilite_nom},\n\nVotre {type} prévu le {ancienne_date} est déplacé au "
        "{date} à {heure}, {lieu}.\nMotif : {motif}.\n\n{pieces}\n\nL'invitation jointe met "
        "votre agenda à jour." + _SIGNATURE),
    "cancellation": (
        "Annulation de votre {type} du {date}",
        "Bonjour {civilite_nom},\n\nVotre {type} du {date} à {heure} est annulé {raison}.\n"
        "L'invitation jointe le retire de votre agenda.\n\nPour prendre un nouveau "
        "rendez-vous : votre compte ameli ou le 36 46.\n\n{site} — Assurance Maladie"),
    "reminder": (
        "Rappel : votre {type} du {date} à {heure}",
        "Bonjour {civilite_nom},\n\nNous vous rappelons votre {type} le {date} à {heure}, "
        "{lieu}.\nMotif : {motif}.\n\n{pieces}" + _SIGNATURE),
    "workshop": (
        "Votre inscription à l'atelier « {motif} » du {date}",
        "Bonjour {civilite_nom},\n\nVotre inscription à l'atelier « {motif} » est confirmée "
        "le {date} à {heure}, {lieu}.\n\nL'invitation jointe l'ajoute à votre agenda."
        + _SIGNATURE),
    "promotion": (
        "Une place s'est libérée : atelier « {motif} » du {date}",
        "Bonjour {civilite_nom},\n\nUne place s'est libérée à l'atelier « {motif} » : vous "
        "étiez en liste d'attente, vous êtes maintenant inscrit(e) le {date} à {heure}, "
        "{lieu}.\n\nL'invitation jointe l'ajoute à votre agenda." + _SIGNATURE),
}
SMS_TEMPLATES = {
    "confirmation": "Assurance Maladie : {type} confirmé le {date_courte} à {heure}, "
                    "{lieu_court}. Pour annuler : 36 46.",
    "move": "Assurance Maladie : votre {type} est déplacé au {date_courte} à {heure}, "
            "{lieu_court}. Pour annuler : 36 46.",
    "cancellation": "Assurance Maladie : votre {type} du {date_courte} à {heure} est annulé "
                    "{raison}. Nouveau RDV : 36 46.",
    "reminder": "Rappel Assurance Maladie : {type} le {date_courte} à {heure}, {lieu_court}. "
                "Empêché(e) ? Appelez le 36 46.",
    "workshop": "Assurance Maladie : inscription confirmée à l'atelier le {date_courte} à "
                "{heure}, {lieu_court}. Pour annuler : 36 46.",
    "promotion": "Assurance Maladie : une place s'est libérée, vous êtes inscrit(e) à "
                 "l'atelier le {date_courte} à {heure}, {lieu_court}.",
}


def reference_id(*parts: object) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts))


def _enum(name: str, values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def _conventional() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    ]


def upgrade() -> None:
    op.add_column("person", sa.Column("message_channel", _enum("message_channel", CHANNELS),
                                      nullable=False, server_default="none"))
    op.add_column("person", sa.Column("message_consent_on", sa.Date(), nullable=True))
    op.create_table(
        "message",
        sa.Column("kind", _enum("message_kind", KINDS), nullable=False),
        sa.Column("channel", _enum("message_channel", CHANNELS), nullable=False),
        sa.Column("status", _enum("message_status", STATUSES), nullable=False),
        sa.Column("appointment_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("recipient", sa.String(254), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(300), nullable=False),
        sa.Column("note", sa.String(200), nullable=False),
        sa.Column("message_id", sa.String(200), nullable=False),
        sa.Column("claimed_by", sa.String(120), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        *_conventional(),
        sa.CheckConstraint("channel <> 'none'", name=op.f("ck_message_channel")),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_message_attempts")),
        sa.ForeignKeyConstraint(["appointment_id"], ["appointment.id"],
                                name=op.f("fk_message_appointment_id_appointment")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name=op.f("fk_message_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message")),
        sa.UniqueConstraint("message_id", name=op.f("uq_message_message_id")),
    )
    op.create_index("ix_message_status_next", "message", ["status", "next_attempt_at"])
    op.create_index("ix_message_channel_due", "message", ["channel", "due_on"])
    op.create_index("ix_message_appointment", "message", ["appointment_id"])
    op.create_table(
        "message_settings",
        sa.Column("smtp_host", sa.String(200), nullable=False),
        sa.Column("smtp_port", sa.Integer(), nullable=False),
        sa.Column("smtp_security", _enum("smtp_security", ("starttls", "tls", "none")),
                  nullable=False),
        sa.Column("smtp_user", sa.String(200), nullable=False),
        sa.Column("reminder_days", sa.Integer(), nullable=False),
        sa.Column("reminder_hour", sa.Integer(), nullable=False),
        sa.Column("cancel_instructions", sa.Text(), nullable=False),
        sa.Column("sms_columns", sa.JSON(), nullable=False),
        sa.Column("sms_separator", sa.String(1), nullable=False),
        sa.Column("test_recipient", sa.String(254), nullable=False),
        *_conventional(),
        sa.CheckConstraint("smtp_port BETWEEN 1 AND 65535",
                           name=op.f("ck_message_settings_port")),
        sa.CheckConstraint("reminder_days BETWEEN 1 AND 7",
                           name=op.f("ck_message_settings_reminder_days")),
        sa.CheckConstraint("reminder_hour BETWEEN 7 AND 20",
                           name=op.f("ck_message_settings_reminder_hour")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_settings")),
    )
    op.create_table(
        "message_template",
        sa.Column("kind", _enum("message_kind", KINDS), nullable=False),
        sa.Column("channel", _enum("message_channel", CHANNELS), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        *_conventional(),
        sa.CheckConstraint("channel <> 'none'", name=op.f("ck_message_template_channel")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_template")),
    )
    op.create_index("ix_message_template_kind_channel", "message_template",
                    ["kind", "channel"], unique=True)
    _seed()


def _seed() -> None:
    bind = op.get_bind()
    now = datetime.now(UTC)
    stored_now = now.replace(tzinfo=None) if bind.dialect.name == "sqlite" else now

    def conventional(*key: object) -> dict:
        return {"id": reference_id(*key), "created_at": stored_now, "updated_at": stored_now,
                "version": 1, "deleted_at": None}

    def bookkeeping() -> list:
        return [column("id", sa.Uuid()), column("created_at", sa.DateTime()),
                column("updated_at", sa.DateTime()), column("version", sa.Integer()),
                column("deleted_at", sa.DateTime())]

    settings = table("message_settings", column("smtp_host"), column("smtp_port"),
                     column("smtp_security"), column("smtp_user"), column("reminder_days"),
                     column("reminder_hour"), column("cancel_instructions"),
                     column("sms_columns", sa.JSON()), column("sms_separator"),
                     column("test_recipient"), *bookkeeping())
    op.bulk_insert(settings, [conventional("message_settings") | {
        "smtp_host": "", "smtp_port": 587, "smtp_security": "starttls", "smtp_user": "",
        "reminder_days": 2, "reminder_hour": 9, "cancel_instructions": CANCEL_INSTRUCTIONS,
        "sms_columns": SMS_COLUMNS, "sms_separator": ";", "test_recipient": ""}])
    templates = table("message_template", column("kind"), column("channel"),
                      column("subject"), column("body"), *bookkeeping())
    rows = [conventional("message_template", kind, "email")
            | {"kind": kind, "channel": "email", "subject": subject, "body": body}
            for kind, (subject, body) in EMAIL_TEMPLATES.items()]
    rows += [conventional("message_template", kind, "sms")
             | {"kind": kind, "channel": "sms", "subject": "", "body": body}
             for kind, body in SMS_TEMPLATES.items()]
    op.bulk_insert(templates, rows)
    if op.get_bind().dialect.name == "postgresql":
        _grant_on_server()


# As migration 0009: who may do what on a server. A booking (by an adviser, a partner, a
# manager or an administrator) queues and withdraws its messages; the sending is the
# office's nightly job, run as the owner.
_BOOKING = ("guichet_adviser", "guichet_partner", "guichet_manager", "guichet_admin")
GRANTS = {
    "message": dict.fromkeys(_BOOKING, "SELECT, INSERT, UPDATE"),
    "message_settings": {"guichet_staff": "SELECT", "guichet_manager": "SELECT, UPDATE",
                         "guichet_admin": "SELECT, UPDATE"},
    "message_template": {"guichet_staff": "SELECT", "guichet_admin": "SELECT, INSERT, UPDATE"},
}


def _grant_on_server() -> None:
    for table_name, grants in GRANTS.items():
        for group, privileges in grants.items():
            op.execute(f"GRANT {privileges} ON {table_name} TO {group}")
    # A partner reads the person without the NIR, column by column: the new columns too,
    # and records how the person wants to be reminded.
    op.execute("GRANT SELECT (message_channel, message_consent_on), "
               "UPDATE (message_channel, message_consent_on) ON person TO guichet_partner")
    # A partner's messages are those of the appointments they see.
    op.execute("ALTER TABLE message ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE message FORCE ROW LEVEL SECURITY")
    scope = ("(SELECT guichet_is_system()) OR NOT (SELECT guichet_is_partner()) OR "
             "appointment_id IN (SELECT id FROM appointment)")
    op.execute(f"CREATE POLICY guichet_scope ON message USING ({scope}) WITH CHECK ({scope})")


def downgrade() -> None:
    op.drop_index("ix_message_template_kind_channel", table_name="message_template")
    op.drop_table("message_template")
    op.drop_table("message_settings")
    op.drop_index("ix_message_appointment", table_name="message")
    op.drop_index("ix_message_channel_due", table_name="message")
    op.drop_index("ix_message_status_next", table_name="message")
    op.drop_table("message")
    # Plain ALTER TABLE … DROP COLUMN on both engines: rebuilding person (batch mode) would
    # fail while appointments and cases reference it.
    op.drop_column("person", "message_consent_on")
    op.drop_column("person", "message_channel")
