"""Dates as the app writes them: one format per kind, whatever language is active.

Timeline entries, messages and command output are written in the worker,
the sweep and commands as well as in requests; they all format dates here,
so a date reads the same everywhere ("30-11-2026", "30-11-2026 14:05").
The formats themselves live in ``nl/formats.py``, which the pages use too
(``FORMAT_MODULE_PATH``). See docs/development.md#dates.
"""

from datetime import date, datetime

from django.utils import dateformat, timezone

from .nl.formats import DATE_FORMAT, DATETIME_FORMAT


def format_date(value: date) -> str:
    """A day as "30-11-2026"."""
    return dateformat.format(value, DATE_FORMAT)


def format_datetime(value: datetime) -> str:
    """A moment as "30-11-2026 14:05", in the practice's time zone."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, DATETIME_FORMAT)
