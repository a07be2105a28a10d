"""The demo's mediation cases: every state, consistent with the services."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from db import demo
from db.models import CaseOutcome, CaseStatus, MediationCase, MediationEvent, Role
from db.services import mediation, staff
from db.services.mediation import CaseFilter

TODAY = date(2026, 5, 20)


def test_demo_cases_cover_every_state_and_open_with_the_services(store):
    demo.generate(store, people_count=300, today=TODAY)
    with store.session() as session:
        cases = session.scalars(select(MediationCase)).all()
        assert len(cases) >= 30
        assert {c.status for c in cases} == set(CaseStatus)
        assert {c.outcome for c in cases if c.status is CaseStatus.CLOSED} == set(CaseOutcome)
        assert session.scalar(select(func.count()).select_from(MediationEvent)) > len(cases)
        mediator = staff.sign_in(session, "mediateur01")
        assert mediator.role is Role.MEDIATOR
        ids = mediation.search_cases(session, mediator, CaseFilter(), today=TODAY)
        assert len(ids) == len(cases)
        for case_id in ids:
            record = mediation.open_case(session, mediator, case_id, today=TODAY)
            assert record.timeline[0].title == "Demande reçue"
        # The counter continues after the demo's numbers.
        year_cases = sum(c.received_on.year == TODAY.year for c in cases)
        assert mediation._next_number(session, TODAY.year) == year_cases + 1
