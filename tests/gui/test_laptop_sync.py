"""Working on the permanence (issue 13): the status bar says what is still to send, kept up to
date after each write; « Synchroniser » asks the server password, pushes and pulls on the
worker thread, says what it did and makes every screen reload; the server out of reach or a
wrong password is said in French, nothing lost; « Rendre la permanence » syncs a last time,
then wipes the file, its copies and its key — refused while conflicts remain.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import update
from sqlalchemy.engine import make_url

from db.lifecycle.backup import automatic_folder
from db.org.passwords import DEMO_PASSWORD
from db.people import records
from db.replica.models import replica_state
from db.sync import laptop
from desktop import app as app_module
from desktop import operations as ops
from desktop import replica_keys
from desktop.app import EXIT_OK, run_gui
from desktop.laptop.password import ServerPasswordDialog
from desktop.laptop.steps import UNREACHABLE_SYNC
from desktop.laptop.window import LaptopPrompt
from tests.db.office_setup import office  # noqa: F401
from tests.db.replica_conflicts_setup import actor, live_person, phone_conflict
from tests.gui.laptop_setup import (  # noqa: F401
    WAIT,
    laptop_window,
    permanence,
    prompts,
    sync_with,
    type_server_password,
)
from tests.gui.test_startup import answer, isolated  # noqa: F401
from tests.widgets.accessibility import unnamed_focusable

pytestmark = pytest.mark.postgres


def edit_phone(window, phone: str) -> None:
    """What the person's record does when saved: a write through the operations."""
    ctx = window.ctx
    person_id = live_person(ctx.store)

    def work(unit):
        shown = records.get_person(unit, person_id)
        records.update_person(unit, person_id, shown.version, replace(shown.data, phone=phone))

    ops.write(ctx, work).run()


def status_text(window) -> str:
    return window.laptop.status.label.text()


def test_the_status_bar_says_what_is_still_to_send_after_each_write(qtbot, laptop_window):  # noqa: F811
    window = laptop_window
    site = laptop.standing(window.ctx.store).sites[0]
    assert status_text(window) == (f"Hors ligne — permanence d'{site} — 0 modification à "
                                   "envoyer")
    assert not window.database_label.isVisible() and window.laptop.status.isVisible()
    assert unnamed_focusable(window.laptop.status) == []
    edit_phone(window, "06 12 12 12 12")
    qtbot.waitUntil(lambda: status_text(window).endswith("— 1 modification à envoyer"),
                    timeout=WAIT)
    edit_phone(window, "06 13 13 13 13")
    qtbot.waitUntil(lambda: status_text(window).endswith("— 2 modifications à envoyer"),
                    timeout=WAIT)
    assert not window.laptop.status.conflicts_button.isVisible()


def test_a_laptop_sends_no_message_itself(laptop_window):  # noqa: F811
    """What it queues (a booking's confirmation) goes with the sync; the office sends it."""
    laptop_window._start_messages()
    assert laptop_window.messages is None


def test_the_replica_s_file_menu_and_its_shortcut(laptop_window):  # noqa: F811
    laptop_actions = laptop_window.laptop
    assert laptop_actions.sync_action.shortcut() == QKeySequence("Ctrl+Shift+S")
    texts = [action.text().replace("&", "") for action in laptop_window._menu_actions()]
    assert {"Synchroniser", "Conflits à résoudre…", "Rendre la permanence…"} <= set(texts)
    assert "Préparer une permanence hors ligne…" not in texts
    assert ("Synchroniser", QKeySequence("Ctrl+Shift+S").toString(
        QKeySequence.SequenceFormat.NativeText)) in laptop_window.shortcuts()


def test_a_sync_sends_receives_says_so_and_every_screen_reloads(
        qtbot, office, laptop_window, prompts):  # noqa: F811
    window = laptop_window
    window.show_area("agenda")
    edit_phone(window, "06 21 21 21 21")
    qtbot.waitUntil(lambda: "1 modification" in status_text(window), timeout=WAIT)
    window.laptop.status.sync_button.click()
    dialog = window.laptop.password_dialog
    assert unnamed_focusable(dialog) == [] and dialog.login_edit.text() == "conseiller01"
    assert dialog.login_edit.isReadOnly()
    dialog.submit()  # no password
    assert dialog.message.text().startswith("Saisissez le mot de passe")
    with qtbot.waitSignal(window.ctx.changes, timeout=WAIT,
                          check_params_cb=lambda kinds: {"appointment", "person",
                                                         "callback_request"} <= kinds):
        sync_with(qtbot, window)
    [(what, report)] = prompts
    assert what == "summary" and str(report).startswith("1 envoyée, ")
    assert str(report).endswith(", 0 conflit")
    qtbot.waitUntil(lambda: status_text(window).endswith("— 0 modification à envoyer"),
                    timeout=WAIT)


def test_a_wrong_password_is_said_in_the_dialog_and_nothing_is_lost(
        qtbot, laptop_window, prompts):  # noqa: F811
    window = laptop_window
    edit_phone(window, "06 31 31 31 31")
    qtbot.waitUntil(lambda: "1 modification" in status_text(window), timeout=WAIT)
    dialog = sync_with(qtbot, window, "pas le bon")
    assert dialog.isVisible() and "refusé par le serveur" in dialog.message.text()
    assert prompts == [] and laptop.pending_changes(window.ctx.store) == 1


def test_the_server_out_of_reach_is_said_in_french_and_nothing_is_lost(
        qtbot, laptop_window, prompts):  # noqa: F811
    window = laptop_window
    with window.ctx.store.engine.begin() as connection:  # the laptop far from the office
        connection.execute(update(replica_state).where(replica_state.c.key == "server")
                           .values(value="postgresql+psycopg://127.0.0.1:9/guichet"))
    window.laptop.status.standing = None
    edit_phone(window, "06 41 41 41 41")
    qtbot.waitUntil(lambda: "1 modification" in status_text(window), timeout=WAIT)
    dialog = sync_with(qtbot, window)
    assert dialog.message.text() == UNREACHABLE_SYNC
    assert prompts == [] and laptop.pending_changes(window.ctx.store) == 1


@pytest.fixture
def own_account(office):  # noqa: F811
    """An adviser's account of the test's own (its login role is the whole cluster's: the
    demo's are shared with the other tests), dropped afterwards."""
    import uuid

    from sqlalchemy import create_engine, text

    from db.org import account_admin
    from db.roles import Role
    from db.store import Store
    from tests.conftest import POSTGRES_URL

    login = f"portable{uuid.uuid4().hex[:8]}"
    owner = Store(office)
    with owner.unit(None) as unit:
        account_admin.create_account(unit, account_admin.AccountInput(
            login, "Lucie", "Portable", Role.ADVISER), FIRST_PASSWORD)
    yield login, owner
    owner.dispose()
    admin = create_engine(make_url(POSTGRES_URL).set(drivername="postgresql+psycopg"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
    admin.dispose()


FIRST_PASSWORD = "la permanence de Mens ouvre le mardi"
NEW_PASSWORD = "le car de 7 h 10 passe par Clelles"


def test_a_password_changed_at_the_office_is_taken_by_the_next_sync(
        qtbot, office, own_account, prompts, tmp_path):  # noqa: F811
    from db.org import account_admin, accounts
    from db.replica.cipher import ReplicaCipher
    from db.roles import Role
    from db.store import Store
    from desktop.context import AppContext
    from desktop.laptop import steps
    from desktop.main_window import MainWindow
    from tests.db.test_replica_sync import busiest_site
    from tests.gui.laptop_setup import address

    login, owner = own_account
    path = steps.build(steps.Permanence(address(office), login, FIRST_PASSWORD,
                                        tmp_path / "portable.guichet", (busiest_site(office),)))
    replica = Store(path, ReplicaCipher.from_key(replica_keys.load_key(path)))
    with owner.unit(None) as unit:  # an administrator gives a new password at the office
        account_admin.set_server_login(unit, login, Role.ADVISER, True, NEW_PASSWORD)
    ctx = AppContext(replica, accounts.sign_in(replica, login, FIRST_PASSWORD).actor)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    try:
        dialog = sync_with(qtbot, window, FIRST_PASSWORD)  # the laptop's: the server's no more
        assert "refusé par le serveur" in dialog.message.text() and prompts == []
        dialog.password_edit.setText(NEW_PASSWORD)
        dialog.submit()
        qtbot.waitUntil(lambda: prompts != [], timeout=WAIT)
        assert prompts[0][0] == "summary"
        assert accounts.sign_in(replica, login, NEW_PASSWORD).actor.login == login
        with pytest.raises(accounts.SignInRefused):
            accounts.sign_in(replica, login, FIRST_PASSWORD)
    finally:
        qtbot.waitUntil(ctx.tasks.idle, timeout=WAIT)
        ctx.tasks.wait()
        replica.dispose()


def test_giving_back_is_refused_while_conflicts_remain(
        qtbot, office, laptop_window, prompts, permanence):  # noqa: F811
    replica, server = permanence
    phone_conflict(office, replica, server, actor(replica))
    window = laptop_window
    window.laptop.give_back_action.trigger()
    type_server_password(qtbot, window)
    assert prompts[0] == ("give back", None)
    assert prompts[1][0] == "tell" and "n'est pas rendue" in prompts[1][1]
    assert replica.sqlite_path.exists() and replica_keys.load_key(replica.sqlite_path)
    qtbot.waitUntil(lambda: window.laptop.conflicts_dialog is not None
                    and window.laptop.conflicts_dialog.isVisible(), timeout=WAIT)
    window.laptop.conflicts_dialog.close()


def test_giving_back_the_permanence_wipes_it_then_guichet_quits(
        qtbot, monkeypatch, permanence, prompts):  # noqa: F811
    """The whole application: signed in on the permanence, « Rendre la permanence », the
    password typed; the file, its automatic copy of the day and its key are gone."""
    replica, _server = permanence
    path = replica.sqlite_path
    replica.dispose()
    monkeypatch.setenv("GUICHET_LOGIN", "conseiller01")
    monkeypatch.setenv("GUICHET_PASSWORD", DEMO_PASSWORD)
    farewells: list[str] = []
    monkeypatch.setattr(QMessageBox, "information",
                        lambda _parent, _title, text, *args: farewells.append(text))
    original_open = app_module.Startup.open_main_window

    copied: list[bool] = []

    def open_then_give_back(self, store, actor):
        original_open(self, store, actor)

        def once_copied() -> None:  # the day's automatic copy, made behind the first screen
            if not self.window.ctx.tasks.idle() or not copies.exists():
                QTimer.singleShot(20, once_copied)
                return
            copied.append(bool(list(copies.iterdir())))
            self.window.laptop.give_back()

        QTimer.singleShot(0, once_copied)

    def type_password(dialog: ServerPasswordDialog) -> None:
        dialog.password_edit.setText(DEMO_PASSWORD)
        dialog.submit()

    monkeypatch.setattr(app_module.Startup, "open_main_window", open_then_give_back)
    answer(monkeypatch, ServerPasswordDialog, type_password)
    copies = automatic_folder(replica)
    assert run_gui(str(path)) == EXIT_OK
    assert len(farewells) == 1 and "Permanence rendue" in farewells[0]
    assert "0 conflit" in farewells[0]
    assert not path.exists() and not list(path.parent.glob(f"{path.name}*"))
    assert copied == [True] and not copies.exists()
    assert replica_keys.load_key(path) is None
    assert LaptopPrompt.confirm_give_back is not None and prompts == [("give back", None)]
