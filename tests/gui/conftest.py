"""GUI fixtures: a signed-in application context on a fresh SQLite database."""

from __future__ import annotations

import shutil

import pytest

from db.roles import Role
from desktop.context import AppContext
from tests.conftest import add_staff


@pytest.fixture(autouse=True)
def unexpected_error_dialogs(monkeypatch):
    """The unexpected-error dialog waits for a click no test gives: it is recorded instead,
    and a test that opened one fails with its report (tests of the dialog replace ``exec``
    themselves)."""
    from desktop import errors

    opened: list[str] = []
    monkeypatch.setattr(errors.ErrorDialog, "exec", lambda dialog: opened.append(dialog.report))
    yield opened
    assert not opened, "unexpected error dialog:\n" + "\n".join(opened)


@pytest.fixture(autouse=True)
def discard_questions(monkeypatch):
    """« Abandonner les modifications ? » is modal: a test that closes a dialog with changes
    gets « Abandonner » without waiting for a click, and can read the questions asked
    (tests of the question replace ``ask`` themselves)."""
    from widgets.dialog_layout import DiscardQuestion

    asked: list[object] = []

    def answer(_cls, parent):
        asked.append(parent)
        return True

    monkeypatch.setattr(DiscardQuestion, "ask", classmethod(answer))
    return asked


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


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory, sqlite_template):
    """A migrated SQLite file holding the small demo (few people: what the screens show
    is the sites, accounts and agendas), copied for each test that reads it."""
    from db.demo.generate import generate
    from db.store import Store

    path = tmp_path_factory.mktemp("demo") / "guichet.sqlite3"
    shutil.copy(sqlite_template, path)
    store = Store(path)
    generate(store, size="small", people_count=200)
    store.dispose()
    return path


@pytest.fixture
def demo_context(qtbot, tmp_path, demo_template):
    """``demo_context("conseiller01")`` → an AppContext on a copy of the small demo."""
    from db.org import accounts
    from db.store import Store

    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, path)
    store = Store(path)
    contexts: list[AppContext] = []

    def make(login: str) -> AppContext:
        with store.engine.connect() as connection:
            context = AppContext(store, accounts.load_actor(connection, login))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        qtbot.waitUntil(context.tasks.idle, timeout=5000)
        context.tasks.wait()
    store.dispose()
