"""What the messages' tests share: an agenda whose people accept messages, working days to
book on, and the loopback server as the sender sees it."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta

import pytest

from db.messages.models import Message, SmtpSecurity
from db.messages.sender import SmtpServer
from db.people import records as people_records
from db.people.models import MessageChannel, PersonKind
from db.people.records import PersonInput
from db.workdays import WorkingCalendar
from tests.db.agenda_setup import make_agenda
from tests.smtp_server import SmtpServer as LoopbackServer


def working_day(after_days: int, department: str = "38") -> date:
    """The first working day (Monday to Friday, no holiday) at least ``after_days`` from
    today, whose two previous calendar days are working days too (a reminder falls on
    the very day ``reminder_days`` gives)."""
    calendar = WorkingCalendar(department)
    day = date.today() + timedelta(days=after_days)
    while not all(calendar.is_working_day(day - timedelta(days=n)) for n in range(3)):
        day += timedelta(days=1)
    return day


def consent(store, adviser, person_id: uuid.UUID, channel: MessageChannel) -> None:
    with store.unit(adviser) as unit:
        record = people_records.get_person(unit, person_id)
        people_records.update_person(unit, person_id, record.version,
                                     replace(record.data, message_channel=channel))


def new_person(store, adviser, last_name: str, *, channel: MessageChannel,
               email: str = "", phone: str = "") -> uuid.UUID:
    with store.unit(adviser) as unit:
        return people_records.create_person(unit, PersonInput(
            kind=PersonKind.HEALTH_PROFESSIONAL, last_name=last_name, first_name="Alex",
            profession="nurse", email=email, phone=phone, message_channel=channel))


def loopback(server) -> SmtpServer:
    """The test server, as Guichet's sender reaches it: no encryption, no account."""
    return SmtpServer("127.0.0.1", server.port, SmtpSecurity.NONE, timeout=10)


def messages(store) -> list[Message]:
    from sqlalchemy import select

    with store.session() as session:
        return list(session.scalars(select(Message).order_by(Message.created_at)))


def consenting_agenda(store, actors):
    """The test agenda, its person (Marie Dupont) accepting e-mails."""
    made = make_agenda(store, actors)
    consent(store, made.adviser, made.person_id, MessageChannel.EMAIL)
    return made


@pytest.fixture
def smtp():
    """A real SMTP server on loopback for the test (import it into the test module)."""
    with LoopbackServer() as server:
        yield server
