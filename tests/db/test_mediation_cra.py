"""The CRA appeal delay: suspended from admissibility until the mediation ends, however it
ends, and shown among the late cases when it is about to run out."""

from __future__ import annotations

from datetime import date

import pytest

from db.mediation import reading as mediation_reading
from db.mediation.models import CaseOutcome, Redirection
from db.mediation.records import CaseFilter
from db.mediation.rules import Step
from db.mediation.wording import cra_text, delay_lines
from db.roles import Role
from tests.db.test_mediation import acknowledge, advance, case_maker, opened

# Notified 02/04/2026: the CRA must be seized by 02/06/2026. Admitted 12/05: 21 days left.
NOTIFIED, ADMITTED, CLOSED = date(2026, 4, 2), date(2026, 5, 12), date(2026, 6, 20)
LATE = "délai de la CRA bientôt échu"


@pytest.fixture
def mediator(actors):
    return actors[Role.MEDIATOR]


@pytest.fixture
def new_case(store, actors):
    return case_maker(store, actors)


@pytest.fixture
def admitted(store, mediator, new_case):
    case_id = new_case(decision_notified_on=NOTIFIED).id
    acknowledge(store, mediator, case_id, ADMITTED)
    advance(store, mediator, case_id, Step.DECLARE_ADMISSIBLE, today=ADMITTED)
    advance(store, mediator, case_id, Step.START_INSTRUCTION, today=ADMITTED)
    return case_id


def late_ids(store, actor, today: date) -> list:
    with store.unit(actor) as unit:
        return mediation_reading.search_cases(unit, CaseFilter(overdue_only=True),
                                              today=today)


@pytest.mark.parametrize("outcome, ending", [
    (CaseOutcome.WITHDRAWN, "désistement"),
    (CaseOutcome.REDIRECTED, "réorientation"),
    (CaseOutcome.COURT_ACTION, "recours contentieux"),
])
def test_a_case_closed_without_recommendation_resumes_the_delay_at_its_closure(
        store, mediator, admitted, outcome, ending):
    advance(store, mediator, admitted, Step.CLOSE, today=CLOSED, outcome=outcome)
    record = opened(store, mediator, admitted, today=date(2026, 7, 1))
    cra = record.deadlines.cra
    # 20/06 + the 21 days left at admission.
    assert (cra.suspended, cra.deadline, cra.remaining_days, cra.ending) == (
        False, date(2026, 7, 11), 10, ending)
    assert dict(delay_lines(record))["Délai de la CRA"] == (
        "Reste 10\u00a0jours sur le délai de 2 mois de la CRA, jusqu'au 11/07/2026 "
        f"(suspendu du 12/05/2026 au 20/06/2026 : {ending})")
    assert "suspendu depuis" not in cra_text(cra)


def test_a_reopened_case_suspends_the_delay_again(store, mediator, admitted):
    advance(store, mediator, admitted, Step.CLOSE, today=CLOSED, outcome=CaseOutcome.WITHDRAWN)
    advance(store, mediator, admitted, Step.REOPEN, today=date(2026, 6, 25))
    cra = opened(store, mediator, admitted, today=date(2026, 7, 1)).deadlines.cra
    assert (cra.suspended, cra.deadline, cra.remaining_days) == (True, None, 21)


def test_a_request_redirected_before_admission_never_suspends_it(store, mediator, new_case):
    case_id = new_case(decision_notified_on=NOTIFIED).id
    advance(store, mediator, case_id, Step.REDIRECT, today=ADMITTED, redirection=Redirection.CRA)
    cra = opened(store, mediator, case_id, today=date(2026, 5, 20)).deadlines.cra
    assert (cra.suspended, cra.deadline, cra.remaining_days) == (False, date(2026, 6, 2), 13)


def test_a_delay_running_out_shows_among_the_late_cases_and_says_so(store, mediator, admitted):
    advance(store, mediator, admitted, Step.CLOSE, today=CLOSED, outcome=CaseOutcome.WITHDRAWN)
    # Runs out on 11/07: shown from 26/06 (15 days before) to the day itself.
    assert admitted not in late_ids(store, mediator, date(2026, 6, 25))
    for today in (date(2026, 6, 26), date(2026, 7, 11)):
        assert admitted in late_ids(store, mediator, today)
        assert LATE in opened(store, mediator, admitted, today=today).deadlines.overdue
    assert admitted not in late_ids(store, mediator, date(2026, 7, 12))
    with store.unit(mediator) as unit:
        row, = mediation_reading.case_rows(unit, [admitted], today=date(2026, 7, 1))
    assert row.overdue == (LATE,)
    assert (row.next_due.on, row.next_due.label) == (date(2026, 7, 11), "délai de la CRA")


def test_a_request_awaiting_admissibility_warns_before_the_delay_runs_out(store, mediator,
                                                                          new_case):
    case_id = new_case(decision_notified_on=NOTIFIED).id
    acknowledge(store, mediator, case_id, date(2026, 5, 11))
    assert case_id not in late_ids(store, mediator, date(2026, 5, 17))
    assert case_id in late_ids(store, mediator, date(2026, 5, 18))  # 02/06 - 15 days
    # Declared admissible, the delay is suspended: not about to run out any more.
    advance(store, mediator, case_id, Step.DECLARE_ADMISSIBLE, today=date(2026, 5, 18))
    assert LATE not in opened(store, mediator, case_id,
                              today=date(2026, 5, 20)).deadlines.overdue
