"""Screening arithmetic without the database (docs/domain.md, step 3).

What the GP's screen shows beside the facts: the DDD per calendar month for
the history chart and the decision the flags suggest. The GP decides; this
only pre-fills. The clinical rules themselves are in ``patients/clinical.py``.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from .models import ExclusionReason

LETTER_BLOCK = relativedelta(years=1)  # "stop letter less than a year ago"
CONSULT_BLOCK = relativedelta(months=1)  # "evaluation consult less than a month ago"
HISTORY_MONTHS = 24


@dataclass(frozen=True)
class MonthBar:
    month: date  # first day of the month
    ddd: Decimal  # DDDs prescribed in that month
    height: int  # 0..100, share of the highest month


def ddd_per_month(items: Iterable[tuple[date, Decimal]], reference: date,
                  months: int = HISTORY_MONTHS) -> list[MonthBar]:
    """DDDs prescribed per calendar month, for the ``months`` months up to ``reference``.

    ``items`` are (prescription date, DDDs of that prescription); dates outside the
    window are left out.
    """
    last = reference.replace(day=1)
    starts = [last - relativedelta(months=n) for n in range(months - 1, -1, -1)]
    totals = dict.fromkeys(starts, Decimal(0))
    for when, ddd in items:
        key = when.replace(day=1)
        if key in totals and when <= reference:
            totals[key] += ddd
    most = max(totals.values(), default=Decimal(0))
    return [MonthBar(month=m, ddd=t.quantize(Decimal("0.1")),
                     height=int(100 * t / most) if most else 0) for m, t in totals.items()]


@dataclass(frozen=True)
class Suggestion:
    decision: str  # "approach" or "exclude"
    reason: str  # an ExclusionReason value, or "" to approach
    why: str


def letter_is_recent(letter_sent_on: date | None, today: date) -> bool:
    """A stop letter less than a year ago (docs/domain.md, step 3): the day a year on is free
    again."""
    return letter_sent_on is not None and today < letter_sent_on + LETTER_BLOCK


def consult_is_recent(consult_on: date | None, today: date) -> bool:
    """An evaluation consult held less than a month ago; a planned one in the future counts too."""
    return consult_on is not None and today < consult_on + CONSULT_BLOCK


def suggest(*, lasting_reason: str = "", recent_letter: bool = False,
            recent_consult: bool = False, complex_comedication: bool = False,
            over_ddd: bool = False) -> Suggestion:
    """The decision the flags point to, most weighty first. The GP decides."""
    from django.utils.translation import gettext as _

    if lasting_reason:
        return Suggestion("exclude", lasting_reason,
                          _("excluded earlier for a reason that lasts"))
    if recent_letter:
        return Suggestion("exclude", ExclusionReason.RECENT_LETTER,
                          _("the app sent a stop letter less than a year ago"))
    if recent_consult:
        return Suggestion("exclude", ExclusionReason.RECENT_CONSULT,
                          _("an evaluation consult less than a month ago"))
    if complex_comedication:
        return Suggestion("exclude", ExclusionReason.COMPLEX,
                          _("complex comedication: as a rule no letter"))
    if over_ddd:
        return Suggestion("exclude", ExclusionReason.HIGH_DDD,
                          _("above the DDD limit: unlikely to stop alone"))
    return Suggestion("approach", "", _("no flag stands in the way"))


def promise_key(ddd_per_day: Decimal, first_use: date | None, today: date,
                ) -> tuple[Decimal, int]:
    """Sort key for the lists: lowest DDD per day first, then the shortest use (FTO module)."""
    days_in_use = (today - first_use).days if first_use else 0
    return (ddd_per_day, days_in_use)


def split_sizes(approved: int, *, letters_free: int) -> tuple[int, int]:
    """How many of ``approved`` go to the mailing list and how many to the reserve list.

    The mailing list fills up to the project's letter target first; the rest
    goes to reserve, also beyond the reserve target, so no approached patient is
    lost (the lists page shows the count against the target).
    """
    mailing = max(0, min(approved, letters_free))
    return mailing, approved - mailing


def age_on(birth_date: date | None, today: date) -> int | None:
    if birth_date is None:
        return None
    years = today.year - birth_date.year
    if (today.month, today.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years

