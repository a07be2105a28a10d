"""Conflicts made as they happen at a permanence, for the tests of « Conflits à résoudre »
(db and GUI): a colleague at the office edits the phone the laptop edits too, deletes a
record the laptop edits, takes the slot the laptop books.

Each is made against the demo office of ``tests.db.office_setup`` and a replica built from it,
then pushed (``laptop.sync``). A pull is bounded by the oldest transaction running on the
whole server (``db.sync.server``), and another suite may hold one for a moment: what a test
needs pulled it waits for (``pull_until``), never a fixed time.
"""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import replace
from datetime import date, timedelta

import psycopg
from sqlalchemy import select

from db.agenda import booking, slots
from db.agenda.booking import BookingRequest
from db.agenda.models import Appointment, AppointmentKind, Channel
from db.agenda.setup import list_motives
from db.org import accounts
from db.org.passwords import DEMO_PASSWORD
from db.people import records
from db.store import Store
from db.sync import laptop
from db.sync.tables import Scope, table
from db.unit import rows
from tests.db.office_setup import connect


def actor(replica: Store, login: str = "conseiller01"):
    return accounts.sign_in(replica, login, DEMO_PASSWORD).actor


def live_person(replica: Store, with_phone: bool = True) -> uuid.UUID:
    person = table("person")
    condition = person.c.phone.is_not(None) if with_phone else person.c.id.is_not(None)
    with replica.engine.connect() as connection:
        return connection.execute(select(person.c.id).where(
            person.c.deleted_at.is_(None), person.c.nir.is_not(None), condition)
            .order_by(person.c.id)).scalars().first()


def edit_phone(store: Store, who, person_id: uuid.UUID, phone: str) -> None:
    """What the record's form does: the phone changed on the version shown."""
    with store.unit(who) as unit:
        shown = records.get_person(unit, person_id)
        records.update_person(unit, person_id, shown.version, replace(shown.data, phone=phone))


OFFICE_CITY, LAPTOP_CITY = "Voiron", "Vinay"


def phone_conflict(office, replica: Store, server: Store, who, *, with_city: bool = False
                   ) -> tuple[uuid.UUID, str, str]:
    """The office and the laptop both change a person's phone (``with_city``: and their
    town, one conflict of two fields, to combine). Returns the person, the phone the office
    gave them and the laptop's (new ones each time: the office is shared by a module's
    tests)."""
    person_id = live_person(replica)
    office_phone = f"+334760{random.randrange(10**5):05d}"
    laptop_phone = f"+336110{random.randrange(10**5):05d}"
    city = {"city": OFFICE_CITY} if with_city else {}
    with connect(office, "conseiller02") as colleague:
        colleague.execute("UPDATE person SET phone = %s, phone_digits = %s, city = "
                          "coalesce(%s, city), version = version + 1 WHERE id = %s",
                          (office_phone, "0" + office_phone[3:], city.get("city"), person_id))
    with replica.unit(who) as unit:  # what the record's form does
        shown = records.get_person(unit, person_id)
        records.update_person(unit, person_id, shown.version, replace(
            shown.data, phone=laptop_phone, **({"city": LAPTOP_CITY} if with_city else {})))
    laptop.sync(replica, server)
    return person_id, office_phone, laptop_phone


OFFICE_NOTE, LAPTOP_NOTE = "Rappeler avant 10 h", "Vient avec sa fille"


def note_conflict(office, replica: Store, server: Store, who) -> uuid.UUID:
    """Both write an appointment's note: a text « Combiner » may keep whole from both."""
    appointment = table("appointment")
    with replica.engine.connect() as connection:
        appointment_id = connection.execute(select(appointment.c.id).where(
            appointment.c.deleted_at.is_(None), appointment.c.workshop_session_id.is_(None),
            appointment.c.note != OFFICE_NOTE)
            .order_by(appointment.c.id)).scalars().first()
    with connect(office, "conseiller02") as colleague:
        colleague.execute("UPDATE appointment SET note = %s, version = version + 1 "
                          "WHERE id = %s", (OFFICE_NOTE, appointment_id))
    with replica.unit(who) as unit:  # the save path, as the appointment's forms use it
        rows.save(unit, unit.session.get(Appointment, appointment_id), {"note": LAPTOP_NOTE})
    laptop.sync(replica, server)
    return appointment_id


def deletion_conflict(office, replica: Store, server: Store, who) -> uuid.UUID:
    """The office removes a person (a duplicate) while the laptop edits their phone."""
    person_id = live_person(replica)
    with connect(office) as owner:
        owner.execute("UPDATE person SET deleted_at = now(), version = version + 1 "
                      "WHERE id = %s", (person_id,))
    edit_phone(replica, who, person_id, f"06 22 33 {random.randrange(10, 99)} 55")
    laptop.sync(replica, server)
    return person_id


def colliding_booking(office, replica: Store, server: Store, who) -> BookingRequest:
    """The laptop books a physical appointment on a slot it sees free, which the office gave
    someone else meanwhile; the sync's push is refused. Returns the laptop's request."""
    site_ids = sorted(Scope.from_state(laptop.state(replica)["scope"]).site_ids)
    with replica.unit(who) as unit:
        motive = next(m for m in list_motives(unit, on=date.today())
                      if AppointmentKind.PHYSICAL in m.kinds and slots.free_slots(
                          unit, m.id, AppointmentKind.PHYSICAL, site_ids,
                          date.today() + timedelta(days=2), date.today() + timedelta(days=20)))
        free = slots.free_slots(unit, motive.id, AppointmentKind.PHYSICAL, site_ids,
                                date.today() + timedelta(days=2),
                                date.today() + timedelta(days=20))
    person_id = live_person(replica)
    for slot in random.Random(13).sample(free, min(len(free), 40)):
        if _taken_at_the_office(office, slot, person_id):
            break
    else:
        raise AssertionError("no slot the office could take")
    request = BookingRequest(person_id, slot.adviser_id, slot.site_id, motive.id,
                             AppointmentKind.PHYSICAL, slot.starts_at, Channel.FRANCE_SERVICES,
                             "Apporter les bulletins de salaire")
    with replica.unit(who) as unit:
        booking.book_appointment(unit, request)
    laptop.sync(replica, server)
    return request


def _taken_at_the_office(office, slot, person_id: uuid.UUID) -> bool:
    """The office books the same adviser at the same time (False: the adviser is busy
    there already, at a site the laptop does not hold)."""
    appointment = table("appointment")
    copied = [c.name for c in appointment.c if c.name not in (
        "id", "starts_at", "ends_at", "adviser_id", "site_id", "status", "person_id",
        "workshop_session_id", "rescheduled_from_id", "deleted_at", "ical_uid")]
    with connect(office) as owner:
        try:
            owner.execute(
                f"INSERT INTO appointment (id, starts_at, ends_at, adviser_id, site_id, status, "
                f"person_id, ical_uid, {', '.join(copied)}) SELECT gen_random_uuid(), %s, %s, "
                f"%s, %s, 'booked', %s, gen_random_uuid()::text, {', '.join(copied)} "
                "FROM appointment WHERE workshop_session_id IS NULL AND deleted_at IS NULL "
                "LIMIT 1", (slot.starts_at, slot.ends_at, slot.adviser_id, slot.site_id,
                            person_id))
        except psycopg.errors.ExclusionViolation:
            return False
    return True


def pull_until(replica: Store, server: Store, arrived, timeout: float = 60) -> None:
    """Pull until ``arrived()`` (what the test needs from the server is on the laptop)."""
    deadline = time.monotonic() + timeout
    while True:
        laptop.pull(replica, server)
        if arrived():
            return
        if time.monotonic() > deadline:
            raise AssertionError("the server's change never reached the laptop")
        time.sleep(0.2)


def office_value(office, query: str, *parameters):
    with connect(office) as owner:
        return owner.execute(query, parameters).fetchone()[0]
