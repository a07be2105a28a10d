"""The key of an offline laptop's replica, kept in the operating system's keyring, never in a
file; and how the command line and the GUI find the key of an encrypted file they open.

The keyring entry: service « Guichet — permanence hors ligne », account the replica file's
resolved path (nothing of a person, no NIR), secret the 256-bit key as 64 hexadecimal
characters. Where no keyring is usable (``keyring_usable()`` False: keyring's ``fail`` or
``null`` back-end, or nothing to chain), the replica is made with a passphrase instead, which
is asked each time it is opened, or read from ``GUICHET_REPLICA_PASSPHRASE``.

Imported only for an encrypted file: ``keyring`` takes ~0.3 s to import, and an ordinary
database's start must not pay it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

import keyring
from keyring.errors import KeyringError

from db.errors import ReplicaLocked
from db.replica.cipher import KEY_BYTES, ReplicaCipher
from desktop.credentials import CredentialsUnavailable, keyring_call

log = logging.getLogger(__name__)

SERVICE = "Guichet — permanence hors ligne"
PASSPHRASE_VARIABLE = "GUICHET_REPLICA_PASSPHRASE"
_WHAT = "La clé de la permanence hors ligne"


def account(path: str | os.PathLike) -> str:
    """The keyring account of the replica file ``path``: its resolved path."""
    return str(Path(path).expanduser().resolve())


def keyring_usable() -> bool:
    """Whether a keyring can keep a replica's key here; if not, make it with a passphrase."""
    from keyring.backends import chainer, fail, null

    try:
        backend = keyring.get_keyring()
    except KeyringError:
        return False
    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    return not (isinstance(backend, chainer.ChainerBackend) and not backend.backends)


def save_key(path: str | os.PathLike, key: bytes) -> None:
    """Keep the key of the replica ``path`` (refused in French when no keyring is usable)."""
    if len(key) != KEY_BYTES:
        raise ValueError(f"a replica's key is {KEY_BYTES} bytes")
    if not keyring_usable():
        raise CredentialsUnavailable(
            "Ce poste n'a pas de trousseau de mots de passe utilisable : la clé de la "
            "permanence hors ligne ne peut pas y être gardée. Choisissez une phrase de passe.")
    keyring_call(keyring.set_password, SERVICE, account(path), key.hex(), what=_WHAT)


def _saved_text(path: str | os.PathLike) -> str | None:
    if not keyring_usable():
        return None
    return keyring_call(keyring.get_password, SERVICE, account(path), what=_WHAT)


def load_key(path: str | os.PathLike) -> bytes | None:
    """The key kept for the replica ``path`` (None: none, or no keyring)."""
    text = _saved_text(path)
    if text is None:
        return None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise ReplicaLocked(
            f"La clé gardée dans le trousseau pour la permanence hors ligne « {path} » est "
            "illisible : le fichier ne peut pas être ouvert. Il n'a pas été modifié.")
    return key


def forget_key(path: str | os.PathLike) -> None:
    """Remove the key of the replica ``path`` from the keyring (nothing if there is none)."""
    if _saved_text(path) is not None:
        keyring_call(keyring.delete_password, SERVICE, account(path), what=_WHAT)


# -- opening an encrypted file -----------------------------------------------------------------

def saved_cipher(path: str | os.PathLike) -> tuple[ReplicaCipher | None, str]:
    """The cipher of the encrypted file ``path`` found without asking anyone: its key in the
    keyring, else the passphrase of ``GUICHET_REPLICA_PASSPHRASE``. ``(None, why)`` when the
    passphrase must be asked (``why``: a keyring that failed, in French, or "")."""
    trouble = ""
    try:
        key = load_key(path)
    except CredentialsUnavailable as error:
        log.warning("replica key: keyring unavailable (%s)", type(error.__cause__).__name__)
        key, trouble = None, str(error)
    if key is not None:
        return ReplicaCipher.from_key(key), ""
    passphrase = os.environ.get(PASSPHRASE_VARIABLE)
    if passphrase:
        return ReplicaCipher.from_passphrase(passphrase), ""
    return None, trouble


def not_unlocked(path: str | os.PathLike, trouble: str = "") -> ReplicaLocked:
    """The refusal when neither a key nor a passphrase was found for ``path``."""
    return ReplicaLocked(
        f"Le fichier « {path} » est une permanence hors ligne chiffrée : sa clé n'est pas "
        "dans le trousseau de ce poste et aucune phrase de passe n'a été donnée (saisie, ou "
        f"variable {PASSPHRASE_VARIABLE}). Il n'a pas été modifié." + (f" {trouble}"
                                                                        if trouble else ""))


def unlock(path: str | os.PathLike, ask: Callable[[], str | None] | None = None
           ) -> ReplicaCipher:
    """The cipher of the encrypted file ``path``: ``saved_cipher``'s, else the passphrase
    ``ask()`` returns (None or no ``ask``: nobody to ask, refused in French)."""
    cipher, trouble = saved_cipher(path)
    if cipher is not None:
        return cipher
    passphrase = ask() if ask is not None else None
    if not passphrase:
        raise not_unlocked(path, trouble)
    return ReplicaCipher.from_passphrase(passphrase)


def try_passphrase(path: str | os.PathLike, passphrase: str) -> ReplicaCipher:
    """The cipher of ``passphrase`` once it is checked to open ``path`` (else
    ``ReplicaLocked``): SQLCipher's key derivation takes a fraction of a second."""
    cipher = ReplicaCipher.from_passphrase(passphrase)
    cipher.check(path)
    return cipher
