"""``guichet reminders send|sms``: what reaches a real SMTP server on loopback, the exit
statuses and summaries, a sender killed in the middle, and the SMS platform's file."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from db.agenda import booking
from db.messages.gsm7 import is_gsm7, septets
from db.messages.models import MessageStatus
from db.people.models import MessageChannel
from desktop.cli import main
from tests.conftest import add_staff
from tests.db import messages_setup
from tests.db.messages_setup import consenting_agenda, messages, new_person, working_day

ROOT = Path(__file__).resolve().parents[2]
BOOKINGS = 5


smtp = messages_setup.smtp  # the loopback SMTP server, a fixture


@pytest.fixture
def agenda(sqlite_store):
    return consenting_agenda(sqlite_store, add_staff(sqlite_store))


def book_several(store, agenda, count: int = BOOKINGS, person_id=None) -> list:
    day = working_day(6)
    ids = []
    with store.unit(agenda.adviser) as unit:
        for hour in (9, 10, 11, 14, 15)[:count]:
            ids.append(booking.book_appointment(unit, agenda.request(
                agenda.at(day, hour), person_id=person_id or agenda.person_id)))
    return ids


def send(store, *arguments: str) -> int:
    return main(["--db", str(store.sqlite_path), "reminders", "send", *arguments])


def test_send_exits_0_with_a_french_summary_and_a_second_run_sends_nothing(
        sqlite_store, agenda, smtp, capsys):
    book_several(sqlite_store, agenda, 2)
    assert send(sqlite_store, "--smtp", smtp.address) == 0
    assert capsys.readouterr().out.strip() == "2 messages envoyés."
    assert send(sqlite_store, "--smtp", smtp.address) == 0
    assert capsys.readouterr().out.strip() == "0 message envoyé."
    assert len(smtp.recorder.received) == 2


def test_send_exits_3_when_a_message_fails(sqlite_store, agenda, smtp, capsys):
    book_several(sqlite_store, agenda, 2)
    smtp.recorder.data_answers.append("550 5.7.1 Refused")
    assert send(sqlite_store, "--smtp", smtp.address) == 3
    out = capsys.readouterr().out
    assert "1 message envoyé." in out and "1 message en échec" in out


def test_send_without_a_server_exits_3_and_keeps_the_messages(sqlite_store, agenda, capsys):
    book_several(sqlite_store, agenda, 1)
    assert send(sqlite_store) == 3
    assert "Aucun serveur d'envoi n'est réglé" in capsys.readouterr().out
    assert {m.status for m in messages(sqlite_store)} == {MessageStatus.PENDING}


def test_an_unreachable_server_exits_3_and_sends_nothing(sqlite_store, agenda, capsys):
    from tests.smtp_server import free_port

    book_several(sqlite_store, agenda, 1)
    assert send(sqlite_store, "--smtp", f"127.0.0.1:{free_port()}") == 3
    assert "ne répond pas" in capsys.readouterr().out
    assert {m.status for m in messages(sqlite_store)} == {MessageStatus.PENDING}


def test_a_bad_smtp_address_is_a_usage_error(sqlite_store, capsys):
    assert send(sqlite_store, "--smtp", "serveur") == 2
    assert "HÔTE:PORT" in capsys.readouterr().err


# -- a sender killed in the middle -------------------------------------------------------------

def _killed_at(store, smtp, hook: str, nth: int) -> None:
    """Run ``guichet reminders send`` in a process killed (SIGKILL) while the server is at
    its ``nth`` RCPT or DATA."""
    reached, release, seen = threading.Event(), threading.Event(), []

    def hold(*_args) -> None:
        seen.append(1)
        if len(seen) == nth:
            reached.set()
            release.wait(30)

    setattr(smtp.recorder, hook, hold)
    process = subprocess.Popen(
        [sys.executable, "-m", "desktop.cli", "--db", str(store.sqlite_path), "reminders",
         "send", "--smtp", smtp.address], cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        assert reached.wait(60), "the sender never reached the message"
        process.kill()
        process.wait(30)
    finally:
        release.set()
        if process.poll() is None:
            process.kill()
    setattr(smtp.recorder, hook, None)


def test_a_sender_killed_before_handing_over_is_restarted_and_sends_each_message_once(
        sqlite_store, agenda, smtp, capsys):
    book_several(sqlite_store, agenda)
    _killed_at(sqlite_store, smtp, "on_rcpt", 3)
    assert len(smtp.recorder.received) == 2
    assert send(sqlite_store, "--smtp", smtp.address) == 0
    ids = Counter(r.message_id for r in smtp.recorder.received)
    assert len(ids) == BOOKINGS and set(ids.values()) == {1}
    assert {m.status for m in messages(sqlite_store) if m.kind.value == "confirmation"} == {
        MessageStatus.SENT}
    assert "3 messages envoyés." in capsys.readouterr().out


def test_a_sender_killed_while_handing_over_never_sends_that_message_again(
        sqlite_store, agenda, smtp, capsys):
    book_several(sqlite_store, agenda)
    _killed_at(sqlite_store, smtp, "on_data", 3)  # the server takes the 3rd after the kill
    assert send(sqlite_store, "--smtp", smtp.address) == 3  # one to check by hand
    ids = Counter(r.message_id for r in smtp.recorder.received)
    assert len(ids) == BOOKINGS and set(ids.values()) == {1}
    statuses = Counter(m.status for m in messages(sqlite_store)
                       if m.kind.value == "confirmation")
    assert statuses == {MessageStatus.SENT: BOOKINGS - 1, MessageStatus.UNCERTAIN: 1}
    assert "interrompu" in capsys.readouterr().out
    assert send(sqlite_store, "--smtp", smtp.address) == 0  # and not again later
    assert len(smtp.recorder.received) == BOOKINGS


# -- the SMS file ------------------------------------------------------------------------------

def sms_command(store, day, target) -> int:
    return main(["--db", str(store.sqlite_path), "reminders", "sms", "--day", day.isoformat(),
                 "-o", str(target)])


def test_the_sms_file_reads_back_with_csv_and_fits_160_gsm7_characters(
        sqlite_store, agenda, tmp_path, capsys):
    person_id = new_person(sqlite_store, agenda.adviser, "De La Fontaine-Vallières",
                           channel=MessageChannel.SMS, phone="07 98 76 54 32")
    book_several(sqlite_store, agenda, 3, person_id=person_id)
    day = working_day(6) - timedelta(days=2)  # the reminders' day
    target = tmp_path / "sms.csv"

    assert sms_command(sqlite_store, day, target) == 0
    assert "6 SMS" in capsys.readouterr().out  # 3 confirmations, 3 reminders
    rows = list(csv.reader(io.StringIO(target.read_text("utf-8")), delimiter=";"))
    assert rows[0] == ["Numéro", "Message", "Date d'envoi", "Référence"]
    assert len(rows) == 7
    for number, text, when, _reference in rows[1:]:
        assert number == "+33798765432"
        assert is_gsm7(text) and septets(text) <= 160, text
        assert when[2] == "/" and when[-3] == ":"
    assert any(text.startswith("Rappel Assurance Maladie") for _n, text, *_ in rows[1:])

    again = tmp_path / "again.csv"
    assert sms_command(sqlite_store, day, again) == 0  # an SMS goes in one file only
    assert len(list(csv.reader(io.StringIO(again.read_text("utf-8")), delimiter=";"))) == 1
