"""The phone appointments the demo's worklists booked (a part of the pathways step).

Each « RDV pris » line gets a real appointment, booked during the call that reached the
person: a phone slot a few working days later, with an adviser who takes phone calls then,
in a gap of their agenda (the appointments the agenda step laid out stay where they are;
``adviser_busy`` refuses any overlap). A past one is honoured, or the person did not answer,
now and then it is still « à renseigner »; a recent booking is still to come. A few were
moved once: the old row is « reporté » and the entry names the new one, as
``db.pathways.follow`` keeps it when an adviser moves it.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from db.agenda.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Availability,
    Channel,
    Motive,
    WorkshopSession,
)
from db.agenda.slots import local_instant
from db.org.models import Site
from db.workdays import WorkingCalendar

PAST_OUTCOMES = ((AppointmentStatus.HONOURED, 78), (AppointmentStatus.NO_SHOW, 15),
                 (AppointmentStatus.BOOKED, 7))  # the last: « à renseigner »
MOVED_SHARE = 0.06
STEP = timedelta(minutes=15)  # slots start on quarter hours
DAYS_AHEAD = 12  # days tried after the call before giving the line up
# Appointments that keep an adviser at their desk.
_HELD = (AppointmentStatus.BOOKED, AppointmentStatus.HONOURED, AppointmentStatus.NO_SHOW)


@dataclass(frozen=True)
class _Window:
    staff_id: uuid.UUID
    site_id: uuid.UUID
    weekday: int
    starts: time
    ends: time


@dataclass
class _Site:
    zone: ZoneInfo
    calendar: WorkingCalendar
    break_minutes: int


@dataclass
class PathwayBookings:
    """Finds free phone slots and writes the appointments of booked entries."""

    context: object
    rng: random.Random
    motives: dict[str, tuple[uuid.UUID, int]] = field(default_factory=dict)  # code → id, min
    rows: list[dict] = field(default_factory=list)
    _windows: list[_Window] = field(default_factory=list)
    _sites: dict[uuid.UUID, _Site] = field(default_factory=dict)
    _taken: dict[tuple[uuid.UUID, date], list[tuple[datetime, datetime]]] = field(
        default_factory=dict)

    def __post_init__(self) -> None:
        session = self.context.session
        self.motives = {code: (motive_id, minutes) for code, motive_id, minutes in
                        session.execute(select(Motive.code, Motive.id, Motive.default_minutes))}
        self._windows = [_Window(*row) for row in session.execute(
            select(Availability.staff_id, Availability.site_id, Availability.weekday,
                   Availability.starts, Availability.ends)
            .where(Availability.kind == AppointmentKind.PHONE)
            .order_by(Availability.staff_id, Availability.weekday, Availability.starts))]
        for site in session.scalars(select(Site)):
            self._sites[site.id] = _Site(ZoneInfo(site.time_zone),
                                         WorkingCalendar(site.department), site.break_minutes)

    def book(self, person_id: uuid.UUID, motive_code: str, called_at: datetime,
             booked_by: uuid.UUID) -> uuid.UUID | None:
        """The appointment booked during the call at ``called_at`` (None: no free slot)."""
        motive = self.motives.get(motive_code)
        if motive is None or not self._windows:
            return None
        motive_id, minutes = motive
        moved = self.rng.random() < MOVED_SHARE
        found = self._free_slot(called_at, minutes, skip=2 if moved else 0)
        if found is None:
            return None
        window, starts_at = found
        now = self.context.midnight
        status = (self._pick(PAST_OUTCOMES) if starts_at + timedelta(minutes=minutes) < now
                  else AppointmentStatus.BOOKED)
        row = self._row(person_id, window, motive_id, starts_at, minutes, status, called_at,
                        booked_by)
        if moved:
            # First booked two days earlier, then moved here a little after the call.
            first = self._row(person_id, window, motive_id, starts_at - timedelta(days=2),
                              minutes, AppointmentStatus.RESCHEDULED, called_at, booked_by,
                              ical_uid=row["ical_uid"])
            first["updated_at"] = row["created_at"] = min(called_at + timedelta(hours=2), now)
            row["updated_at"] = max(row["updated_at"], row["created_at"])
            first["version"], first["ical_sequence"] = 2, 1
            row["ical_sequence"] += 1
            row["rescheduled_from_id"] = first["id"]
            self.rows.append(first)
        self.rows.append(row)
        return row["id"]

    def _pick(self, weighted) -> AppointmentStatus:
        return self.rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]

    def _free_slot(self, called_at: datetime, minutes: int,
                   skip: int) -> tuple[_Window, datetime] | None:
        """A quarter-hour start in a phone window of some adviser, the first free one of
        the first working day (after ``skip`` of them) that has one."""
        length = timedelta(minutes=minutes)
        windows = self.rng.sample(self._windows, len(self._windows))
        day = called_at.date()
        for _ in range(DAYS_AHEAD + skip):
            day += timedelta(days=1)
            if skip:
                skip -= 1
                continue
            for window in windows:
                site = self._sites[window.site_id]
                if window.weekday != day.weekday() or not site.calendar.is_working_day(day):
                    continue
                start = local_instant(day, window.starts, site.zone)
                end = local_instant(day, window.ends, site.zone)
                if start is None or end is None:
                    continue
                pause = timedelta(minutes=site.break_minutes)
                busy = self._busy(window.staff_id, day, start, end)
                moment = start + STEP * self.rng.randrange(4)
                while moment + length <= end:
                    until = moment + length + pause
                    if not any(s < until and moment < e for s, e in busy):
                        self._taken.setdefault((window.staff_id, day), []).append(
                            (moment, until))
                        return window, moment
                    moment += STEP
        return None

    def _busy(self, staff_id: uuid.UUID, day: date, start: datetime,
              end: datetime) -> list[tuple[datetime, datetime]]:
        """What keeps the adviser busy that day: appointments held or to hold and hosted
        sessions, each with the site's break, and the slots this step took already (past
        appointments have left ``adviser_busy``, which keeps only those to come)."""
        session = self.context.session
        held = session.execute(
            select(Appointment.starts_at, Appointment.ends_at, Appointment.site_id)
            .where(Appointment.adviser_id == staff_id,
                   Appointment.starts_at > start - timedelta(days=1),
                   Appointment.starts_at < end,
                   Appointment.workshop_session_id.is_(None),
                   Appointment.status.in_(_HELD))).all()
        hosted = session.execute(
            select(WorkshopSession.starts_at, WorkshopSession.ends_at, WorkshopSession.site_id)
            .where(WorkshopSession.host_id == staff_id,
                   WorkshopSession.starts_at > start - timedelta(days=1),
                   WorkshopSession.starts_at < end,
                   WorkshopSession.cancelled_at.is_(None))).all()
        return [(s, e + timedelta(minutes=self._sites[site_id].break_minutes))
                for s, e, site_id in (*held, *hosted)] + self._taken.get((staff_id, day), [])

    def _row(self, person_id, window: _Window, motive_id, starts_at: datetime, minutes: int,
             status: AppointmentStatus, booked_at: datetime, booked_by,
             **columns) -> dict:
        appointment_id = uuid.UUID(int=self.rng.getrandbits(128), version=4)
        ends_at = starts_at + timedelta(minutes=minutes)
        done = status in (AppointmentStatus.HONOURED, AppointmentStatus.NO_SHOW)
        return {
            "id": appointment_id, "created_at": booked_at,
            "updated_at": ends_at if done else booked_at, "version": 2 if done else 1,
            "deleted_at": None, "person_id": person_id, "adviser_id": window.staff_id,
            "site_id": window.site_id, "motive_id": motive_id, "kind": AppointmentKind.PHONE,
            "starts_at": starts_at, "ends_at": ends_at, "channel": Channel.PATHWAY,
            "status": status, "booked_by_id": booked_by, "note": "", "cancelled_by": None,
            "cancel_reason": "", "outcome_at": ends_at if done else None,
            "rescheduled_from_id": None, "workshop_session_id": None,
            "ical_uid": f"{appointment_id}@guichet", "ical_sequence": 1 if done else 0,
        } | columns

    def counts(self, ids: set[uuid.UUID]) -> dict[AppointmentStatus, int]:
        """How the appointments linked to entries stand, by status."""
        counts: dict[AppointmentStatus, int] = {}
        for row in self.rows:
            if row["id"] in ids:
                counts[row["status"]] = counts.get(row["status"], 0) + 1
        return counts
