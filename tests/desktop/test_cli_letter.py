"""``guichet export pdf letter``: a booked appointment's confirmation, or nothing at all."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from db.agenda import booking
from db.agenda.models import AppointmentKind
from desktop.cli import main
from tests.conftest import add_staff
from tests.db.agenda_setup import make_agenda
from tests.desktop.test_mediation_pdf import read
from tests.gui.test_agenda import working_day

# The command refuses a letter for an appointment already past: one to come.
DAY = working_day(date.today() + timedelta(days=14))


@pytest.fixture
def appointment(sqlite_store):
    setup = make_agenda(sqlite_store, add_staff(sqlite_store))
    with sqlite_store.unit(setup.adviser) as unit:
        appointment_id = booking.book_appointment(unit, setup.request(
            setup.at(DAY, 9), kind=AppointmentKind.PHYSICAL))
    return str(sqlite_store.sqlite_path), str(appointment_id)


def export(database: str, *arguments: str) -> int:
    return main(["--db", database, "export", "pdf", "letter", *arguments])


def test_the_letter_gives_the_local_time_and_place(appointment, tmp_path, capsys):
    database, appointment_id = appointment
    target = tmp_path / "lettre.pdf"
    assert export(database, appointment_id, "--login", "conseiller01", "-o", str(target)) == 0
    assert f"Lettre de confirmation exportée dans {target}" in capsys.readouterr().out
    text = read(target.read_bytes()).pages[0].extract_text()
    assert f"{DAY:%d/%m/%Y}" in text and "09:00" in text and "Agence de Grenoble" in text


@pytest.mark.parametrize("appointment_arg, login, status, message", [
    ("pas-un-identifiant", "conseiller01", 2, "identifiant de rendez-vous attendu"),
    (None, "inconnu", 3, "Identifiant ou mot de passe incorrect."),
    (str(uuid.uuid4()), "conseiller01", 3, "n'existe pas"),
    (None, "mediateur01", 3, "ne permet pas de prendre un rendez-vous"),
])
def test_refusals_write_nothing(appointment, tmp_path, capsys, appointment_arg, login, status,
                                message):
    database, appointment_id = appointment
    folder = tmp_path / "exports"
    folder.mkdir()
    assert export(database, appointment_arg or appointment_id, "--login", login,
                  "-o", str(folder / "lettre.pdf")) == status
    assert message in capsys.readouterr().err
    assert list(folder.iterdir()) == []
