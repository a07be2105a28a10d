"""Administration services: who may plan and who may administer, sites, closed days,
motives, availability and absences read back for their editors, and the call-back queue
filtered by who took the request."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from db.agenda import setup as agenda_setup
from db.agenda import workshops
from db.agenda.models import AppointmentKind
from db.agenda.setup import AvailabilityInput, MotiveInput
from db.callbacks import requests
from db.callbacks.requests import CallbackInput
from db.errors import ConflictError, PermissionDenied, ValidationError
from db.org import sites
from db.org.models import Site, SiteKind
from db.org.sites import SiteInput
from db.roles import Role
from db.unit import Unit
from db.unit.audit import AuditEvent
from tests.db.agenda_setup import MORNING_AND_AFTERNOON, make_agenda

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_manager_plans_hours_and_slots_but_administers_nothing(store, actors):
    setup = make_agenda(store, actors)
    manager = actors[Role.MANAGER]
    with store.session() as session:
        agenda_setup.set_opening_hours(Unit(session, manager), setup.site_id,
                                       {0: MORNING_AND_AFTERNOON})
        closed_id = agenda_setup.add_closed_day(Unit(session, manager), setup.site_id, date(2026,
                                                                                            3, 17),
                                          "Inventaire")
        agenda_setup.remove_closed_day(Unit(session, manager), closed_id, 1)
        agenda_setup.set_availability(Unit(session, manager), setup.adviser.id, [
            AvailabilityInput(setup.site_id, AppointmentKind.PHONE, 0, time(9), time(12))])
        absence_id = agenda_setup.add_absence(Unit(session, manager), setup.adviser.id,
                                        datetime(2026, 3, 18, 8, tzinfo=UTC),
                                        datetime(2026, 3, 18, 17, tzinfo=UTC), "Formation")
        agenda_setup.remove_absence(Unit(session, manager), absence_id, 1)
        workshop_id = agenda_setup.save_motive(Unit(session, setup.admin), MotiveInput(
            code="FLASH", label="Atelier flash ameli", default_minutes=30,
            kinds=[AppointmentKind.WORKSHOP]))
        workshops.schedule_session(Unit(session, manager), workshop_id, setup.site_id,
                                   setup.adviser.id, setup.at(date(2026, 3, 16), 9), 8,
                                   now=datetime(2026, 3, 1, tzinfo=UTC))
    with store.unit(manager) as unit:
        with pytest.raises(PermissionDenied) as refused:
            agenda_setup.save_motive(unit, MotiveInput(
                code="CV", label="Carte Vitale", default_minutes=15,
                kinds=[AppointmentKind.PHYSICAL]))
        assert str(refused.value) == ("Votre rôle (Responsable) ne permet pas "
                                      "d'administrer Guichet.")
        with pytest.raises(PermissionDenied):
            sites.save_site(unit, SiteInput("Point de Vienne", SiteKind.LOCAL_POINT,
                                                        "38"))


@pytest.mark.parametrize("role", [Role.ADVISER, Role.PARTNER, Role.MEDIATOR])
def test_other_roles_may_not_plan(store, actors, role):
    setup = make_agenda(store, actors)
    with store.session() as session, pytest.raises(PermissionDenied) as refused:
        agenda_setup.set_opening_hours(Unit(session, actors[role]), setup.site_id, {})
    assert "planifier les horaires et les créneaux" in str(refused.value)


def test_sites_created_edited_refused_in_french_and_audited(store, actors):
    admin = actors[Role.ADMIN]
    with store.unit(admin) as unit:
        site_id = sites.save_site(unit, SiteInput(
            "Point conseil de Vienne", SiteKind.LOCAL_POINT, "38", phone="04 74 12 34 56",
            postcode="38200", city="Vienne"))
    with store.unit(admin) as unit:
        detail = sites.get_site(unit, site_id)
        assert (detail.version, detail.data.phone, detail.data.time_zone) == (
            1, "04\u00a074\u00a012\u00a034\u00a056", "Europe/Paris")
        detail.data.time_zone, detail.data.department = "Indian/Reunion", "974"
        sites.save_site(unit, detail.data, site_id, 1)
    with store.unit(admin) as unit:
        site = unit.session.get(Site, site_id)
        assert (site.version, site.department, site.phone) == (2, "974", "+33474123456")
        events = unit.session.scalars(select(AuditEvent.action).where(
            AuditEvent.entity_id == site_id)).all()
        assert sorted(events) == ["create", "update"]
        with pytest.raises(ConflictError):
            sites.save_site(unit, detail.data, site_id, 1)
    with store.session() as session, pytest.raises(ValidationError) as refused:
        sites.save_site(Unit(session, admin), SiteInput(
            "Agence de Grenoble", SiteKind.AGENCY, "99", time_zone="Mars/Olympus",
            postcode="380", phone="12"))
    assert set(refused.value.field_errors) == {"name", "department", "time_zone", "postcode",
                                               "phone"}
    assert refused.value.field_errors["name"] == (
        "Un lieu d'accueil s'appelle déjà « Agence de Grenoble ».")


def test_editors_read_back_what_they_saved(store, actors):
    setup = make_agenda(store, actors)
    admin = setup.admin
    with store.unit(admin) as unit:
        agenda_setup.add_closed_day(unit, setup.site_id, date(2026, 2, 2), "Passé")
        agenda_setup.add_closed_day(unit, setup.site_id, date(2026, 5, 15), "Pont")
        agenda_setup.add_absence(unit, setup.adviser.id,
                           datetime(2026, 3, 18, 8, tzinfo=UTC),
                           datetime(2026, 3, 18, 17, tzinfo=UTC), "Formation")
    with store.session() as session:
        assert [(c.day, c.label) for c in agenda_setup.closed_days(
            Unit(session, None), setup.site_id, date(2026, 3, 1))] == [(date(2026, 5, 15), "Pont")]
        (absence,) = agenda_setup.absences(Unit(session, None), setup.adviser.id, NOW)
        assert absence.label == "Formation" and absence.version == 1
        week = agenda_setup.availability(Unit(session, None), setup.adviser.id)
        assert len(week) == 15 and week[0].weekday == 0 and week[0].starts == time(8)
        motive = agenda_setup.get_motive(Unit(session, None), setup.motive_id)
        assert motive.version == 1 and motive.data.documents == [
            "Attestation de salaire", "Arrêt de travail"]
        assert motive.data.max_horizon_days == 400


def test_the_queue_filtered_by_taker_and_a_partner_sees_only_their_own(store, actors):
    setup = make_agenda(store, actors)
    partner = actors[Role.PARTNER]
    with store.session() as session:
        by_partner = requests.take_callback(Unit(session, partner), CallbackInput(
            site_id=setup.site_id, contact_name="Mme Roux", contact_phone="04 76 12 34 56"),
            now=NOW)
        by_adviser = requests.take_callback(Unit(session, setup.adviser), CallbackInput(
            site_id=setup.site_id, person_id=setup.person_id), now=NOW)
    with store.session() as session:
        assert [r.id for r in requests.callback_queue(Unit(session, setup.adviser), now=NOW)] == [
            by_partner, by_adviser]
        assert [r.id for r in requests.callback_queue(
            Unit(session, setup.adviser), taken_by_id=setup.adviser.id, now=NOW)] == [by_adviser]
        assert [r.id for r in requests.callback_queue(Unit(session, partner), now=NOW)] == [
            by_partner]
