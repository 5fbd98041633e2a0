"""The trend of a questionnaire's scores across the tapering schedule, drawn as SVG on the
server (docs/domain.md#questionnaires). Plain Python, no ORM.

One chart per instrument: each score (the BWSQ total; the Bendep-SRQ's or 4DKL's scales)
is a line of points against the date the form was filled in. When the patient has a
schedule, its steps are marked on the same time axis (a thin vertical line where a step
begins, its number above), so a rise can be read against the step it came with. Like
the step chart it works without colour: each line has its own dash pattern and marker
shape, named in the legend, and it scales to its box.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from html import escape

from django.utils.translation import gettext as _

from benzoproject.formats import format_date

from .chart import (
    BOTTOM,
    FONT,
    HEIGHT,
    LEFT,
    RIGHT,
    TOP,
    WIDTH,
    date_axis,
    nice_ticks,
    x_scale,
)
from .schedule import Step

# Dash pattern and marker per line, in the order of the instrument's scales.
DASHES = ("", "6 4", "2 3", "10 3 2 3")
MARKERS = ("circle", "square", "triangle", "diamond")
MARKER_SIZE = 4.5
LEGEND_ROW = 22  # px a row of the legend takes above the plot


@dataclass(frozen=True)
class ScoreSeries:
    """One score over time: its name, the highest score it can have (None when the
    instrument sets none) and the (date, score) points in date order."""

    name: str
    maximum: int | None
    points: tuple[tuple[date, int], ...]


def marker_svg(shape: str, cx: float, cy: float) -> str:
    """A filled marker of ``shape`` centred on (cx, cy)."""
    s = MARKER_SIZE
    if shape == "square":
        return (f'<rect x="{cx - s:.1f}" y="{cy - s:.1f}" width="{2 * s:.1f}" '
                f'height="{2 * s:.1f}" fill="#000"/>')
    if shape == "triangle":
        return (f'<polygon points="{cx:.1f},{cy - s - 1:.1f} {cx + s + 1:.1f},{cy + s:.1f} '
                f'{cx - s - 1:.1f},{cy + s:.1f}" fill="#000"/>')
    if shape == "diamond":
        return (f'<polygon points="{cx:.1f},{cy - s - 1:.1f} {cx + s + 1:.1f},{cy:.1f} '
                f'{cx:.1f},{cy + s + 1:.1f} {cx - s - 1:.1f},{cy:.1f}" fill="#fff" '
                f'stroke="#000" stroke-width="1.5"/>')
    return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{s:.1f}" fill="#000"/>'


def trend_description(title: str, series: Sequence[ScoreSeries]) -> str:
    """One sentence per line with its first and last score, for a screen reader."""
    parts = []
    for line in series:
        (first_day, first), (last_day, last) = line.points[0], line.points[-1]
        if len(line.points) == 1:
            parts.append(_("%(name)s: %(score)s on %(day)s.") % {
                "name": line.name, "score": first, "day": format_date(first_day)})
            continue
        parts.append(_("%(name)s: %(first)s on %(first_day)s, %(last)s on %(last_day)s "
                       "(%(n)s measurements).") % {
            "name": line.name, "first": first, "first_day": format_date(first_day),
            "last": last, "last_day": format_date(last_day), "n": len(line.points)})
    return f"{title}. " + " ".join(parts)


def legend_places(series: Sequence[ScoreSeries], right: float) -> list[tuple[float, int]]:
    """Where each line's legend entry begins (x) and on which row, rows filled left to
    right and wrapped before ``right``."""
    places, lx, row = [], float(LEFT), 0
    for line in series:
        width = 40 + 7 * len(line.name)
        if lx > LEFT and lx + width > right:
            lx, row = float(LEFT), row + 1
        places.append((lx, row))
        lx += width + 12
    return places


def _time_span(series: Sequence[ScoreSeries], steps: Sequence[Step]) -> tuple[date, date]:
    days = [day for line in series for day, _score in line.points]
    first, last = min(days), max(days)
    if steps:
        first = min(first, steps[0].start)
        last = max(last, steps[-1].start + timedelta(days=7))
    if last - first < timedelta(days=14):  # a single day or a few: give the axis room
        first, last = first - timedelta(days=7), last + timedelta(days=7)
    return first, last


def score_trend_svg(title: str, series: Sequence[ScoreSeries], *,
                    steps: Sequence[Step] = (), chart_id: str = "scoreverloop") -> str:
    """The SVG of ``series`` (each with at least one point) with the schedule's ``steps``
    on the same time axis; '' when there is nothing to draw."""
    series = [line for line in series if line.points]
    if not series:
        return ""
    first_day, last_day = _time_span(series, steps)
    x = x_scale(first_day, last_day)
    maxima = [line.maximum for line in series if line.maximum is not None]
    top = Decimal(max(maxima) if len(maxima) == len(series) else
                  max(score for line in series for _day, score in line.points))
    ticks = nice_ticks(top)
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    legend = legend_places(series, right) if len(series) > 1 else []
    rows = max((row for _x, row in legend), default=-1) + 1
    plot_top = TOP + LEGEND_ROW * rows

    def y(value: int | Decimal) -> float:
        return plot_top + (bottom - plot_top) * float(1 - Decimal(value) / ticks[-1])

    ident = escape(chart_id, quote=True)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="score-chart" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'font-family="{FONT}" font-size="12" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(trend_description(title, series))}</desc>',
    ]
    for tick in ticks:
        ty = y(tick)
        out.append(f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{right}" y2="{ty:.1f}" '
                   f'stroke="#bbb" stroke-width="1" stroke-dasharray="3 3"/>')
        out.append(f'<text x="{LEFT - 8}" y="{ty + 4:.1f}" text-anchor="end">{tick}</text>')
    score_label = escape(_("score"))
    out.append(f'<text x="14" y="{(plot_top + bottom) / 2:.1f}" text-anchor="middle" '
               f'transform="rotate(-90 14 {(plot_top + bottom) / 2:.1f})">{score_label}</text>')
    # The steps of the schedule: where each begins, its number at the top of the plot.
    step_label_end = float("-inf")
    for step in steps:
        sx = x(step.start)
        out.append(f'<line x1="{sx:.1f}" y1="{plot_top}" x2="{sx:.1f}" y2="{bottom}" '
                   f'stroke="#888" stroke-width="1"/>')
        label = escape(_("step %(n)s") % {"n": step.number})
        label_x = min(sx + 3, right - 7 * len(label))
        if label_x - 2 >= step_label_end:
            out.append(f'<text x="{label_x:.1f}" y="{plot_top + 11}" fill="#555" '
                       f'font-size="11">{label}</text>')
            step_label_end = label_x + 7 * len(label)
    # The axes, with a date under each measurement where there is room.
    out.append(f'<line x1="{LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#000"/>')
    out.append(f'<line x1="{LEFT}" y1="{plot_top}" x2="{LEFT}" y2="{bottom}" stroke="#000"/>')
    days = sorted({day for line in series for day, _score in line.points})
    out.extend(date_axis(days, x, _("date filled in")))
    # The lines, their markers with the score above each, and the legend.
    for index, line in enumerate(series):
        dash, shape = DASHES[index % len(DASHES)], MARKERS[index % len(MARKERS)]
        coords = [(x(day), y(score)) for day, score in line.points]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        if len(coords) > 1:
            path = " ".join(f"{'M' if i == 0 else 'L'} {cx:.1f} {cy:.1f}"
                            for i, (cx, cy) in enumerate(coords))
            out.append(f'<path d="{path}" fill="none" stroke="#000" stroke-width="2"'
                       f'{dash_attr}/>')
        for (cx, cy), (_day, score) in zip(coords, line.points, strict=True):
            out.append(marker_svg(shape, cx, cy))
            out.append(f'<text x="{cx:.1f}" y="{cy - 8:.1f}" text-anchor="middle" '
                       f'font-weight="bold">{score}</text>')
        if legend:
            lx, row = legend[index]
            ly = TOP - 4 + LEGEND_ROW * row
            out.append(f'<line x1="{lx:.1f}" y1="{ly}" x2="{lx + 26:.1f}" y2="{ly}" '
                       f'stroke="#000" stroke-width="2"{dash_attr}/>')
            out.append(marker_svg(shape, lx + 13, ly))
            out.append(f'<text x="{lx + 32:.1f}" y="{ly + 4}">{escape(line.name)}</text>')
    out.append("</svg>")
    return "\n".join(out)
