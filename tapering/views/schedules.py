"""Tapering schedule pages (docs/domain.md, step 7 and #tapering-schedules): make or change a
schedule with a live preview, the schedule page with its adjustments and version history,
the GP's confirmation of a switch to diazepam, and the patient's printout.

POH-GGZ and GP; only a GP confirms. Every page opened is logged by ``practice_view`` with
the participation as its object; every change by its service.
"""

from dataclasses import asdict

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from benzoproject.access import (
    SCHEDULE_CONFIRMERS,
    SCHEDULE_USERS,
    get_participation_for_user,
    practice_view,
)
from letters.selectors import person_name, practice_data
from patients.audit import audit_log
from patients.models import AuditEvent, Role

from .. import services
from ..chart import step_chart_svg
from ..forms import PRESET_HELP, AdjustForm, ConfirmForm, ScheduleForm
from ..models import TaperScheduleVersion
from ..plans import plan_build
from ..printout import schedule_pdf
from ..questionnaire_selectors import bwsq_hold_suggestion, score_trends
from ..schedule import ScheduleRefused, equivalence_uncertain, tablets_by_strength
from ..selectors import (
    active_schedule,
    prescription_hint,
    product_options,
    schedule_page,
    schedule_versions,
)
from ..stepdata import steps_from_json


def _schedule_url(participation) -> str:
    return reverse("tapering:schedule", args=[participation.project.uuid, participation.uuid])


def _initial(participation, schedule, hint, today) -> dict:
    """The form's first values: the current version when changing, else the latest
    prescription's product and strength."""
    if schedule is not None:
        version = schedule.current
        return {**asdict(services.choice_of(version)), "version": version.number}
    initial = {"start": today, "preset": "nhg", "switch_diazepam": True, "version": 0}
    if hint is not None:
        initial.update(atc=hint.atc, strength_mg=hint.strength_mg)
    return initial


@practice_view(roles=SCHEDULE_USERS)
def schedule_new(request, project_uuid, participation_uuid):
    """Make a schedule, or change the one in force (a new version, or a new schedule)."""
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    today = timezone.localdate()
    schedule = active_schedule(participation=participation)
    hint = prescription_hint(participation=participation, today=today)
    products = product_options()
    form = ScheduleForm(request.POST or None, products=products,
                        initial=_initial(participation, schedule, hint, today))
    if request.method == "POST" and form.is_valid():
        try:
            message = _save(request, participation, schedule, form, today)
        except services.ScheduleStale as stale:
            messages.error(request, stale.message)
            return redirect(_schedule_url(participation))
        except ScheduleRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, message)
            return redirect(_schedule_url(participation))
    return render(request, "tapering/schedule_form.html", {
        "participation": participation, "schedule": schedule, "form": form, "hint": hint,
        "products": products, "preset_help": PRESET_HELP,
        "may_make": participation.status in services.MAKE_FROM,
        "preview": _preview(form) if form.is_bound else _preview_of(
            services.choice_of(schedule.current) if schedule is not None else None),
    }, status=400 if form.errors else 200)


def _save(request, participation, schedule, form, today) -> str:
    data = form.cleaned_data
    if schedule is None or data["replace"]:
        services.taper_schedule_make(
            participation=participation, user=request.user, choice=form.choice(), today=today,
            replacing=schedule, expected_version=data["version"], reason=data["reason"])
        return _("Tapering schedule saved.")
    version = services.taper_schedule_change(
        schedule=schedule, user=request.user, choice=form.choice(), reason=data["reason"],
        expected_version=data["version"], today=today)
    return _("Tapering schedule changed: version %(n)s.") % {"n": version.number}


def _preview(form) -> dict:
    """The preview's context for a filled-in form: what is wrong with what was filled in,
    or the schedule (a missing reason does not stop it)."""
    form.is_valid()
    errors = {name: errors for name, errors in form.errors.as_data().items()
              if name != "reason"}
    wrong = [str(message) for errors_of in errors.values() for e in errors_of
             if e.code != "required" for message in e.messages]
    if wrong:
        return {"refused": " ".join(wrong)}
    return _preview_of(None if errors else form.choice())


def _preview_of(choice) -> dict:
    """The preview's context: the steps and chart, or what is missing or wrong."""
    if choice is None:
        return {"incomplete": True}
    try:
        built = plan_build(choice)
    except ScheduleRefused as refused:
        return {"refused": refused.message}
    return {"built": built, "steps": built.steps, "totals": tablets_by_strength(built.steps),
            "chart": step_chart_svg(built.steps, chart_id="voorbeeld-grafiek"),
            "uncertain": built.switched_dose_mg is not None
            and equivalence_uncertain(choice.atc)}


@practice_view(roles=SCHEDULE_USERS)
@require_GET
def schedule_preview(request, project_uuid, participation_uuid):
    """The live preview beside the form (htmx): table and chart of what the form says."""
    get_participation_for_user(request, project_uuid, participation_uuid)
    form = ScheduleForm(request.GET, products=product_options(), preview=True)
    return render(request, "tapering/_schedule_preview.html", {"preview": _preview(form)})


@practice_view(roles=SCHEDULE_USERS)
def schedule_detail(request, project_uuid, participation_uuid):
    """The schedule in force: table, chart, switch, tablets, adjustments, history."""
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    today = timezone.localdate()
    schedule = active_schedule(participation=participation)
    page = schedule_page(version=schedule.current, today=today) if schedule else None
    return render(request, "tapering/schedule.html", {
        "participation": participation, "page": page, "today": today,
        "versions": schedule_versions(participation=participation),
        "may_make": participation.status in services.MAKE_FROM,
        "is_gp": request.membership.role == Role.HUISARTS,
        "hold_suggestion": bwsq_hold_suggestion(participation=participation) if page else None,
        "bwsq_trends": score_trends(participation=participation, codes=["bwsq"]) if page else [],
        "adjust_form": AdjustForm(initial={
            "step": page.today_step.number if page and page.today_step else 0,
            "version": page.version.number if page else 1, "days": 7}),
    })


@practice_view(roles=SCHEDULE_USERS)
def schedule_version(request, project_uuid, participation_uuid, version_uuid):
    """One version, read-only (the history keeps every earlier version)."""
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    version = get_object_or_404(TaperScheduleVersion.objects.select_related(
        "schedule", "made_by", "confirmed_by"), uuid=version_uuid,
        schedule__participation=participation)
    return render(request, "tapering/schedule_version.html", {
        "participation": participation, "today": timezone.localdate(),
        "page": schedule_page(version=version, today=timezone.localdate())})


@practice_view(roles=SCHEDULE_USERS)
@require_POST
def schedule_adjust(request, project_uuid, participation_uuid):
    """Hold the step of today longer, repeat it, or go one step back; with a reason."""
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    schedule = active_schedule(participation=participation)
    form = AdjustForm(request.POST)
    if schedule is None:
        messages.error(request, _("There is no tapering schedule to adjust."))
    elif not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        data, today = form.cleaned_data, timezone.localdate()
        common = {"schedule": schedule, "user": request.user, "step": data["step"],
                  "reason": data["reason"], "expected_version": data["version"],
                  "today": today}
        try:
            if data["action"] == AdjustForm.Action.HOLD:
                version = services.taper_schedule_hold(days=data["days"], **common)
            elif data["action"] == AdjustForm.Action.REPEAT:
                version = services.taper_schedule_repeat(**common)
            else:
                version = services.taper_schedule_back(**common)
        except ScheduleRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Schedule adjusted: version %(n)s.")
                             % {"n": version.number})
    return redirect(_schedule_url(participation))


@practice_view(roles=SCHEDULE_CONFIRMERS)
@require_POST
def schedule_confirm(request, project_uuid, participation_uuid):
    """The GP confirms the converted diazepam dose of the version shown."""
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    schedule = active_schedule(participation=participation)
    form = ConfirmForm(request.POST)
    if schedule is None or not form.is_valid():
        messages.error(request, _("There is no switch to diazepam to confirm."))
        return redirect(_schedule_url(participation))
    try:
        if services.taper_schedule_confirm(schedule=schedule, user=request.user,
                                           expected_version=form.cleaned_data["version"]):
            messages.success(request, _("Switch to diazepam confirmed. The schedule can be "
                                        "printed now."))
        else:
            messages.info(request, _("This switch was confirmed already."))
    except ScheduleRefused as refused:
        messages.error(request, refused.message)
    return redirect(_schedule_url(participation))


@practice_view(roles=SCHEDULE_USERS)
@require_GET
def schedule_print(request, project_uuid, participation_uuid):
    """The patient's printout (PDF) of the version in force; refused while a switch to
    diazepam waits for a GP."""
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    schedule = active_schedule(participation=participation)
    if schedule is None:
        raise Http404
    version = schedule.current
    if version.needs_confirmation:
        messages.error(request, _("The schedule cannot be printed yet: a GP must first confirm "
                                  "the switch to diazepam."))
        return redirect(_schedule_url(participation))
    project, today = participation.project, timezone.localdate()
    pdf = schedule_pdf(
        steps=steps_from_json(version.steps), patient_name=participation.patient.display_name,
        practice=practice_data(project.practice), poh_name=person_name(project.lead),
        # Users have no phone number of their own: the POH-GGZ is reached at the practice.
        poh_phone=project.practice.phone, made_on=today)
    audit_log(user=request.user, action=AuditEvent.Action.EXPORT, obj=schedule,
              detail=f"tapering schedule printout, version {version.number}")
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"afbouwschema-{participation.patient.number}-{today.isoformat()}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
