"""Signing in and the picker's accounts, in SQLAlchemy Core: through a Connection (the
start-up, before the ORM is loaded) or a Session (the services), on both back-ends."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from db.errors import NotFound
from db.org import accounts
from db.org.models import Staff
from db.roles import Role
from tests.conftest import add_staff


def test_signing_in_through_a_connection_or_a_session_gives_the_same_actor(store, actors):
    with store.connection() as connection:
        through_core = accounts.sign_in(connection, " Conseiller01 ")
    with store.session() as session:
        through_session = accounts.sign_in(session, "conseiller01")
    assert through_core == through_session == actors[Role.ADVISER]
    assert isinstance(through_core.role, Role)


@pytest.mark.parametrize("change", ["inactive", "deleted", "unknown"])
def test_an_unknown_inactive_or_deleted_account_is_refused_in_french(store, actors, change):
    with store.session() as session:
        account = session.scalars(select(Staff).where(Staff.login == "mediateur01")).one()
        if change == "inactive":
            account.active = False
        elif change == "deleted":
            account.deleted_at = datetime.now(UTC)
    login = "inconnu" if change == "unknown" else "mediateur01"
    with store.connection() as connection, pytest.raises(NotFound) as refused:
        accounts.sign_in(connection, login)
    assert str(refused.value) == f"Le compte « {login} » n'existe pas ou est désactivé."


def test_the_picker_lists_active_accounts_by_role_then_login(store, actors):
    with store.session() as session:
        account = session.scalars(select(Staff).where(Staff.login == "partenaire01")).one()
        account.active = False
        session.add(Staff(login="conseiller00", first_name="Zoé", last_name="Sans-Site",
                          role=Role.ADVISER))
    with store.connection() as connection:
        listed = accounts.list_accounts(connection)
    with store.session() as session:
        assert accounts.list_accounts(session) == listed
    assert [a.login for a in listed] == ["conseiller00", "conseiller01", "mediateur01",
                                         "assistant01", "responsable01", "admin"]
    assert listed[0] == accounts.Account("conseiller00", "Zoé Sans-Site", "Conseiller", "")
    assert listed[1].site_name == "Agence de Grenoble"


def test_checking_the_schema_and_signing_in_import_no_orm(sqlite_store):
    """The start-up's first steps (cold-start budget): Core only, until a session is asked
    for."""
    add_staff(sqlite_store)
    script = (
        "import sys\n"
        "from db.store import Store\n"
        "from db.org import accounts\n"
        "store = Store(sys.argv[1])\n"
        "store.schema_state()\n"
        "with store.connection() as connection:\n"
        "    accounts.sign_in(connection, 'conseiller01')\n"
        "    accounts.list_accounts(connection)\n"
        "print('sqlalchemy.orm' in sys.modules)\n"
        "with store.session():\n"
        "    pass\n"
        "print('sqlalchemy.orm' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(sqlite_store.url)],
                            capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.split() == ["False", "True"]
