"""The ranges and formats every input of the app is held to (docs/security.md, bad input).

One home for two rules that every form, query parameter, command and import applies:

- **Dates** lie between :data:`EARLIEST_DATE` (1 January 2000: the app's data and
  plans begin after it; a HIS or pharmacy export reaches back a few years at most) and
  :data:`PLANNING_YEARS` years after today (the furthest a plan reaches: a project runs
  at most 15 months, a tapering schedule a year or two). A narrower range where the
  domain says so (no outcome, call or questionnaire in the future, consults booked at
  most a year ahead) is checked by that rule's own home; this is the outer bound that
  keeps year 0001 or 9999 out of every date calculation (``date + months`` would crash).
- **Patient numbers** (the HIS's, the pharmacy's, and any form or file naming a patient)
  match :data:`PATIENT_NUMBER_PATTERN`: letters and digits, inside also ``-``, ``.``,
  ``/`` or ``_``, at most :data:`PATIENT_NUMBER_MAX` characters. So no number begins
  with ``=``, ``+``, ``-`` or ``@`` (a spreadsheet formula) or holds spaces or brackets.
  docs/formats.md#patient-numbers.
"""

import re
from datetime import date, datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from django import forms
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from .formats import format_date

EARLIEST_DATE = date(2000, 1, 1)
PLANNING_YEARS = 5

PATIENT_NUMBER_MAX = 50  # Patient.number
# ASCII only ([0-9A-Za-z], not \w): the same in Python, PostgreSQL and pyarrow's RE2.
PATIENT_NUMBER_PATTERN = r"[0-9A-Za-z](?:[0-9A-Za-z._/-]{0,48}[0-9A-Za-z])?"
PATIENT_NUMBER = re.compile(PATIENT_NUMBER_PATTERN)


def latest_date(today: date | None = None) -> date:
    """The last day any date may be: :data:`PLANNING_YEARS` years after ``today``."""
    return (today or timezone.localdate()) + relativedelta(years=PLANNING_YEARS)


def date_problem(value: date | datetime, *, today: date | None = None,
                 earliest: date = EARLIEST_DATE, latest: date | None = None) -> str | None:
    """Why ``value`` is outside the range (a whole Dutch sentence), or None."""
    day = value.date() if isinstance(value, datetime) else value
    last = latest or latest_date(today)
    if earliest <= day <= last:
        return None
    return _("Choose a date from %(first)s up to and including %(last)s.") % {
        "first": format_date(earliest), "last": format_date(last)}


@deconstructible
class DateInRange:
    """Form validator: the date lies in the app's range (checked against today when it
    runs, not when the form class was made)."""

    def __call__(self, value: date | datetime | None) -> None:
        if value is None:
            return
        problem = date_problem(value)
        if problem:
            raise forms.ValidationError(problem, code="date_range")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateInRange)

    def __hash__(self) -> int:
        return hash(DateInRange)


class _Ranged:
    """The range validator, and any input that is no date (an overflowing year among
    them) as the field's own "enter a valid date", never an exception."""

    default_validators: list[Any] = [DateInRange()]
    error_messages: dict

    def to_python(self, value):
        try:
            return super().to_python(value)  # type: ignore[misc]
        except (OverflowError, ValueError) as error:
            raise forms.ValidationError(self.error_messages["invalid"],
                                        code="invalid") from error


class RangedDateField(_Ranged, forms.DateField):
    """A date field of the app: a date in :func:`date_problem`'s range."""


class RangedDateTimeField(_Ranged, forms.DateTimeField):
    """A moment of the app: on a day in :func:`date_problem`'s range."""


def patient_number_problem(value: str) -> str | None:
    """Why ``value`` is no patient number (a whole Dutch sentence), or None."""
    if not value:
        return _("The patient number is missing.")
    if len(value) > PATIENT_NUMBER_MAX:
        return _("The patient number is longer than %(limit)s characters.") % {
            "limit": PATIENT_NUMBER_MAX}
    if not PATIENT_NUMBER.fullmatch(value):
        return _("The patient number may hold only letters and digits (and inside them - . / "
                 "or _).")
    return None


def validate_patient_number(value: str) -> None:
    """Form and model validator of :func:`patient_number_problem`."""
    problem = patient_number_problem(value)
    if problem:
        raise forms.ValidationError(problem, code="patient_number")
