"""Free slots: where an appointment of a motive and kind can still be booked.

A slot lies inside an adviser's availability for that kind at a site, inside the site's
opening hours, on a working day of the site's département that is not an exceptional
closure, outside the adviser's absences and outside their busy time (``AdviserBusy``: other
appointments and hosted workshop sessions, each followed by its site's break), leaving this
site's break after it. Local wall-clock times are built day by day in the site's
time zone and only then converted to UTC, so a daylight-saving change never shifts a slot.
"""

from __future__ import annotations

import bisect
import math
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.agenda.models import (
    Absence,
    AdviserBusy,
    AppointmentKind,
    Availability,
    ClosedDay,
    Motive,
    OpeningHours,
)
from db.agenda.setup import load_motive, motive_allows
from db.base import require_aware, utcnow
from db.errors import ValidationError
from db.org.access import Permission
from db.org.models import Site, Staff
from db.unit import Unit
from db.wording import day as french_date
from db.workdays import WorkingCalendar

# Slots start on a multiple of this many minutes after a busy period ends.
GRID_MINUTES = 5
# No appointment, absence or session lasts longer: bounds the look-back of range queries.
LONGEST_BUSY = timedelta(days=31)

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # UTC
    ends_at: datetime
    adviser_id: uuid.UUID
    adviser_name: str
    site_id: uuid.UUID
    site_name: str
    time_zone: str

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(ZoneInfo(self.time_zone))


def local_instant(day: date, moment: time, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a local wall-clock time, or None if that time does not exist
    that day (skipped by a spring-forward change)."""
    local = datetime.combine(day, moment, zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return instant


def _days(start: date, end: date) -> Iterable[date]:
    for offset in range((end - start).days + 1):
        yield start + timedelta(days=offset)


def _intersect(a: list[tuple[time, time]], b: list[tuple[time, time]]):
    for a_start, a_end in a:
        for b_start, b_end in b:
            start, end = max(a_start, b_start), min(a_end, b_end)
            if start < end:
                yield start, end


def _subtract(window: Interval, busy: list[Interval], busy_starts: list[datetime]):
    """``window`` minus the sorted ``busy`` intervals, as free intervals."""
    start, end = window
    index = bisect.bisect_left(busy_starts, start - LONGEST_BUSY)
    for busy_start, busy_end in busy[index:]:
        if busy_start >= end:
            break
        if busy_end <= start:
            continue
        if busy_start > start:
            yield start, busy_start
        start = max(start, busy_end)
    if start < end:
        yield start, end


@dataclass(frozen=True)
class _SiteInfo:
    id: uuid.UUID
    name: str
    zone: ZoneInfo
    calendar: WorkingCalendar
    gap: timedelta  # the break an adviser keeps free after each appointment here


class AgendaSnapshot:
    """What the slot computation needs for some sites and advisers over a period, fetched
    once with one indexed query per table."""

    def __init__(
        self, session: Session, site_ids: Sequence[uuid.UUID], kind: AppointmentKind,
        first_day: date, last_day: date, *, adviser_id: uuid.UUID | None = None,
        ignore: uuid.UUID | None = None,
    ):
        self.first_day, self.last_day = first_day, last_day
        self.sites = {
            s.id: _SiteInfo(s.id, s.name, ZoneInfo(s.time_zone), WorkingCalendar(s.department),
                            timedelta(minutes=s.break_minutes))
            for s in session.scalars(
                select(Site).where(Site.id.in_(site_ids))
            )
        }
        # Bounds wide enough for every time zone (UTC−4 to UTC+4 for the French ones).
        self.start = datetime.combine(first_day - timedelta(days=1), time(), UTC)
        self.end = datetime.combine(last_day + timedelta(days=2), time(), UTC)

        self.opening: dict[tuple[uuid.UUID, int], list[tuple[time, time]]] = defaultdict(list)
        for row in session.execute(
            select(OpeningHours.site_id, OpeningHours.weekday, OpeningHours.opens,
                   OpeningHours.closes)
            .where(OpeningHours.site_id.in_(self.sites))
        ):
            self.opening[row.site_id, row.weekday].append((row.opens, row.closes))
        self.closed = {tuple(row) for row in session.execute(
            select(ClosedDay.site_id, ClosedDay.day).where(
                ClosedDay.site_id.in_(self.sites),
                ClosedDay.day.between(first_day, last_day))
        )}

        availability = (
            select(Availability.staff_id, Availability.site_id, Availability.weekday,
                   Availability.starts, Availability.ends, Staff.first_name, Staff.last_name)
            .join(Staff, Staff.id == Availability.staff_id)
            .where(Availability.site_id.in_(self.sites), Availability.kind == kind, Staff.active)
        )
        if adviser_id is not None:
            availability = availability.where(Availability.staff_id == adviser_id)
        self.availability: dict[tuple[uuid.UUID, uuid.UUID, int], list[tuple[time, time]]] = (
            defaultdict(list)
        )
        self.adviser_names: dict[uuid.UUID, str] = {}
        for row in session.execute(availability):
            self.availability[row.staff_id, row.site_id, row.weekday].append(
                (row.starts, row.ends))
            self.adviser_names[row.staff_id] = f"{row.first_name} {row.last_name}"

        advisers = list(self.adviser_names)
        self.absences = self._intervals(session, advisers, Absence.staff_id, Absence.starts_at,
                                        Absence.ends_at)
        # The appointment being moved does not block its new time.
        moved = [AdviserBusy.owner_id != ignore] if ignore is not None else []
        self.busy = self._intervals(session, advisers, AdviserBusy.staff_id,
                                    AdviserBusy.starts_at, AdviserBusy.busy_until, *moved)
        self._padded: dict[tuple[uuid.UUID, timedelta], tuple[list, list]] = {}

    def _intervals(self, session, advisers, owner, start, end, *conditions):
        found: dict[uuid.UUID, list[Interval]] = defaultdict(list)
        if not advisers:
            return found
        for row in session.execute(
            select(owner, start, end).where(
                owner.in_(advisers), start >= self.start - LONGEST_BUSY, start < self.end,
                end > self.start, *conditions)
        ):
            found[row[0]].append((row[1], row[2]))
        for intervals in found.values():
            intervals.sort()
        return found

    def open_windows(self) -> Iterable[tuple[uuid.UUID, _SiteInfo, Interval]]:
        """(adviser, site, UTC interval) where the adviser receives and is not absent,
        busy or not, day by day in local time."""
        for day in _days(self.first_day, self.last_day):
            for site in self.sites.values():
                # Opening hours say which weekdays a site opens (a platform may open on
                # Saturdays); public holidays close every site.
                if (site.id, day) in self.closed or site.calendar.holiday_name(day):
                    continue
                opening = self.opening.get((site.id, day.weekday()))
                if not opening:
                    continue
                for adviser in self.adviser_names:
                    available = self.availability.get((adviser, site.id, day.weekday()))
                    if not available:
                        continue
                    for start, end in _intersect(available, opening):
                        window = (local_instant(day, start, site.zone),
                                  local_instant(day, end, site.zone))
                        if None in window:
                            continue
                        absences = self.absences.get(adviser, [])
                        for part in _subtract(window, absences, [s for s, _ in absences]):
                            yield adviser, site, part

    def _busy_before(self, adviser: uuid.UUID, gap: timedelta) -> tuple[list, list]:
        """The adviser's busy times, each begun ``gap`` earlier: an appointment that ends
        outside them leaves its break free. With their starts, for bisection."""
        key = (adviser, gap)
        if key not in self._padded:
            busy = [(s - gap, e) for s, e in self.busy.get(adviser, [])]
            self._padded[key] = busy, [s for s, _ in busy]
        return self._padded[key]

    def free_windows(self) -> Iterable[tuple[uuid.UUID, _SiteInfo, Interval]]:
        """Where an appointment at a site may lie: its break after it stays free too."""
        for adviser, site, window in self.open_windows():
            for part in _subtract(window, *self._busy_before(adviser, site.gap)):
                yield adviser, site, part

    def overlaps_busy(self, adviser: uuid.UUID, site_id: uuid.UUID, interval: Interval) -> bool:
        """Whether an appointment at a site over ``interval`` (plus the site's break) would
        meet the adviser's busy time."""
        start, end = interval
        end += self.sites[site_id].gap
        return any(s < end and e > start for s, e in self.busy.get(adviser, []))


def _round_up(moment: datetime) -> datetime:
    # French time zones are whole hours off UTC, so the local grid is the UTC grid.
    excess = (moment.minute % GRID_MINUTES) * 60 + moment.second + moment.microsecond / 1e6
    return moment if not excess else moment + timedelta(seconds=GRID_MINUTES * 60 - excess)


@dataclass(frozen=True)
class BookingWindow:
    """How soon and how far ahead a motive may be booked, seen from ``now``."""

    now: datetime
    motive: Motive

    @property
    def earliest(self) -> datetime:
        return self.now + timedelta(hours=self.motive.min_notice_hours)

    def last_day(self, zone: ZoneInfo) -> date:
        """The last bookable day (inclusive), counted from today where the site is."""
        return self.now.astimezone(zone).date() + timedelta(days=self.motive.max_horizon_days)


def free_slots(
    unit: Unit, motive_id: uuid.UUID, kind: AppointmentKind,
    site_ids: Sequence[uuid.UUID], first_day: date, last_day: date, *,
    adviser_id: uuid.UUID | None = None, now: datetime | None = None,
    limit: int | None = None,
) -> list[Slot]:
    """Bookable slots of ``motive`` as ``kind`` at these sites between two local days
    (inclusive), earliest first; each adviser's slots are packed one after the other."""
    unit.require(Permission.BOOK_APPOINTMENTS)
    if kind is AppointmentKind.WORKSHOP:
        raise ValidationError({"kind": "Un atelier se réserve par ses sessions, pas par créneau."})
    if last_day < first_day:
        raise ValidationError({"last_day": f"La période est inversée : le {french_date(last_day)}"
                                           f" précède le {french_date(first_day)}."})
    motive = load_motive(unit, motive_id)
    if kind.value not in motive.kinds:
        raise ValidationError({"kind": motive_allows(motive, kind, first_day)})
    now = require_aware(now or utcnow())
    bounds = BookingWindow(now, motive)
    # Every site's horizon ends within a day of the UTC one; each slot is checked below.
    last_day = min(last_day, bounds.last_day(ZoneInfo("UTC")) + timedelta(days=1))
    if motive.active_to:
        last_day = min(last_day, motive.active_to)
    if motive.active_from:
        first_day = max(first_day, motive.active_from)
    if last_day < first_day:
        return []
    duration = timedelta(minutes=motive.default_minutes)
    snapshot = AgendaSnapshot(unit.session, site_ids, kind, first_day, last_day,
                              adviser_id=adviser_id)
    slots = []
    for adviser, site, (start, end) in snapshot.free_windows():
        moment = _round_up(start)
        step = duration + site.gap
        if moment < bounds.earliest:  # keep the window's rhythm: 09:30, not 09:10
            moment += step * math.ceil((bounds.earliest - moment) / step)
        horizon = bounds.last_day(site.zone)
        while moment + duration <= end:
            if moment.astimezone(site.zone).date() > horizon:
                break
            slots.append(Slot(moment, moment + duration, adviser,
                              snapshot.adviser_names[adviser], site.id, site.name,
                              site.zone.key))
            moment = _round_up(moment + step)
    slots.sort(key=lambda s: (s.starts_at, s.adviser_name, s.site_name))
    return slots[:limit] if limit else slots


def site_closed(session: Session, site: Site, starts_at: datetime, ends_at: datetime
                ) -> str | None:
    """Why ``site`` does not receive the public over [starts_at, ends_at[ (a public holiday,
    an exceptional closure, outside its opening hours), in French; None when it does."""
    zone = ZoneInfo(site.time_zone)
    local_start, local_end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    day = local_start.date()
    holiday = WorkingCalendar(site.department).holiday_name(day)
    if holiday:
        return f"Le {french_date(day)} est un jour férié ({holiday}) : « {site.name} » est fermé."
    if session.scalar(select(ClosedDay.id).where(
            ClosedDay.site_id == site.id, ClosedDay.day == day)):
        return f"« {site.name} » est exceptionnellement fermé le {french_date(day)}."
    opening = session.execute(select(OpeningHours.opens, OpeningHours.closes).where(
        OpeningHours.site_id == site.id, OpeningHours.weekday == day.weekday())).all()
    inside = local_end.date() == day and any(
        opens <= local_start.time() and local_end.time() <= closes for opens, closes in opening)
    if not inside:
        return (f"« {site.name} » n'est pas ouvert le {french_date(day)} de "
                f"{local_start:%H:%M} à {local_end:%H:%M} : choisissez une heure dans ses "
                "horaires d'ouverture.")
    return None


def adviser_busy(
    session: Session, adviser_id: uuid.UUID, starts_at: datetime, busy_until: datetime
) -> bool:
    """Whether the adviser's busy time (appointments, hosted sessions, their breaks) meets
    [starts_at, busy_until[."""
    return session.scalar(select(
        select(AdviserBusy.owner_id).where(
            AdviserBusy.staff_id == adviser_id,
            AdviserBusy.starts_at >= starts_at - LONGEST_BUSY,
            AdviserBusy.starts_at < busy_until, AdviserBusy.busy_until > starts_at,
        ).exists()))


def sector_sites(unit: Unit, sector: str) -> list[uuid.UUID]:
    """Every live site of a sector (France Services permanences are grouped by sector)."""
    return list(unit.session.scalars(
        select(Site.id).where(Site.sector == sector)
        .order_by(Site.name)
    ))
