"""The preparations' demo data: every outcome, consistent with the appointments."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from db.agenda.models import Appointment, AppointmentKind, AppointmentStatus
from db.demo import generate as demo_generate
from db.org import accounts
from db.org.models import Staff
from db.preparation import rates as preparation_rates
from db.preparation.models import (
    PreparationAttempt,
    PreparationOutcome,
    PreparationStatus,
    PreparationTask,
)
from db.roles import Role
from db.unit import Unit

TODAY = date(2026, 3, 16)


def test_demo_preparations_have_every_outcome_and_follow_the_appointments(store):
    summary = demo_generate.generate(store, seed=4, today=TODAY, people_count=1_500)
    with store.session() as session:
        outcomes = set(session.scalars(select(PreparationTask.outcome).distinct()))
        statuses = set(session.scalars(select(PreparationTask.status).distinct()))
        physical = session.scalar(select(func.count()).select_from(Appointment).where(
            Appointment.kind == AppointmentKind.PHYSICAL,
            Appointment.status != AppointmentStatus.RESCHEDULED))
        tasks = session.scalar(select(func.count()).select_from(PreparationTask))
        # Conclusive preparations are exactly the visits resolved at preparation.
        mismatched = session.scalar(
            select(func.count()).select_from(PreparationTask)
            .join(Appointment, Appointment.id == PreparationTask.appointment_id)
            .where((PreparationTask.outcome == PreparationOutcome.CONCLUSIVE)
                   != (Appointment.status == AppointmentStatus.RESOLVED_AT_PREPARATION)))
        unreachable_calls = set(session.scalars(
            select(PreparationTask.attempts)
            .where(PreparationTask.outcome == PreparationOutcome.UNREACHABLE)))
        reached = session.scalar(select(func.count()).select_from(PreparationAttempt)
                                 .where(PreparationAttempt.reached))
        manager = accounts.load_actor(session, session.scalars(
            select(Staff.login).where(Staff.role == Role.MANAGER)).first())
        rates = preparation_rates.conclusive_rates(Unit(session, manager), date(2025, 3, 1), TODAY)
    assert outcomes == {None, *PreparationOutcome}
    assert statuses == set(PreparationStatus)
    assert tasks == physical and mismatched == 0
    assert unreachable_calls == {3} and reached > 0
    assert summary.counts["preparations"] == tasks
    assert any("préparations de rendez-vous physiques" in line for line in summary.lines)
    assert rates and 0 < sum(r.conclusive for r in rates) < sum(r.prepared for r in rates)
