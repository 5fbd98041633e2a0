"""The sweep of timed steps (docs/domain.md#timed-steps, docs/architecture.md).

Everything that waits for time is a ``DueItem`` row with a due date. The sweep
takes one open row at a time with ``SELECT ... FOR UPDATE SKIP LOCKED``, runs
the handler registered for its kind and sets ``done_at``, all in one
transaction: a second sweep, or a second worker at the same moment, finds
nothing left to do, and a sweep killed halfway leaves every row either moved
and done or untouched. Handlers of later apps register with :func:`handles`
when their app is ready (the call-back list's in ``tapering.due``); ``patients``
never imports them, and a process sweeps only once every app is loaded.

Kinds without a handler (the final evaluation, a monitoring contact) are
reminders: they stay open on the responsible user's start page until done by
hand. ``monitoring`` registers the monthly snapshot's handler the same way.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from .models import DueItem

# handler(item, today) -> what happened. A handler may set ``item.due_on`` later than
# today to postpone the item; it then stays open.
Handler = Callable[[DueItem, date], str]
HANDLERS: dict[str, Handler] = {}


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
    """Move every due item (or the first ``limit``); each in a transaction of its own.

    The handlers write timeline entries and return what they did in the app's
    language (``LANGUAGE_CODE``, Dutch), whoever runs the sweep: beat, a command
    or a test.
    """
    result = SweepResult()
    with translation.override(settings.LANGUAGE_CODE):
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
