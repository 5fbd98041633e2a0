"""Writes for questionnaires (docs/domain.md#questionnaires): one answer set, scored by the
generic function of tapering/questionnaires.py, kept with its date, how it was entered and
the step of the tapering schedule in force on that date."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benzoproject.formats import format_date
from patients.audit import audit_log
from patients.models import AuditEvent, Participation
from patients.workflow import participation_note

from ..models import QuestionnaireDefinition, QuestionnaireResponse, TaperSchedule
from ..questionnaire_selectors import definition_data
from ..questionnaires import ScoreError, definition_from_dict, score
from ..stepdata import current_step, steps_from_json
from .schedules import taper_schedule_hold


def step_on(*, participation: Participation, day: date) -> int | None:
    """The number of the step of the schedule in force that is taken on ``day``."""
    # As tapering.selectors.active_schedule, which imports the services itself.
    schedule = TaperSchedule.objects.filter(participation=participation,
                                            replaced_at__isnull=True).first()
    if schedule is None:
        return None
    step = current_step(steps_from_json(schedule.current.steps), day)
    return None if step is None else step.number


@transaction.atomic
def questionnaire_record(*, participation: Participation, row: QuestionnaireDefinition,
                         values: Mapping[str, Any], taken_on: date, how: str, user,
                         today: date) -> QuestionnaireResponse:
    """Score and keep one answer set. Refuses (ScoreError) a date after today and answers
    or scores the instrument does not allow. The same answers for the same day sent twice
    (a double click) are kept once."""
    if taken_on > today:
        raise ScoreError([_("The date filled in cannot be after today.")])
    if how not in QuestionnaireResponse.How.values:
        raise ScoreError([_("Choose how the questionnaire was filled in.")])
    result = score(definition_from_dict(definition_data(row)), values)
    # The keys the instrument has, read once (not once per answer).
    known = {str(i.number) for i in row.items.all()} | {s.code for s in row.scales.all()}
    kept = {key: int(value) for key, value in values.items() if key in known}
    Participation.objects.select_for_update().get(pk=participation.pk)
    same = QuestionnaireResponse.objects.filter(participation=participation, definition=row,
                                                taken_on=taken_on, values=kept).first()
    if same is not None:
        return same
    response = QuestionnaireResponse.objects.create(
        participation=participation, definition=row, taken_on=taken_on, how=how,
        step=step_on(participation=participation, day=taken_on), values=kept,
        scores=result.scores, categories=result.categories, entered_by=user)
    audit_log(user=user, action=AuditEvent.Action.CREATE, obj=response,
              patient=participation.patient,
              practice=participation.project.practice,
              detail=f"{row.code} of {taken_on.isoformat()}: {result.scores}")
    return response


@transaction.atomic
def bwsq_hold_decide(*, response: QuestionnaireResponse, decision: str, user,
                     schedule: TaperSchedule | None = None, step: int = 0, days: int = 7,
                     expected_version: int = 0, today: date) -> None:
    """Record the decision on the hold a BWSQ rise suggested: ``held`` holds ``step`` through
    the schedule's own hold (a new version with the reason), ``not_now`` writes a timeline
    note. Refuses (ScoreError) a second decision on the same answer set."""
    locked = QuestionnaireResponse.objects.select_for_update().select_related(
        "participation__project__practice").get(pk=response.pk)
    if locked.hold_decision:
        raise ScoreError([_("A decision on this suggestion was made already.")])
    total = locked.scores.get("total")
    reason = _("The BWSQ total rose to %(total)s on %(day)s.") % {
        "total": total, "day": format_date(locked.taken_on)}
    if decision == "held":
        if schedule is None:
            raise ScoreError([_("There is no tapering schedule to hold.")])
        taper_schedule_hold(schedule=schedule, user=user, step=step, days=days, reason=reason,
                            expected_version=expected_version, today=today)
    elif decision == "not_now":
        participation_note(participation=locked.participation, user=user,
                           what=_("Hold suggested by the BWSQ: not now. %(reason)s")
                           % {"reason": reason})
    else:
        raise ScoreError([_("Choose whether to hold the step.")])
    locked.hold_decision, locked.decided_by, locked.decided_at = decision, user, timezone.now()
    locked.save(update_fields=["hold_decision", "decided_by", "decided_at"])
    audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=locked,
              patient=locked.participation.patient,
              practice=locked.participation.project.practice,
              detail=f"BWSQ hold suggestion: {decision}")
