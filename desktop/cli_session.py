"""What every command of ``guichet`` shares: its database, who runs it, its refusals.

A command given ``--login LOGIN`` signs in as that account: with the password read from
``--password-stdin`` (one line) or asked on the terminal — on a server, only if the server
asks for one (Kerberos, ``.pgpass``) — and runs with that account's permissions. Without
``--login`` a command is a system job, audited as « système »; the services let only the
system jobs through (``unit.require(..., system=True)``), so no command skips the checks.

An encrypted file (an offline laptop's replica) is opened with its key from the keyring, else
with the passphrase of ``GUICHET_REPLICA_PASSPHRASE``, else one typed on the terminal; with
none, the command is refused (exit 3).
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_REFUSED = 0, 1, 2, 3


class UsageError(Exception):
    """A command line that does not make sense: exit 2."""


@dataclass
class Passwords:
    """Where the command's passwords come from: the lines of standard input when
    ``--password-stdin`` is given (the signed-in account's first, then a new one), else
    the terminal."""

    from_stdin: bool
    _lines: Iterator[str] | None = field(default=None, repr=False)

    def read(self, prompt: str) -> str:
        if self.from_stdin:
            if self._lines is None:
                self._lines = iter(sys.stdin.readline, "")
            line = next(self._lines, "")
            if not line:
                raise UsageError("mot de passe attendu sur l'entrée standard "
                                 "(--password-stdin), qui est vide")
            return line.rstrip("\r\n")
        if not sys.stdin.isatty():
            raise UsageError("mot de passe attendu : donnez-le avec --password-stdin, ou "
                             "lancez la commande depuis un terminal")
        return getpass.getpass(prompt)


def passwords(args) -> Passwords:
    return Passwords(bool(getattr(args, "password_stdin", False)))


def open_store(args, create: bool = True):
    """The command's store; ``create``: with its schema created or migrated first."""
    from db.store import Store, open_store
    from desktop.settings import Settings, database_url

    url = database_url(Settings(), args.db)
    store = Store(url)
    if store.needs_key:  # an encrypted replica: only then is the keyring imported
        from desktop import replica_keys

        store = Store(url, replica_keys.unlock(store.sqlite_path, _typed_passphrase))
    if not create:
        return store
    store.dispose()
    return open_store(url, store.cipher)


def _typed_passphrase() -> str | None:
    """The replica's passphrase typed on the terminal (None: no terminal to ask on)."""
    if not sys.stdin.isatty():
        return None
    return getpass.getpass("Phrase de passe de la permanence hors ligne : ")


def sign_in(store, login: str, source: Passwords):
    """``(store, actor)`` of the account ``login``, its password checked."""
    from db.errors import AuthenticationFailed
    from db.org import signin

    if not store.is_sqlite:
        try:  # the server may know the person without a password
            return _actor_of(signin.sign_in(store, login, None))
        except AuthenticationFailed:
            pass
    password = source.read(f"Mot de passe de {login} : ")
    return _actor_of(signin.sign_in(store, login, password))


def _actor_of(signed_in):
    store, signed = signed_in
    return store, signed.actor


def in_unit(args, work: Callable, login: str | None = None, *,
            system_actor: Callable[[], object] = lambda: None):
    """``work(unit)`` in one unit of work on the command's database, then let it go: as the
    account ``login`` once signed in, else as ``system_actor()`` (None: the system)."""
    with session(args, login) as (store, actor), \
            store.unit(actor if login else system_actor()) as unit:
        return work(unit)


@contextmanager
def session(args, login: str | None):
    """The store and the actor of a command (``login`` None: the system, actor None)."""
    base = open_store(args)
    store, actor = base, None
    try:
        if login:
            store, actor = sign_in(base, login, passwords(args))
        yield store, actor
    finally:
        if store is not base:
            store.dispose()
        base.dispose()


def add_login_options(parser, what: str, *, required: bool = False) -> None:
    """``--login`` and ``--password-stdin`` on a command's parser."""
    parser.add_argument("--login", metavar="IDENTIFIANT", required=required,
                        help=f"compte au nom duquel {what} (son mot de passe est demandé)")
    parser.add_argument("--password-stdin", action="store_true",
                        help="lit le mot de passe du compte sur l'entrée standard (une ligne)")

