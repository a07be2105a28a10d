"""The agenda's demo data: every kind and outcome, and the rules the database holds."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from db.agenda.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Motive,
    OpeningHours,
    WorkshopSession,
)
from db.callbacks.models import CallbackRequest
from db.demo import generate as demo_generate

TODAY = date(2026, 3, 16)


def test_demo_agenda_has_every_kind_and_outcome_without_double_booking(store):
    summary = demo_generate.generate(store, seed=3, today=TODAY, people_count=2_000)
    with store.session() as session:
        kinds = set(session.scalars(select(Appointment.kind).distinct()))
        statuses = set(session.scalars(select(Appointment.status).distinct()))
        total = session.scalar(select(func.count()).select_from(Appointment))
        codes = set(session.scalars(select(Motive.code)))
        other = aliased(Appointment)
        overlaps = session.scalar(
            select(func.count()).select_from(Appointment).join(other, (
                (other.adviser_id == Appointment.adviser_id) & (other.id != Appointment.id)
                & (other.starts_at < Appointment.ends_at)
                & (other.ends_at > Appointment.starts_at)))
            .where(Appointment.status == AppointmentStatus.BOOKED,
                   other.status == AppointmentStatus.BOOKED,
                   Appointment.workshop_session_id.is_(None),
                   other.workshop_session_id.is_(None)))
        over_capacity = session.scalar(select(func.count()).select_from(WorkshopSession).where(
            WorkshopSession.seats_taken > WorkshopSession.capacity))
        # A site closed at lunch has two intervals on the same weekday.
        lunch_closed = len(session.execute(
            select(OpeningHours.site_id, OpeningHours.weekday)
            .group_by(OpeningHours.site_id, OpeningHours.weekday)
            .having(func.count() > 1)).all())
        callbacks = session.scalar(select(func.count()).select_from(CallbackRequest))
        # The queue's « Demande » column shows what the person asked.
        asked = session.scalar(select(func.count()).select_from(CallbackRequest)
                               .where(CallbackRequest.reason != ""))
    assert kinds == set(AppointmentKind)
    assert statuses == set(AppointmentStatus)
    assert {"IJ", "C2S", "CV", "AMELI", "AIDE", "INV", "MAT", "ALD", "AME"} <= codes
    assert 8_000 <= total <= 12_000  # the small set: about 10,000
    assert overlaps == 0 and over_capacity == 0
    assert lunch_closed > 0 and callbacks > 0
    assert asked > 0.7 * callbacks
    assert "rendez-vous (12 mois passés, 3 à venir)" in summary.describe()
