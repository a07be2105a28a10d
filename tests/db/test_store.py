"""Opening databases: creation, refusal of foreign or newer ones, migrations."""

from __future__ import annotations

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text

from db import schema
from db import store as store_module
from db.base import Base
from db.errors import DatabaseBusy, DatabaseRefused
from db.migrate import script_revisions
from db.people import records as people_records
from db.people.models import Person, PersonKind
from db.people.records import PersonInput
from db.roles import Role
from db.store import SchemaState, Store, open_store
from db.unit import Unit
from tests.conftest import add_staff


def test_known_revisions_match_the_migration_scripts():
    assert list(schema.REVISIONS) == script_revisions()


def test_models_and_migrations_agree(store):
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    # The full-text search objects are managed by hand in the migration, not by the models;
    # the laptops' change log is the server's own (migration 0016), not the application's.
    differences = [d for d in differences if "_fts" not in repr(d)
                   and "search_vector" not in repr(d) and "sync_change" not in repr(d)
                   and "sync_applied_op" not in repr(d)]
    assert differences == []


def test_the_schema_revision_is_the_databases_stamp(store, tmp_path):
    assert store.schema_revision() == schema.HEAD
    empty = Store(tmp_path / "empty.sqlite3")
    assert empty.schema_revision() is None
    empty.dispose()


def test_new_sqlite_file_is_created_in_wal_mode_and_marked(tmp_path):
    path = tmp_path / "sub" / "guichet.sqlite3"
    store = open_store(path)
    assert store.schema_state() is SchemaState.CURRENT
    store.dispose()
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA application_id").fetchone()[0] == (
        schema.SQLITE_APPLICATION_ID)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    connection.close()


def test_a_commit_reaches_the_disk_before_it_is_said_saved(tmp_path):
    """synchronous = FULL in WAL mode: a power cut or an OS crash cannot roll back a commit
    the adviser saw saved (NORMAL may lose the last ones)."""
    store = open_store(tmp_path / "guichet.sqlite3")
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    store.dispose()


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"Liste des rendez-vous\n")
    with pytest.raises(DatabaseRefused) as refused:
        open_store(path)
    assert "n'est pas une base de données Guichet" in str(refused.value)
    assert path.read_bytes() == b"Liste des rendez-vous\n"


def test_another_applications_sqlite_file_is_refused_untouched(tmp_path):
    path = tmp_path / "other.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE contacts (name TEXT)")
    connection.commit()
    connection.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseRefused):
        open_store(path)
    assert path.read_bytes() == before


def test_a_database_from_a_newer_guichet_is_refused(store):
    def stamp(revision: str) -> None:
        with store.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :revision"),
                               {"revision": revision})

    stamp("9999_future")
    try:
        with pytest.raises(DatabaseRefused) as refused:
            Store(store.url).upgrade()
        assert "version plus récente de Guichet" in str(refused.value)
        with store.engine.connect() as connection:
            assert connection.execute(
                text("SELECT version_num FROM alembic_version")).scalar() == "9999_future"
    finally:
        stamp(schema.HEAD)  # the PostgreSQL database is shared by the tests that follow


def test_backup_copies_the_whole_file_aside(tmp_path, sqlite_template):
    store = Store(sqlite_template)
    copy = store.backup_sqlite()
    store.dispose()
    assert copy is not None and copy.name.startswith("guichet.avant-migration-")
    assert Store(copy).schema_state() is SchemaState.CURRENT
    copy.unlink()


def test_a_file_locked_by_another_computer_gives_a_french_refusal(sqlite_store, monkeypatch):
    actors = add_staff(sqlite_store)
    monkeypatch.setattr(store_module, "SQLITE_BUSY_TIMEOUT_MS", 50)
    store = Store(sqlite_store.url)  # its connections wait 50 ms instead of 5 s
    other_computer = sqlite3.connect(sqlite_store.sqlite_path)
    other_computer.execute("BEGIN IMMEDIATE")  # holds the write lock
    try:
        with pytest.raises(DatabaseBusy) as refused, store.session() as session:
            people_records.create_person(Unit(session, actors[Role.ADVISER]), PersonInput(
                kind=PersonKind.EMPLOYER, organisation_name="Boulangerie Roux",
                siret="73282932000074"))
    finally:
        other_computer.rollback()
        other_computer.close()
    assert str(refused.value).startswith("La base de données est occupée par un autre poste")
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 0
    store.dispose()


def test_the_audit_trail_is_append_only(store, actors):
    from db.unit import audit
    from db.unit.audit import AuditEvent

    adviser = next(iter(actors.values()))
    with store.unit(adviser) as unit:
        audit.record(unit, "create", "person", adviser.id)
    for statement in ("UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(Exception, match="append-only"), store.engine.begin() as connection:
            connection.execute(text(statement))
    with store.session() as session:
        assert session.query(AuditEvent).one().action == "create"
