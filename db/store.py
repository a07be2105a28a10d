"""The store: one engine and its units of work, on SQLite (embedded default) or PostgreSQL.

Opening a database checks that it is a Guichet database of a known schema revision;
migrating copies a non-empty SQLite file aside first. An offline laptop's replica is an SQLite
file encrypted by SQLCipher: its store is given the file's ``ReplicaCipher``
(``db.replica.cipher``), and only then is ``sqlcipher3`` imported. Writes go through ``unit(actor)``
(``db.unit``); ``session()`` is for reading. The ORM (``sqlalchemy.orm``) is imported when
the first unit or session is asked for: the schema check, signing in and the first screen
use Core connections only (cold-start budget).
"""

from __future__ import annotations

import enum
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from db import schema
from db.errors import AuthenticationFailed, DatabaseBusy, DatabaseRefused, ReplicaLocked
from db.replica.cipher import SQLITE_HEADER, ReplicaCipher, is_encrypted

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from db.unit.unit import Actor, Unit

# How long a write waits for another computer's write to the same SQLite file to finish.
SQLITE_BUSY_TIMEOUT_MS = 5000
# The server's « who are you? » refusals, and libpq's own when the server asked for a
# password and none was given. A refused connection carries no SQLSTATE (libpq gives only
# the text), in English or in the server's language (lc_messages).
_AUTHENTICATION_REFUSED = re.compile(
    r"authentication failed|no password supplied|pg_hba\.conf|role \".*\" does not exist"
    r"|is not permitted to log in|authentification .*échouée|le rôle « .* » n'existe pas"
    r"|n'est pas autorisé à se connecter", re.IGNORECASE)


class SchemaState(enum.Enum):
    EMPTY = "empty"
    OUTDATED = "outdated"
    CURRENT = "current"


def normalise_url(url: str | Path | URL) -> URL:
    """Accept ``sqlite:///file``, ``postgresql://…`` or a bare file path."""
    if isinstance(url, Path) or (isinstance(url, str) and "://" not in url):
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    url = make_url(url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # Only our own files switch to WAL: opening a foreign file must leave it byte-identical.
    if cursor.execute("PRAGMA application_id").fetchone()[0] == schema.SQLITE_APPLICATION_ID:
        cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    # FULL, not WAL's usual NORMAL: each commit is synced to the disk before the screen says
    # « enregistré », so that a laptop whose battery dies keeps the booking it showed as
    # saved. The cost is one fsync per commit (README, « Benchmark »).
    cursor.execute("PRAGMA synchronous = FULL")
    # 64 MB of page cache instead of 2 MB: broad name searches at 200,000 people sort
    # thousands of matched rows, and re-reading their pages from disk dominated the time.
    cursor.execute("PRAGMA cache_size = -65536")
    cursor.close()


class Store:
    """Owns the engine; hands out sessions. Thread-safe: one session per unit of work."""

    def __init__(self, url: str | Path | URL, cipher: ReplicaCipher | None = None):
        """``cipher``: the key or passphrase of an encrypted SQLite file (a replica)."""
        self.url = normalise_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.cipher = cipher
        # hide_parameters: an error's message never carries the values of a statement (a
        # NIR, a name) into a log or a report.
        if self.is_sqlite:
            options: dict = {"connect_args": {"check_same_thread": False}}
            if cipher is not None:
                path = self.sqlite_path
                if path is None:
                    raise ValueError("only a database file can be encrypted")
                # Each connection is keyed (its first statement) and checked before the
                # pragmas below run; the dialect takes sqlcipher3's errors as DB-API errors.
                options = {"module": cipher.dbapi(), "creator": lambda: cipher.connect(path)}
            self.engine: Engine = create_engine(self.url, hide_parameters=True, **options)
            event.listen(self.engine, "connect", _sqlite_on_connect)
        else:
            if cipher is not None:
                raise ValueError("only a database file can be encrypted")
            self.engine = create_engine(self.url, pool_pre_ping=True, hide_parameters=True)

    def for_account(self, login: str, password: str | None) -> Store:
        """The same server, connected as the account ``login`` (a login role)."""
        return Store(self.url.set(username=login, password=password or None))

    @property
    def is_replica(self) -> bool:
        """An offline laptop's replica (its file is encrypted): every write is journaled."""
        return self.cipher is not None

    @property
    def needs_key(self) -> bool:
        """An encrypted file (a replica) opened without its key or passphrase: make the store
        again with its ``ReplicaCipher``."""
        return self.cipher is None and self.sqlite_path is not None \
            and is_encrypted(self.sqlite_path)

    @property
    def server_login(self) -> str | None:
        """The role named in a server's address (None: libpq's default, the system user)."""
        return None if self.is_sqlite else self.url.username

    # -- description -------------------------------------------------------------------
    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite or not self.url.database or self.url.database == ":memory:":
            return None
        return Path(self.url.database)

    def describe(self) -> str:
        """French, password-free description for the status bar."""
        if self.is_sqlite:
            encrypted = " chiffré" if self.cipher is not None else ""
            return f"Fichier local{encrypted} : {self.sqlite_path or 'en mémoire'}"
        host = self.url.host or "localhost"
        port = f":{self.url.port}" if self.url.port else ""
        return f"Serveur : {host}{port}/{self.url.database}"

    # -- units of work ---------------------------------------------------------------
    @cached_property
    def _sessions(self) -> sessionmaker[Session]:
        """Made with the first unit or session: the ORM is imported then."""
        from db.unit.unit import make_sessions

        return make_sessions(self.engine, journaled=self.is_replica)

    @contextmanager
    def unit(self, actor: Actor | None) -> Iterator[Unit]:
        """A unit of work of ``actor`` (None: a system job): committed on success, rolled
        back on any error, a race lost refused in French."""
        from db.unit.unit import unit_of_work

        try:
            with unit_of_work(self._sessions, actor) as unit:
                yield unit
        except OperationalError as error:
            self._raise_refusal(error)
            raise

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session to read with (tests, checks): committed on success, rolled back on any
        error. Services take a unit instead."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except OperationalError as error:
            session.rollback()
            self._raise_refusal(error)
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A unit of work in SQLAlchemy Core, without the ORM: committed on success, rolled
        back on any error."""
        try:
            with self.engine.begin() as connection:
                yield connection
        except OperationalError as error:
            self._raise_refusal(error)
            raise

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as connection:
                yield connection
        except OperationalError as error:
            self._raise_refusal(error)
            raise

    def _raise_refusal(self, error: OperationalError) -> None:
        """The errors a user can act on, in French; the others go up as they are."""
        if is_authentication_failure(error):
            raise AuthenticationFailed(
                "Identifiant ou mot de passe refusé par le serveur.") from error
        if self.is_sqlite and "database is locked" in str(error.orig):
            raise DatabaseBusy(
                "La base de données est occupée par un autre poste depuis plusieurs "
                "secondes : rien n'a été enregistré. Réessayez dans un instant ; si cela "
                "se répète, plusieurs postes travaillent sur le même fichier et un serveur "
                "PostgreSQL conviendrait mieux.") from error

    def dispose(self) -> None:
        self.engine.dispose()

    # -- schema ------------------------------------------------------------------------
    def _check_sqlite_file(self) -> None:
        path = self.sqlite_path
        if path is None or not path.exists() or path.stat().st_size == 0:
            return
        with path.open("rb") as handle:
            clear = handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
        if clear and self.cipher is not None:
            raise DatabaseRefused(
                f"Le fichier « {path} » n'est pas chiffré : ce n'est pas une permanence hors "
                "ligne. Il n'a pas été modifié.")
        if not clear and self.cipher is None:
            if is_encrypted(path):
                raise ReplicaLocked(
                    f"Le fichier « {path} » est chiffré (une permanence hors ligne) : il ne "
                    "s'ouvre qu'avec sa clé ou sa phrase de passe. Il n'a pas été modifié.")
            raise DatabaseRefused(
                f"Le fichier « {path} » n'est pas une base de données Guichet. "
                "Il n'a pas été modifié."
            )
        # With a cipher, each connection checks that it opens the file (ReplicaLocked).

    def schema_state(self) -> SchemaState:
        """Tell whether the database is empty, to migrate or current; refuse foreign ones."""
        self._check_sqlite_file()
        with self._reading() as connection:
            tables = set(inspect(connection).get_table_names())
            application_id = (
                connection.exec_driver_sql("PRAGMA application_id").scalar()
                if self.is_sqlite
                else None
            )
            revision = (
                connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
                if "alembic_version" in tables
                else None
            )
        if not tables:
            return SchemaState.EMPTY
        foreign = revision is None or (
            self.is_sqlite and application_id != schema.SQLITE_APPLICATION_ID
        )
        if foreign:
            raise DatabaseRefused(
                f"La base « {self.describe()} » n'est pas une base de données Guichet. "
                "Elle n'a pas été modifiée."
            )
        if revision not in schema.REVISIONS:
            raise DatabaseRefused(
                "Cette base de données a été créée par une version plus récente de Guichet "
                f"(schéma {revision}). Mettez Guichet à jour ; la base n'a pas été modifiée."
            )
        return SchemaState.CURRENT if revision == schema.HEAD else SchemaState.OUTDATED

    def schema_revision(self) -> str | None:
        """The schema revision the database is stamped with (Alembic's), None when it has none
        (an empty database). Shown in « À propos de Guichet »."""
        with self._reading() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def backup_sqlite(self) -> Path | None:
        """Copy a non-empty SQLite file aside (consistent even in WAL mode); an encrypted one
        stays encrypted, with the same key or passphrase."""
        path = self.sqlite_path
        if path is None or not path.exists() or path.stat().st_size == 0:
            return None
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = path.with_name(f"{path.stem}.avant-migration-{stamp}{path.suffix}")
        if self.cipher is not None:
            self.cipher.copy(path, target)
            return target
        source = sqlite3.connect(path)
        try:
            destination = sqlite3.connect(target)
            with destination:
                source.backup(destination)
            destination.close()
        finally:
            source.close()
        return target

    def upgrade(self) -> SchemaState:
        """Create or migrate the schema to the head revision. Returns the state found."""
        if self.sqlite_path is not None:
            self.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        state = self.schema_state()
        if state is not SchemaState.CURRENT:
            if state is SchemaState.OUTDATED:
                self.backup_sqlite()
            from db.migrate import upgrade_to_head  # Alembic only when needed

            upgrade_to_head(self.engine)
            if self.is_sqlite:
                with self.engine.connect() as connection:
                    connection.exec_driver_sql("PRAGMA journal_mode = WAL")
        if self.is_replica:  # its journal and conflicts, the laptop's own tables
            from db.replica.models import REPLICA_METADATA

            REPLICA_METADATA.create_all(self.engine)
        return state


def is_authentication_failure(error: BaseException) -> bool:
    """Whether a server refused to let someone in (as opposed to being unreachable)."""
    return _AUTHENTICATION_REFUSED.search(str(getattr(error, "orig", error))) is not None


def open_store(url: str | Path | URL, cipher: ReplicaCipher | None = None) -> Store:
    """Open a database, creating or migrating its schema; refuse foreign or newer ones.
    ``cipher``: an encrypted file's key or passphrase (created encrypted if new)."""
    store = Store(url, cipher)
    try:
        store.upgrade()
    except BaseException:
        store.dispose()
        raise
    return store
