"""Signing in with a password, on both kinds of database: the embedded one checks the Argon2id
hash itself, a server checks its login roles. Failures are counted and make the account wait;
every success and failure is audited."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, text

from db.org import accounts, passwords, signin
from db.org.account_admin import set_active
from db.org.accounts import SignInRefused
from db.org.models import Staff
from db.roles import Role
from db.unit.audit import AuditEvent
from tests.conftest import TEST_PASSWORD, add_staff
from tests.db.accounts_setup import GOOD, make_account, sign_in


def audit_actions(store, account_id) -> list[str]:
    with store.session() as session:
        return list(session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_id == account_id,
                                            AuditEvent.action.like("sign_in%"))
            .order_by(AuditEvent.occurred_at)))


def test_the_right_password_signs_in_and_the_wrong_one_is_refused_in_french(store,
                                                                           server_logins):
    login = server_logins()
    account = make_account(store, login)
    with pytest.raises(SignInRefused) as refused:
        sign_in(store, login, "pas le bon mot de passe")
    assert str(refused.value) in (accounts.REFUSED, signin.SERVER_REFUSED)
    signed = sign_in(store, f" {login.upper()} ", GOOD)
    assert signed.actor.login == login and signed.actor.role is Role.ADVISER
    assert not signed.must_change_password
    assert audit_actions(store, account.id) == ["sign_in_failed", "sign_in"]
    with store.session() as session:
        staff = session.get(Staff, account.id)
        assert staff.last_sign_in_at is not None and staff.failed_sign_ins == 0


def test_on_a_server_the_session_runs_as_the_person(store, server_logins):
    if store.is_sqlite:
        pytest.skip("an embedded database has no roles")
    login = server_logins()
    make_account(store, login)
    person, _signed = signin.sign_in(store, login, GOOD)
    try:
        with person.connection() as connection:
            assert connection.execute(text("SELECT session_user")).scalar_one() == login
            assert connection.execute(text(
                "SELECT pg_has_role(session_user, 'guichet_adviser', 'MEMBER')")).scalar_one()
    finally:
        person.dispose()
    with pytest.raises(SignInRefused):  # without a password the server says why
        sign_in(store, login, "")


def test_an_unknown_or_disabled_account_gets_the_same_refusal(store, server_logins):
    login = server_logins()
    account = make_account(store, login)
    with store.unit(None) as unit:
        set_active(unit, account.id, 1, False)
    messages = set()
    for who in (login, "inconnu"):
        with pytest.raises(SignInRefused) as refused:
            sign_in(store, who, GOOD)
        messages.add(str(refused.value))
    assert len(messages) == 1  # nothing tells whether the login exists


def test_after_five_failures_the_account_waits_longer_each_time(store, server_logins):
    login = server_logins()
    make_account(store, login)
    said = []
    for _attempt in range(6):
        with pytest.raises(SignInRefused) as refused:
            sign_in(store, login, "toujours pas le bon")
        said.append(str(refused.value))
    assert "attend" not in said[3]
    assert "ce compte attend 30 s" in said[4]
    assert "Trop d'essais infructueux" in said[5]
    with pytest.raises(SignInRefused) as refused:  # even the right password waits
        sign_in(store, login, GOOD)
    assert "Trop d'essais infructueux" in str(refused.value)


def test_the_wait_doubles_and_is_capped():
    assert accounts.wait_after(4) == timedelta(0)
    assert [accounts.wait_after(n).total_seconds() for n in (5, 6, 7)] == [30, 60, 120]
    assert accounts.wait_after(40) == timedelta(minutes=15)
    assert accounts.waiting_message(75).startswith(
        "Trop d'essais infructueux : ce compte attend 1 min 15 s")


def test_once_the_wait_is_over_the_right_password_signs_in_and_clears_the_count(sqlite_store):
    add_staff(sqlite_store)
    start = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    for _attempt in range(5):
        with pytest.raises(SignInRefused):
            accounts.sign_in(sqlite_store, "conseiller01", "faux", now=start)
    with pytest.raises(SignInRefused):
        accounts.sign_in(sqlite_store, "conseiller01", TEST_PASSWORD,
                         now=start + timedelta(seconds=29))
    signed = accounts.sign_in(sqlite_store, "conseiller01", TEST_PASSWORD,
                              now=start + timedelta(seconds=31))
    assert signed.actor.login == "conseiller01"
    with sqlite_store.session() as session:
        staff = session.scalars(select(Staff).where(Staff.login == "conseiller01")).one()
        assert (staff.failed_sign_ins, staff.locked_until) == (0, None)


def test_a_hash_made_with_weaker_parameters_is_remade_at_sign_in(sqlite_store):
    add_staff(sqlite_store)
    weak = PasswordHasher(time_cost=1, memory_cost=8_192, parallelism=1).hash(TEST_PASSWORD)
    with sqlite_store.session() as session:
        session.scalars(select(Staff).where(Staff.login == "admin")).one().password_hash = weak
    accounts.sign_in(sqlite_store, "admin", TEST_PASSWORD)
    with sqlite_store.session() as session:
        remade = session.scalars(select(Staff.password_hash).where(Staff.login == "admin")).one()
    assert remade != weak and not passwords.needs_rehash(remade)
    assert passwords.verify(remade, TEST_PASSWORD)


def test_the_hash_is_argon2id_and_never_the_password(store, server_logins):
    login = server_logins()
    account = make_account(store, login)
    with store.session() as session:
        stored = session.get(Staff, account.id).password_hash
    if store.is_sqlite:
        assert stored.startswith("$argon2id$") and GOOD not in stored
    else:  # the server keeps its SCRAM verifier; the row holds nothing
        assert stored is None
        with store.connection() as connection:
            verifier = connection.execute(text(
                "SELECT rolpassword FROM pg_authid WHERE rolname = :login"),
                {"login": login}).scalar_one()
        assert verifier.startswith("SCRAM-SHA-256$")


@pytest.mark.parametrize(("password", "problem"), [
    ("court", "au moins 12 caractères (5 saisis)"),
    ("hdupre-2026-bis", "ni l'identifiant ni le nom"),
    ("Azerty123456!", "parmi les premiers qu'on essaie"),
    ("aaaaaaaaaaaaaaa", "parmi les premiers qu'on essaie"),
])
def test_weak_passwords_are_refused_with_the_reason(password, problem):
    assert problem in passwords.password_problem(password, "hdupre", "Hélène", "Dupré")


def test_a_good_password_and_one_time_passwords_pass_the_rules():
    assert passwords.password_problem(GOOD, "hdupre", "Hélène", "Dupré") is None
    one_time = passwords.one_time_password()
    assert passwords.password_problem(one_time, "hdupre", "Hélène", "Dupré") is None
    assert not set(one_time) & set("0O1lI")


def test_checking_the_schema_and_the_office_facts_import_no_orm(sqlite_store):
    """The start-up's first steps (cold-start budget): Core only, until a session is asked
    for — signing in included."""
    add_staff(sqlite_store)
    script = (
        "import sys\n"
        "from db.store import Store\n"
        "from db.org import accounts\n"
        "store = Store(sys.argv[1])\n"
        "store.schema_state()\n"
        "with store.connection() as connection:\n"
        "    accounts.office_facts(connection)\n"
        f"accounts.sign_in(store, 'conseiller01', {TEST_PASSWORD!r})\n"
        "print('sqlalchemy.orm' in sys.modules)\n"
        "with store.session():\n"
        "    pass\n"
        "print('sqlalchemy.orm' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(sqlite_store.url)],
                            capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.split() == ["False", "True"]


def test_office_facts_count_active_accounts_and_say_demo(store):
    with store.connection() as connection:
        assert accounts.office_facts(connection) == accounts.OfficeFacts(0, False, 10)
    add_staff(store)
    with store.connection() as connection:
        assert accounts.office_facts(connection).accounts == 6
