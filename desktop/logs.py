"""Rotating log file in the user's log directory; NIR-shaped numbers never reach it."""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

import platformdirs

APP_NAME = "Guichet"
# 13 characters (+ key) that may be a NIR, however spaced; Corsica's 2A/2B included.
# It also catches other long numbers (millisecond timestamps): harmless in a log.
_NIR_PATTERN = re.compile(r"\b[1278](?:\s?[0-9AB]){12}(?:\s?[0-9]{2})?\b")


class RedactNirFilter(logging.Filter):
    """Defence in depth: code never logs a NIR, and if it did the file would not keep it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _NIR_PATTERN.sub("[NIR masqué]", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def log_dir() -> Path:
    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def setup_logging(level: int = logging.INFO) -> Path:
    """Send the application's logs to ``guichet.log`` (5 × 1 MB); returns the file path."""
    directory = log_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "guichet.log"
    root = logging.getLogger()
    if not any(getattr(h, "guichet", False) for h in root.handlers):
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
        handler.guichet = True
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(RedactNirFilter())
        root.addHandler(handler)
        root.setLevel(level)
    return path
