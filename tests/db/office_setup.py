"""A demo office on a PostgreSQL database owned by a role with CREATEROLE that is not a
superuser, as the README's server set-up makes it, filled with the demo by that owner: each
test connects as one of the demo's accounts, as anyone holding the account's password could
(the roles' tests, the offline laptop's)."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from db.demo import generate as demo_generate
from db.org.passwords import DEMO_PASSWORD
from db.store import Store
from tests.conftest import POSTGRES_URL

OWNER_PASSWORD = "mot de passe du propriétaire"


@pytest.fixture(scope="module")
def office():
    """A demo office on a database owned by a non-superuser; yields its psycopg address."""
    if not POSTGRES_URL:
        pytest.skip("no PostgreSQL test server (GUICHET_TEST_POSTGRES_URL)")
    server = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    suffix = uuid.uuid4().hex[:8]
    owner, database = f"guichet_owner_{suffix}", f"guichet_roles_{suffix}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE ROLE {owner} LOGIN CREATEROLE "
                                f"PASSWORD '{OWNER_PASSWORD}'"))
        connection.execute(text(f"CREATE DATABASE {database} OWNER {owner}"))
    owner_url = server.set(username=owner, password=OWNER_PASSWORD, database=database)
    store = Store(owner_url)
    store.upgrade()
    demo_generate.generate(store, seed=11, people_count=80)
    store.dispose()
    with connect(owner_url) as as_owner:  # the demo writes its cases in bulk, unaudited
        as_owner.execute("INSERT INTO audit_event (id, occurred_at, action, entity_type, "
                      "entity_id, details) SELECT gen_random_uuid(), now(), 'create', "
                      "'mediation_case', id, '{}' FROM mediation_case")
    yield owner_url
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE {database} WITH (FORCE)"))
        connection.execute(text(f"DROP ROLE {owner}"))
    admin.dispose()


def connect(office, login: str | None = None) -> psycopg.Connection:
    """A connection as ``login`` (its demo password), or as the owner."""
    return psycopg.connect(host=office.host, port=office.port, dbname=office.database,
                           user=login or office.username,
                           password=DEMO_PASSWORD if login else office.password,
                           autocommit=True)
