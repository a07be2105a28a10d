"""Workshops (capacity, waiting list, attendance) and call-back requests (24 working hours,
outcome, turned into an appointment in one step)."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import column, func, select, table

from db.agenda import booking, workshops
from db.agenda import setup as agenda_setup
from db.agenda.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    CancelledBy,
    Channel,
    WaitingListEntry,
    WorkshopSession,
)
from db.agenda.setup import MotiveInput
from db.callbacks import requests
from db.callbacks.models import CallbackOutcome, CallbackRequest
from db.callbacks.requests import CallbackInput
from db.errors import ConflictError, PermissionDenied, ValidationError
from db.migrate import alembic_config
from db.people import records as people_records
from db.people.models import PersonKind
from db.people.records import PersonInput
from db.roles import Role
from db.unit import Unit
from tests.db.agenda_setup import make_agenda
from tests.db.test_races import race

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
MONDAY = date(2026, 3, 16)


def workshop(store, setup, capacity: int) -> tuple:
    """An « atelier flash ameli » session and four more people."""
    with store.session() as session:
        motive_id = agenda_setup.save_motive(Unit(session, setup.admin), MotiveInput(
            code="ATL", label="Atelier flash ameli", default_minutes=30,
            kinds=[AppointmentKind.WORKSHOP]))
        session_id = workshops.schedule_session(Unit(session, setup.admin), motive_id,
                                                setup.site_id, setup.adviser.id,
                                                setup.at(MONDAY, 14), capacity, now=NOW)
        extra = [people_records.create_person(Unit(session, setup.adviser), PersonInput(
            kind=PersonKind.EMPLOYER, organisation_name=f"Boulangerie {n}",
            siret=siret)) for n, siret in enumerate(
                ("73282932000074", "55210055400013", "44306184100047", "35600000000048"))]
    return session_id, [setup.person_id, setup.bare_person_id, *extra]


def register(store, setup, session_id, person_id, now=NOW):
    with store.unit(setup.adviser) as unit:
        return workshops.register(unit, session_id, person_id,
                                  Channel.RECEPTION, now=now)


def test_capacity_waiting_list_and_promotion_on_cancellation(store, actors):
    setup = make_agenda(store, actors)
    session_id, persons = workshop(store, setup, capacity=2)
    first, second, third, fourth = (register(store, setup, session_id, p) for p in persons[:4])
    assert first.appointment_id and second.appointment_id
    assert (third.waiting_position, fourth.waiting_position) == (1, 2)
    with pytest.raises(ValidationError) as refused:
        register(store, setup, session_id, persons[2])
    assert "déjà inscrit(e) à cette session" in str(refused.value)
    with store.unit(setup.adviser) as unit:
        booking.cancel_appointment(unit, first.appointment_id, 1,
                                   CancelledBy.PERSON, "Empêchement", now=NOW)
    with store.unit(setup.adviser) as unit:
        listed = workshops.participants(unit, session_id)
        (row,) = workshops.sessions_between(unit, setup.site_id,
                                            setup.at(MONDAY, 0), setup.at(MONDAY, 23))
        seats = unit.session.get(WorkshopSession, session_id)
    assert {p.person_id for p in listed if p.appointment_id} == {persons[1], persons[2]}
    assert [p.person_id for p in listed if p.waiting_entry_id] == [persons[3]]
    assert (row.seats_taken, row.capacity, row.waiting) == (2, 2, 1)
    assert seats.version > 1  # every change of the seat count is a versioned write


def test_attendance_is_recorded_after_the_session(store, actors):
    setup = make_agenda(store, actors)
    session_id, persons = workshop(store, setup, capacity=8)
    for person in persons[:3]:
        register(store, setup, session_id, person)
    with store.unit(setup.adviser) as unit:
        workshops.record_attendance(unit, session_id, {persons[0]},
                                    now=setup.at(MONDAY, 15))
        statuses = sorted(unit.session.scalars(select(Appointment.status).where(
            Appointment.workshop_session_id == session_id)))
    assert statuses == [AppointmentStatus.HONOURED, AppointmentStatus.NO_SHOW,
                        AppointmentStatus.NO_SHOW]


@pytest.mark.parametrize("day, hour, minute, message", [
    (date(2026, 3, 16), 11, 45, "« Agence de Grenoble » n'est pas ouvert le 16/03/2026 de "
                                "11:45 à 12:15 : choisissez une heure dans ses horaires "
                                "d'ouverture."),
    (date(2026, 3, 21), 10, 0, "« Agence de Grenoble » n'est pas ouvert le 21/03/2026"),
    (date(2026, 4, 6), 10, 0, "Le 06/04/2026 est un jour férié (Lundi de Pâques) : "
                              "« Agence de Grenoble » est fermé."),
    (date(2026, 2, 23), 10, 0, "Cette heure est déjà passée."),
])
def test_a_session_is_planned_while_the_site_is_open(store, actors, day, hour, minute,
                                                     message):
    setup = make_agenda(store, actors)
    with store.unit(setup.admin) as unit:
        motive_id = agenda_setup.save_motive(unit, MotiveInput(
            code="ATL", label="Atelier flash ameli", default_minutes=30,
            kinds=[AppointmentKind.WORKSHOP]))
    with pytest.raises(ValidationError) as refused, store.session() as session:
        workshops.schedule_session(Unit(session, setup.admin), motive_id, setup.site_id,
                                   setup.adviser.id, setup.at(day, hour, minute), 8, now=NOW)
    assert refused.value.field_errors["starts_at"].startswith(message)
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(WorkshopSession)) == 0


def test_cancelling_a_whole_session_tells_whom_to_warn_and_frees_the_host(store, actors):
    setup = make_agenda(store, actors)
    session_id, persons = workshop(store, setup, capacity=2)
    for person in persons[:3]:  # two seats, then one waiting
        register(store, setup, session_id, person)

    def cancel(actor, reason, version=None, now=NOW):
        with store.unit(actor) as unit:
            version = version or unit.session.get(WorkshopSession, session_id).version
            return workshops.cancel_session(unit, session_id, version, reason,
                                            now=now)

    with pytest.raises(ValidationError) as no_reason:
        cancel(setup.admin, "  ")
    assert no_reason.value.field_errors == {
        "reason": "Indiquez le motif de l'annulation de la session."}
    with pytest.raises(PermissionDenied):
        cancel(setup.adviser, "Animateur absent")
    with pytest.raises(ValidationError) as begun:
        cancel(setup.admin, "Animateur absent", now=setup.at(MONDAY, 14, 5))
    assert "déjà commencé" in begun.value.field_errors["session"]
    with pytest.raises(ConflictError):
        cancel(setup.admin, "Animateur absent", version=1)

    notified = cancel(setup.admin, "Animateur absent")
    assert [(n.name, n.phone, n.was_waiting) for n in notified] == [
        ("DUPONT Marie", "06\u00a012\u00a034\u00a056\u00a078", False), ("MARTIN Luc", "", False),
        ("Boulangerie 0", "", True)]
    with store.unit(setup.adviser) as unit:
        registrations = unit.session.scalars(select(Appointment).where(
            Appointment.workshop_session_id == session_id)).all()
        (row,) = workshops.sessions_between(unit, setup.site_id,
                                            setup.at(MONDAY, 0), setup.at(MONDAY, 23))
        assert workshops.participants(unit, session_id) == []
    assert {(a.status, a.cancelled_by, a.cancel_reason, a.ical_sequence)
            for a in registrations} == {(AppointmentStatus.CANCELLED, CancelledBy.SERVICE,
                                         "Animateur absent", 1)}
    assert row.cancelled and (row.seats_taken, row.waiting) == (0, 0)
    with pytest.raises(ValidationError) as closed:
        register(store, setup, session_id, persons[3])
    assert closed.value.field_errors == {"session": "Cette session d'atelier a été annulée."}
    # The host is free again at that hour.
    with store.unit(setup.adviser) as unit:
        booking.book_appointment(unit, setup.request(setup.at(MONDAY, 14)),
                                 now=NOW)


@pytest.mark.postgres
def test_two_sessions_taking_the_last_seat_at_the_same_instant(store, actors):
    if store.is_sqlite:
        pytest.skip("SQLite serialises writers; the race is a server's")
    setup = make_agenda(store, actors)
    session_id, persons = workshop(store, setup, capacity=1)
    barrier = threading.Barrier(2, timeout=10)
    results = []

    def attempt(person_id):
        with store.unit(setup.adviser) as unit:
            barrier.wait()
            results.append(workshops.register(unit, session_id, person_id,
                                              Channel.RECEPTION, now=NOW))

    threads = [threading.Thread(target=attempt, args=(p,)) for p in persons[:2]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.appointment_id is None for r in results) == [False, True]
    with store.session() as session:
        assert session.get(WorkshopSession, session_id).seats_taken == 1
        assert session.scalar(select(func.count()).select_from(Appointment)) == 1


@pytest.mark.parametrize("capacity", [2, 1])
def test_the_database_holds_one_seat_and_one_place_per_person(store, actors, monkeypatch,
                                                              capacity):
    """Were the service's check to miss it (a race), the second seat (capacity 2) or the
    second place on the waiting list (capacity 1, taken by another) is refused by the
    partial unique index."""
    setup = make_agenda(store, actors)
    session_id, persons = workshop(store, setup, capacity=capacity)
    if capacity == 1:
        register(store, setup, session_id, persons[1])
    first = register(store, setup, session_id, persons[0])
    assert (first.appointment_id is None) == (capacity == 1)
    monkeypatch.setattr(workshops, "_already_registered", lambda *_args: False)
    with pytest.raises(ConflictError, match="vient d'être inscrit"):
        register(store, setup, session_id, persons[0])
    register(store, setup, session_id, persons[2])  # another person still may
    with store.session() as session:
        assert session.get(WorkshopSession, session_id).seats_taken == capacity


@pytest.mark.postgres
@pytest.mark.parametrize("capacity", [1, 2])
@pytest.mark.parametrize("round_", range(3))
def test_the_same_person_registered_twice_at_the_same_instant(store, actors, capacity, round_):
    """Was a seat and a place on the waiting list (capacity 1) or two seats (capacity 2),
    every time."""
    if store.is_sqlite:
        pytest.skip("SQLite serialises writers; the race is a server's")
    setup = make_agenda(store, actors)
    session_id, persons = workshop(store, setup, capacity=capacity)
    if capacity == 1:
        register(store, setup, session_id, persons[1])  # the seat is someone else's
    barrier = threading.Barrier(2, timeout=10)

    def attempt():
        with store.unit(setup.adviser) as unit:
            barrier.wait()
            return workshops.register(unit, session_id, persons[0], Channel.RECEPTION,
                                      now=NOW)

    results = race(attempt, attempt)
    assert sorted(type(r).__name__ for r in results) == ["Registration",
                                                         "ValidationError"], results
    assert "est déjà inscrit(e)" in str(next(r for r in results
                                             if isinstance(r, ValidationError)))
    with store.session() as session:
        seats = session.scalar(select(func.count()).select_from(Appointment).where(
            Appointment.workshop_session_id == session_id,
            Appointment.person_id == persons[0]))
        waiting = session.scalar(select(func.count()).select_from(WaitingListEntry).where(
            WaitingListEntry.workshop_session_id == session_id,
            WaitingListEntry.person_id == persons[0]))
    assert seats + waiting == 1


# -- call-back requests ----------------------------------------------------------------------

@pytest.mark.parametrize("requested, due", [
    # Friday 15:00 → Monday 15:00: the weekend stops the clock.
    (datetime(2026, 3, 20, 15, 0), datetime(2026, 3, 23, 15, 0)),
    # Saturday → the end of Monday.
    (datetime(2026, 3, 21, 10, 0), datetime(2026, 3, 24, 0, 0)),
    # Thursday before Easter → Tuesday (Good Friday is worked in Isère, Easter Monday is not).
    (datetime(2026, 4, 2, 9, 30), datetime(2026, 4, 3, 9, 30)),
    (datetime(2026, 4, 3, 9, 30), datetime(2026, 4, 7, 9, 30)),
    # Friday before the change to summer time: still 15:00 on the wall clock.
    (datetime(2026, 3, 27, 15, 0), datetime(2026, 3, 30, 15, 0)),
])
def test_call_back_due_within_24_working_hours(requested, due):
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Paris")
    found = requests.due_time(requested.replace(tzinfo=zone), "Europe/Paris", "38")
    assert found.astimezone(zone).replace(tzinfo=None) == due
    assert found.tzinfo is UTC


def test_call_back_good_friday_counts_in_alsace():
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Paris")
    found = requests.due_time(datetime(2026, 4, 2, 9, 30, tzinfo=zone), "Europe/Paris", "67")
    assert found.astimezone(zone).replace(tzinfo=None) == datetime(2026, 4, 7, 9, 30)


def test_call_back_queue_overdue_outcome_and_appointment_in_one_step(store, actors):
    setup = make_agenda(store, actors)
    partner = actors[Role.PARTNER]
    friday = setup.at(date(2026, 3, 13), 15)
    with store.unit(partner) as unit:
        with pytest.raises(ValidationError) as refused:
            requests.take_callback(unit, CallbackInput(site_id=setup.site_id))
        assert refused.value.field_errors == {
            "contact_name": "Indiquez le nom de la personne à rappeler.",
            "contact_phone": "Indiquez le numéro où rappeler."}
        stranger = requests.take_callback(unit, CallbackInput(
            site_id=setup.site_id, contact_name="Mme Roux", contact_phone="04 76 12 34 56",
            reason="Question sur un remboursement"), now=friday)
        known = requests.take_callback(unit, CallbackInput(
            site_id=setup.site_id, person_id=setup.person_id, motive_id=setup.motive_id),
            now=friday)
    monday_evening = setup.at(date(2026, 3, 16), 18)
    with store.unit(setup.adviser) as unit:
        queue = requests.callback_queue(unit, now=monday_evening)
    assert [r.id for r in queue] == [stranger, known]
    assert all(r.overdue for r in queue)
    assert queue[0].phone == "04\u00a076\u00a012\u00a034\u00a056"
    assert queue[1].name == "DUPONT Marie"
    assert queue[1].motive_code == "IJ"

    with store.unit(setup.adviser) as unit:
        requests.close_callback(unit, stranger, 1,
                                 CallbackOutcome.SETTLED)
    # A refused booking leaves the request open and writes nothing.
    with pytest.raises(ValidationError), store.session() as session:
        requests.callback_to_appointment(Unit(session, setup.adviser), known, 1,
                                          setup.request(setup.at(date(2026, 4, 6), 9)),
                                          now=NOW)
    with store.session() as session:
        assert session.get(CallbackRequest, known).outcome is None
        appointment_id = requests.callback_to_appointment(
            Unit(session, setup.adviser), known, 1, setup.request(setup.at(MONDAY, 9)), now=NOW)
    with store.unit(setup.adviser) as unit:
        request = unit.session.get(CallbackRequest, known)
        assert request.outcome is CallbackOutcome.APPOINTMENT
        assert request.appointment_id == appointment_id
        assert unit.session.get(Appointment, appointment_id).channel is Channel.CALLBACK
        assert requests.callback_queue(unit, now=monday_evening) == []


def test_the_migration_keeps_the_first_registration_of_those_the_races_left(store, actors,
                                                                           monkeypatch):
    """Before the indexes, races left a person with two seats, two places or a seat and a
    place: migration 0010 keeps the earliest, cancels or withdraws the others, gives the
    seats back, then creates the indexes."""
    setup = make_agenda(store, actors)
    session_id, persons = workshop(store, setup, capacity=3)
    first_seat = register(store, setup, session_id, persons[0]).appointment_id
    config = alembic_config(store.engine)
    command.downgrade(config, "0008_seeded_ids")
    # The appointment table as 0008 had it: without the columns later migrations add.
    appointments = table("appointment", *(column(c.name, c.type) for c in Appointment.__table__.c
                                          if c.name not in {"reminded"}))
    waiting = WaitingListEntry.__table__
    with store.engine.begin() as connection:
        seat = dict(connection.execute(select(appointments).where(
            appointments.c.id == first_seat)).mappings().one())
        second_seat = uuid.uuid4()
        connection.execute(appointments.insert().values({
            **seat, "id": second_seat, "ical_uid": f"{second_seat}@guichet",
            "created_at": seat["created_at"] + timedelta(seconds=1)}))
        connection.execute(WorkshopSession.__table__.update().values(seats_taken=2))
        places = {}
        for person, minutes in ((persons[1], 0), (persons[1], 1), (persons[0], 2)):
            places[(person, minutes)] = entry_id = uuid.uuid4()
            connection.execute(waiting.insert().values(
                id=entry_id, version=1, workshop_session_id=session_id, person_id=person,
                channel=Channel.RECEPTION, requested_at=NOW + timedelta(minutes=minutes)))
    command.upgrade(config, "head")
    with store.session() as session:
        assert session.get(WorkshopSession, session_id).seats_taken == 1
        assert session.get(Appointment, first_seat).status is AppointmentStatus.BOOKED
        assert session.get(Appointment, second_seat).status is AppointmentStatus.CANCELLED
        still = {key for key, entry_id in places.items()
                 if session.get(WaitingListEntry, entry_id).withdrawn_at is None}
    assert still == {(persons[1], 0)}
    monkeypatch.setattr(workshops, "_already_registered", lambda *_args: False)
    with pytest.raises(ConflictError):  # the indexes are there
        register(store, setup, session_id, persons[0])
