"""Project pages of the POH-GGZ: list, create, edit, plan of approach (docs/domain.md, step 1)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benzoproject.access import (
    PROJECT_EDITORS,
    PROJECT_VIEWERS,
    SCREENING_VIEWERS,
    get_plan_step_for_user,
    get_project_for_user,
    practice_view,
)

from .. import services
from ..forms import PlanStepDoneForm, PlanStepForm, ProjectForm
from ..selectors import plan_steps_for_project, project_funnel, projects_for_practice


@practice_view(roles=PROJECT_VIEWERS)
def project_list(request):
    page = Paginator(projects_for_practice(practice=request.practice), 20).get_page(
        request.GET.get("pagina"))
    return render(request, "patients/project_list.html", {"page": page})


@practice_view(roles=PROJECT_EDITORS)
def project_create(request):
    form = ProjectForm(request.POST or None, practice=request.practice, user=request.user)
    if request.method == "POST" and form.is_valid():
        project = services.project_create(
            user=request.user, practice=request.practice, data=form.service_data(),
            gps=form.cleaned_data["gps"], assistants=form.cleaned_data["assistants"])
        messages.success(request, _("Project “%(name)s” created with the default plan of "
                                    "approach.") % {"name": project.name})
        return redirect("patients:project-detail", project_uuid=project.uuid)
    return render(request, "patients/project_form.html", {"form": form, "project": None})


@practice_view(roles=PROJECT_EDITORS)
def project_edit(request, project_uuid):
    project = get_project_for_user(request, project_uuid)
    form = ProjectForm(request.POST or None, instance=project, practice=request.practice)
    if request.method == "POST" and form.is_valid():
        services.project_update(
            user=request.user, project=project, data=form.service_data(),
            gps=form.cleaned_data["gps"], assistants=form.cleaned_data["assistants"])
        messages.success(request, _("Project saved."))
        return redirect("patients:project-detail", project_uuid=project.uuid)
    return render(request, "patients/project_form.html", {"form": form, "project": project})


@practice_view(roles=PROJECT_VIEWERS)
def project_detail(request, project_uuid):
    project = get_project_for_user(request, project_uuid)
    today = timezone.localdate()
    steps = plan_steps_for_project(project=project)
    role = request.membership.role
    rows = [(step, services.plan_step_may_check(role=role, step=step)) for step in steps]
    return render(request, "patients/project_detail.html", {
        "project": project,
        "rows": rows,
        "current_month": project.month_number(today),
        "done_count": sum(1 for step, _may_check in rows if step.done_on),
        "can_edit": role in PROJECT_EDITORS,
        "today": today,
        # Screening reasons are clinical: the funnel is for the GP and POH-GGZ only.
        "funnel": project_funnel(project=project) if role in SCREENING_VIEWERS else None,
    })


def _check_step_permission(request, step) -> None:
    if not services.plan_step_may_check(role=request.membership.role, step=step):
        raise PermissionDenied


@practice_view(roles=PROJECT_VIEWERS)
@require_POST
def plan_step_done(request, project_uuid, step_uuid):
    step = get_plan_step_for_user(request, project_uuid, step_uuid)
    _check_step_permission(request, step)
    form = PlanStepDoneForm(request.POST)
    if form.is_valid():
        services.plan_step_set_done(user=request.user, step=step,
                                    done_on=form.cleaned_data["done_on"])
        messages.success(request, _("“%(what)s” checked off.") % {"what": step.what})
    else:
        messages.error(request, " ".join(form.errors["done_on"]))
    return redirect(f"{step.project_url()}#stap-{step.id}")


@practice_view(roles=PROJECT_VIEWERS)
@require_POST
def plan_step_reopen(request, project_uuid, step_uuid):
    step = get_plan_step_for_user(request, project_uuid, step_uuid)
    _check_step_permission(request, step)
    services.plan_step_set_done(user=request.user, step=step, done_on=None)
    messages.info(request, _("“%(what)s” is open again.") % {"what": step.what})
    return redirect(f"{step.project_url()}#stap-{step.id}")


@practice_view(roles=PROJECT_EDITORS)
def plan_step_add(request, project_uuid):
    project = get_project_for_user(request, project_uuid)
    form = PlanStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.plan_step_save(user=request.user, project=project, data=form.cleaned_data)
        messages.success(request, _("Step added to the plan."))
        return redirect("patients:project-detail", project_uuid=project.uuid)
    return render(request, "patients/plan_step_form.html",
                  {"form": form, "project": project, "step": None})


@practice_view(roles=PROJECT_EDITORS)
def plan_step_edit(request, project_uuid, step_uuid):
    step = get_plan_step_for_user(request, project_uuid, step_uuid)
    form = PlanStepForm(request.POST or None, instance=step)
    if request.method == "POST" and form.is_valid():
        services.plan_step_save(user=request.user, project=step.project,
                                data=form.cleaned_data, step=step)
        messages.success(request, _("Step saved."))
        return redirect(f"{step.project_url()}#stap-{step.id}")
    return render(request, "patients/plan_step_form.html",
                  {"form": form, "project": step.project, "step": step})


@practice_view(roles=PROJECT_EDITORS)
@require_POST
def plan_step_delete(request, project_uuid, step_uuid):
    step = get_plan_step_for_user(request, project_uuid, step_uuid)
    project_url = step.project_url()
    services.plan_step_delete(user=request.user, step=step)
    messages.success(request, _("Step removed from the plan."))
    return redirect(project_url)
