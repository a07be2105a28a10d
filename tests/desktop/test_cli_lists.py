"""`guichet export xlsx|csv LIST`: the lists of the screens, statuses, nothing written on
refusal."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from desktop.cli import main
from tests.conftest import add_staff
from tests.db.test_dashboard import october_activity

OCTOBER = ["--from", "2026-10-01", "--to", "2026-10-31"]


@pytest.fixture
def database(sqlite_store):
    october_activity(sqlite_store, add_staff(sqlite_store))
    return str(sqlite_store.sqlite_path)


@pytest.mark.parametrize("name, login, rows", [
    ("appointments", "responsable01", 8), ("callbacks", "conseiller01", 4),
    ("cases", "mediateur01", 4), ("worklist", "conseiller01", 3),
    ("people", "conseiller01", 4), ("preparations", "conseiller01", 0),
])
def test_every_list_exports_as_xlsx(database, tmp_path, capsys, name, login, rows):
    target = tmp_path / f"{name}.xlsx"
    arguments = [] if name == "people" else OCTOBER
    assert main(["--db", database, "export", "xlsx", name, *arguments, "--login", login,
                 "-o", str(target)]) == 0
    said = capsys.readouterr().out
    assert f"dans {target}" in said
    page = openpyxl.load_workbook(target).active
    assert page.max_row - 1 == rows and page.freeze_panes == "A2"


def test_a_site_narrows_the_list_and_csv_is_for_french_excel(database, tmp_path, capsys):
    target = tmp_path / "rdv.csv"
    assert main(["--db", database, "export", "csv", "appointments", *OCTOBER, "--site",
                 "agence de grenoble", "--login", "responsable01", "-o", str(target)]) == 0
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfDate;Heure;Personne")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert len(table) == 9 and table[1][0] == "12/10/2026"
    assert main(["--db", database, "export", "csv", "appointments", *OCTOBER, "--site",
                 "Point conseil de Voiron", "--login", "responsable01", "-o", str(target)]) == 0
    assert len(target.read_text(encoding="utf-8-sig").splitlines()) == 1  # the header only


def test_the_audit_journal_is_for_administrators(database, tmp_path, capsys):
    target = tmp_path / "journal.xlsx"
    assert main(["--db", database, "export", "xlsx", "audit", "--login", "admin", "-o",
                 str(target)]) == 0
    rows = list(openpyxl.load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Date et heure", "Compte", "Action") and len(rows) > 20


@pytest.mark.parametrize("argv, status, message", [
    (["xlsx", "cases", "--login", "conseiller01"], 3, "ne permet pas"),
    (["xlsx", "cases"], 3, "donnez l'identifiant avec --login"),
    (["xlsx", "agenda", "--login", "admin"], 2, "choix invalide"),
    (["csv", "appointments", "--site", "Lyon", "--login", "responsable01"], 2,
     "lieu d'accueil inconnu « Lyon » (possibles : Agence de Grenoble"),
    (["csv", "people", "--site", "Agence de Grenoble", "--login", "admin"], 2,
     "cette liste n'a pas de lieu"),
    (["csv", "audit", "--from", "2026-10-31", "--to", "2026-10-01", "--login", "admin"], 2,
     "--to est avant --from"),
    (["csv", "audit", "--from", "31/10/2026", "--login", "admin"], 2, "AAAA-MM-JJ"),
])
def test_refusals_write_nothing(database, tmp_path, capsys, argv, status, message):
    folder = tmp_path / "exports"
    folder.mkdir()
    assert main(["--db", database, "export", *argv, "-o", str(folder / "liste")]) == status
    assert message in capsys.readouterr().err
    assert list(folder.iterdir()) == []


def test_the_parser_names_every_list_and_imports_none():
    import subprocess
    import sys

    from desktop.cli_lifecycle import LIST_NAMES
    from desktop.documents.lists import LISTS

    assert tuple(LISTS) == LIST_NAMES
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys; from desktop.cli import build_parser; "
         "build_parser(); print(sorted(m for m in sys.modules if m.startswith('db.')))"],
        capture_output=True, text=True, check=True).stdout
    assert "db.lifecycle" not in loaded and "db.agenda" not in loaded
