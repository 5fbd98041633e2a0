"""Choosing a capacity plan (docs/domain.md#capacity-planning): the plan is stored and the
project's letter target becomes the plan's letters per batch."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from patients.audit import audit_log
from patients.models import AuditEvent, Project

from .capacity import CapacityError, plan
from .capacity_selectors import capacity_ratios, project_groslijst_size, project_letters_mailed
from .models import CapacityPlan


class CapacityChoiceError(Exception):
    """The choice is refused; ``message`` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Choice:
    plan: CapacityPlan
    created: bool  # False: the same plan was in force already (a second click)


@transaction.atomic
def capacity_plan_choose(*, user, project: Project, hours_per_week: Decimal,
                         minutes_per_call: int, minutes_per_consult: int,
                         batches_per_month: int, letters_per_batch: int,
                         groslijst_size: int) -> Choice:
    """Store the proposal with ``batches_per_month`` for these inputs and set the project's
    letter target to its letters per batch.

    ``letters_per_batch`` and ``groslijst_size`` are what the page showed: the proposal is
    computed again here, and a page that no longer matches the project (the groslijst or
    the reference figures changed since) is refused rather than applied. Choosing the plan
    that is in force already changes nothing.
    """
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.status == Project.Status.CLOSED:
        raise CapacityChoiceError(_("This project is closed; its plan cannot change."))
    eligible_ratio, consult_ratio = capacity_ratios()
    if eligible_ratio is None or consult_ratio is None:
        raise CapacityChoiceError(_("The reference figures the planner needs are missing."))
    size = project_groslijst_size(project=locked)
    try:
        capacity = plan(hours_per_week=hours_per_week, minutes_per_call=minutes_per_call,
                        minutes_per_consult=minutes_per_consult, groslijst_size=size,
                        eligible_ratio=eligible_ratio.value,
                        consult_ratio=consult_ratio.value,
                        already_mailed=project_letters_mailed(project=locked))
    except CapacityError as error:
        raise CapacityChoiceError(error.message) from None
    proposal = next((p for p in capacity.proposals
                     if p.batches_per_month == batches_per_month), None)
    if proposal is None or proposal.letters_per_batch != letters_per_batch \
            or size != groslijst_size:
        raise CapacityChoiceError(_("The figures have changed since this proposal was shown. "
                                    "Nothing was changed; look at the new proposal below."))
    latest = CapacityPlan.objects.filter(project=locked).order_by("-chosen_at", "-id").first()
    if (latest is not None and locked.letter_target == proposal.letters_per_batch
            and (latest.letters_per_batch, latest.batches_per_month, latest.hours_per_week,
                 latest.minutes_per_call, latest.minutes_per_consult, latest.groslijst_size)
            == (proposal.letters_per_batch, proposal.batches_per_month, hours_per_week,
                minutes_per_call, minutes_per_consult, size)):
        return Choice(plan=latest, created=False)
    chosen = CapacityPlan.objects.create(
        project=locked, hours_per_week=hours_per_week, minutes_per_call=minutes_per_call,
        minutes_per_consult=minutes_per_consult, groslijst_size=size,
        eligible_ratio=eligible_ratio.percent, eligible_source=eligible_ratio.source,
        consult_ratio=consult_ratio.percent, consult_source=consult_ratio.source,
        letters_per_batch=proposal.letters_per_batch,
        batches_per_month=proposal.batches_per_month, eligible=capacity.eligible,
        letter_target_before=locked.letter_target, chosen_by=user)
    before = locked.letter_target
    locked.letter_target = proposal.letters_per_batch
    locked.save(update_fields=["letter_target"])
    project.letter_target = locked.letter_target
    audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=locked,
              detail=(f"capacity plan {chosen.uuid}: {proposal.batches_per_month} batch(es) "
                      f"a month of {proposal.letters_per_batch} letters; letter target "
                      f"{before} -> {proposal.letters_per_batch}"))
    return Choice(plan=chosen, created=True)
