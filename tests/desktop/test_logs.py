"""The log file never keeps a NIR, whatever a message carries."""

from __future__ import annotations

import logging

from desktop.logs import RedactNirFilter


def record(message: str, *args) -> logging.LogRecord:
    return logging.LogRecord("guichet", logging.INFO, __file__, 1, message, args, None)


def test_nirs_are_masked_spaced_or_not():
    for nir in ("184127645108946", "1 84 12 76 451 089 46", "2690 52A 004 012"):
        entry = record("import refused for %s at line 3", nir)
        RedactNirFilter().filter(entry)
        assert entry.getMessage() == "import refused for [NIR masqué] at line 3"


def test_other_numbers_are_kept():
    entry = record("search took %d ms for %s rows", 12, "200000")
    RedactNirFilter().filter(entry)
    assert entry.getMessage() == "search took 12 ms for 200000 rows"
