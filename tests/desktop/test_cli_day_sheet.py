"""``guichet export pdf day-sheet``: the file, the exit statuses, and never a partial file."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from db.agenda import booking
from db.agenda.models import AppointmentKind
from desktop.cli import main
from tests.conftest import add_staff
from tests.db.agenda_setup import make_agenda
from tests.desktop.test_mediation_pdf import read

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def database(sqlite_store):
    setup = make_agenda(sqlite_store, add_staff(sqlite_store))
    with sqlite_store.unit(setup.adviser) as unit:
        for hour, kind in ((9, AppointmentKind.PHYSICAL), (11, AppointmentKind.PHONE)):
            booking.book_appointment(unit, setup.request(
                setup.at(date(2026, 7, 6), hour), kind=kind), now=NOW)
    return str(sqlite_store.sqlite_path)


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "exports"
    path.mkdir()
    return path


def export(database, *arguments: str) -> int:
    return main(["--db", database, "export", "pdf", "day-sheet", *arguments])


def test_export_writes_the_advisers_day(database, folder, capsys):
    target = folder / "journee.pdf"
    assert export(database, "--adviser", "conseiller01", "--date", "2026-07-06",
                  "-o", str(target)) == 0
    assert "Feuille de journée du 06/07/2026 — Camille Conseiller01 — exportée" in (
        capsys.readouterr().out)
    text = read(target.read_bytes()).pages[0].extract_text()
    assert "09:00" in text and "11:00" in text and "DUPONT Marie" in text
    assert [p.name for p in folder.iterdir()] == ["journee.pdf"]


def test_a_day_without_appointment_gives_a_sheet_that_says_so(database, folder):
    target = folder / "vide.pdf"
    assert export(database, "--adviser", "conseiller01", "--date", "2026-07-07",
                  "-o", str(target)) == 0
    assert "Aucun rendez-vous ce jour-là." in read(target.read_bytes()).pages[0].extract_text()


@pytest.mark.parametrize("arguments, status, message", [
    (["--adviser", "inconnu", "--date", "2026-07-06"], 3,
     "Aucun conseiller n'a l'identifiant « inconnu »"),
    (["--adviser", "conseiller01", "--date", "2026-07-06", "--login", "inconnu"], 3,
     "Identifiant ou mot de passe incorrect."),
    (["--adviser", "responsable01", "--date", "2026-07-06"], 3,
     "Aucun conseiller n'a l'identifiant « responsable01 »"),
    (["--adviser", "conseiller01", "--date", "2026-07-06", "--login", "partenaire01"], 3,
     "ne permet pas de préparer les rendez-vous"),
    (["--adviser", "conseiller01", "--date", "06/07/2026"], 2,
     "date attendue au format AAAA-MM-JJ"),
    (["--adviser", "conseiller01", "--date", "2026-02-30"], 2,
     "la date « 2026-02-30 » n'existe pas"),
    (["--adviser", "conseiller01"], 2, "arguments obligatoires manquants"),
])
def test_refusals_write_nothing(database, folder, capsys, arguments, status, message):
    target = folder / "journee.pdf"
    target.write_bytes(b"previous sheet")
    assert export(database, *arguments, "-o", str(target)) == status
    assert message in capsys.readouterr().err
    assert target.read_bytes() == b"previous sheet"
    assert [p.name for p in folder.iterdir()] == ["journee.pdf"]


def test_missing_folder_is_a_usage_error(database, folder, capsys):
    assert export(database, "--adviser", "conseiller01", "--date", "2026-07-06",
                  "-o", str(folder / "absent" / "journee.pdf")) == 2
    assert "dossier introuvable" in capsys.readouterr().err


def test_a_failure_while_writing_leaves_no_partial_file(database, folder, monkeypatch,
                                                        capsys):
    import desktop.documents

    def disk_full(_descriptor):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(desktop.documents.os, "fsync", disk_full)
    assert export(database, "--adviser", "conseiller01", "--date", "2026-07-06",
                  "-o", str(folder / "journee.pdf")) == 1
    assert "Échec inattendu" in capsys.readouterr().err
    assert list(folder.iterdir()) == []
