"""The capacity planner of a project (docs/domain.md#capacity-planning): the POH-GGZ enters
hours and minutes, sees the proposals and chooses one; the GPs may look. Expected against
actual numbers per month once a plan is chosen."""

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benzoproject.access import get_project_for_user, practice_view
from patients.models import Project, Role

from .capacity import Capacity, CapacityError, ExpectedMonth, expected_by_month, plan
from .capacity_forms import CapacityChoiceForm, CapacityForm
from .capacity_selectors import (
    DEFAULT_MINUTES_PER_CALL,
    DEFAULT_MINUTES_PER_CONSULT,
    ActualMonth,
    actual_by_month,
    capacity_plans,
    capacity_ratios,
    month_span,
    plan_periods,
    project_groslijst_size,
    project_letters_mailed,
    recorded_minutes,
)
from .capacity_services import CapacityChoiceError, capacity_plan_choose
from .charts import Line, month_chart_svg

# The project lead plans; the GPs may look (read-only).
PLAN_VIEWERS = (Role.POH_GGZ, Role.HUISARTS)
PLANNERS = (Role.POH_GGZ,)
INPUTS = tuple(CapacityForm.base_fields)


@dataclass(frozen=True)
class MonthRow:
    expected: ExpectedMonth
    actual: ActualMonth


def _initial(project: Project, recorded) -> dict:
    """The inputs of the plan in force, so its proposals show; without one, no hours and
    the practice's recorded minutes (or the stated defaults)."""
    latest = project.capacity_plans.order_by("-chosen_at", "-id").first()
    if latest is not None:
        return {"uren": latest.hours_per_week.normalize(),
                "minuten_bellen": latest.minutes_per_call,
                "minuten_consult": latest.minutes_per_consult}
    return {"uren": None, "minuten_bellen": recorded.call_default,
            "minuten_consult": recorded.consult_default}


def _comparison(project: Project, plans) -> tuple[list[MonthRow], list[str]]:
    if not plans:
        return [], []
    first_plan = min(timezone.localdate(p.chosen_at) for p in plans)
    today = timezone.localdate()
    months = month_span(min(project.planned_start, first_plan), max(today, first_plan))
    expected = expected_by_month(plan_periods(plans), months)
    actual = actual_by_month(project=project, months=months)
    rows = [MonthRow(e, a) for e, a in zip(expected, actual, strict=True)]

    def line(name, values):
        return Line(name, tuple((r.expected.month, Decimal(v)) for r, v in zip(rows, values,
                                                                              strict=True)))

    charts = [
        month_chart_svg(_("Stop letters per month"), [
            line(_("Expected letters"), [r.expected.letters for r in rows]),
            line(_("Letters mailed"), [r.actual.letters for r in rows])],
            unit=_("letters"), places=0, chart_id="grafiek-brieven", axis=_("month")),
        month_chart_svg(_("Minutes of calls and consults per month"), [
            line(_("Expected minutes"), [r.expected.minutes for r in rows]),
            line(_("Minutes recorded"), [r.actual.minutes for r in rows])],
            unit=_("minutes"), places=0, chart_id="grafiek-minuten", axis=_("month")),
    ]
    return rows, [c for c in charts if c]


def _page(request, project: Project, form: CapacityForm, status: int = 200):
    eligible, consult = capacity_ratios()
    size = project_groslijst_size(project=project)
    mailed = project_letters_mailed(project=project)
    capacity: Capacity | None = None
    problem = ""
    values = form.cleaned_data if form.is_bound and form.is_valid() else (
        None if form.is_bound or form.initial.get("uren") is None else form.initial)
    if values and eligible and consult and size:
        try:
            capacity = plan(hours_per_week=values["uren"],
                            minutes_per_call=values["minuten_bellen"],
                            minutes_per_consult=values["minuten_consult"],
                            groslijst_size=size, eligible_ratio=eligible.value,
                            consult_ratio=consult.value, already_mailed=mailed)
        except CapacityError as error:
            problem = error.message
    plans = capacity_plans(project=project)
    rows, charts = _comparison(project, plans)
    return render(request, "monitoring/capacity.html", {
        "project": project, "form": form, "capacity": capacity, "values": values,
        "problem": problem,
        "eligible": eligible, "consult": consult, "groslijst_size": size, "mailed": mailed,
        "recorded": recorded_minutes(practice=project.practice),
        "default_call": DEFAULT_MINUTES_PER_CALL, "default_consult": DEFAULT_MINUTES_PER_CONSULT,
        "plans": plans, "current": plans[0] if plans else None, "rows": rows,
        "charts": charts,
        "can_choose": (request.membership.role in PLANNERS
                       and project.status != Project.Status.CLOSED),
    }, status=status)


@practice_view(roles=PLAN_VIEWERS)
def capacity(request, project_uuid):
    project = get_project_for_user(request, project_uuid)
    if any(name in request.GET for name in INPUTS):
        form = CapacityForm(request.GET)
    else:
        form = CapacityForm(initial=_initial(project, recorded_minutes(
            practice=project.practice)))
    return _page(request, project, form)


@practice_view(roles=PLANNERS)
@require_POST
def capacity_choose(request, project_uuid):
    project = get_project_for_user(request, project_uuid)
    form = CapacityChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This choice could not be read; nothing was changed."))
        return _page(request, project, form, status=400)
    data = form.cleaned_data
    back = reverse("monitoring:capacity", kwargs={"project_uuid": project.uuid})
    query = urlencode({name: request.POST[name] for name in INPUTS})
    try:
        choice = capacity_plan_choose(
            user=request.user, project=project, hours_per_week=data["uren"],
            minutes_per_call=data["minuten_bellen"], minutes_per_consult=data["minuten_consult"],
            batches_per_month=data["per_maand"], letters_per_batch=data["brieven"],
            groslijst_size=data["grootte"])
    except CapacityChoiceError as error:
        messages.error(request, error.message)
        return redirect(f"{back}?{query}")
    if choice.created:
        messages.success(request, _(
            "Plan chosen: %(batches)s × a month %(letters)s letters. The project's letter "
            "target is now %(letters)s per batch.") % {
            "batches": choice.plan.batches_per_month, "letters": choice.plan.letters_per_batch})
    else:
        messages.info(request, _("This plan was chosen already; nothing was changed."))
    return redirect(back)
