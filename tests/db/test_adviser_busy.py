"""An adviser is never busy twice at once, and the database itself holds it: individual
appointments, the workshop sessions they host and the site's break after each appointment,
even when the services' own checks are bypassed, and for two writers at the same instant on
the PostgreSQL server."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import func, select

from db.agenda import booking, workshops
from db.agenda import setup as agenda_setup
from db.agenda.models import AdviserBusy, Appointment, AppointmentKind, CancelledBy, WorkshopSession
from db.agenda.setup import MotiveInput
from db.errors import ConflictError
from db.migrate import alembic_config
from db.unit import Unit
from tests.db.agenda_setup import make_agenda

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
MONDAY = date(2026, 3, 16)


@pytest.fixture
def unchecked(monkeypatch):
    """The services' own overlap checks switched off: only the database is left."""
    monkeypatch.setattr(booking, "check_slot", lambda *args, **kwargs: None)
    monkeypatch.setattr(workshops, "adviser_busy", lambda *args, **kwargs: False)


def workshop_motive(store, setup):
    with store.unit(setup.admin) as unit:
        return agenda_setup.save_motive(unit, MotiveInput(
            code="ATN", label="Atelier numérique", default_minutes=120,
            kinds=[AppointmentKind.WORKSHOP]))


def schedule(store, setup, motive_id, hour: int, minute: int = 0):
    with store.unit(setup.admin) as unit:
        return workshops.schedule_session(unit, motive_id, setup.site_id,
                                          setup.adviser.id, setup.at(MONDAY, hour, minute), 8,
                                          now=NOW)


def book(store, setup, hour: int, minute: int = 0):
    with store.session() as session:
        return booking.book_appointment(
            Unit(session, setup.adviser), setup.request(setup.at(MONDAY, hour, minute)), now=NOW)


def rows(store) -> tuple[int, int]:
    with store.session() as session:
        return (session.scalar(select(func.count()).select_from(Appointment)),
                session.scalar(select(func.count()).select_from(WorkshopSession)))


def test_a_hosted_session_and_an_appointment_are_kept_apart(store, actors, unchecked):
    setup = make_agenda(store, actors)
    motive_id = workshop_motive(store, setup)
    schedule(store, setup, motive_id, 14)  # 14:00–16:00
    with pytest.raises(ConflictError) as refused:
        book(store, setup, 15, 30)
    assert "Camille Conseiller01 n'est plus libre à cette heure" in str(refused.value)
    book(store, setup, 9)
    with pytest.raises(ConflictError):
        schedule(store, setup, motive_id, 8, 30)  # 08:30–10:30 meets the 09:00 appointment
    assert rows(store) == (1, 1)


def test_the_sites_break_is_held_by_the_database(store, actors, unchecked):
    setup = make_agenda(store, actors)
    setup.set_break(store, 10)
    book(store, setup, 9)  # busy until 09:40
    with pytest.raises(ConflictError):
        book(store, setup, 9, 35)
    with pytest.raises(ConflictError):
        book(store, setup, 8, 35)  # its own break would run into 09:00
    book(store, setup, 9, 40)
    book(store, setup, 8, 20)
    assert rows(store) == (3, 0)


def test_busy_time_follows_cancellations_moves_and_cancelled_sessions(store, actors):
    setup = make_agenda(store, actors)
    first = book(store, setup, 9)
    with store.unit(setup.adviser) as unit:
        moved = booking.reschedule_appointment(unit, first, 1,
                                               setup.at(MONDAY, 10), now=NOW)
    book(store, setup, 9)  # the old time was given back
    with store.unit(setup.adviser) as unit:
        booking.cancel_appointment(unit, moved, 1, CancelledBy.PERSON,
                                   "Empêchement")
    motive_id = workshop_motive(store, setup)
    session_id = schedule(store, setup, motive_id, 10)  # where the cancelled one was
    with store.session() as session:
        busy = session.execute(select(AdviserBusy.owner_id, AdviserBusy.starts_at)
                               .order_by(AdviserBusy.starts_at)).all()
    assert [owner for owner, _ in busy][1] == session_id
    assert [start for _, start in busy] == [setup.at(MONDAY, 9), setup.at(MONDAY, 10)]


@pytest.mark.postgres
def test_a_session_and_an_appointment_at_the_same_instant_on_the_server(
        store, actors, monkeypatch):
    if store.is_sqlite:
        pytest.skip("SQLite serialises writers; the race is a server's")
    setup = make_agenda(store, actors)
    motive_id = workshop_motive(store, setup)
    barrier = threading.Barrier(2, timeout=10)

    def seen_free(*args, **kwargs):
        barrier.wait()  # both writers have looked before either writes
        return None

    monkeypatch.setattr(booking, "check_slot", seen_free)
    monkeypatch.setattr(workshops, "adviser_busy", lambda *args: seen_free() or False)
    outcomes: list[object] = []

    def attempt(write):
        try:
            outcomes.append(write())
        except ConflictError as error:
            outcomes.append(error)

    threads = [threading.Thread(target=attempt, args=(write,)) for write in (
        lambda: schedule(store, setup, motive_id, 9), lambda: book(store, setup, 10))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 2
    assert len([o for o in outcomes if isinstance(o, ConflictError)]) == 1
    assert sum(rows(store)) == 1


def test_the_busy_table_is_filled_from_the_rows_already_there(store, actors, unchecked):
    """Upgrading a database that already holds appointments and sessions (here: back to the
    revision before, then up again) copies their busy time and keeps refusing overlaps."""
    setup = make_agenda(store, actors)
    appointment_id = book(store, setup, 9)
    session_id = schedule(store, setup, workshop_motive(store, setup), 14)
    config = alembic_config(store.engine)
    command.downgrade(config, "0006_preparation")
    command.upgrade(config, "head")
    with store.session() as session:
        busy = set(session.scalars(select(AdviserBusy.owner_id)))
    assert busy == {appointment_id, session_id}
    with pytest.raises(ConflictError):
        book(store, setup, 14, 30)
