"""The funnel of a pathway's monthly cohort: imported, reached, booked, honoured, declined…"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from db.agenda.models import Appointment, AppointmentStatus
from db.months import months_between
from db.org.access import Permission
from db.pathways.kinds import kind_by_code, list_kinds
from db.pathways.models import PathwayEntry, PathwayOutcome
from db.pathways.months import first_of_month
from db.unit import Unit


@dataclass(frozen=True)
class Funnel:
    """How one pathway's cohort of one month went, from import to appointment.

    ``booked`` counts « RDV pris » entries; ``honoured`` those whose appointment, booked from
    the worklist, the agenda has since marked honoured.
    """

    kind_code: str
    kind_label: str
    month: date
    imported: int
    reached: int
    booked: int
    honoured: int
    declined: int
    unreachable: int
    not_concerned: int

    @property
    def open(self) -> int:
        """Still to work: no outcome yet."""
        return (self.imported - self.booked - self.declined - self.unreachable
                - self.not_concerned)


def _count(outcome: PathwayOutcome):
    return func.coalesce(func.sum(case((PathwayEntry.outcome == outcome, 1), else_=0)), 0)


def funnels(
    unit: Unit, first_month: date, last_month: date,
    kind_code: str | None = None,
) -> list[Funnel]:
    """Funnels per kind and month between two months (included), counted in the database.

    Every active kind appears for every month, with zeros when nothing was imported, so a
    dashboard can draw a full grid.
    """
    session = unit.session
    unit.require_any(Permission.WORK_PATHWAYS, Permission.DASHBOARD)
    first_month, last_month = first_of_month(first_month), first_of_month(last_month)
    statement = (
        select(
            PathwayEntry.kind_id, PathwayEntry.month, func.count(),
            func.count(PathwayEntry.reached_at), _count(PathwayOutcome.BOOKED),
            _count(PathwayOutcome.DECLINED), _count(PathwayOutcome.UNREACHABLE),
            _count(PathwayOutcome.NOT_CONCERNED),
            func.count(Appointment.id),
        )
        .outerjoin(Appointment, (Appointment.id == PathwayEntry.appointment_id)
                   & (Appointment.status == AppointmentStatus.HONOURED))
        .where(PathwayEntry.month >= first_month,
               PathwayEntry.month <= last_month)
        .group_by(PathwayEntry.kind_id, PathwayEntry.month)
    )
    kinds = list_kinds(unit)
    if kind_code is not None:
        kind_id = kind_by_code(unit, kind_code).id
        kinds = [k for k in kinds if k.id == kind_id]
        statement = statement.where(PathwayEntry.kind_id == kind_id)
    figures = {(row[0], row[1]): row[2:] for row in session.execute(statement)}
    result = []
    for kind in kinds:
        for month in months_between(first_month, last_month):
            imported, reached, booked, declined, unreachable, not_concerned, honoured = (
                figures.get((kind.id, month), (0,) * 7))
            result.append(Funnel(kind.code, kind.label, month, imported, reached, booked,
                                 honoured, declined, unreachable, not_concerned))
    return result


def funnel(unit: Unit, kind_code: str, month: date) -> Funnel:
    """The funnel of one pathway for one month."""
    return funnels(unit, month, month, kind_code)[0]
