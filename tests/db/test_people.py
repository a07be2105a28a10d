"""The people registry as the services expose it, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from db import validation
from db.errors import ConflictError, PermissionDenied, ValidationError
from db.mediation import reading as mediation_reading
from db.mediation.records import CaseFilter
from db.people import records as people_records
from db.people import search as people_search
from db.people.models import Person, PersonKind
from db.people.records import PersonInput
from db.roles import Role
from db.unit import Unit
from db.unit.audit import AuditEvent


def beneficiary(**overrides) -> PersonInput:
    values = dict(kind=PersonKind.BENEFICIARY, last_name="Lefèvre", first_name="Éloïse",
                  birth_date=date(1984, 12, 3), nir="1 84 12 76 451 089 46",
                  phone="06 12 34 56 78", email="eloise.lefevre@exemple.fr")
    values.update(overrides)
    return PersonInput(**values)


def create(store, actor, data: PersonInput):
    with store.unit(actor) as unit:
        return people_records.create_person(unit, data)


def search(store, actor, text: str):
    with store.unit(actor) as unit:
        return people_search.search_people(unit, text)


def test_created_person_is_found_by_name_nir_and_phone(store, actors):
    adviser = actors[Role.ADVISER]
    person_id = create(store, adviser, beneficiary())
    for text in ("lef", "LEFEVRE", "élo", "eloise lef", "184127", "1 84 12 76", "06 12",
                 "0612345678", "+33 6 12 34"):
        assert search(store, adviser, text) == [person_id], text
    for text in ("dupont", "2 84", "07 12", "élodie"):
        assert search(store, adviser, text) == [], text


def test_search_orders_by_name_and_ignores_deleted(store, actors):
    adviser = actors[Role.ADVISER]
    martin = create(store, adviser, beneficiary(last_name="Martin", first_name="Zoé",
                                                nir="2 70 03 71 334 050 51",
                                                birth_date=date(1970, 3, 3)))
    marchand = create(store, adviser, beneficiary(last_name="Marchand", first_name="Luc",
                                                  nir="1 82 04 71 045 445 44",
                                                  birth_date=date(1982, 4, 14)))
    assert search(store, adviser, "mar") == [marchand, martin]


def test_a_first_page_is_the_start_of_the_whole_answer(store, actors):
    adviser = actors[Role.ADVISER]
    namesakes = [create(store, adviser, PersonInput(
        kind=PersonKind.HEALTH_PROFESSIONAL, last_name="Mérand", first_name="Zoé",
        profession="nurse")) for _ in range(4)]
    earlier = create(store, adviser, PersonInput(
        kind=PersonKind.HEALTH_PROFESSIONAL, last_name="Merand", first_name="Anne",
        profession="nurse"))
    with store.unit(adviser) as unit:
        whole = people_search.search_people(unit, "MER")
        first = people_search.search_people(unit, "mér", limit=3)
    assert whole == [earlier, *sorted(namesakes)]  # namesakes in the order of their ids
    assert first == whole[:3]


def test_invalid_input_lists_every_field_and_writes_nothing(store, actors):
    with pytest.raises(ValidationError) as refused:
        create(store, actors[Role.ADVISER], beneficiary(
            last_name="", nir="1 84 12 76 451 089 47", phone="12", email="pas-un-mail",
            birth_date=date(1990, 1, 1)))
    errors = refused.value.field_errors
    assert errors["last_name"] == "Le nom est obligatoire."
    # Says the key does not match, never what it should be: typed in, it would save a wrong
    # NIR and defeat the checksum.
    assert errors["nir"] == ("La clé du NIR (les 2 derniers chiffres) ne correspond pas aux 13 "
                             "premiers caractères : vérifiez le numéro sur la carte Vitale "
                             "ou l'attestation.")
    assert "46" not in errors["nir"]
    assert "téléphone" in errors["phone"]
    assert "e-mail" in errors["email"]
    with store.session() as session:
        assert session.query(Person).count() == 0
        assert session.query(AuditEvent).count() == 0


def test_texts_too_long_or_with_control_characters_are_refused_in_french(store, actors):
    """On PostgreSQL these were a raw DataError, on SQLite stored as they came."""
    with pytest.raises(ValidationError) as refused:
        create(store, actors[Role.ADVISER], beneficiary(
            last_name="M" * 100_000, first_name="Nul\x00Byte", address="1 rue " + "x" * 300,
            city="Grenoble\x1b"))
    assert refused.value.field_errors == {
        "last_name": "Le nom compte 100\u00a0000 caractères : 100 au plus.",
        "first_name": "Le prénom contient un caractère de contrôle (invisible) : retirez-le ou "
                      "saisissez-le à nouveau.",
        "address": "Ce texte compte 306 caractères : 300 au plus.",
        "city": "Ce texte contient un caractère de contrôle (invisible) : retirez-le ou "
                "saisissez-le à nouveau.",
    }
    with store.session() as session:
        assert session.query(Person).count() == 0
    # Line breaks and tabs are text; exactly the column's length is stored.
    create(store, actors[Role.ADVISER], beneficiary(last_name="M" * 100,
                                                    address="1 rue\tdu Port\nBât. B"))


def _odd_search_strings() -> list[str]:
    """Letters that fold to punctuation (« ⑴ » → « (1) »), and what a search box may get."""
    folding_to_punctuation = [
        c for c in map(chr, range(0xA0, 0x30000))
        if c.isalnum() and set(validation.fold(c)) & set("&|!():*<>'\\ ")]
    assert len(folding_to_punctuation) > 40
    return [*folding_to_punctuation, *(f"lef{c}" for c in folding_to_punctuation[:20]),
            "l'été", "a\\b", "&", "!x", "x:*", "(", "lef & !", "ﬁn", "lèf'", "'", "\\",
            "<->", "lef | éloïse", "é:*", "a''b", "lef\x00", "\x00", "06\x00"]


def test_every_string_typed_in_a_search_box_gives_results_or_none(store, actors):
    """PostgreSQL raised « syntax error in tsquery » for 35 of 220 odd strings."""
    create(store, actors[Role.ADVISER], beneficiary())
    with store.unit(actors[Role.MEDIATOR]) as unit:
        for typed in _odd_search_strings():
            assert isinstance(people_search.search_people(unit, typed), list), typed
            assert isinstance(mediation_reading.search_cases(unit, CaseFilter(text=typed)),
                              list), typed
        assert people_search.search_people(unit, "lef ⑴") == []
        assert len(people_search.search_people(unit, "l'Éloïse lef")) == 1


def test_birth_date_must_agree_with_nir(store, actors):
    with pytest.raises(ValidationError) as refused:
        create(store, actors[Role.ADVISER], beneficiary(birth_date=date(1985, 12, 3)))
    assert "ne correspond pas au NIR" in refused.value.field_errors["birth_date"]


def test_corsica_and_overseas_nirs_are_accepted(store, actors):
    adviser = actors[Role.ADVISER]
    # Born in Corse-du-Sud (2A counts as 19 in the key) and in Guadeloupe (971).
    create(store, adviser, beneficiary(nir="2 69 05 2A 004 012 " + _key("269052A004012"),
                                       birth_date=date(1969, 5, 2), phone=""))
    create(store, adviser, beneficiary(nir="1 75 08 971 12 345 " + _key("1750897112345"),
                                       birth_date=date(1975, 8, 9), phone="0690 12 34 56"))
    assert len(search(store, adviser, "lefèvre")) == 2
    (guadeloupe,) = search(store, adviser, "0690")
    with store.session() as session:
        assert session.get(Person, guadeloupe).phone == "+590690123456"


def _key(thirteen: str) -> str:
    number = int(thirteen.replace("2A", "19").replace("2B", "18"))
    return f"{97 - number % 97:02d}"


def test_duplicate_nir_is_refused(store, actors):
    create(store, actors[Role.ADVISER], beneficiary())
    with pytest.raises(ValidationError) as refused:
        create(store, actors[Role.ADVISER], beneficiary(first_name="Autre"))
    assert "déjà enregistré pour LEFÈVRE Éloïse" in refused.value.field_errors["nir"]


def test_employer_and_health_professional(store, actors):
    adviser = actors[Role.ADVISER]
    with pytest.raises(ValidationError) as refused:
        create(store, adviser, PersonInput(
            kind=PersonKind.EMPLOYER, organisation_name="Boulangerie", siret="732 829 320 00075"))
    assert "SIRET" in refused.value.field_errors["siret"]
    employer = create(store, adviser, PersonInput(
        kind=PersonKind.EMPLOYER, organisation_name="Boulangerie Ménard",
        siret="732 829 320 00074"))
    nurse = create(store, adviser, PersonInput(
        kind=PersonKind.HEALTH_PROFESSIONAL, last_name="Benoît", first_name="Hélène",
        profession="nurse"))
    assert search(store, adviser, "menard") == [employer]
    assert search(store, adviser, "benoit helene") == [nurse]


def test_update_bumps_version_audits_and_refuses_stale_edits(store, actors):
    adviser = actors[Role.ADVISER]
    person_id = create(store, adviser, beneficiary())
    with store.unit(adviser) as unit:
        record = people_records.get_person(unit, person_id)
    edited = record.data
    edited.city = "Échirolles"
    with store.unit(adviser) as unit:
        new_version = people_records.update_person(unit, person_id, record.version, edited)
    assert new_version == record.version + 1
    edited.city = "Grenoble"
    with pytest.raises(ConflictError), store.session() as session:
        people_records.update_person(Unit(session, adviser), person_id, record.version, edited)
    with store.unit(adviser) as unit:
        reread = people_records.get_person(unit, person_id)
        assert reread.data.city == "Échirolles"
        assert [what for _, _, what in reread.history] == ["Fiche créée", "Fiche modifiée"]
        details = [e.details for e in unit.session.query(AuditEvent)
                   .where(AuditEvent.action != "read_nir").order_by(AuditEvent.occurred_at)]
    assert details[1] == {"fields": ["city"]}
    assert "1841276" not in repr(details)


def test_a_partner_is_never_given_a_nir_not_even_masked(store, actors):
    partner = actors[Role.PARTNER]
    person_id = create(store, actors[Role.ADVISER], beneficiary())
    with store.unit(partner) as unit:
        record = people_records.get_person(unit, person_id)
        (row,) = people_search.people_rows(unit, [person_id])
        assert people_search.search_people(unit, "lefèvre") == [person_id]
        with pytest.raises(PermissionDenied) as refused:
            people_search.search_people(unit, "1 84 12")
    assert (record.nir_display, record.data.nir, row.masked_nir) == ("", "", "")
    assert "par son nom ou son téléphone" in str(refused.value)
    with store.unit(actors[Role.ADVISER]) as unit:
        (row,) = people_search.people_rows(unit, [person_id])
    assert row.masked_nir == "1 84 12 ** *** *** 46"  # lists mask it for everyone else


def test_a_partner_changes_the_contact_details_and_the_nir_stays(store, actors):
    partner = actors[Role.PARTNER]
    person_id = create(store, actors[Role.ADVISER], beneficiary())
    with store.unit(partner) as unit:
        record = people_records.get_person(unit, person_id)
        record.data.city = "Voiron"
        record.data.phone = "06 99 88 77 66"
        people_records.update_person(unit, person_id, record.version, record.data)
    with store.session() as session:
        person = session.get(Person, person_id)
        assert (person.nir, person.city, person.phone_digits) == (
            "184127645108946", "Voiron", "0699887766")


def test_a_partner_cannot_change_who_the_person_is_nor_create_one(store, actors):
    partner = actors[Role.PARTNER]
    person_id = create(store, actors[Role.ADVISER], beneficiary())
    with store.unit(partner) as unit:
        record = people_records.get_person(unit, person_id)
    changed = replace(record.data, last_name="Autre", birth_date=date(1985, 1, 1))
    with pytest.raises(ValidationError) as refused, store.unit(partner) as unit:
        people_records.update_person(unit, person_id, record.version, changed)
    assert set(refused.value.field_errors) == {"last_name", "birth_date"}
    assert people_records.CONTACT_ONLY in refused.value.field_errors.values()
    with pytest.raises(PermissionDenied):
        create(store, partner, beneficiary(nir="", kind=PersonKind.HEALTH_PROFESSIONAL,
                                           profession="nurse"))


def test_manager_cannot_edit_people(store, actors):
    with pytest.raises(PermissionDenied) as refused:
        create(store, actors[Role.MANAGER], beneficiary())
    assert "Responsable" in str(refused.value)
