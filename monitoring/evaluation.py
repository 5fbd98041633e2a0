"""The evaluation rule of one participation, without the database (docs/domain.md, step 9).

``L`` is the letter date, ``E`` the evaluation (as-of) date. Months are calendar
months clamped at the month's end, exactly as the groslijst counts them
(``patients.groslijst.months_back``):

- ``ddd_before``: DDDs of benzodiazepine prescriptions dated in ``(L − 12 months, L]``,
  divided by the days in that window (365 or 366);
- ``ddd_after``: the same over ``(E − 6 months, E]`` (181 to 184 days);
- ``stopped``: no benzodiazepine prescription dated in ``(E − 3 months, E]`` and
  ``E ≥ L + 3 months``;
- ``reduced``: not stopped, ``ddd_before > 0`` and ``ddd_after ≤ 0.75 × ddd_before``.

A prescription of a substance without a DDD adds 0. No prescription dated after E
counts (an evaluation looks back from E only), not even in the window before L.

Rounding: the figures are kept exact (as fractions) for the rule; ``reduced``
compares exact values, so a patient at exactly 75% is reduced and one a hair
above is not, whatever the rounding would show. Only the output rounds, half up
to 2 decimals, as the groslijst's DDD per day (``ddd_text``).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Protocol

from patients.groslijst import HUNDREDTHS, months_back

BEFORE_MONTHS = 12
AFTER_MONTHS = 6
STOP_MONTHS = 3  # no prescription in the last 3 months, and at least 3 months since L
REDUCED_SHARE = Fraction(3, 4)  # at least 25% lower: after ≤ 0.75 × before


@dataclass(frozen=True)
class Prescribed:
    """One benzodiazepine prescription as the rule needs it: its date and its DDDs
    (units × strength ÷ WHO DDD), None for a substance without a DDD."""

    on: date
    ddd: Decimal | None


@dataclass(frozen=True)
class EvaluationWindows:
    """The windows of one participation; each is (start, end]: the start day is outside."""

    letter_date: date
    as_of: date
    before_start: date  # L − 12 months
    after_start: date  # E − 6 months
    stop_start: date  # E − 3 months
    stop_earliest: date  # L + 3 months: E on or after this day may count as stopped

    @classmethod
    def for_dates(cls, letter_date: date, as_of: date) -> "EvaluationWindows":
        return cls(
            letter_date=letter_date,
            as_of=as_of,
            before_start=months_back(letter_date, BEFORE_MONTHS),
            after_start=months_back(as_of, AFTER_MONTHS),
            stop_start=months_back(as_of, STOP_MONTHS),
            # Forward by months is back by minus months: the same clamping at the month end.
            stop_earliest=months_back(letter_date, -STOP_MONTHS),
        )

    @property
    def before_days(self) -> int:
        return (self.letter_date - self.before_start).days

    @property
    def after_days(self) -> int:
        return (self.as_of - self.after_start).days

    def in_before(self, day: date) -> bool:
        return self.before_start < day <= self.letter_date and day <= self.as_of

    def in_after(self, day: date) -> bool:
        return self.after_start < day <= self.as_of

    def in_stop(self, day: date) -> bool:
        return self.stop_start < day <= self.as_of

    @property
    def long_enough(self) -> bool:
        """``E ≥ L + 3 months``: enough time since the letter to call anyone stopped."""
        return self.as_of >= self.stop_earliest


@dataclass(frozen=True)
class Outcome:
    """The rule's result for one participation; DDD figures per day, unrounded."""

    ddd_before: Decimal
    ddd_after: Decimal
    stopped: bool
    reduced: bool


def _to_decimal(value: Fraction) -> Decimal:
    """An exact fraction as a Decimal of 40 significant digits (enough for any rounding to
    2 decimals: a quotient of this size cannot lie that close to a half-cent edge)."""
    with localcontext() as context:
        context.prec = 40
        return Decimal(value.numerator) / Decimal(value.denominator)


def _ddd_sum(prescriptions: Iterable[Prescribed]) -> Fraction:
    # Substances without a DDD count as 0 (docs/domain.md#evaluation-ddd).
    return sum((Fraction(p.ddd) for p in prescriptions if p.ddd is not None), Fraction(0))


def evaluate(*, letter_date: date, as_of: date,
             prescriptions: Iterable[Prescribed]) -> Outcome:
    """Stopped, reduced and DDD per day before and after for one participation.

    ``prescriptions`` are the patient's benzodiazepine prescriptions (any dates: the
    windows pick theirs).
    """
    w = EvaluationWindows.for_dates(letter_date, as_of)
    rows = list(prescriptions)
    before = _ddd_sum(p for p in rows if w.in_before(p.on)) / w.before_days
    after = _ddd_sum(p for p in rows if w.in_after(p.on)) / w.after_days
    stopped = w.long_enough and not any(w.in_stop(p.on) for p in rows)
    reduced = not stopped and before > 0 and after <= REDUCED_SHARE * before
    return Outcome(ddd_before=_to_decimal(before), ddd_after=_to_decimal(after),
                   stopped=stopped, reduced=reduced)


def ddd_text(value: Decimal) -> str:
    """A DDD figure for the CSV: decimal point, exactly 2 decimals, half up."""
    return f"{value.quantize(HUNDREDTHS, ROUND_HALF_UP):.2f}"


def flag_text(value: bool) -> str:
    return "true" if value else "false"


CSV_COLUMNS = ["patient_number", "letter_date", "ddd_before", "ddd_after", "stopped", "reduced"]


class EvaluatedRow(Protocol):
    """What ``csv_record`` reads of a row (``monitoring.selectors.EvaluationRow``)."""

    @property
    def patient_number(self) -> str: ...
    @property
    def letter_date(self) -> date: ...
    @property
    def ddd_before(self) -> Decimal: ...
    @property
    def ddd_after(self) -> Decimal: ...
    @property
    def stopped(self) -> bool: ...
    @property
    def reduced(self) -> bool: ...


def csv_record(row: EvaluatedRow) -> list[str]:
    """The command line's exact columns (docs/domain.md#cli-evaluation)."""
    return [row.patient_number, row.letter_date.isoformat(), ddd_text(row.ddd_before),
            ddd_text(row.ddd_after), flag_text(row.stopped), flag_text(row.reduced)]
