"""Setting a participation's outcome (docs/domain.md#outcomes): the POH-GGZ or a GP, from
the timeline page. The rules (date, reason, status move) live in
``patients.services.participation_outcome_set``."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from benzoproject.access import CONSULT_USERS, get_participation_for_user, practice_view
from patients import services as patient_services

from ..outcome_forms import OutcomeForm


def _timeline_url(participation) -> str:
    return reverse("tapering:timeline", args=[participation.project.uuid, participation.uuid])


@practice_view(roles=CONSULT_USERS)
def outcome_set(request, project_uuid, participation_uuid):
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    today = timezone.localdate()
    status = 200
    if request.method == "POST":
        form = OutcomeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                patient_services.participation_outcome_set(
                    participation=participation, user=request.user, outcome=data["outcome"],
                    on=data["outcome_on"], reason=data["reason"], today=today)
            except patient_services.OutcomeUnchanged as error:
                messages.info(request, error.message)
                return redirect(_timeline_url(participation))
            except patient_services.OutcomeError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Outcome recorded: %(outcome)s.") % {
                    "outcome": participation.get_outcome_display()})
                return redirect(_timeline_url(participation))
        status = 400
    else:
        form = OutcomeForm(initial={"outcome": participation.outcome,
                                    "outcome_on": participation.outcome_on or today,
                                    "reason": participation.outcome_reason})
    return render(request, "tapering/outcome.html", {
        "participation": participation, "project": participation.project, "form": form,
        "today": today}, status=status)
