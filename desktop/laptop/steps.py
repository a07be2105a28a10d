"""The steps of a permanence's life shared by the command line (``desktop.cli_replica``)
and the GUI (``desktop.laptop``), without Qt: signing in on the server as the account,
building the replica with its key in the keyring (else a passphrase), a sync that takes the
password the server just accepted, and giving the permanence back (the file, its automatic
copies and its key wiped).

The server being out of reach — no network at the counter, a cable pulled mid-sync — is
said in French (``ServerUnreachable``), never as a driver's error: what the laptop wrote
stays in its journal, and the next sync resumes where this one stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from db.errors import GuichetError

Progress = Callable[[int, int, str], None]
# Seconds a connection to the server may take: a laptop with no network hears so quickly.
CONNECT_TIMEOUT = 10
UNREACHABLE_SYNC = ("Le serveur n'est pas joignable : vos modifications restent sur cet "
                    "ordinateur, rien n'est perdu.")
UNREACHABLE_BUILD = ("Le serveur n'est pas joignable : la permanence n'a pas été préparée. "
                     "Vérifiez la connexion au réseau du bureau, puis recommencez.")
SUFFIX = ".guichet"


class ServerUnreachable(GuichetError):
    """The server did not answer (no network, a cut mid-way); nothing was lost."""


def _quiet(_done: int, _total: int, _label: str) -> None:
    pass


@contextmanager
def reaching_server(message: str = UNREACHABLE_SYNC) -> Iterator[None]:
    """The server out of reach becomes ``ServerUnreachable(message)``; a refused password
    and the other refusals stay what they are."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    try:
        yield
    except (OperationalError, InterfaceError) as error:
        from db.store import is_authentication_failure

        if is_authentication_failure(error):
            raise
        raise ServerUnreachable(message) from error


def office(server: str, login: str, password: str, *, unreachable: str = UNREACHABLE_SYNC):
    """The server as the account ``login``, its password checked by the server (the caller
    disposes of the store returned)."""
    from sqlalchemy.engine import make_url

    from db.org import signin
    from db.store import Store

    url = make_url(server)
    if not url.get_backend_name().startswith("postgresql"):
        raise ValueError("a permanence's server is a PostgreSQL server")
    store = Store(url.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT)}))
    with reaching_server(unreachable):
        try:
            connected, _signed = signin.sign_in(store, login, password)
        finally:
            store.dispose()  # the sign-in's own connection: the account's is another store
    return connected


def describe_server(address: str) -> str:
    """« 127.0.0.1:5432/guichet »: where a permanence syncs, for a person to read."""
    from sqlalchemy.engine import make_url

    url = make_url(address)
    port = f":{url.port}" if url.port else ""
    return f"{url.host or 'localhost'}{port}/{url.database}"


def address_without_account(url) -> str:
    """A server's address (a SQLAlchemy URL) without the account and its password."""
    from sqlalchemy.engine import URL

    return URL.create(url.drivername, host=url.host, port=url.port, database=url.database,
                      query=url.query).render_as_string(hide_password=False)


# -- building ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Permanence:
    """What to build: where, for whom, which sites (or a sector) and how many weeks."""

    server: str
    login: str
    password: str
    path: Path
    site_names: tuple[str, ...] = ()
    sector: str | None = None
    weeks: int = 4


def keyring_usable() -> bool:
    """Whether the replica's key can go to this computer's keyring (else: a passphrase)."""
    from desktop import replica_keys

    return replica_keys.keyring_usable()


def build(permanence: Permanence, passphrase: str | None = None,
          progress: Progress = _quiet) -> Path:
    """Build the permanence's replica; its key goes to the keyring, or it is encrypted with
    ``passphrase`` where no keyring is usable (``passphrase`` None there: refused). Returns
    the file."""
    from db.replica.cipher import ReplicaCipher, new_key
    from db.sync import laptop
    from desktop import replica_keys

    path = permanence.path.expanduser().resolve()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if replica_keys.keyring_usable():
        key = new_key()
        cipher = ReplicaCipher.from_key(key)
    elif passphrase:
        key, cipher = None, ReplicaCipher.from_passphrase(passphrase)
    else:
        raise replica_keys.CredentialsUnavailable(
            "Ce poste n'a pas de trousseau de mots de passe utilisable : choisissez une "
            "phrase de passe pour chiffrer la permanence.")
    remote = office(permanence.server, permanence.login, permanence.password,
                    unreachable=UNREACHABLE_BUILD)
    existed = path.exists()
    try:
        with reaching_server(UNREACHABLE_BUILD):
            replica = laptop.build(remote, permanence.login, permanence.password, path, cipher,
                                   site_names=list(permanence.site_names) or None,
                                   sector=permanence.sector, weeks=permanence.weeks,
                                   progress=progress)
        replica.dispose()
        if key is not None:
            replica_keys.save_key(path, key)
    except BaseException:
        if not existed:  # a permanence half written (the network cut) is not left behind
            _wipe_quietly(path)
        raise
    finally:
        remote.dispose()
    return path


def _wipe_quietly(path: Path) -> None:
    import contextlib

    from db.replica.cipher import wipe

    with contextlib.suppress(OSError, GuichetError):
        wipe(path)


def default_path(folder: Path | None = None, today: date | None = None) -> Path:
    """Where a new permanence goes: the user's data directory, a name that says the day it
    was prepared and nothing of anyone (« permanence-2026-12-03.guichet », then « -2 »…)."""
    import platformdirs

    from desktop.settings import APP_NAME

    folder = folder or platformdirs.user_data_path(APP_NAME, appauthor=False) / "permanences"
    stem = f"permanence-{today or date.today():%Y-%m-%d}"
    candidate, number = folder / f"{stem}{SUFFIX}", 1
    while candidate.exists():
        number += 1
        candidate = folder / f"{stem}-{number}{SUFFIX}"
    return candidate


# -- syncing and giving back -------------------------------------------------------------------

def synced(replica, password: str, progress: Progress = _quiet):
    """Push then pull as the replica's account; the password the server just accepted is
    the laptop's from now on too (one changed at the office is taken). The report."""
    from db.sync import laptop

    known = laptop.state(replica)
    remote = office(known["server"], known["login"], password)
    try:
        with reaching_server():
            report = laptop.sync(replica, remote, progress)
    finally:
        remote.dispose()
    laptop.remember_password(replica, known["login"], password)
    return report


def give_back(replica) -> Path:
    """Wipe the permanence: its automatic copies, the file itself, then its key. Every
    connection to it must be closed: it is let go here first. Returns the file wiped."""
    from db.lifecycle.backup import wipe_automatic_backups
    from db.replica.cipher import wipe
    from desktop import replica_keys

    path = replica.sqlite_path
    replica.dispose()
    wipe_automatic_backups(replica)
    wipe(path)
    replica_keys.forget_key(path)
    return path
