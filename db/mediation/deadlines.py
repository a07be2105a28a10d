"""Mediation delays: what each one counts, when it is overdue, and the CRA appeal delay.

How each delay is counted, and why:

- **Acknowledgement** — ``acknowledgement_days`` *calendar* days (default 7) after the day the
  request was received. The national indicator (« prise en charge sous 7 jours ») is counted in
  calendar days, which is what the requester lives. When the last day falls on a weekend or a
  public holiday it moves to the next working day, as French procedural deadlines do
  (art. 642 du code de procédure civile): no letter leaves the office that day.
- **Handling target** — ``handling_months`` *calendar* months (default 1) after reception, like
  the national « traitée sous un mois »; extended by the calendar days spent waiting on the
  requester (the clock pauses: the team cannot move without them; a wait on a department, the
  service médical or a partner does not pause it, since it is the institution's own time),
  then moved to the next working day likewise. The clock stops once the case is handled:
  recommendation issued, inadmissible, redirected or closed.
- **Follow-up of a wait** — proposed ``follow_up_working_days`` *working* days ahead (default
  10): the follow-up is the team's own work, done on working days of the site's département.
- **CRA appeal delay** — 2 *calendar* months from the notification of the contested decision
  (statutory, art. R142-1 CSS), suspended from the notice of admissibility until the
  recommendation (art. L217-7-1 CSS).

The services store the derived dates on the case (``refresh``) so that the list filters on
them with plain SQL (``overdue_clause``); ``case_deadlines`` gives the exact figures of one case.
"""

from __future__ import annotations

import calendar as month_calendar
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from db.mediation.models import (
    CaseStatus,
    MediationCase,
    MediationSettings,
    MediationWait,
    WaitingOn,
)
from db.workdays import WorkingCalendar

# Open: the team still has something to do. Handling: the handling clock runs.
OPEN_STATUSES = frozenset({
    CaseStatus.RECEIVED, CaseStatus.ADMISSIBLE, CaseStatus.IN_PROGRESS, CaseStatus.WAITING,
    CaseStatus.RECOMMENDATION_ISSUED,
})
HANDLING_STATUSES = OPEN_STATUSES - {CaseStatus.RECOMMENDATION_ISSUED}
CRA_MONTHS = 2


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later; the month's last day when it is shorter (31/01 → 28/02)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def next_working_day(calendar: WorkingCalendar, day: date) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    return day if calendar.is_working_day(day) else calendar.add_working_days(day, 1)


def acknowledgement_due(received_on: date, settings: MediationSettings,
                        calendar: WorkingCalendar) -> date:
    return next_working_day(
        calendar, received_on + timedelta(days=settings.acknowledgement_days))


def handling_due(received_on: date, paused_days: int, settings: MediationSettings,
                 calendar: WorkingCalendar) -> date:
    raw = add_months(received_on, settings.handling_months) + timedelta(days=paused_days)
    return next_working_day(calendar, raw)


def default_follow_up(start: date, settings: MediationSettings,
                      calendar: WorkingCalendar) -> date:
    return calendar.add_working_days(start, settings.follow_up_working_days)


def refresh(case: MediationCase, waits: Iterable[MediationWait], settings: MediationSettings,
            calendar: WorkingCalendar) -> None:
    """Recompute the derived columns of ``case`` from its dates, status and waits."""
    requester_waits = [w for w in waits if w.waiting_on is WaitingOn.REQUESTER
                       and w.deleted_at is None]
    case.paused_days = sum((w.ended_on - w.started_on).days
                           for w in requester_waits if w.ended_on is not None)
    current = [w for w in waits if w.ended_on is None and w.deleted_at is None]
    case.paused_since = next(
        (w.started_on for w in current if w.waiting_on is WaitingOn.REQUESTER), None)
    case.follow_up_on = min((w.follow_up_on for w in current), default=None)
    case.is_open = case.status in OPEN_STATUSES
    case.acknowledgement_due_on = acknowledgement_due(case.received_on, settings, calendar)
    case.handling_due_on = handling_due(case.received_on, case.paused_days, settings, calendar)


def overdue_clauses(today: date) -> list[tuple[str, ColumnElement[bool]]]:
    """Each kind of lateness, with its French label and its SQL condition."""
    case = MediationCase
    return [
        ("accusé de réception", and_(case.is_open, case.acknowledged_on.is_(None),
                                     case.acknowledgement_due_on < today)),
        # While paused, the target moves with the days: late only if it was already late
        # when the pause began.
        ("délai de traitement", and_(
            case.status.in_(HANDLING_STATUSES),
            or_(and_(case.paused_since.is_(None), case.handling_due_on < today),
                and_(case.paused_since.is_not(None),
                     case.handling_due_on < case.paused_since)))),
        ("relance", and_(case.status == CaseStatus.WAITING, case.follow_up_on < today)),
    ]


def overdue_clause(today: date) -> ColumnElement[bool]:
    """SQL: the case has a delay past ``today`` (acknowledgement, handling or follow-up)."""
    return or_(*(clause for _label, clause in overdue_clauses(today)))


def overdue_labels(session: Session, case_ids: Collection[uuid.UUID],
                   today: date) -> dict[uuid.UUID, tuple[str, ...]]:
    """What is late for each case, by the same SQL rules the list filters on."""
    if not case_ids:
        return {}
    clauses = overdue_clauses(today)
    rows = session.execute(
        select(MediationCase.id, *(clause for _label, clause in clauses))
        .where(MediationCase.id.in_(case_ids))
    )
    return {row[0]: tuple(label for (label, _c), late in zip(clauses, row[1:], strict=True)
                          if late)
            for row in rows}


@dataclass(frozen=True, order=True)
class NextDue:
    """The nearest delay of a case still running, for the case list."""

    on: date
    label: str  # French: « accusé de réception », « traitement », « relance »


def next_due(status: CaseStatus, acknowledged_on: date | None, acknowledgement_due_on: date,
             handling_due_on: date, paused_since: date | None,
             follow_up_on: date | None) -> NextDue | None:
    """The earliest of the delays that still run; None once nothing is awaited.

    The handling target is left out while paused: it moves every day until the wait ends.
    """
    running = []
    if status in OPEN_STATUSES and acknowledged_on is None:
        running.append(NextDue(acknowledgement_due_on, "accusé de réception"))
    if status in HANDLING_STATUSES and paused_since is None:
        running.append(NextDue(handling_due_on, "traitement"))
    if status is CaseStatus.WAITING and follow_up_on is not None:
        running.append(NextDue(follow_up_on, "relance"))
    return min(running, default=None)


@dataclass(frozen=True)
class CraDelay:
    """What is left of the 2-month delay to seize the Commission de recours amiable."""

    deadline: date | None  # None while suspended (the day it ends is not known yet)
    remaining_days: int
    suspended: bool

    @property
    def expired(self) -> bool:
        return not self.suspended and self.remaining_days < 0

    def describe(self) -> str:
        days = f"{self.remaining_days} jour{'s' if abs(self.remaining_days) > 1 else ''}"
        if self.suspended:
            return (f"Délai de saisine de la CRA suspendu pendant la médiation : il restera "
                    f"{days} après la recommandation.")
        if self.expired:
            return f"Délai de saisine de la CRA expiré le {self.deadline:%d/%m/%Y}."
        return f"Délai de saisine de la CRA : {days} restants (jusqu'au {self.deadline:%d/%m/%Y})."


def cra_delay(case: MediationCase, today: date) -> CraDelay | None:
    """None when no contested decision date is known."""
    notified = case.decision_notified_on
    if notified is None:
        return None
    deadline = add_months(notified, CRA_MONTHS)
    admitted = case.admitted_on
    # Only a mediation admitted before the delay ran out suspends it.
    if admitted is None or admitted > deadline:
        return CraDelay(deadline, (deadline - today).days, suspended=False)
    left_at_admission = (deadline - admitted).days
    if case.recommendation_on is None:
        return CraDelay(None, left_at_admission, suspended=True)
    resumed = case.recommendation_on + timedelta(days=left_at_admission)
    return CraDelay(resumed, (resumed - today).days, suspended=False)


@dataclass(frozen=True)
class CaseDeadlines:
    age_days: int  # calendar days since reception (until closure)
    handling_days: int  # the same, less the days paused waiting on the requester
    acknowledgement_due_on: date
    acknowledged_on: date | None
    handling_due_on: date  # moves with the days while paused
    handling_paused: bool
    handled_on: date | None
    follow_up_on: date | None
    overdue: tuple[str, ...]  # French labels of what is late
    cra: CraDelay | None


def case_deadlines(case: MediationCase, today: date, calendar: WorkingCalendar,
                   overdue: tuple[str, ...]) -> CaseDeadlines:
    """The delays of one case; ``overdue`` comes from ``overdue_labels``."""
    end = case.closed_on if case.status is CaseStatus.CLOSED and case.closed_on else today
    current_pause = (today - case.paused_since).days if case.paused_since else 0
    due = case.handling_due_on
    if case.paused_since is not None:
        due = next_working_day(calendar, due + timedelta(days=current_pause))
    age = (end - case.received_on).days
    return CaseDeadlines(
        age_days=age,
        handling_days=age - case.paused_days - current_pause,
        acknowledgement_due_on=case.acknowledgement_due_on,
        acknowledged_on=case.acknowledged_on,
        handling_due_on=due,
        handling_paused=case.paused_since is not None,
        handled_on=case.handled_on,
        follow_up_on=case.follow_up_on,
        overdue=overdue,
        cra=cra_delay(case, today),
    )
