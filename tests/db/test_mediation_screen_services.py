"""What the mediation screens ask of the services beyond the core: the next delay of each
list line, and the letters a case may receive."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from db.errors import PermissionDenied
from db.mediation import letters
from db.mediation import reading as mediation_reading
from db.mediation.deadlines import NextDue, next_due
from db.mediation.models import CaseOutcome, CaseStatus, LetterKind, MediationCase, WaitingOn
from db.mediation.rules import Step
from db.roles import Role
from tests.db.test_mediation import RECEIVED, acknowledge, advance, case_maker


@pytest.fixture
def mediator(actors):
    return actors[Role.MEDIATOR]


@pytest.fixture
def new_case(store, actors):
    return case_maker(store, actors)


def row(store, actor, case_id, today):
    with store.unit(actor) as unit:
        (line,) = mediation_reading.case_rows(unit, [case_id], today=today)
    return line


def test_each_line_tells_the_nearest_running_delay(store, mediator, new_case):
    case_id = new_case().id
    # Received Friday 08/05: acknowledgement due 15/05, handling target 08/06.
    assert row(store, mediator, case_id, RECEIVED).next_due == NextDue(
        date(2026, 5, 15), "accusé de réception")
    acknowledge(store, mediator, case_id, date(2026, 5, 11))
    # Not admitted yet, the CRA delay runs (decision notified 02/04): it ends first.
    assert row(store, mediator, case_id, date(2026, 5, 11)).next_due == NextDue(
        date(2026, 6, 2), "délai de la CRA")
    advance(store, mediator, case_id, Step.DECLARE_ADMISSIBLE, today=date(2026, 5, 11))
    # Admitted, the CRA delay is suspended: the handling target is the nearest.
    assert row(store, mediator, case_id, date(2026, 5, 11)).next_due == NextDue(
        date(2026, 6, 8), "traitement")
    advance(store, mediator, case_id, Step.WAIT, today=date(2026, 5, 12),
            waiting_on=WaitingOn.REQUESTER, follow_up_on=date(2026, 5, 20))
    # Paused: the handling target moves every day, the follow-up is what is awaited.
    assert row(store, mediator, case_id, date(2026, 5, 12)).next_due == NextDue(
        date(2026, 5, 20), "relance")


def test_nothing_is_awaited_once_handled():
    assert next_due(CaseStatus.RECOMMENDATION_ISSUED, date(2026, 5, 11), date(2026, 5, 15),
                    date(2026, 6, 8), None, None) is None
    assert next_due(CaseStatus.CLOSED, None, date(2026, 5, 15), date(2026, 6, 8), None,
                    None) is None


def test_letters_offered_follow_the_state_of_the_case(store, mediator, new_case):
    case_id = new_case().id
    with store.unit(mediator) as unit:
        assert letters.letters_for_case(unit, case_id) == [
            LetterKind.ACKNOWLEDGEMENT]
    advance(store, mediator, case_id, Step.DECLARE_ADMISSIBLE, today=date(2026, 5, 11))
    with store.unit(mediator) as unit:
        assert letters.letters_for_case(unit, case_id) == [
            LetterKind.ACKNOWLEDGEMENT, LetterKind.ADMISSIBLE]


def test_a_persons_cases_for_their_record_open_ones_first(store, actors, mediator, new_case):
    first = new_case().id
    second = new_case(received_on=date(2026, 5, 11), today=date(2026, 5, 11)).id
    advance(store, mediator, first, Step.CLOSE, today=date(2026, 5, 12),
            outcome=CaseOutcome.WITHDRAWN)
    with store.unit(mediator) as unit:
        person_id = unit.session.get(MediationCase, first).person_id
        cases = mediation_reading.person_cases(unit, person_id, today=date(2026, 5, 12))
        others = mediation_reading.person_cases(unit, uuid.uuid4())
    assert [case.id for case in cases] == [second, first]
    assert cases[1].status is CaseStatus.CLOSED and others == []
    with store.unit(actors[Role.ADVISER]) as unit, pytest.raises(PermissionDenied):
        mediation_reading.person_cases(unit, person_id)
