"""``guichet export ics``: the file, the exit statuses, and never a partial file."""

from __future__ import annotations

from datetime import UTC, date, datetime

import icalendar
import pytest

from db.agenda import booking
from db.agenda.models import AppointmentKind, CancelledBy
from db.unit import Unit
from desktop.cli import main
from tests.conftest import add_staff
from tests.db.agenda_setup import make_agenda

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def database(sqlite_store):
    """An adviser with a winter, a summer and a cancelled appointment."""
    setup = make_agenda(sqlite_store, add_staff(sqlite_store))
    with sqlite_store.session() as session:
        for day, kind in ((date(2026, 3, 16), AppointmentKind.PHONE),
                          (date(2026, 7, 6), AppointmentKind.PHYSICAL)):
            booking.book_appointment(Unit(session, setup.adviser),
                                     setup.request(setup.at(day, 9), kind=kind), now=NOW)
        cancelled = booking.book_appointment(
            Unit(session, setup.adviser), setup.request(setup.at(date(2026, 3, 17), 10)), now=NOW)
        booking.cancel_appointment(Unit(session, setup.adviser), cancelled, 1, CancelledBy.SERVICE,
                                   "Conseiller en formation")
    return str(sqlite_store.sqlite_path)


@pytest.fixture
def folder(tmp_path):
    """Where the export goes, apart from the database's own files."""
    path = tmp_path / "exports"
    path.mkdir()
    return path


def export(database, *arguments: str) -> int:
    return main(["--db", database, "export", "ics", *arguments])


def test_export_writes_the_advisers_calendar(database, folder, capsys):
    target = folder / "agenda.ics"
    assert export(database, "--adviser", "conseiller01", "--from", "2026-03-01",
                  "--to", "2026-12-31", "-o", str(target)) == 0
    assert "3 rendez-vous exportés" in capsys.readouterr().out
    data = target.read_bytes()
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert sorted(str(e["summary"]) for e in events) == [
        "RDV téléphonique — Mme D. — IJ", "RDV à l'accueil — Mme D. — IJ",
        "RDV à l'accueil — Mme D. — IJ"]
    assert sorted(str(e["status"]) for e in events) == ["CANCELLED", "CONFIRMED", "CONFIRMED"]
    # Nothing that identifies the person beyond « Mme D. »: no NIR, no first name, no reason.
    for secret in (b"Marie", b"DUPONT", b"284127", b"formation", b"Attestation"):
        assert secret not in data
    assert [p.name for p in folder.iterdir()] == ["agenda.ics"]


def test_the_period_is_inclusive_and_in_local_days(database, folder):
    target = folder / "jour.ics"
    assert export(database, "--adviser", "conseiller01", "--from", "2026-03-16",
                  "--to", "2026-03-16", "-o", str(target)) == 0
    assert len(icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")) == 1


@pytest.mark.parametrize("arguments, status, message", [
    (["--adviser", "inconnu", "--from", "2026-03-01", "--to", "2026-03-31"], 3,
     "Aucun conseiller n'a l'identifiant « inconnu »"),
    (["--adviser", "conseiller01", "--from", "2026-03-01", "--to", "2026-03-31", "--login",
      "mediateur01"], 3, "ne permet pas de prendre un rendez-vous"),
    (["--adviser", "responsable01", "--from", "2026-03-01", "--to", "2026-03-31"], 3,
     "Aucun conseiller n'a l'identifiant « responsable01 »"),
    (["--adviser", "conseiller01", "--from", "2026-03-31", "--to", "2026-03-01"], 3,
     "La période est inversée : le 01/03/2026 précède le 31/03/2026."),
    (["--adviser", "conseiller01", "--from", "30/03/2026", "--to", "2026-03-31"], 2,
     "date attendue au format AAAA-MM-JJ"),
    (["--adviser", "conseiller01", "--from", "2026-02-30", "--to", "2026-03-31"], 2,
     "la date « 2026-02-30 » n'existe pas"),
    (["--adviser", "conseiller01", "--from", "20260301", "--to", "2026-03-31"], 2,
     "date attendue au format AAAA-MM-JJ"),
    (["--adviser", "conseiller01", "--from", "2026-03-01"], 2,
     "arguments obligatoires manquants"),
])
def test_refusals_write_nothing(database, folder, capsys, arguments, status, message):
    target = folder / "agenda.ics"
    target.write_bytes(b"previous export")
    assert export(database, *arguments, "-o", str(target)) == status
    assert message in capsys.readouterr().err
    assert target.read_bytes() == b"previous export"
    assert [p.name for p in folder.iterdir()] == ["agenda.ics"]


def test_missing_folder_is_a_usage_error(database, folder, capsys):
    target = folder / "absent" / "agenda.ics"
    assert export(database, "--adviser", "conseiller01", "--from", "2026-03-01",
                  "--to", "2026-03-31", "-o", str(target)) == 2
    assert "dossier introuvable" in capsys.readouterr().err


def test_a_failure_while_writing_leaves_no_partial_file(database, folder, monkeypatch,
                                                        capsys):
    import desktop.documents

    def disk_full(_descriptor):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(desktop.documents.os, "fsync", disk_full)
    assert export(database, "--adviser", "conseiller01", "--from", "2026-03-01",
                  "--to", "2026-03-31", "-o", str(folder / "agenda.ics")) == 1
    assert "Échec inattendu" in capsys.readouterr().err
    assert list(folder.iterdir()) == []
