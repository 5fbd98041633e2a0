"""The timed steps of ``tapering`` (docs/domain.md#timed-steps; docs/architecture.md): the
call-back list's (step 6) and the tapering schedule's (step 7).

The sweep itself lives in ``patients.due``; these handlers register with it through
``patients.due.handles`` when the app is ready (``apps.py``). The call-back handlers
move a participation into the call-back list when its wait is over; the schedule's
handler turns the day a step begins into a monitoring-contact reminder for the
project lead.
"""

from collections.abc import Collection
from datetime import date, timedelta

from django.utils.translation import gettext as _

from benzoproject.formats import format_date
from patients.due import handles
from patients.models import DueItem, Participation
from patients.workflow import (
    MoveRefused,
    due_item_schedule,
    participation_move,
    participation_note,
)

from .models import TaperSchedule
from .stepdata import contact_note, next_step_after, step_begun_between, steps_from_json

S = Participation.Status
# The note on a done wait-end item that put the patient in the list (counted per week).
# A marker the query below matches, never shown: it stays as it is.
ENTERED = "entered the call-back list"


def _week_bounds(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def enter_callback_list(*, participation: Participation, user, on: date, what: str,
                        expected: Collection[str]) -> Participation:
    """Put a participation in the call-back list from ``on`` (used by sweep and phone note)."""
    return participation_move(participation=participation, to=S.CALLBACK_DUE, user=user,
                              what=what, expected=expected, fields={"next_call_on": on})


def _participation_of(item: DueItem) -> Participation:
    """The participation of a call-back item (these kinds are always scheduled with one)."""
    if item.participation is None:
        raise ValueError(f"due item {item.pk} ({item.kind}) has no participation")
    return item.participation


@handles(DueItem.Kind.WAIT_ENDS)
def _wait_ends(item: DueItem, today: date) -> str:
    """The wait after the letter is over: into the call-back list, unless they responded."""
    participation = _participation_of(item)
    project = participation.project
    if participation.status != S.LETTER_SENT:
        return _("not moved: already responded or moved on")
    limit = project.callbacks_per_week
    if limit:
        monday, sunday = _week_bounds(today)
        # Entered this week: done wait-ends of the project due in this week (the sweep
        # runs every few minutes, so an item is done on its due day).
        this_week = DueItem.objects.filter(
            project=project, kind=DueItem.Kind.WAIT_ENDS, done_at__isnull=False,
            due_on__gte=monday, due_on__lte=sunday, note=ENTERED).count()
        if this_week >= limit:
            # Full this week: the same row waits until next Monday.
            item.due_on = monday + timedelta(days=7)
            item.note = _("postponed to %(day)s: weekly call-back limit") % {
                "day": format_date(item.due_on)}
            return item.note
    what = _("wait period over: call back")
    enter_callback_list(participation=participation, user=None, on=today, what=what,
                        expected={S.LETTER_SENT})
    item.note = ENTERED
    return what


def _back_to_callbacks(item: DueItem, today: date, from_status: str, what: str) -> str:
    participation = _participation_of(item)
    if participation.status != from_status:
        return _("not moved: moved on since")
    try:
        enter_callback_list(participation=participation, user=None, on=item.due_on,
                            what=what, expected={from_status})
    except MoveRefused:
        return _("not moved: this step is no longer allowed")
    return what


@handles(DueItem.Kind.CALL_LATER)
def _call_later(item: DueItem, today: date) -> str:
    return _back_to_callbacks(item, today, S.CALL_LATER, _("agreed day to call again"))


@handles(DueItem.Kind.ASK_AGAIN)
def _ask_again(item: DueItem, today: date) -> str:
    return _back_to_callbacks(item, today, S.DECLINED, _("agreed day to ask again"))


@handles(DueItem.Kind.TAPER_STEP)
def _taper_step(item: DueItem, today: date) -> str:
    """A step of the schedule begins: a monitoring contact for the project lead, due that
    day (an open one moves to this step), and this item moves on to the next step's day.

    After the last step (dose 0) the item is done. docs/domain.md#tapering-schedules.
    """
    participation = _participation_of(item)
    if participation.status != S.TAPERING:
        return _("not moved: no longer tapering")
    schedule = (TaperSchedule.objects.filter(participation=participation,
                                             replaced_at__isnull=True).first())
    if schedule is None:
        return _("not moved: no tapering schedule")
    steps = steps_from_json(schedule.current.steps)
    # Normally one step began on the due day; a sweep that ran late takes the latest.
    step = step_begun_between(steps, item.due_on, today)
    what = _("no step begins on this day")
    if step is not None:
        note = contact_note(step)
        due_item_schedule(kind=DueItem.Kind.MONITOR_CONTACT, participation=participation,
                          due_on=step.start, assigned_to=participation.project.lead,
                          note=note)
        what = _("monitoring contact due: %(step)s") % {"step": note}
        participation_note(participation=participation, user=None, what=what)
    upcoming = next_step_after(steps, today)
    if upcoming is not None:
        item.due_on = upcoming.start
        item.note = _("step %(n)s begins") % {"n": upcoming.number}
    return what
