"""The relapse-prevention plan pages (docs/domain.md#relapse-plan): the plan in force with
its earlier versions, the form to make or change it, one earlier version read-only,
"reviewed today" (done at each evaluation consult) and the patient's printout.

POH-GGZ and GP. Every page opened is logged by ``practice_view`` with the participation
as its object; every change by its service; the printout as an export.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from benzoproject.access import (
    RELAPSE_PLAN_USERS,
    get_participation_for_user,
    practice_view,
)
from letters.selectors import practice_data
from patients.audit import audit_log
from patients.models import AuditEvent

from .. import services
from ..models import RelapsePlanVersion
from ..relapse import PHASE_FIELDS, PHASES, content_of
from ..relapse_forms import RelapsePlanForms
from ..relapse_print import relapse_pdf
from ..selectors import relapse_plan_of, relapse_versions


def _plan_url(participation) -> str:
    return reverse("tapering:relapse-plan", args=[participation.project.uuid,
                                                   participation.uuid])


def _shown(version: RelapsePlanVersion) -> dict:
    """A version's content as the plan page shows it."""
    content = content_of(version)
    phases = content.phases_json()
    return {"version": version, "content": content, "people": content.people_json(),
            "phases": [(key, title, [(label, phases[key][name])
                                     for name, label in PHASE_FIELDS.items()])
                       for key, title in PHASES.items()]}


@practice_view(roles=RELAPSE_PLAN_USERS)
@require_GET
def relapse_plan(request, project_uuid, participation_uuid):
    """The plan in force, its versions, "reviewed today" and print."""
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    plan = relapse_plan_of(participation=participation)
    return render(request, "tapering/relapse_plan.html", {
        "participation": participation, "plan": plan, "is_current": True,
        "today": timezone.localdate(),
        "versions": relapse_versions(plan=plan) if plan else [],
        **(_shown(plan.current) if plan else {})})


@practice_view(roles=RELAPSE_PLAN_USERS)
@require_GET
def relapse_plan_version(request, project_uuid, participation_uuid, version_uuid):
    """One version, read-only."""
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    version = get_object_or_404(RelapsePlanVersion.objects.select_related(
        "plan", "made_by", "reviewed_by"), uuid=version_uuid, plan__participation=participation)
    return render(request, "tapering/relapse_plan.html", {
        "participation": participation, "plan": version.plan,
        "is_current": version.number == version.plan.current_number,
        "today": timezone.localdate(), "versions": relapse_versions(plan=version.plan),
        **_shown(version)})


@practice_view(roles=RELAPSE_PLAN_USERS)
def relapse_plan_edit(request, project_uuid, participation_uuid):
    """Make or change the plan. A stale page keeps what was typed and says so."""
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    plan = relapse_plan_of(participation=participation)
    current = plan.current if plan else None
    number = current.number if current else 0
    if request.method != "POST":
        forms = RelapsePlanForms(content=content_of(current) if current else None,
                                 version=number)
        return _edit_page(request, participation, plan, forms)
    forms = RelapsePlanForms(request.POST)
    if not forms.is_valid():
        return _edit_page(request, participation, plan, forms, status=400)
    content = forms.content()
    try:
        version = services.relapse_plan_save(participation=participation, user=request.user,
                                             content=content,
                                             expected_version=forms.expected_version)
    except services.RelapsePlanStale as stale:
        if current is not None and _same(content_of(current), content):
            messages.info(request, _("This plan was saved already."))
            return redirect(_plan_url(participation))
        messages.error(request, stale.message)
        # What was typed stays; the page now carries the version in force, so saving
        # again (after a look at it) replaces it on purpose.
        data = request.POST.copy()
        data["version"] = str(number)
        return _edit_page(request, participation, plan, RelapsePlanForms(data), status=409)
    except services.RelapsePlanRefused as refused:
        messages.error(request, refused.message)
        return _edit_page(request, participation, plan, forms, status=400)
    messages.success(request, _("Relapse-prevention plan saved: version %(n)s.")
                     % {"n": version.number})
    return redirect(_plan_url(participation))


def _same(a, b) -> bool:
    return (a.phases_json() == b.phases_json() and a.people_json() == b.people_json()
            and a.safety.strip() == b.safety.strip() and a.update_on == b.update_on)


def _edit_page(request, participation, plan, forms, status: int = 200):
    return render(request, "tapering/relapse_plan_form.html", {
        "participation": participation, "plan": plan, "forms": forms,
    }, status=status)


@practice_view(roles=RELAPSE_PLAN_USERS)
@require_POST
def relapse_plan_review(request, project_uuid, participation_uuid):
    """Record that the plan was gone through with the patient today."""
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    today = timezone.localdate()
    try:
        expected = int(request.POST.get("version", ""))
    except ValueError:
        expected = -1
    try:
        services.relapse_plan_review(participation=participation, user=request.user,
                                     expected_version=expected, today=today)
    except services.RelapsePlanStale as stale:
        plan = relapse_plan_of(participation=participation)
        if plan is not None and plan.current.reviewed_on == today:
            messages.info(request, _("The plan was already marked as reviewed today."))
        else:
            messages.error(request, stale.message)
    except services.RelapsePlanRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Plan marked as reviewed today."))
    return redirect(_plan_url(participation))


@practice_view(roles=RELAPSE_PLAN_USERS)
@require_GET
def relapse_plan_print(request, project_uuid, participation_uuid):
    """The patient's printout (PDF) of the plan in force."""
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    plan = relapse_plan_of(participation=participation)
    if plan is None:
        raise Http404
    version, today = plan.current, timezone.localdate()
    pdf = relapse_pdf(content=content_of(version),
                      patient_name=participation.patient.display_name,
                      practice=practice_data(participation.project.practice),
                      made_on=timezone.localdate(version.made_at),
                      reviewed_on=version.reviewed_on)
    audit_log(user=request.user, action=AuditEvent.Action.EXPORT, obj=plan,
              detail=f"relapse-prevention plan printout, version {version.number}")
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"terugvalpreventieplan-{participation.patient.number}-{today.isoformat()}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
