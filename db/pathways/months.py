"""Pathway months: a month is always the ``date`` of its first day (``db.months``), and the
month every screen opens on."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import exists, select

from db.months import add_months, first_of_month
from db.pathways.models import PathwayEntry
from db.unit import Unit

__all__ = ["first_of_month", "month_to_show", "parse_month"]

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> date:
    """« 2026-10 » → 1 October 2026; ``ValueError`` with a French message otherwise."""
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"mois attendu au format AAAA-MM (exemple : 2026-10), pas « {text} »")
    return date(int(match[1]), int(match[2]), 1)


def month_to_show(unit: Unit, today: date) -> date:
    """The month the dashboard, the Parcours page and the monthly report open on: the
    current month once it has data — its pathway cohort imported —, else the last complete
    month.

    The cohort of month M arrives early in M+1, so in practice this is the month just
    ended: its figures are complete, it is the month a manager reports on, and its worklist
    is the one the advisers are calling. A cohort imported early makes it the current one
    everywhere at once. Whether a cohort exists is all it reads: no permission needed.
    """
    current = first_of_month(today)
    has_cohort = unit.session.scalar(select(exists().where(PathwayEntry.month == current)))
    return current if has_cohort else add_months(current, -1)
