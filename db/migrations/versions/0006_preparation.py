"""preparation: settings, a task per physical appointment, its call attempts

Revision ID: 0006_preparation
Revises: 0005_pathway_booking
"""

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op
from sqlalchemy.sql import column, table

from db.workdays import WorkingCalendar

revision = "0006_preparation"
down_revision = "0005_pathway_booking"
branch_labels = None
depends_on = None

LEAD_WORKING_DAYS, MAX_ATTEMPTS = 2, 3


def _conventional() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    ]


def _conventional_columns() -> list:
    """The same columns, typed, for the rows the migration writes itself."""
    return [column("id", sa.Uuid()), column("created_at", sa.DateTime()),
            column("updated_at", sa.DateTime()), column("version", sa.Integer()),
            column("deleted_at", sa.DateTime())]


def upgrade() -> None:
    op.create_table(
        "preparation_settings",
        sa.Column("lead_working_days", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        *_conventional(),
        sa.CheckConstraint("lead_working_days BETWEEN 1 AND 10",
                           name=op.f("ck_preparation_settings_lead_working_days")),
        sa.CheckConstraint("max_attempts BETWEEN 1 AND 5",
                           name=op.f("ck_preparation_settings_max_attempts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preparation_settings")),
    )
    op.create_table(
        "preparation_task",
        sa.Column("appointment_id", sa.Uuid(), nullable=False),
        sa.Column("appointment_day", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.Enum("open", "done", "cancelled", name="preparation_status",
                                    native_enum=False, length=32), nullable=False),
        sa.Column("outcome", sa.Enum("conclusive", "maintained", "unreachable",
                                     name="preparation_outcome", native_enum=False,
                                     length=32), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("prepared_by_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        *_conventional(),
        sa.CheckConstraint("(status = 'done') = (outcome IS NOT NULL)",
                           name=op.f("ck_preparation_task_outcome")),
        sa.ForeignKeyConstraint(["appointment_id"], ["appointment.id"],
                                name=op.f("fk_preparation_task_appointment_id_appointment")),
        sa.ForeignKeyConstraint(["prepared_by_id"], ["staff.id"],
                                name=op.f("fk_preparation_task_prepared_by_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preparation_task")),
    )
    op.create_index("ix_preparation_task_appointment", "preparation_task", ["appointment_id"])
    op.create_index("ix_preparation_task_status_due", "preparation_task", ["status", "due_on"])
    op.create_index("ix_preparation_task_day", "preparation_task", ["appointment_day"])
    op.create_table(
        "preparation_attempt",
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_id", sa.Uuid(), nullable=True),
        sa.Column("reached", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        *_conventional(),
        sa.ForeignKeyConstraint(["task_id"], ["preparation_task.id"],
                                name=op.f("fk_preparation_attempt_task_id_preparation_task")),
        sa.ForeignKeyConstraint(["by_id"], ["staff.id"],
                                name=op.f("fk_preparation_attempt_by_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preparation_attempt")),
    )
    op.create_index("ix_preparation_attempt_task", "preparation_attempt",
                    ["task_id", "attempted_at"])
    _seed()


def _seed() -> None:
    """The default delays, and a task for every physical appointment still to come (booked
    before preparations existed), due as the service would have made it."""
    now = datetime.now(UTC)
    bind = op.get_bind()
    stored_now = now.replace(tzinfo=None) if bind.dialect.name == "sqlite" else now

    def conventional() -> dict:
        return {"id": uuid.uuid4(), "created_at": stored_now, "updated_at": stored_now,
                "version": 1, "deleted_at": None}

    settings = table("preparation_settings", column("lead_working_days"),
                     column("max_attempts"), *_conventional_columns())
    op.bulk_insert(settings, [conventional() | {"lead_working_days": LEAD_WORKING_DAYS,
                                                "max_attempts": MAX_ATTEMPTS}])
    appointment = table("appointment", column("id", sa.Uuid()), column("site_id", sa.Uuid()),
                        column("kind"), column("status"), column("deleted_at"),
                        column("starts_at", sa.DateTime(timezone=True)))
    site = table("site", column("id", sa.Uuid()), column("time_zone"), column("department"))
    coming = bind.execute(
        sa.select(appointment.c.id, appointment.c.starts_at, site.c.time_zone,
                  site.c.department)
        .join_from(appointment, site, site.c.id == appointment.c.site_id)
        .where(appointment.c.kind == "physical", appointment.c.status == "booked",
               appointment.c.deleted_at.is_(None), appointment.c.starts_at > stored_now)
    ).all()
    tasks = table("preparation_task", column("appointment_id", sa.Uuid()),
                  column("appointment_day", sa.Date()), column("due_on", sa.Date()),
                  column("status"), column("outcome"), column("attempts"),
                  column("outcome_at", sa.DateTime()), column("prepared_by_id", sa.Uuid()),
                  column("note"), *_conventional_columns())
    rows = []
    for appointment_id, starts_at, time_zone, department in coming:
        if starts_at.tzinfo is None:  # SQLite keeps UTC without its zone
            starts_at = starts_at.replace(tzinfo=UTC)
        day = starts_at.astimezone(ZoneInfo(time_zone)).date()
        rows.append(conventional() | {
            "appointment_id": appointment_id, "appointment_day": day,
            "due_on": WorkingCalendar(department).add_working_days(day, -LEAD_WORKING_DAYS),
            "status": "open", "outcome": None, "attempts": 0, "outcome_at": None,
            "prepared_by_id": None, "note": ""})
    if rows:
        op.bulk_insert(tasks, rows)


def downgrade() -> None:
    op.drop_index("ix_preparation_attempt_task", table_name="preparation_attempt")
    op.drop_table("preparation_attempt")
    op.drop_index("ix_preparation_task_day", table_name="preparation_task")
    op.drop_index("ix_preparation_task_status_due", table_name="preparation_task")
    op.drop_index("ix_preparation_task_appointment", table_name="preparation_task")
    op.drop_table("preparation_task")
    op.drop_table("preparation_settings")
