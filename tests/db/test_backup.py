"""Backing up while others write, restoring, refusing foreign or damaged files, migrating an
older backup, and the rotation of the automatic daily copies."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from datetime import date, timedelta

import pytest
from alembic import command
from sqlalchemy import func, inspect, select, text

from db import schema
from db.errors import DatabaseRefused
from db.lifecycle import backup
from db.migrate import alembic_config
from db.people.models import Person
from db.store import Store
from db.unit.audit import AuditEvent
from tests.db.test_dashboard import october_activity


def every_row(store: Store) -> dict[str, list[tuple]]:
    with store.engine.connect() as connection:
        names = [n for n in inspect(connection).get_table_names()
                 if not n.startswith("person_fts") and not n.startswith("mediation_case_fts")]
        return {name: sorted(tuple(str(v) for v in row) for row in connection.execute(
            text(f'SELECT * FROM "{name}"'))) for name in names}


def write_pairs(store: Store, stop: threading.Event, written: list[int]) -> None:
    """Audit rows two by two, each pair in one transaction, until told to stop."""
    while not stop.is_set():
        with store.engine.begin() as connection:
            for _ in range(2):
                connection.execute(AuditEvent.__table__.insert().values(
                    id=uuid.uuid4(), action="test", entity_type="test",
                    entity_id=uuid.uuid4(), details={}))
        written.append(2)


def pairs_are_whole(store: Store) -> bool:
    with store.engine.connect() as connection:
        count = connection.execute(text(
            "SELECT count(*) FROM audit_event WHERE action = 'test'")).scalar()
    return count % 2 == 0


def target_of(store: Store, tmp_path) -> object:
    return tmp_path / ("copie.sqlite3" if store.is_sqlite else "copie.dump")


def test_a_backup_taken_during_writes_restores_every_row(store, actors, tmp_path):
    october_activity(store, actors)
    stop, written = threading.Event(), []
    writer = threading.Thread(target=write_pairs, args=(store, stop, written))
    writer.start()
    try:
        while len(written) < 3:
            threading.Event().wait(0.01)
        target = backup.backup(store, target_of(store, tmp_path))
    finally:
        stop.set()
        writer.join()
    assert target.stat().st_mode & 0o777 == 0o600  # its user's alone
    if store.is_sqlite:
        assert backup.check_sqlite_backup(target) == schema.HEAD
        copy = Store(target)
        saved = every_row(copy)
        copy.dispose()
    with store.session() as session:  # what changes after the backup is undone by restoring
        session.execute(Person.__table__.update().values(city="Ailleurs"))
    restored = backup.restore(store, target)
    assert not restored.migrated and restored.kept_aside is not None
    assert pairs_are_whole(store)
    if store.is_sqlite:
        assert every_row(store) == saved
        aside = Store(restored.kept_aside)
        with aside.session() as session:
            assert set(session.scalars(select(Person.city))) == {"Ailleurs"}
        aside.dispose()
    with store.session() as session:
        assert "Ailleurs" not in set(session.scalars(select(Person.city)))
    assert backup.restore(store, target).revision == schema.HEAD  # twice: same result


def test_foreign_or_damaged_files_are_refused_and_nothing_is_replaced(store, actors,
                                                                       tmp_path):
    october_activity(store, actors)
    before = every_row(store)
    foreign = tmp_path / "autre.sqlite3"
    other = sqlite3.connect(foreign)
    other.execute("CREATE TABLE t (x)")
    other.commit()
    other.close()
    text_file = tmp_path / "notes.txt"
    text_file.write_text("pas une base")
    damaged = tmp_path / "abime.sqlite3"
    if store.is_sqlite:
        backup.backup(store, damaged)
        data = bytearray(damaged.read_bytes())
        data[4096 * 3:4096 * 3 + 512] = b"\xff" * 512  # a page of the middle, overwritten
        damaged.write_bytes(bytes(data))
    else:
        damaged.write_bytes(b"PGDMP" + b"\0" * 200)
    for wrong in (foreign, text_file, damaged):
        with pytest.raises(DatabaseRefused):
            backup.restore(store, wrong)
    assert every_row(store) == before


def test_a_backup_of_a_newer_guichet_is_refused(sqlite_store, tmp_path):
    target = backup.backup(sqlite_store, tmp_path / "copie.sqlite3")
    newer = sqlite3.connect(target)
    newer.execute("UPDATE alembic_version SET version_num = '0099_future'")
    newer.commit()
    newer.close()
    with pytest.raises(DatabaseRefused, match="plus récente"):
        backup.restore(sqlite_store, target)


def test_an_older_backup_is_migrated(sqlite_store, tmp_path):
    old = Store(tmp_path / "ancienne.sqlite3")
    command.upgrade(alembic_config(old.engine), "0008_seeded_ids")
    old.dispose()
    restored = backup.restore(sqlite_store, tmp_path / "ancienne.sqlite3")
    assert restored.revision == "0008_seeded_ids" and restored.migrated
    reopened = Store(sqlite_store.sqlite_path)
    assert reopened.schema_revision() == schema.HEAD
    reopened.dispose()


def test_automatic_copies_keep_seven_days_and_four_weeks(sqlite_store):
    today = date(2026, 12, 3)  # a Thursday
    days = [today - timedelta(days=n) for n in range(40)]
    kept = backup.to_keep(days, today)
    assert {today - timedelta(days=n) for n in range(7)} <= kept
    mondays = {date(2026, 11, 30), date(2026, 11, 23), date(2026, 11, 16), date(2026, 11, 9)}
    assert kept == {today - timedelta(days=n) for n in range(7)} | mondays
    for day in days[::-1]:
        backup.automatic_backup(sqlite_store, today=day)
    assert backup.automatic_backup(sqlite_store, today=today) is None  # once a day
    folder = sqlite_store.sqlite_path.parent / backup.AUTOMATIC_FOLDER
    assert {p.name for p in folder.iterdir()} == {
        f"guichet-auto-{d:%Y-%m-%d}.sqlite3" for d in kept}


def test_the_command_line_backs_up_and_restores_either_engine(store, actors, tmp_path, capsys):
    from db.roles import Role
    from desktop.cli import main
    from tests.db.test_mediation import add_person

    add_person(store, actors[Role.ADVISER])
    url = store.url.render_as_string(hide_password=False)
    target = target_of(store, tmp_path)
    assert main(["--db", url, "backup", "-o", str(target)]) == 0
    assert "Sauvegarde de " in capsys.readouterr().out
    with store.session() as session:
        session.execute(Person.__table__.delete())
    assert main(["--db", url, "restore", str(target)]) == 0
    assert f"(schéma {schema.HEAD})" in capsys.readouterr().out
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 1  # back again
    wrong = tmp_path / "notes.txt"
    wrong.write_text("bonjour")
    assert main(["--db", url, "restore", str(wrong)]) == 3
    assert "Refusé" in capsys.readouterr().err


def test_a_guichet_still_open_on_the_file_reads_and_writes_the_restored_one(sqlite_store,
                                                                            tmp_path):
    from tests.conftest import add_staff

    add_staff(sqlite_store)
    target = backup.backup(sqlite_store, tmp_path / "copie.sqlite3")
    other = Store(sqlite_store.sqlite_path)  # another window on the same file, kept open
    with other.session() as session:
        session.execute(Person.__table__.delete())
        session.execute(text("DELETE FROM staff WHERE login = 'admin'"))
    backup.restore(sqlite_store, target)
    with other.session() as session:  # its pooled connection reads the restored database
        assert session.scalar(text("SELECT count(*) FROM staff WHERE login = 'admin'")) == 1
        session.execute(text("UPDATE staff SET first_name = 'Après' WHERE login = 'admin'"))
    other.dispose()
    reopened = Store(sqlite_store.sqlite_path)
    with reopened.session() as session:  # and what it wrote then is in the file
        assert session.scalar(text("SELECT first_name FROM staff WHERE login = 'admin'")) \
            == "Après"
    reopened.dispose()


def test_a_damaged_database_is_replaced_and_kept_aside_as_it_was(sqlite_store, tmp_path):
    target = backup.backup(sqlite_store, tmp_path / "copie.sqlite3")
    sqlite_store.dispose()
    path = sqlite_store.sqlite_path
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    path.write_bytes(b"\x00" * 8192)  # a disk that went wrong
    restored = backup.restore(sqlite_store, target)
    assert restored.kept_aside.read_bytes() == b"\x00" * 8192
    assert backup.check_sqlite_backup(path) == schema.HEAD
