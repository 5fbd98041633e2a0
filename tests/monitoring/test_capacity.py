"""The capacity arithmetic (monitoring/capacity.py, docs/domain.md#capacity-planning), without
a database: the worked example of the docs computed by hand, and the edges."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from monitoring.capacity import (
    CapacityError,
    PlanPeriod,
    eligible_patients,
    expected_by_month,
    letters_that_fit,
    minutes_per_month,
    plan,
)

# The reference figures as migration 0001 stores them: 66.67% and 50%.
TWO_THIRDS = Decimal("0.6667")
HALF = Decimal("0.5")


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


def worked(**changes):
    args = {"hours_per_week": Decimal(4), "minutes_per_call": 10, "minutes_per_consult": 30,
            "groslijst_size": 150, "eligible_ratio": TWO_THIRDS, "consult_ratio": HALF}
    return plan(**{**args, **changes})


def test_the_worked_example_of_the_docs():
    # By hand (docs/domain.md#capacity-planning, "A worked example"):
    # 1. Minutes a month: 4 hours × 60 = 240 minutes a week; × 52 weeks ÷ 12 months
    #    = 12,480 ÷ 12 = 1,040 minutes a month.
    # 2. One letter: 1 call × 10 min = 10, plus 1/2 of a consult × 30 min = 15: 25 minutes.
    # 3. Letters a month that fit: 1,040 ÷ 25 = 41.6 → rounded down: 41
    #    (41 × 25 = 1,025 ≤ 1,040; 42 × 25 = 1,050 > 1,040).
    # 4. Eligible: 150 × 0.6667 = 100.005 → 100 patients; none mailed yet, so 100 to go.
    # 5. Once a month: 41 ÷ 1 = 41 letters per batch, 41 a month, 41 calls, 20.5 consults,
    #    41 × 25 = 1,025 minutes; 100 ÷ 41 = 2.44 → 3 months.
    #    Every two weeks: 41 ÷ 2 = 20.5 → 20 per batch, 40 a month, 40 calls, 20 consults,
    #    1,000 minutes; 100 ÷ 40 = 2.5 → 3 months.
    #    Every week: 41 ÷ 4 = 10.25 → 10 per batch, 40 a month: the same month as above.
    capacity = worked()
    assert capacity.minutes_available == 1040
    assert capacity.minutes_per_letter == 25
    assert capacity.letters_per_month_fit == 41
    assert (capacity.eligible, capacity.still_to_send) == (100, 100)
    summary = [(p.batches_per_month, p.letters_per_batch, p.letters_per_month,
                p.calls_per_month, p.consults_per_month, p.minutes_per_month, p.months_needed)
               for p in capacity.proposals]
    assert summary == [
        (1, 41, 41, 41, Decimal("20.5"), 1025, 3),
        (2, 20, 40, 40, 20, 1000, 3),
        (4, 10, 40, 40, 20, 1000, 3),
    ]


def test_every_proposal_fits_the_hours():
    for hours in ("0.5", "1", "2.25", "3.5", "8", "16"):
        capacity = worked(hours_per_week=Decimal(hours), groslijst_size=3000)
        for proposal in capacity.proposals:
            assert proposal.minutes_per_month <= capacity.minutes_available
        # One more letter a month than the fastest proposal would not fit.
        fastest = capacity.proposals[0]
        assert (fastest.letters_per_month + 1) * capacity.minutes_per_letter \
            > capacity.minutes_available


def test_an_exact_fit_is_not_rounded_away():
    # 4 hours = 1,040 minutes a month; a letter of 10 + ½ × 32 = 26 minutes fits exactly
    # 40 times (40 × 26 = 1,040). With 33-minute consults a letter takes 26.5: 39 fit.
    capacity = worked(minutes_per_consult=32)
    assert capacity.minutes_per_letter == 26
    assert capacity.letters_per_month_fit == 40  # 40 × 26 = 1,040: exactly the hours
    assert worked(minutes_per_consult=33).letters_per_month_fit == 39  # 40 × 26.5 = 1,060


def test_rounding_is_always_down_never_more_than_fits():
    assert letters_that_fit(Decimal(1040), Decimal(25)) == 41  # 41.6
    assert letters_that_fit(Decimal(1040), Decimal("1040.01")) == 0
    assert letters_that_fit(Decimal(1040), Decimal(1040)) == 1


def test_hours_zero_gives_a_clear_message():
    with pytest.raises(CapacityError) as error:
        worked(hours_per_week=Decimal(0))
    assert "uren per week" in error.value.message


def test_too_few_hours_for_one_letter_a_month():
    # 0.09 hours a week = 23.4 minutes a month, less than the 25 of one letter.
    with pytest.raises(CapacityError) as error:
        worked(hours_per_week=Decimal("0.09"))
    assert "geen enkele brief" in error.value.message
    assert "25" in error.value.message and "23,4" in error.value.message
    # 0.1 hours a week = 26 minutes: one letter a month fits, once a month only.
    capacity = worked(hours_per_week=Decimal("0.1"))
    assert [(p.batches_per_month, p.letters_per_batch) for p in capacity.proposals] == [(1, 1)]


def test_no_groslijst_gives_a_message():
    with pytest.raises(CapacityError) as error:
        worked(groslijst_size=0)
    assert "groslijst" in error.value.message


def test_no_minutes_at_all_gives_a_message():
    with pytest.raises(CapacityError):
        worked(minutes_per_call=0, minutes_per_consult=0)


def test_the_letters_a_month_stop_at_the_patients_still_to_write_to():
    # 30 × 0.6667 = 20.001 → 20 eligible, 5 mailed: 15 to go, though 41 would fit.
    capacity = worked(groslijst_size=30, already_mailed=5)
    assert capacity.still_to_send == 15
    assert [(p.batches_per_month, p.letters_per_batch, p.months_needed)
            for p in capacity.proposals] == [(1, 15, 1), (2, 7, 2), (4, 3, 2)]


def test_when_all_eligible_had_a_letter_the_hours_set_the_pace():
    capacity = worked(groslijst_size=30, already_mailed=25)
    assert capacity.still_to_send == 0
    assert capacity.proposals[0].letters_per_batch == 41
    assert capacity.proposals[0].months_needed == 0


def test_eligible_patients_round_half_up():
    assert eligible_patients(3, Decimal("0.5")) == 2  # 1.5 → 2
    assert eligible_patients(5, Decimal("0.5")) == 3  # 2.5 → 3
    assert eligible_patients(1, Decimal("0.6667")) == 1  # 0.6667 → 1


def test_a_month_has_52_twelfths_of_a_week():
    assert minutes_per_month(Decimal(1)) == 260
    assert minutes_per_month(Decimal("3.5")) == 910


# --- Expected per month ----------------------------------------------------------------------

def period(starts, letters, eligible=100):
    return PlanPeriod(starts=starts, letters_per_month=letters, eligible=eligible,
                      calls_per_letter=Decimal(1), consult_ratio=HALF, minutes_per_call=10,
                      minutes_per_consult=30)


MONTHS = [date(2026, m, 1) for m in range(9, 13)]


def test_expected_calls_and_consults_follow_the_letters_a_month_later():
    rows = expected_by_month([period(date(2026, 10, 1), 20)], MONTHS)
    assert [(r.letters, r.calls, r.consults, r.minutes, r.planned) for r in rows] == [
        (0, 0, 0, 0, False),  # September: no plan yet
        (20, 0, 0, 0, True),  # October: the first letters, nothing to call yet
        (20, 20, 10, 500, True),  # 20 calls × 10 + 10 consults × 30 = 500
        (20, 20, 10, 500, True),
    ]


def test_expected_letters_stop_at_the_eligible_patients():
    rows = expected_by_month([period(date(2026, 9, 1), 20, eligible=50)], MONTHS)
    assert [r.letters for r in rows] == [20, 20, 10, 0]
    assert [r.calls for r in rows] == [0, 20, 20, 10]


def test_a_newer_plan_takes_over_from_its_month():
    rows = expected_by_month([period(date(2026, 11, 1), 5), period(date(2026, 9, 1), 20)],
                             MONTHS)
    assert [r.letters for r in rows] == [20, 20, 5, 5]
    assert [r.calls for r in rows] == [0, 20, 20, 5]
