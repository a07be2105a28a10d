"""Starting Guichet on an encrypted replica: its key from the keyring, else « Phrase de passe
de la permanence hors ligne » (or GUICHET_REPLICA_PASSPHRASE unattended); a wrong key or
passphrase is refused in French and the file left as it was."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer

from db.replica.cipher import ReplicaCipher, new_key
from desktop import replica_keys
from desktop.app import EXIT_OK, EXIT_REFUSED, run_gui
from desktop.replica_dialog import EMPTY, PassphraseDialog
from tests.conftest import TEST_PASSWORD
from tests.db.replica_setup import PASSPHRASE, make_replica
from tests.gui.test_startup import answer, isolated, messages, opened, unattended  # noqa: F401
from tests.widgets.accessibility import unnamed_focusable


@pytest.fixture
def passphrase_replica(tmp_path):
    path = tmp_path / "phrase.sqlite3"
    make_replica(path, ReplicaCipher.from_passphrase(PASSPHRASE)).dispose()
    return path


@pytest.fixture
def signs_in_alone(monkeypatch):
    """The account signs in from the environment, but someone is there to answer dialogs.
    No daily backup behind the first screen: ``opened`` quits at once, and a passphrase's
    copy (three key derivations) would outlive the window it was started for."""
    from desktop import app as app_module

    monkeypatch.setattr(app_module, "daily_backup", lambda ctx: None)
    monkeypatch.setenv("GUICHET_LOGIN", "conseiller01")
    monkeypatch.setenv("GUICHET_PASSWORD", TEST_PASSWORD)
    monkeypatch.delenv(replica_keys.PASSPHRASE_VARIABLE, raising=False)


def test_the_key_in_the_keyring_opens_the_replica(replica_path, replica_key, unattended,  # noqa: F811
                                                  capsys):
    replica_keys.save_key(replica_path, replica_key)
    assert run_gui(str(replica_path)) == EXIT_OK
    assert capsys.readouterr().out == "ready\n"


def test_unattended_the_passphrase_comes_from_the_environment(passphrase_replica,
                                                              unattended, monkeypatch):  # noqa: F811
    monkeypatch.setenv(replica_keys.PASSPHRASE_VARIABLE, PASSPHRASE)
    assert run_gui(str(passphrase_replica)) == EXIT_OK


def test_unattended_without_key_or_passphrase_it_is_refused(replica_path, unattended,  # noqa: F811
                                                            monkeypatch, capsys):
    monkeypatch.delenv(replica_keys.PASSPHRASE_VARIABLE, raising=False)
    before = replica_path.read_bytes()
    assert run_gui(str(replica_path)) == EXIT_REFUSED
    assert "sa clé n'est pas dans le trousseau de ce poste" in capsys.readouterr().err
    assert replica_path.read_bytes() == before


def test_a_key_that_does_not_open_the_file_is_refused(replica_path, messages, signs_in_alone):  # noqa: F811
    replica_keys.save_key(replica_path, new_key())
    before = replica_path.read_bytes()
    assert run_gui(str(replica_path)) == EXIT_REFUSED
    assert messages[0].startswith("La clé de cette permanence hors ligne ne correspond pas")
    assert replica_path.read_bytes() == before


def test_the_passphrase_is_asked_checked_then_opens_the_replica(passphrase_replica,
                                                                monkeypatch, signs_in_alone,
                                                                opened):  # noqa: F811
    seen = []

    def type_wrong_then_right(dialog: PassphraseDialog) -> None:
        seen.append(("vide", unnamed_focusable(dialog), dialog.windowTitle()))
        dialog.submit()  # nothing typed
        seen.append(dialog.form.field("passphrase").error_text())
        dialog.passphrase_edit.setText("pas la bonne")
        dialog.submit()

        def once_refused() -> None:
            if not dialog.open_button.isEnabled():
                QTimer.singleShot(10, once_refused)
                return
            seen.append(dialog.banner.text())
            dialog.passphrase_edit.setText(PASSPHRASE)
            dialog.submit()

        QTimer.singleShot(10, once_refused)

    answer(monkeypatch, PassphraseDialog, type_wrong_then_right)
    assert run_gui(str(passphrase_replica)) == EXIT_OK
    assert seen[0] == ("vide", [], "Guichet — phrase de passe de la permanence hors ligne")
    assert seen[1] == EMPTY
    assert seen[2].startswith("La phrase de passe de cette permanence hors ligne ne "
                              "correspond pas")
    assert opened == ["conseiller01"]


def test_quitting_the_passphrase_dialog_quits(passphrase_replica, monkeypatch, signs_in_alone,
                                              opened):  # noqa: F811
    answer(monkeypatch, PassphraseDialog, lambda dialog: dialog.reject())
    assert run_gui(str(passphrase_replica)) == EXIT_OK
    assert opened == []
