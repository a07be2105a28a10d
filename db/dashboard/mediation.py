"""The mediation figures of a month, as counts and anonymous lists only.

The figures are counted from the cases' facts — the dates, state and outcome of each group of
alike cases, never their content. On a server those come from ``guichet_case_counts()``
(migration 0009), the only way a manager reads anything of the mediation tables; the lists
behind the figures are the mediation team's alone, as the server's row-level security keeps
the rows from everyone else.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    Integer,
    String,
    and_,
    case,
    column,
    func,
    literal,
    or_,
    select,
)
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


def case_facts(session: Session):
    """Groups of alike cases: received_on, closed_on, handled_on, is_open, status, outcome
    and how many ``cases`` — from the server's counting function, or the table itself."""
    if session.get_bind().dialect.name == "postgresql":
        return func.guichet_case_counts().table_valued(
            column("received_on", Date), column("closed_on", Date),
            column("handled_on", Date), column("is_open", Boolean),
            column("status", String), column("outcome", String),
            column("cases", Integer)).alias("case_facts")
    c = MediationCase
    return select(c.received_on, c.closed_on, c.handled_on, c.is_open, c.status, c.outcome,
                  literal(1).label("cases")).subquery("case_facts")


def _case_condition(c, name: str, value: str, month: date, today: date
                    ) -> ColumnElement[bool]:
    """``c`` has the case columns: ``MediationCase`` (its rows) or ``case_facts(…).c``."""
    first, last = month, next_month(month) - timedelta(days=1)
    if name == "received":
        return c.received_on.between(first, last)
    if name == "closed":
        return and_(c.status == CaseStatus.CLOSED, c.closed_on.between(first, last))
    if name == "outcome":
        return and_(_case_condition(c, "closed", "", month, today),
                    c.outcome == CaseOutcome(value))
    if name == "open":
        # Open on that day: received by then, not yet finished (closed, declared
        # inadmissible or redirected) by then.
        day = _snapshot_day(month, today)
        finished = func.coalesce(c.closed_on, c.handled_on)
        still_open = and_(c.received_on <= day, or_(c.is_open.is_(True), finished > day))
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


def cases_where(c, drill: Drill, today: date) -> list[ColumnElement[bool]]:
    return [_case_condition(c, name, value, drill.month, today)
            for name, value in drill.conditions]


def mediation_section(session: Session, scope: Drill, today: date, *, lists: bool
                      ) -> Section:
    """``lists``: whether the figures open their lists of cases (the mediation team)."""
    facts = case_facts(session)

    def count_if(drill: Drill) -> ColumnElement[int]:
        condition = and_(*cases_where(facts.c, drill, today))
        return func.coalesce(func.sum(case((condition, facts.c.cases), else_=0)), 0)

    received, closed, still_open = (scope.narrowed((name, "")) for name in
                                    ("received", "closed", "open"))
    buckets = [scope.narrowed(("open", key)) for key, _low, _high in AGE_BUCKETS]
    # Sums of the groups' counts: integers (PostgreSQL's sum of a bigint is a numeric).
    totals = [int(total) for total in session.execute(
        select(*(count_if(d) for d in (received, closed, still_open, *buckets)))
        .select_from(facts)).one()]
    outcome_counts = {outcome: int(cases) for outcome, cases in session.execute(
        select(facts.c.outcome, func.sum(facts.c.cases))
        .where(*cases_where(facts.c, closed, today)).group_by(facts.c.outcome))}
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
    outcomes = tuple(Figure(label, outcome_counts.get(outcome.value, 0),
                            scope.narrowed(("outcome", outcome.value)), closed_count)
                     for outcome, label in OUTCOME_LABELS.items())
    median = median_days_to_close(session, facts, scope, today)
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
             "Chiffres sans contenu de dossier.", activity=totals[0] + closed_count,
        lists=lists)


def median_days_to_close(session: Session, facts, scope: Drill, today: date
                         ) -> float | None:
    """Median of (closed − received) in days over the month's closed cases: the middle one
    or two values, counting each group of alike cases as many times as it has cases."""
    days = days_between(session, facts.c.closed_on, facts.c.received_on)
    spread = session.execute(
        select(days, func.sum(facts.c.cases))
        .where(*cases_where(facts.c, scope.narrowed(("closed", "")), today))
        .group_by(days).order_by(days)).all()
    spread = [(value, int(cases)) for value, cases in spread]
    count = sum(cases for _days, cases in spread)
    if not count:
        return None
    wanted, middle, seen = {(count - 1) // 2, count // 2}, [], 0
    for value, cases in spread:
        middle += [float(value)] * len({i for i in wanted if seen <= i < seen + cases})
        seen += cases
    return sum(middle) / len(middle)


def days_text(value: float | None) -> str:
    if value is None:
        return "—"
    shown = f"{value:.1f}".replace(".", ",").removesuffix(",0")
    return f"{shown}\u00a0jour{'s' if value >= 2 else ''}"
