"""Months as Guichet counts them: a month is the ``date`` of its first day. The arithmetic every
area shares (a pathway cohort, a dashboard month, the preparation rates over a few months)."""

from __future__ import annotations

from datetime import date


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    """The first day of the month ``count`` months after ``month``'s (before, if negative)."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """Every month from ``first``'s to ``last``'s, both included, oldest first."""
    months, month, last = [], first_of_month(first), first_of_month(last)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def last_months(today: date, count: int) -> list[date]:
    """The ``count`` months ending with ``today``'s, oldest first (3: this one and the two
    before it)."""
    current = first_of_month(today)
    return months_between(add_months(current, 1 - count), current)
