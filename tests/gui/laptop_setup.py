"""Fixtures of the offline laptop's GUI tests (``tests/gui/test_laptop_*.py``): the demo office
on a real server (``tests.db.office_setup``, one per module), the adviser signed in on it, and
a permanence built from it the way « Préparer une permanence hors ligne… » builds one (its key
in the tests' in-memory keyring), opened in a main window.

The laptop's questions (``LaptopPrompt``) are answered by the test: ``prompts`` records what
they were asked and says yes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from db.org import accounts
from db.org.passwords import DEMO_PASSWORD
from db.replica.cipher import ReplicaCipher
from db.store import Store
from desktop import replica_keys
from desktop.context import AppContext
from desktop.laptop import steps
from desktop.laptop.window import LaptopPrompt
from desktop.main_window import MainWindow
from tests.db.test_replica_sync import busiest_site

WAIT = 30_000


def address(office) -> str:
    return steps.address_without_account(office)


def build(office, path: Path) -> Path:
    return steps.build(steps.Permanence(address(office), "conseiller01", DEMO_PASSWORD, path,
                                        (busiest_site(office),)))


@pytest.fixture
def server_window(qtbot, office):
    """The main window of conseiller01 signed in on the server."""
    store = Store(office.set(username="conseiller01", password=DEMO_PASSWORD))
    with store.engine.connect() as connection:
        ctx = AppContext(store, accounts.server_sign_in(connection).actor)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    yield window
    qtbot.waitUntil(ctx.tasks.idle, timeout=WAIT)
    ctx.tasks.wait()
    store.dispose()


@pytest.fixture
def permanence(office, tmp_path):
    """(replica, server as the adviser): a permanence of the busiest site, just built."""
    path = build(office, tmp_path / "permanence.guichet")
    replica = Store(path, ReplicaCipher.from_key(replica_keys.load_key(path)))
    server = Store(office.set(username="conseiller01", password=DEMO_PASSWORD))
    yield replica, server
    replica.dispose()
    server.dispose()


@pytest.fixture
def laptop_window(qtbot, permanence):
    """The main window of conseiller01 signed in on the permanence (offline)."""
    replica, _server = permanence
    ctx = AppContext(replica, accounts.sign_in(replica, "conseiller01", DEMO_PASSWORD).actor)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.laptop.status.standing is not None, timeout=WAIT)
    yield window
    qtbot.waitUntil(ctx.tasks.idle, timeout=WAIT)
    ctx.tasks.wait()


@pytest.fixture
def prompts(monkeypatch):
    """What the laptop's questions were asked, each answered yes (« Ouvrir », « Voir les
    conflits », « Rendre »)."""
    asked: list[tuple[str, object]] = []

    def record(name: str, answer=True):
        def ask(_cls, _parent, *what):
            asked.append((name, what[0] if what else None))
            return answer
        return classmethod(ask)

    monkeypatch.setattr(LaptopPrompt, "offer_to_open", record("open"))
    monkeypatch.setattr(LaptopPrompt, "summary", record("summary", False))
    monkeypatch.setattr(LaptopPrompt, "confirm_give_back", record("give back"))
    monkeypatch.setattr(LaptopPrompt, "tell", record("tell", None))
    return asked


def sync_with(qtbot, window, password: str = DEMO_PASSWORD):
    """« Synchroniser » from the status bar, the password typed: the dialog, once done."""
    window.laptop.status.sync_button.click()
    return type_server_password(qtbot, window, password)


def type_server_password(qtbot, window, password: str = DEMO_PASSWORD):
    """The server password typed in the dialog just opened: the dialog, once done."""
    qtbot.waitUntil(lambda: getattr(window.laptop, "password_dialog", None) is not None
                    and window.laptop.password_dialog.isVisible(), timeout=WAIT)
    dialog = window.laptop.password_dialog
    dialog.password_edit.setText(password)
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.accept_button.isEnabled(), timeout=WAIT)
    return dialog
