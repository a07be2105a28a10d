"""Importing monthly pathway extracts: every encoding and separator, refusals by line number,
idempotence, matching the registry; the parsing is pure, the writing runs on both engines.

The helpers at the top (``extract``, ``PEOPLE``…) serve the other pathway test modules too.
"""

from __future__ import annotations

import csv
import io
import random
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from stdnum.fr import nir as stdnum_nir

from db import validation
from db.errors import ConflictError, NotFound, PermissionDenied
from db.pathways import extract_import
from db.pathways.extract_import import ImportRefused, LineError, import_extract, parse_extract
from db.pathways.models import PathwayEntry, PathwayImport
from db.people import records as people_records
from db.people.models import Person
from db.people.records import PersonInput
from db.roles import Role
from db.unit import Unit
from db.unit.audit import AuditEvent

TODAY = date(2026, 11, 22)
OCTOBER = date(2026, 10, 1)


def nir(sex: str, born: date, serial: int, place: str = "38185") -> str:
    head = f"{sex}{born.year % 100:02d}{born.month:02d}{place}{serial % 1000:03d}"
    return head + stdnum_nir.calc_check_digits(head)


HEADER = ["NIR", "Nom", "Prénom", "Date de naissance", "Téléphone", "Email", "Date d'entrée"]
PEOPLE = [
    ["2 70 03 71 334 050 51", "Durand", "Léa", "03/03/1970", "06 78 22 56 84",
     "lea.durand@exemple.fr", "02/10/2026"],
    ["1 82 04 71 045 445 44", "Moreau", "Kévin", "14/04/1982", "06 18 40 21 80",
     "kevin.moreau@exemple.fr", "14/10/2026"],
    ["1 53 10 71 486 229 90", "Lefebvre", "Inès", "1953-10-21", "", "", "2026-10-19"],
]


def extract(rows: list[list[str]], header: list[str] = HEADER, *, delimiter: str = ";",
            encoding: str = "utf-8", newline: str = "\r\n", quote_all: bool = False) -> bytes:
    """A CSV as a spreadsheet writes it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline,
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def parse(data: bytes):
    return parse_extract(data, today=TODAY)


def run_import(store, actor, data: bytes, kind: str = "ald", **options):
    with store.unit(actor) as unit:
        return import_extract(unit, kind, data, today=TODAY, **options)


# -- the sample extract -------------------------------------------------------------------

SAMPLE_PATH = Path("/work/shared/samples/parcours_ald_2026-10.csv")
# Its bytes: Windows-1252, semicolons, CRLF, French headers, spaced NIRs, dd/mm/yyyy.
SAMPLE = "".join(line + "\r\n" for line in [
    "NIR;Nom;Prénom;Date de naissance;Téléphone;Email;Date d'entrée",
    "2 70 03 71 334 050 51;Durand;Léa;03/03/1970;06 78 22 56 84;lea.durand@exemple.fr;"
    "02/10/2026",
    "1 82 04 71 045 445 44;Moreau;Kévin;14/04/1982;06 18 40 21 80;kevin.moreau@exemple.fr;"
    "14/10/2026",
    "1 53 10 71 486 229 90;Lefebvre;Inès;21/10/1953;06 90 84 17 83;ines.lefebvre@exemple.fr;"
    "19/10/2026",
    "1 75 01 71 024 571 67;Rousseau;Gaël;28/01/1975;06 27 47 63 28;gael.rousseau@exemple.fr;"
    "18/10/2026",
    "2 57 10 71 287 836 66;Fontaine;Sébastien;22/10/1957;06 33 23 84 83;"
    "sebastien.fontaine@exemple.fr;21/10/2026",
    "1 62 06 71 281 730 93;Mercier;Chloé;03/06/1962;06 82 17 89 36;chloe.mercier@exemple.fr;"
    "16/10/2026",
    "2 93 09 71 398 322 29;Blanc;Raphaël;15/09/1993;06 84 68 56 48;raphael.blanc@exemple.fr;"
    "08/10/2026",
    "1 61 12 71 042 589 80;Guérin;Noémie;10/12/1961;06 77 73 53 67;noemie.guerin@exemple.fr;"
    "10/10/2026",
]).encode("cp1252")


def test_the_shared_sample_is_the_one_copied_here():
    if not SAMPLE_PATH.exists():
        pytest.skip("the shared samples folder is not on this machine")
    assert SAMPLE_PATH.read_bytes() == SAMPLE


def test_the_sample_parses_as_is():
    parsed = parse(SAMPLE)
    assert parsed.errors == []
    assert (parsed.encoding, parsed.delimiter) == ("Windows-1252", ";")
    assert [r.line for r in parsed.rows] == list(range(2, 10))
    first = parsed.rows[0]
    assert (first.nir, first.last_name, first.first_name) == ("270037133405051", "Durand", "Léa")
    assert (first.birth_date, first.entry_date) == (date(1970, 3, 3), date(2026, 10, 2))
    assert (first.phone, first.email) == ("+33678225684", "lea.durand@exemple.fr")
    assert parsed.rows[7].last_name == "Guérin"
    assert parsed.default_month(TODAY) == OCTOBER


def test_the_sample_imports_into_the_october_ald_worklist(store):
    report = run_import(store, None, SAMPLE, file_name="parcours_ald_2026-10.csv")
    assert (report.rows, report.new, report.already_known, report.updated,
            report.people_created) == (8, 8, 0, 0, 8)
    assert report.month == OCTOBER
    assert report.describe().splitlines() == [
        "Parcours « Affection de longue durée (ALD) », octobre 2026 : 8 lignes lues.",
        "Nouvelles dans la liste de travail : 8",
        "Déjà connues (déjà dans ce parcours ce mois-ci) : 0",
        "Coordonnées mises à jour : 0",
        "Dont fiches créées dans le registre : 8",
    ]
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(PathwayEntry)) == 8
        record = session.get(PathwayImport, report.import_id)
        assert (record.file_name, record.imported_by_id) == ("parcours_ald_2026-10.csv", None)


# -- encodings, separators, quoting, headers -----------------------------------------------

@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 avec BOM"), ("cp1252", "Windows-1252"),
])
@pytest.mark.parametrize("delimiter", [";", ","])
@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_every_encoding_separator_and_line_ending(encoding, expected, delimiter, newline):
    parsed = parse(extract(PEOPLE, delimiter=delimiter, encoding=encoding, newline=newline))
    assert parsed.errors == []
    assert (parsed.encoding, parsed.delimiter) == (expected, delimiter)
    assert [(r.line, r.last_name, r.first_name) for r in parsed.rows] == [
        (2, "Durand", "Léa"), (3, "Moreau", "Kévin"), (4, "Lefebvre", "Inès")]
    assert parsed.header[2] == "Prénom"


def test_quoted_fields_may_hold_the_separator_quotes_and_line_breaks():
    rows = [
        ["2 70 03 71 334 050 51", 'Durand; dite "Lili"', "Léa", "03/03/1970", "", "", ""],
        ["1 82 04 71 045 445 44", "Moreau", "Kévin\nJean", "14/04/1982", "", "", ""],
        ["1 53 10 71 486 229 90", "Lefebvre", "Inès", "21/10/1953", "", "", ""],
    ]
    parsed = parse(extract(rows, quote_all=True))
    assert parsed.errors == []
    assert parsed.rows[0].last_name == 'Durand; dite "Lili"'
    assert parsed.rows[1].first_name == "Kévin Jean"  # spaces normalised as on screen
    # The quoted line break makes the file's line 4 part of record 2: line numbers follow.
    assert [r.line for r in parsed.rows] == [2, 3, 5]


def test_headers_in_any_order_case_and_spelling_extra_columns_ignored():
    header = ["Commentaire", "DATE_NAISSANCE", "prenom", "E-mail", "Nom", "nir",
              "Date d’entrée", "Tél"]
    row = ["rappeler le matin", "03/03/1970", "Léa", "lea@exemple.fr", "Durand",
           "270037133405051", "02/10/2026", "0678225684"]
    parsed = parse(extract([row], header=header))
    assert parsed.errors == []
    assert parsed.rows[0].email == "lea@exemple.fr"
    assert parsed.rows[0].phone == "+33678225684"
    assert parsed.rows[0].entry_date == date(2026, 10, 2)


def test_the_header_mapping_names_the_field_each_column_fills():
    assert extract_import.header_mapping(["Prénom", "N° dossier", "Date d'entrée", "NIR"]) == [
        ("Prénom", "prenom"), ("N° dossier", None), ("Date d'entrée", "date_entree"),
        ("NIR", "nir")]


def test_optional_columns_may_be_absent_and_blank_lines_are_skipped():
    data = extract([PEOPLE[0][:4], ["", "", "", ""], PEOPLE[1][:4]], header=HEADER[:4])
    parsed = parse(data + b";;;\r\n")
    assert parsed.errors == []
    assert [(r.line, r.phone, r.entry_date) for r in parsed.rows] == [
        (2, None, None), (4, None, None)]
    assert parsed.default_month(TODAY) == date(2026, 11, 1)  # no entry date: this month


def test_default_month_is_the_most_frequent_month_of_the_entry_dates():
    rows = [[*row[:6], entry] for row, entry in
            zip(PEOPLE, ["30/09/2026", "02/10/2026", "15/10/2026"], strict=True)]
    assert parse(extract(rows)).default_month(TODAY) == OCTOBER


# -- refusals ------------------------------------------------------------------------------

def test_every_faulty_line_is_reported_with_its_line_number_and_reason():
    rows = [
        PEOPLE[0],
        ["1 82 04 71 045 445 45", "Moreau", "Kévin", "14/04/1982", "", "", ""],
        ["1 53 10 71 486 229 90", "Lefebvre", "Inès", "31/02/1953", "", "", ""],
        ["1 75 01 71 024 571 67", "Rousseau", "Gaël", "28/01/1976", "", "", ""],
        ["1 62 06 71 281 730 93", "", "Chloé", "03/06/1962", "", "", "32/10/2026"],
        ["2 93 09 71 398 322 29", "Blanc", "Raphaël", "15.09.1993", "12", "pas-un-mail", ""],
        ["2 70 03 71 334 050 51", "Durand", "Lina", "03/03/1970", "", "", ""],
        ["1 61 12 71 042 589 80", "Guérin"],
    ]
    parsed = parse(extract(rows))
    assert [(e.line, e.message) for e in parsed.errors] == [
        (3, validation.NIR_KEY_MISMATCH),
        (4, "Date de naissance impossible « 31/02/1953 »."),
        (5, "La date de naissance ne correspond pas au NIR (année « 75 » dans le NIR)."),
        (6, "Le nom est obligatoire."),
        (6, "Date d'entrée impossible « 32/10/2026 »."),
        (7, "Date de naissance illisible « 15.09.1993 » (attendu jj/mm/aaaa ou aaaa-mm-jj)."),
        (8, "Ce NIR figure déjà ligne 2 avec une autre identité (nom, prénom ou date de "
            "naissance) : vérifiez lequel est le bon."),
        (9, "La ligne compte 2 colonnes au lieu de 7."),
    ]
    assert str(parsed.errors[0]) == (
        "Ligne 3 : " + validation.NIR_KEY_MISMATCH)


def test_a_missing_required_column_is_a_line_1_error():
    header = ["NIR", "Nom", "Date de naissance"]
    parsed = parse(extract([["270037133405051", "Durand", "03/03/1970"]], header=header))
    assert parsed.errors == [LineError(1, "Colonne obligatoire absente : « prenom » (colonnes "
                                          "trouvées : « NIR », « Nom », « Date de naissance »).")]
    assert parsed.rows == []


@pytest.mark.parametrize("data, message", [
    (b"", "Le fichier est vide."),
    (b"\r\n\r\n", "Le fichier est vide."),
    ("\ufeff".encode(), "Le fichier est vide."),
    ("NIR;Nom;Prénom;Date de naissance\r\n".encode("cp1252"),
     "Le fichier ne contient que l'en-tête : aucune personne à importer."),
    ("NIR;Nom;Nom;Prénom;Date de naissance\r\n".encode(),
     "La colonne « nom » apparaît deux fois (« Nom » et « Nom »)."),
])
def test_empty_files_and_bad_headers_are_refused(data, message):
    assert parse(data).errors == [LineError(1, message)]


def test_the_same_person_twice_is_imported_once_and_reported(store, actors):
    """Extracts merged or a line copied: same NIR, same identity (accents and case aside)."""
    twice = [PEOPLE[0], PEOPLE[1], ["2 70 03 71 334 050 51", "DURAND", "Lea", "03/03/1970",
                                    "", "", ""]]
    parsed = parse(extract(twice))
    assert (parsed.errors, [str(r) for r in parsed.repeated]) == (
        [], ["Ligne 4 : même personne que ligne 2, comptée une fois."])
    report = run_import(store, actors[Role.ADVISER], extract(twice), month=OCTOBER)
    assert (report.rows, report.new) == (2, 2)
    assert report.describe().splitlines()[-2:] == [
        "Lignes en double (même personne, comptée une fois) : 1",
        "Ligne 4 : même personne que ligne 2, comptée une fois."]


def test_a_person_follows_the_people_services_rules_wherever_they_come_from():
    """Born in 1850, a 101-character surname, a NUL byte: what the people form refuses, an
    extract cannot bring in either."""
    old = ["1 50 05 71 045 445 44", "Ancien", "Jules", "15/05/1850", "", "", ""]
    old[0] = nir("1", date(1950, 5, 15), 445)
    rows = [old, [PEOPLE[1][0], "M" * 101, *PEOPLE[1][2:]],
            [PEOPLE[2][0], "Nul\x00Byte", *PEOPLE[2][2:]]]
    assert [(e.line, e.message) for e in parse(extract(rows)).errors] == [
        (2, "La date de naissance est antérieure à 1900."),
        (3, "Le nom compte 101 caractères : 100 au plus."),
        (4, "Le nom contient un caractère de contrôle (invisible) : retirez-le ou "
            "saisissez-le à nouveau."),
    ]


def test_a_field_over_the_csv_modules_limit_is_a_line_error_not_a_crash():
    """Python's csv refuses a field over 128 KiB (« field larger than field limit »); most
    often an unclosed quote swallowed the rest of the file."""
    data = extract([PEOPLE[0]]) + b'1 82 04 71 045 445 44;"Moreau' + b"x" * 140_000 + b"\r\n"
    parsed = parse(data)
    assert [(e.line, e.message) for e in parsed.errors] == [
        (3, "Ligne illisible : un champ dépasse 131\u00a0072 caractères (un guillemet « \" » "
            "jamais refermé ?) ; la suite du fichier n'a pas été lue.")]


def test_a_refused_file_writes_nothing(store, actors):
    bad = extract([PEOPLE[0], ["1 82 04 71 045 445 45", "Moreau", "Kévin", "14/04/1982",
                               "", "", ""]])
    with pytest.raises(ImportRefused) as refused:
        run_import(store, actors[Role.ADVISER], bad)
    assert str(refused.value).splitlines() == [
        "le fichier contient 1 ligne en erreur ; rien n'a été enregistré.",
        "Ligne 3 : " + validation.NIR_KEY_MISMATCH,
    ]
    with store.session() as session:
        for model in (Person, PathwayEntry, PathwayImport, AuditEvent):
            assert session.scalar(select(func.count()).select_from(model)) == 0, model


def test_a_wrong_phone_or_e_mail_is_imported_empty_flagged_and_reported(store, actors):
    """An assignable-looking but unassigned number, or a broken address, does not refuse the
    extract: the person is imported without it, the line flagged and listed as a warning."""
    rows = [PEOPLE[0],
            [*PEOPLE[1][:4], "07 00 00 00 00", PEOPLE[1][5], PEOPLE[1][6]],
            [*PEOPLE[2][:4], "", "ines@@exemple", PEOPLE[2][6]]]
    parsed = parse(extract(rows))
    assert parsed.errors == []
    assert [str(w) for w in parsed.warnings] == [
        "Ligne 3 : téléphone « 07 00 00 00 00 » non valide, importé vide (coordonnées à "
        "vérifier).",
        "Ligne 4 : e-mail « ines@@exemple » non valide, importé vide (coordonnées à vérifier).",
    ]
    report = run_import(store, actors[Role.ADVISER], extract(rows), month=OCTOBER)
    assert report.new == 3
    assert "Coordonnées à vérifier : 2 lignes (importées sans le téléphone ou l'e-mail non " \
        "valide)" in report.describe()
    assert str(parsed.warnings[0]) in report.describe().splitlines()
    with store.session() as session:
        flagged = dict(session.execute(select(Person.last_name, PathwayEntry.contacts_to_check)
                                       .join(Person, Person.id == PathwayEntry.person_id))
                       .all())
        moreau = session.scalar(select(Person).where(Person.last_name == "Moreau"))
        assert (moreau.phone, moreau.email) == (None, "kevin.moreau@exemple.fr")
    assert flagged == {"Durand": False, "Moreau": True, "Lefebvre": True}

    # An adviser saves Moreau's record: the city alone checks nothing, the phone does.
    with store.unit(actors[Role.ADVISER]) as unit:
        record = people_records.get_person(unit, moreau.id)
        version = people_records.update_person(unit, moreau.id, record.version,
                                               replace(record.data, city="Grenoble"))
    assert to_check(store) == {"Moreau", "Lefebvre"}
    with store.unit(actors[Role.ADVISER]) as unit:
        people_records.update_person(unit, moreau.id, version, replace(
            record.data, city="Grenoble", phone="06 18 40 21 80"))
    assert to_check(store) == {"Lefebvre"}


def to_check(store) -> set[str]:
    with store.session() as session:
        return set(session.scalars(select(Person.last_name).join(
            PathwayEntry, PathwayEntry.person_id == Person.id)
            .where(PathwayEntry.contacts_to_check)))


# -- writing -------------------------------------------------------------------------------

def test_reimporting_adds_nothing(store, actors):
    adviser = actors[Role.ADVISER]
    first = run_import(store, adviser, extract(PEOPLE))
    again = run_import(store, adviser, extract(PEOPLE, delimiter=",", encoding="cp1252"))
    assert (first.new, first.already_known, first.people_created) == (3, 0, 3)
    assert (again.new, again.already_known, again.updated, again.people_created) == (
        0, 3, 0, 0)
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(PathwayEntry)) == 3
        assert session.scalar(select(func.count()).select_from(Person)) == 3
        assert session.scalar(select(func.count()).select_from(PathwayImport)) == 2
        imports = session.scalars(select(AuditEvent).where(AuditEvent.action == "import"))
        assert {e.actor_id for e in imports} == {adviser.id}


def test_the_same_people_enter_another_month_or_another_pathway(store, actors):
    adviser = actors[Role.ADVISER]
    run_import(store, adviser, extract(PEOPLE))
    november = run_import(store, adviser, extract(PEOPLE), month=date(2026, 11, 5))
    maternity = run_import(store, adviser, extract(PEOPLE), kind="maternity")
    assert (november.month, november.new, november.people_created) == (date(2026, 11, 1), 3, 0)
    assert (maternity.month, maternity.new) == (OCTOBER, 3)


def test_created_people_are_stored_as_the_people_service_stores_them(store, actors):
    run_import(store, actors[Role.ADVISER], extract(PEOPLE))
    with store.session() as session:
        person = session.scalar(select(Person).where(Person.nir == "270037133405051"))
        expected = people_records._validate(session, PersonInput(
            kind=person.kind, last_name="Durand", first_name="Léa", birth_date=date(1970, 3, 3),
            nir="2 70 03 71 334 050 51", phone="06 78 22 56 84",
            email="lea.durand@exemple.fr"), person.id)
        assert {key: getattr(person, key) for key in expected} == expected
        assert person.version == 1
        created = session.scalars(select(AuditEvent).where(
            AuditEvent.entity_id == person.id)).all()
        assert [(e.action, e.details["source"]) for e in created] == [
            ("create", "pathway_import")]


@pytest.mark.parametrize("phone", ["06 12 34 56 78", "04 76 12 45 00", "09 72 12 34 56",
                                   "06 90 84 17 83", "06 92 12 34 56", "05 94 30 12 34", ""])
def test_national_digits_are_the_people_services(phone):
    e164 = validation.clean_phone(phone)
    assert extract_import._national_digits(e164) == validation.phone_digits(e164)


def test_known_people_are_matched_and_their_contacts_updated_when_the_extract_is_newer(
    store, actors,
):
    adviser = actors[Role.ADVISER]
    with store.unit(adviser) as unit:
        durand = people_records.create_person(unit, PersonInput(
            kind=people_records.PersonKind.BENEFICIARY, last_name="Durand", first_name="Léa",
            birth_date=date(1970, 3, 3), nir="270037133405051", phone="04 76 12 45 00"))
        moreau = people_records.create_person(unit, PersonInput(
            kind=people_records.PersonKind.BENEFICIARY, last_name="Moreau", first_name="Kévin",
            birth_date=date(1982, 4, 14), nir="182047104544544", phone="04 76 12 45 01"))
    # Durand's record predates her entry date; Moreau's was edited after his.
    with store.session() as session:
        session.get(Person, durand).updated_at -= timedelta(days=400)
        session.get(Person, moreau).updated_at = session.get(Person, moreau).updated_at.replace(
            year=2026, month=10, day=20)
    report = run_import(store, adviser, extract(PEOPLE))
    assert (report.new, report.updated, report.people_created) == (3, 1, 1)
    with store.session() as session:
        first, second = session.get(Person, durand), session.get(Person, moreau)
        assert (first.phone, first.phone_digits, first.email) == (
            "+33678225684", "0678225684", "lea.durand@exemple.fr")
        assert first.version == 3  # created, back-dated by this test, updated by the import
        assert second.phone == "+33476124501"
        update = session.scalar(select(AuditEvent).where(
            AuditEvent.entity_id == durand, AuditEvent.action == "update"))
        assert update.details == {"fields": ["email", "phone", "phone_digits"],
                                  "source": "pathway_import"}


def test_an_empty_cell_never_erases_a_known_contact(store, actors):
    adviser = actors[Role.ADVISER]
    with store.session() as session:
        lefebvre = people_records.create_person(Unit(session, adviser), PersonInput(
            kind=people_records.PersonKind.BENEFICIARY, last_name="Lefebvre", first_name="Inès",
            birth_date=date(1953, 10, 21), nir="153107148622990", phone="06 12 34 56 78"))
        session.flush()
        session.get(Person, lefebvre).updated_at -= timedelta(days=400)
    assert run_import(store, adviser, extract(PEOPLE)).updated == 0
    with store.session() as session:
        assert session.get(Person, lefebvre).phone == "+33612345678"


def test_a_deleted_record_with_the_same_nir_refuses_the_file(store, actors):
    adviser = actors[Role.ADVISER]
    with store.session() as session:
        person_id = people_records.create_person(Unit(session, adviser), PersonInput(
            kind=people_records.PersonKind.BENEFICIARY, last_name="Moreau", first_name="Kévin",
            birth_date=date(1982, 4, 14), nir="182047104544544"))
        session.flush()
        session.get(Person, person_id).deleted_at = session.get(Person, person_id).created_at
    with pytest.raises(ImportRefused) as refused:
        run_import(store, adviser, extract(PEOPLE))
    assert [e.line for e in refused.value.errors] == [3]
    assert "fiche supprimée" in refused.value.errors[0].message


def test_people_written_by_another_import_meanwhile_roll_this_one_back(store, actors,
                                                                    monkeypatch):
    run_import(store, None, extract(PEOPLE[:1]))
    # As if the other import had committed between this one's reading and writing.
    monkeypatch.setattr(extract_import, "_known_people", lambda session, nirs: {})
    with pytest.raises(ConflictError, match="Relancez l'import"):
        run_import(store, actors[Role.ADVISER], extract(PEOPLE))
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 1
        assert session.scalar(select(func.count()).select_from(PathwayImport)) == 1


def test_unknown_kind_and_missing_permission_are_refused(store, actors):
    with pytest.raises(NotFound, match="Type de parcours inconnu « ij »"):
        run_import(store, actors[Role.ADVISER], extract(PEOPLE), kind="ij")
    with pytest.raises(PermissionDenied):
        run_import(store, actors[Role.PARTNER], extract(PEOPLE))


def test_progress_is_reported_while_reading_and_writing(store):
    calls = []
    run_import(store, None, extract(PEOPLE), progress=lambda *a: calls.append(a))
    labels = {label for _done, _total, label in calls}
    assert labels == {"Lecture du fichier…", "Enregistrement…"}
    assert calls[-1] == (3, 3, "Enregistrement…")


def big_extract(count: int, seed: int = 5) -> bytes:
    """``count`` distinct valid people, as a real monthly extract would list them."""
    rng = random.Random(seed)
    rows, serials = [], set()
    while len(rows) < count:
        born = date(1940, 1, 1) + timedelta(days=rng.randrange(25_000))
        sex, place, serial = rng.choice("12"), f"38{rng.randrange(1, 999):03d}", rng.randrange(
            1, 999)
        if (sex, born.year, born.month, place, serial) in serials:
            continue
        serials.add((sex, born.year, born.month, place, serial))
        rows.append([nir(sex, born, serial, place), f"Nom{len(rows)}", "Prénom",
                     f"{born:%d/%m/%Y}", f"0612{rng.randrange(10**6):06d}",
                     f"p{len(rows)}@exemple.fr", f"{rng.randrange(1, 29):02d}/10/2026"])
    return extract(rows, encoding="cp1252")


def test_ten_thousand_rows_import_in_a_few_statements(store):
    """The 3-second budget is timed by tools/benchmark.py; here, what makes it hold: a
    handful of bulk statements, never one per row (wall-clock bounds are flaky on CI)."""
    data = big_extract(10_000)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(store.engine, "before_cursor_execute", listener)
    started = time.perf_counter()
    try:
        report = run_import(store, None, data)
    finally:
        event.remove(store.engine, "before_cursor_execute", listener)
    print(f"\n10 000 lignes importées en {time.perf_counter() - started:.2f} s")
    assert report.new == 10_000
    assert len(statements) < 40, len(statements)
