"""Booking the phone appointment from a worklist: the pathway's motive preset, « RDV pris »
linked to the appointment, all or nothing, and the funnel's « honoured » from the agenda."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db.agenda import booking
from db.agenda.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    CancelledBy,
    Channel,
)
from db.errors import ConflictError, ValidationError
from db.pathways import funnel as pathways_funnel
from db.pathways import kinds as pathways_kinds
from db.pathways import worklists
from db.pathways.extract_import import import_extract
from db.pathways.models import AttemptResult, PathwayStatus
from db.roles import Role
from db.unit import Unit
from tests.db.agenda_setup import make_agenda
from tests.db.test_pathway_import import OCTOBER, PEOPLE, TODAY, extract

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
MONDAY = date(2026, 3, 16)


ROUSSEAU = ["1 75 01 71 024 571 67", "Rousseau", "Gaël", "28/01/1975", "06 27 47 63 28", "",
            "18/10/2026"]


@pytest.fixture
def setup(store, actors):
    """An agenda whose phone motive is the ALD kind's preset."""
    agenda = make_agenda(store, actors)
    with store.unit(actors[Role.ADMIN]) as unit:
        ald = pathways_kinds.kind_by_code(unit, "ald")
        pathways_kinds.update_kind(unit, ald.id, ald.version, ald.label,
                             active=True, motive_id=agenda.motive_id)
    return agenda


@pytest.fixture
def entries(store, setup) -> list:
    """Durand and Rousseau (both with a phone) on the October ALD worklist."""
    with store.unit(setup.adviser) as unit:
        import_extract(unit, "ald", extract([PEOPLE[0], ROUSSEAU]),
                       today=TODAY)
        kind_id = pathways_kinds.kind_by_code(unit, "ald").id
        return worklists.search_worklist(unit, kind_id, OCTOBER)


def version(store, actor, entry_id) -> int:
    with store.unit(actor) as unit:
        return worklists.get_entry(unit, entry_id).version


def reach(store, actor, entry_id) -> int:
    with store.unit(actor) as unit:
        return worklists.record_attempt(unit, entry_id,
                                        version(store, actor, entry_id), AttemptResult.REACHED)


def book(store, setup, entry_id, hour: int):
    adviser = setup.adviser
    with store.unit(adviser) as unit:
        preset = worklists.booking_preset(unit, entry_id)
        request = setup.request(setup.at(MONDAY, hour), person_id=preset.person_id,
                                motive_id=preset.motive_id, kind=preset.kind,
                                channel=Channel.RECEPTION)
        return worklists.book_from_worklist(unit, entry_id,
                                            version(store, adviser, entry_id), request, now=NOW)


def appointments(store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(Appointment))


def test_booking_from_the_worklist_links_the_appointment_and_feeds_the_funnel(store, setup,
                                                                             entries):
    adviser = setup.adviser
    durand = entries[0]
    with store.unit(adviser) as unit:
        preset = worklists.booking_preset(unit, durand)
    assert (preset.motive_id, preset.kind, preset.channel) == (
        setup.motive_id, AppointmentKind.PHONE, Channel.PATHWAY)
    with pytest.raises(ValidationError, match="Enregistrez d'abord la tentative"):
        book(store, setup, durand, 9)
    assert appointments(store) == 0

    reach(store, adviser, durand)
    appointment_id, entry_version = book(store, setup, durand, 9)
    with store.unit(adviser) as unit:
        record = worklists.get_entry(unit, durand)
        appointment = unit.session.get(Appointment, appointment_id)
        assert (record.status, record.appointment_id, record.version) == (
            PathwayStatus.BOOKED, appointment_id, entry_version)
        assert (appointment.channel, appointment.person_id, appointment.kind) == (
            Channel.PATHWAY, record.person_id, AppointmentKind.PHONE)
        booking.record_outcome(unit, appointment_id, appointment.version,
                               AppointmentStatus.HONOURED,
                               now=setup.at(MONDAY, 10) + timedelta(minutes=5))
    with store.unit(adviser) as unit:
        funnel = pathways_funnel.funnel(unit, "ald", OCTOBER)
    assert (funnel.imported, funnel.reached, funnel.booked, funnel.honoured) == (2, 1, 1, 1)


def test_a_slot_already_taken_books_nothing_and_leaves_the_entry_as_it_was(store, setup,
                                                                           entries):
    adviser = setup.adviser
    durand, rousseau = entries
    for entry_id in entries:
        reach(store, adviser, entry_id)
    book(store, setup, durand, 9)
    before = version(store, adviser, rousseau)
    with pytest.raises(ConflictError):
        book(store, setup, rousseau, 9)
    assert appointments(store) == 1
    with store.unit(adviser) as unit:
        entry = worklists.get_entry(unit, rousseau)
    assert (entry.status, entry.version, entry.appointment_id) == (
        PathwayStatus.ATTEMPT_1, before, None)


def test_the_appointment_is_for_the_entrys_person(store, setup, entries):
    adviser = setup.adviser
    durand = entries[0]
    reach(store, adviser, durand)
    with store.session() as session, pytest.raises(ValidationError, match="la personne"):
        worklists.book_from_worklist(
            Unit(session, adviser), durand, version(store, adviser, durand),
            setup.request(setup.at(MONDAY, 9), kind=AppointmentKind.PHONE), now=NOW)
    assert appointments(store) == 0


def test_honoured_counts_an_appointment_moved_twice_and_the_dashboard_agrees(
        store, actors, setup, entries):
    """Booked from the worklist, moved, moved again, honoured at its last time: the entry
    names the appointment that is current, and the funnel, the dashboard's figure and the
    list behind it count it."""
    from db.dashboard import drill as dashboard_drill
    from db.dashboard import figures as dashboard_figures

    adviser = setup.adviser
    durand = entries[0]
    reach(store, adviser, durand)
    first_id, _version = book(store, setup, durand, 9)
    current = first_id
    for hour in (10, 11):
        with store.unit(adviser) as unit:
            appointment = unit.session.get(Appointment, current)
            current = booking.reschedule_appointment(
                unit, current, appointment.version, setup.at(MONDAY, hour), now=NOW)
    with store.unit(adviser) as unit:
        assert worklists.get_entry(unit, durand).appointment_id == current
        appointment = unit.session.get(Appointment, current)
        booking.record_outcome(unit, current, appointment.version,
                               AppointmentStatus.HONOURED,
                               now=setup.at(MONDAY, 12))
    with store.unit(adviser) as unit:
        funnel = pathways_funnel.funnel(unit, "ald", OCTOBER)
    assert (funnel.booked, funnel.honoured) == (1, 1)
    with store.unit(actors[Role.MANAGER]) as unit:
        board = dashboard_figures.dashboard(unit, OCTOBER)
        honoured = next(f for f in board.section("pathways").all_figures()
                        if f.label == "RDV honorés" and ("kind", "ald") in f.drill.conditions)
        assert honoured.count == 1
        assert len(dashboard_drill.drill_ids(unit, honoured.drill)) == 1


def test_honoured_counts_the_appointment_booked_again_after_a_cancellation(
        store, setup, entries):
    """Booked from the worklist, cancelled by the person, booked again from the agenda for
    the same motive, honoured: the entry follows the new booking. Another motive is another
    matter and leaves it alone."""
    adviser = setup.adviser
    durand = entries[0]
    reach(store, adviser, durand)
    first_id, _version = book(store, setup, durand, 9)
    with store.unit(adviser) as unit:
        person_id = worklists.get_entry(unit, durand).person_id
        booking.cancel_appointment(unit, first_id, 1, CancelledBy.PERSON, "Empêchement",
                                   now=NOW)
    with store.unit(adviser) as unit:
        other_motive = booking.book_appointment(unit, setup.request(
            setup.at(MONDAY, 14), person_id=person_id, motive_id=setup.video_motive_id,
            kind=AppointmentKind.VIDEO), now=NOW)
    with store.unit(adviser) as unit:
        assert worklists.get_entry(unit, durand).appointment_id == first_id
        again = booking.book_appointment(unit, setup.request(
            setup.at(MONDAY + timedelta(days=1), 10), person_id=person_id,
            kind=AppointmentKind.PHONE), now=NOW)
    assert other_motive != again
    with store.unit(adviser) as unit:
        assert worklists.get_entry(unit, durand).appointment_id == again
        booking.record_outcome(unit, again, 1, AppointmentStatus.HONOURED,
                               now=setup.at(MONDAY + timedelta(days=1), 11))
    with store.unit(adviser) as unit:
        funnel = pathways_funnel.funnel(unit, "ald", OCTOBER)
    assert (funnel.booked, funnel.honoured) == (1, 1)
