"""User settings (QSettings) and the database they point at."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from PySide6.QtCore import QSettings
from sqlalchemy.engine import URL

from db.store import normalise_url

if TYPE_CHECKING:
    from widgets.dialog_layout import SizeMemory

log = logging.getLogger(__name__)

APP_NAME = "Guichet"
THEMES = {"system": "Celui du système", "light": "Clair", "dark": "Sombre"}


def default_database_path() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "guichet.sqlite3"


class Settings:
    """Typed access to the persistent settings of this computer's user."""

    def __init__(self, qsettings: QSettings | None = None):
        self._q = qsettings or QSettings(APP_NAME, APP_NAME)

    def _get(self, key: str, default: str) -> str:
        return str(self._q.value(key, default))

    @property
    def database_mode(self) -> str:
        """``local`` (SQLite file) or ``server`` (PostgreSQL)."""
        return self._get("database/mode", "local")

    @property
    def local_path(self) -> Path:
        return Path(self._get("database/local_path", str(default_database_path())))

    @property
    def server_url(self) -> str:
        """``postgresql://user@host:port/database`` — never with the password."""
        return self._get("database/server_url", "")

    @property
    def default_site_id(self) -> str:
        return self._get("general/default_site", "")

    @property
    def theme(self) -> str:
        value = self._get("general/theme", "system")
        return value if value in THEMES else "system"

    @property
    def last_login(self) -> str:
        return self._get("general/last_login", "")

    def dialog_size(self, key: str) -> str:
        """The size a dialog was last left at (« 900x640 »), "" when never."""
        return self._get(f"dialogs/{key}", "")

    def save_dialog_size(self, key: str, size: str) -> None:
        self._q.setValue(f"dialogs/{key}", size)

    def save(self, **values: str) -> None:
        keys = {
            "database_mode": "database/mode",
            "local_path": "database/local_path",
            "server_url": "database/server_url",
            "default_site_id": "general/default_site",
            "theme": "general/theme",
            "last_login": "general/last_login",
        }
        for name, value in values.items():
            self._q.setValue(keys[name], str(value))
        self._q.sync()


def size_memory(settings: Settings | None = None) -> SizeMemory:
    """Where dialogs remember their size: this user's settings."""
    from widgets.dialog_layout import SizeMemory  # with the first dialog (cold start)

    settings = settings or Settings()
    return SizeMemory(settings.dialog_size, settings.save_dialog_size)


def fit_dialog(dialog, key: str) -> None:
    """Size ``dialog`` to its content, or to the size the user last left it at, never
    beyond the screen; remember its size under ``key`` when it closes."""
    from widgets.dialog_layout import size_dialog

    size_dialog(dialog, key=key, memory=size_memory())


def database_url(settings: Settings, override: str | None = None) -> URL:
    """The database to open: ``--db``, then ``GUICHET_DB``, then the settings.

    On a server, the person is the address's user, else the last one signed in here; their
    password comes from the keyring when they asked it to remember (else libpq's own
    ``PGPASSWORD``, ``~/.pgpass``, or Kerberos: the server says whether it wants one).
    """
    chosen = override or os.environ.get("GUICHET_DB")
    if not chosen:
        if settings.database_mode == "server" and settings.server_url:
            chosen = settings.server_url
        else:
            chosen = str(settings.local_path)
    url = normalise_url(chosen)
    if url.get_backend_name() != "postgresql" or url.password is not None:
        return url
    person = url if url.username else url.set(username=settings.last_login or None)
    if not person.username:
        return url
    from desktop import credentials  # keyring takes ~0.3 s to import: servers only

    try:
        password = credentials.server_password(server_account(person))
    except credentials.CredentialsUnavailable:
        # A machine without a keyring (a nightly job on a server): libpq's PGPASSWORD or
        # ~/.pgpass then apply, or the sign-in dialog asks.
        log.warning("no keyring to read the server password from")
        password = None
    return person.set(password=password) if password else url


def server_account(url: URL) -> str:
    """The keyring account name of a server: its address without password (``URL.set``
    takes None for « unchanged »: the address is made again without it)."""
    return URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                      database=url.database, query=url.query
                      ).render_as_string(hide_password=False)
