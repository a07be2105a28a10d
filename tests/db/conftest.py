"""Fixtures of the db suite."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

# A demo office on a server, for the modules that need one (each module its own).
from tests.db.office_setup import office  # noqa: F401


@pytest.fixture
def server_logins(store):
    """Logins of accounts a test creates: on a server they are login roles, which outlive
    the test's database rows, so they are dropped after it."""
    made: list[str] = []

    def new_login(prefix: str = "agent") -> str:
        login = f"{prefix}{uuid.uuid4().hex[:8]}"
        made.append(login)
        return login

    yield new_login
    if not store.is_sqlite:
        with store.engine.begin() as connection:
            for login in made:
                connection.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
