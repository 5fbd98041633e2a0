"""Adjusting a running schedule (docs/domain.md#tapering-schedules): hold a step,
repeat it, or go one step back. Each returns a new list: the steps before the changed
one as they were, the rest renumbered and moved on in time."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from django.utils.translation import gettext as _

from benzoproject.formats import format_date

from .core import INTERVAL_DAYS_MAX, ScheduleRefused, Step, StepKind


def _checked(steps: list[Step], step: int, reason: str) -> Step:
    if not 0 <= step < len(steps):
        raise ScheduleRefused(_("This schedule has no step %(step)s.") % {"step": step})
    if not reason.strip():
        raise ScheduleRefused(_("Say why the schedule changes."))
    return steps[step]


def _with_note(note: str, reason: str) -> str:
    return f"{note}; {reason.strip()}" if note else reason.strip()


def _chained(head: list[Step], tail: list[Step], start: date) -> list[Step]:
    """``head`` as it is, then ``tail`` renumbered and dated on from ``start``."""
    result = list(head)
    day = start
    for item in tail:
        result.append(replace(item, number=len(result), start=day,
                              tablets_needed=item.tablets_per_day * item.days))
        day += timedelta(days=item.days)
    return result


def schedule_hold(steps: list[Step], *, step: int, days: int, reason: str) -> list[Step]:
    """Step ``step`` lasts ``days`` days longer; the steps after it move on."""
    held = _checked(steps, step, reason)
    if held.daily_dose_mg <= 0:
        raise ScheduleRefused(_("A step without tablets cannot be held."))
    if not 1 <= days <= INTERVAL_DAYS_MAX:
        raise ScheduleRefused(_("Hold a step for 1 to %(max)s days (not %(value)s).")
                              % {"max": INTERVAL_DAYS_MAX, "value": days})
    kind = StepKind.HOLD if held.kind == StepKind.REDUCE else held.kind
    longer = replace(held, days=held.days + days, kind=kind, note=_with_note(held.note, reason))
    return _chained(steps[:step], [longer, *steps[step + 1:]], held.start)


def schedule_repeat(steps: list[Step], *, step: int, reason: str) -> list[Step]:
    """Step ``step`` is taken once more, right after itself; the steps after it move on."""
    repeated = _checked(steps, step, reason)
    if repeated.daily_dose_mg <= 0:
        raise ScheduleRefused(_("A step without tablets cannot be repeated."))
    again = replace(repeated, kind=StepKind.REPEAT, note=reason.strip())
    return _chained(steps[:step], [repeated, again, *steps[step + 1:]], repeated.start)


def schedule_back(steps: list[Step], *, step: int, on: date, reason: str) -> list[Step]:
    """Back to the previous dose from ``on``, during step ``step``; then step ``step`` again.

    Step ``step`` ends on ``on`` (dropped when that is its first day); a step at the
    dose before it follows, as long as step ``step`` was to last and at least as
    long as that earlier step; then step ``step`` again in full, then the rest.
    From the final row (dose 0) it means going back to the last dose taken.
    """
    current = _checked(steps, step, reason)
    # The step gone back to: the nearest one before with a higher dose (in a schedule
    # without repeats, step - 1).
    earlier = next((steps[i] for i in range(step - 1, -1, -1)
                    if steps[i].daily_dose_mg > current.daily_dose_mg), None)
    if earlier is None:
        raise ScheduleRefused(_("Step %(step)s has no higher dose before it to go back to.")
                              % {"step": step})
    last = step == len(steps) - 1 and current.days == 0
    if on < current.start or (not last and on > current.end):
        raise ScheduleRefused(
            _("The day of going back must fall within step %(step)s (from %(first)s to "
              "%(last)s).") % {"step": step, "first": format_date(current.start),
                               "last": format_date(current.end)})
    cut = [replace(current, days=(on - current.start).days)] if on > current.start else []
    back = replace(earlier, days=max(current.days, earlier.days), kind=StepKind.BACK,
                   note=reason.strip())
    return _chained(steps[:step], [*cut, back, current, *steps[step + 1:]], current.start)
