"""The server password, kept in the operating system's keyring and never in a file."""

from __future__ import annotations

import keyring
from keyring.errors import KeyringError

from db.errors import GuichetError

SERVICE = "Guichet"


class CredentialsUnavailable(GuichetError):
    pass


def keyring_call(function, *args, what: str = "Le mot de passe du serveur"):
    """``function(*args)`` of ``keyring``; a keyring that fails is said in French (``what``
    cannot be read or saved)."""
    try:
        return function(*args)
    except KeyringError as error:
        raise CredentialsUnavailable(
            "Le trousseau de mots de passe du système n'est pas accessible "
            f"({error.__class__.__name__}). {what} ne peut pas être lu "
            "ni enregistré."
        ) from error


def server_password(account: str) -> str | None:
    """``account`` is the server address without password, e.g. ``guichet@srv/guichet``."""
    return keyring_call(keyring.get_password, SERVICE, account)


def store_server_password(account: str, password: str) -> None:
    keyring_call(keyring.set_password, SERVICE, account, password)


def forget_server_password(account: str) -> None:
    if server_password(account) is not None:
        keyring_call(keyring.delete_password, SERVICE, account)
