"""Working days with the public holidays of each French subdivision."""

from __future__ import annotations

from datetime import date

from db.workdays import WorkingCalendar


def test_easter_monday_and_weekends_are_not_worked():
    isere = WorkingCalendar("38")
    assert isere.holiday_name(date(2026, 4, 6)) == "Lundi de Pâques"
    assert not isere.is_working_day(date(2026, 4, 4))  # Saturday
    # Thursday 2 April + 2 working days: Friday 3, (weekend, Easter Monday) Tuesday 7.
    assert isere.add_working_days(date(2026, 4, 2), 2) == date(2026, 4, 7)
    assert isere.add_working_days(date(2026, 4, 7), -2) == date(2026, 4, 2)


def test_alsace_moselle_keeps_good_friday_and_saint_stephen():
    assert not WorkingCalendar("57").is_working_day(date(2026, 4, 3))
    assert not WorkingCalendar("67").is_working_day(date(2025, 12, 26))  # a Friday
    assert WorkingCalendar("38").is_working_day(date(2026, 4, 3))
    assert WorkingCalendar("38").is_working_day(date(2025, 12, 26))


def test_overseas_departments_have_their_own_days():
    assert WorkingCalendar("971").holiday_name(date(2026, 5, 27)) is not None
    assert WorkingCalendar("974").holiday_name(date(2026, 12, 20)) is not None
    assert WorkingCalendar("38").holiday_name(date(2026, 5, 27)) is None


def test_working_days_between_counts_the_end_not_the_start():
    calendar = WorkingCalendar("38")
    assert calendar.working_days_between(date(2026, 11, 6), date(2026, 11, 13)) == 4  # 11/11
    assert calendar.working_days_between(date(2026, 11, 13), date(2026, 11, 6)) == -4
