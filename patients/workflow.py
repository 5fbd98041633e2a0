"""The participation's statuses and the one function that moves them (docs/architecture.md).

Every step of docs/domain.md that changes a participation calls
:func:`participation_move`: it locks the row, checks that the move is allowed
from the current status, writes the new status, a timeline event and an audit
event, all in the caller's transaction. Services of later apps (letters,
tapering) call it too, so there is one place that knows the flow.
"""

from collections.abc import Collection, Iterable
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from .audit import audit_log
from .models import AuditEvent, DueItem, Participation, ParticipationEvent, ParticipationOutcome

S = Participation.Status

# From each status, where a participation may go next. LEFT (died, moved, changed
# practice) is allowed from everywhere and added below.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.TO_SCREEN: frozenset({S.EXCLUDED, S.APPROVED}),
    S.EXCLUDED: frozenset({S.TO_SCREEN}),  # undo of the GP's decision
    S.APPROVED: frozenset({S.MAILING, S.RESERVE, S.TO_SCREEN}),
    S.MAILING: frozenset({S.RESERVE, S.LETTER_SENT, S.TO_SCREEN}),
    S.RESERVE: frozenset({S.MAILING, S.TO_SCREEN}),
    S.LETTER_SENT: frozenset({S.CALLBACK_DUE}),
    S.CALLBACK_DUE: frozenset({S.NOT_REACHED, S.CALL_LATER, S.DECLINED, S.CONSULT_PLANNED,
                               S.LETTER_SENT}),
    S.NOT_REACHED: frozenset({S.CALLBACK_DUE}),
    S.CALL_LATER: frozenset({S.CALLBACK_DUE, S.CONSULT_PLANNED}),
    S.DECLINED: frozenset({S.CALLBACK_DUE, S.CONSULT_PLANNED}),
    # After the consult (docs/domain.md, step 7): a schedule, not now, referred elsewhere,
    # or stopped already; back to the call-back list.
    S.CONSULT_PLANNED: frozenset({S.TAPERING, S.DECLINED, S.REFERRED, S.STOPPED,
                                  S.CALLBACK_DUE}),
    S.REFERRED: frozenset({S.TAPERING}),  # back from the referral, ready to taper
    S.TAPERING: frozenset({S.STOPPED, S.REDUCED, S.UNCHANGED}),
    S.STOPPED: frozenset({S.TAPERING}),
    S.REDUCED: frozenset({S.TAPERING, S.STOPPED}),
    S.UNCHANGED: frozenset({S.TAPERING}),
    S.LEFT: frozenset(),
}
for _status, _targets in TRANSITIONS.items():
    if _status != S.LEFT:
        TRANSITIONS[_status] = _targets | {S.LEFT}

O = ParticipationOutcome  # noqa: E741
# The status an outcome moves the participation to, when TRANSITIONS allows the move;
# declined and not reached keep their status (docs/domain.md#outcomes).
OUTCOME_STATUS: dict[str, str] = {
    O.STOPPED: S.STOPPED, O.REDUCED: S.REDUCED, O.UNCHANGED: S.UNCHANGED,
    O.REFERRED: S.REFERRED, O.DIED: S.LEFT, O.MOVED: S.LEFT, O.LEFT_PRACTICE: S.LEFT,
}


class MoveRefused(Exception):
    """The participation is not in a status from which this step can be taken."""

    def __init__(self, participation: Participation, to: str):
        self.participation = participation
        self.to = to
        super().__init__(f"{participation.status} -> {to}")


def may_move(participation: Participation, to: str) -> bool:
    return to in TRANSITIONS.get(participation.status, frozenset())


@transaction.atomic
def participation_move(*, participation: Participation, to: str, user, what: str,
                       expected: Collection[str] | None = None,
                       fields: dict | None = None) -> Participation:
    """Move ``participation`` to status ``to``; raise MoveRefused when not allowed.

    ``expected`` narrows the statuses the caller accepts as the current one (a
    stale screen, a second click); ``fields`` are written with the move. The row
    is locked first, so two users or two workers cannot both move it.
    ``user`` is None for a timed step moved by the sweep.
    """
    locked = Participation.objects.select_for_update().get(pk=participation.pk)
    if not may_move(locked, to) or (expected is not None and locked.status not in expected):
        raise MoveRefused(locked, to)
    before = locked.status
    locked.status = to
    locked.status_changed_at = timezone.now()
    for name, value in (fields or {}).items():
        setattr(locked, name, value)
    locked.save()
    ParticipationEvent.objects.create(participation=locked, by=user, from_status=before,
                                      to_status=to, what=what[:300])
    audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=locked,
              practice=locked.project.practice, detail=f"{before} -> {to}: {what}")
    # The caller's object reflects the new state too.
    participation.status = locked.status
    participation.status_changed_at = locked.status_changed_at
    for name, value in (fields or {}).items():
        setattr(participation, name, value)
    return locked


def participation_note(*, participation: Participation, user, what: str) -> ParticipationEvent:
    """A timeline entry without a change of status (a call attempt, a letter re-sent)."""
    return ParticipationEvent.objects.create(
        participation=participation, by=user, from_status=participation.status,
        to_status=participation.status, what=what[:300])


def due_item_schedule(*, kind: str, due_on: date, participation: Participation | None = None,
                      project=None, assigned_to=None, note: str = "") -> DueItem:
    """Schedule a timed step of a participation, or of a project when none is given.

    Idempotent: an open item of the same kind for the same participation (or
    project) is moved instead of a second one made.
    """
    if project is None:
        if participation is None:
            raise ValueError("a due item belongs to a participation or a project")
        project = participation.project
    open_items = DueItem.objects.filter(project=project, participation=participation, kind=kind,
                                        done_at__isnull=True, cancelled_at__isnull=True)
    with transaction.atomic():
        existing = open_items.select_for_update().first()
        if existing is not None:
            existing.due_on, existing.note = due_on, note[:300]
            existing.assigned_to = assigned_to or existing.assigned_to
            existing.save(update_fields=["due_on", "note", "assigned_to"])
            return existing
        try:
            with transaction.atomic():
                return DueItem.objects.create(
                    kind=kind, due_on=due_on, project=project, participation=participation,
                    assigned_to=assigned_to, note=note[:300])
        except IntegrityError:  # a concurrent caller created it first
            return open_items.get()


def due_items_cancel(*, participation: Participation,
                      kinds: Iterable[str] | None = None) -> int:
    """Cancel open timed steps of a participation (it moved on another way)."""
    items = DueItem.objects.filter(participation=participation, done_at__isnull=True,
                                   cancelled_at__isnull=True)
    if kinds:
        items = items.filter(kind__in=kinds)
    return items.update(cancelled_at=timezone.now())
