"""The evaluation rule of one participation (docs/domain.md, step 9), without the database:
each window edge from both sides, stopped and reduced at their edges, month-end clamping,
substances without a DDD and the output rounding."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from monitoring.evaluation import EvaluationWindows, Prescribed, ddd_text, evaluate

DAY = timedelta(days=1)
L = date(2026, 1, 15)  # before window (2025-01-15, 2026-01-15]: 365 days
E = date(2026, 7, 15)  # after window (2026-01-15, 2026-07-15]: 181 days; stop (2026-04-15, E]


def rx(on: date, ddd: str | None = "10") -> Prescribed:
    return Prescribed(on=on, ddd=Decimal(ddd) if ddd is not None else None)


def run(*prescriptions: Prescribed, letter: date = L, as_of: date = E):
    return evaluate(letter_date=letter, as_of=as_of, prescriptions=prescriptions)


# --- Windows -------------------------------------------------------------------------------

@pytest.mark.parametrize(("letter", "as_of", "before_start", "before_days", "after_start",
                          "after_days", "stop_start", "stop_earliest"), [
    (L, E, date(2025, 1, 15), 365, date(2026, 1, 15), 181, date(2026, 4, 15),
     date(2026, 4, 15)),
    # 31 May: three months on is 31 August; six months before 31 August is 28 February.
    (date(2026, 5, 31), date(2026, 8, 31), date(2025, 5, 31), 365, date(2026, 2, 28), 184,
     date(2026, 5, 31), date(2026, 8, 31)),
    # 30 November: three months on is clamped to 28 February.
    (date(2026, 11, 30), date(2027, 2, 28), date(2025, 11, 30), 365, date(2026, 8, 28), 184,
     date(2026, 11, 28), date(2027, 2, 28)),
    # A window over 29 February 2024 has 366 days; 31 August − 6 months in a leap year.
    (date(2024, 3, 1), date(2024, 8, 31), date(2023, 3, 1), 366, date(2024, 2, 29), 184,
     date(2024, 5, 31), date(2024, 6, 1)),
])
def test_windows_are_calendar_months_clamped_at_the_month_end(
        letter, as_of, before_start, before_days, after_start, after_days, stop_start,
        stop_earliest):
    w = EvaluationWindows.for_dates(letter, as_of)
    assert (w.before_start, w.before_days, w.after_start, w.after_days, w.stop_start,
            w.stop_earliest) == (before_start, before_days, after_start, after_days,
                                 stop_start, stop_earliest)


def test_before_window_excludes_its_start_day_and_includes_the_letter_date():
    assert run(rx(date(2025, 1, 15), "365")).ddd_before == 0
    assert run(rx(date(2025, 1, 16), "365")).ddd_before == 1
    assert run(rx(L, "365")).ddd_before == 1
    assert run(rx(L + DAY, "365")).ddd_before == 0


def test_after_window_excludes_its_start_day_and_includes_the_as_of_date():
    assert run(rx(date(2026, 1, 15), "181")).ddd_after == 0
    assert run(rx(date(2026, 1, 16), "181")).ddd_after == 1
    assert run(rx(E, "181")).ddd_after == 1
    assert run(rx(E + DAY, "181")).ddd_after == 0


def test_a_prescription_after_the_as_of_date_never_counts_not_even_before_the_letter():
    # An evaluation as of a day before the letter looks back from that day only.
    result = run(rx(date(2025, 12, 1), "365"), rx(date(2026, 1, 10), "365"),
                 as_of=date(2025, 12, 31))
    assert result.ddd_before == 1


def test_ddd_per_day_is_divided_by_the_days_of_the_window_not_by_365():
    leap = run(rx(date(2024, 2, 29), "366"), letter=date(2024, 3, 1), as_of=date(2024, 3, 1))
    assert leap.ddd_before == 1
    # 184 days after 31 August: (28 February, 31 August].
    result = run(rx(date(2026, 8, 31), "92"), letter=date(2026, 5, 31), as_of=date(2026, 8, 31))
    assert result.ddd_after == Decimal("0.5")


# --- Stopped -------------------------------------------------------------------------------

def test_stopped_exactly_three_months_after_the_letter():
    result = run(rx(L, "365"), as_of=date(2026, 4, 15))
    # E − 3 months is then the letter date itself: a prescription on it is outside.
    assert result.stopped is True


def test_not_stopped_a_day_before_three_months_after_the_letter():
    assert run(as_of=date(2026, 4, 14)).stopped is False


def test_three_months_after_a_letter_on_the_31st_is_the_month_end():
    letter = date(2026, 5, 31)
    assert run(letter=letter, as_of=date(2026, 8, 31)).stopped is True
    assert run(letter=letter, as_of=date(2026, 8, 30)).stopped is False
    letter = date(2026, 11, 30)
    assert run(letter=letter, as_of=date(2027, 2, 28)).stopped is True
    assert run(letter=letter, as_of=date(2027, 2, 27)).stopped is False


def test_a_prescription_on_the_stop_window_start_day_is_outside_it():
    assert run(rx(date(2026, 4, 15))).stopped is True
    assert run(rx(date(2026, 4, 16))).stopped is False
    assert run(rx(E)).stopped is False


def test_a_substance_without_a_ddd_still_prevents_stopped_but_adds_no_ddd():
    result = run(rx(date(2025, 6, 1), "365"), rx(date(2026, 6, 1), None))
    assert result.stopped is False
    assert result.ddd_after == 0
    assert result.ddd_before == 1
    assert result.reduced is True  # 0 ≤ 0.75 × 1


def test_a_stopper_is_not_reduced():
    result = run(rx(date(2025, 6, 1), "365"))
    assert (result.stopped, result.reduced) == (True, False)


# --- Reduced -------------------------------------------------------------------------------
# ddd_before = 1460 / 365 = 4 per day; 0.75 × 4 = 3 per day = 543 DDD over 181 days.

@pytest.mark.parametrize(("after_total", "reduced"), [
    ("543", True),  # exactly 0.75 ×: at least 25% lower
    ("542.9999", True),
    ("543.0001", False),  # a hair above, although both round to 3.00
    ("1000", False),
])
def test_reduced_compares_exact_values_at_three_quarters(after_total, reduced):
    result = run(rx(date(2025, 6, 1), "1460"), rx(date(2026, 6, 1), after_total))
    assert result.ddd_before == 4
    assert result.stopped is False
    assert result.reduced is reduced


def test_not_reduced_when_there_was_no_use_before_the_letter():
    result = run(rx(date(2026, 6, 1), None))
    assert (result.ddd_before, result.ddd_after, result.stopped, result.reduced) == (
        0, 0, False, False)


def test_reduced_only_when_use_before_was_above_zero():
    result = run(rx(date(2025, 6, 1), None), rx(date(2026, 6, 1), "0"))
    assert result.ddd_before == 0
    assert result.reduced is False


def test_no_prescriptions_at_all_before_three_months_is_neither_stopped_nor_reduced():
    result = run(as_of=date(2026, 3, 1))
    assert (result.ddd_before, result.ddd_after, result.stopped, result.reduced) == (
        0, 0, False, False)


# --- Output --------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "text"), [
    (Decimal(0), "0.00"), (Decimal("0.005"), "0.01"), (Decimal("0.0049999"), "0.00"),
    (Decimal("0.125"), "0.13"), (Decimal("2.675"), "2.68"), (Decimal("12"), "12.00"),
])
def test_ddd_text_rounds_half_up_to_two_decimals(value, text):
    assert ddd_text(value) == text


def test_figures_are_returned_unrounded():
    result = run(rx(date(2025, 6, 1), "1"))
    tiny = Decimal("1e-25")
    assert result.ddd_before.quantize(tiny) == (Decimal(1) / Decimal(365)).quantize(tiny)
    assert ddd_text(result.ddd_before) == "0.00"
