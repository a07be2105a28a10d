"""What the agenda screens read besides appointments: who and where can be shown, and when a
site or an adviser is closed (opening hours, public holidays, closed days, absences).

Plain values only; the screens convert the instants to the local time they show.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from db.agenda.models import Absence, Availability, ClosedDay
from db.agenda.setup import opening_hours
from db.org import sites as org_sites
from db.org.access import Permission
from db.org.models import Site, Staff
from db.roles import Role
from db.unit import Unit, rows
from db.wording import NBSP
from db.workdays import WorkingCalendar

DEFAULT_TIME_ZONE = "Europe/Paris"


@dataclass(frozen=True)
class AdviserChoice:
    id: uuid.UUID
    name: str
    login: str
    site_id: uuid.UUID | None
    time_zone: str  # of the adviser's own site: their agenda is read in it


@dataclass(frozen=True)
class SiteChoice:
    id: uuid.UUID
    name: str
    time_zone: str
    sector: str = ""


@dataclass(frozen=True)
class AgendaChoices:
    advisers: list[AdviserChoice]
    sites: list[SiteChoice]


def agenda_choices(unit: Unit) -> AgendaChoices:
    """The active advisers (by name) and the sites (by name) an agenda can show."""
    session = unit.session
    unit.require(Permission.BOOK_APPOINTMENTS)
    sites = {s.id: s for s in session.scalars(select(Site)) if org_sites.in_scope(unit, s)}
    advisers = [
        AdviserChoice(s.id, s.display_name, s.login, s.site_id,
                      sites[s.site_id].time_zone if s.site_id in sites else DEFAULT_TIME_ZONE)
        for s in session.scalars(
            select(Staff).where(Staff.role == Role.ADVISER, Staff.active)
            .order_by(Staff.last_name, Staff.first_name))
    ]
    return AgendaChoices(
        advisers,
        [SiteChoice(s.id, s.name, s.time_zone, s.sector)
         for s in sorted(sites.values(), key=lambda s: s.name)],
    )


def site_advisers(unit: Unit, site_id: uuid.UUID) -> list[AdviserChoice]:
    """The advisers a site's day view gives a column: those attached to the site and those
    who receive there (availability), by name."""
    session = unit.session
    unit.require(Permission.BOOK_APPOINTMENTS)
    site = rows.load(unit, Site, site_id)
    receiving = select(Availability.staff_id).where(Availability.site_id == site_id)
    return [
        AdviserChoice(s.id, s.display_name, s.login, s.site_id, site.time_zone)
        for s in session.scalars(
            select(Staff).where(Staff.role == Role.ADVISER, Staff.active,
                                (Staff.site_id == site_id) | Staff.id.in_(receiving))
            .order_by(Staff.last_name, Staff.first_name))
    ]


def _day_closed(site: Site, calendar: WorkingCalendar, week: dict, closed_days: dict,
                day: date) -> str:
    """Why ``site`` does not receive the public at all on ``day``, in French ("" when it
    opens that day)."""
    holiday = calendar.holiday_name(day)
    if holiday:
        return f"Jour férié{NBSP}: {holiday}"
    if day in closed_days:
        label = closed_days[day]
        return f"Fermeture exceptionnelle{NBSP}: {label}" if label else \
            "Fermeture exceptionnelle"
    return "" if week.get(day.weekday()) else "Fermé"


def closed_days(unit: Unit, site_ids: list[uuid.UUID], first_day: date, last_day: date,
                ) -> dict[date, str]:
    """The days from ``first_day`` to ``last_day`` (inclusive) on which none of these sites
    receives the public, each with why (« Jour férié : Noël », « Fermé »…): what a slot
    picker shows beside a day without slots."""
    unit.require(Permission.BOOK_APPOINTMENTS)
    reasons: dict[date, set[str]] = {}
    for site_id in site_ids:
        site = rows.load(unit, Site, site_id)
        calendar, week = WorkingCalendar(site.department), opening_hours(unit, site_id)
        closed = _closed_day_labels(unit, site_id, first_day, last_day)
        day = first_day
        while day <= last_day:
            reasons.setdefault(day, set()).add(_day_closed(site, calendar, week, closed, day))
            day += timedelta(days=1)
    return {day: (found.pop() if len(found) == 1 else "Fermé")
            for day, found in reasons.items() if "" not in found}


def _closed_day_labels(unit: Unit, site_id: uuid.UUID, first_day: date, last_day: date,
                       ) -> dict[date, str]:
    return {row.day: row.label for row in unit.session.execute(
        select(ClosedDay.day, ClosedDay.label).where(
            ClosedDay.site_id == site_id, ClosedDay.day.between(first_day, last_day)))}


def next_open_day(unit: Unit, site_id: uuid.UUID, now: datetime, *, within: int = 366,
                  ) -> date:
    """The first day from ``now`` on (the site's local date) on which the site still
    receives the public: today while it has not closed for the day, else the next day it
    opens. Today when it opens on none of the next ``within`` days."""
    unit.require(Permission.BOOK_APPOINTMENTS)
    site = rows.load(unit, Site, site_id)
    local_now = now.astimezone(ZoneInfo(site.time_zone))
    today = local_now.date()
    calendar, week = WorkingCalendar(site.department), opening_hours(unit, site_id)
    closed = _closed_day_labels(unit, site_id, today, today + timedelta(days=within))
    for offset in range(within + 1):
        day = today + timedelta(days=offset)
        if _day_closed(site, calendar, week, closed, day):
            continue
        if day == today and local_now.time() >= max(c for _o, c in week[day.weekday()]):
            continue  # closed for the day already
        return day
    return today


@dataclass(frozen=True)
class Closure:
    """A closed period in the site's time zone (aware datetimes). ``staff_id`` None closes
    the site; otherwise only that adviser is away."""

    starts_at: datetime
    ends_at: datetime
    label: str
    staff_id: uuid.UUID | None = None


def closures(
    unit: Unit, site_id: uuid.UUID, first_day: date, last_day: date,
    staff_ids: tuple[uuid.UUID, ...] = (),
) -> list[Closure]:
    """When the site is closed from ``first_day`` to ``last_day`` (inclusive): whole days
    (public holidays by their French name, closed days, days without opening hours), the
    hours around and between the opening intervals (lunch), and the absences of
    ``staff_ids``."""
    session = unit.session
    unit.require(Permission.BOOK_APPOINTMENTS)
    site = rows.load(unit, Site, site_id)
    zone = ZoneInfo(site.time_zone)
    calendar = WorkingCalendar(site.department)
    week = opening_hours(unit, site_id)
    closed_days = {row.day: row.label for row in session.execute(
        select(ClosedDay.day, ClosedDay.label).where(
            ClosedDay.site_id == site_id,
            ClosedDay.day.between(first_day, last_day)))}
    found: list[Closure] = []
    day = first_day
    while day <= last_day:
        midnight = datetime.combine(day, time(), zone)
        next_midnight = datetime.combine(day + timedelta(days=1), time(), zone)
        whole_day = (calendar.holiday_name(day) or closed_days.get(day)
                     or ("" if week.get(day.weekday()) else "Fermé"))
        if day in closed_days and not whole_day:
            whole_day = "Fermeture exceptionnelle"
        if whole_day:
            found.append(Closure(midnight, next_midnight, whole_day))
        else:
            edges = [midnight]
            for opens, closes in week[day.weekday()]:
                edges += [datetime.combine(day, opens, zone), datetime.combine(day, closes, zone)]
            edges.append(next_midnight)
            for start, end in zip(edges[::2], edges[1::2], strict=True):
                if start < end:
                    found.append(Closure(start, end, "Fermé"))
        day += timedelta(days=1)
    if staff_ids:
        starts = datetime.combine(first_day, time(), zone)
        ends = datetime.combine(last_day + timedelta(days=1), time(), zone)
        for absence in session.scalars(select(Absence).where(
                Absence.staff_id.in_(staff_ids),
                Absence.starts_at < ends, Absence.ends_at > starts)):
            found.append(Closure(absence.starts_at.astimezone(zone),
                                 absence.ends_at.astimezone(zone),
                                 absence.label or "Absence", absence.staff_id))
    return found
