"""« Réglages »: persisted in QSettings, the server password in the keyring only."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from db.roles import Role
from desktop import credentials
from desktop.settings import Settings, database_url
from desktop.settings_dialog import SettingsDialog

SECRET = "s3cr3t-mot-de-passe"


@pytest.fixture
def ini(tmp_path):
    return tmp_path / "guichet.ini"


@pytest.fixture
def settings(ini):
    return Settings(QSettings(str(ini), QSettings.Format.IniFormat))


@pytest.fixture
def dialog(qtbot, settings):
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    yield dialog
    QApplication.instance().setPalette(QApplication.style().standardPalette())


def fill_server(dialog: SettingsDialog, password: str = SECRET) -> None:
    dialog.server_radio.setChecked(True)
    dialog.host_edit.setText("srv-guichet.cpam38.local")
    dialog.port_spin.setValue(5433)
    dialog.database_edit.setText("guichet")
    dialog.user_edit.setText("agent")
    dialog.password_edit.setText(password)


def test_server_settings_keep_the_password_in_the_keyring_only(dialog, settings, ini,
                                                                memory_keyring):
    fill_server(dialog)
    dialog.save()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    assert settings.database_mode == "server"
    assert settings.server_url == "postgresql://agent@srv-guichet.cpam38.local:5433/guichet"
    account = "postgresql://agent@srv-guichet.cpam38.local:5433/guichet"
    assert memory_keyring.passwords == {("Guichet", account): SECRET}
    assert SECRET not in ini.read_text(encoding="utf-8")
    # what the next start opens: the saved address with the keyring's password
    assert database_url(settings).password == SECRET


def test_an_empty_password_keeps_the_stored_one(qtbot, dialog, settings, memory_keyring):
    fill_server(dialog)
    dialog.save()
    again = SettingsDialog(settings)
    qtbot.addWidget(again)
    assert again.server_radio.isChecked()
    assert again.host_edit.text() == "srv-guichet.cpam38.local"
    assert again.port_spin.value() == 5433
    assert again.password_edit.text() == ""
    assert "Enregistré" in again.password_edit.placeholderText()
    again.save()
    assert credentials.server_password(
        "postgresql://agent@srv-guichet.cpam38.local:5433/guichet") == SECRET


def test_missing_server_fields_are_refused_beside_the_fields(dialog, settings):
    dialog.server_radio.setChecked(True)
    dialog.host_edit.setText("un serveur")
    dialog.save()
    assert dialog.result() != SettingsDialog.DialogCode.Accepted
    assert dialog._errors["host"].text().startswith("Nom de serveur invalide")
    assert dialog._errors["database"].text() == "Indiquez le nom de la base sur le serveur."
    assert dialog._errors["user"].text() == "Indiquez l'utilisateur du serveur."
    assert not dialog._errors["host"].isHidden()
    assert settings.database_mode == "local"  # nothing saved


def test_local_file_and_theme_are_saved(dialog, settings, tmp_path):
    dialog.path_edit.setText(str(tmp_path / "bureau.sqlite3"))
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("dark"))
    dialog.save()
    assert settings.database_mode == "local"
    assert settings.local_path == tmp_path / "bureau.sqlite3"
    assert settings.theme == "dark"
    # applied at once
    window_color = QApplication.palette().color(QApplication.palette().ColorRole.Window)
    assert window_color.lightness() < 128


def test_a_folder_is_not_a_database_file(dialog, tmp_path):
    dialog.path_edit.setText(str(tmp_path))
    dialog.save()
    assert dialog._errors["local_path"].text() == "Ce chemin est un dossier : indiquez un fichier."


def test_default_site_is_chosen_among_the_sites(qtbot, make_context, settings):
    dialog = SettingsDialog(settings, make_context(Role.ADMIN))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.site_combo.isEnabled)
    assert dialog.site_combo.itemText(1) == "Agence de Grenoble (Agence)"
    dialog.site_combo.setCurrentIndex(1)
    dialog.save()
    assert settings.default_site_id == dialog.site_combo.itemData(1)


def test_the_saved_site_shown_once_listed_is_no_change_but_a_choice_is(
        qtbot, make_context, settings, discard_questions):
    dialog = SettingsDialog(settings, make_context(Role.ADMIN))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.site_combo.isEnabled)
    settings.save(default_site_id=dialog.site_combo.itemData(1))
    again = SettingsDialog(settings, make_context(Role.ADMIN))
    qtbot.addWidget(again)
    qtbot.waitUntil(again.site_combo.isEnabled)
    assert again.site_combo.currentIndex() == 1 and not again.has_changes()
    again.theme_combo.setCurrentIndex(again.theme_combo.currentIndex() + 1)
    again.reject()
    assert discard_questions == [again]


def test_says_when_a_database_change_takes_effect(dialog):
    from PySide6.QtWidgets import QLabel

    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert any("prochain démarrage" in text for text in texts)
    assert dialog.password_edit.accessibleName() == "Mot de passe du serveur"
