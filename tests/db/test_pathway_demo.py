"""The demo's pathway step: a year of monthly cohorts at one CPAM's volumes, every state."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from db.agenda.models import Appointment, AppointmentKind, AppointmentStatus, Channel
from db.demo import generate as demo_generate
from db.org import accounts
from db.pathways import funnel as pathways_funnel
from db.pathways import kinds as pathways_kinds
from db.pathways import worklists
from db.pathways.models import (
    PathwayAttempt,
    PathwayEntry,
    PathwayKind,
    PathwayOutcome,
    PathwayStatus,
    PersonOffer,
)
from db.people.models import Civility, Person
from db.roles import Role
from db.unit import Unit

TODAY = date(2026, 3, 2)


def test_a_year_of_cohorts_in_every_state(store):
    summary = demo_generate.generate(store, seed=3, today=TODAY, people_count=1500)
    assert "personnes dans les parcours sur 12 mois" in summary.describe()
    midnight = datetime(2026, 3, 2, tzinfo=UTC)
    with store.session() as session:
        per_kind = dict(session.execute(
            select(PathwayKind.code, func.count()).join(
                PathwayEntry, PathwayEntry.kind_id == PathwayKind.id)
            .group_by(PathwayKind.code)).all())
        statuses = set(session.scalars(select(PathwayEntry.status).distinct()))
        months = set(session.scalars(select(PathwayEntry.month).distinct()))
        latest = session.scalar(select(func.max(PathwayEntry.updated_at)))
        latest_attempt = session.scalar(select(func.max(PathwayAttempt.attempted_at)))
        mothers = set(session.scalars(
            select(Person.civility).join(PathwayEntry, PathwayEntry.person_id == Person.id)
            .join(PathwayKind, PathwayKind.id == PathwayEntry.kind_id)
            .where(PathwayKind.code == "maternity").distinct()))
        offers = session.scalar(select(func.count()).select_from(PersonOffer))
        presets = {k.code: k.motive_id is not None for k in pathways_kinds.list_kinds(Unit(session,
                                                                                           None))}
        adviser = accounts.load_actor(session, "conseiller07")
        funnel = pathways_funnel.funnel(Unit(session, adviser), "ald", date(2026, 2, 1))
        kind_id = pathways_kinds.kind_by_code(Unit(session, None), "ald").id
        ids = worklists.search_worklist(Unit(session, adviser), kind_id, date(2026, 2, 1))
        rows = worklists.worklist_rows(Unit(session, adviser), ids)
        booked = session.execute(
            select(PathwayEntry.person_id, PathwayKind.motive_id, Appointment)
            .join(PathwayKind, PathwayKind.id == PathwayEntry.kind_id)
            .outerjoin(Appointment, Appointment.id == PathwayEntry.appointment_id)
            .where(PathwayEntry.outcome == PathwayOutcome.BOOKED)).all()
        year = pathways_funnel.funnels(Unit(session, adviser), date(2025, 3, 1),
                                       date(2026, 2, 1))
    # One CPAM's year (DOMAIN.md), give or take the monthly variation.
    for code, yearly in {"ald": 486, "maternity": 739, "invalidity": 140}.items():
        assert 0.8 * yearly <= per_kind[code] <= 1.2 * yearly, code
    assert statuses == set(PathwayStatus)
    assert months == {date(2025, m, 1) for m in range(3, 13)} | {date(2026, 1, 1),
                                                                  date(2026, 2, 1)}
    assert latest < midnight and latest_attempt < midnight
    assert mothers == {Civility.MADAME}
    assert offers > 0
    assert presets == {"ald": True, "maternity": True, "invalidity": True}
    assert funnel.imported == len(rows) > 0
    assert 0 < funnel.booked <= funnel.reached <= funnel.imported
    # Every « RDV pris » has its phone appointment, for the entry's person, with the kind's
    # motive: honoured or missed once past, some still to come, a few moved.
    assert booked and all(
        a is not None and (a.person_id, a.motive_id, a.kind, a.channel) == (
            person, motive, AppointmentKind.PHONE, Channel.PATHWAY)
        for person, motive, a in booked)
    statuses = Counter(a.status for _p, _m, a in booked)
    assert set(statuses) == {AppointmentStatus.HONOURED, AppointmentStatus.NO_SHOW,
                             AppointmentStatus.BOOKED}
    assert statuses[AppointmentStatus.HONOURED] > 3 * statuses[AppointmentStatus.NO_SHOW]
    assert any(a.starts_at > midnight for _p, _m, a in booked)
    assert any(a.rescheduled_from_id is not None for _p, _m, a in booked)
    honoured, taken = sum(f.honoured for f in year), sum(f.booked for f in year)
    assert 0.6 * taken < honoured < taken
    assert adviser.role is Role.ADVISER
