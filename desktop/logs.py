"""Rotating log file in the user's log directory; NIR-shaped numbers never reach it."""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
from pathlib import Path

import platformdirs

APP_NAME = "Guichet"
# 13 characters (+ key) that may be a NIR, however spaced; Corsica's 2A/2B included.
# It also catches other long numbers (millisecond timestamps): harmless in a log.
_NIR_PATTERN = re.compile(r"\b[1278](?:\s?[0-9AB]){12}(?:\s?[0-9]{2})?\b")


def redact(text: str) -> str:
    return _NIR_PATTERN.sub("[NIR masqué]", text)


class RedactingFormatter(logging.Formatter):
    """Defence in depth: code never logs a NIR, and if a message, a traceback or an
    exception's text (a database error quoting a statement's values) carried one, the file
    would not keep it."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class PrivateFileHandler(logging.handlers.RotatingFileHandler):
    """The log file and its rotated copies are readable by their user only (0600)."""

    def _open(self):
        descriptor = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.chmod(self.baseFilename, 0o600)  # a file made before this version: 0644
        return os.fdopen(descriptor, self.mode, encoding=self.encoding, errors=self.errors)


def log_dir() -> Path:
    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def setup_logging(level: int = logging.INFO) -> Path:
    """Send the application's logs to ``guichet.log`` (5 × 1 MB); returns the file path."""
    directory = log_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / "guichet.log"
    root = logging.getLogger()
    if not any(getattr(h, "guichet", False) for h in root.handlers):
        handler = PrivateFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
        handler.guichet = True
        handler.setFormatter(RedactingFormatter(
            "%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(level)
    return path
