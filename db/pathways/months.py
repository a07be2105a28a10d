"""Pathway months: a month is always the ``date`` of its first day."""

from __future__ import annotations

import re
from datetime import date

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> date:
    """« 2026-10 » → 1 October 2026; ``ValueError`` with a French message otherwise."""
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"mois attendu au format AAAA-MM (exemple : 2026-10), pas « {text} »")
    return date(int(match[1]), int(match[2]), 1)


def first_of_month(day: date) -> date:
    return day.replace(day=1)
