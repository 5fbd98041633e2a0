"""Capacity planning: how many stop letters a month the POH-GGZ's hours can follow up
(docs/domain.md#capacity-planning). Plain arithmetic, no database.

The model, in short:

- a month has 52/12 weeks, so ``hours per week × 60 × 52/12`` minutes (= hours × 260);
- every mailed patient gets a call-back (``calls_per_letter``, 1 by default), and the
  consult ratio of them (about 1/2, a reference figure) come to a consult, so one letter
  costs ``calls_per_letter × minutes per call + consult ratio × minutes per consult``
  minutes of the POH-GGZ's time, a month after it was mailed (the wait period);
- printing and mailing the letters is the assistant's work and is not counted in the
  POH-GGZ's hours;
- letters a month = those minutes ÷ the minutes of one letter, **rounded down**: a plan
  never asks for more than fits;
- the eligible patients are the groslijst × the eligible ratio (about 2/3), rounded to
  whole patients (half up); the letters still to send are those minus the letters mailed;
- a proposal sends the letters of a month in 1, 2 or 4 batches (every month, every two
  weeks, every week); each batch is the month's letters ÷ batches, rounded down again.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

# Weeks in a month: 52 weeks over 12 months. Minutes per month = hours per week × 260.
WEEKS_PER_MONTH_NUMERATOR, WEEKS_PER_MONTH_DENOMINATOR = 52, 12
MINUTES_PER_HOUR = 60
# Every patient who was sent a letter gets (at least) one call-back (docs/domain.md, step 6).
CALLS_PER_LETTER = Decimal(1)
# Batches per month a proposal may use: once a month, every two weeks, every week.
BATCHES_PER_MONTH = (1, 2, 4)
# The project's letter target is at most 1000 (patients.models.Project.letter_target).
MAX_LETTERS_PER_BATCH = 1000


class CapacityError(Exception):
    """No plan can be made; ``message`` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Proposal:
    """One way to send the letters: ``batches_per_month`` batches of ``letters_per_batch``."""

    batches_per_month: int
    letters_per_batch: int
    letters_per_month: int
    calls_per_month: Decimal
    consults_per_month: Decimal
    minutes_per_month: Decimal  # expected calls and consults, a month after the letters
    months_needed: int  # months of letters until every eligible patient has had one


@dataclass(frozen=True)
class Capacity:
    minutes_available: Decimal  # per month
    minutes_per_letter: Decimal  # calls and consults one letter brings
    letters_per_month_fit: int  # rounded down
    eligible: int
    still_to_send: int
    proposals: tuple[Proposal, ...]


def minutes_per_month(hours_per_week: Decimal) -> Decimal:
    return (Decimal(hours_per_week) * MINUTES_PER_HOUR * WEEKS_PER_MONTH_NUMERATOR
            / WEEKS_PER_MONTH_DENOMINATOR)


def minutes_per_letter(*, minutes_per_call: int, minutes_per_consult: int,
                       consult_ratio: Decimal,
                       calls_per_letter: Decimal = CALLS_PER_LETTER) -> Decimal:
    return calls_per_letter * minutes_per_call + consult_ratio * minutes_per_consult


def eligible_patients(groslijst_size: int, eligible_ratio: Decimal) -> int:
    """The groslijst × the eligible ratio, in whole patients (half up)."""
    return int((groslijst_size * eligible_ratio).quantize(Decimal(1), ROUND_HALF_UP))


def letters_that_fit(available: Decimal, per_letter: Decimal) -> int:
    """The most whole letters whose minutes stay within ``available`` (rounded down)."""
    letters = int((available / per_letter).to_integral_value(ROUND_FLOOR))
    # Guard against a last-digit rounding of the division: check on the products.
    while letters > 0 and letters * per_letter > available:
        letters -= 1
    while (letters + 1) * per_letter <= available:
        letters += 1
    return letters


def plan(*, hours_per_week: Decimal, minutes_per_call: int, minutes_per_consult: int,
         groslijst_size: int, eligible_ratio: Decimal, consult_ratio: Decimal,
         already_mailed: int = 0, calls_per_letter: Decimal = CALLS_PER_LETTER) -> Capacity:
    """The proposals for these hours and minutes; ratios as fractions (0.5, not 50).

    Raises ``CapacityError`` when no plan can be made: no hours, no minutes per letter,
    no groslijst, or too few hours for even one letter a month.
    """
    if hours_per_week is None or hours_per_week <= 0:
        raise CapacityError(_("Enter the hours per week available for the project: more "
                              "than 0."))
    if minutes_per_call < 0 or minutes_per_consult < 0:
        raise CapacityError(_("Minutes cannot be negative."))
    if groslijst_size <= 0:
        raise CapacityError(_("There is no groslijst in this project yet: the planner "
                              "counts the patients put into screening."))
    per_letter = minutes_per_letter(minutes_per_call=minutes_per_call,
                                    minutes_per_consult=minutes_per_consult,
                                    consult_ratio=consult_ratio,
                                    calls_per_letter=calls_per_letter)
    if per_letter <= 0:
        raise CapacityError(_("A call or a consult takes at least one minute."))
    available = minutes_per_month(hours_per_week)
    fit = letters_that_fit(available, per_letter)
    if fit < 1:
        raise CapacityError(_(
            "With %(hours)s hours a week not even one letter a month fits: the calls and "
            "consults of one letter take about %(per_letter)s minutes, a month has "
            "%(available)s minutes.") % {"hours": _number(hours_per_week),
                                         "per_letter": _number(per_letter),
                                         "available": _number(available)})
    eligible = eligible_patients(groslijst_size, eligible_ratio)
    still = max(0, eligible - already_mailed)
    # Never more letters a month than there are patients left to write to (when any are).
    per_month = min(fit, still) if still else fit
    proposals = []
    for batches in BATCHES_PER_MONTH:
        per_batch = min(per_month // batches, MAX_LETTERS_PER_BATCH)
        if per_batch < 1:
            continue
        letters = per_batch * batches
        proposals.append(Proposal(
            batches_per_month=batches, letters_per_batch=per_batch, letters_per_month=letters,
            calls_per_month=letters * calls_per_letter,
            consults_per_month=letters * consult_ratio,
            minutes_per_month=letters * per_letter,
            months_needed=math.ceil(still / letters)))
    return Capacity(minutes_available=available, minutes_per_letter=per_letter,
                    letters_per_month_fit=fit, eligible=eligible, still_to_send=still,
                    proposals=tuple(proposals))


def _number(value: Decimal) -> str:
    """Whole numbers without decimals, others with at most two, Dutch comma."""
    text = f"{Decimal(value).quantize(Decimal('0.01'), ROUND_HALF_UP):f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


# --- Expected numbers per month, for the comparison with what happened --------------------


@dataclass(frozen=True)
class PlanPeriod:
    """A chosen plan, in force from the month it was chosen in until the next choice."""

    starts: date  # the first day of the month it was chosen in
    letters_per_month: int
    eligible: int
    calls_per_letter: Decimal
    consult_ratio: Decimal
    minutes_per_call: int
    minutes_per_consult: int


@dataclass(frozen=True)
class ExpectedMonth:
    month: date
    letters: int
    calls: Decimal
    consults: Decimal
    minutes: Decimal
    planned: bool  # a plan was in force this month or the one before


def expected_by_month(periods: Sequence[PlanPeriod], months: Sequence[date]) -> list[ExpectedMonth]:
    """What the plans expect in each of ``months`` (first days, oldest first, consecutive).

    The letters of month m are the plan's letters per month, until the eligible patients of
    the plan in force have all had one (counting the letters expected before); the calls and
    consults of month m follow the letters of month m − 1 (the wait period is a month), with
    that month's plan's ratios and minutes.
    """
    ordered = sorted(periods, key=lambda p: p.starts)

    def in_force(month: date) -> PlanPeriod | None:
        current = None
        for period in ordered:
            if period.starts <= month:
                current = period
        return current

    result: list[ExpectedMonth] = []
    sent = 0
    before: tuple[int, PlanPeriod | None] = (0, None)
    for month in months:
        period = in_force(month)
        letters = 0
        if period is not None:
            letters = max(0, min(period.letters_per_month, period.eligible - sent))
        sent += letters
        last_letters, last_period = before
        if last_period is not None:
            calls = last_letters * last_period.calls_per_letter
            consults = last_letters * last_period.consult_ratio
            minutes = (calls * last_period.minutes_per_call
                       + consults * last_period.minutes_per_consult)
        else:
            calls = consults = minutes = Decimal(0)
        result.append(ExpectedMonth(month=month, letters=letters, calls=calls,
                                    consults=consults, minutes=minutes,
                                    planned=period is not None or last_period is not None))
        before = (letters, period)
    return result
