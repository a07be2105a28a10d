"""Signing in with a password, the first administrator of an empty database, Administration ›
Comptes, and the workstation that locks itself when left idle."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget

from db.org import signin
from db.org.accounts import REFUSED
from db.org.passwords import DEMO_PASSWORD
from db.roles import Role
from desktop.admin.accounts import AccountsTab
from desktop.app import StartupContext
from desktop.lock import LOCKED_TITLE, IdleLock
from desktop.login import SignInDialog
from desktop.password_dialogs import MISMATCH, ChangePasswordDialog
from tests.conftest import TEST_PASSWORD
from tests.db.accounts_setup import GOOD
from tests.gui.test_people import type_text


@pytest.fixture
def boot(qtbot, sqlite_store):
    context = StartupContext(sqlite_store)
    yield context
    qtbot.waitUntil(context.tasks.idle, timeout=5000)
    context.tasks.wait()


def sign_in_dialog(qtbot, boot, store, **options) -> SignInDialog:
    dialog = SignInDialog(boot, lambda login, password: signin.sign_in(store, login, password),
                          **options)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def attempt(qtbot, dialog: SignInDialog, login: str, password: str) -> None:
    dialog.login_edit.setText(login)
    dialog.password_edit.setText(password)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.text() != "Vérification…", timeout=5000)


def test_a_wrong_password_is_refused_in_french_and_nothing_opens(qtbot, boot, sqlite_store,
                                                                  gui_actors):
    dialog = sign_in_dialog(qtbot, boot, sqlite_store)
    with qtbot.assertNotEmitted(dialog.signed_in):
        attempt(qtbot, dialog, "conseiller01", "pas le bon")
    assert dialog.message.text() == REFUSED
    assert "color" in dialog.message.styleSheet()  # said in red
    assert dialog.isVisible() and dialog.password_edit.text() == ""
    assert dialog.sign_in_button.isEnabled()


def test_the_right_password_signs_in(qtbot, boot, sqlite_store, gui_actors):
    dialog = sign_in_dialog(qtbot, boot, sqlite_store, login="mediateur01")
    assert dialog.windowTitle() == "Guichet — connexion"
    assert dialog.password_edit.echoMode() == dialog.password_edit.EchoMode.Password
    with qtbot.waitSignal(dialog.signed_in) as signal:
        dialog.password_edit.setText(TEST_PASSWORD)
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    store, signed = signal.args[0]
    assert store is sqlite_store and signed.actor == gui_actors[Role.MEDIATOR]
    assert dialog.result() == SignInDialog.DialogCode.Accepted


def test_an_empty_field_is_asked_for_before_anything_is_checked(qtbot, boot, sqlite_store):
    dialog = sign_in_dialog(qtbot, boot, sqlite_store)
    dialog.login_edit.setText("conseiller01")
    dialog.sign_in()
    assert dialog.message.text() == "Saisissez votre identifiant et votre mot de passe."


def test_only_a_demo_database_shows_its_password(qtbot, boot, sqlite_store):
    real = sign_in_dialog(qtbot, boot, sqlite_store)
    assert not real.demo_note.isVisible()
    assert DEMO_PASSWORD not in "".join(label.text() for label in real.findChildren(QLabel))
    demo = sign_in_dialog(qtbot, boot, sqlite_store, demo=True)
    assert demo.demo_note.isVisible()
    assert f"« {DEMO_PASSWORD} »" in demo.demo_note.text()
    assert "conseiller01" in demo.demo_note.text()


def test_the_keyring_box_is_offered_for_a_server_only(qtbot, boot, sqlite_store):
    assert not sign_in_dialog(qtbot, boot, sqlite_store).remember_box.isVisible()
    server = sign_in_dialog(qtbot, boot, sqlite_store, remember=False)
    assert server.remember_box.isVisible() and not server.remember


def test_accessible_names(qtbot, boot, sqlite_store):
    dialog = sign_in_dialog(qtbot, boot, sqlite_store)
    assert dialog.login_edit.accessibleName() == "Identifiant"
    assert dialog.password_edit.accessibleName() == "Mot de passe"


# -- choosing a password ----------------------------------------------------------------------

def test_choosing_a_password_says_what_is_wrong_below_the_field(qtbot, boot):
    saved = []
    dialog = ChangePasswordDialog(boot, lambda password: saved.append(password) or password,
                                  intro="Choisissez.")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.password_edit.setText(GOOD)
    dialog.confirm_edit.setText(GOOD + " ")
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    assert dialog.form.field("confirm").error_text() == MISMATCH and saved == []
    dialog.confirm_edit.setText(GOOD)
    with qtbot.waitSignal(dialog.done_with):
        qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    assert saved == [GOOD]


# -- Administration › Comptes -----------------------------------------------------------------

@pytest.fixture
def accounts_tab(qtbot, make_context):
    tab = AccountsTab(make_context(Role.ADMIN))
    qtbot.addWidget(tab)
    tab.resize(1200, 700)
    tab.show()
    qtbot.waitUntil(lambda: tab.proxy.rowCount() == 6, timeout=5000)
    return tab


def test_an_account_created_in_comptes_signs_in_with_its_one_time_password(
        qtbot, accounts_tab, sqlite_store):
    tab = accounts_tab
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    assert tab.section.title() == "Nouveau compte"
    type_text(qtbot, tab.section.login, "hdupre")
    type_text(qtbot, tab.section.first_name, "Hélène")
    type_text(qtbot, tab.section.last_name, "Dupré")
    tab.section.role.set_value(Role.MEDIATOR)
    qtbot.mouseClick(tab.section.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: hasattr(tab.section, "password_box"), timeout=5000)
    text = tab.section.password_box.text()
    assert "Mot de passe à usage unique du compte « hdupre »" in text
    one_time = text.split("\n\n")[1]
    tab.section.password_box.close()
    qtbot.waitUntil(lambda: tab.proxy.rowCount() == 7, timeout=5000)
    assert tab.section.title() == "Compte de Hélène Dupré"

    _store, signed = signin.sign_in(sqlite_store, "hdupre", one_time)
    assert signed.actor.role is Role.MEDIATOR and signed.must_change_password
    row = next(r for r in range(tab.proxy.rowCount())
               if tab.proxy.index(r, 0).data() == "Hélène Dupré")
    assert "jamais" in " ".join(str(tab.proxy.index(row, c).data()).lower()
                                for c in range(tab.proxy.columnCount()))


def test_the_last_administrator_cannot_be_disabled(qtbot, accounts_tab):
    tab = accounts_tab
    tab.filter_edit.setText("admin")
    qtbot.waitUntil(lambda: tab.section.account is not None
                    and tab.section.account.login == "admin")
    qtbot.mouseClick(tab.section.active_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "propre compte" in tab.section.banner.text(), timeout=5000)


def test_a_partner_account_needs_a_sector(qtbot, accounts_tab):
    section = accounts_tab.section
    qtbot.mouseClick(accounts_tab.new_button, Qt.MouseButton.LeftButton)
    section.role.set_value(Role.PARTNER)
    assert section.sector.isVisibleTo(section)
    section.role.set_value(Role.ADVISER)
    assert not section.sector.isVisibleTo(section)


# -- the idle lock ----------------------------------------------------------------------------

@pytest.fixture
def idle_lock(qtbot, make_context, sqlite_store, gui_actors):
    ctx = make_context(Role.ADVISER)
    window = QWidget()
    window.setWindowTitle("Guichet — Rendez-vous")
    QLabel("Éloïse Lefèvre, 06 12 34 56 78", window)
    qtbot.addWidget(window)
    window.resize(800, 600)
    window.show()
    qtbot.waitExposed(window)

    def check(login, password):
        return signin.sign_in(sqlite_store, login, password)[1]

    lock = IdleLock(ctx, gui_actors[Role.ADVISER], 10, check)
    yield window, lock
    lock.stop()
    if lock.dialog is not None:
        lock.dialog.close()


def test_an_idle_workstation_covers_its_windows_and_the_password_unlocks_it(
        qtbot, idle_lock):
    window, lock = idle_lock
    assert lock.timer.interval() == 10 * 60_000
    lock.timer.setInterval(50)  # ten minutes, shortened
    lock.timer.start()
    with qtbot.waitSignal(lock.locked, timeout=2000):
        pass
    assert window.windowTitle() == LOCKED_TITLE
    cover = next(w for w in window.children() if getattr(w, "accessibleName", None)
                 and w.accessibleName() == "Poste verrouillé")
    assert cover.geometry() == window.rect() and cover.isVisible()
    dialog = lock.dialog
    assert dialog.windowTitle() == "Guichet — poste verrouillé"
    assert dialog.login_edit.text() == "conseiller01" and dialog.login_edit.isReadOnly()
    assert dialog.windowModality() == Qt.WindowModality.ApplicationModal

    dialog.reject()  # Escape does not unlock
    assert dialog.isVisible()
    with qtbot.assertNotEmitted(lock.unlocked):
        attempt(qtbot, dialog, "conseiller01", "pas le bon")
    assert lock.is_locked and dialog.message.text() == REFUSED
    dialog.password_edit.setText(TEST_PASSWORD)
    with qtbot.waitSignal(lock.unlocked, timeout=5000):
        qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert window.windowTitle() == "Guichet — Rendez-vous"
    assert lock.timer.isActive()


def test_using_the_workstation_puts_the_lock_off(qtbot, idle_lock):
    window, lock = idle_lock
    lock.timer.setInterval(400)
    lock.timer.start()
    for _press in range(4):
        qtbot.wait(150)
        qtbot.keyClick(window, Qt.Key.Key_Shift)
        assert not lock.is_locked
    with qtbot.waitSignal(lock.locked, timeout=2000):
        pass


def test_changer_d_utilisateur_from_the_locked_workstation(qtbot, idle_lock):
    _window, lock = idle_lock
    lock.lock()
    with qtbot.waitSignal(lock.switch_user):
        button = next(b for b in lock.dialog.findChildren(type(lock.dialog.sign_in_button))
                      if b.text() == "&Changer d'utilisateur")
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not any(isinstance(w, QMessageBox) for w in QApplication.topLevelWidgets()
                   if w.isVisible())
