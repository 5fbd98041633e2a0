"""Who is a new starter, without the database (docs/domain.md#new-starters).

The first of the eight principles for tapering psychotropics: agree when a medicine is
started how long it will be used and how it will end. The app therefore lists, as of a
day ``T`` (today; the list is computed from the stored prescriptions, so it is current
after every import), the patients whose *first* benzodiazepine prescription lies in the
last eight weeks:

- the start window is ``[T − 56 days, T]``, both ends included: a first prescription
  dated exactly 56 days before ``T`` still counts, one dated 57 days before does not;
- "first" means no benzodiazepine prescription in the 12 calendar months before it,
  counted as the groslijst counts its year: ``(S − 12 months, S)``, months clamped at the
  month's end (:func:`patients.groslijst.months_back`). A prescription dated exactly 12
  months before ``S`` lies outside that year, so ``S`` is a new start; one dated a day
  later lies inside it, so ``S`` is not;
- prescriptions dated after ``T`` are not looked at.

A patient whose use continues past the agreed stop or review date — a benzodiazepine
prescription dated *after* that date — is flagged; one dated on that date is not.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .groslijst import months_back

START_WINDOW_DAYS = 56  # eight weeks
LOOKBACK_MONTHS = 12


def window_start(today: date) -> date:
    """The first day of the start window ``[T − 56 days, T]``."""
    return today - timedelta(days=START_WINDOW_DAYS)


def lookback_start(start: date) -> date:
    """The day 12 calendar months before ``start``; itself outside the look-back year."""
    return months_back(start, LOOKBACK_MONTHS)


def is_new_start(start: date, previous: date | None) -> bool:
    """Whether a prescription on ``start`` is a first one, given the latest benzodiazepine
    prescription before it (``previous``, None when there is none)."""
    return previous is None or previous <= lookback_start(start)


def new_start_as_of(first_in_window: date | None, previous: date | None,
                    today: date) -> date | None:
    """The patient's start date when they are a new starter as of ``today``, else None.

    ``first_in_window``: the earliest benzodiazepine prescription in the start window;
    ``previous``: the latest one before the window (the query in
    ``patients/prevention_selectors.py`` supplies both in one aggregate)."""
    if first_in_window is None or not window_start(today) <= first_in_window <= today:
        return None
    return first_in_window if is_new_start(first_in_window, previous) else None


def new_start(dates: Iterable[date], today: date) -> date | None:
    """The start date of a new starter as of ``today`` from all their benzodiazepine
    prescription dates, or None."""
    days = sorted(d for d in dates if d <= today)
    in_window = [d for d in days if d >= window_start(today)]
    if not in_window:
        return None
    before = [d for d in days if d < in_window[0]]
    return new_start_as_of(in_window[0], before[-1] if before else None, today)


def starts(dates: Iterable[date]) -> list[date]:
    """Every start in a patient's history: each prescription date with none in the 12
    months before it (the dashboard's new starters per month)."""
    days = sorted(set(dates))
    return [d for i, d in enumerate(days) if is_new_start(d, days[i - 1] if i else None)]


def history_covers(start: date, earliest_data: date | None) -> bool:
    """Whether the practice's data reaches back a full look-back year before ``start``: only
    then can the dashboard tell a start from the first prescription of an export."""
    return earliest_data is not None and earliest_data <= lookback_start(start)


def continues_past(end_on: date, last_prescription: date | None) -> bool:
    """Use continues past the agreed stop or review date: a prescription dated after it."""
    return last_prescription is not None and last_prescription > end_on


@dataclass(frozen=True)
class MonthCount:
    """New starters of one GP in one month, and how many of them have an agreement."""

    month: date
    gp: str
    starters: int
    with_agreement: int

    @property
    def share(self) -> int | None:
        """Percentage with an agreement, rounded half up; None without new starters."""
        if not self.starters:
            return None
        return (200 * self.with_agreement + self.starters) // (2 * self.starters)
