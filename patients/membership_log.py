"""Changes of access (docs/security.md#least-privilege): every membership granted, changed or
removed is written to the audit log, and the practice's project lead sees the last 30 days
of them on the start page.

The detail of such an event has a fixed form, "<username>: <old role> -> <new role>" with
"-" for none, so the log reads on its own and the start page reads it back.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Model

from .audit import audit_log
from .models import AuditEvent, Practice, Project, Role

MEMBERSHIP_EVENT = "membership"
NO_ROLE = "-"
SHOWN_DAYS = 30


def membership_change_log(*, user, membership: Model, practice: Practice, member: str,
                          old_role: str | None, new_role: str | None) -> AuditEvent | None:
    """Log that ``member`` went from ``old_role`` to ``new_role`` in ``practice`` (None: no
    membership), naming the membership row; nothing when the role stayed the same."""
    if old_role == new_role:
        return None
    action = (AuditEvent.Action.CREATE if old_role is None else
              AuditEvent.Action.DELETE if new_role is None else AuditEvent.Action.CHANGE)
    return audit_log(user=user, action=action, practice=practice, obj=membership,
                     object_type=MEMBERSHIP_EVENT,
                     detail=f"{member}: {old_role or NO_ROLE} -> {new_role or NO_ROLE}")


def membership_change_parse(detail: str) -> tuple[str, str | None, str | None] | None:
    """The member, old role and new role of a membership event's detail; None when the
    detail is not in that form."""
    member, sep, change = detail.rpartition(": ")
    old, arrow, new = change.partition(" -> ")
    if not sep or not arrow:
        return None
    return member, None if old == NO_ROLE else old, None if new == NO_ROLE else new


def sees_access_changes(*, user, practice: Practice, role: str) -> bool:
    """The practice's project lead: a POH-GGZ who leads one of its projects; while the
    practice has no project yet, every POH-GGZ of it (someone must see who gets in)."""
    if role != Role.POH_GGZ:
        return False
    projects = Project.objects.filter(practice=practice)
    return projects.filter(lead=user).exists() or not projects.exists()


@dataclass(frozen=True)
class AccessChange:
    at: datetime
    by: str  # who made the change; "" for a command or the demo
    member: str  # the full name (or the username) of who got, changed or lost access
    username: str
    old_role: str | None  # its label, None: had no access
    new_role: str | None  # its label, None: has no access any more


def _role_label(value: str | None) -> str | None:
    return None if value is None else str(Role(value).label) if value in Role.values else value


def access_changes(*, practice: Practice, today: date,
                   days: int = SHOWN_DAYS) -> list[AccessChange]:
    """The practice's changes of access in the last ``days`` days, newest first."""
    events = AuditEvent.objects.filter(practice=practice, object_type=MEMBERSHIP_EVENT,
                                       at__date__gt=today - timedelta(days=days))
    parsed = [(event, membership_change_parse(event.detail)) for event in events]
    usernames = {found[0] for _event, found in parsed if found}
    names = {user.get_username(): user.get_full_name() or user.get_username()
             for user in get_user_model().objects.filter(username__in=usernames)}
    return [AccessChange(at=event.at, by=event.username, member=names.get(found[0], found[0]),
                         username=found[0], old_role=_role_label(found[1]),
                         new_role=_role_label(found[2]))
            for event, found in parsed if found]
