"""The FTO group's view for the monitor (docs/domain.md, "The FTO group's view"): the
measures per practice and for the group, side by side, pseudonymous and with small counts
suppressed (monitoring/pseudonyms.py).

Figures come from the stored monthly snapshot of each practice's counting project
(monitoring/snapshots.py), or are computed live when that month has none yet. Group
totals add the counts up; shares and means are recomputed from the summed counts.
No figure here is per patient.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from benzoproject.validation import date_problem
from patients.models import GpNameMapping, Membership, Practice, Project, Role

from .measures import BY_KEY, Kind, measures_compute
from .models import MonthlySnapshot, ResultTarget
from .pseudonyms import (
    HIDDEN,
    HIDDEN_TEXT,
    Shown,
    gp_labels,
    is_small,
    protect_line,
    shown,
)
from .scope import HUNDREDTHS, ONE_DECIMAL, percent
from .snapshots import decode_values, figures, month_end, month_start
from .targets import project_target_progress

DEVELOPMENT_KEY = "development-only-pseudonym-key"

# The stored measures the group view reads.
NEEDED = ("funnel_groslijst", "funnel_screened", "funnel_excluded", "funnel_mailed",
          "funnel_responded", "funnel_reached", "funnel_consult", "funnel_schedule",
          "evaluated", "left", "stopped", "reduced", "restarts", "ddd_before", "ddd_after",
          "chronic_start", "chronic_now", "letters_per_gp", "calls_count",
          "consultations_count", "minutes_calls", "minutes_consultations")

# The counts a measure's value is computed from: it is suppressed when one of them is.
INPUTS: dict[str, tuple[str, ...]] = {
    "approached_share": ("funnel_screened", "funnel_excluded"),
    "consult_share": ("funnel_consult", "funnel_mailed"),
    "stopped_share": ("stopped", "evaluated"),
    "reduced_share": ("reduced", "evaluated"),
    "ddd_before": ("evaluated",),
    "ddd_after": ("evaluated",),
    "ddd_change": ("evaluated",),
    "chronic_change": ("chronic_start", "chronic_now"),
    "chronic_start_per_1000": ("chronic_start",),
    "chronic_now_per_1000": ("chronic_now",),
    "bwsq_change": ("bwsq_pairs",),
    "minutes_calls": ("calls_count",),
    "minutes_consultations": ("consultations_count",),
}


class PseudonymKeyMissing(Exception):
    """No PSEUDONYM_KEY while DEBUG is off: the group view must not open."""


def pseudonym_key() -> str:
    key: str = getattr(settings, "PSEUDONYM_KEY", "")
    if key:
        return key
    if settings.DEBUG:
        return DEVELOPMENT_KEY
    raise PseudonymKeyMissing


# --- Which practices and projects --------------------------------------------------------


def monitored_practices(*, user, practice: Practice) -> list[Practice]:
    """The practices of ``practice``'s FTO group in which ``user`` is a monitor (only
    ``practice`` itself when it is in no group)."""
    memberships = Membership.objects.filter(user=user, role=Role.MONITOR)
    if practice.fto_group_id is None:
        return [practice] if memberships.filter(practice=practice).exists() else []
    return list(Practice.objects.filter(
        fto_group_id=practice.fto_group_id,
        memberships__in=memberships).distinct().order_by("name"))


def counting_project(projects: Sequence[Project]) -> Project | None:
    """The running project (the latest started), else the latest closed one."""
    running = [p for p in projects if p.status == Project.Status.RUNNING]
    if running:
        return max(running, key=lambda p: (p.planned_start, p.pk))
    closed = [p for p in projects if p.status == Project.Status.CLOSED]
    return max(closed, key=lambda p: (p.planned_end, p.pk)) if closed else None


@dataclass
class Column:
    practice: Practice
    projects: list[Project]  # the ones the monitor may choose, newest first
    project: Project | None
    values: dict[str, Any] | None = None  # the measures, None without figures
    stored: bool = False  # from a monthly snapshot (else computed live)
    snapshot: MonthlySnapshot | None = None  # the month's stored row, when there is one
    gp_names: list[str] = field(default_factory=list)  # the export's GP names, first seen first


def columns_for(practices: Iterable[Practice], chosen: Iterable[str]) -> list[Column]:
    """A column per practice with its counting project, or the one of ``chosen`` (project
    uuids from the URL) that belongs to it."""
    wanted = set(chosen)
    practices = list(practices)
    by_practice: dict[int, list[Project]] = {p.pk: [] for p in practices}
    for project in (Project.objects.filter(practice__in=practices)
                    .exclude(status=Project.Status.PREPARING)
                    .order_by("-planned_start", "-pk")):
        by_practice[project.practice_id].append(project)
    names: dict[int, list[str]] = {p.pk: [] for p in practices}
    for practice_id, name in (GpNameMapping.objects.filter(practice__in=practices)
                              .order_by("pk").values_list("practice_id", "export_name")):
        names[practice_id].append(name)
    columns = []
    for practice in practices:
        projects = by_practice[practice.pk]
        pick = next((p for p in projects if str(p.uuid) in wanted), None)
        columns.append(Column(practice, projects, pick or counting_project(projects),
                              gp_names=names[practice.pk]))
    return columns


def load_figures(columns: list[Column], month: date, today: date) -> None:
    """Fill each column's values for ``month``: the stored snapshot, else computed live;
    none for a month before the project's start or after today."""
    as_of = min(month_end(month), today)
    stored = {s.project_id: s for s in MonthlySnapshot.objects.filter(
        project__in=[c.project for c in columns if c.project is not None], month=month)}
    for column in columns:
        project = column.project
        if project is None or month_end(month) < project.planned_start or month > today:
            continue
        snapshot = stored.get(project.pk)
        column.snapshot = snapshot
        if snapshot is not None and all(k in snapshot.values for k in NEEDED):
            column.values = decode_values(snapshot.values)
            column.stored = True
        else:
            column.values = measures_compute(project, as_of, keys=NEEDED)


# --- The table ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One figure as the monitor sees it; ``number`` for the export when shown exactly."""

    text: str
    number: int | Decimal | None = None
    suppressed: bool = False  # "<10" or "–" because of a small count (the note explains)


EMPTY = Cell("")  # no figures for this practice


@dataclass
class Row:
    key: str
    label: str
    kind: str
    cells: list[Cell]
    total: Cell


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)


def _cell(s: Shown) -> Cell:
    return Cell(s.text, s.value, suppressed=not s.exact and s.text != "")


def _fmt(value: Decimal | None, places: int, suffix: str = "") -> Cell:
    if value is None:
        return Cell(HIDDEN_TEXT)
    return Cell(number_format(value, places, use_l10n=True) + suffix, value)


def _weighted_mean(pairs: list[tuple[Any, int]]) -> Decimal | None:
    """The mean over all participations from the practices' means and counts."""
    pairs = [(Decimal(m), n) for m, n in pairs if m is not None and n]
    weight = sum(n for _m, n in pairs)
    if not weight:
        return None
    return (sum((m * n for m, n in pairs), Decimal(0)) / weight).quantize(
        HUNDREDTHS, ROUND_HALF_UP)


@dataclass
class GroupTable:
    columns: list[Column]
    sections: list[Section]
    gp_letters: list[tuple[Column, list[tuple[str, Cell]]]]
    any_suppressed: bool


class _Builder:
    """Builds the rows over the columns with figures; the group column last."""

    def __init__(self, columns: list[Column]):
        self.columns = columns
        self.present = [c for c in columns if c.values is not None]
        self.lines: dict[str, tuple[list[Shown], Shown]] = {}
        self.sums: dict[str, int] = {}

    def _place(self, cells: list[Cell]) -> list[Cell]:
        """The cells of the present columns, with empty ones for the others."""
        it = iter(cells)
        return [next(it) if c.values is not None else EMPTY for c in self.columns]

    def raw(self, key: str) -> list[int]:
        return [int(c.values.get(key) or 0) for c in self.present]  # type: ignore[union-attr]

    def count_line(self, key: str, values: list[int] | None = None) -> None:
        values = self.raw(key) if values is None else values
        line = protect_line(values)
        self.lines[key] = (line.cells, line.total)
        self.sums[key] = sum(values)

    def parts_line(self, key: str, values: list[int], parts: tuple[str, ...]) -> None:
        """A count that is the sum of shown counts (sent a letter = evaluated + left):
        shown exactly only where each part is, so it gives no hidden part away."""
        cells = []
        for i, value in enumerate(values):
            exact = all(self.lines[p][0][i].exact for p in parts)
            cells.append(shown(value) if exact or is_small(value) or value == 0 else HIDDEN)
        total = sum(values)
        exact = all(self.lines[p][1].exact for p in parts)
        self.lines[key] = (cells, shown(total) if exact or is_small(total) else HIDDEN)
        self.sums[key] = total

    def exact(self, keys: tuple[str, ...], index: int | None) -> bool:
        """Whether every count in ``keys`` is shown exactly in column ``index`` (None: the
        group column)."""
        for key in keys:
            cells, total = self.lines[key]
            if not (total if index is None else cells[index]).exact:
                return False
        return True

    def count_row(self, key: str, label: Any) -> Row:
        cells, total = self.lines[key]
        return Row(key, str(label), "count", self._place([_cell(s) for s in cells]),
                   _cell(total))

    def derived_row(self, key: str, label: Any, kind: str, inputs: tuple[str, ...],
                    practice_value, group_value) -> Row:
        """A share or mean: hidden where one of its input counts is not shown exactly."""
        places = {"ddd": 2, "minutes": 0}.get(kind, 1)
        suffix = " %" if kind == "percent" else ""

        def cell(value: Decimal | None, exact: bool) -> Cell:
            if not exact:
                return Cell(HIDDEN_TEXT, suppressed=True)
            return _fmt(value, places, suffix)

        cells = [cell(practice_value(i, c), self.exact(inputs, i))
                 for i, c in enumerate(self.present)]
        return Row(key, str(label), kind, self._place(cells),
                   cell(group_value(), self.exact(inputs, None)))


def build_table(columns: list[Column], key: str) -> GroupTable:
    b = _Builder(columns)
    present = b.present
    for k in ("funnel_groslijst", "funnel_excluded", "funnel_responded", "funnel_reached",
              "funnel_consult", "funnel_schedule", "evaluated", "left", "stopped",
              "reduced", "restarts", "chronic_start", "chronic_now", "calls_count",
              "consultations_count"):
        b.count_line(k)
    approached = [s - e for s, e in zip(b.raw("funnel_screened"), b.raw("funnel_excluded"),
                                        strict=True)]
    # Sent a letter = evaluated + died/moved/left: shown only where both parts are, or a
    # small "left" would follow by subtraction. (Screened - excluded, those to approach,
    # is no row of its own: its share shows only where "excluded" does.)
    b.count_line("funnel_screened")
    b.parts_line("funnel_mailed", b.raw("funnel_mailed"), ("evaluated", "left"))
    s = b.sums
    s["approached"] = sum(approached)

    def share(num: str, den: str) -> tuple:
        return (lambda i, c: percent(int(c.values[num] if num != "approached"
                                         else approached[i]), int(c.values[den] or 0)),
                lambda: percent(s[num], s[den]))

    def ddd(key_: str) -> tuple:
        return (lambda i, c: None if c.values[key_] is None else Decimal(c.values[key_]),
                lambda: _weighted_mean([(v[key_], int(v["evaluated"] or 0))
                                        for v in (c.values or {} for c in present)]))

    def ddd_change() -> tuple:
        def practice(i, c):
            n = int(c.values["evaluated"] or 0)
            before, after = c.values["ddd_before"], c.values["ddd_after"]
            if not n or before is None or after is None:
                return None
            return percent(Decimal(after) - Decimal(before), Decimal(before))

        def group():
            before = sum((Decimal(c.values["ddd_before"] or 0) * int(c.values["evaluated"] or 0)
                          for c in present), Decimal(0))
            after = sum((Decimal(c.values["ddd_after"] or 0) * int(c.values["evaluated"] or 0)
                         for c in present), Decimal(0))
            return percent(after - before, before)
        return practice, group

    sizes = [c.practice.list_size for c in present]

    def per_1000(key_: str) -> tuple:
        def practice(i, c):
            size = c.practice.list_size
            return (Decimal(int(c.values[key_])) * 1000 / size).quantize(
                ONE_DECIMAL, ROUND_HALF_UP) if size else None

        def group():
            if not present or not all(sizes):
                return None
            return (Decimal(s[key_]) * 1000 / sum(sizes)).quantize(ONE_DECIMAL, ROUND_HALF_UP)
        return practice, group

    def minutes(key_: str) -> tuple:
        return (lambda i, c: Decimal(int(c.values[key_] or 0)), lambda: Decimal(s[key_]))

    for k in ("minutes_calls", "minutes_consultations"):
        s[k] = sum(b.raw(k))
    # The minutes of a practice show where its count of calls (consultations) does; the
    # group's where the group's count does and no single practice's minutes are hidden
    # (subtraction would give them away).

    def derived(key_: str, kind: str, funcs: tuple, label: Any = None) -> Row:
        return b.derived_row(key_, label or BY_KEY[key_].name, kind, INPUTS[key_], *funcs)

    sections = [
        Section(str(_("Funnel")), [
            b.count_row("funnel_groslijst", BY_KEY["funnel_groslijst"].name),
            b.count_row("funnel_screened", BY_KEY["funnel_screened"].name),
            b.count_row("funnel_excluded", BY_KEY["funnel_excluded"].name),
            derived("approached_share", "percent", share("approached", "funnel_screened")),
            b.count_row("funnel_mailed", BY_KEY["funnel_mailed"].name),
            b.count_row("funnel_responded", BY_KEY["funnel_responded"].name),
            b.count_row("funnel_reached", BY_KEY["funnel_reached"].name),
            b.count_row("funnel_consult", BY_KEY["funnel_consult"].name),
            derived("consult_share", "percent", share("funnel_consult", "funnel_mailed")),
            b.count_row("funnel_schedule", BY_KEY["funnel_schedule"].name),
        ]),
        Section(str(_("Results")), [
            b.count_row("evaluated", BY_KEY["evaluated"].name),
            b.count_row("left", BY_KEY["left"].name),
            b.count_row("stopped", BY_KEY["stopped"].name),
            derived("stopped_share", "percent", share("stopped", "evaluated")),
            b.count_row("reduced", BY_KEY["reduced"].name),
            derived("reduced_share", "percent", share("reduced", "evaluated")),
            derived("ddd_before", "ddd", ddd("ddd_before")),
            derived("ddd_after", "ddd", ddd("ddd_after")),
            derived("ddd_change", "percent", ddd_change()),
            b.count_row("restarts", BY_KEY["restarts"].name),
        ]),
        Section(str(_("Chronic users")), [
            b.count_row("chronic_start", BY_KEY["chronic_start"].name),
            b.count_row("chronic_now", BY_KEY["chronic_now"].name),
            derived("chronic_start_per_1000", "per_1000", per_1000("chronic_start")),
            derived("chronic_now_per_1000", "per_1000", per_1000("chronic_now")),
            b.derived_row("chronic_change", str(BY_KEY["chronic_change"].name), "percent",
                          INPUTS["chronic_change"],
                          lambda i, c: percent(int(c.values["chronic_now"])
                                               - int(c.values["chronic_start"]),
                                               int(c.values["chronic_start"])),
                          lambda: percent(s["chronic_now"] - s["chronic_start"],
                                          s["chronic_start"])),
        ]),
        Section(str(_("Time spent")), [
            b.count_row("calls_count", BY_KEY["calls_count"].name),
            derived("minutes_calls", "minutes", minutes("minutes_calls")),
            b.count_row("consultations_count", BY_KEY["consultations_count"].name),
            derived("minutes_consultations", "minutes", minutes("minutes_consultations")),
        ]),
    ]
    _minutes_as_counts(sections[3])
    if not present:  # no practice has figures this month: no group figures either
        for sec in sections:
            for row in sec.rows:
                row.total = EMPTY
    mailed_cells = b.lines["funnel_mailed"][0]
    letters = [(c, gp_letter_cells(c, key, mailed_shown=mailed_cells[i].exact))
               for i, c in enumerate(present)]
    suppressed = any(cell.suppressed for sec in sections for row in sec.rows
                     for cell in [*row.cells, row.total]) or any(
        cell.suppressed for _c, cells in letters for _l, cell in cells)
    return GroupTable(columns, sections, letters, suppressed)


def _minutes_as_counts(section: Section) -> None:
    """Minutes from 1 to 9 show "<10" too (they would count the few calls behind them)."""
    for row in section.rows:
        if row.kind != "minutes":
            continue
        row.cells = [Cell("<10", suppressed=True) if isinstance(c.number, Decimal)
                     and is_small(int(c.number)) else c for c in row.cells]
        if isinstance(row.total.number, Decimal) and is_small(int(row.total.number)):
            row.total = Cell("<10", suppressed=True)
        if sum(1 for c in row.cells if c.text == HIDDEN_TEXT and c.suppressed) == 1:
            row.total = Cell(HIDDEN_TEXT, suppressed=True)


def gp_letter_cells(column: Column, key: str,
                    mailed_shown: bool = True) -> list[tuple[str, Cell]]:
    """Stop letters per GP of one practice, the GPs as "Huisarts A", "Huisarts B", ...;
    protected against subtraction from the practice's letter count. When that count is
    not shown (``mailed_shown`` false), the GP letters must not add up to it: the largest
    one shown is hidden too."""
    per_gp: dict[str, int] = {k: int(v) for k, v in (column.values or {}).get(
        "letters_per_gp", {}).items()}
    if not per_gp:
        return []
    labels = gp_labels(key, str(column.practice.uuid), column.gp_names, per_gp)
    names = sorted(per_gp, key=lambda n: (len(labels[n]), labels[n]))
    line = protect_line([per_gp[n] for n in names])
    cells = list(line.cells)
    if not mailed_shown and all(c.exact for c in cells) and any(c.value for c in cells):
        largest = max(range(len(cells)), key=lambda i: cells[i].value or 0)
        cells[largest] = HIDDEN
    return [(str(_("GP %(letter)s") % {"letter": labels[n]}), _cell(cell))
            for n, cell in zip(names, cells, strict=True)]


# --- Result targets ------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetLine:
    practice: Practice
    measure: str
    target: str
    deadline: date
    current: Cell
    reached: bool
    missed: bool


COUNTED = (Kind.COUNT, Kind.PER_GP, Kind.MINUTES)


# Measures a target may be set on that equal a row of the table under another key.
SAME_AS_ROW = {"stop_letters_count": "funnel_mailed", "calls_count": "calls_count",
               "consultations_count": "consultations_count"}


def _shown_in_table(table: GroupTable, key: str, practice: Practice) -> bool:
    """Whether the table shows ``key`` exactly (or not at all) for ``practice``: a target's
    value must not give away a figure the table hid to protect a small count."""
    row = next((r for sec in table.sections for r in sec.rows
                if r.key == SAME_AS_ROW.get(key, key)), None)
    if row is None:
        return True
    index = [c.practice.pk for c in table.columns].index(practice.pk)
    cell = row.cells[index]
    return not cell.suppressed


def _gp_letters_all_shown(table: GroupTable, practice: Practice) -> bool:
    return all(not cell.suppressed for column, cells in table.gp_letters
               if column.practice.pk == practice.pk for _label, cell in cells)


def target_lines(columns: list[Column], as_of: date, table: GroupTable) -> list[TargetLine]:
    """Each counting project's result targets with progress, the value suppressed by the
    same rule: a count from 1 to 9 as "<10", a share or mean of a small count as "–", and
    "–" where the value would give away a figure the table hides. A target per GP shows
    its value only for the stop letters, and only when every GP's letters show; the
    status (reached or not) always shows."""
    lines = []
    targets: dict[int, list[ResultTarget]] = {}
    for result_target in (ResultTarget.objects.filter(
            project__in=[c.project for c in columns if c.project is not None])
            .select_related("project__practice")):
        targets.setdefault(result_target.project_id, []).append(result_target)
    for column in columns:
        if column.project is None:
            continue
        practice = column.practice
        for progress in project_target_progress(
                project=column.project, as_of=as_of, snapshot=column.snapshot,
                targets=targets.get(column.project.pk, [])):
            measure = BY_KEY[progress.target.measure]
            current = progress.current
            hidden = Cell(HIDDEN_TEXT, suppressed=True)
            if current is None:
                cell = Cell(HIDDEN_TEXT)
            elif measure.kind == Kind.PER_GP:
                cell = (_cell(shown(int(current))) if measure.key == "letters_per_gp"
                        and _gp_letters_all_shown(table, practice) else hidden)
            elif measure.kind in COUNTED:
                cell = (_cell(shown(int(current)))
                        if _shown_in_table(table, measure.key, practice) else hidden)
            else:
                inputs = INPUTS.get(measure.key)
                values = figures(column.project, progress.measured_on, keys=inputs,
                                 snapshot=column.snapshot) if inputs else {}
                if (inputs is None or any(is_small(int(v or 0)) for v in values.values())
                        or not all(_shown_in_table(table, k, practice) for k in inputs)):
                    cell = hidden
                else:
                    cell = _fmt(current, 2 if measure.kind == Kind.DDD else 1,
                                " %" if measure.kind == Kind.PERCENT else "")
            target = number_format(progress.target.value, None, use_l10n=True)
            if progress.target.per_gp:
                target = str(_("%(value)s for every GP") % {"value": target})
            lines.append(TargetLine(practice, str(measure.name), target,
                                    progress.target.deadline, cell, progress.reached,
                                    progress.missed))
    return lines


# --- Months --------------------------------------------------------------------------------


def month_choices(columns: list[Column], today: date) -> list[date]:
    """The months the filter offers: from the earliest start of a project the monitor may
    choose up to this month, newest first."""
    starts = [p.planned_start for c in columns for p in c.projects]
    month = month_start(min(starts)) if starts else month_start(today)
    months = []
    while month <= today:
        months.append(month)
        month = _next(month)
    return list(reversed(months))


def _next(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def parse_month(text: str | None, today: date) -> date:
    """``YYYY-MM`` from the URL as the first of that month; this month when empty or
    malformed."""
    try:
        year, number = (int(p) for p in (text or "").split("-"))
        first = date(year, number, 1)
    except (TypeError, ValueError, OverflowError):
        return month_start(today)
    return month_start(today) if date_problem(first, today=today) else first


__all__ = ["GroupTable", "PseudonymKeyMissing", "build_table", "columns_for",
           "load_figures", "month_choices", "monitored_practices", "parse_month",
           "pseudonym_key", "target_lines"]
