"""The result targets page of a project (docs/domain.md#result-targets): the targets with
their progress today, and for the POH-GGZ a form to add one and a button to remove one."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benzoproject.access import get_project_for_user, practice_view
from patients.models import Role

from . import target_services
from .access import get_result_target_for_user
from .forms import ResultTargetForm
from .measures import BY_KEY
from .targets import project_target_progress

# The GPs see the targets; the project lead (POH-GGZ) sets them.
TARGET_VIEWERS = (Role.POH_GGZ, Role.HUISARTS)
TARGET_EDITORS = (Role.POH_GGZ,)


def _page(request, project, form, status=200):
    today = timezone.localdate()
    rows = [(progress, BY_KEY[progress.target.measure])
            for progress in project_target_progress(project=project, as_of=today)]
    return render(request, "monitoring/targets.html",
                  {"project": project, "rows": rows, "form": form, "today": today,
                   "can_edit": request.membership.role in TARGET_EDITORS}, status=status)


@practice_view(roles=TARGET_VIEWERS)
def targets(request, project_uuid):
    project = get_project_for_user(request, project_uuid)
    return _page(request, project, ResultTargetForm(project=project))


@practice_view(roles=TARGET_EDITORS)
@require_POST
def target_add(request, project_uuid):
    project = get_project_for_user(request, project_uuid)
    form = ResultTargetForm(request.POST, project=project)
    if not form.is_valid():
        return _page(request, project, form, status=400)
    target_services.result_target_add(user=request.user, project=project, **form.cleaned_data)
    messages.success(request, _("Target added."))
    return redirect("monitoring:targets", project_uuid=project.uuid)


@practice_view(roles=TARGET_EDITORS)
@require_POST
def target_delete(request, project_uuid, target_uuid):
    target = get_result_target_for_user(request, project_uuid, target_uuid)
    target_services.result_target_delete(user=request.user, target=target)
    messages.success(request, _("Target removed."))
    return redirect("monitoring:targets", project_uuid=project_uuid)
