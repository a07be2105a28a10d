"""« Préparer une permanence hors ligne… » against a real server (issue 13): offered on the
server only, the sites and weeks chosen, the password checked by the server, the key in the
keyring or a passphrase typed twice where there is none, built on the worker thread, then
opened — Guichet signs in again on the permanence.
"""

from __future__ import annotations

import os
from datetime import date

import pytest
from keyring.backends import fail
from PySide6.QtCore import QTimer

from db.org.passwords import DEMO_PASSWORD
from db.replica.cipher import ReplicaCipher
from db.store import Store
from db.sync import laptop
from desktop import app as app_module
from desktop import replica_keys
from desktop.app import EXIT_OK, run_gui
from desktop.context import AppContext
from desktop.laptop import steps
from desktop.laptop.prepare_dialog import MISMATCH, PrepareDialog
from desktop.main_window import MainWindow
from tests.db.office_setup import connect as office_connection
from tests.db.office_setup import office  # noqa: F401
from tests.db.test_replica_sync import busiest_site
from tests.gui.laptop_setup import WAIT, address, prompts, server_window  # noqa: F401
from tests.gui.test_startup import isolated  # noqa: F401
from tests.widgets.accessibility import unnamed_focusable

pytestmark = pytest.mark.postgres


def menu_texts(window: MainWindow) -> list[str]:
    return [action.text().replace("&", "") for action in window._menu_actions()]


def open_prepare(qtbot, window: MainWindow) -> PrepareDialog:
    window.laptop.prepare_action.trigger()
    qtbot.waitUntil(lambda: getattr(window.laptop, "prepare_dialog", None) is not None,
                    timeout=WAIT)
    return window.laptop.prepare_dialog


def test_only_a_server_offers_to_prepare_a_permanence(qtbot, make_context, server_window):  # noqa: F811
    assert "Préparer une permanence hors ligne…" in menu_texts(server_window)
    assert "Synchroniser" not in menu_texts(server_window)
    embedded = MainWindow(make_context())
    qtbot.addWidget(embedded)
    assert embedded.laptop is None
    assert not [text for text in menu_texts(embedded)
                if "permanence" in text or "Synchroniser" in text]


def test_a_permanence_is_prepared_on_the_worker_thread_then_offered_to_open(
        qtbot, office, server_window, prompts, memory_keyring):  # noqa: F811
    dialog = open_prepare(qtbot, server_window)
    qtbot.addWidget(dialog)
    assert unnamed_focusable(dialog) == []
    assert dialog.weeks.value() == 4
    suggested = dialog.path_edit.text()
    assert suggested.endswith(f"permanence-{date.today():%Y-%m-%d}.guichet")
    assert "conseiller01" not in suggested and "Garnier" not in suggested
    assert dialog.passphrase_edit is None  # the key goes to the keyring
    dialog.submit()  # nothing chosen yet
    assert dialog.form.field("site").error_text().startswith("Cochez")
    assert dialog.form.field("password").error_text()
    dialog.check(busiest_site(office))
    dialog.weeks.setValue(2)
    dialog.password_edit.setText(DEMO_PASSWORD)
    with qtbot.waitSignal(dialog.prepared, timeout=WAIT) as prepared:
        dialog.submit()
    path = prepared.args[0]
    assert str(path) == suggested and path.stat().st_mode & 0o777 == 0o600
    assert prompts == [("open", path)]
    replica = Store(path, ReplicaCipher.from_key(replica_keys.load_key(path)))
    try:
        standing = laptop.standing(replica)
        assert standing.sites == (busiest_site(office),) and standing.login == "conseiller01"
        assert (standing.last_day - standing.first_day).days == 13
    finally:
        replica.dispose()


def test_a_partner_prepares_the_permanence_of_their_whole_sector(
        qtbot, office, prompts, tmp_path):  # noqa: F811
    from db.org import accounts

    store = Store(office.set(username="partenaire01", password=DEMO_PASSWORD))
    with store.engine.connect() as connection:
        ctx = AppContext(store, accounts.server_sign_in(connection).actor)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    try:
        dialog = open_prepare(qtbot, window)
        qtbot.addWidget(dialog)
        sector = ctx.actor.sector
        assert dialog.site_list is None and unnamed_focusable(dialog) == []
        assert f"« {sector} »" in dialog.form.field("site").editor.text()
        dialog.path_edit.setText(str(tmp_path / "secteur.guichet"))
        dialog.password_edit.setText(DEMO_PASSWORD)
        with qtbot.waitSignal(dialog.prepared, timeout=WAIT) as prepared:
            dialog.submit()
        path = prepared.args[0]
        replica = Store(path, ReplicaCipher.from_key(replica_keys.load_key(path)))
        try:
            with office_connection(office) as owner:
                in_sector = {name for (name,) in owner.execute(
                    "SELECT name FROM site WHERE sector = %s AND deleted_at IS NULL",
                    (sector,)).fetchall()}
            assert set(laptop.standing(replica).sites) == in_sector
        finally:
            replica.dispose()
    finally:
        qtbot.waitUntil(ctx.tasks.idle, timeout=WAIT)
        ctx.tasks.wait()
        store.dispose()


def test_a_wrong_password_is_refused_in_the_dialog_and_nothing_is_written(
        qtbot, office, server_window, prompts, tmp_path):  # noqa: F811
    dialog = open_prepare(qtbot, server_window)
    qtbot.addWidget(dialog)
    dialog.check(busiest_site(office))
    dialog.path_edit.setText(str(tmp_path / "refusée.guichet"))
    dialog.password_edit.setText("pas le bon")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.prepare_button.isEnabled(), timeout=WAIT)
    assert "refusé par le serveur" in dialog.banner.text() and dialog.isVisible()
    assert not (tmp_path / "refusée.guichet").exists() and prompts == []


def test_without_a_keyring_the_permanence_is_encrypted_with_a_passphrase_typed_twice(
        qtbot, office, server_window, prompts, tmp_path, monkeypatch):  # noqa: F811
    import keyring

    keyring.set_keyring(fail.Keyring())
    dialog = open_prepare(qtbot, server_window)
    qtbot.addWidget(dialog)
    assert dialog.passphrase_edit is not None and unnamed_focusable(dialog) == []
    dialog.check(busiest_site(office))
    dialog.path_edit.setText(str(tmp_path / "phrase.guichet"))
    dialog.password_edit.setText(DEMO_PASSWORD)
    dialog.passphrase_edit.setText("le mardi à Mens, 9 h")
    dialog.confirm_edit.setText("le mardi à Mens, 9 h ")
    dialog.submit()
    assert dialog.form.field("confirm").error_text() == MISMATCH
    dialog.confirm_edit.setText("le mardi à Mens, 9 h")
    with qtbot.waitSignal(dialog.prepared, timeout=WAIT) as prepared:
        dialog.submit()
    replica_keys.try_passphrase(prepared.args[0], "le mardi à Mens, 9 h")


def test_opening_the_permanence_just_prepared_signs_in_on_it(
        qtbot, office, prompts, monkeypatch, tmp_path):  # noqa: F811
    """From the server to the laptop in one go: prepared, « Ouvrir la permanence », Guichet
    signs in again on the replica (the account's password: the one typed to prepare it)."""
    monkeypatch.setattr(app_module, "daily_backup", lambda ctx: None)
    monkeypatch.setenv("GUICHET_LOGIN", "conseiller01")
    monkeypatch.setenv("GUICHET_PASSWORD", DEMO_PASSWORD)
    monkeypatch.setattr(steps, "default_path", lambda: tmp_path / "permanence.guichet")
    windows: list[tuple[bool, bool]] = []
    original_open = app_module.Startup.open_main_window

    def prepare_then_look(self, store, actor):
        original_open(self, store, actor)
        windows.append((store.is_sqlite, store.is_replica))
        if store.is_replica:
            QTimer.singleShot(0, lambda: self.quit(EXIT_OK))
            return
        self.window.laptop.prepare_action.trigger()

        def fill() -> None:
            dialog = getattr(self.window.laptop, "prepare_dialog", None)
            if dialog is None:
                QTimer.singleShot(20, fill)
                return
            dialog.check(busiest_site(office))
            dialog.password_edit.setText(DEMO_PASSWORD)
            dialog.submit()

        QTimer.singleShot(20, fill)

    monkeypatch.setattr(app_module.Startup, "open_main_window", prepare_then_look)
    assert run_gui(address(office).replace("postgresql+psycopg://",
                                           "postgresql+psycopg://conseiller01@")) == EXIT_OK
    assert windows == [(False, False), (True, True)]
    assert prompts == [("open", tmp_path / "permanence.guichet")]
    assert os.path.exists(tmp_path / "permanence.guichet")
