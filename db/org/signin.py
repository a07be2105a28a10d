"""Signing in to either kind of database.

Embedded: Guichet checks the password (``db.org.accounts.sign_in``) and works with the one
store. Server: the server checks it — each account is a login role — so signing in opens a
store connected as that person, and everything they do then runs with their own rights
(grants and row-level security, migration 0009). A refused password is counted through the
``guichet_signin`` role, which may do nothing else; a server that lets someone in without a
password (Kerberos single sign-on, ``peer``, a ``.pgpass``) is simply used as it is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.exc import DBAPIError

from db.errors import AuthenticationFailed, DatabaseRefused
from db.org import accounts
from db.org.accounts import SignedIn, SignInRefused
from db.store import SchemaState, Store

log = logging.getLogger(__name__)

SIGNIN_ROLE = "guichet_signin"
SERVER_REFUSED = "Identifiant ou mot de passe refusé par le serveur."


def sign_in(store: Store, login: str, password: str | None) -> tuple[Store, SignedIn]:
    """The store to work with as ``login``, and who they are. On a server it is a new store
    connected as the account: the caller disposes of either when done with it.

    Without a password, a server may still let the person in (Kerberos, ``.pgpass``,
    ``PGPASSWORD``); if it asks for one, ``AuthenticationFailed`` says so, and no failure is
    counted. An embedded database always wants the password."""
    if store.is_sqlite:
        return store, accounts.sign_in(store, login, password or "")
    login = accounts.normalise_login(login)
    waiting = _as_signin_role(store, lambda connection: accounts.server_wait(connection, login))
    if waiting:
        raise SignInRefused(accounts.waiting_message(waiting))
    person = store.for_account(login, password)
    try:
        return person, sign_in_as_connected(person)
    except AuthenticationFailed:
        person.dispose()
        if password is None:
            raise
        waiting = _as_signin_role(store,
                                  lambda connection: accounts.server_failed(connection, login))
        raise SignInRefused(accounts.waiting_message(waiting) if waiting
                            else SERVER_REFUSED) from None
    except BaseException:
        person.dispose()
        raise


def sign_in_as_connected(store: Store) -> SignedIn:
    """Who the server let in on ``store`` (as its address or libpq's defaults say); the
    schema must be current, for an account cannot change it."""
    state = store.schema_state()
    if state is SchemaState.EMPTY:
        raise DatabaseRefused(
            f"La base « {store.describe()} » est vide. Son propriétaire doit la créer : "
            "guichet --db <adresse du propriétaire> db upgrade.")
    if state is SchemaState.OUTDATED:
        raise DatabaseRefused(
            f"La base « {store.describe()} » est d'une version antérieure de Guichet. Son "
            "propriétaire doit la mettre à jour : guichet --db <adresse du propriétaire> "
            "db upgrade.")
    with store.connection() as connection:
        return accounts.server_sign_in(connection)


def _as_signin_role(store: Store, work: Callable) -> int:
    """Seconds to wait, asked of the server as ``guichet_signin``: 0 when the server does
    not let that role in (the failures then go uncounted, and the log says so)."""
    signin = store.for_account(SIGNIN_ROLE, None)
    try:
        with signin.connection() as connection:
            return work(connection)
    except (AuthenticationFailed, DBAPIError) as error:
        log.warning("the %s role cannot sign in (%s): failed sign-ins are not counted",
                    SIGNIN_ROLE, type(error).__name__)
        return 0
    finally:
        signin.dispose()
