"""The SMTP account's password: in this computer's keyring (saved from Administration ›
Messages), or — for the office's scheduled task on a server — in a file only that job's
account can read, named by ``GUICHET_SMTP_PASSWORD_FILE``. Never in the database or a log."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from db.messages.sender import SmtpServer
from desktop import credentials

PASSWORD_FILE = "GUICHET_SMTP_PASSWORD_FILE"


def account(server: SmtpServer) -> str:
    """The keyring's name for the account (the database server's sit beside it)."""
    return f"smtp:{server.user}@{server.host}:{server.port}"


def with_password(server: SmtpServer | None) -> SmtpServer | None:
    """``server`` with its account's password, when it has an account."""
    if server is None or not server.user:
        return server
    password = credentials.server_password(account(server))
    if password is None and os.environ.get(PASSWORD_FILE):
        password = Path(os.environ[PASSWORD_FILE]).read_text(encoding="utf-8").strip()
    return replace(server, password=password)


def store_password(server: SmtpServer, password: str) -> None:
    credentials.store_server_password(account(server), password)


def has_password(server: SmtpServer) -> bool:
    return credentials.server_password(account(server)) is not None
