"""What the agenda screens read: closures of a site and its advisers, filtered lists of
appointments, a person's appointments, an appointment's history and a host's sessions."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from db.agenda import appointments, booking, views, workshops
from db.agenda import setup as agenda_setup
from db.agenda.appointments import AppointmentFilter
from db.agenda.models import AppointmentKind, AppointmentStatus, CancelledBy
from db.agenda.setup import MotiveInput
from db.roles import Role
from db.unit import Unit
from tests.db.agenda_setup import make_agenda

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
MONDAY = date(2026, 3, 30)  # the week of Easter Monday 06/04 is the next one


def book(store, setup, starts_at, **changes):
    with store.unit(setup.adviser) as unit:
        return booking.book_appointment(unit,
                                        setup.request(starts_at, **changes), now=NOW)


def test_closures_name_holidays_lunch_weekends_and_absences(store, actors):
    setup = make_agenda(store, actors)
    with store.session() as session:
        agenda_setup.add_absence(Unit(session, setup.admin), setup.adviser.id, setup.at(MONDAY, 9),
                           setup.at(MONDAY, 11), "Formation")
        agenda_setup.add_closed_day(Unit(session, setup.admin), setup.site_id, date(2026, 4, 1), "")
        found = views.closures(Unit(session, setup.adviser), setup.site_id, MONDAY,
                                      date(2026, 4, 6), (setup.adviser.id,))
    local = [(c.starts_at.replace(tzinfo=None), c.ends_at.replace(tzinfo=None), c.label,
              c.staff_id) for c in found]
    monday = [entry for entry in local if entry[0].date() == MONDAY]
    assert [(s.time(), e.time(), label) for s, e, label, _ in monday] == [
        (time(0), time(8, 30), "Fermé"), (time(12), time(13, 30), "Fermé"),
        (time(16, 30), time(0), "Fermé"), (time(9), time(11), "Formation")]
    assert monday[-1][3] == setup.adviser.id
    whole_days = {s.date(): label for s, e, label, _ in local if (e - s).days == 1}
    assert whole_days == {date(2026, 4, 1): "Fermeture exceptionnelle",
                          date(2026, 4, 4): "Fermé", date(2026, 4, 5): "Fermé",
                          date(2026, 4, 6): "Lundi de Pâques"}


def test_choices_and_the_advisers_of_a_site(store, actors):
    setup = make_agenda(store, actors)
    with store.unit(setup.adviser) as unit:
        choices = views.agenda_choices(unit)
        advisers = views.site_advisers(unit, setup.site_id)
    assert [a.id for a in choices.advisers] == [setup.adviser.id]
    assert choices.advisers[0].time_zone == "Europe/Paris"
    assert [s.id for s in choices.sites] == [setup.site_id]
    assert [a.id for a in advisers] == [setup.adviser.id]


def test_filtered_list_rows_and_a_persons_appointments(store, actors):
    setup = make_agenda(store, actors)
    first = book(store, setup, setup.at(MONDAY, 9))
    phone = book(store, setup, setup.at(MONDAY, 10), kind=AppointmentKind.PHONE)
    with store.unit(setup.adviser) as unit:
        moved = booking.reschedule_appointment(unit, first, 1,
                                               setup.at(MONDAY, 14), now=NOW)
        booking.cancel_appointment(unit, phone, 1, CancelledBy.SERVICE,
                                   "Conseiller en formation", now=NOW)
    starts, ends = appointments.week_bounds(MONDAY, setup.time_zone)
    with store.unit(setup.adviser) as unit:
        every = appointments.find_appointments(unit,
                                          AppointmentFilter(starts, ends))
        cancelled = appointments.find_appointments(unit, AppointmentFilter(
            starts, ends, site_id=setup.site_id, status=AppointmentStatus.CANCELLED))
        phones = appointments.find_appointments(unit, AppointmentFilter(
            starts, ends, adviser_id=setup.adviser.id, kind=AppointmentKind.PHONE))
        rows = appointments.appointment_rows(unit, [moved, phone])
        mine = appointments.person_appointments(unit, setup.person_id)
        detail = appointments.get_appointment(unit, moved)
        original = appointments.get_appointment(unit, first)
        cancelled_detail = appointments.get_appointment(unit, phone)
    assert every == [first, phone, moved] and cancelled == phones == [phone]
    assert {row.id for row in rows} == {moved, phone}
    assert [row.id for row in mine] == [moved, phone]  # the moved original is left out
    assert detail.motive_id == setup.motive_id
    assert (detail.person_phone, detail.person_email) == ("06\u00a012\u00a034\u00a056\u00a078",
                                                           "marie.dupont@exemple.fr")
    assert [what for _, _, what in detail.history] == [
        "Déplacé depuis le lundi 30/03/2026 à 09:00"]
    assert [what for _, _, what in original.history] == [
        "Rendez-vous pris", "Déplacé au lundi 30/03/2026 à 14:00"]
    assert cancelled_detail.history[-1][1:] == (
        "Camille Conseiller01", "Annulé par le service : Conseiller en formation")


def test_a_hosts_sessions_are_found_without_the_site(store, actors):
    setup = make_agenda(store, actors)
    with store.session() as session:
        motive_id = agenda_setup.save_motive(Unit(session, setup.admin), MotiveInput(
            code="ATL", label="Atelier flash ameli", default_minutes=30,
            kinds=[AppointmentKind.WORKSHOP]))
        session_id = workshops.schedule_session(Unit(session, setup.admin), motive_id,
                                                setup.site_id, setup.adviser.id,
                                                setup.at(MONDAY, 14), 8, now=NOW)
        starts, ends = appointments.week_bounds(MONDAY, setup.time_zone)
        (row,) = workshops.sessions_between(Unit(session, setup.adviser), None, starts, ends,
                                            host_id=setup.adviser.id)
        assert workshops.sessions_between(Unit(session, actors[Role.ADMIN]), None, starts, ends,
                                          host_id=setup.admin.id) == []
    assert (row.id, row.host_id, row.site_id, row.seats_left) == (
        session_id, setup.adviser.id, setup.site_id, 8)
