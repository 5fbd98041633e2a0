"""What the dashboard page shows, gathered in one place (docs/domain.md#dashboard).

The figures of the chosen month come live from ``measures_compute`` (as of the month's
last day, or today for the running month); the month-by-month lines come from the stored
snapshots (``snapshots.py``), with the chosen month's live figures as the last point. A
month without a snapshot is a gap in the lines and is named under the chart.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

from patients.models import Project

from .charts import Line, Reference, bar_svg, month_chart_svg, month_label
from .measures import BY_KEY, MEASURES
from .models import MonthlySnapshot, ReferenceFigure
from .prevention import new_starters_table
from .scope import Scope
from .snapshots import decode_values, month_start, snapshots_of, stored_figures
from .tables import (
    PAGE_SIZE,
    DashboardFilters,
    PatientRow,
    Table,
    as_decimal,
    funnel_table,
    measure_values,
    per_gp_table,
    process_table,
)
from .targets import TargetProgress, project_target_progress

# The measures behind the funnel's and the process table's rows, for their definitions.
FUNNEL_KEYS = ("funnel_groslijst", "funnel_screened", "funnel_excluded", "excluded_by_reason",
               "funnel_mailed", "funnel_responded", "funnel_reached", "funnel_consult",
               "funnel_schedule", "evaluated", "stopped", "reduced", "approached_share",
               "consult_share")
PROCESS_KEYS = ("stop_letters_count", "resends_count", "invitations_count", "calls_count",
                "consultations_count", "minutes_calls", "minutes_consultations")


@dataclass(frozen=True)
class FunnelBar:
    label: str
    count: int
    share: Decimal | None
    share_of: str
    bar: str
    indent: bool  # an exclusion reason under "excluded"


@dataclass(frozen=True)
class Ratio:
    """A share of this project beside the literature's figure for it."""

    measure_key: str
    value: Decimal | None
    reference: ReferenceFigure


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    svg: str  # '' when no month has a value
    missing: list[str]  # the months without a stored snapshot
    references: list[ReferenceFigure]


def chart_months(project: Project, snapshots: list[MonthlySnapshot], month: date) -> list[date]:
    """The months the lines run over: from the project's planned start (or its first stored
    month, when earlier) through the chosen month."""
    first = month_start(project.planned_start)
    if snapshots:
        first = min(first, snapshots[0].month)
    first = min(first, month)
    months = []
    while first <= month:
        months.append(first)
        first += relativedelta(months=1)
    return months


def month_values(months: list[date], snapshots: list[MonthlySnapshot], chosen: date,
                 live: dict[str, Any]) -> dict[date, dict[str, Any] | None]:
    """Each month's stored values (None without a snapshot); the chosen month's are live."""
    stored: dict[date, dict[str, Any] | None] = {s.month: s.values for s in snapshots}
    result = {m: stored.get(m) for m in months}
    result[chosen] = live
    return result


def _line(name: str, key: str, by_month: dict[date, dict[str, Any] | None]) -> Line:
    return Line(name=name, points=tuple(
        (m, None if v is None else as_decimal(v.get(key))) for m, v in by_month.items()))


def reference_label(figure: ReferenceFigure) -> str:
    """The short label beside a reference line: value, group and window."""
    parts = [figure.value_text or f"{figure.value:g}"]
    if figure.arm == ReferenceFigure.Arm.LETTER:
        parts.append(_("letter"))
    elif figure.arm == ReferenceFigure.Arm.WITHOUT_LETTER:
        parts.append(_("no letter"))
    else:
        parts.append(figure.source.split()[0].rstrip(","))
    if figure.window_months:
        parts.append(_("%(n)s mo") % {"n": figure.window_months})
    return " ".join(parts)


def reference_text(figure: ReferenceFigure) -> str:
    """The legend's line: what, how much, when, and the source."""
    value = figure.value_text or f"{figure.value:g}"
    window = f" ({figure.window_text})" if figure.window_text else ""
    said = "" if value in figure.label else f": {value}"  # "... IVM-module: 27%" says it
    return f"{figure.label}{said}{window} — {figure.source}"


def charts(project: Project, by_month: dict[date, dict[str, Any] | None],
           figures: list[ReferenceFigure]) -> list[Chart]:
    missing = [month_label(m) for m, v in by_month.items() if v is None]
    stopped_refs = [f for f in figures if f.measure == "stopped_share"]
    ddd_refs = [f for f in figures if f.measure == "ddd_change"]
    before = _("DDD/day in the 12 months before the letter")
    stopped_title = _("Share stopped, month by month")
    ddd_title = _("Mean DDD per day, month by month")
    stopped = month_chart_svg(
        stopped_title,
        [_line(_("Stopped, as a share of the evaluated"), "stopped_share", by_month)],
        [Reference(label=reference_label(f), text=reference_text(f), value=f.value)
         for f in stopped_refs], unit=_("percent stopped"), chart_id="grafiek-gestopt")
    ddd = month_chart_svg(
        ddd_title, [_line(before, "ddd_before", by_month),
                    _line(_("DDD/day in the 6 months before the month's end"), "ddd_after",
                          by_month)],
        [Reference(label=reference_label(f), text=reference_text(f), value=f.value,
                   relative_to=before) for f in ddd_refs],
        unit=_("DDD per day"), places=2, chart_id="grafiek-ddd")
    return [Chart("gestopt", stopped_title, stopped, missing, stopped_refs),
            Chart("ddd", ddd_title, ddd, missing, ddd_refs)]


def funnel_bars(table: Table) -> list[FunnelBar]:
    excluded_prefix = _("Excluded: %(reason)s") % {"reason": ""}
    return [FunnelBar(label=str(r[0]), count=r[1] or 0, share=r[2], share_of=r[3],
                      bar=bar_svg(r[2]), indent=str(r[0]).startswith(excluded_prefix))
            for r in table.rows]


@dataclass(frozen=True)
class GpBars:
    name: str
    letters: int
    start: int
    now: int
    letters_bar: str
    start_bar: str
    now_bar: str


def gp_bars(table: Table) -> tuple[list[GpBars], list[Any]]:
    """One row per GP with bars scaled to the largest count; and the practice's total."""
    *rows, total = table.rows
    most = max([max(r[1], r[2], r[3]) for r in rows] + [1])

    def bar(n: int) -> str:
        return bar_svg(Decimal(n) * 100 / most)

    return [GpBars(r[0], r[1], r[2], r[3], bar(r[1]), bar(r[2]), bar(r[3]))
            for r in rows], total


@dataclass(frozen=True)
class PatientPage:
    rows: list[PatientRow]
    number: int
    pages: int
    total: int

    @property
    def first_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return min(self.number * PAGE_SIZE, self.total)

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


def patient_page(rows: list[PatientRow], filters: DashboardFilters) -> tuple[
        PatientPage, DashboardFilters]:
    """The filters' page of ``rows`` (the last page, with a message, when it is past it)."""
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    if filters.page > pages:
        filters = filters.with_error(
            _("There is no page %(page)s; the last page (%(last)s) is shown.")
            % {"page": filters.page, "last": pages}, page=pages)
    start = (filters.page - 1) * PAGE_SIZE
    return PatientPage(rows=rows[start:start + PAGE_SIZE], number=filters.page, pages=pages,
                       total=len(rows)), filters


def dashboard_data(*, project: Project, filters: DashboardFilters,
                   scope: Scope | None = None) -> dict[str, Any]:
    """Everything the page draws except the patient table (``tables.patient_rows``, which
    may share ``scope`` with it: the same project as of ``filters.as_of``)."""
    # The figures stored as of this very date when there are (a finished month), else live
    # (``scope`` then keeps the shared parts for the patient table).
    stored = stored_figures(project=project, as_of=filters.as_of)
    if stored is not None and all(m.key in stored.values for m in MEASURES):
        values = decode_values(stored.values)
    else:
        stored = None
        values = measure_values(scope or Scope(project=project, as_of=filters.as_of))
    snapshots = [s for s in snapshots_of(project=project) if s.month <= filters.month]
    months = chart_months(project, snapshots, filters.month)
    by_month = month_values(months, snapshots, filters.month, values)
    figures = list(ReferenceFigure.objects.all())
    ratios = [Ratio(f.measure, as_decimal(values.get(f.measure)), f) for f in figures
              if f.measure in ("approached_share", "consult_share")]
    gp_rows, gp_total = gp_bars(per_gp_table(values))
    targets: list[TargetProgress] = project_target_progress(project=project,
                                                            as_of=filters.as_of)
    return {
        "values": values,
        "funnel": funnel_bars(funnel_table(values)),
        "ratios": ratios,
        "charts": charts(project, by_month, figures),
        "stored_months": len(snapshots),
        "stored": stored,
        "gp_rows": gp_rows,
        "gp_total": gp_total,
        "targets": [(p, BY_KEY[p.target.measure]) for p in targets],
        "process": process_table(values),
        "measures": BY_KEY,
        "funnel_measures": [BY_KEY[k] for k in FUNNEL_KEYS],
        "process_measures": [BY_KEY[k] for k in PROCESS_KEYS],
        # The practice's new starters (prevention), outside the project's own figures.
        "new_starters": new_starters_table(practice=project.practice, month=filters.month),
        "new_starters_total": _("Practice total"),
    }
