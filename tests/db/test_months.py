"""Months: the arithmetic every area shares, and the month the screens and the report open on."""

from __future__ import annotations

from datetime import date

from db.months import add_months, last_months, months_between
from db.pathways.extract_import import import_extract
from db.pathways.months import month_to_show
from db.roles import Role
from tests.db.test_pathway_import import PEOPLE, extract


def test_month_arithmetic():
    assert add_months(date(2026, 12, 3), 1) == date(2027, 1, 1)
    assert add_months(date(2026, 1, 31), -1) == date(2025, 12, 1)
    assert months_between(date(2026, 11, 30), date(2027, 1, 2)) == [
        date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)]
    # 3 months on 03/12: October to December, however long the months before are.
    assert last_months(date(2026, 12, 3), 3) == [
        date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)]
    assert last_months(date(2026, 3, 31), 3) == [
        date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]


def test_the_month_to_show_is_the_last_complete_one_until_the_current_has_its_cohort(
        store, actors):
    """December: November (its cohort being called, its figures complete) until a December
    cohort is imported — then December, for every screen at once."""
    today = date(2026, 12, 3)
    with store.unit(actors[Role.MANAGER]) as unit:
        assert month_to_show(unit, today) == date(2026, 11, 1)
    with store.unit(actors[Role.ADVISER]) as unit:
        import_extract(unit, "ald", extract(PEOPLE), month=date(2026, 12, 1), today=today)
    with store.unit(actors[Role.MEDIATOR]) as unit:  # no pathway right needed
        assert month_to_show(unit, today) == date(2026, 12, 1)
