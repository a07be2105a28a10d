"""Demo data of the preparations: a task for every physical appointment of the agenda step,
with its calls, in every outcome.

Past visits were prepared (maintained or unreachable, or left unprepared now and then); those
the agenda step marked « réglé lors de la préparation » are the conclusive ones (3 %, as in
the field). Visits to come are open tasks, a few already called once without answer, some
already maintained; cancelled visits have a called-off task.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select

from db.agenda.models import Appointment, AppointmentKind, AppointmentStatus
from db.preparation.models import (
    PreparationAttempt,
    PreparationOutcome,
    PreparationStatus,
    PreparationTask,
)
from db.workdays import WorkingCalendar

if TYPE_CHECKING:
    from db.demo.context import DemoContext

LEAD_WORKING_DAYS, MAX_ATTEMPTS = 2, 3  # the defaults the migration seeds
PAST_OUTCOMES = [(PreparationOutcome.MAINTAINED, 80), (PreparationOutcome.UNREACHABLE, 12),
                 (None, 8)]  # None: never prepared
NOTES = {
    PreparationOutcome.CONCLUSIVE: ["Pièce manquante reçue par e-mail, dossier complet.",
                                    "Réponse donnée au téléphone, démarche faite en ligne."],
    PreparationOutcome.MAINTAINED: ["Pièces rappelées.", "Vient avec un proche.", ""],
}


def _pick(rng: random.Random, weighted: list[tuple]) -> object:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _rows(context: DemoContext, rng: random.Random, attempts: list[dict]) -> Iterator[dict]:
    from db.demo.context import DEPARTMENT, TIME_ZONE

    zone, calendar = ZoneInfo(TIME_ZONE), WorkingCalendar(DEPARTMENT)
    now = context.midnight
    statement = (select(Appointment.id, Appointment.starts_at, Appointment.status,
                        Appointment.adviser_id, Appointment.created_at)
                 .where(Appointment.kind == AppointmentKind.PHYSICAL,
                        Appointment.status != AppointmentStatus.RESCHEDULED)
                 .order_by(Appointment.starts_at, Appointment.id))
    for appointment_id, starts_at, status, adviser_id, booked_at in \
            context.session.execute(statement):
        day = starts_at.astimezone(zone).date()
        due_on = calendar.add_working_days(day, -LEAD_WORKING_DAYS)
        due_at = datetime.combine(due_on, datetime.min.time(), zone) + timedelta(hours=10)
        if status is AppointmentStatus.RESOLVED_AT_PREPARATION:
            outcome = PreparationOutcome.CONCLUSIVE
        elif status is AppointmentStatus.CANCELLED:
            outcome = None
        elif starts_at < now:
            outcome = _pick(rng, PAST_OUTCOMES)
        else:  # to come: maintained when already called, open otherwise
            outcome = PreparationOutcome.MAINTAINED if due_at < now and rng.random() < 0.5 \
                else None
        calls = {PreparationOutcome.CONCLUSIVE: rng.randint(1, 2),
                 PreparationOutcome.MAINTAINED: rng.randint(1, 2),
                 PreparationOutcome.UNREACHABLE: MAX_ATTEMPTS}.get(outcome, 0)
        if outcome is None and status is AppointmentStatus.BOOKED and due_at < now \
                and starts_at > now and rng.random() < 0.3:
            calls = 1  # called once, no answer yet: to call again
        first_call = max(min(due_at - timedelta(days=1), now - timedelta(hours=1)), booked_at)
        task_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        for number in range(calls):
            attempted_at = first_call + timedelta(hours=3 * number)
            reached = outcome in (PreparationOutcome.CONCLUSIVE,
                                  PreparationOutcome.MAINTAINED) and number == calls - 1
            attempts.append(context.entity_columns(rng) | {
                "created_at": attempted_at, "updated_at": attempted_at, "task_id": task_id,
                "attempted_at": attempted_at, "by_id": adviser_id, "reached": reached,
                "note": "" if reached else rng.choice(["Messagerie", "Pas de réponse", ""])})
        done_at = first_call + timedelta(hours=3 * max(calls - 1, 0))
        yield {
            "id": task_id, "created_at": booked_at, "version": 1 + calls,
            "updated_at": done_at if calls else booked_at, "deleted_at": None,
            "appointment_id": appointment_id, "appointment_day": day, "due_on": due_on,
            "status": (PreparationStatus.DONE if outcome else PreparationStatus.CANCELLED
                       if status is AppointmentStatus.CANCELLED else PreparationStatus.OPEN),
            "outcome": outcome, "attempts": calls,
            "outcome_at": done_at if outcome else None,
            "prepared_by_id": adviser_id if outcome else None,
            "note": rng.choice(NOTES.get(outcome, [""])),
        }


def add_preparations(context: DemoContext, rng: random.Random) -> None:
    """The preparation step of ``db.demo.STEPS`` (after the agenda's)."""
    from db.demo.context import counted

    attempts: list[dict] = []
    tasks = list(_rows(context, rng, attempts))
    context.insert_rows(PreparationTask, tasks, len(tasks), "Préparations…")
    context.insert_rows(PreparationAttempt, attempts, len(attempts), "Appels de préparation…")
    outcomes = {outcome: sum(t["outcome"] is outcome for t in tasks)
                for outcome in PreparationOutcome}
    context.counts["preparations"] = len(tasks)
    context.counts["conclusive_preparations"] = outcomes[PreparationOutcome.CONCLUSIVE]
    context.lines.append(
        f"{counted(len(tasks), 'préparation', 'préparations')} de rendez-vous physiques "
        f"({outcomes[PreparationOutcome.CONCLUSIVE]} conclusives, "
        f"{outcomes[PreparationOutcome.MAINTAINED]} maintenues, "
        f"{outcomes[PreparationOutcome.UNREACHABLE]} injoignables)")
