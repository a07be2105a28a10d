"""registration rules: one live workshop place per person and session, contact details to
check on pathway entries, the CRA delay's end on cases, entries following moved appointments

Revision ID: 0010_registration_rules
Revises: 0009_accounts

- ``pathway_entry.contacts_to_check``: the extract gave a phone or an e-mail that is not
  valid; the line was imported without it and shows « coordonnées à vérifier ».
- ``pathway_entry.appointment_id`` now follows an appointment that was moved (a handler of
  the agenda's « déplacé »); entries booked before are pointed at the last appointment of
  their chain of moves here.
- ``uq_appointment_workshop_seat`` and ``uq_waiting_list_entry_person``: one live seat and
  one place on the waiting list per person and workshop session (partial unique indexes),
  so that two advisers registering the same person at once cannot both succeed.
- ``mediation_case.cra_due_on``: the last day to seize the CRA, derived like the other
  deadline columns (None while the mediation suspends the delay), so that the case list
  shows a delay running out among the late cases.
"""

from datetime import UTC, datetime
from types import SimpleNamespace

import sqlalchemy as sa
from alembic import op

from db.base import UTCDateTime

revision = "0010_registration_rules"
down_revision = "0009_accounts"
branch_labels = None
depends_on = None


def _follow_moved_appointments() -> None:
    """Each entry's appointment becomes the last of its chain of moves (chains are short:
    one step per pass)."""
    step = sa.text("""UPDATE pathway_entry SET version = version + 1,
            appointment_id = (SELECT moved.id FROM appointment AS moved
                              WHERE moved.rescheduled_from_id = pathway_entry.appointment_id)
        WHERE EXISTS (SELECT 1 FROM appointment AS moved
                      WHERE moved.rescheduled_from_id = pathway_entry.appointment_id)""")
    bind = op.get_bind()
    while bind.execute(step).rowcount:
        pass


def _fill_cra_due_on() -> None:
    # The rule itself, as the services apply it.
    from db.mediation.deadlines import cra_delay
    from db.mediation.models import CaseOutcome, CaseStatus

    bind = op.get_bind()
    cases = sa.table("mediation_case", sa.column("id", sa.Uuid()), sa.column("status"),
                     sa.column("outcome"), *(sa.column(name, sa.Date()) for name in (
                         "decision_notified_on", "admitted_on", "recommendation_on",
                         "closed_on", "handled_on", "cra_due_on")))
    rows = bind.execute(sa.select(cases).where(
        cases.c.decision_notified_on.is_not(None))).mappings().all()
    for row in rows:
        case = SimpleNamespace(**row)
        case.status = CaseStatus(case.status)
        case.outcome = CaseOutcome(case.outcome) if case.outcome else None
        cra = cra_delay(case)
        if cra is not None and cra.deadline is not None:
            bind.execute(cases.update().where(cases.c.id == row["id"])
                         .values(cra_due_on=cra.deadline))


# As in db.agenda.models (copied: a migration does not change when the models do).
_LIVE_WORKSHOP_SEAT = ("workshop_session_id IS NOT NULL AND deleted_at IS NULL "
                       "AND status IN ('booked', 'honoured', 'no_show')")
_STILL_WAITING = "appointment_id IS NULL AND withdrawn_at IS NULL AND deleted_at IS NULL"


def _registered_twice() -> None:
    """What the races left before the indexes existed: the later seats of a person in a
    session are cancelled by the service (their seats given back), the later places on a
    waiting list withdrawn, and a place of someone who holds a seat withdrawn too — the
    earliest registration is the one kept."""
    bind = op.get_bind()
    now = datetime.now(UTC)

    def write(statement: str, **values) -> None:
        bind.execute(sa.text(statement).bindparams(sa.bindparam("now", type_=UTCDateTime())),
                     {"now": now, **values})

    seats = bind.execute(sa.text(
        f"SELECT id, workshop_session_id, person_id FROM appointment WHERE {_LIVE_WORKSHOP_SEAT}"
        " ORDER BY workshop_session_id, person_id, created_at, id")).all()
    seen: set[tuple] = set()
    for appointment_id, session_id, person_id in seats:
        if (session_id, person_id) not in seen:
            seen.add((session_id, person_id))
            continue
        write("UPDATE appointment SET status = 'cancelled', cancelled_by = 'service', "
              "cancel_reason = :reason, version = version + 1, updated_at = :now "
              "WHERE id = :id", reason="Inscription en double à la même session",
              id=appointment_id)
        write("UPDATE workshop_session SET seats_taken = seats_taken - 1, "
              "version = version + 1, updated_at = :now WHERE id = :id AND seats_taken > 0",
              id=session_id)
    places = bind.execute(sa.text(
        f"SELECT id, workshop_session_id, person_id FROM waiting_list_entry WHERE "
        f"{_STILL_WAITING} ORDER BY workshop_session_id, person_id, requested_at, created_at, id"
    )).all()
    for entry_id, session_id, person_id in places:
        if (session_id, person_id) not in seen:
            seen.add((session_id, person_id))
            continue
        write("UPDATE waiting_list_entry SET withdrawn_at = :now, version = version + 1, "
              "updated_at = :now WHERE id = :id", id=entry_id)


def _one_registration_per_person() -> None:
    _registered_twice()
    for name, table, condition in (
            ("uq_appointment_workshop_seat", "appointment", _LIVE_WORKSHOP_SEAT),
            ("uq_waiting_list_entry_person", "waiting_list_entry", _STILL_WAITING)):
        op.create_index(name, table, ["workshop_session_id", "person_id"], unique=True,
                        sqlite_where=sa.text(condition), postgresql_where=sa.text(condition))


def upgrade() -> None:
    op.add_column("pathway_entry", sa.Column("contacts_to_check", sa.Boolean(),
                                             server_default=sa.false(), nullable=False))
    op.add_column("mediation_case", sa.Column("cra_due_on", sa.Date(), nullable=True))
    op.create_index("ix_mediation_case_cra_due_on", "mediation_case", ["cra_due_on"])
    _follow_moved_appointments()
    _fill_cra_due_on()
    _one_registration_per_person()


def downgrade() -> None:
    op.drop_index("uq_waiting_list_entry_person", "waiting_list_entry")
    op.drop_index("uq_appointment_workshop_seat", "appointment")
    op.drop_index("ix_mediation_case_cra_due_on", "mediation_case")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE mediation_case DROP COLUMN cra_due_on")
        op.execute("ALTER TABLE pathway_entry DROP COLUMN contacts_to_check")
        return
    op.drop_column("mediation_case", "cra_due_on")
    op.drop_column("pathway_entry", "contacts_to_check")
