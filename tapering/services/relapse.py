"""Writes for the relapse-prevention plan (docs/domain.md#relapse-plan).

Every save adds a version (who, when) and keeps the earlier ones; so does marking
the plan reviewed, which the POH-GGZ or GP does at each evaluation consult. Each
form carries the version number it was shown: a stale page or a second click is
refused with a message and changes nothing. Each version is a timeline entry and
an audit event.
"""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from benzoproject.formats import format_date
from patients.audit import audit_log
from patients.models import AuditEvent, Participation
from patients.workflow import participation_note

from ..models import RelapsePlan, RelapsePlanVersion
from ..relapse import PlanContent, content_of

C = RelapsePlanVersion.Change


class RelapsePlanRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RelapsePlanStale(RelapsePlanRefused):
    """The page was made from an earlier version (or a second click): nothing changed."""


def _stale() -> RelapsePlanStale:
    return RelapsePlanStale(_("The relapse-prevention plan was changed in the meantime. "
                              "Nothing was saved: look at the current version and try "
                              "again."))


def _locked_plan(participation: Participation, expected_version: int) -> RelapsePlan | None:
    """The participation's plan locked for a change (None before the first save);
    refused when the page showed another version."""
    Participation.objects.select_for_update().get(pk=participation.pk)
    plan = RelapsePlan.objects.select_for_update().filter(participation=participation).first()
    if (plan.current_number if plan is not None else 0) != expected_version:
        raise _stale()
    return plan


def _add_version(*, participation: Participation, plan: RelapsePlan | None, user,
                 change: str, content: PlanContent, reviewed_on: date | None,
                 reviewed_by) -> RelapsePlanVersion:
    if plan is None:
        plan = RelapsePlan.objects.create(participation=participation, created_by=user,
                                          current_number=0)
    number = plan.current_number + 1
    version = RelapsePlanVersion.objects.create(
        plan=plan, number=number, change=change, made_by=user,
        phases=content.phases_json(), safety=content.safety.strip()[:4000],
        people=content.people_json(), update_on=content.update_on,
        reviewed_on=reviewed_on, reviewed_by=reviewed_by)
    plan.current_number = number
    plan.save(update_fields=["current_number"])
    audit_log(user=user, action=AuditEvent.Action.CREATE if number == 1
              else AuditEvent.Action.CHANGE, obj=plan,
              detail=f"relapse-prevention plan version {number}: {change}")
    return version


@transaction.atomic
def relapse_plan_save(*, participation: Participation, user, content: PlanContent,
                      expected_version: int) -> RelapsePlanVersion:
    """Save the plan as a new version; the last review stays with it."""
    plan = _locked_plan(participation, expected_version)
    if content.is_empty():
        raise RelapsePlanRefused(_("The plan is empty. Write at least one signal, "
                                   "agreement or person."))
    previous = plan.current if plan is not None else None
    version = _add_version(
        participation=participation, plan=plan, user=user,
        change=C.MADE if previous is None else C.CHANGED, content=content,
        reviewed_on=previous.reviewed_on if previous else None,
        reviewed_by=previous.reviewed_by if previous else None)
    what = (_("Relapse-prevention plan made.") if previous is None
            else _("Relapse-prevention plan changed: version %(n)s.") % {"n": version.number})
    participation_note(participation=participation, user=user, what=what)
    return version


@transaction.atomic
def relapse_plan_review(*, participation: Participation, user, expected_version: int,
                        today: date) -> RelapsePlanVersion:
    """Record that the plan was gone through with the patient today (a new version with
    the same content)."""
    plan = _locked_plan(participation, expected_version)
    if plan is None:
        raise RelapsePlanRefused(_("There is no relapse-prevention plan to review yet."))
    previous = plan.current
    version = _add_version(participation=participation, plan=plan, user=user,
                           change=C.REVIEWED, content=content_of(previous),
                           reviewed_on=today, reviewed_by=user)
    participation_note(participation=participation, user=user,
                       what=_("Relapse-prevention plan reviewed on %(day)s.")
                       % {"day": format_date(today)})
    return version
