"""`guichet export audit`: the journal of a period as a French CSV file, for an account that
may read it, with what that account may read and nothing more."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from db.mediation import reading as mediation_reading
from db.people import records as people_records
from db.roles import Role
from desktop.cli import main
from tests.conftest import add_staff
from tests.db.test_mediation import case_maker

TODAY = datetime.now(ZoneInfo("Europe/Paris")).date()


@pytest.fixture
def database(sqlite_store):
    """An adviser read a NIR in clear; a mediator opened a case."""
    actors = add_staff(sqlite_store)
    case = case_maker(sqlite_store, actors)()
    with sqlite_store.unit(actors[Role.MEDIATOR]) as unit:
        person_id = mediation_reading.open_case(unit, case.id).data.person_id
    with sqlite_store.unit(actors[Role.ADVISER]) as unit:
        people_records.get_person(unit, person_id)
    return str(sqlite_store.sqlite_path), actors, case.reference


def read_back(path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads the accents
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def export(url, target, login, *more) -> int:
    return main(["--db", url, "export", "audit", "--from", f"{TODAY:%Y-%m-%d}",
                 "--to", f"{TODAY:%Y-%m-%d}", "-o", str(target), "--login", login, *more])


def test_an_administrator_exports_every_entry_but_mediation(database, tmp_path, capsys):
    url, actors, _reference = database
    target = tmp_path / "journal.csv"
    assert export(url, target, "admin") == 0
    rows = read_back(target)
    assert rows[0] == ["Date et heure", "Compte", "Action", "Type d'enregistrement",
                       "Enregistrement", "Détails"]
    # Newest first: the administrator's own sign-in, then the adviser's reading of a NIR.
    assert [row[1:4] for row in rows[1:3]] == [
        [actors[Role.ADMIN].display_name, "Connexion", "Compte"],
        [actors[Role.ADVISER].display_name, "Lecture du NIR en clair", "Personne"]]
    assert all(row[0].startswith(f"{TODAY:%d/%m/%Y} ") for row in rows[1:])
    assert not [row for row in rows if "médiation" in row[3]]
    assert not re.search(r"\d \d\d \d\d|\d{13}", target.read_text("utf-8-sig"))  # no NIR
    count = len(rows) - 1
    assert capsys.readouterr().out.strip() == (
        f"{count} entrée{'s' if count > 1 else ''} du journal "
        f"exportée{'s' if count > 1 else ''} dans {target}")


def test_a_mediator_exports_the_journal_of_the_mediation_files(database, tmp_path):
    url, actors, reference = database
    target = tmp_path / "journal.csv"
    assert export(url, target, "mediateur01") == 0
    rows = read_back(target)[1:]
    assert rows and {row[3] for row in rows} <= {"Dossier de médiation",
                                                 "Attente d'un dossier de médiation",
                                                 "Fil d'un dossier de médiation"}
    assert [actors[Role.MEDIATOR].display_name, "Consultation", "Dossier de médiation",
            reference] in [row[1:5] for row in rows]


def test_the_journal_is_confidential_no_export_without_an_account(database, tmp_path, capsys):
    url, _actors, _reference = database
    target = tmp_path / "journal.csv"
    assert main(["--db", url, "export", "audit", "--from", "2026-01-01", "--to", "2026-01-31",
                 "-o", str(target)]) == 2
    assert "arguments obligatoires manquants : --login" in capsys.readouterr().err
    assert not target.exists()


@pytest.mark.parametrize("login, message", [
    ("conseiller01", "ne permet pas de consulter le journal"),
    ("assistant01", "ne permet pas de consulter le journal"),
    ("inconnu", "Identifiant ou mot de passe incorrect."),
])
def test_refusals_exit_with_a_french_message_and_write_nothing(database, tmp_path, capsys,
                                                                login, message):
    url, _actors, _reference = database
    assert export(url, tmp_path / "journal.csv", login) == 3
    assert message in capsys.readouterr().err
    assert not [p for p in tmp_path.iterdir() if "journal" in p.name]  # nor a temporary file


def test_a_period_backwards_or_misspelt_is_refused(database, tmp_path, capsys):
    url, _actors, _reference = database
    target = tmp_path / "journal.csv"
    assert main(["--db", url, "export", "audit", "--from", "2026-03-31", "--to", "2026-03-01",
                 "-o", str(target), "--login", "admin"]) == 3
    assert "La fin de la période précède son début." in capsys.readouterr().err
    assert main(["--db", url, "export", "audit", "--from", "31/03/2026", "--to", "2026-03-01",
                 "-o", str(target), "--login", "admin"]) == 2
    assert "date attendue au format AAAA-MM-JJ" in capsys.readouterr().err
    assert not target.exists()
