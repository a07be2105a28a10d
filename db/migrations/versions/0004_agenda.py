"""agenda: opening hours, motives, availability, appointments, workshops, call-backs

Revision ID: 0004_agenda
Revises: 0003_pathways
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_agenda"
down_revision = "0003_pathways"
branch_labels = None
depends_on = None

# No adviser booked twice at the same time: booked individual appointments of one adviser
# never overlap (workshop registrations share their session's time on purpose).
_LIVE = "status = 'booked' AND deleted_at IS NULL AND workshop_session_id IS NULL"

POSTGRESQL_EXTRAS = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"""ALTER TABLE appointment ADD CONSTRAINT ex_appointment_adviser_overlap
        EXCLUDE USING gist (adviser_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
        WHERE ({_LIVE})""",
]

# SQLite serialises writers, so a trigger that looks before writing is enough. The lower
# bound lets it use ix_appointment_adviser_start: an appointment lasts less than a day.
_SQLITE_NEW_LIVE = (
    "NEW.status = 'booked' AND NEW.deleted_at IS NULL AND NEW.workshop_session_id IS NULL"
)
_SQLITE_OVERLAP = """
    SELECT RAISE(ABORT, 'ex_appointment_adviser_overlap') WHERE EXISTS (
        SELECT 1 FROM appointment AS other
        WHERE other.adviser_id = NEW.adviser_id AND other.id <> NEW.id
          AND other.status = 'booked' AND other.deleted_at IS NULL
          AND other.workshop_session_id IS NULL
          AND other.starts_at > datetime(NEW.starts_at, '-1 day')
          AND other.starts_at < NEW.ends_at AND other.ends_at > NEW.starts_at);"""

SQLITE_EXTRAS = [
    f"""CREATE TRIGGER appointment_no_overlap_insert BEFORE INSERT ON appointment
        WHEN {_SQLITE_NEW_LIVE} BEGIN {_SQLITE_OVERLAP} END""",
    f"""CREATE TRIGGER appointment_no_overlap_update
        BEFORE UPDATE OF adviser_id, starts_at, ends_at, status, deleted_at,
            workshop_session_id ON appointment
        WHEN {_SQLITE_NEW_LIVE} BEGIN {_SQLITE_OVERLAP} END""",
]


def upgrade() -> None:
    op.create_table(
        "motive",
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("default_minutes", sa.Integer(), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("active_from", sa.Date(), nullable=True),
        sa.Column("active_to", sa.Date(), nullable=True),
        sa.Column("min_notice_hours", sa.Integer(), nullable=False),
        sa.Column("max_horizon_days", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("default_minutes > 0", name=op.f("ck_motive_duration")),
        sa.CheckConstraint(
            "min_notice_hours >= 0 AND max_horizon_days > 0", name=op.f("ck_motive_window")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_motive")),
        sa.UniqueConstraint("code", name=op.f("uq_motive_code")),
    )
    op.create_table(
        "closed_day",
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_closed_day_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closed_day")),
    )
    with op.batch_alter_table("closed_day", schema=None) as batch_op:
        batch_op.create_index("ix_closed_day_site_day", ["site_id", "day"], unique=False)

    op.create_table(
        "opening_hours",
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("opens", sa.Time(), nullable=False),
        sa.Column("closes", sa.Time(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("opens < closes", name=op.f("ck_opening_hours_interval")),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_opening_hours_weekday")),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_opening_hours_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opening_hours")),
    )
    with op.batch_alter_table("opening_hours", schema=None) as batch_op:
        batch_op.create_index("ix_opening_hours_site", ["site_id", "weekday"], unique=False)

    op.create_table(
        "absence",
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("starts_at < ends_at", name=op.f("ck_absence_interval")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_absence_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absence")),
    )
    with op.batch_alter_table("absence", schema=None) as batch_op:
        batch_op.create_index("ix_absence_staff_start", ["staff_id", "starts_at"], unique=False)

    op.create_table(
        "availability",
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "phone",
                "physical",
                "video",
                "workshop",
                name="appointment_kind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("ends", sa.Time(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("starts < ends", name=op.f("ck_availability_interval")),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_availability_weekday")),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_availability_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_availability_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_availability")),
    )
    with op.batch_alter_table("availability", schema=None) as batch_op:
        batch_op.create_index("ix_availability_site_kind", ["site_id", "kind"], unique=False)
        batch_op.create_index("ix_availability_staff", ["staff_id"], unique=False)

    op.create_table(
        "workshop_session",
        sa.Column("motive_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("host_id", sa.Uuid(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("seats_taken", sa.Integer(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "seats_taken >= 0 AND seats_taken <= capacity",
            name=op.f("ck_workshop_session_capacity"),
        ),
        sa.CheckConstraint("starts_at < ends_at", name=op.f("ck_workshop_session_interval")),
        sa.ForeignKeyConstraint(
            ["host_id"], ["staff.id"], name=op.f("fk_workshop_session_host_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["motive_id"], ["motive.id"], name=op.f("fk_workshop_session_motive_id_motive")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_workshop_session_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_session")),
    )
    with op.batch_alter_table("workshop_session", schema=None) as batch_op:
        batch_op.create_index(
            "ix_workshop_session_host_start", ["host_id", "starts_at"], unique=False
        )
        batch_op.create_index(
            "ix_workshop_session_site_start", ["site_id", "starts_at"], unique=False
        )

    op.create_table(
        "appointment",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("adviser_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("motive_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "phone",
                "physical",
                "video",
                "workshop",
                name="appointment_kind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "ameli_account",
                "phone_3646",
                "reception",
                "france_services",
                "other_department",
                "pathway",
                "callback",
                name="appointment_channel",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "booked",
                "honoured",
                "no_show",
                "cancelled",
                "rescheduled",
                "resolved_at_preparation",
                name="appointment_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("booked_by_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column(
            "cancelled_by",
            sa.Enum("person", "service", name="cancelled_by", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column("cancel_reason", sa.String(length=300), nullable=False),
        sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rescheduled_from_id", sa.Uuid(), nullable=True),
        sa.Column("workshop_session_id", sa.Uuid(), nullable=True),
        sa.Column("ical_uid", sa.String(length=80), nullable=False),
        sa.Column("ical_sequence", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(kind = 'workshop') = (workshop_session_id IS NOT NULL)",
            name=op.f("ck_appointment_workshop_session"),
        ),
        sa.CheckConstraint(
            "status <> 'cancelled' OR (cancelled_by IS NOT NULL AND cancel_reason <> '')",
            name=op.f("ck_appointment_cancel_reason"),
        ),
        sa.CheckConstraint("starts_at < ends_at", name=op.f("ck_appointment_interval")),
        sa.ForeignKeyConstraint(
            ["adviser_id"], ["staff.id"], name=op.f("fk_appointment_adviser_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["booked_by_id"], ["staff.id"], name=op.f("fk_appointment_booked_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["motive_id"], ["motive.id"], name=op.f("fk_appointment_motive_id_motive")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_appointment_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["rescheduled_from_id"],
            ["appointment.id"],
            name=op.f("fk_appointment_rescheduled_from_id_appointment"),
        ),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_appointment_site_id_site")),
        sa.ForeignKeyConstraint(
            ["workshop_session_id"],
            ["workshop_session.id"],
            name=op.f("fk_appointment_workshop_session_id_workshop_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment")),
    )
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_appointment_adviser_start", ["adviser_id", "starts_at"], unique=False
        )
        batch_op.create_index("ix_appointment_ical_uid", ["ical_uid"], unique=False)
        batch_op.create_index("ix_appointment_person", ["person_id"], unique=False)
        batch_op.create_index(
            "ix_appointment_rescheduled_from", ["rescheduled_from_id"], unique=False
        )
        batch_op.create_index("ix_appointment_session", ["workshop_session_id"], unique=False)
        batch_op.create_index("ix_appointment_site_start", ["site_id", "starts_at"], unique=False)
        batch_op.create_index("ix_appointment_status_start", ["status", "starts_at"], unique=False)

    op.create_table(
        "callback_request",
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("taken_by_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_phone", sa.String(length=20), nullable=True),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("motive_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "settled",
                "unreachable",
                "appointment",
                "withdrawn",
                name="callback_outcome",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handled_by_id", sa.Uuid(), nullable=True),
        sa.Column("appointment_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "person_id IS NOT NULL OR contact_phone IS NOT NULL",
            name=op.f("ck_callback_request_reachable"),
        ),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointment.id"],
            name=op.f("fk_callback_request_appointment_id_appointment"),
        ),
        sa.ForeignKeyConstraint(
            ["handled_by_id"], ["staff.id"], name=op.f("fk_callback_request_handled_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["motive_id"], ["motive.id"], name=op.f("fk_callback_request_motive_id_motive")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_callback_request_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_callback_request_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["taken_by_id"], ["staff.id"], name=op.f("fk_callback_request_taken_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_request")),
    )
    with op.batch_alter_table("callback_request", schema=None) as batch_op:
        batch_op.create_index("ix_callback_request_open", ["outcome", "due_at"], unique=False)
        batch_op.create_index("ix_callback_request_site_due", ["site_id", "due_at"], unique=False)

    op.create_table(
        "waiting_list_entry",
        sa.Column("workshop_session_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "ameli_account",
                "phone_3646",
                "reception",
                "france_services",
                "other_department",
                "pathway",
                "callback",
                name="appointment_channel",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("appointment_id", sa.Uuid(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointment.id"],
            name=op.f("fk_waiting_list_entry_appointment_id_appointment"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_waiting_list_entry_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["workshop_session_id"],
            ["workshop_session.id"],
            name=op.f("fk_waiting_list_entry_workshop_session_id_workshop_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waiting_list_entry")),
    )
    with op.batch_alter_table("waiting_list_entry", schema=None) as batch_op:
        batch_op.create_index(
            "ix_waiting_list_entry_session", ["workshop_session_id", "requested_at"], unique=False
        )

    extras = SQLITE_EXTRAS if op.get_bind().dialect.name == "sqlite" else POSTGRESQL_EXTRAS
    for statement in extras:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS appointment_no_overlap_insert")
        op.execute("DROP TRIGGER IF EXISTS appointment_no_overlap_update")
    else:
        op.execute(
            "ALTER TABLE appointment DROP CONSTRAINT IF EXISTS ex_appointment_adviser_overlap"
        )
    with op.batch_alter_table("waiting_list_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_waiting_list_entry_session")

    op.drop_table("waiting_list_entry")
    with op.batch_alter_table("callback_request", schema=None) as batch_op:
        batch_op.drop_index("ix_callback_request_site_due")
        batch_op.drop_index("ix_callback_request_open")

    op.drop_table("callback_request")
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.drop_index("ix_appointment_status_start")
        batch_op.drop_index("ix_appointment_site_start")
        batch_op.drop_index("ix_appointment_session")
        batch_op.drop_index("ix_appointment_rescheduled_from")
        batch_op.drop_index("ix_appointment_person")
        batch_op.drop_index("ix_appointment_ical_uid")
        batch_op.drop_index("ix_appointment_adviser_start")

    op.drop_table("appointment")
    with op.batch_alter_table("workshop_session", schema=None) as batch_op:
        batch_op.drop_index("ix_workshop_session_site_start")
        batch_op.drop_index("ix_workshop_session_host_start")

    op.drop_table("workshop_session")
    with op.batch_alter_table("availability", schema=None) as batch_op:
        batch_op.drop_index("ix_availability_staff")
        batch_op.drop_index("ix_availability_site_kind")

    op.drop_table("availability")
    with op.batch_alter_table("absence", schema=None) as batch_op:
        batch_op.drop_index("ix_absence_staff_start")

    op.drop_table("absence")
    with op.batch_alter_table("opening_hours", schema=None) as batch_op:
        batch_op.drop_index("ix_opening_hours_site")

    op.drop_table("opening_hours")
    with op.batch_alter_table("closed_day", schema=None) as batch_op:
        batch_op.drop_index("ix_closed_day_site_day")

    op.drop_table("closed_day")
    op.drop_table("motive")
