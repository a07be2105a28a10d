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
  mediation ends (art. L217-7-1 CSS), then running again for what was left of it at
  admission. When the mediation ends depends on how it ends (``mediation_end``):

  - a **recommendation**: the day it is issued, sent to both parties that day;
  - a case **closed without one** — withdrawn by the requester, redirected (to the CRA, the
    department or the joint commission) or **ended by a court action** — the day it is
    closed: the closure is what tells the parties the mediation is over. A court action ends
    the mediation (DOMAIN.md); the requester keeps what was left of the delay, since the CRA
    remains the prior step the court will ask for;
  - a request never admitted, or admitted once the delay had run out, suspends nothing.

  A reopened case is under mediation again: the delay is suspended again, for what was left
  at admission. A delay that runs out within ``CRA_WARNING_DAYS`` is one of the lateness
  kinds (``overdue_clauses``): the team warns the requester or admits the case in time.

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
    CaseOutcome,
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
CRA_WARNING_DAYS = 15  # a CRA delay ending this soon shows among the late cases
CRA_RUNNING_OUT = "délai de la CRA bientôt échu"
# The columns ``refresh`` derives (the demo, writing cases in bulk, copies the same).
DERIVED_COLUMNS = ("is_open", "acknowledgement_due_on", "handling_due_on", "paused_days",
                   "paused_since", "follow_up_on", "cra_due_on")


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
    cra = cra_delay(case)
    case.cra_due_on = cra.deadline if cra is not None else None


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
        (CRA_RUNNING_OUT, case.cra_due_on.between(
            today, today + timedelta(days=CRA_WARNING_DAYS))),
    ]


def overdue_clause(today: date) -> ColumnElement[bool]:
    """SQL: the case has a delay past ``today`` (acknowledgement, handling or follow-up) or
    a CRA delay about to run out."""
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
    label: str  # French: « accusé de réception », « traitement », « relance », « CRA »


def next_due(status: CaseStatus, acknowledged_on: date | None, acknowledgement_due_on: date,
             handling_due_on: date, paused_since: date | None,
             follow_up_on: date | None, cra_due_on: date | None = None,
             today: date | None = None) -> NextDue | None:
    """The earliest of the delays that still run; None once nothing is awaited.

    The handling target is left out while paused: it moves every day until the wait ends.
    The CRA delay counts while it runs and has not run out (``today``).
    """
    running = []
    if cra_due_on is not None and today is not None and cra_due_on >= today:
        running.append(NextDue(cra_due_on, "délai de la CRA"))
    if status in OPEN_STATUSES and acknowledged_on is None:
        running.append(NextDue(acknowledgement_due_on, "accusé de réception"))
    if status in HANDLING_STATUSES and paused_since is None:
        running.append(NextDue(handling_due_on, "traitement"))
    if status is CaseStatus.WAITING and follow_up_on is not None:
        running.append(NextDue(follow_up_on, "relance"))
    return min(running, default=None)


@dataclass(frozen=True)
class CraDelay:
    """The 2-month delay to seize the Commission de recours amiable, as it stands.

    ``deadline`` is None while the mediation suspends it (the day it ends is not known yet);
    ``remaining_days`` is then what will be left once it resumes. ``suspended_on`` and
    ``resumed_on`` frame the suspension, ``ending`` says what ended it (French, lower case).
    """

    deadline: date | None
    remaining_days: int
    suspended: bool
    suspended_on: date | None = None
    resumed_on: date | None = None
    ending: str = ""

    @property
    def expired(self) -> bool:
        return not self.suspended and self.remaining_days < 0


_ENDINGS = {
    CaseOutcome.WITHDRAWN: "désistement",
    CaseOutcome.REDIRECTED: "réorientation",
    CaseOutcome.COURT_ACTION: "recours contentieux",
}


def mediation_end(case: MediationCase) -> tuple[date, str] | None:
    """When the mediation of an admitted case ended, and how (see the module docstring);
    None while it goes on."""
    if case.recommendation_on is not None:
        return case.recommendation_on, "recommandation"
    if case.status in OPEN_STATUSES:
        return None
    ended = case.closed_on or case.handled_on
    if ended is None:
        return None
    return ended, _ENDINGS.get(case.outcome, "clôture")


def cra_delay(case: MediationCase, today: date | None = None) -> CraDelay | None:
    """None when no contested decision date is known. ``remaining_days`` counts to
    ``today`` (without it, what was left at admission, or 0)."""
    notified = case.decision_notified_on
    if notified is None:
        return None
    deadline = add_months(notified, CRA_MONTHS)
    admitted = case.admitted_on

    def left(until: date) -> int:
        return (until - today).days if today is not None else 0

    # Only a mediation admitted before the delay ran out suspends it.
    if admitted is None or admitted > deadline:
        return CraDelay(deadline, left(deadline), suspended=False)
    left_at_admission = (deadline - admitted).days
    end = mediation_end(case)
    if end is None:
        return CraDelay(None, left_at_admission, True, suspended_on=admitted)
    ended_on, ending = end
    resumed = ended_on + timedelta(days=left_at_admission)
    return CraDelay(resumed, left(resumed), False, suspended_on=admitted,
                    resumed_on=ended_on, ending=ending)


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
    today: date  # the day these figures are for


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
        today=today,
    )
