"""The PDF evaluation report of a project (docs/domain.md#evaluation-report, SPEC step 9):
for the practice's annual quality report. A4, plain Dutch, readable in black and white, and
aggregate only: no patient is named; GPs are named as the export names them.

Sections: a title page (practice, project, period, as-of date), the figures (funnel,
stopped and reduced with their denominator, DDD per day before and after, letters per GP,
chronic users per GP at the start and now, per 1,000 registered patients), the charts of
the dashboard, the literature's reference figures with their sources, the result targets
with their progress, the plan of approach with its check-offs, the time spent per
activity and the practice's reflection.

HTML from ``templates/monitoring/report/report.html``, PDF through the one WeasyPrint
helper (``letters.pdf.html_to_pdf``), page numbers as on the tapering printouts.

API: ``report_context(*, project, as_of, charts=None) -> dict``,
``report_html(context) -> str``, ``report_pdf(*, project, as_of, charts=None) -> bytes``
(``charts``: the dashboard's, ``dashboard_charts``, unless given).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from benzoproject.formats import format_date
from letters.pdf import html_to_pdf
from letters.render import css_string
from patients.models import ExclusionReason, Project
from tapering.printout import page_number_css

from . import dashboard
from .dashboard import chart_months, month_values
from .measures import BY_KEY, measures_compute
from .models import ReferenceFigure
from .report_services import reflection_of
from .snapshots import month_start, snapshots_of
from .targets import project_target_progress


@dataclass(frozen=True)
class Chart:
    """One chart of the dashboard for the report: a title, its SVG markup ('' when no month
    has a value) and the months without stored figures."""

    title: str
    svg: str
    missing: Sequence[str] = ()


def dashboard_charts(*, project: Project, as_of: date, values: dict[str, Any]) -> list[Chart]:
    """The dashboard's month-by-month charts (``monitoring.dashboard``) through the month
    of ``as_of``, that month's points from ``values``."""
    month = month_start(as_of)
    snapshots = [s for s in snapshots_of(project=project) if s.month <= month]
    by_month = month_values(chart_months(project, snapshots, month), snapshots, month, values)
    return [Chart(title=c.title, svg=c.svg, missing=c.missing)
            for c in dashboard.charts(project, by_month, list(ReferenceFigure.objects.all()))]


@dataclass(frozen=True)
class Row:
    """One line of a figures table: the measure's name and definition, and its value."""

    key: str
    name: str
    definition: str
    value: Any
    kind: str
    note: str = ""


FUNNEL_KEYS = ("funnel_groslijst", "funnel_screened", "funnel_excluded", "funnel_mailed",
               "funnel_responded", "funnel_reached", "funnel_consult", "funnel_schedule",
               "stopped", "reduced")
PROCESS = ("stop_letters", "invitations", "consultations", "calls")
MINUTES_KEYS = ("minutes_letters", "minutes_calls", "minutes_consultations")


def _row(values: dict[str, Any], key: str, note: str = "") -> Row:
    measure = BY_KEY[key]
    return Row(key=key, name=str(measure.name), definition=str(measure.definition),
               value=values.get(key), kind=str(measure.kind), note=note)


def _per_gp(values: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per GP: letters, chronic users at the start and now."""
    letters = values.get("letters_per_gp") or {}
    start = values.get("chronic_start_per_gp") or {}
    now = values.get("chronic_now_per_gp") or {}
    names = sorted(set(letters) | set(start) | set(now), key=lambda n: (n == "", n))
    return [{"gp": name or gettext("no GP"), "letters": letters.get(name, 0),
             "start": start.get(name, 0), "now": now.get(name, 0)} for name in names]


def _share_note(values: dict[str, Any], share_key: str) -> str:
    share, evaluated = values.get(share_key), values.get("evaluated")
    if share is None or not evaluated:
        return gettext("no denominator yet")
    return gettext("%(share)s%% of %(n)s evaluated") % {
        "share": f"{share:.1f}".replace(".", ","), "n": evaluated}


def report_context(*, project: Project, as_of: date, charts: Sequence[Chart] | None = None
                   ) -> dict[str, Any]:
    """Everything the report shows, as of ``as_of`` (the dashboard's charts unless
    ``charts`` is given)."""
    values = measures_compute(project, as_of)
    if charts is None:
        charts = dashboard_charts(project=project, as_of=as_of, values=values)
    reasons = dict(ExclusionReason.choices)
    funnel = [_row(values, key, _share_note(values, f"{key}_share")
                   if key in ("stopped", "reduced") else "") for key in FUNNEL_KEYS]
    minutes = [_row(values, key) for key in MINUTES_KEYS]
    total_minutes = sum(row.value or 0 for row in minutes)
    footer = gettext("Evaluation report %(project)s · %(practice)s · as of %(day)s") % {
        "project": project.name, "practice": project.practice.name,
        "day": format_date(as_of)}
    return {
        "project": project, "practice": project.practice, "as_of": as_of,
        "made_on": timezone.localdate(),
        "funnel": funnel,
        "excluded_by_reason": [(str(reasons.get(code, code)), n) for code, n
                               in (values.get("excluded_by_reason") or {}).items()],
        "results": [_row(values, key) for key in (
            "evaluated", "left", "stopped", "stopped_share", "reduced", "reduced_share",
            "ddd_before", "ddd_after", "ddd_change", "restarts")],
        "chronic": [_row(values, key) for key in (
            "chronic_start", "chronic_now", "chronic_change", "chronic_start_per_1000",
            "chronic_now_per_1000")],
        "per_gp": _per_gp(values),
        "process": [{"name": str(BY_KEY[f"{key}_count"].name),
                     "count": values.get(f"{key}_count"), "first": values.get(f"{key}_first"),
                     "last": values.get(f"{key}_last")} for key in PROCESS],
        "questionnaires": [_row(values, key) for key in ("bwsq_pairs", "bwsq_change")],
        "minutes": minutes, "total_minutes": total_minutes,
        "charts": [chart for chart in charts if chart.svg],
        "references": list(ReferenceFigure.objects.all()),
        "targets": [(progress, BY_KEY[progress.target.measure]) for progress
                    in project_target_progress(project=project, as_of=as_of)],
        "plan_steps": list(project.plan_steps.select_related("done_by")),
        "reflection": reflection_of(project),
        "footer_css": css_string(footer),
        "page_number_css": page_number_css(),
    }


def report_html(context: dict[str, Any]) -> str:
    return render_to_string("monitoring/report/report.html", context)


def report_pdf(*, project: Project, as_of: date, charts: Sequence[Chart] | None = None
               ) -> bytes:
    return html_to_pdf(report_html(report_context(project=project, as_of=as_of,
                                                  charts=charts)))
