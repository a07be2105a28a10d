"""Backing up and restoring a Guichet database.

An embedded database is copied with SQLite's online backup API: a consistent snapshot taken
while others keep writing (WAL readers block no writer), checked before it is kept. A server's
database is dumped with ``pg_dump -Fc`` when it is installed (the README gives the commands).
A restore checks the file first — a Guichet database, a schema this version knows, its
integrity — and replaces nothing otherwise; the current database is kept aside, and an older
backup is migrated. The embedded database is also backed up automatically each day at the
first start, keeping 7 daily and 4 weekly copies.

An offline laptop's replica is encrypted (``db.replica.cipher``): its copies are encrypted with
the same key or passphrase (SQLite's backup API into a keyed file: no clear page is written),
and it is restored only from such a copy, never from a clear file. Its automatic copies have
a folder of their own, which « Rendre la permanence » wipes with it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from db import schema
from db.errors import DatabaseRefused, GuichetError, ReplicaLocked
from db.replica.cipher import ReplicaCipher, is_encrypted, wipe
from db.store import SQLITE_BUSY_TIMEOUT_MS, SQLITE_HEADER, Store

PG_DUMP_HEADER = b"PGDMP"
DAILY_KEPT, WEEKLY_KEPT = 7, 4
AUTOMATIC_FOLDER = "sauvegardes"
AUTOMATIC_PREFIX = "guichet-auto-"
PRIVATE = 0o600  # a copy holds everyone's personal data: its user's alone


class BackupRefused(GuichetError):
    """A backup or a restore that cannot be done: nothing was replaced."""


@dataclass(frozen=True)
class Restored:
    revision: str  # the backup's schema revision, before any migration
    migrated: bool
    kept_aside: Path | None  # the database as it was before (None: there was none)


# -- backing up --------------------------------------------------------------------------------

def backup(store: Store, target: Path) -> Path:
    """Write a consistent copy of the store's database to ``target`` (atomically)."""
    target = Path(target)
    if store.is_sqlite and (store.sqlite_path is None or not store.sqlite_path.exists()):
        raise BackupRefused("Il n'y a pas de base de données à sauvegarder.")
    store.schema_state()  # a Guichet database, or a French refusal
    if store.is_sqlite:
        _atomically(target, lambda temporary: _sqlite_copy(store.sqlite_path, temporary,
                                                           store.cipher))
    else:
        _atomically(target, lambda temporary: _pg_dump(store, temporary))
    return target


def _atomically(target: Path, write) -> None:
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        temporary.unlink()  # sqlite3 and pg_dump create it themselves
        write(temporary)
        os.chmod(temporary, PRIVATE)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _database_errors(cipher: ReplicaCipher | None) -> tuple[type[Exception], ...]:
    if cipher is None:
        return (sqlite3.DatabaseError,)
    return (sqlite3.DatabaseError, cipher.dbapi().DatabaseError, ReplicaLocked)


def _sqlite_copy(source: Path, target: Path, cipher: ReplicaCipher | None = None) -> None:
    if cipher is not None:
        cipher.copy(source, target)
        check_sqlite_backup(target, cipher)
        return
    origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        copy = sqlite3.connect(target)
        try:
            origin.backup(copy)  # one step: one snapshot, whatever is written meanwhile
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            copy.close()
    finally:
        origin.close()
    check_sqlite_backup(target)


def _pg_environment(store: Store) -> dict[str, str]:
    environment = dict(os.environ)
    url = store.url
    for variable, value in (("PGHOST", url.host), ("PGPORT", url.port),
                            ("PGUSER", url.username), ("PGPASSWORD", url.password),
                            ("PGDATABASE", url.database)):
        if value:
            environment[variable] = str(value)
    return environment


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupRefused(
            f"« {name} » n'est pas installé sur ce poste : la sauvegarde d'un serveur "
            "PostgreSQL se fait avec les commandes pg_dump et pg_restore (voir le README, "
            "« Sauvegarder et restaurer »).")
    return found


def _run(command: list[str], store: Store, what: str) -> None:
    done = subprocess.run(command, env=_pg_environment(store), capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise BackupRefused(f"{what} a échoué : {done.stderr.strip().splitlines()[-1:]}")


def _pg_dump(store: Store, target: Path) -> None:
    _run([_pg_tool("pg_dump"), "-Fc", "--no-owner", "-f", str(target)], store,
         "La sauvegarde du serveur (pg_dump)")


# -- checking a backup -------------------------------------------------------------------------

def check_sqlite_backup(path: Path, cipher: ReplicaCipher | None = None) -> str:
    """The schema revision of a sound Guichet SQLite file; refuse anything else. With
    ``cipher`` (a replica's), the file must be encrypted and open with it."""
    path = Path(path)
    connection = _open_backup(path, cipher)
    try:
        if connection.execute("PRAGMA application_id").fetchone()[0] \
                != schema.SQLITE_APPLICATION_ID:
            raise DatabaseRefused(f"« {path.name} » n'est pas une sauvegarde de Guichet.")
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            raise DatabaseRefused(f"La sauvegarde « {path.name} » est abîmée ; rien n'a été "
                                  "remplacé.")
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except _database_errors(cipher):
        raise DatabaseRefused(f"La sauvegarde « {path.name} » est abîmée ou n'est pas une "
                              "base de Guichet ; rien n'a été remplacé.") from None
    finally:
        connection.close()
    return _known(revision[0] if revision else None, path)


def _open_backup(path: Path, cipher: ReplicaCipher | None):
    """A read-only connection to the backup ``path``, refused in French if it cannot be
    opened the way the database it would replace is (clear, or with the replica's key)."""
    with path.open("rb") as handle:
        clear = handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    if cipher is None:
        if clear:
            return sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        if is_encrypted(path):
            raise DatabaseRefused(
                f"La sauvegarde « {path.name} » est chiffrée : c'est celle d'une permanence "
                "hors ligne, qui ne se restaure que dans cette permanence. Rien n'a été "
                "remplacé.")
        raise DatabaseRefused(f"« {path.name} » n'est pas une sauvegarde de Guichet.")
    if clear:
        raise DatabaseRefused(
            f"La sauvegarde « {path.name} » n'est pas chiffrée : elle ne peut pas remplacer "
            "une permanence hors ligne, qui l'est. Rien n'a été remplacé.")
    try:
        return cipher.connect(path, read_only=True)
    except ReplicaLocked:
        raise DatabaseRefused(
            f"La sauvegarde « {path.name} » ne s'ouvre pas avec la clé de cette permanence "
            "hors ligne : c'est celle d'une autre permanence, ou elle est abîmée. Rien n'a été "
            "remplacé.") from None


def _known(revision: str | None, path: Path) -> str:
    if revision is None:
        raise DatabaseRefused(f"« {path.name} » n'est pas une sauvegarde de Guichet.")
    if revision not in schema.REVISIONS:
        raise DatabaseRefused(
            f"La sauvegarde « {path.name} » vient d'une version plus récente de Guichet "
            f"(schéma {revision}) : mettez Guichet à jour avant de la restaurer.")
    return revision


def _check_pg_dump(store: Store, path: Path) -> None:
    with Path(path).open("rb") as handle:
        if handle.read(len(PG_DUMP_HEADER)) != PG_DUMP_HEADER:
            raise DatabaseRefused(f"« {Path(path).name} » n'est pas une sauvegarde pg_dump "
                                  "(format personnalisé, -Fc) d'une base Guichet.")
    listing = subprocess.run([_pg_tool("pg_restore"), "-l", str(path)], capture_output=True,
                             text=True, check=False)
    if listing.returncode != 0 or " alembic_version " not in listing.stdout:
        raise DatabaseRefused(f"« {Path(path).name} » est abîmé ou n'est pas une sauvegarde "
                              "d'une base Guichet ; rien n'a été remplacé.")


# -- restoring ---------------------------------------------------------------------------------

def restore(store: Store, source: Path, *, now: datetime | None = None) -> Restored:
    """Replace the store's database by the backup ``source``, checked first; the current one
    is kept aside. The store's connections are closed (reopen it afterwards)."""
    source = Path(source)
    if not source.is_file():
        raise BackupRefused(f"Fichier introuvable : {source}")
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    if store.is_sqlite:
        return _restore_sqlite(store, source, stamp)
    return _restore_pg(store, source, stamp)


def _restore_sqlite(store: Store, source: Path, stamp: str) -> Restored:
    cipher = store.cipher
    revision = check_sqlite_backup(source, cipher)
    target = store.sqlite_path
    target.parent.mkdir(parents=True, exist_ok=True)
    store.dispose()
    aside = _keep_aside(target, stamp, cipher)
    try:
        _copy_into(source, target, cipher)
    except _database_errors(cipher):  # the current file is no database at all: replaced whole
        staged = target.with_name(f".{target.name}.restauration")
        shutil.copyfile(source, staged)
        if cipher is not None:
            os.chmod(staged, PRIVATE)
        for suffix in ("-wal", "-shm"):  # they would be replayed on the new file
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        os.replace(staged, target)
    migrated = revision != schema.HEAD
    if migrated:
        restored = Store(target, cipher)
        try:
            restored.upgrade()
        finally:
            restored.dispose()
    return Restored(revision, migrated, aside)


def _copy_into(source: Path, target: Path, cipher: ReplicaCipher | None) -> None:
    """The backup's pages written into the database file in place, under SQLite's locks: a
    Guichet still open on it (another window, a colleague's computer) reads the restored
    database from its next transaction, instead of writing on into a file no longer there."""
    if cipher is not None:
        cipher.copy_into(source, target, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
        return
    origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        live = sqlite3.connect(target, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
        try:
            origin.backup(live)
        finally:
            live.close()
    finally:
        origin.close()


def _keep_aside(target: Path, stamp: str, cipher: ReplicaCipher | None) -> Path | None:
    """The database about to be replaced, kept beside it (None: there was none); a replica's
    stays encrypted."""
    if not target.exists() or not target.stat().st_size:
        return None
    aside = target.with_name(f"{target.stem}.avant-restauration-{stamp}{target.suffix}")
    try:
        _sqlite_copy(target, aside, cipher)  # with what its WAL holds, as one file
    except (DatabaseRefused, *_database_errors(cipher)):  # damaged: kept as it is
        aside.unlink(missing_ok=True)
        shutil.copyfile(target, aside)
    os.chmod(aside, PRIVATE)
    return aside


def _restore_pg(store: Store, source: Path, stamp: str) -> Restored:
    _check_pg_dump(store, source)
    aside = Path(tempfile.gettempdir()) / f"guichet-{store.url.database}-avant-restauration-" \
                                          f"{stamp}.dump"
    _pg_dump(store, aside)
    store.dispose()
    _run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
          "-d", store.url.database, str(source)], store, "La restauration (pg_restore)")
    revision = store.schema_revision()
    _known(revision, source)
    migrated = revision != schema.HEAD
    if migrated:
        store.upgrade()
    return Restored(revision, migrated, aside)


# -- automatic daily copies --------------------------------------------------------------------

def to_keep(days: Iterable[date], today: date) -> set[date]:
    """The copies kept: those of the last 7 days, and the first of each of the last 4 weeks."""
    days = sorted(set(days))
    kept = {d for d in days if today - d < timedelta(days=DAILY_KEPT)}
    monday = today - timedelta(days=today.weekday())
    for week in range(WEEKLY_KEPT):
        start = monday - timedelta(weeks=week)
        firsts = [d for d in days if start <= d < start + timedelta(days=7)]
        if firsts:
            kept.add(firsts[0])
    return kept


def automatic_folder(store: Store) -> Path:
    """Where the daily copies of the store's file go: ``sauvegardes`` beside it; a replica's
    in a folder of its own under it (a replica is often beside the office's database, and the
    two must neither share the day's copy nor remove each other's)."""
    path = store.sqlite_path
    folder = path.parent / AUTOMATIC_FOLDER
    return folder / path.stem if store.cipher is not None else folder


def wipe_automatic_backups(store: Store) -> list[Path]:
    """A replica's automatic copies wiped (``db.replica.cipher.wipe``), with their folder;
    returns the files deleted. For « Rendre la permanence », with the replica itself."""
    if store.cipher is None:
        raise BackupRefused("Seules les copies d'une permanence hors ligne sont effacées ainsi.")
    folder = automatic_folder(store)
    if not folder.is_dir():
        return []
    removed = [gone for copy in sorted(folder.glob(f"{AUTOMATIC_PREFIX}*.sqlite3"))
               for gone in wipe(copy)]
    with contextlib.suppress(OSError):  # something else in it: the folder stays
        folder.rmdir()
    return removed


def automatic_backup(store: Store, today: date | None = None) -> Path | None:
    """Today's copy of the embedded database, once a day (None: already done, or nothing to
    copy), then the copies no longer kept are removed."""
    path = store.sqlite_path
    if path is None or not path.exists() or path.stat().st_size == 0:
        return None
    today = today or date.today()
    folder = automatic_folder(store)
    for level in (path.parent / AUTOMATIC_FOLDER, folder):  # a replica's is one level down
        level.mkdir(mode=0o700, exist_ok=True)
    target = folder / f"{AUTOMATIC_PREFIX}{today:%Y-%m-%d}.sqlite3"
    made = None
    if not target.exists():
        made = backup(store, target)
    copies = {}
    for copy in folder.glob(f"{AUTOMATIC_PREFIX}*.sqlite3"):
        try:
            copies[date.fromisoformat(copy.stem.removeprefix(AUTOMATIC_PREFIX))] = copy
        except ValueError:
            continue
    kept = to_keep(copies, today)
    for day, copy in copies.items():
        if day not in kept:
            copy.unlink()
    return made
