"""The offline laptop's encrypted file (issue 13), made by ``db.replica.cipher`` and opened by
``db.store``: encrypted from its first byte, unreadable by the stdlib, no NIR in clear in the
file or its WAL, mode 0600, refused in French without its key or with a wrong one, a
passphrase instead of a key, migrated, backed up and restored encrypted, wiped."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, select, text

from db import schema
from db.errors import DatabaseRefused, ReplicaLocked
from db.lifecycle import backup
from db.migrate import alembic_config
from db.people.models import Person
from db.replica.cipher import SQLITE_HEADER, ReplicaCipher, is_encrypted, new_key, wipe
from db.roles import Role
from db.store import SchemaState, Store, open_store
from tests.db.replica_setup import PASSPHRASE, PEOPLE, add_person, fill, make_replica, needles


@pytest.fixture(autouse=True)
def usual_umask():
    """Files made under the most common umask (0644 unless made private)."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def siblings(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def clear_bytes_found(path: Path, people=PEOPLE) -> list[bytes]:
    data = path.read_bytes()
    return [needle for person in people for needle in needles(person) if needle in data]


def people_count(store: Store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(Person))


def checkpoint(store: Store) -> None:
    with store.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def adviser(store: Store):
    from db.org import accounts

    with store.engine.connect() as connection:
        return accounts.load_actor(connection, "conseiller01")


# -- the file ----------------------------------------------------------------------------

def test_a_new_key_is_256_random_bits_and_never_shown():
    key = new_key()
    assert len(key) == 32 and key != new_key()
    assert key.hex() not in repr(ReplicaCipher.from_key(key))
    assert PASSPHRASE not in repr(ReplicaCipher.from_passphrase(PASSPHRASE))
    with pytest.raises(ValueError):
        ReplicaCipher.from_key(key[:16])
    with pytest.raises(ValueError):  # an empty key would leave the file in clear
        ReplicaCipher.from_passphrase("")


def test_the_file_is_encrypted_and_the_stdlib_cannot_read_it(replica):
    assert replica.schema_state() is SchemaState.CURRENT  # migrated to the head
    path = replica.sqlite_path
    with path.open("rb") as handle:
        assert handle.read(16) != SQLITE_HEADER
    assert is_encrypted(path)
    connection = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.DatabaseError):
            connection.execute("SELECT * FROM sqlite_master").fetchall()
    finally:
        connection.close()
    assert people_count(replica) == 1


def test_no_nir_in_clear_in_the_file_or_its_wal(replica):
    actor = adviser(replica)
    add_person(replica, actor, PEOPLE[1])
    wal = replica.sqlite_path.with_name(replica.sqlite_path.name + "-wal")
    assert wal.stat().st_size > 0  # the new person is in the WAL, not yet in the file
    assert clear_bytes_found(wal) == []
    assert clear_bytes_found(replica.sqlite_path) == []
    checkpoint(replica)
    assert clear_bytes_found(replica.sqlite_path) == []
    replica.dispose()
    assert clear_bytes_found(replica.sqlite_path) == []
    assert people_count(replica) == 2


def test_the_same_rows_in_a_clear_file_would_show(tmp_path, sqlite_template):
    """The search above finds what it looks for: a clear file and its WAL show them."""
    path = tmp_path / "clair.sqlite3"
    shutil.copy(sqlite_template, path)
    store = Store(path)
    actors = fill(store)
    add_person(store, actors[Role.ADVISER], PEOPLE[1])
    wal = path.with_name(path.name + "-wal")
    assert PEOPLE[1]["nir"].replace(" ", "").encode() in wal.read_bytes()
    checkpoint(store)
    store.dispose()
    found = clear_bytes_found(path)
    assert PEOPLE[0]["nir"].replace(" ", "").encode() in found
    assert PEOPLE[1]["email"].encode() in found


def test_the_file_and_its_wal_and_shm_are_readable_by_their_owner_alone(tmp_path):
    path = tmp_path / "neuve.sqlite3"
    store = make_replica(path, ReplicaCipher.from_key(new_key()))
    try:
        with store.engine.connect():  # while open: the -wal and -shm exist
            present = [p for p in (path, *siblings(path)) if p.exists()]
            assert len(present) == 3
            assert {p.name: mode(p) for p in present} == {p.name: 0o600 for p in present}
    finally:
        store.dispose()
    assert mode(path) == 0o600


def test_a_copy_made_readable_by_others_is_made_private_again(replica_path, replica_key):
    os.chmod(replica_path, 0o644)
    store = Store(replica_path, ReplicaCipher.from_key(replica_key))
    assert store.schema_state() is SchemaState.CURRENT
    store.dispose()
    assert mode(replica_path) == 0o600


# -- refusals ----------------------------------------------------------------------------

def test_without_a_key_an_encrypted_file_is_refused_in_french_untouched(replica_path):
    before = replica_path.read_bytes()
    store = Store(replica_path)
    assert store.needs_key
    with pytest.raises(ReplicaLocked, match=r"est chiffré .*clé ou sa phrase de passe"):
        store.schema_state()
    with pytest.raises(ReplicaLocked):
        open_store(replica_path)
    assert replica_path.read_bytes() == before
    assert not any(p.exists() for p in siblings(replica_path))


def test_a_wrong_key_is_refused_in_french_untouched(replica_path, capfd):
    before = replica_path.read_bytes()
    with pytest.raises(ReplicaLocked) as refused:
        open_store(replica_path, ReplicaCipher.from_key(new_key()))
    assert str(refused.value).startswith("La clé de cette permanence hors ligne ne "
                                         "correspond pas")
    with pytest.raises(ReplicaLocked, match="La phrase de passe de cette permanence"):
        open_store(replica_path, ReplicaCipher.from_passphrase(PASSPHRASE))
    assert replica_path.read_bytes() == before
    assert "hmac" not in capfd.readouterr().err  # SQLCipher's own log is silenced


def test_a_clear_file_is_not_opened_as_a_replica(sqlite_store):
    sqlite_store.dispose()
    before = sqlite_store.sqlite_path.read_bytes()
    with pytest.raises(DatabaseRefused, match="n'est pas chiffré"):
        open_store(sqlite_store.sqlite_path, ReplicaCipher.from_key(new_key()))
    assert sqlite_store.sqlite_path.read_bytes() == before
    assert not sqlite_store.needs_key


def test_a_file_of_text_is_no_replica_but_a_foreign_file(tmp_path):
    path = tmp_path / "notes.sqlite3"
    path.write_text("Compte rendu de la réunion\n" * 40)
    assert not is_encrypted(path) and not Store(path).needs_key
    with pytest.raises(DatabaseRefused, match="n'est pas une base de données Guichet") \
            as refused:
        Store(path).schema_state()
    assert not isinstance(refused.value, ReplicaLocked)


# -- a passphrase ------------------------------------------------------------------------

def test_a_passphrase_opens_the_file_it_made_and_another_does_not(tmp_path):
    path = tmp_path / "phrase.sqlite3"
    make_replica(path, ReplicaCipher.from_passphrase(PASSPHRASE)).dispose()
    assert is_encrypted(path) and clear_bytes_found(path) == []
    again = Store(path, ReplicaCipher.from_passphrase(PASSPHRASE))
    assert again.schema_state() is SchemaState.CURRENT and people_count(again) == 1
    again.dispose()
    with pytest.raises(ReplicaLocked, match="La phrase de passe"):
        Store(path, ReplicaCipher.from_passphrase(PASSPHRASE + " ")).schema_state()
    with pytest.raises(ReplicaLocked):  # nor does the raw key of another replica
        Store(path, ReplicaCipher.from_key(new_key())).schema_state()
    ReplicaCipher.from_passphrase(PASSPHRASE).check(path)


# -- migrations and backups --------------------------------------------------------------

def test_an_older_replica_is_migrated_and_its_copy_aside_stays_encrypted(tmp_path):
    cipher = ReplicaCipher.from_key(new_key())
    path = tmp_path / "ancienne.sqlite3"
    old = Store(path, cipher)
    command.upgrade(alembic_config(old.engine), "0009_accounts")
    old.dispose()
    store = Store(path, cipher)
    assert store.upgrade() is SchemaState.OUTDATED
    assert store.schema_revision() == schema.HEAD
    store.dispose()
    [aside] = tmp_path.glob("ancienne.avant-migration-*.sqlite3")
    assert is_encrypted(aside) and mode(aside) == 0o600
    copy = Store(aside, cipher)
    assert copy.schema_revision() == "0009_accounts"
    copy.dispose()
    with sqlite3.connect(aside) as clear, pytest.raises(sqlite3.DatabaseError):
        clear.execute("SELECT * FROM sqlite_master").fetchall()


def test_a_backup_is_encrypted_with_the_same_key_and_restores(replica, replica_key, tmp_path):
    cipher = ReplicaCipher.from_key(replica_key)
    target = backup.backup(replica, tmp_path / "copie.sqlite3")
    assert is_encrypted(target) and mode(target) == 0o600
    assert clear_bytes_found(target) == []
    assert backup.check_sqlite_backup(target, cipher) == schema.HEAD
    with pytest.raises(DatabaseRefused, match="est chiffrée"):  # not into a clear database
        backup.check_sqlite_backup(target)
    with pytest.raises(DatabaseRefused, match="ne s'ouvre pas avec la clé"):
        backup.check_sqlite_backup(target, ReplicaCipher.from_key(new_key()))
    with replica.session() as session:
        session.execute(Person.__table__.delete())
    assert people_count(replica) == 0
    restored = backup.restore(replica, target)
    assert restored.revision == schema.HEAD and not restored.migrated
    assert is_encrypted(restored.kept_aside) and mode(restored.kept_aside) == 0o600
    assert is_encrypted(replica.sqlite_path) and mode(replica.sqlite_path) == 0o600
    assert people_count(replica) == 1
    replica.dispose()
    assert clear_bytes_found(replica.sqlite_path) == []


def test_a_passphrase_replica_backs_up_and_restores_with_its_passphrase(tmp_path):
    path = tmp_path / "phrase.sqlite3"
    store = make_replica(path, ReplicaCipher.from_passphrase(PASSPHRASE))
    target = backup.backup(store, tmp_path / "copie.sqlite3")
    assert is_encrypted(target)
    # The same passphrase, another salt: the copy's first bytes differ from the file's.
    assert target.read_bytes()[:16] != path.read_bytes()[:16]
    assert backup.restore(store, target).revision == schema.HEAD
    assert people_count(store) == 1
    store.dispose()


def test_a_clear_backup_never_replaces_a_replica(replica, sqlite_store, tmp_path):
    clear = backup.backup(sqlite_store, tmp_path / "claire.sqlite3")
    before = replica.sqlite_path.read_bytes()
    replica.dispose()
    with pytest.raises(DatabaseRefused, match="n'est pas chiffrée"):
        backup.restore(replica, clear)
    assert replica.sqlite_path.read_bytes() == before


def test_a_replicas_automatic_copies_are_its_own_encrypted_and_wiped(replica, sqlite_store):
    beside = sqlite_store  # the office's database, in the same folder
    assert beside.sqlite_path.parent == replica.sqlite_path.parent
    made = backup.automatic_backup(replica)
    assert made is not None and made.parent == backup.automatic_folder(replica)
    assert made.parent.name == "permanence" and is_encrypted(made) and mode(made) == 0o600
    assert mode(made.parent) == mode(made.parent.parent) == 0o700
    assert backup.automatic_backup(beside) is not None  # the office's copy of the day too
    assert backup.wipe_automatic_backups(replica) == [made]
    assert not made.parent.exists()
    assert len(list(backup.automatic_folder(beside).glob("*.sqlite3"))) == 1
    with pytest.raises(backup.BackupRefused):
        backup.wipe_automatic_backups(sqlite_store)


# -- wiping ------------------------------------------------------------------------------

def test_wipe_removes_the_file_and_its_siblings(replica):
    path = replica.sqlite_path
    with replica.engine.connect():
        assert all(p.exists() for p in siblings(path)[:2])
    replica.dispose()
    path.with_name(path.name + "-wal").write_bytes(b"\x01" * 4096)  # as a crash leaves it
    path.with_name(path.name + "-journal").write_bytes(b"\x01" * 512)
    removed = wipe(path)
    assert path in removed and len(removed) >= 3
    assert not path.exists() and not any(p.exists() for p in siblings(path))
    assert wipe(path) == []  # nothing left to wipe


def test_wipe_refuses_a_clear_database(sqlite_store):
    sqlite_store.dispose()
    with pytest.raises(DatabaseRefused, match="n'a pas été effacé"):
        wipe(sqlite_store.sqlite_path)
    assert sqlite_store.sqlite_path.exists()


def test_a_replica_is_a_guichet_file_in_wal_mode_read_through_the_orm(replica):
    with replica.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA application_id").scalar() \
            == schema.SQLITE_APPLICATION_ID
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA cipher_version").scalar().startswith("4.")
    with replica.session() as session:
        assert session.scalar(text("SELECT count(*) FROM staff")) == 6
