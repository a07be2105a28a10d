"""Shared test set-up: offscreen Qt, an isolated home, an in-memory keyring, fresh databases.

The database fixtures run on SQLite and, when ``GUICHET_TEST_POSTGRES_URL`` names a server
(``./dev test`` starts one), on PostgreSQL too.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

# Before anything imports Qt or reads a user directory. Offscreen, with the options a caller
# gave it (a screen of another size: tests/gui/test_scaling.py).
if not os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
_HOME = Path(tempfile.mkdtemp(prefix="guichet-tests-"))
for _name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
    os.environ[_name] = str(_HOME / _name.lower())
os.environ.pop("GUICHET_DB", None)

import keyring  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from db.base import Base  # noqa: E402
from db.metadata import load_all  # noqa: E402
from db.org import passwords  # noqa: E402
from db.org.access import Actor  # noqa: E402
from db.org.models import Site, SiteKind, Staff  # noqa: E402
from db.roles import Role  # noqa: E402
from db.store import Store, open_store  # noqa: E402

POSTGRES_URL = os.environ.get("GUICHET_TEST_POSTGRES_URL")
load_all()  # the fixtures empty and refill every table


class MemoryKeyring(KeyringBackend):
    """Tests never touch a real keyring, and no plain-text keyring ships with Guichet."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.passwords.get((service, username))

    def set_password(self, service, username, password):
        self.passwords[(service, username)] = password

    def delete_password(self, service, username):
        self.passwords.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


# -- databases ---------------------------------------------------------------------------

@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """One migrated SQLite file, copied for each test (migrating each time is slow)."""
    path = tmp_path_factory.mktemp("template") / "guichet.sqlite3"
    open_store(path).dispose()
    return path


@pytest.fixture(scope="session")
def postgres_database() -> str:
    """A migrated database on the test server, created once per session."""
    if not POSTGRES_URL:
        if os.environ.get("CI"):
            pytest.fail("GUICHET_TEST_POSTGRES_URL is not set: CI must test on PostgreSQL")
        pytest.skip("no PostgreSQL test server (GUICHET_TEST_POSTGRES_URL)")
    server = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    name = f"guichet_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name)
    open_store(url).dispose()
    yield url.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_seed_rows(postgres_database) -> dict[str, list[dict]]:
    """The rows the migrations seed (motives, settings…), put back after each truncation."""
    engine = create_engine(make_url(postgres_database).set(drivername="postgresql+psycopg"))
    with engine.connect() as connection:
        seeds = {table.name: [dict(row._mapping) for row in connection.execute(table.select())]
                 for table in Base.metadata.sorted_tables}
    engine.dispose()
    return seeds


def _fresh_store(kind: str, request, tmp_path: Path) -> Store:
    if kind == "sqlite":
        path = tmp_path / "guichet.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return Store(path)
    store = Store(request.getfixturevalue("postgres_database"))
    seeds = request.getfixturevalue("postgres_seed_rows")
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with store.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} CASCADE"))
        for table in Base.metadata.sorted_tables:
            if seeds.get(table.name):
                connection.execute(table.insert(), seeds[table.name])
    return store


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request, tmp_path) -> Store:
    """A fresh, migrated, empty database: the db suite runs once per engine."""
    fresh = _fresh_store(request.param, request, tmp_path)
    yield fresh
    fresh.dispose()


@pytest.fixture
def sqlite_store(request, tmp_path) -> Store:
    """A fresh SQLite database, for tests that are not about the engine (GUI, CLI)."""
    fresh = _fresh_store("sqlite", request, tmp_path)
    yield fresh
    fresh.dispose()


PARTNER_SECTOR = "Agglomération grenobloise"
ROLE_LOGINS = {
    Role.ADVISER: "conseiller01",
    Role.MEDIATOR: "mediateur01",
    Role.MEDIATION_ASSISTANT: "assistant01",
    Role.MANAGER: "responsable01",
    Role.PARTNER: "partenaire01",
    Role.ADMIN: "admin",
}


# Every test account's password (on an embedded database; see tests/db/test_roles.py for
# the server's login roles).
TEST_PASSWORD = "mot de passe des tests"


@functools.cache
def test_password_hash() -> str:
    """Hashed once: Argon2id takes tens of milliseconds, by design."""
    return passwords.hash_password(TEST_PASSWORD)


def add_staff(store: Store) -> dict[Role, Actor]:
    """One site and one account of each role; returns their actors."""
    actors = {}
    with store.session() as session:
        # The partner's sector is the site's: they see its appointments (db.unit).
        site = Site(name="Agence de Grenoble", kind=SiteKind.AGENCY, city="Grenoble",
                    sector=PARTNER_SECTOR)
        session.add(site)
        session.flush()
        for role, login in ROLE_LOGINS.items():
            staff = Staff(login=login, first_name="Camille", last_name=login.capitalize(),
                          role=role, site_id=site.id,
                          sector=PARTNER_SECTOR if role is Role.PARTNER else "",
                          password_hash=test_password_hash() if store.is_sqlite else None)
            session.add(staff)
            session.flush()
            actors[role] = Actor(staff.id, login, staff.display_name, role, site.id,
                                 staff.sector)
    return actors


@pytest.fixture
def actors(store) -> dict[Role, Actor]:
    return add_staff(store)


# -- an offline laptop's encrypted replica (tests/db/replica_setup.py) --------------------

@pytest.fixture(scope="session")
def replica_key() -> bytes:
    from db.replica.cipher import new_key

    return new_key()


@pytest.fixture(scope="session")
def replica_template(tmp_path_factory, replica_key) -> Path:
    """One filled replica (migrating is slow), copied for each test: its key is
    ``replica_key``."""
    from db.replica.cipher import ReplicaCipher
    from tests.db.replica_setup import make_replica

    path = tmp_path_factory.mktemp("replica") / "permanence.sqlite3"
    make_replica(path, ReplicaCipher.from_key(replica_key)).dispose()
    return path


@pytest.fixture
def replica_path(tmp_path, replica_template) -> Path:
    path = tmp_path / "permanence.sqlite3"
    shutil.copy(replica_template, path)  # the mode too: 0600
    return path


@pytest.fixture
def replica(replica_path, replica_key) -> Store:
    """A store on a fresh copy of the filled replica, opened with its key."""
    from db.replica.cipher import ReplicaCipher

    store = Store(replica_path, ReplicaCipher.from_key(replica_key))
    yield store
    store.dispose()


# -- after the whole suite ---------------------------------------------------------------

# A NIR as it may be written: 13 digits (Corsica's 2A/2B) and the key, spaced or not.
_NIR_IN_TEXT = re.compile(r"\b[1278](?:\s?[0-9AB]){12}(?:\s?[0-9]{2})?\b")


def pytest_sessionfinish(session, exitstatus):
    """Every log file the suite wrote is read back: none may hold a NIR (issue 12)."""
    found = [f"{path.name}: {match.group()[:4]}…"
             for path in (_HOME / "xdg_state_home").rglob("*.log*") if path.is_file()
             for match in _NIR_IN_TEXT.finditer(path.read_text(errors="replace"))]
    if found:
        session.config.get_terminal_writer().line(
            "NIR-shaped numbers in the logs: " + ", ".join(found[:10]), red=True)
        session.exitstatus = 1
