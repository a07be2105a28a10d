"""The demo reads like a real office's data: what staff wrote happened during office hours
on a working day, and urgency is the exception it is."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select

from db.callbacks.models import CallbackRequest
from db.demo.generate import generate
from db.mediation.models import MediationCase, MediationEvent
from db.pathways.models import PathwayAttempt


def test_staff_wrote_during_office_hours_and_few_cases_are_urgent(sqlite_store):
    generate(sqlite_store, size="small", people_count=300)
    zone = ZoneInfo("Europe/Paris")
    with sqlite_store.session() as session:
        moments = {
            "case events": list(session.scalars(select(MediationEvent.occurred_at))),
            "call-backs handled": [m for m in session.scalars(
                select(CallbackRequest.outcome_at)) if m is not None],
            "call-backs due": list(session.scalars(select(CallbackRequest.due_at))),
            "pathway attempts": list(session.scalars(select(PathwayAttempt.attempted_at))),
        }
        urgent = list(session.scalars(select(MediationCase.urgent)))
    for what, found in moments.items():
        local = [m.astimezone(zone) for m in found]
        outside = [m for m in local if not (8 <= m.hour < 18) or m.weekday() > 4]
        assert found and not outside, (what, outside[:3])
    assert 0.05 < sum(urgent) / len(urgent) < 0.3
