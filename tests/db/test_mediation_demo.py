"""The demo's mediation cases: every state, consistent with the services."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from db.demo import generate as demo_generate
from db.mediation import reading as mediation_reading
from db.mediation.models import (
    CaseOutcome,
    CaseStatus,
    MediationCase,
    MediationCounter,
    MediationEvent,
)
from db.mediation.records import CaseFilter
from db.org import accounts
from db.roles import Role
from db.unit import Unit, rows

TODAY = date(2026, 5, 20)


def test_demo_cases_cover_every_state_and_open_with_the_services(store):
    demo_generate.generate(store, people_count=300, today=TODAY)
    with store.session() as session:
        cases = session.scalars(select(MediationCase)).all()
        assert len(cases) >= 30
        assert {c.status for c in cases} == set(CaseStatus)
        assert {c.outcome for c in cases if c.status is CaseStatus.CLOSED} == set(CaseOutcome)
        assert session.scalar(select(func.count()).select_from(MediationEvent)) > len(cases)
        mediator = accounts.load_actor(session, "mediateur01")
        assert mediator.role is Role.MEDIATOR
        ids = mediation_reading.search_cases(Unit(session, mediator), CaseFilter(), today=TODAY)
        assert len(ids) == len(cases)
        for case_id in ids:
            record = mediation_reading.open_case(Unit(session, mediator), case_id, today=TODAY)
            assert record.timeline[0].title == "Demande reçue"
        # The counter continues after the demo's numbers.
        year_cases = sum(c.received_on.year == TODAY.year for c in cases)
        assert rows.next_number(Unit(session, None), MediationCounter, {"year": TODAY.year},
                                "last_number") == year_cases + 1
