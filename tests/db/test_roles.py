"""The server defends the data itself (migration 0009): each account connects as its own login
role, and grants and forced row-level security decide what it reads — whatever the client.

The database here is owned by a role with CREATEROLE that is not a superuser, as the README's
server set-up makes it, and filled with the demo by that owner; each test connects as one of
the demo's accounts with psycopg, as anyone holding the account's password could.
"""

from __future__ import annotations

import importlib
import uuid

import pytest
from psycopg import errors
from sqlalchemy import text

from db.base import Base
from db.org.passwords import DEMO_PASSWORD
from db.store import Store
from tests.db.office_setup import connect

pytestmark = pytest.mark.postgres

MEDIATION_TABLES = ("mediation_case", "mediation_wait", "mediation_document",
                    "mediation_event", "mediation_counter")
def count(connection, table: str) -> int:
    return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture(scope="module")
def owner_counts(office):
    with connect(office) as owner:
        assert not owner.execute("SELECT rolsuper FROM pg_roles "
                                 "WHERE rolname = current_user").fetchone()[0]
        counts = {table: count(owner, table) for table in MEDIATION_TABLES}
    assert counts["mediation_case"] > 0 and counts["mediation_event"] > 0
    return counts


def test_every_table_is_granted_to_guichet_s_groups_or_classified(office):
    """A table a later migration adds is either granted in it or fails here."""
    grants = {table for revision in ("0009_accounts", "0012_messages", "0013_lifecycle",
                                                    "0016_sync")
              for table in importlib.import_module(f"db.migrations.versions.{revision}").GRANTS}
    with_column_privileges = {"staff", "person"}
    assert set(Base.metadata.tables) <= grants | with_column_privileges | {"alembic_version"}
    with connect(office) as owner:
        ungranted = [row[0] for row in owner.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' AND NOT EXISTS ("
            "  SELECT 1 FROM pg_roles r WHERE r.rolname LIKE 'guichet\\_%' "
            "  AND has_table_privilege(r.oid, c.oid, 'SELECT'))")]
    assert ungranted == []


def test_row_level_security_is_forced_on_confidential_tables(office):
    protected = {*MEDIATION_TABLES, "appointment", "callback_request", "workshop_session",
                 "waiting_list_entry", "preparation_task", "audit_event", "message"}
    with connect(office) as owner:
        forced = {row[0] for row in owner.execute(
            "SELECT relname FROM pg_class WHERE relrowsecurity AND relforcerowsecurity")}
    assert protected <= forced


@pytest.mark.parametrize("login", ["conseiller01", "partenaire01", "responsable01", "admin"])
def test_outside_the_mediation_team_no_mediation_row_is_read(office, owner_counts, login):
    with connect(office, login) as connection:
        assert {table: count(connection, table) for table in MEDIATION_TABLES} == dict.fromkeys(
            MEDIATION_TABLES, 0)
        assert connection.execute("SELECT summary FROM mediation_case").fetchall() == []
        assert connection.execute(
            "SELECT count(*) FROM audit_event WHERE entity_type LIKE 'mediation%'"
        ).fetchone()[0] == 0


def test_the_mediation_team_reads_every_case(office, owner_counts):
    with connect(office, "mediateur01") as connection:
        assert {table: count(connection, table) for table in MEDIATION_TABLES} == owner_counts
        assert connection.execute(
            "SELECT count(*) FROM audit_event WHERE entity_type LIKE 'mediation%'"
        ).fetchone()[0] > 0


def test_a_manager_gets_the_dashboard_s_counts_not_the_cases(office, owner_counts):
    with connect(office, "responsable01") as connection:
        counts = connection.execute("SELECT * FROM guichet_case_counts()").fetchall()
        assert counts and sum(row[-1] for row in counts) == owner_counts["mediation_case"]
        assert count(connection, "mediation_case") == 0


def test_writing_a_mediation_case_is_refused_outside_the_team(office):
    with connect(office, "conseiller01") as connection, \
            pytest.raises(errors.InsufficientPrivilege):
        connection.execute("UPDATE mediation_case SET summary = 'lu'")


def test_a_partner_never_reads_a_nir(office):
    with connect(office, "partenaire01") as connection:
        assert count(connection, "person") == 0 or connection.execute(
            "SELECT last_name FROM person LIMIT 1").fetchone()
        with pytest.raises(errors.InsufficientPrivilege):
            connection.execute("SELECT nir FROM person LIMIT 1")
        with pytest.raises(errors.InsufficientPrivilege):
            connection.execute("SELECT * FROM person LIMIT 1")
        with pytest.raises(errors.InsufficientPrivilege):
            connection.execute("SELECT password_hash FROM staff")


def test_a_partner_reads_and_changes_only_their_sector_s_appointments(office):
    with connect(office) as owner:
        every = count(owner, "appointment")
        # The partner works in a sector whose sites have appointments (as an administrator
        # would set it; the small demo books few at France Services).
        sector = owner.execute(
            "UPDATE staff SET sector = (SELECT s.sector FROM appointment a JOIN site s ON "
            "s.id = a.site_id WHERE s.kind = 'france_services' LIMIT 1) "
            "WHERE login = 'partenaire01' RETURNING sector").fetchone()[0]
        in_sector = {row[0] for row in owner.execute(
            "SELECT id FROM site WHERE kind = 'france_services' AND sector = %s", (sector,))}
        other = owner.execute("SELECT id FROM appointment WHERE site_id <> ALL(%s) LIMIT 1",
                              (list(in_sector),)).fetchone()[0]
        # One of theirs that has no outcome yet (the small demo's are all past).
        own = owner.execute("UPDATE appointment SET status = 'cancelled', cancel_reason = 'essai', "
                            "cancelled_by = 'person' WHERE id = ("
                            "SELECT id FROM appointment WHERE site_id = ANY(%s) LIMIT 1) "
                            "RETURNING id", (list(in_sector),)).fetchone()[0]
    assert sector and in_sector
    with connect(office, "partenaire01") as connection:
        seen = {row[0] for row in connection.execute("SELECT DISTINCT site_id FROM appointment")}
        assert seen <= in_sector and count(connection, "appointment") < every
        moved = connection.execute("UPDATE appointment SET note = note WHERE id = %s",
                                   (other,))
        assert moved.rowcount == 0  # another sector's: not even seen
        changed = connection.execute("UPDATE appointment SET note = note WHERE id = %s",
                                     (own,))
        assert changed.rowcount == 1
        with pytest.raises(errors.InsufficientPrivilege):  # an outcome is not theirs to say
            connection.execute("UPDATE appointment SET status = 'honoured' WHERE id = %s",
                               (own,))


def test_the_audit_row_names_the_connected_account_whatever_the_client_says(office):
    with connect(office) as owner:
        adviser, mediator = (owner.execute("SELECT id FROM staff WHERE login = %s",
                                           (login,)).fetchone()[0]
                             for login in ("conseiller01", "mediateur01"))
    entry = uuid.uuid4()
    with connect(office, "conseiller01") as connection:
        connection.execute(
            "INSERT INTO audit_event (id, occurred_at, actor_id, action, entity_type, "
            "entity_id, details) VALUES (%s, now(), %s, 'update', 'person', %s, '{}')",
            (entry, mediator, uuid.uuid4()))
        assert connection.execute("SELECT actor_id FROM audit_event WHERE id = %s",
                                  (entry,)).fetchone()[0] == adviser
        with pytest.raises(errors.InsufficientPrivilege):  # the trail is never rewritten
            connection.execute("DELETE FROM audit_event WHERE id = %s", (entry,))


@pytest.mark.parametrize("group", ["guichet_mediation", "guichet_admin"])
def test_an_account_cannot_take_another_group_s_rights(office, group):
    with connect(office, "conseiller01") as connection, \
            pytest.raises(errors.InsufficientPrivilege):
        connection.execute(f"SET ROLE {group}")


def test_only_an_administrator_manages_login_roles_and_only_guichet_s(office):
    with connect(office, "conseiller01") as connection, \
            pytest.raises(errors.InsufficientPrivilege):
        connection.execute("SELECT guichet_set_login('conseiller01', NULL, 'guichet_admin', "
                           "true)")
    with connect(office, "admin") as connection:
        owner = office.username
        with pytest.raises(errors.RaiseException):
            connection.execute("SELECT guichet_set_login(%s, NULL, 'guichet_admin', true)",
                               (owner,))
        with pytest.raises(errors.RaiseException):
            connection.execute("SELECT guichet_set_login('conseiller01', NULL, 'pg_read_all_data'"
                               ", true)")


def signed_in_unit_results(office, login: str, work):
    """``work(unit)`` run by the application signed in as ``login``."""
    from db.org import signin

    owner_store = Store(office)
    person, signed = signin.sign_in(owner_store, login, DEMO_PASSWORD)
    try:
        with person.unit(signed.actor) as unit:
            return work(unit)
    finally:
        person.dispose()
        owner_store.dispose()


def test_a_manager_s_dashboard_counts_the_cases_it_cannot_read(office, owner_counts):
    from datetime import date

    from db.dashboard.figures import dashboard

    def mediation_figures(unit):
        section = dashboard(unit, date.today()).section("mediation")
        return ([(f.label, f.count) for f in section.all_figures()],
                [m.text for m in section.measures])

    seen = {login: signed_in_unit_results(office, login, mediation_figures)
            for login in ("responsable01", "mediateur01")}
    assert seen["responsable01"] == seen["mediateur01"]
    assert any(count for _label, count in seen["responsable01"][0])


def test_an_adviser_learns_that_a_person_has_a_case_and_nothing_more(office):
    from db.mediation.reading import person_has_case

    with connect(office) as owner:
        with_case = owner.execute("SELECT person_id FROM mediation_case LIMIT 1").fetchone()[0]
    assert signed_in_unit_results(office, "conseiller01",
                                  lambda unit: person_has_case(unit, with_case))


@pytest.mark.parametrize("login", ["conseiller01", "mediateur01", "responsable01",
                                   "partenaire01", "admin"])
def test_each_role_s_screens_read_under_its_own_rights(office, login):
    """What the people, agenda and call-back screens read, as each account connected with
    its own role: column privileges and row-level security let the application work."""
    from datetime import UTC, datetime, timedelta

    from db.agenda import appointments, views
    from db.callbacks.requests import callback_queue
    from db.org.access import Permission
    from db.people import records, search

    def screens(unit):
        ids = search.search_people(unit, "ma")
        rows = search.people_rows(unit, ids[:20])
        record = records.get_person(unit, ids[0])
        if unit.actor.can(Permission.BOOK_APPOINTMENTS):
            choices = views.agenda_choices(unit)
            now = datetime.now(UTC)
            for site in choices.sites:
                appointments.agenda_rows(unit, now - timedelta(days=60), now, site_id=site.id)
            callback_queue(unit)
        return rows, record

    rows, record = signed_in_unit_results(office, login, screens)
    assert rows
    if login == "partenaire01":
        assert {row.masked_nir for row in rows} == {""} and record.nir_display == ""


class _RolledBack(Exception):
    """Raised to leave a unit of work without committing it."""


def test_the_nightly_purge_takes_the_message_queue_and_no_account_deletes_a_message(office):
    """``guichet purge`` runs as the owner (migration 0013): the queue's settled messages go
    through row-level security, their appointments marked reminded; an account holds no
    DELETE on the queue (migration 0012), and 0015 grants none."""
    from datetime import UTC, datetime, timedelta

    from db.lifecycle import purge

    store = Store(office)
    try:
        with pytest.raises(_RolledBack), store.unit(None) as unit:
            done = purge.purge(unit, now=datetime.now(UTC) + timedelta(days=120))
            session = unit.session
            assert done.count("messages") > 0
            assert session.scalar(text("SELECT count(*) FROM message "
                                       "WHERE status = 'sent'")) == 0
            assert session.scalar(text("SELECT count(*) FROM appointment WHERE reminded")) > 0
            raise _RolledBack
    finally:
        store.dispose()
    for login in ("admin", "conseiller01"):
        with connect(office, login) as connection, pytest.raises(errors.InsufficientPrivilege):
            connection.execute("DELETE FROM message")
