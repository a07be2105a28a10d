"""Resolving the laptop's conflicts against a real server (issue 13, « Conflits à résoudre »):
keeping the office's version, taking the laptop's again as a new journaled edit that the next
sync pushes with the server's version as its base, and booking again on a free slot what the
server refused — each conflict said in words first.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from sqlalchemy import select

from db import validation
from db.agenda import slots
from db.errors import NotFound, ValidationError
from db.replica.models import replica_op
from db.sync import conflicts, laptop
from db.sync.resolve import combine, rebook, resolve
from db.sync.tables import table
from tests.db.replica_conflicts_setup import (
    LAPTOP_NOTE,
    OFFICE_CITY,
    OFFICE_NOTE,
    actor,
    colliding_booking,
    deletion_conflict,
    edit_phone,
    note_conflict,
    office_value,
    phone_conflict,
    pull_until,
)
from tests.db.test_replica_sync import permanence  # noqa: F401

pytestmark = pytest.mark.postgres
PHONE = "SELECT phone FROM person WHERE id = %s"


def views(replica) -> list[conflicts.ConflictView]:
    with replica.unit(actor(replica)) as unit:
        return conflicts.open_conflicts(unit.session)


def local(replica, name: str, row_id, column: str):
    target = table(name)
    with replica.engine.connect() as connection:
        return connection.execute(select(target.c[column]).where(
            target.c.id == row_id)).scalar_one()


def journaled(replica, name: str) -> list[dict]:
    with replica.engine.connect() as connection:
        return [dict(row) for row in connection.execute(select(replica_op).where(
            replica_op.c.table_name == name, replica_op.c.pushed_at.is_(None))).mappings()]


def test_a_conflict_is_said_in_words_with_both_versions(office, permanence):  # noqa: F811
    replica, server = permanence
    _person, office_phone, laptop_phone = phone_conflict(office, replica, server, actor(replica))
    [view] = views(replica)
    assert view.kind == "field" and view.what.startswith("Personne — ")
    assert view.who == office_value(office, "SELECT first_name || ' ' || last_name FROM staff "
                                            "WHERE login = 'conseiller01'")
    assert view.reason == "Modifié aussi au bureau."
    [field] = view.fields
    assert (field.label, field.laptop, field.server) == (
        "Téléphone", validation.format_phone(laptop_phone),
        validation.format_phone(office_phone))
    assert view.laptop_refused == "" and view.rebooking is None
    assert laptop.standing(replica).status.endswith("0 modification à envoyer · 1 conflit")


def test_keeping_the_office_s_version_shows_it_and_sends_nothing(office, permanence):  # noqa: F811
    replica, server = permanence
    who = actor(replica)
    person_id, office_phone, _laptop_phone = phone_conflict(office, replica, server, who)
    with replica.unit(who) as unit:
        resolve(unit, views(replica)[0].id, "server")
    assert local(replica, "person", person_id, "phone") == office_phone
    assert local(replica, "person", person_id, "phone_digits") == "0" + office_phone[3:]
    assert laptop.open_conflicts(replica) == 0 and laptop.pending_changes(replica) == 0
    assert laptop.sync(replica, server).conflicts == 0
    assert office_value(office, PHONE, person_id) == office_phone


def test_taking_the_laptop_s_version_again_is_a_journaled_edit_the_next_sync_sends(
        office, permanence):  # noqa: F811
    replica, server = permanence
    who = actor(replica)
    person_id, office_phone, laptop_phone = phone_conflict(office, replica, server, who)
    with replica.unit(who) as unit:
        resolve(unit, views(replica)[0].id, "laptop")
        assert "person" in unit.changes
    [edit] = journaled(replica, "person")
    assert edit["kind"] == "update"
    assert edit["fields"]["phone"] == [office_phone, laptop_phone]  # the office's as base
    assert journaled(replica, "audit_event")  # audited like any edit
    assert laptop.standing(replica).status.endswith("1 modification à envoyer")
    report = laptop.sync(replica, server)
    assert (report.pushed, report.conflicts) == (1, 0)
    assert office_value(office, PHONE, person_id) == laptop_phone


def test_a_field_edited_again_on_the_laptop_keeps_that_edit(office, permanence):  # noqa: F811
    replica, server = permanence
    who = actor(replica)
    person_id, _office, _laptop = phone_conflict(office, replica, server, who)
    newer = f"+33699{random.randrange(10**6):06d}"
    edit_phone(replica, who, person_id, newer)  # before choosing
    with replica.unit(who) as unit:
        resolve(unit, views(replica)[0].id, "server")
    assert local(replica, "person", person_id, "phone") == newer
    assert laptop.sync(replica, server).conflicts == 0
    assert office_value(office, PHONE, person_id) == newer


def test_a_conflict_resolved_twice_is_refused_in_french(office, permanence):  # noqa: F811
    replica, server = permanence
    who = actor(replica)
    phone_conflict(office, replica, server, who)
    conflict_id = views(replica)[0].id
    with replica.unit(who) as unit:
        resolve(unit, conflict_id, "server")
    with pytest.raises(NotFound, match="déjà résolu"), replica.unit(who) as unit:
        resolve(unit, conflict_id, "laptop")


def test_a_record_deleted_at_the_office_comes_back_with_the_laptop_s_version(
        office, permanence):  # noqa: F811
    replica, server = permanence
    who = actor(replica)
    person_id = deletion_conflict(office, replica, server, who)
    [view] = views(replica)
    assert view.kind == "deleted" and view.reason == "Supprimé au bureau."
    pull_until(replica, server,
               lambda: local(replica, "person", person_id, "deleted_at") is not None)
    with replica.unit(who) as unit:
        resolve(unit, view.id, "laptop")
    assert local(replica, "person", person_id, "deleted_at") is None
    assert laptop.sync(replica, server).conflicts == 0
    assert office_value(office, "SELECT deleted_at IS NULL FROM person WHERE id = %s",
                        person_id)
    assert office_value(office, PHONE, person_id) == local(replica, "person", person_id, "phone")


def test_a_refused_booking_is_one_conflict_with_the_person_to_call_back(
        office, permanence):  # noqa: F811
    replica, server = permanence
    who = actor(replica)
    request = colliding_booking(office, replica, server, who)
    assert len(laptop.conflicts(replica)) >= 2  # its preparation or its message came with it
    assert laptop.open_conflicts(replica) == 1
    [view] = views(replica)
    assert view.kind == "refused" and "créneau" in view.reason
    assert set(view.with_it) <= {"Préparation", "Message à une personne"} and view.with_it
    assert view.rebooking.person_id == request.person_id
    assert view.rebooking.site_id == request.site_id and view.rebooking.note
    assert "—" in view.rebooking.person  # the name and the phone to call
    labels = {field.label: field.laptop for field in view.fields}
    assert labels["Motif"] and labels["Canal"] == "France Services"
    assert labels["Type"] == "Physique" and labels["Début"] == view.rebooking.refused_slot
    with pytest.raises(ValidationError, match="créneau libre"), replica.unit(who) as unit:
        resolve(unit, view.id, "laptop")


def test_a_refused_booking_is_booked_again_on_a_free_slot(office, permanence):  # noqa: F811
    from datetime import date, timedelta

    replica, server = permanence
    who = actor(replica)
    request = colliding_booking(office, replica, server, who)
    [view] = views(replica)
    with replica.unit(who) as unit:
        free = slots.free_slots(unit, request.motive_id, request.kind, [request.site_id],
                                date.today() + timedelta(days=2),
                                date.today() + timedelta(days=27))
    slot = next(s for s in free if s.starts_at != request.starts_at)
    with replica.unit(who) as unit:
        new_id = rebook(unit, view.id, replace(request, adviser_id=slot.adviser_id,
                                               starts_at=slot.starts_at))
    assert laptop.open_conflicts(replica) == 0 and laptop.conflicts(replica) == []
    assert laptop.sync(replica, server).conflicts == 0
    assert office_value(office, "SELECT count(*) FROM appointment WHERE id = %s "
                                "AND status = 'booked'", new_id) == 1


def test_keeping_the_office_s_version_of_a_refused_booking_resolves_what_came_with_it(
        office, permanence):  # noqa: F811
    replica, server = permanence
    who = actor(replica)
    colliding_booking(office, replica, server, who)
    with replica.unit(who) as unit:
        resolve(unit, views(replica)[0].id, "server")
    assert laptop.conflicts(replica) == [] and laptop.pending_changes(replica) == 0


def test_combining_keeps_the_office_s_value_of_one_field_and_the_laptop_s_of_another(
        office, permanence):  # noqa: F811
    replica, server = permanence
    who = actor(replica)
    person_id, office_phone, laptop_phone = phone_conflict(office, replica, server, who,
                                                           with_city=True)
    [view] = views(replica)
    assert {field.name: field.both_texts for field in view.fields} == {
        "phone": False, "city": False}
    with replica.unit(who) as unit, pytest.raises(ValidationError):
        combine(unit, view.id, {"phone": "both", "city": "server"})  # no text to join
    with replica.unit(who) as unit:
        combine(unit, view.id, {"phone": "laptop", "city": "server"})
    assert (local(replica, "person", person_id, "phone"),
            local(replica, "person", person_id, "city")) == (laptop_phone, OFFICE_CITY)
    [edit] = journaled(replica, "person")
    assert edit["fields"]["phone"] == [office_phone, laptop_phone]
    assert "city" not in edit["fields"]  # the office's: nothing to send
    assert laptop.sync(replica, server).conflicts == 0
    assert office_value(office, PHONE, person_id) == laptop_phone
    assert office_value(office, "SELECT city FROM person WHERE id = %s",
                        person_id) == OFFICE_CITY


def test_combining_a_note_written_on_both_sides_keeps_both_texts(office, permanence):  # noqa: F811
    replica, server = permanence
    who = actor(replica)
    appointment_id = note_conflict(office, replica, server, who)
    [view] = views(replica)
    [note] = view.fields
    assert note.both_texts and (note.laptop, note.server) == (LAPTOP_NOTE, OFFICE_NOTE)
    with replica.unit(who) as unit:
        combine(unit, view.id, {"note": "both"})
    both = f"{OFFICE_NOTE}\n\n{LAPTOP_NOTE}"
    assert local(replica, "appointment", appointment_id, "note") == both
    assert laptop.sync(replica, server).conflicts == 0
    assert office_value(office, "SELECT note FROM appointment WHERE id = %s",
                        appointment_id) == both
