"""Writes for relatives and hand-outs (docs/domain.md#relatives): add and remove, each with a
timeline entry and an audit event. Removing keeps the row (``removed_at``); removing twice
(a second click, a stale page) is refused and changes nothing."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benzoproject.formats import format_date
from patients.audit import audit_log
from patients.models import AuditEvent, Participation
from patients.workflow import participation_note

from ..models import HandOut, Relative


class RelativeError(Exception):
    """A step on relatives or hand-outs that cannot be taken; ``message`` says why, in Dutch."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _log(*, participation: Participation, user, action: str, obj, what: str) -> None:
    participation_note(participation=participation, user=user, what=what)
    audit_log(user=user, action=action, obj=obj, practice=participation.project.practice,
              patient=participation.patient, detail=what)


@transaction.atomic
def relative_add(*, participation: Participation, user, name: str, relation: str,
                 phone: str = "", may_contact: bool = False) -> Relative:
    relative = Relative.objects.create(
        participation=participation, name=name.strip(), relation=relation.strip(),
        phone=phone.strip(), may_contact=may_contact, added_by=user)
    what = _("Relative added: %(name)s (%(relation)s)") % {"name": relative.name,
                                                           "relation": relative.relation}
    _log(participation=participation, user=user, action=AuditEvent.Action.CREATE, obj=relative,
         what=what)
    return relative


def _soft_remove(obj, *, user, already: str, what: Callable[[Any], str]):
    """Mark ``obj`` (a Relative or HandOut) removed; refuse when it was removed already."""
    locked = type(obj).objects.select_for_update().get(pk=obj.pk)
    if locked.removed_at is not None:
        raise RelativeError(already)
    locked.removed_at, locked.removed_by = timezone.now(), user
    locked.save(update_fields=["removed_at", "removed_by"])
    _log(participation=locked.participation, user=user, action=AuditEvent.Action.DELETE,
         obj=locked, what=what(locked))
    return locked


@transaction.atomic
def relative_remove(*, relative: Relative, user) -> Relative:
    return _soft_remove(
        relative, user=user, already=_("This relative was removed already."),
        what=lambda r: _("Relative removed: %(name)s (%(relation)s)") % {
            "name": r.name, "relation": r.relation})


@transaction.atomic
def hand_out_add(*, participation: Participation, user, kind: str, text: str = "",
                 given_on: date, today: date) -> HandOut:
    """Refuses a date after ``today`` and "other" without a description."""
    text = text.strip()
    if given_on > today:
        raise RelativeError(_("The date it was given cannot be in the future."))
    if kind == HandOut.Kind.OTHER and not text:
        raise RelativeError(_("Say what was given."))
    hand_out = HandOut.objects.create(participation=participation, kind=kind, text=text,
                                      given_on=given_on, given_by=user)
    what = _("Hand-out given on %(date)s: %(what)s") % {"date": format_date(given_on),
                                                        "what": hand_out.label}
    _log(participation=participation, user=user, action=AuditEvent.Action.CREATE, obj=hand_out,
         what=what)
    return hand_out


@transaction.atomic
def hand_out_remove(*, hand_out: HandOut, user) -> HandOut:
    return _soft_remove(
        hand_out, user=user, already=_("This hand-out was removed already."),
        what=lambda h: _("Hand-out removed: %(what)s") % {"what": h.label})
