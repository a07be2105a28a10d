"""The conclusive rate managers follow (3 % to 20 % in the field), per month and adviser or site."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, extract, func, select

from db import wording
from db.agenda.models import Appointment
from db.org.access import Permission
from db.org.models import Site, Staff
from db.preparation.models import (
    PreparationOutcome,
    PreparationStatus,
    PreparationTask,
)
from db.preparation.scope import sees_everyone
from db.unit import Unit


class RateGroup(enum.Enum):
    ADVISER = "conseiller"
    SITE = "lieu"


@dataclass(frozen=True)
class RateRow:
    month: date  # first day of the month of the visits
    key: uuid.UUID  # the adviser or the site
    label: str
    prepared: int  # preparations with an outcome
    conclusive: int

    @property
    def rate(self) -> float | None:
        return self.conclusive / self.prepared if self.prepared else None

    @property
    def rate_text(self) -> str:
        return rate_text(self.conclusive, self.prepared)


def rate_text(conclusive: int, prepared: int) -> str:
    """« 12 % » (French spacing), « — » when nothing was prepared."""
    return wording.percent(conclusive, prepared)


def conclusive_rates(unit: Unit, first_month: date, last_month: date,
                     group: RateGroup = RateGroup.ADVISER) -> list[RateRow]:
    """Preparations with an outcome, and the conclusive ones, per month of the visits and per
    adviser or site, by month then label. An adviser gets their own figures (and their
    site's); the dashboard and managers everyone's."""
    session = unit.session
    unit.require_any(Permission.PREPARE_APPOINTMENTS, Permission.DASHBOARD)
    first = first_month.replace(day=1)
    last = (last_month.replace(day=1) + timedelta(days=32)).replace(day=1)
    key = Appointment.adviser_id if group is RateGroup.ADVISER else Appointment.site_id
    year, month = (extract("year", PreparationTask.appointment_day),
                   extract("month", PreparationTask.appointment_day))
    statement = (
        select(year.label("year"), month.label("month"), key.label("key"),
               func.count().label("prepared"),
               func.sum(case((PreparationTask.outcome == PreparationOutcome.CONCLUSIVE, 1),
                             else_=0)).label("conclusive"))
        .join(Appointment, Appointment.id == PreparationTask.appointment_id)
        .where(PreparationTask.status == PreparationStatus.DONE,
               PreparationTask.appointment_day >= first, PreparationTask.appointment_day < last)
        .group_by(year, month, key))
    if not sees_everyone(unit.actor):
        statement = statement.where(key == (unit.actor_id if group is RateGroup.ADVISER
                                            else unit.actor.site_id))
    rows = session.execute(statement).all()
    model = Staff if group is RateGroup.ADVISER else Site
    labels = {r.id: (r.display_name if group is RateGroup.ADVISER else r.name)
              for r in session.scalars(select(model).where(model.id.in_({r.key for r in rows})))}
    result = [RateRow(date(int(r.year), int(r.month), 1), r.key, labels.get(r.key, "—"),
                      int(r.prepared), int(r.conclusive or 0)) for r in rows]
    return sorted(result, key=lambda r: (r.month, r.label))
