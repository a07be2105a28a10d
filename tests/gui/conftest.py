"""GUI fixtures: a signed-in application context on a fresh SQLite database."""

from __future__ import annotations

import pytest

from db.models import Role
from desktop.context import AppContext
from tests.conftest import add_staff


@pytest.fixture
def gui_actors(sqlite_store):
    return add_staff(sqlite_store)


@pytest.fixture
def make_context(qtbot, sqlite_store, gui_actors):
    """``make_context(Role.PARTNER)`` → an AppContext signed in with that role."""
    contexts: list[AppContext] = []

    def make(role: Role = Role.ADVISER) -> AppContext:
        context = AppContext(sqlite_store, gui_actors[role])
        contexts.append(context)
        return context

    yield make
    for context in contexts:  # no worker may outlive its database
        qtbot.waitUntil(context.tasks.idle, timeout=5000)
        context.tasks.wait()
