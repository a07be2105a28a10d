"""Messages to people, end to end on a real SMTP server on loopback: what a booking, a move
and a cancellation queue, what arrives, and that nothing arrives twice or unasked."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import vobject
from icalendar import Calendar

from db.agenda import booking
from db.agenda.models import CancelledBy
from db.base import utcnow
from db.messages import sender
from db.messages.models import MessageKind, MessageStatus
from db.messages.queue import notify_person
from db.people.models import MessageChannel
from db.roles import Role
from tests.db import messages_setup
from tests.db.messages_setup import (
    consent,
    consenting_agenda,
    loopback,
    messages,
    new_person,
    working_day,
)

smtp = messages_setup.smtp  # the loopback SMTP server, a fixture

EMAIL = "marie.dupont@exemple.fr"


@pytest.fixture
def agenda(store, actors):
    return consenting_agenda(store, actors)


def book(store, agenda, day, hour=10, **changes):
    with store.unit(agenda.adviser) as unit:
        return booking.book_appointment(unit, agenda.request(agenda.at(day, hour), **changes))


def parse_both(data: bytes):
    """The invitation read by two independent libraries."""
    return Calendar.from_ical(data), vobject.readOne(data.decode("utf-8"))


def test_a_booking_sends_one_confirmation_with_its_invitation(store, agenda, smtp):
    day = working_day(6)
    appointment_id = book(store, agenda, day)
    queued = messages(store)
    assert sorted(m.kind for m in queued) == [MessageKind.CONFIRMATION, MessageKind.REMINDER]

    report = sender.send_due(store, loopback(smtp))

    assert report.sent == 1 and report.complete
    (received,) = smtp.recorder.received
    assert received.recipients == (EMAIL,)
    assert received.message["From"].addresses[0].addr_spec == (
        "accueil.test@cpam-isere.exemple.fr")
    assert received.subject.startswith("Votre rendez-vous à l'accueil du ")
    body = received.message.get_body(("plain",)).get_content()
    assert "Bonjour Madame Dupont" in body and "10:00" in body
    assert "Attestation de salaire" in body  # the motive's documents
    assert "2 84 12" not in body and "284127" not in body  # never the NIR
    cal, card = parse_both(received.calendar())
    assert cal["METHOD"] == "REQUEST"
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == f"{appointment_id}@guichet"
    assert card.vevent.uid.value == f"{appointment_id}@guichet"
    assert card.vevent.dtstart.value.hour == 10
    assert received.message_id == queued[0].message_id or received.message_id == (
        queued[1].message_id)


def test_a_cancellation_sends_a_cancel_with_the_same_uid(store, agenda, smtp):
    day = working_day(6)
    appointment_id = book(store, agenda, day)
    sender.send_due(store, loopback(smtp))  # the confirmation
    with store.unit(agenda.adviser) as unit:
        version = unit.session.get(booking.Appointment, appointment_id).version
        booking.cancel_appointment(unit, appointment_id, version, CancelledBy.SERVICE,
                                   "Conseiller absent")
    sender.send_due(store, loopback(smtp))

    kinds = {m.kind: m.status for m in messages(store)}
    assert kinds[MessageKind.REMINDER] is MessageStatus.WITHDRAWN
    uids = []
    for received in smtp.recorder.received:
        cal, card = parse_both(received.calendar())
        uids.append((str(cal["METHOD"]), card.vevent.uid.value))
    assert sorted(uids) == [("CANCEL", f"{appointment_id}@guichet"),
                            ("REQUEST", f"{appointment_id}@guichet")]
    cancel = next(r for r in smtp.recorder.received if "Annulation" in r.subject)
    assert "par nos services : Conseiller absent" in cancel.message.get_body(
        ("plain",)).get_content()


def test_a_move_keeps_the_uid_with_a_higher_sequence(store, agenda, smtp):
    day = working_day(6)
    appointment_id = book(store, agenda, day)
    sender.send_due(store, loopback(smtp))
    with store.unit(agenda.adviser) as unit:
        version = unit.session.get(booking.Appointment, appointment_id).version
        booking.reschedule_appointment(unit, appointment_id, version, agenda.at(day, 14))
    sender.send_due(store, loopback(smtp))

    first, moved = smtp.recorder.received
    assert "déplacé" in moved.subject
    before, after = (Calendar.from_ical(r.calendar()).walk("VEVENT")[0] for r in (first, moved))
    assert str(before["UID"]) == str(after["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    # The old time's reminder went with it; the new time has its own.
    reminders = [m for m in messages(store) if m.kind is MessageKind.REMINDER]
    assert sorted(m.status for m in reminders) == [MessageStatus.PENDING,
                                                   MessageStatus.WITHDRAWN]


def test_reminders_go_exactly_for_the_appointments_due_and_only_once(store, agenda, smtp):
    day = working_day(8)
    book(store, agenda, day, 9)
    book(store, agenda, day, 15)
    book(store, agenda, working_day((day - date.today()).days + 3), 11)  # a later day
    bare = book(store, agenda, day, 11, person_id=agenda.bare_person_id)  # no consent
    reminder_day = day - timedelta(days=2)

    report = sender.send_due(store, loopback(smtp), day=reminder_day)

    subjects = [r.subject for r in smtp.recorder.received]
    assert report.complete and report.sent == 5
    assert sum(s.startswith("Rappel") for s in subjects) == 2  # the two of ``day``
    assert sum(s.startswith("Votre") for s in subjects) == 3  # the confirmations
    assert all(r.recipients == (EMAIL,) for r in smtp.recorder.received)
    assert not [m for m in messages(store) if m.appointment_id == bare]
    again = sender.send_due(store, loopback(smtp), day=reminder_day)
    assert again.sent == 0 and len(smtp.recorder.received) == 5
    assert len({r.message_id for r in smtp.recorder.received}) == 5


def test_nobody_gets_a_message_they_did_not_accept(store, agenda, actors, smtp):
    day = working_day(6)
    consent(store, agenda.adviser, agenda.person_id, MessageChannel.NONE)
    book(store, agenda, day)
    assert messages(store) == []
    # Consent withdrawn after queueing: the message is withdrawn when it would go.
    consent(store, agenda.adviser, agenda.person_id, MessageChannel.EMAIL)
    book(store, agenda, day, 14)
    consent(store, agenda.adviser, agenda.person_id, MessageChannel.NONE)
    report = sender.send_due(store, loopback(smtp))
    assert report.sent == 0 and report.withdrawn == 1
    assert smtp.recorder.received == []


def test_an_adviser_may_leave_one_change_untold(store, agenda, smtp):
    day = working_day(6)
    with store.unit(agenda.adviser) as unit:
        notify_person(unit, False)
        booking.book_appointment(unit, agenda.request(agenda.at(day, 10)))
    assert [m.kind for m in messages(store)] == [MessageKind.REMINDER]


def test_a_server_that_answers_451_then_250_gets_the_message_once(store, agenda, smtp):
    book(store, agenda, working_day(6))
    smtp.recorder.data_answers.append("451 4.3.0 Try again later")
    first = sender.send_due(store, loopback(smtp))
    assert first.sent == 0 and len(first.retrying) == 1 and not first.complete
    (waiting,) = [m for m in messages(store) if m.kind is MessageKind.CONFIRMATION]
    assert waiting.status is MessageStatus.PENDING and waiting.last_error.startswith("451")
    too_soon = sender.send_due(store, loopback(smtp))
    assert too_soon.sent == 0  # the back-off holds
    later = sender.send_due(store, loopback(smtp), clock=lambda: utcnow() + timedelta(
        minutes=2))
    assert later.sent == 1
    assert len(smtp.recorder.received) == 1


def test_a_permanent_refusal_stops_and_keeps_the_servers_answer(store, agenda, smtp):
    book(store, agenda, working_day(6))
    smtp.recorder.data_answers.append("550 5.1.1 Mailbox unavailable")
    report = sender.send_due(store, loopback(smtp))
    assert report.failed == 1
    (failed,) = [m for m in messages(store) if m.kind is MessageKind.CONFIRMATION]
    assert failed.status is MessageStatus.FAILED
    assert failed.last_error.startswith("550 5.1.1")
    assert sender.send_due(store, loopback(smtp)).sent == 0  # not tried again


def test_no_server_configured_leaves_the_messages_waiting(store, agenda):
    book(store, agenda, working_day(6))
    report = sender.send_due(store, None)
    assert report.stopped.startswith("Aucun serveur d'envoi")
    assert {m.status for m in messages(store)} == {MessageStatus.PENDING}


def test_people_without_e_mail_consent_but_sms_get_no_e_mail(store, agenda, actors, smtp):
    person_id = new_person(store, actors[Role.ADVISER], "Sms", channel=MessageChannel.SMS,
                           phone="06 98 76 54 32")
    book(store, agenda, working_day(6), person_id=person_id)
    sms = [m for m in messages(store) if m.person_id == person_id]
    assert {m.channel for m in sms} == {MessageChannel.SMS}
    assert sender.send_due(store, loopback(smtp)).sent == 0
    assert smtp.recorder.received == []


def test_two_senders_at_once_send_each_message_once(store, agenda, smtp):
    import threading
    from collections import Counter

    day = working_day(6)
    with store.unit(agenda.adviser) as unit:
        for hour in (9, 10, 11, 14, 15, 16):
            booking.book_appointment(unit, agenda.request(agenda.at(day, hour)))
    reports = []
    threads = [threading.Thread(target=lambda: reports.append(
        sender.send_due(store, loopback(smtp)))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(r.sent for r in reports) == 6
    assert set(Counter(r.message_id for r in smtp.recorder.received).values()) == {1}
    assert len(smtp.recorder.received) == 6
