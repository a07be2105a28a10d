"""iCalendar files (RFC 5545) of appointments: an adviser's export (``METHOD:PUBLISH``) and a
person's own invitation (``METHOD:REQUEST``) or its cancellation (``METHOD:CANCEL``).

``icalendar`` writes the lines: CRLF, folding at 75 octets without cutting a UTF-8
character, and escaping of ``; , \\`` and new lines in text values. What it would get wrong
for us is done here:
- time zones are written with yearly RRULEs derived from the zone's current rules; Outlook
  misreads the long RDATE lists that ``add_missing_timezones()`` produces;
- DTSTAMP and LAST-MODIFIED are UTC with ``Z``, never ``TZID=UTC``;
- nothing that could identify a person's health or identity: the entries come from
  ``db.agenda.appointments.CalendarEntry``, which holds no NIR, no note and no full name.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
)

from db.agenda.appointments import CalendarEntry, Invitation
from db.agenda.models import AppointmentKind

PRODUCT_ID = "-//Assurance Maladie//Guichet//FR"

KIND_SUMMARIES = {
    AppointmentKind.PHONE: "RDV téléphonique",
    AppointmentKind.PHYSICAL: "RDV à l'accueil",
    AppointmentKind.VIDEO: "RDV en visio",
    AppointmentKind.WORKSHOP: "Atelier",
}
_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def summary(entry: CalendarEntry) -> str:
    """« RDV téléphonique — Mme D. — IJ »."""
    parts = (KIND_SUMMARIES[entry.kind], entry.person_label, entry.motive_code)
    return " — ".join(part for part in parts if part)


def location(entry: CalendarEntry) -> str:
    if entry.kind is AppointmentKind.PHONE:
        return "Par téléphone"
    if entry.kind is AppointmentKind.VIDEO:
        return "En visio"
    return ", ".join(part for part in (entry.site_name, entry.site_address) if part)


# -- time zones ------------------------------------------------------------------------------

def _transitions(zone: ZoneInfo, year: int) -> list[datetime]:
    """The UTC instants where the zone's offset changes during ``year``."""
    found = []
    moment = datetime(year, 1, 1, tzinfo=UTC)
    offset = moment.astimezone(zone).utcoffset()
    while moment.year == year:
        following = moment + timedelta(hours=1)
        if following.astimezone(zone).utcoffset() != offset:
            found.append(following)
            offset = following.astimezone(zone).utcoffset()
        moment = following
    return found


def _yearly_rule(day: date) -> tuple[dict, date]:
    """The RRULE « n-th (or last) weekday of the month » matching ``day``, and its first
    occurrence in 1970 (the conventional DTSTART)."""
    last_day = calendar.monthrange(day.year, day.month)[1]
    ordinal = -1 if day.day + 7 > last_day else (day.day - 1) // 7 + 1
    code = _DAY_CODES[day.weekday()]
    weeks = calendar.monthcalendar(1970, day.month)
    matching = [week[day.weekday()] for week in weeks if week[day.weekday()]]
    first = date(1970, day.month, matching[ordinal if ordinal < 0 else ordinal - 1])
    return {"FREQ": "YEARLY", "BYMONTH": day.month, "BYDAY": f"{ordinal}{code}"}, first


def vtimezone(key: str, year: int) -> Timezone:
    """A VTIMEZONE with one STANDARD (and one DAYLIGHT) block and yearly rules, from the
    rules the zone follows in ``year``; a single STANDARD block for a zone without DST."""
    zone = ZoneInfo(key)
    component = Timezone()
    component.add("tzid", key)
    changes = _transitions(zone, year)
    if not changes:
        moment = datetime(year, 1, 1, tzinfo=UTC).astimezone(zone)
        block = TimezoneStandard()
        block.add("dtstart", datetime(1970, 1, 1))
        block.add("tzoffsetfrom", moment.utcoffset())
        block.add("tzoffsetto", moment.utcoffset())
        block.add("tzname", moment.tzname())
        component.add_component(block)
        return component
    for change in changes:
        before = (change - timedelta(seconds=1)).astimezone(zone)
        after = change.astimezone(zone)
        # The onset is written in the local time in force before the change (02:00, 03:00).
        onset = (change.replace(tzinfo=None) + before.utcoffset())
        rule, first = _yearly_rule(onset.date())
        block = TimezoneDaylight() if after.dst() else TimezoneStandard()
        block.add("dtstart", datetime.combine(first, onset.time()))
        block.add("tzoffsetfrom", before.utcoffset())
        block.add("tzoffsetto", after.utcoffset())
        block.add("tzname", after.tzname())
        block.add("rrule", rule)
        component.add_component(block)
    return component


# -- events and calendars ----------------------------------------------------------------------

def _event(entry: CalendarEntry, stamp: datetime, method: str) -> Event:
    zone = ZoneInfo(entry.time_zone)
    event = Event()
    event.add("uid", entry.uid)
    event.add("sequence", entry.sequence)
    event.add("dtstamp", stamp)
    event.add("last-modified", entry.updated_at.astimezone(UTC))
    event.add("dtstart", entry.starts_at.astimezone(zone))
    event.add("dtend", entry.ends_at.astimezone(zone))
    event.add("summary", summary(entry))
    event.add("location", location(entry))
    cancelled = entry.cancelled or method == "CANCEL"
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    return event


def _calendar(method: str, events: list[Event], zones: Iterable[str], year: int,
              name: str = "") -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODUCT_ID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:  # the calendar's display name in most clients
        cal.add("x-wr-calname", name)
    for key in sorted(set(zones)):
        cal.add_component(vtimezone(key, year))
    for event in events:
        cal.add_component(event)
    return cal.to_ical()


def _now(stamp: datetime | None) -> datetime:
    return (stamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)


def publish(entries: list[CalendarEntry], *, stamp: datetime | None = None,
            name: str = "") -> bytes:
    """An export for the adviser's own calendar: no ATTENDEE, no ORGANIZER."""
    stamp = _now(stamp)
    events = [_event(entry, stamp, "PUBLISH") for entry in entries]
    year = min((e.starts_at.year for e in entries), default=stamp.year)
    return _calendar("PUBLISH", events, (e.time_zone for e in entries), year, name)


def _addressed(invitation: Invitation, method: str, stamp: datetime | None) -> bytes:
    stamp = _now(stamp)
    event = _event(invitation.entry, stamp, method)
    organizer = vCalAddress(f"mailto:{invitation.organizer_email}")
    organizer.params["cn"] = invitation.organizer_name
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{invitation.attendee_email}")
    attendee.params["role"] = "REQ-PARTICIPANT"
    attendee.params["partstat"] = "NEEDS-ACTION"
    attendee.params["rsvp"] = "FALSE"
    event.add("attendee", attendee)
    entry = invitation.entry
    return _calendar(method, [event], [entry.time_zone], entry.starts_at.year)


def invitation_request(invitation: Invitation, *, stamp: datetime | None = None) -> bytes:
    """The person's own invitation (``METHOD:REQUEST``), organised by the site."""
    return _addressed(invitation, "REQUEST", stamp)


def invitation_cancel(invitation: Invitation, *, stamp: datetime | None = None) -> bytes:
    """The cancellation of that invitation: same UID, ``METHOD:CANCEL``."""
    return _addressed(invitation, "CANCEL", stamp)
