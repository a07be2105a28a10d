"""The server password, kept in the operating system's keyring and never in a file."""

from __future__ import annotations

import keyring
from keyring.errors import KeyringError

from db.errors import GuichetError

SERVICE = "Guichet"


class CredentialsUnavailable(GuichetError):
    pass


def _call(function, *args):
    try:
        return function(*args)
    except KeyringError as error:
        raise CredentialsUnavailable(
            "Le trousseau de mots de passe du système n'est pas accessible "
            f"({error.__class__.__name__}). Le mot de passe du serveur ne peut pas être lu "
            "ni enregistré."
        ) from error


def server_password(account: str) -> str | None:
    """``account`` is the server address without password, e.g. ``guichet@srv/guichet``."""
    return _call(keyring.get_password, SERVICE, account)


def store_server_password(account: str, password: str) -> None:
    _call(keyring.set_password, SERVICE, account, password)


def forget_server_password(account: str) -> None:
    if server_password(account) is not None:
        _call(keyring.delete_password, SERVICE, account)
