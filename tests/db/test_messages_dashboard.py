"""The dashboard's no-show rates with and without a reminder, and the lists behind them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from db.agenda import booking
from db.agenda.models import AppointmentStatus
from db.dashboard import drill as dashboard_drill
from db.dashboard import figures as dashboard_figures
from db.messages.models import Message, MessageKind, MessageStatus
from db.people.models import MessageChannel
from db.roles import Role
from db.unit import rows
from tests.db.agenda_setup import make_agenda

BOOKED_ON = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
NOW = datetime(2026, 10, 30, 16, 0, tzinfo=UTC)


def test_no_shows_with_and_without_a_reminder(store, actors):
    setup = make_agenda(store, actors)
    outcomes = [(5, AppointmentStatus.HONOURED, True), (6, AppointmentStatus.NO_SHOW, True),
                (7, AppointmentStatus.HONOURED, True), (8, AppointmentStatus.NO_SHOW, False),
                (9, AppointmentStatus.HONOURED, False)]
    for day, status, reminded in outcomes:
        starts_at = setup.at(date(2026, 10, day), 10)
        with store.unit(setup.adviser) as unit:
            appointment_id = booking.book_appointment(unit, setup.request(starts_at),
                                                      now=BOOKED_ON)
            booking.record_outcome(unit, appointment_id, 1, status, now=NOW)
        if reminded:
            with store.unit(None) as unit:
                rows.create(unit, Message(
                    kind=MessageKind.REMINDER, channel=MessageChannel.EMAIL,
                    status=MessageStatus.SENT, appointment_id=appointment_id,
                    person_id=setup.person_id, recipient="marie.dupont@exemple.fr",
                    scheduled_at=starts_at, due_on=date(2026, 10, day - 2),
                    next_attempt_at=starts_at, message_id=f"<r{day}@test>", sent_at=starts_at))
    with store.unit(actors[Role.MANAGER]) as unit:
        board = dashboard_figures.dashboard(unit, date(2026, 10, 1), now=NOW)
        table = next(t for t in board.section("appointments").tables
                     if t.title == "Absences avec et sans rappel")
        (with_label, with_cells), (without_label, without_cells) = table.rows
        assert (with_label, without_label) == ("Avec un rappel envoyé", "Sans rappel")
        assert [(f.count, f.of) for f in with_cells] == [(3, None), (1, 3)]
        assert [(f.count, f.of) for f in without_cells] == [(2, None), (1, 2)]
        for figure in (*with_cells, *without_cells):
            assert len(dashboard_drill.drill_ids(unit, figure.drill, now=NOW)) == figure.count
