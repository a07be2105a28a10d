"""Free slots: opening hours, lunch closures, holidays, absences, notice, horizon and the
daylight-saving changes, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from db.agenda import booking, slots
from db.agenda import setup as agenda_setup
from db.agenda.models import AppointmentKind
from db.agenda.setup import MotiveInput
from db.errors import ConflictError, ValidationError
from db.roles import Role
from db.unit import Unit
from tests.db.agenda_setup import make_agenda

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def free(store, setup, first: date, last: date | None = None, *, kind=AppointmentKind.PHYSICAL,
         motive_id=None, **options):
    with store.unit(setup.adviser) as unit:
        return slots.free_slots(unit, motive_id or setup.motive_id, kind,
                                [setup.site_id], first, last or first,
                                now=options.pop("now", NOW), **options)


def local_times(found) -> list[str]:
    return [f"{s.local_start:%H:%M}" for s in found]


MONDAY_SLOTS = ["08:30", "09:00", "09:30", "10:00", "10:30", "11:00", "11:30",
                "13:30", "14:00", "14:30", "15:00", "15:30", "16:00"]


def test_slots_follow_opening_hours_and_the_lunch_closure(store, actors):
    setup = make_agenda(store, actors)
    found = free(store, setup, date(2026, 3, 16))
    assert local_times(found) == MONDAY_SLOTS
    assert all(s.ends_at - s.starts_at == timedelta(minutes=30) for s in found)
    assert free(store, setup, date(2026, 3, 21), date(2026, 3, 22)) == []  # weekend


@pytest.mark.parametrize("before, after", [
    (date(2026, 3, 23), date(2026, 3, 30)),  # Europe/Paris springs forward on 29/03/2026
    (date(2026, 10, 19), date(2026, 10, 26)),  # and falls back on 25/10/2026
])
def test_local_times_do_not_move_across_daylight_saving_changes(store, actors, before, after):
    setup = make_agenda(store, actors)
    first, second = free(store, setup, before), free(store, setup, after)
    assert local_times(first) == local_times(second) == MONDAY_SLOTS
    # The same wall-clock time is one hour apart in UTC on either side of the change.
    shift = abs((second[0].starts_at - first[0].starts_at) - timedelta(days=7))
    assert shift == timedelta(hours=1)


def test_a_whole_week_across_the_change_keeps_every_day_at_the_same_local_times(store, actors):
    setup = make_agenda(store, actors, weekdays=range(7))
    found = free(store, setup, date(2026, 3, 27), date(2026, 3, 30))
    by_day = {}
    for slot in found:
        by_day.setdefault(slot.local_start.date(), []).append(f"{slot.local_start:%H:%M}")
    assert sorted(by_day) == [date(2026, 3, 27), date(2026, 3, 28), date(2026, 3, 29),
                              date(2026, 3, 30)]
    assert all(times == MONDAY_SLOTS for times in by_day.values())


def test_overseas_site_in_its_own_time_zone_and_holidays(store, actors):
    setup = make_agenda(store, actors, time_zone="America/Guadeloupe", department="971")
    found = free(store, setup, date(2026, 5, 26), date(2026, 5, 28))
    days = {s.local_start.date() for s in found}
    # 27/05 is the abolition of slavery in Guadeloupe: no slot that day.
    assert days == {date(2026, 5, 26), date(2026, 5, 28)}
    assert found[0].local_start.hour == 8 and found[0].local_start.minute == 30
    assert found[0].starts_at.hour == 12  # UTC−4, no daylight saving
    assert found[0].time_zone == "America/Guadeloupe"


@pytest.mark.parametrize("department, good_friday_open", [("38", True), ("67", False)])
def test_easter_monday_everywhere_good_friday_in_alsace_moselle(
    store, actors, department, good_friday_open
):
    setup = make_agenda(store, actors, department=department)
    found = free(store, setup, date(2026, 4, 3), date(2026, 4, 7))
    days = {s.local_start.date() for s in found}
    assert date(2026, 4, 6) not in days  # Lundi de Pâques
    assert (date(2026, 4, 3) in days) is good_friday_open
    assert date(2026, 4, 7) in days


def test_closed_day_and_absence_remove_slots(store, actors):
    setup = make_agenda(store, actors)
    with store.unit(setup.admin) as unit:
        agenda_setup.add_closed_day(unit, setup.site_id, date(2026, 3, 17),
                              "Inventaire")
        agenda_setup.add_absence(unit, setup.adviser.id,
                           setup.at(date(2026, 3, 16), 10), setup.at(date(2026, 3, 16), 11),
                           "Formation")
    assert free(store, setup, date(2026, 3, 17)) == []
    times = local_times(free(store, setup, date(2026, 3, 16)))
    assert "10:00" not in times and "10:30" not in times
    assert "09:30" in times and "11:00" in times


def test_existing_appointment_and_break(store, actors):
    setup = make_agenda(store, actors)
    monday = date(2026, 3, 16)
    with store.unit(setup.adviser) as unit:
        booking.book_appointment(unit, setup.request(setup.at(monday, 9)),
                                 now=NOW)
    assert local_times(free(store, setup, monday))[:3] == ["08:30", "09:30", "10:00"]


def test_the_sites_break_follows_every_appointment(store, actors):
    setup = make_agenda(store, actors)
    setup.set_break(store, 10)
    monday = date(2026, 3, 16)
    with store.unit(setup.adviser) as unit:
        booking.book_appointment(unit, setup.request(setup.at(monday, 9)),
                                 now=NOW)
    # 08:30 would end within the 10 minutes before 09:00; 09:00 is busy until 09:40.
    assert local_times(free(store, setup, monday))[:4] == ["09:40", "10:20", "11:00", "13:30"]
    with store.session() as session, pytest.raises(ConflictError) as refused:
        booking.book_appointment(Unit(session, setup.adviser),
                                 setup.request(setup.at(monday, 9, 30)), now=NOW)
    assert "pause entre deux rendez-vous" in str(refused.value)


def test_minimum_notice_and_maximum_horizon(store, actors):
    setup = make_agenda(store, actors)
    with store.unit(setup.admin) as unit:
        motive_id = agenda_setup.save_motive(unit, MotiveInput(
            code="INV", label="Invalidité", default_minutes=60,
            kinds=[AppointmentKind.PHYSICAL], min_notice_hours=48, max_horizon_days=14))
    now = setup.at(date(2026, 3, 16), 9, 10)  # Monday 09:10
    found = free(store, setup, date(2026, 3, 16), date(2026, 4, 30), motive_id=motive_id,
                 now=now)
    assert found[0].local_start.replace(tzinfo=None) == datetime(2026, 3, 18, 9, 30)
    assert found[-1].local_start.date() == date(2026, 3, 30)


def test_motive_must_allow_the_kind_and_a_workshop_has_no_slots(store, actors):
    setup = make_agenda(store, actors)
    with pytest.raises(ValidationError) as refused:
        free(store, setup, date(2026, 3, 16), kind=AppointmentKind.VIDEO)
    assert "ne se traite pas en rendez-vous visio" in str(refused.value)
    with pytest.raises(ValidationError):
        free(store, setup, date(2026, 3, 16), kind=AppointmentKind.WORKSHOP)
    with pytest.raises(ValidationError) as reversed_period:
        free(store, setup, date(2026, 3, 16), date(2026, 3, 10))
    assert "La période est inversée : le 10/03/2026 précède le 16/03/2026." in str(
        reversed_period.value)


def test_several_sites_of_a_sector_earliest_first(store, actors):
    setup = make_agenda(store, actors)
    with store.session() as session:
        from db.org.models import Site, SiteKind

        other = Site(name="France Services de Vizille", kind=SiteKind.FRANCE_SERVICES,
                     sector="Sud", department="38")
        session.get(Site, setup.site_id).sector = "Sud"
        session.add(other)
        session.flush()
        agenda_setup.set_opening_hours(Unit(session, setup.admin), other.id,
                                 {0: [(time(8, 0), time(9, 0))]})
        agenda_setup.set_availability(Unit(session, setup.admin), setup.adviser.id, [
            agenda_setup.AvailabilityInput(setup.site_id, AppointmentKind.PHYSICAL, 1,
                                     time(8, 0), time(17, 0)),
            agenda_setup.AvailabilityInput(other.id, AppointmentKind.PHYSICAL, 0,
                                     time(8, 0), time(9, 0)),
        ])
        sector = slots.sector_sites(Unit(session, None), "Sud")
        found = slots.free_slots(Unit(session, setup.adviser), setup.motive_id,
                                 AppointmentKind.PHYSICAL, sector, date(2026, 3, 16),
                                 date(2026, 3, 17), now=NOW)
    assert [s.site_name for s in found[:2]] == ["France Services de Vizille"] * 2
    assert found[2].site_name == "Agence de Grenoble"
    assert found == sorted(found, key=lambda s: s.starts_at)


def test_a_mediator_cannot_search_slots(store, actors):
    setup = make_agenda(store, actors)
    with store.session() as session, pytest.raises(Exception) as refused:
        slots.free_slots(Unit(session, actors[Role.MEDIATOR]), setup.motive_id,
                         AppointmentKind.PHYSICAL, [setup.site_id], date(2026, 3, 16),
                         date(2026, 3, 16), now=NOW)
    assert "prendre un rendez-vous" in str(refused.value)
