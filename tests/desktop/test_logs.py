"""The log file never keeps a NIR, whatever a message or a traceback carries, and only its
user reads it."""

from __future__ import annotations

import logging
import stat

from desktop.logs import RedactingFormatter, setup_logging


def formatted(message: str, *args, exc_info=None) -> str:
    record = logging.LogRecord("guichet", logging.INFO, __file__, 1, message, args, exc_info)
    return RedactingFormatter("%(message)s").format(record)


def test_nirs_are_masked_spaced_or_not():
    for nir in ("184127645108946", "1 84 12 76 451 089 46", "2690 52A 004 012"):
        assert formatted("import refused for %s at line 3", nir) == (
            "import refused for [NIR masqué] at line 3")


def test_other_numbers_are_kept():
    assert formatted("search took %d ms for %s rows", 12, "200000") == (
        "search took 12 ms for 200000 rows")


def test_a_traceback_quoting_a_nir_is_masked_too():
    try:
        raise ValueError("INSERT INTO person (nir) VALUES ('184127645108946')")
    except ValueError as error:
        text = formatted("import failed", exc_info=(type(error), error, error.__traceback__))
    assert "Traceback" in text and "184127645108946" not in text
    assert "[NIR masqué]" in text


def test_the_log_file_is_readable_by_its_user_only():
    path = setup_logging()
    logging.getLogger("guichet.test").info("a line")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
