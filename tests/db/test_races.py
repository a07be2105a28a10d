"""Two people writing the same thing at the same instant on the server, many times over: one
wins, the other always gets the French refusal — never a raw database error."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from functools import partial

import pytest

from db.agenda import booking
from db.errors import ConflictError
from db.mediation import lifecycle
from db.mediation.models import MediationCase, WaitingOn
from db.mediation.records import StepInput
from db.mediation.rules import Step
from db.roles import Role
from tests.db.agenda_setup import make_agenda
from tests.db.test_agenda_booking import NOW
from tests.db.test_mediation import RECEIVED, advance, case_maker

ROUNDS = 25
MONDAY = date(2026, 3, 16)

pytestmark = pytest.mark.postgres


@pytest.fixture
def server(store):
    if store.is_sqlite:
        pytest.skip("SQLite serialises writers; the race is a server's")
    return store


def race(*attempts) -> list[object]:
    """Run the attempts in threads at once; their results or the exceptions they raised."""
    outcomes: list[object] = []

    def run(attempt):
        try:
            outcomes.append(attempt())
        except Exception as error:  # the test says what it must be
            outcomes.append(error)

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def the_loser(outcomes: list[object], won: type) -> ConflictError:
    lost = [o for o in outcomes if not isinstance(o, won)]
    assert len(outcomes) == 2 and len(lost) == 1, outcomes
    assert isinstance(lost[0], ConflictError), repr(lost[0])
    return lost[0]


def step_after_reading(store, actor, case_id, version, data, read: threading.Barrier):
    with store.unit(actor) as unit:
        unit.session.get(MediationCase, case_id)  # both hold the same version
        read.wait()
        return lifecycle.advance(unit, case_id, version, data, today=RECEIVED)


def test_two_saves_of_one_mediation_case(server, actors):
    """A step that starts a wait (new rows, derived deadlines) against one that does not."""
    mediator, assistant = actors[Role.MEDIATOR], actors[Role.MEDIATION_ASSISTANT]
    new_case = case_maker(server, actors)
    wait = StepInput(Step.WAIT, waiting_on=WaitingOn.REQUESTER,
                     follow_up_on=RECEIVED + timedelta(days=14))
    for _round in range(ROUNDS):
        case_id = new_case().id
        version = advance(server, mediator, case_id, Step.DECLARE_ADMISSIBLE)
        read = threading.Barrier(2, timeout=10)
        refused = the_loser(race(
            partial(step_after_reading, server, mediator, case_id, version,
                    StepInput(Step.START_INSTRUCTION), read),
            partial(step_after_reading, server, assistant, case_id, version, wait, read),
        ), int)
        assert "Quelqu'un d'autre a modifié ce dossier entre-temps" in str(refused)


def book(store, setup, starts_at):
    with store.unit(setup.adviser) as unit:
        return booking.book_appointment(unit, setup.request(starts_at), now=NOW)


def test_two_bookings_of_one_slot(server, actors, monkeypatch):
    """Both have checked the slot free before either writes (the check waits for the other)."""
    setup = make_agenda(server, actors)
    checked = threading.Barrier(2, timeout=10)
    check_slot = booking.check_slot

    def check_then_wait(*args, **kwargs):
        check_slot(*args, **kwargs)
        checked.wait()

    monkeypatch.setattr(booking, "check_slot", check_then_wait)
    # Two weeks without a public holiday, at three hours a day.
    days = [MONDAY + timedelta(days=7 * week + weekday) for week in (0, 1) for weekday in range(5)]
    for round_ in range(ROUNDS):
        day, hour = days[round_ % len(days)], (9, 10, 14)[round_ // len(days)]
        refused = the_loser(race(
            partial(book, server, setup, setup.at(day, hour)),
            partial(book, server, setup, setup.at(day, hour, 15)),
        ), type(setup.site_id))
        assert "Ce créneau vient d'être pris" in str(refused)
