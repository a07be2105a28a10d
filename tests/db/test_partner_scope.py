"""A France Services partner sees and books the sites of their sector only — in the
application, on both engines, as the server's row-level security does for their role."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from db.agenda import appointments, booking, views
from db.callbacks import requests as callbacks
from db.errors import NotFound, PermissionDenied
from db.org.models import Site
from db.roles import Role
from tests.db.agenda_setup import make_agenda

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
MONDAY = date(2026, 3, 16)


@pytest.fixture
def office(store, actors):
    """An appointment booked by an adviser at the partner's sector's site."""
    setup = make_agenda(store, actors)
    with store.unit(setup.adviser) as unit:
        booked = booking.book_appointment(unit, setup.request(setup.at(MONDAY, 9)), now=NOW)
    return setup, booked


def week(unit, setup, **where):
    return appointments.agenda_rows(unit, setup.at(MONDAY, 0),
                                    setup.at(MONDAY, 0) + timedelta(days=7), **where)


def leave_the_sector(store, setup) -> None:
    with store.engine.begin() as connection:
        connection.execute(update(Site).where(Site.id == setup.site_id)
                           .values(sector="Trièves"))


def test_a_partner_sees_their_sector_s_appointments(store, actors, office):
    setup, booked = office
    with store.unit(actors[Role.PARTNER]) as unit:
        assert [row.id for row in week(unit, setup, site_id=setup.site_id)] == [booked]
        assert appointments.get_appointment(unit, booked).row.id == booked
        assert [s.id for s in views.agenda_choices(unit).sites] == [setup.site_id]


def test_another_sector_s_site_is_neither_seen_nor_booked(store, actors, office):
    setup, booked = office
    leave_the_sector(store, setup)
    partner = actors[Role.PARTNER]
    with store.unit(partner) as unit:
        assert week(unit, setup, site_id=setup.site_id) == []
        assert week(unit, setup, adviser_id=setup.adviser.id) == []
        assert views.agenda_choices(unit).sites == []
        with pytest.raises(NotFound):
            appointments.get_appointment(unit, booked)
    with pytest.raises(PermissionDenied) as refused, store.unit(partner) as unit:
        booking.book_appointment(unit, setup.request(setup.at(MONDAY, 10)), now=NOW)
    assert "n'est pas un lieu de votre secteur France Services" in str(refused.value)
    with pytest.raises(PermissionDenied), store.unit(partner) as unit:
        callbacks.take_callback(unit, callbacks.CallbackInput(
            site_id=setup.site_id, person_id=setup.person_id, reason="Rappel"), now=NOW)
    with pytest.raises(NotFound), store.unit(partner) as unit:  # nor moved, nor cancelled
        booking.reschedule_appointment(unit, booked, 1, setup.at(MONDAY, 11), now=NOW)
    with store.unit(setup.adviser) as unit:  # the CPAM's advisers see every site
        assert [row.id for row in week(unit, setup, site_id=setup.site_id)] == [booked]


def test_a_partner_without_a_sector_sees_no_site(store, actors, office):
    setup, _booked = office
    nowhere = replace(actors[Role.PARTNER], sector="")
    with store.unit(nowhere) as unit:
        assert week(unit, setup, site_id=setup.site_id) == []
        assert views.agenda_choices(unit).sites == []
