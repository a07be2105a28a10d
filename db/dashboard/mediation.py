"""The mediation figures of a month, as counts and anonymous lists only."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from db.dashboard.model import Chart, Drill, Figure, Measure, Section, Table, next_month
from db.mediation.figures import days_between
from db.mediation.labels import OUTCOME_LABELS
from db.mediation.models import CaseOutcome, CaseStatus, MediationCase

# Age of the cases still open at the end of the month, in days since received.
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("age_0_7", 0, 7),
    ("age_8_30", 8, 30),
    ("age_31_60", 31, 60),
    ("age_61", 61, None),
)


AGE_LABELS = {"age_0_7": "Moins de 8 jours", "age_8_30": "8 à 30 jours",
              "age_31_60": "31 à 60 jours", "age_61": "Plus de 60 jours"}


def _snapshot_day(month: date, today: date) -> date:
    """The day open cases are counted on: the month's last day, or today for this month."""
    return min(next_month(month) - timedelta(days=1), today)


def _case_condition(name: str, value: str, month: date, today: date) -> ColumnElement[bool]:
    c = MediationCase
    first, last = month, next_month(month) - timedelta(days=1)
    if name == "received":
        return c.received_on.between(first, last)
    if name == "closed":
        return and_(c.status == CaseStatus.CLOSED, c.closed_on.between(first, last))
    if name == "outcome":
        return and_(_case_condition("closed", "", month, today),
                    c.outcome == CaseOutcome(value))
    if name == "open":
        # Open on that day: received by then, not yet finished (closed, declared
        # inadmissible or redirected) by then.
        day = _snapshot_day(month, today)
        finished = func.coalesce(c.closed_on, c.handled_on)
        still_open = and_(c.received_on <= day, or_(c.is_open, finished > day))
        if not value:
            return still_open
        _key, low, high = next(b for b in AGE_BUCKETS if b[0] == value)
        newest, oldest = day - timedelta(days=low), (
            day - timedelta(days=high) if high is not None else None)
        age = c.received_on <= newest
        if oldest is not None:
            age = and_(age, c.received_on >= oldest)
        return and_(still_open, age)
    raise ValueError(name)


def _cases_where(drill: Drill, today: date) -> list[ColumnElement[bool]]:
    return [_case_condition(name, value, drill.month, today) for name, value in drill.conditions]


def mediation_section(session: Session, scope: Drill, today: date) -> Section:
    c = MediationCase

    def count_if(drill: Drill) -> ColumnElement[int]:
        condition = and_(*_cases_where(drill, today))
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    received, closed, still_open = (scope.narrowed((name, "")) for name in
                                    ("received", "closed", "open"))
    buckets = [scope.narrowed(("open", key)) for key, _low, _high in AGE_BUCKETS]
    totals = session.execute(
        select(*(count_if(d) for d in (received, closed, still_open, *buckets)))).one()
    outcome_counts = dict(session.execute(
        select(c.outcome, func.count())
        .where(*_cases_where(closed, today)).group_by(c.outcome)).all())
    closed_count, open_count = totals[1], totals[2]
    day = _snapshot_day(scope.month, today)
    figures = (
        Figure("Saisines reçues", totals[0], received),
        Figure("Dossiers clôturés", closed_count, closed),
        Figure(f"Dossiers en cours au {day:%d/%m/%Y}", open_count, still_open),
    )
    ages = tuple(Figure(AGE_LABELS[key], count, drill, open_count)
                 for (key, _l, _h), count, drill in zip(AGE_BUCKETS, totals[3:], buckets,
                                                        strict=True))
    outcomes = tuple(Figure(label, outcome_counts.get(outcome, 0),
                            scope.narrowed(("outcome", outcome.value)), closed_count)
                     for outcome, label in OUTCOME_LABELS.items())
    median = median_days_to_close(session, scope, today)
    measures = (Measure("Délai médian de clôture", days_text(median), closed),)
    return Section(
        "mediation", "Médiation", figures, measures,
        charts=(Chart("Dossiers en cours par ancienneté", ages),
                Chart("Issues des dossiers clôturés", outcomes)),
        tables=(Table("Dossiers en cours par ancienneté", "Ancienneté", ("Dossiers",),
                      tuple((f.label, (f,)) for f in ages)),
                Table("Issues des dossiers clôturés dans le mois", "Issue", ("Dossiers",),
                      tuple((f.label, (f,)) for f in outcomes))),
        note="Tous sites : l'équipe de médiation traite les saisines de tout le département. "
             "Chiffres sans contenu de dossier.", activity=totals[0] + closed_count)


def median_days_to_close(session: Session, scope: Drill, today: date) -> float | None:
    """Median of (closed − received) in days over the month's closed cases, in the database:
    the middle one or two values of the ordered list (no MEDIAN on SQLite)."""
    closed = scope.narrowed(("closed", ""))
    where = _cases_where(closed, today)
    count = session.scalar(select(func.count()).select_from(MediationCase).where(*where))
    if not count:
        return None
    days = days_between(session, MediationCase.closed_on, MediationCase.received_on)
    middle = session.scalars(select(days).where(*where).order_by(days)
                             .offset((count - 1) // 2).limit(2 - count % 2)).all()
    return float(sum(middle)) / len(middle)


def days_text(value: float | None) -> str:
    if value is None:
        return "—"
    shown = f"{value:.1f}".replace(".", ",").removesuffix(",0")
    return f"{shown}\u00a0jour{'s' if value >= 2 else ''}"
