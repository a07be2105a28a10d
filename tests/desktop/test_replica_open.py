"""The replica's key in the keyring (``desktop.replica_keys``), and the command line opening an
encrypted replica given with ``--db``: its key from the keyring, else a passphrase from
GUICHET_REPLICA_PASSPHRASE or the terminal, else a French refusal (exit 3)."""

from __future__ import annotations

import stat

import keyring
import pytest
from keyring.backends import fail
from keyring.errors import KeyringLocked

from db.lifecycle.backup import check_sqlite_backup
from db.replica.cipher import ReplicaCipher, is_encrypted, new_key
from db.schema import HEAD
from db.store import Store
from desktop import replica_keys
from desktop.cli import main
from desktop.credentials import CredentialsUnavailable
from tests.conftest import MemoryKeyring
from tests.db.replica_setup import PASSPHRASE, PEOPLE, make_replica


class LockedKeyring(MemoryKeyring):
    """A keyring that is there but refuses (locked, the user said no)."""

    def get_password(self, service, username):
        raise KeyringLocked("locked")


@pytest.fixture
def passphrase_replica(tmp_path):
    path = tmp_path / "phrase.sqlite3"
    make_replica(path, ReplicaCipher.from_passphrase(PASSPHRASE)).dispose()
    return path


@pytest.fixture
def no_passphrase(monkeypatch):
    monkeypatch.delenv(replica_keys.PASSPHRASE_VARIABLE, raising=False)


# -- the keyring -------------------------------------------------------------------------

def test_a_key_goes_to_the_keyring_and_back_then_is_forgotten(memory_keyring, tmp_path):
    path = tmp_path / "permanence.sqlite3"
    key = new_key()
    assert replica_keys.keyring_usable()
    replica_keys.save_key(path, key)
    [(entry, secret)] = memory_keyring.passwords.items()
    # The service and the file's resolved path, the key as hex text: nothing of a person.
    assert entry == ("Guichet — permanence hors ligne", str(path.resolve()))
    assert secret == key.hex() and len(secret) == 64
    assert replica_keys.load_key(tmp_path / "." / "permanence.sqlite3") == key
    assert replica_keys.load_key(tmp_path / "autre.sqlite3") is None
    replica_keys.forget_key(path)
    assert memory_keyring.passwords == {} and replica_keys.load_key(path) is None
    replica_keys.forget_key(path)  # nothing left: nothing done


def test_without_a_usable_keyring_the_caller_is_told_to_use_a_passphrase(tmp_path,
                                                                        no_passphrase):
    keyring.set_keyring(fail.Keyring())
    path = tmp_path / "permanence.sqlite3"
    assert not replica_keys.keyring_usable()
    with pytest.raises(CredentialsUnavailable, match="Choisissez une phrase de passe"):
        replica_keys.save_key(path, new_key())
    assert replica_keys.load_key(path) is None
    cipher = replica_keys.unlock(path, lambda: PASSPHRASE)
    assert cipher.uses_passphrase


def test_a_locked_keyring_falls_back_to_the_passphrase_and_says_why(tmp_path, no_passphrase):
    keyring.set_keyring(LockedKeyring())
    path = tmp_path / "permanence.sqlite3"
    assert replica_keys.unlock(path, lambda: PASSPHRASE).uses_passphrase
    with pytest.raises(replica_keys.ReplicaLocked) as refused:
        replica_keys.unlock(path, lambda: None)
    assert "sa clé n'est pas dans le trousseau" in str(refused.value)
    assert "KeyringLocked" in str(refused.value)


def test_a_damaged_keyring_entry_is_refused_in_french(memory_keyring, tmp_path):
    path = tmp_path / "permanence.sqlite3"
    memory_keyring.set_password(replica_keys.SERVICE, replica_keys.account(path), "pas une clé")
    with pytest.raises(replica_keys.ReplicaLocked, match="illisible"):
        replica_keys.load_key(path)


# -- the command line --------------------------------------------------------------------

def test_the_key_in_the_keyring_opens_the_replica_for_any_command(replica_path, replica_key,
                                                                  tmp_path, capsys):
    replica_keys.save_key(replica_path, replica_key)
    database = str(replica_path)
    assert main(["--db", database, "db", "upgrade"]) == 0
    assert f"Schéma déjà à jour : Fichier local chiffré : {replica_path}" \
        in capsys.readouterr().out
    target = tmp_path / "copie.sqlite3"
    assert main(["--db", database, "backup", "-o", str(target)]) == 0
    assert is_encrypted(target) and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert check_sqlite_backup(target, ReplicaCipher.from_key(replica_key)) == HEAD
    assert PEOPLE[0]["nir"].replace(" ", "").encode() not in target.read_bytes()
    assert main(["--db", database, "restore", str(target)]) == 0
    assert "Sauvegarde restaurée dans Fichier local chiffré" in capsys.readouterr().out
    assert is_encrypted(replica_path)


def test_a_signed_in_command_works_on_a_replica(replica_path, replica_key, piped, capsys):
    from tests.conftest import TEST_PASSWORD

    replica_keys.save_key(replica_path, replica_key)
    piped(TEST_PASSWORD)
    assert main(["--db", str(replica_path), "purge", "--dry-run", "--login", "admin",
                 "--password-stdin"]) == 0
    assert "Purge à blanc" in capsys.readouterr().out


def test_a_passphrase_typed_on_the_terminal_opens_it(passphrase_replica, terminal, capsys,
                                                     no_passphrase):
    terminal.typed = [PASSPHRASE]
    assert main(["--db", str(passphrase_replica), "db", "upgrade"]) == 0
    assert terminal.prompts == ["Phrase de passe de la permanence hors ligne : "]
    assert "Schéma déjà à jour" in capsys.readouterr().out


def test_a_passphrase_from_the_environment_opens_it(passphrase_replica, monkeypatch, piped,
                                                    capsys):
    monkeypatch.setenv(replica_keys.PASSPHRASE_VARIABLE, PASSPHRASE)
    piped()  # no terminal
    assert main(["--db", str(passphrase_replica), "db", "upgrade"]) == 0


def test_a_wrong_passphrase_is_refused_in_french_and_nothing_changes(passphrase_replica,
                                                                    monkeypatch, capfd):
    before = passphrase_replica.read_bytes()
    monkeypatch.setenv(replica_keys.PASSPHRASE_VARIABLE, "pas la bonne phrase")
    assert main(["--db", str(passphrase_replica), "db", "upgrade"]) == 3
    err = capfd.readouterr().err
    assert "Refusé : La phrase de passe de cette permanence hors ligne ne correspond pas" in err
    assert "hmac" not in err
    assert passphrase_replica.read_bytes() == before


def test_no_key_and_no_passphrase_is_refused_in_french(replica_path, piped, capsys,
                                                       no_passphrase):
    piped()  # a batch job: no terminal to ask on
    assert main(["--db", str(replica_path), "backup", "-o", str(replica_path) + ".copie"]) == 3
    err = capsys.readouterr().err
    assert "est une permanence hors ligne chiffrée : sa clé n'est pas dans le trousseau" in err
    assert replica_keys.PASSPHRASE_VARIABLE in err


def test_a_key_from_another_replica_is_refused(replica_path, capsys):
    replica_keys.save_key(replica_path, new_key())
    assert main(["--db", str(replica_path), "db", "upgrade"]) == 3
    assert "La clé de cette permanence hors ligne ne correspond pas" in capsys.readouterr().err


def test_an_ordinary_database_never_imports_the_keyring_or_sqlcipher(sqlite_store):
    """Run in a process of its own: this one has imported both long ago."""
    import subprocess
    import sys

    code = ("import sys; from desktop.cli import main; "
            f"code = main(['--db', {str(sqlite_store.sqlite_path)!r}, 'db', 'upgrade']); "
            "print(code, 'keyring' in sys.modules, 'sqlcipher3' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.stdout.split()[-3:] == ["0", "False", "False"], result.stderr
    store = Store(sqlite_store.sqlite_path)
    assert not store.needs_key
