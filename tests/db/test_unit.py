"""The unit of work: one save path that audits and records what it wrote, no write around it,
soft-deleted rows left out, and every race lost refused in French."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import exc, func, select

from db.agenda import setup as agenda_setup
from db.agenda.models import ClosedDay
from db.errors import ConflictError, PermissionDenied, ValidationError
from db.org import sites
from db.org.access import Permission
from db.org.models import Site
from db.roles import Role
from db.unit import Unit, rows
from db.unit.audit import AuditEvent
from db.unit.unit import RACE_MESSAGE, UndeclaredWrite, race_refusal


def site_id(store):
    with store.session() as session:
        site = session.scalars(select(Site)).one()
        site.department = "38"  # the fixture's site lacks what an edit requires
        return site.id


def test_the_save_path_audits_and_records_what_it_wrote(store, actors):
    admin = actors[Role.ADMIN]
    with store.unit(admin) as unit:
        site = sites.get_site(unit, site_id(store))
        sites.save_site(unit, replace(site.data, city="Échirolles"),
                        site.id, site.version)
        assert unit.changes.kinds == {"site"}
        assert unit.changes.ids["site"] == {site.id}
    with store.session() as session:
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "site"))
    assert (event.action, event.actor_id, event.details) == ("update", admin.id,
                                                             {"fields": ["city"]})


def test_a_row_changed_around_the_save_path_is_refused(store, actors):
    with pytest.raises(UndeclaredWrite, match="Site"), store.unit(actors[Role.ADMIN]) as unit:
        unit.session.scalars(select(Site)).one().city = "Ailleurs"
        unit.session.flush()
    with store.session() as session:
        assert session.scalars(select(Site)).one().city == "Grenoble"


def test_every_write_refuses_in_french_a_text_its_column_cannot_hold(store, actors):
    """The floor under every service: a field no service checks is still refused alike on
    both engines, never a raw DataError (PostgreSQL) or stored silently (SQLite)."""
    with store.unit(actors[Role.ADMIN]) as unit:
        site = sites.get_site(unit, site_id(store))
    for values, field, message in (
            ({"sector": "S" * 121}, "sector", "Ce texte compte 121 caractères : 120 au plus."),
            ({"sector": "Nord\x00"}, "sector", "Ce texte contient un caractère de contrôle "
                                              "(invisible) : retirez-le ou saisissez-le à "
                                              "nouveau.")):
        with pytest.raises(ValidationError) as refused, store.unit(actors[Role.ADMIN]) as unit:
            sites.save_site(unit, replace(site.data, **values), site.id, site.version)
        assert refused.value.field_errors == {field: message}
    with pytest.raises(ValidationError), store.unit(actors[Role.ADMIN]) as unit:
        rows.update_many(unit, Site, {site.id: {"city": "x" * 121}})
    with store.session() as session:
        assert session.scalars(select(Site)).one().sector == site.data.sector


def test_soft_deleted_rows_are_left_out_unless_asked_for(store, actors):
    manager = actors[Role.MANAGER]
    with store.unit(manager) as unit:
        closed_id = agenda_setup.add_closed_day(unit, site_id(store), date(2026, 5, 1), "Pont")
        agenda_setup.remove_closed_day(unit, closed_id, 1)
    with store.unit(manager) as unit:
        assert agenda_setup.closed_days(unit, site_id(store), date(2026, 1, 1)) == []
        assert unit.session.scalar(select(func.count()).select_from(ClosedDay)) == 0
        kept = unit.session.scalars(select(ClosedDay).execution_options(include_deleted=True))
        assert [row.label for row in kept] == ["Pont"]


def test_an_edit_of_a_version_that_moved_on_is_refused_in_french(store, actors):
    admin = actors[Role.ADMIN]
    with store.unit(admin) as unit:
        site = sites.get_site(unit, site_id(store))
    with store.unit(admin) as unit:  # a colleague saves first
        sites.save_site(unit, replace(site.data, city="Voiron"),
                        site.id, site.version)
    refused = "Quelqu'un d'autre a modifié ce lieu d'accueil"
    with pytest.raises(ConflictError, match=refused), store.unit(admin) as unit:
        sites.save_site(unit, site.data, site.id, site.version)


def test_a_flush_that_finds_the_row_gone_is_refused_in_french(store, actors):
    """Two writers read version 1; the second flush (here forced by hand, in the field an
    autoflush inside a query) updates no row: the unit says so in French."""
    admin = actors[Role.ADMIN]
    with pytest.raises(ConflictError, match="ce lieu d'accueil"), store.unit(admin) as unit:
        site = rows.load(unit, Site, site_id(store))
        with store.engine.begin() as other:  # the other writer commits meanwhile
            other.execute(Site.__table__.update().values(version=Site.version + 1))
        rows.save(unit, site, {"city": "Meylan"})


def test_a_deadlock_or_a_serialization_failure_becomes_the_services_refusal():
    class Deadlock(Exception):
        sqlstate = "40P01"

    error = exc.OperationalError("UPDATE …", {}, Deadlock())
    unit = Unit(None, None)
    assert str(race_refusal(error, unit)) == RACE_MESSAGE
    unit.conflict_message = "Ce créneau vient d'être pris."
    assert str(race_refusal(error, unit)) == "Ce créneau vient d'être pris."
    assert race_refusal(exc.OperationalError("…", {}, Exception("disk I/O")), unit) is None


def test_a_system_job_runs_only_what_allows_one(store):
    with store.unit(None) as unit:
        unit.require(Permission.ADMINISTER, system=True)
        with pytest.raises(PermissionDenied, match="--login"):
            unit.require(Permission.ADMINISTER)
