"""A schedule's steps as stored JSON and back, and what their dates mean for today
(docs/domain.md#monitoring-contacts): plain Python, no ORM.

A ``TaperScheduleVersion`` keeps the engine's ``Step`` rows as a list of objects:
Decimals as strings (so nothing is rounded by a float), dates as ISO strings.
"""

from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from .schedule import Step, mg_text

_DECIMALS = ("strength_mg", "tablets_per_day", "daily_dose_mg", "tablets_needed")


def steps_to_json(steps: Iterable[Step]) -> list[dict[str, Any]]:
    rows = []
    for step in steps:
        row: dict[str, Any] = {}
        for f in fields(Step):
            value = getattr(step, f.name)
            if isinstance(value, Decimal):
                value = str(value)
            elif isinstance(value, date):
                value = value.isoformat()
            elif f.name == "kind":
                value = str(value)
            row[f.name] = value
        rows.append(row)
    return rows


def steps_from_json(rows: Sequence[dict[str, Any]]) -> list[Step]:
    steps = []
    for row in rows:
        values = dict(row)
        for name in _DECIMALS:
            values[name] = Decimal(values[name])
        values["start"] = date.fromisoformat(values["start"])
        values["number"] = int(values["number"])
        values["days"] = int(values["days"])
        steps.append(Step(**values))
    return steps


def current_step(steps: Sequence[Step], today: date) -> Step | None:
    """The step taken on ``today``: the last that has begun (the dose-0 row stays current
    once reached); None before the schedule starts."""
    begun = [step for step in steps if step.start <= today]
    return begun[-1] if begun else None


def next_step_after(steps: Sequence[Step], day: date) -> Step | None:
    """The first step after the start (number 1 on) that begins after ``day``: the next
    monitoring contact (docs/domain.md#tapering-schedules)."""
    return next((step for step in steps if step.number >= 1 and step.start > day), None)


def step_begun_between(steps: Sequence[Step], first: date, last: date) -> Step | None:
    """The latest step after the start that began in ``[first, last]``, or None."""
    begun = [step for step in steps if step.number >= 1 and first <= step.start <= last]
    return begun[-1] if begun else None


def contact_note(step: Step) -> str:
    """The reminder's note for the step that began: 'stap 2: 5 mg diazepam per dag'
    (in the app's language: the sweep runs under it)."""
    return _("step %(n)s: %(dose)s mg %(substance)s a day") % {
        "n": step.number, "dose": mg_text(step.daily_dose_mg), "substance": step.substance}
