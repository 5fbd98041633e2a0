"""Questionnaire pages (docs/domain.md#questionnaires): the participation's earlier answer
sets with the choice of an instrument, filling in the BWSQ or typing the scores of a paper
form, and the printable blank BWSQ form.

POH-GGZ and GP. Every page opened is logged by ``practice_view`` with the participation as
its object; every answer set by its service; the blank form as an export."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benzoproject.access import QUESTIONNAIRE_USERS, get_participation_for_user, practice_view
from patients.audit import audit_log
from patients.models import AuditEvent

from .. import services
from ..models import QuestionnaireDefinition
from ..questionnaire_forms import QuestionnaireForm
from ..questionnaire_print import blank_form_pdf
from ..questionnaire_selectors import (
    bwsq_hold_suggestion,
    definition_data,
    definitions,
    responses_of,
    score_trends,
)
from ..questionnaires import ScoreError, definition_from_dict
from ..schedule import ScheduleRefused
from ..selectors import active_schedule
from ..stepdata import current_step, steps_from_json


def _list_url(participation) -> str:
    return reverse("tapering:questionnaires",
                   args=[participation.project.uuid, participation.uuid])


@practice_view(roles=QUESTIONNAIRE_USERS)
def questionnaires(request, project_uuid, participation_uuid):
    """The answer sets so far, newest first, and the instruments to choose from."""
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    return render(request, "tapering/questionnaires.html", {
        "participation": participation, "definitions": definitions(),
        "responses": responses_of(participation=participation),
        "trends": score_trends(participation=participation)})


@practice_view(roles=QUESTIONNAIRE_USERS)
def questionnaire_fill(request, project_uuid, participation_uuid, code):
    """Fill in the items (BWSQ) or type the scores of the paper form."""
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    row = get_object_or_404(QuestionnaireDefinition.objects.prefetch_related("scales", "items"),
                            code=code)
    definition = definition_from_dict(definition_data(row))
    form = QuestionnaireForm(request.POST or None, definition=definition)
    if request.method == "POST" and form.is_valid():
        try:
            services.questionnaire_record(
                participation=participation, row=row, values=form.values(),
                taken_on=form.cleaned_data["taken_on"], how=form.cleaned_data["how"],
                user=request.user, today=timezone.localdate())
        except ScoreError as refused:
            for message in refused.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The %(name)s is saved.") % {"name": row.name})
            return redirect(_list_url(participation))
    return render(request, "tapering/questionnaire_fill.html", {
        "participation": participation, "row": row, "form": form})


@practice_view(roles=QUESTIONNAIRE_USERS)
def questionnaire_blank(request, project_uuid, participation_uuid, code):
    """The blank form of an instrument asked in the app, to fill in at home (PDF)."""
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    row = get_object_or_404(QuestionnaireDefinition.objects.prefetch_related("scales", "items"),
                            code=code)
    if not row.shows_items:
        raise Http404
    pdf = blank_form_pdf(definition_from_dict(definition_data(row)),
                         practice_name=participation.project.practice.name)
    audit_log(user=request.user, action=AuditEvent.Action.EXPORT, obj=participation,
              detail=f"blank {row.code} form")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{row.code}-leeg.pdf"'
    return response


@practice_view(roles=QUESTIONNAIRE_USERS)
@require_POST
def bwsq_hold_decision(request, project_uuid, participation_uuid):
    """The decision on the hold a BWSQ rise suggested: hold the step of today, or not now."""
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    back = reverse("tapering:schedule", args=[participation.project.uuid, participation.uuid])
    suggestion = bwsq_hold_suggestion(participation=participation)
    if suggestion is None or str(suggestion.latest.uuid) != request.POST.get("response"):
        messages.error(request, _("This suggestion is no longer open; the page was out of "
                                  "date."))
        return redirect(back)
    schedule, today = active_schedule(participation=participation), timezone.localdate()
    version = schedule.current if schedule is not None else None
    step = current_step(steps_from_json(version.steps), today) if version is not None else None
    version_text = request.POST.get("version") or "0"
    expected = int(version_text) if version_text.isdigit() and len(version_text) < 9 else -1
    try:
        services.bwsq_hold_decide(
            response=suggestion.latest, decision=request.POST.get("decision", ""),
            user=request.user, schedule=schedule, step=step.number if step else 0, days=7,
            expected_version=expected, today=today)
    except ScoreError as refused:
        messages.error(request, " ".join(refused.messages))
    except services.ScheduleStale as stale:
        messages.error(request, stale.message)
    except ScheduleRefused as refused_hold:
        messages.error(request, refused_hold.message)
    else:
        messages.success(request, _("Your decision is recorded."))
    return redirect(back)
