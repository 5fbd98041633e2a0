"""The new-starter rule without the database (patients/new_starters.py,
docs/domain.md#new-starters): each edge on both sides."""

from datetime import date, timedelta

from patients.new_starters import (
    MonthCount,
    continues_past,
    history_covers,
    is_new_start,
    new_start,
    starts,
    window_start,
)

T = date(2026, 11, 30)


def test_a_first_prescription_exactly_56_days_ago_is_a_new_start():
    edge = T - timedelta(days=56)
    assert window_start(T) == edge
    assert new_start([edge], T) == edge


def test_a_first_prescription_57_days_ago_is_outside_the_eight_weeks():
    assert new_start([T - timedelta(days=57)], T) is None


def test_a_first_prescription_today_is_a_new_start_and_a_future_one_is_not_looked_at():
    assert new_start([T], T) == T
    assert new_start([T + timedelta(days=1)], T) is None


def test_a_prescription_exactly_12_months_before_the_start_leaves_it_a_new_start():
    start = date(2026, 11, 10)
    assert is_new_start(start, date(2025, 11, 10))
    assert new_start([date(2025, 11, 10), start], T) == start


def test_a_prescription_a_day_less_than_12_months_before_makes_it_no_new_start():
    start = date(2026, 11, 10)
    assert not is_new_start(start, date(2025, 11, 11))
    assert new_start([date(2025, 11, 11), start], T) is None


def test_the_twelve_months_are_clamped_at_the_end_of_february():
    # 29 Feb 2028 minus 12 months is 28 Feb 2027 (clamped at the month's end).
    assert is_new_start(date(2028, 2, 29), date(2027, 2, 28))
    assert not is_new_start(date(2028, 2, 29), date(2027, 3, 1))


def test_an_earlier_prescription_in_the_window_makes_the_start_that_one():
    first, second = T - timedelta(days=50), T - timedelta(days=10)
    assert new_start([second, first], T) == first


def test_a_user_who_started_before_the_window_is_no_new_starter():
    # Started 9 weeks ago, again 3 weeks ago: the start is outside the eight weeks.
    assert new_start([T - timedelta(days=63), T - timedelta(days=21)], T) is None


def test_a_patient_without_prescriptions_is_no_new_starter():
    assert new_start([], T) is None


def test_starts_in_a_history():
    days = [date(2024, 1, 5), date(2024, 3, 1), date(2025, 3, 1), date(2025, 3, 2),
            date(2026, 6, 1)]
    # 2025-03-01 is exactly 12 months after 2024-03-01: a new start; 2026-06-01 too.
    assert starts(days) == [date(2024, 1, 5), date(2025, 3, 1), date(2026, 6, 1)]


def test_history_covers_only_a_full_year_of_data_before_the_start():
    start = date(2026, 10, 15)
    assert history_covers(start, date(2025, 10, 15))
    assert not history_covers(start, date(2025, 10, 16))
    assert not history_covers(start, None)


def test_use_past_the_agreed_date_is_a_prescription_after_it():
    end = date(2026, 12, 1)
    assert continues_past(end, date(2026, 12, 2))
    assert not continues_past(end, date(2026, 12, 1))  # on the date itself: not past
    assert not continues_past(end, None)


def test_the_share_with_an_agreement_is_rounded_half_up():
    assert MonthCount(date(2026, 1, 1), "X", 8, 1).share == 13  # 12.5 → 13
    assert MonthCount(date(2026, 1, 1), "X", 3, 2).share == 67
    assert MonthCount(date(2026, 1, 1), "X", 0, 0).share is None
