"""« Qui êtes-vous ? »: the account picker."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from db.org import accounts
from db.org.models import Staff
from db.roles import Role
from desktop.app import StartupContext, empty_database_hint
from desktop.login import AccountFilter, LoginDialog, accounts_model, fold


@pytest.fixture
def boot(qtbot, sqlite_store, gui_actors):
    context = StartupContext(sqlite_store)
    yield context
    qtbot.waitUntil(context.tasks.idle, timeout=5000)
    context.tasks.wait()


def open_dialog(qtbot, boot, last_login: str = "", hint: str = "") -> LoginDialog:
    dialog = LoginDialog(boot, last_login, hint)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.proxy.sourceModel().rowCount() > 0 or dialog.message.text()
                    != "Chargement des comptes…")
    return dialog


def logins(dialog: LoginDialog) -> list[str]:
    return [dialog.proxy.index(row, 3).data() for row in range(dialog.proxy.rowCount())]


def test_lists_accounts_with_role_and_site(qtbot, boot):
    dialog = open_dialog(qtbot, boot)
    assert dialog.windowTitle() == "Guichet — Qui êtes-vous ?"
    assert logins(dialog) == ["conseiller01", "mediateur01", "assistant01", "responsable01",
                              "partenaire01", "admin"]
    row = logins(dialog).index("partenaire01")
    assert [dialog.proxy.index(row, column).data() for column in range(3)] == [
        "Camille Partenaire01", "Agent France Services", "Agence de Grenoble"]


def test_last_login_is_preselected(qtbot, boot):
    dialog = open_dialog(qtbot, boot, last_login="responsable01")
    assert dialog.selected_login() == "responsable01"


def test_filter_as_you_type_ignores_case_and_accents(qtbot, boot):
    dialog = open_dialog(qtbot, boot)
    qtbot.keyClicks(dialog.filter_edit, "MÉDIATEUR")
    assert logins(dialog) == ["mediateur01"]
    assert dialog.selected_login() == "mediateur01"
    dialog.filter_edit.clear()
    qtbot.keyClicks(dialog.filter_edit, "grenoble respons")
    assert logins(dialog) == ["responsable01"]
    qtbot.keyClicks(dialog.filter_edit, "zzz")
    assert logins(dialog) == []
    assert dialog.message.text() == "Aucun compte ne correspond."
    assert not dialog.sign_in_button.isEnabled()


def test_enter_signs_in_the_highlighted_account(qtbot, boot, gui_actors):
    dialog = open_dialog(qtbot, boot)
    qtbot.keyClicks(dialog.filter_edit, "part")
    with qtbot.waitSignal(dialog.signed_in) as signal:
        qtbot.keyClick(dialog.filter_edit, Qt.Key.Key_Return)
    assert signal.args[0] == gui_actors[Role.PARTNER]
    assert dialog.result() == LoginDialog.DialogCode.Accepted


def test_arrows_move_in_the_list_while_typing(qtbot, boot):
    dialog = open_dialog(qtbot, boot)
    assert dialog.selected_login() == "conseiller01"
    qtbot.keyClick(dialog.filter_edit, Qt.Key.Key_Down)
    assert dialog.selected_login() == "mediateur01"
    assert dialog.filter_edit.hasFocus() or not dialog.isActiveWindow()


def test_an_account_disabled_meanwhile_is_refused_in_french(qtbot, boot, sqlite_store):
    dialog = open_dialog(qtbot, boot)
    with sqlite_store.session() as session:
        account = session.scalars(select(Staff).where(Staff.login == "conseiller01")).one()
        account.active = False
    dialog.sign_in()
    qtbot.waitUntil(lambda: "désactivé" in dialog.message.text())
    assert dialog.isVisible()


def test_empty_database_explains_how_to_fill_it(qtbot, sqlite_store):
    empty = StartupContext(sqlite_store)  # no gui_actors: no account at all
    dialog = LoginDialog(empty, "", empty_database_hint(sqlite_store))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "aucun compte" in dialog.message.text())
    assert f"guichet --db {sqlite_store.sqlite_path} demo" in dialog.message.text()
    assert not dialog.sign_in_button.isEnabled()
    empty.tasks.wait()


def test_accessible_names(qtbot, boot):
    dialog = open_dialog(qtbot, boot)
    assert dialog.filter_edit.accessibleName() == "Filtrer les comptes"
    assert dialog.view.accessibleName() == "Comptes"


def test_account_models_pass_the_model_tester(qtmodeltester):
    listed = [accounts.Account("conseiller01", "Hélène Dupré", "Conseiller", "Agence"),
              accounts.Account("admin", "Luc Martin", "Administrateur", "")]
    model = accounts_model(listed)
    qtmodeltester.check(model)
    proxy = AccountFilter()
    proxy.setSourceModel(model)
    proxy.set_text("helene")
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == 1
    assert fold("Hélène DUPRÉ") == "helene dupre"
