"""iCal files: read back by two independent parsers and by a real CalDAV server, with the
same instants in summer, in winter and overseas; the form RFC 5545 and Outlook expect."""

from __future__ import annotations

import socket
import subprocess
import sys
import time as clock
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from db.agenda.appointments import CalendarEntry, Invitation
from db.agenda.models import AppointmentKind
from desktop.documents import ical

STAMP = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def entry(uid: str, local: datetime, *, kind=AppointmentKind.PHONE, minutes=30,
          cancelled=False, **changes) -> CalendarEntry:
    values = dict(
        uid=uid, sequence=0, starts_at=local.astimezone(UTC),
        ends_at=(local + timedelta(minutes=minutes)).astimezone(UTC),
        time_zone=local.tzinfo.key, kind=kind, cancelled=cancelled, person_label="Mme D.",
        motive_code="IJ", site_name="Agence de Grenoble",
        site_address="2 rue des Alliés, 38100 Grenoble", updated_at=STAMP)
    values.update(changes)
    return CalendarEntry(**values)


PARIS, GUADELOUPE, REUNION = (ZoneInfo(k) for k in
                              ("Europe/Paris", "America/Guadeloupe", "Indian/Reunion"))
ENTRIES = [
    entry("winter@guichet", datetime(2026, 1, 12, 9, 0, tzinfo=PARIS)),
    entry("summer@guichet", datetime(2026, 7, 6, 9, 0, tzinfo=PARIS),
          kind=AppointmentKind.PHYSICAL, sequence=3),
    entry("before-change@guichet", datetime(2026, 3, 27, 16, 0, tzinfo=PARIS)),
    entry("after-change@guichet", datetime(2026, 3, 30, 16, 0, tzinfo=PARIS), cancelled=True),
    entry("guadeloupe@guichet", datetime(2026, 7, 6, 8, 30, tzinfo=GUADELOUPE),
          kind=AppointmentKind.VIDEO),
    entry("reunion@guichet", datetime(2026, 12, 14, 14, 0, tzinfo=REUNION)),
]
EXPECTED = {e.uid: (e.starts_at, e.ends_at) for e in ENTRIES}


def test_two_independent_parsers_read_the_same_instants():
    data = ical.publish(ENTRIES, stamp=STAMP)
    by_icalendar = {
        str(event["uid"]): (event.decoded("dtstart").astimezone(UTC),
                            event.decoded("dtend").astimezone(UTC))
        for event in icalendar.Calendar.from_ical(data).walk("VEVENT")
    }
    # vobject builds its time zones from the VTIMEZONE blocks of the file itself.
    parsed = vobject.readOne(data.decode("utf-8"))
    by_vobject = {
        event.uid.value: (event.dtstart.value.astimezone(UTC), event.dtend.value.astimezone(UTC))
        for event in parsed.vevent_list
    }
    assert by_icalendar == by_vobject == EXPECTED
    summer = parsed.vevent_list[1].dtstart.value
    assert summer.utcoffset() == timedelta(hours=2) and summer.hour == 9
    winter = parsed.vevent_list[0].dtstart.value
    assert winter.utcoffset() == timedelta(hours=1) and winter.hour == 9


def test_publish_has_the_form_calendars_expect():
    data = ical.publish(ENTRIES, stamp=STAMP)
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")
    for line in lines:
        assert len(line) <= 75
        line.decode("utf-8")  # folding never cuts a character in two
    text = icalendar.Calendar.from_ical(data)
    assert text["method"] == "PUBLISH"
    assert b"ATTENDEE" not in data and b"ORGANIZER" not in data
    assert b"TZID=UTC" not in data and b"RDATE" not in data
    assert b"DTSTAMP:20260601T080000Z\r\n" in data
    assert b"DTSTART;TZID=Europe/Paris:20260706T090000\r\n" in data
    zones = {str(z["tzid"]): z for z in text.walk("VTIMEZONE")}
    assert set(zones) == {"Europe/Paris", "America/Guadeloupe", "Indian/Reunion"}
    paris = [c.name for c in zones["Europe/Paris"].subcomponents]
    assert sorted(paris) == ["DAYLIGHT", "STANDARD"]
    assert all("RRULE" in c for c in zones["Europe/Paris"].subcomponents)
    assert [c.name for c in zones["America/Guadeloupe"].subcomponents] == ["STANDARD"]
    events = {str(e["uid"]): e for e in text.walk("VEVENT")}
    assert str(events["summer@guichet"]["summary"]) == "RDV à l'accueil — Mme D. — IJ"
    assert str(events["winter@guichet"]["summary"]) == "RDV téléphonique — Mme D. — IJ"
    assert events["summer@guichet"]["sequence"] == 3
    assert events["after-change@guichet"]["status"] == "CANCELLED"
    assert events["winter@guichet"]["status"] == "CONFIRMED"


def test_text_is_escaped_and_long_lines_folded():
    awkward = "Maison France Services; bâtiment B, 1er étage\\accueil\nporte 2 " + "é" * 80
    data = ical.publish([entry("odd@guichet", datetime(2026, 7, 6, 9, 0, tzinfo=PARIS),
                               kind=AppointmentKind.PHYSICAL, site_name=awkward,
                               site_address="")], stamp=STAMP)
    assert b"Services\\; b\xc3\xa2timent B\\, 1er" in data and b"\\\\accueil\\nporte" in data
    (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert str(event["location"]) == awkward
    assert vobject.readOne(data.decode()).vevent.location.value == awkward
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))


def test_invitation_and_its_cancellation_share_the_uid():
    invitation = Invitation(ENTRIES[1], "marie.dupont@exemple.fr", "Agence de Grenoble",
                            "accueil.grenoble@cpam-isere.fr")
    request = icalendar.Calendar.from_ical(ical.invitation_request(invitation, stamp=STAMP))
    cancel = icalendar.Calendar.from_ical(ical.invitation_cancel(invitation, stamp=STAMP))
    assert (request["method"], cancel["method"]) == ("REQUEST", "CANCEL")
    (invited,), (cancelled,) = request.walk("VEVENT"), cancel.walk("VEVENT")
    assert invited["uid"] == cancelled["uid"] == "summer@guichet"
    assert str(invited["organizer"]) == "mailto:accueil.grenoble@cpam-isere.fr"
    assert invited["organizer"].params["CN"] == "Agence de Grenoble"
    assert str(invited["attendee"]) == "mailto:marie.dupont@exemple.fr"
    assert (invited["status"], cancelled["status"]) == ("CONFIRMED", "CANCELLED")


# -- a real CalDAV server --------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def radicale(tmp_path):
    pytest.importorskip("radicale")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--server-hosts", f"127.0.0.1:{port}",
         "--storage-filesystem-folder", str(tmp_path / "collections"),
         "--auth-type", "none", "--logging-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = clock.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if server.poll() is not None or clock.monotonic() > deadline:
                server.kill()
                pytest.fail(f"Radicale did not start: {server.stderr.read().decode()}")
            clock.sleep(0.05)
    yield f"http://127.0.0.1:{port}/"
    server.terminate()
    server.wait(timeout=10)


def test_a_caldav_server_accepts_every_event_and_gives_the_same_instants(radicale):
    caldav = pytest.importorskip("caldav")
    exported = icalendar.Calendar.from_ical(ical.publish(ENTRIES, stamp=STAMP))
    zones = {str(z["tzid"]): z for z in exported.walk("VTIMEZONE")}
    with caldav.DAVClient(url=radicale, username="guichet", password="") as client:
        calendar = client.principal().make_calendar(name="Guichet")
        for event in exported.walk("VEVENT"):
            # A CalDAV resource holds one event with its zone, and no METHOD (RFC 4791).
            resource = icalendar.Calendar()
            resource.add("prodid", ical.PRODUCT_ID)
            resource.add("version", "2.0")
            resource.add_component(zones[event["dtstart"].params["TZID"]])
            resource.add_component(event)
            calendar.save_event(resource.to_ical().decode())
        read_back = {
            str(component["uid"]): (component.decoded("dtstart").astimezone(UTC),
                                    component.decoded("dtend").astimezone(UTC))
            for stored in calendar.events()
            for component in icalendar.Calendar.from_ical(stored.data).walk("VEVENT")
        }
    assert read_back == EXPECTED
