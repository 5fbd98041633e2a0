"""The calendar rules (patients/dates.py): no database needed."""

from datetime import date

from patients.dates import call_again_on, dutch_holidays, is_working_day, wait_period_end


def test_the_wait_ends_the_configured_number_of_days_after_mailing():
    assert wait_period_end(date(2026, 10, 1), 28) == date(2026, 10, 29)
    assert wait_period_end(date(2026, 12, 20), 31) == date(2027, 1, 20)


def test_call_again_is_calendar_months_on_and_clamped_at_the_month_end():
    assert call_again_on(date(2026, 11, 30), 2) == date(2027, 1, 30)
    assert call_again_on(date(2026, 12, 31), 2) == date(2027, 2, 28)
    assert call_again_on(date(2027, 12, 31), 2) == date(2028, 2, 29)  # a leap year


def test_good_friday_is_open_and_easter_monday_closed():
    assert is_working_day(date(2026, 4, 3))  # Good Friday 2026
    assert not is_working_day(date(2026, 4, 6))  # Easter Monday 2026
    assert not is_working_day(date(2026, 4, 4))  # a Saturday


def test_liberation_day_is_a_day_off_only_every_fifth_year():
    assert date(2030, 5, 5) in dutch_holidays(2030)
    assert date(2031, 5, 5) not in dutch_holidays(2031)
    assert not is_working_day(date(2025, 5, 5)) and is_working_day(date(2026, 5, 5))
