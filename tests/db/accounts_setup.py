"""Accounts made and signed in the way the office does, on either engine."""

from __future__ import annotations

from db.org import signin
from db.org.account_admin import AccountInput, create_account
from db.roles import Role

GOOD = "le café de la gare ouvre à 7 h"  # a password the rules accept


def make_account(store, login: str, password: str = GOOD, role: Role = Role.ADVISER):
    """An account created by the office's system job (as ``guichet staff add`` run by the
    database's owner does)."""
    with store.unit(None) as unit:
        return create_account(unit, AccountInput(login, "Hélène", "Dupré", role), password)


def sign_in(store, login: str, password: str | None):
    person, signed = signin.sign_in(store, login, password)
    if person is not store:
        person.dispose()
    return signed
