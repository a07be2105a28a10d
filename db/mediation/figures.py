"""Yearly figures of the mediation team, computed by aggregate queries in the database.

The year of a case is the year it was received. « Taken up within the delay » compares the
acknowledgement with the case's acknowledgement due date, « handled within the target » the
handling date (recommendation, inadmissibility, redirection or closure) with the handling
target, pauses included (see ``mediation_deadlines``). Figures hold no personal data: the
manager's dashboard may read them as well as the team.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Float, and_, case, cast, func, select
from sqlalchemy.orm import Session

from db.mediation.labels import CHANNEL_LABELS, OUTCOME_LABELS
from db.mediation.models import CaseStatus, MediationCase, MediationMotive
from db.org.access import Permission
from db.people.labels import KIND_LABELS
from db.people.models import Person
from db.unit import Unit


@dataclass(frozen=True)
class YearFigures:
    year: int
    received: int
    by_motive: list[tuple[str, int]]  # French label, count; most frequent first
    by_public: list[tuple[str, int]]
    by_channel: list[tuple[str, int]]
    outcomes: list[tuple[str, int]]
    urgent: int
    acknowledged: int
    acknowledged_in_time: int
    mean_days_to_acknowledge: float | None
    handled: int
    handled_in_time: int
    closed: int
    mean_days_to_close: float | None
    open_cases: int

    @property
    def share_acknowledged_in_time(self) -> float | None:
        return self.acknowledged_in_time / self.received if self.received else None

    @property
    def share_handled_in_time(self) -> float | None:
        return self.handled_in_time / self.received if self.received else None


def days_between(session: Session, later, earlier) -> ColumnElement:
    """Days between two DATE columns, in SQL."""
    if session.bind.dialect.name == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return cast(later - earlier, Float)


def _count_if(condition) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def yearly_figures(unit: Unit, year: int) -> YearFigures:
    session = unit.session
    if not unit.actor.can(Permission.DASHBOARD):
        unit.require(Permission.MEDIATION)
    c = MediationCase
    of_year = and_(c.received_on >= date(year, 1, 1),
                   c.received_on <= date(year, 12, 31))
    closed = c.status == CaseStatus.CLOSED
    totals = session.execute(select(
        func.count(),
        _count_if(c.urgent),
        _count_if(c.acknowledged_on.is_not(None)),
        _count_if(c.acknowledged_on <= c.acknowledgement_due_on),
        func.avg(days_between(session, c.acknowledged_on, c.received_on)),
        _count_if(c.handled_on.is_not(None)),
        _count_if(c.handled_on <= c.handling_due_on),
        _count_if(closed),
        func.avg(case((closed, days_between(session, c.closed_on, c.received_on)))),
        _count_if(c.is_open),
    ).where(of_year)).one()

    def grouped(column, labels=None, *joins) -> list[tuple[str, int]]:
        statement = select(column, func.count()).select_from(c)
        for target, on in joins:
            statement = statement.join(target, on)
        rows = session.execute(statement.where(of_year).group_by(column)).all()
        named = [(labels[key] if labels else key, count) for key, count in rows
                 if key is not None]
        return sorted(named, key=lambda item: (-item[1], item[0]))

    outcome_rows = session.execute(
        select(c.outcome, func.count()).where(of_year, closed).group_by(c.outcome)).all()
    return YearFigures(
        year=year, received=totals[0],
        by_motive=grouped(MediationMotive.label, None,
                          (MediationMotive, MediationMotive.id == c.motive_id)),
        by_public=grouped(Person.kind, KIND_LABELS, (Person, Person.id == c.person_id)),
        by_channel=grouped(c.channel, CHANNEL_LABELS),
        outcomes=sorted(((OUTCOME_LABELS[o], n) for o, n in outcome_rows),
                        key=lambda item: (-item[1], item[0])),
        urgent=totals[1], acknowledged=totals[2], acknowledged_in_time=totals[3],
        mean_days_to_acknowledge=_rounded(totals[4]),
        handled=totals[5], handled_in_time=totals[6], closed=totals[7],
        mean_days_to_close=_rounded(totals[8]), open_cases=totals[9],
    )


def _rounded(value) -> float | None:
    return None if value is None else round(float(value), 1)
