"""Calendar rules of the project, without the ORM (docs/domain.md, "Timed steps").

Working days for call retries, the end of the wait period after a letter and
the day to call again: every service, view and sweep asks this module, so a
rule changes in one place.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta

# The holidays package lists the Dutch public holidays (Liberation Day only in
# the years it is a day off for everyone, every fifth year, and King's Day on the
# Saturday before when the 27th is a Sunday). General practices are open on Good
# Friday, so it is no day off here.
PRACTICE_OPEN_ON = frozenset({"Good Friday"})


@lru_cache(maxsize=64)
def dutch_holidays(year: int) -> frozenset[date]:
    """The days besides weekends on which a Dutch general practice is closed."""
    calendar = holidays.country_holidays("NL", years=year, language="en_US")
    return frozenset(day for day, name in calendar.items() if name not in PRACTICE_OPEN_ON)


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not a Dutch public holiday."""
    return day.weekday() < 5 and day not in dutch_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """``days`` working days after ``start`` (the day a call is tried again)."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            days -= 1
    return current


def wait_period_end(mailed_on: date, wait_days: int) -> date:
    """The day the wait after a (re-)sent letter ends and the call-back is due."""
    return mailed_on + timedelta(days=wait_days)


def call_again_on(today: date, months: int) -> date:
    """The default day to call again ("not now": a few months on, clamped at month end)."""
    return today + relativedelta(months=months)


def next_month_start(day: date) -> date:
    """The first day of the month after ``day``'s: when the monthly snapshot of ``day``'s
    month is due (docs/domain.md#timed-steps, ``monthly_snapshot``)."""
    return day.replace(day=1) + relativedelta(months=1)
