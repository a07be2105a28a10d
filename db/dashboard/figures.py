"""The managers' dashboard and the monthly report: the office's figures for one month, and
for each figure the list of records behind it.

Every count is computed by an aggregate query (GROUP BY in the database); the list behind a
figure is selected by the same SQL condition the count was grouped on (``drill_ids``), so the
dashboard, the PDF report and the lists agree by construction. A month is the calendar month
on the office's clock (Europe/Paris) for every site, so that the sites add up to the total.
The month the dashboard, the Parcours page and the report open on is one rule,
``db.pathways.months.month_to_show`` (the last complete month until the current one has its
pathway cohort).

What each role sees: the office's activity (appointments, preparations, call-backs,
pathways) goes to those who hold the dashboard and see the agenda (managers,
administrators); the mediation figures to every dashboard holder (managers, mediators,
administrators) — as counts and anonymous lists only, since case content belongs to the
mediation team.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import select

from db.base import utcnow
from db.dashboard import archive
from db.dashboard.activity import (
    appointment_section,
    callback_section,
    pathway_section,
    preparation_section,
)
from db.dashboard.mediation import mediation_section
from db.dashboard.model import ALL_SITES, Dashboard, Drill, Section, Source, sees_activity
from db.mediation.common import OFFICE_TIME_ZONE
from db.org.access import Permission
from db.org.models import Site
from db.unit import Unit


def dashboard(
    unit: Unit, month: date, site_id: uuid.UUID | None = None, *,
    now: datetime | None = None,
) -> Dashboard:
    """The figures of ``month`` (any day of it) at one site or all, as the actor may see
    them."""
    unit.require(Permission.DASHBOARD)
    session = unit.session
    month = month.replace(day=1)
    now = now or utcnow()
    today = now.astimezone(OFFICE_TIME_ZONE).date()
    site_names = {site_id_: name for site_id_, name in session.execute(
        select(Site.id, Site.name).order_by(Site.name))}
    kept = archive.kept_sections(session, month, site_id)
    if kept is not None:  # a month the purge took rows from: its figures as they were
        sections = [section for key, section in kept.items()
                    if key == "mediation" or sees_activity(unit.actor)]
    else:
        sections = _live_sections(unit, month, site_id, site_names, now, today)
    activity = sum(section.activity for section in sections)
    return Dashboard(month, site_id, site_names.get(site_id, ALL_SITES) if site_id else ALL_SITES,
                     tuple(sections), activity)


def _live_sections(unit: Unit, month: date, site_id: uuid.UUID | None, site_names: dict,
                   now: datetime, today: date) -> list[Section]:
    session = unit.session
    sections: list[Section] = []
    if sees_activity(unit.actor):
        sections.append(appointment_section(
            session, Drill(Source.APPOINTMENTS, month, site_id), site_names))
        sections.append(preparation_section(unit, Drill(Source.PREPARATIONS, month, site_id)))
        sections.append(callback_section(session, Drill(Source.CALLBACKS, month, site_id),
                                         now))
        sections.append(pathway_section(unit, Drill(Source.PATHWAYS, month, None)))
    sections.append(mediation_section(session, Drill(Source.CASES, month, None), today,
                                      lists=unit.actor.can(Permission.MEDIATION)))
    return sections
