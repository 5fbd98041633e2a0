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

from benzoproject.access import QUESTIONNAIRE_USERS, get_participation_for_user, practice_view
from patients.audit import audit_log
from patients.models import AuditEvent

from .. import services
from ..models import QuestionnaireDefinition
from ..questionnaire_forms import QuestionnaireForm
from ..questionnaire_print import blank_form_pdf
from ..questionnaire_selectors import definition_data, definitions, responses_of
from ..questionnaires import ScoreError, definition_from_dict


def _list_url(participation) -> str:
    return reverse("tapering:questionnaires",
                   args=[participation.project.uuid, participation.uuid])


@practice_view(roles=QUESTIONNAIRE_USERS)
def questionnaires(request, project_uuid, participation_uuid):
    """The answer sets so far, newest first, and the instruments to choose from."""
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    return render(request, "tapering/questionnaires.html", {
        "participation": participation, "definitions": definitions(),
        "responses": responses_of(participation=participation)})


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
