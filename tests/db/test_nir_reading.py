"""Reading a NIR in clear is audited: ids only, one row per record handed over with the
NIR shown; a masked NIR, a person without NIR or a booking's contact details are no
reading. On SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from db.people import records as people_records
from db.people.models import PersonKind
from db.people.records import PersonInput
from db.roles import Role
from db.unit.audit import AuditEvent
from tests.db.test_people import beneficiary, create


def readings(store) -> list[AuditEvent]:
    with store.session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "read_nir")))


def test_opening_a_record_with_the_nir_shown_leaves_one_audit_row_naming_the_actor(
        store, actors):
    adviser = actors[Role.ADVISER]
    person_id = create(store, adviser, beneficiary())
    with store.unit(adviser) as unit:  # what ops.query opens: a read unit, committed
        record = people_records.get_person(unit, person_id)
    assert record.nir_display == "1 84 12 76 451 089 46"
    (reading,) = readings(store)
    assert (reading.actor_id, reading.entity_type, reading.entity_id) == (
        adviser.id, "person", person_id)
    assert reading.details == {}
    with store.unit(adviser) as unit:
        again = people_records.get_person(unit, person_id)
    assert len(readings(store)) == 2
    # The record's own history tells what was done to it, not who read it.
    assert [what for _, _, what in again.history] == ["Fiche créée"]


def test_a_role_without_the_nir_leaves_no_reading(store, actors):
    person_id = create(store, actors[Role.ADVISER], beneficiary())
    with store.unit(actors[Role.PARTNER]) as unit:
        record = people_records.get_person(unit, person_id)
    assert record.nir_display == ""  # not given, not read
    assert readings(store) == []


def test_no_nir_to_read_or_only_the_contact_details_is_no_reading(store, actors):
    adviser = actors[Role.ADVISER]
    employer = create(store, adviser, PersonInput(
        kind=PersonKind.EMPLOYER, organisation_name="Boulangerie Ménard",
        siret="732 829 320 00074"))
    insured = create(store, adviser, beneficiary())
    with store.unit(adviser) as unit:
        people_records.get_person(unit, employer)
        contact = people_records.get_contact(unit, insured)
    assert (contact.display_name, contact.phone_display, contact.email) == (
        "LEFÈVRE Éloïse", "06\u00a012\u00a034\u00a056\u00a078", "eloise.lefevre@exemple.fr")
    assert readings(store) == []
