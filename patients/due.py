"""The sweep of timed steps (SPEC.md "Timed steps", ARCHITECTURE.md).

Everything that waits for time is a ``DueItem`` row with a due date. The sweep
takes one open row at a time with ``SELECT ... FOR UPDATE SKIP LOCKED``, runs
the handler registered for its kind and sets ``done_at``, all in one
transaction: a second sweep, or a second worker at the same moment, finds
nothing left to do, and a sweep killed halfway leaves every row either moved
and done or untouched. Handlers of later apps register with :func:`handles`;
``patients`` never imports them.

Kinds without a handler (the end of a project) are reminders: they stay open
on the responsible user's start page until done by hand.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import DueItem, Participation
from .workflow import MoveRefused, participation_move

# handler(item, today) -> what happened. A handler may set ``item.due_on`` later than
# today to postpone the item; it then stays open.
Handler = Callable[[DueItem, date], str]
HANDLERS: dict[str, Handler] = {}
S = Participation.Status
ENTERED = "entered the call-back list"


def handles(kind: str) -> Callable[[Handler], Handler]:
    """Register ``handler(item, today) -> what happened`` for due items of ``kind``."""

    def register(handler: Handler) -> Handler:
        HANDLERS[kind] = handler
        return handler

    return register


@dataclass
class SweepResult:
    moved: list[tuple[int, str, str]] = field(default_factory=list)  # (item id, kind, what)

    def __len__(self) -> int:
        return len(self.moved)


def _claim_one(today: date) -> DueItem | None:
    return (DueItem.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("participation__project", "project")
            .filter(due_on__lte=today, done_at__isnull=True, cancelled_at__isnull=True,
                    kind__in=list(HANDLERS))
            .order_by("due_on", "id").first())


def due_items_sweep(*, today: date, limit: int | None = None) -> SweepResult:
    """Move every due item (or the first ``limit``); each in a transaction of its own."""
    result = SweepResult()
    while limit is None or len(result) < limit:
        with transaction.atomic():
            item = _claim_one(today)
            if item is None:
                break
            what = HANDLERS[item.kind](item, today)
            # A handler that moved the due date on (a full week) leaves the row open.
            if item.due_on <= today:
                item.done_at = timezone.now()
            item.save(update_fields=["done_at", "due_on", "note"])
        result.moved.append((item.pk, item.kind, what))
    return result


def _week_bounds(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def enter_callback_list(*, participation: Participation, user, on: date, what: str,
                        expected: set[str]) -> Participation:
    """Put a participation in the call-back list from ``on`` (used by sweep and phone note)."""
    return participation_move(participation=participation, to=S.CALLBACK_DUE, user=user,
                              what=what, expected=expected, fields={"next_call_on": on})


@handles(DueItem.Kind.WAIT_ENDS)
def _wait_ends(item: DueItem, today: date) -> str:
    """The wait after the letter is over: into the call-back list, unless they responded."""
    participation = item.participation
    project = participation.project
    if participation.status != S.LETTER_SENT:
        return "no move: already responded or moved on"
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
            item.note = f"postponed to {item.due_on:%Y-%m-%d}: weekly call-back limit"
            return item.note
    enter_callback_list(participation=participation, user=None, on=today,
                        what=_("wait period over: call back"), expected={S.LETTER_SENT})
    item.note = ENTERED
    return item.note


def _back_to_callbacks(item: DueItem, today: date, from_status: str, what: str) -> str:
    participation = item.participation
    if participation.status != from_status:
        return "no move: moved on since"
    try:
        enter_callback_list(participation=participation, user=None, on=item.due_on,
                            what=what, expected={from_status})
    except MoveRefused:
        return "no move: refused"
    return what


@handles(DueItem.Kind.CALL_LATER)
def _call_later(item: DueItem, today: date) -> str:
    return _back_to_callbacks(item, today, S.CALL_LATER, _("agreed day to call again"))


@handles(DueItem.Kind.ASK_AGAIN)
def _ask_again(item: DueItem, today: date) -> str:
    return _back_to_callbacks(item, today, S.DECLINED, _("agreed day to ask again"))
