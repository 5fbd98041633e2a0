"""The dashboard's charts, drawn as SVG on the server (docs/domain.md#dashboard). Plain
Python, no ORM.

``month_chart_svg`` draws measures month by month (one point per stored month, a gap
where a month has none) with the literature's reference lines: dashed, each labelled at
the right edge and listed with its source in the legend under the plot, so the chart
carries its sources into a print or a PDF. A reference may be a fixed level (24%
stopped) or a change against one of the lines (DDD per day 26% below "before"). Like the
tapering charts it reads in black and white (dash patterns and marker shapes, not
colours), scales to its box (``viewBox``) and has a ``<title>`` and ``<desc>``.
``bar_svg`` is the small horizontal bar of one share, for the funnel and the per-GP rows.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import escape
from textwrap import wrap

from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _

from tapering.chart import FONT, nice_ticks

WIDTH = 720
LEFT, RIGHT, TOP = 64, 170, 20  # the right margin holds the reference lines' labels
PLOT_HEIGHT = 220
AXIS = 44  # month labels and the axis's title under the plot
LEGEND_ROW = 18
LABEL_ROW = 13  # px at least between two reference labels at the right edge
LEGEND_X = 16
LEGEND_CHARS = 100  # characters of 11 px text a legend row holds beside its sample line
LINE_DASHES = ("", "7 4")
LINE_MARKERS = ("circle", "square")
REFERENCE_DASHES = ("6 4", "2 3", "10 3 2 3", "1 4", "12 4", "4 2 1 2")


@dataclass(frozen=True)
class Line:
    """A measure month by month: (month's first day, value or None) pairs, oldest first."""

    name: str
    points: tuple[tuple[date, Decimal | None], ...]


@dataclass(frozen=True)
class Reference:
    """A figure from the literature drawn as a dashed line.

    ``relative_to`` None: a level at ``value``; otherwise the name of a line, drawn at
    that line's value changed by ``value`` percent (``-26``: 26% below it)."""

    label: str  # short, beside the line: "24% (Gorgels, letter, 6 months)"
    text: str  # the legend's full text, with the source
    value: Decimal
    relative_to: str | None = None


def month_label(month: date) -> str:
    """``jul 26``: Django's abbreviated month name in the active language, and the year."""
    return f"{MONTHS_3[month.month]} {month:%y}"


def format_number(value: Decimal, places: int) -> str:
    """Dutch decimal comma: ``Decimal('12.5')`` → ``12,5``."""
    return f"{value:.{places}f}".replace(".", ",")


def spread_labels(wanted: Sequence[float], low: float, high: float) -> list[float]:
    """Label positions near ``wanted`` (in any order), at least ``LABEL_ROW`` apart, kept
    within ``[low, high]`` where the room allows."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed = [0.0] * len(wanted)
    last = float("-inf")
    for i in order:
        placed[i] = max(wanted[i], last + LABEL_ROW, low)
        last = placed[i]
    overflow = (last - high) if wanted else 0.0
    if overflow > 0:  # pushed below the plot: move them all up, keeping the order
        for i in order:
            placed[i] -= overflow
    return placed


def legend_lines(text: str, most: int = LEGEND_CHARS) -> list[str]:
    """A legend entry in rows of at most ``most`` characters: the source on a row of its own
    when the whole does not fit on one."""
    if len(text) <= most:
        return [text]
    head, dash, source = text.partition(" — ")
    parts = [head, f"— {source}"] if dash else [text]
    return [row for part in parts for row in wrap(part, most)]


def marker(shape: str, cx: float, cy: float) -> str:
    if shape == "square":
        return (f'<rect x="{cx - 4:.1f}" y="{cy - 4:.1f}" width="8" height="8" fill="#fff" '
                f'stroke="#000" stroke-width="1.5"/>')
    return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="#000"/>'


def _reference_points(ref: Reference, lines: Sequence[Line]) -> list[tuple[int, Decimal]]:
    """(month index, value) of a reference: every month for a level, the months where the
    line it is relative to has a value otherwise."""
    if ref.relative_to is None:
        return []
    base = next((line for line in lines if line.name == ref.relative_to), None)
    if base is None:
        return []
    factor = 1 + ref.value / 100
    return [(i, value * factor) for i, (_month, value) in enumerate(base.points)
            if value is not None]


def chart_description(title: str, lines: Sequence[Line], unit: str, places: int) -> str:
    """What the chart shows in words, for a screen reader and the print."""
    parts = [title + "."]
    for line in lines:
        measured = [(m, v) for m, v in line.points if v is not None]
        if not measured:
            parts.append(_("%(name)s: no month measured yet.") % {"name": line.name})
            continue
        (first_month, first), (last_month, last) = measured[0], measured[-1]
        parts.append(_("%(name)s: %(first)s %(unit)s in %(first_month)s, %(last)s %(unit)s in "
                       "%(last_month)s.") % {
            "name": line.name, "first": format_number(first, places), "unit": unit,
            "first_month": month_label(first_month), "last": format_number(last, places),
            "last_month": month_label(last_month)})
    missing = [month_label(m) for m, v in lines[0].points if v is None] if lines else []
    if missing:
        parts.append(_("No figures for: %(months)s.") % {"months": ", ".join(missing)})
    return " ".join(parts)


def month_chart_svg(title: str, lines: Sequence[Line], references: Sequence[Reference] = (),
                    *, unit: str, places: int = 1, chart_id: str = "maandgrafiek",
                    axis: str | None = None) -> str:
    """The SVG of ``lines`` (all on the same months) with ``references``; '' when no line
    has a value in any month. ``axis`` names the months' axis (default: figures as of each
    month's last day)."""
    if not lines or not any(v is not None for line in lines for _m, v in line.points):
        return ""
    months = [m for m, _v in lines[0].points]
    ref_points = {ref.text: _reference_points(ref, lines) for ref in references}
    values = [v for line in lines for _m, v in line.points if v is not None]
    values += [ref.value for ref in references if ref.relative_to is None]
    values += [v for points in ref_points.values() for _i, v in points]
    # A little room above the highest value for the number written over its point.
    ticks = nice_ticks(max(max(values) * Decimal("1.08"), Decimal("0.01")))
    right = WIDTH - RIGHT
    bottom = TOP + PLOT_HEIGHT
    legend_entries = [(line.name, LINE_DASHES[i % 2], LINE_MARKERS[i % 2])
                       for i, line in enumerate(lines)]
    legend_top = bottom + AXIS + 8
    ref_rows = [legend_lines(ref.text) for ref in references]
    height = legend_top + LEGEND_ROW * (len(legend_entries) + sum(map(len, ref_rows))) + 4
    step = (right - LEFT) / max(len(months), 1)

    def x(index: int) -> float:
        return LEFT + step * (index + 0.5)

    def y(value: Decimal) -> float:
        return TOP + PLOT_HEIGHT * float(1 - value / ticks[-1])

    ident = escape(chart_id, quote=True)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'class="month-chart" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'font-family="{FONT}" font-size="12" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">'
        f'{escape(chart_description(title, lines, unit, places))}</desc>',
    ]
    for tick in ticks:
        ty = y(tick)
        out.append(f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{right}" y2="{ty:.1f}" '
                   f'stroke="#ccc" stroke-width="1"/>')
        out.append(f'<text x="{LEFT - 8}" y="{ty + 4:.1f}" text-anchor="end">'
                   f'{format_number(tick, places if tick % 1 else 0)}</text>')
    out.append(f'<text x="14" y="{TOP + PLOT_HEIGHT / 2:.1f}" text-anchor="middle" '
               f'transform="rotate(-90 14 {TOP + PLOT_HEIGHT / 2:.1f})">{escape(unit)}</text>')
    out.append(f'<line x1="{LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#000"/>')
    out.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" stroke="#000"/>')
    no_value = escape(_("none"))
    axis_label = escape(axis or _("month (figures as of its last day)"))
    # Month labels: every month while they fit, else every second, third ...
    every = max(1, -(-len(months) * 44 // (right - LEFT)))
    for index, month in enumerate(months):
        out.append(f'<line x1="{x(index):.1f}" y1="{bottom}" x2="{x(index):.1f}" '
                   f'y2="{bottom + 4}" stroke="#000"/>')
        if index % every == 0:
            out.append(f'<text x="{x(index):.1f}" y="{bottom + 17}" text-anchor="middle">'
                       f'{month_label(month)}</text>')
        if all(line.points[index][1] is None for line in lines):
            out.append(f'<text x="{x(index):.1f}" y="{bottom - 6}" text-anchor="middle" '
                       f'fill="#555" font-size="10">{no_value}</text>')
    out.append(f'<text x="{(LEFT + right) / 2:.1f}" y="{bottom + 36}" text-anchor="middle">'
               f'{axis_label}</text>')
    # The reference lines, dashed, each labelled at the right edge.
    wanted, ends = [], []
    for index, ref in enumerate(references):
        dash = REFERENCE_DASHES[index % len(REFERENCE_DASHES)]
        points = ref_points[ref.text]
        if ref.relative_to is None:
            ry = y(ref.value)
            out.append(f'<line x1="{LEFT}" y1="{ry:.1f}" x2="{right}" y2="{ry:.1f}" '
                       f'stroke="#555" stroke-width="1.5" stroke-dasharray="{dash}" '
                       f'class="reference" data-value="{ref.value}"/>')
            wanted.append(ry)
        elif points:
            path = " ".join(f"{'M' if n == 0 else 'L'} {x(i):.1f} {y(v):.1f}"
                            for n, (i, v) in enumerate(points))
            out.append(f'<path d="{path}" fill="none" stroke="#555" stroke-width="1.5" '
                       f'stroke-dasharray="{dash}" class="reference" data-value="{ref.value}"/>')
            wanted.append(y(points[-1][1]))
        else:
            wanted.append(float(bottom))
        ends.append(wanted[-1])
    for ref, ly, ry in zip(references, spread_labels(wanted, TOP + 4, bottom), ends,
                           strict=True):
        out.append(f'<line x1="{right}" y1="{ry:.1f}" x2="{right + 6}" y2="{ly:.1f}" '
                   f'stroke="#555"/>')
        out.append(f'<text x="{right + 8}" y="{ly + 4:.1f}" font-size="11">'
                   f'{escape(ref.label)}</text>')
    # The measured lines: a gap where a month has no value, the value above each point.
    for index, line in enumerate(lines):
        dash, shape = LINE_DASHES[index % 2], LINE_MARKERS[index % 2]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        segment: list[str] = []
        segments: list[list[str]] = []
        for i, (_month, value) in enumerate(line.points):
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{'M' if not segment else 'L'} {x(i):.1f} {y(value):.1f}")
        if segment:
            segments.append(segment)
        for part in segments:
            if len(part) > 1:
                out.append(f'<path d="{" ".join(part)}" fill="none" stroke="#000" '
                           f'stroke-width="2.5"{dash_attr} class="measured"/>')
        last = max((i for i, (_m, v) in enumerate(line.points) if v is not None), default=-1)
        for i, (_month, value) in enumerate(line.points):
            if value is None:
                continue
            out.append(marker(shape, x(i), y(value)))
            # Every value while one line has the chart and there is room; with more lines
            # only the latest, so the numbers do not pile up where the lines meet.
            if (len(lines) == 1 and len(months) <= 14) or i == last:
                out.append(f'<text x="{x(i):.1f}" y="{y(value) - 8:.1f}" text-anchor="middle" '
                           f'font-weight="bold" font-size="11">'
                           f'{format_number(value, places)}</text>')
    # The legend under the plot: the measured lines, then every reference with its source.
    ly = legend_top
    for name, dash, shape in legend_entries:
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{LEGEND_X}" y1="{ly}" x2="{LEGEND_X + 28}" y2="{ly}" '
                   f'stroke="#000" stroke-width="2.5"{dash_attr}/>')
        out.append(marker(shape, LEGEND_X + 14, ly))
        out.append(f'<text x="{LEGEND_X + 36}" y="{ly + 4}">{escape(name)}</text>')
        ly += LEGEND_ROW
    for index, rows in enumerate(ref_rows):
        dash = REFERENCE_DASHES[index % len(REFERENCE_DASHES)]
        out.append(f'<line x1="{LEGEND_X}" y1="{ly}" x2="{LEGEND_X + 28}" y2="{ly}" '
                   f'stroke="#555" stroke-width="1.5" stroke-dasharray="{dash}"/>')
        spans = "".join(
            f'<tspan x="{LEGEND_X + 36}" dy="{0 if n == 0 else LEGEND_ROW}">{escape(row)}</tspan>'
            for n, row in enumerate(rows))
        out.append(f'<text x="{LEGEND_X + 36}" y="{ly + 4}" font-size="11" '
                   f'class="legend-reference">{spans}</text>')
        ly += LEGEND_ROW * len(rows)
    out.append("</svg>")
    return "\n".join(out)


def bar_svg(share: Decimal | None, *, label: str = "") -> str:
    """A horizontal bar of ``share`` percent (0-100) of its box; '' without a share."""
    if share is None:
        return ""
    width = max(Decimal(0), min(Decimal(100), share))
    title = f"<title>{escape(label)}</title>" if label else ""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="bar" viewBox="0 0 100 10" '
            f'preserveAspectRatio="none" role="img" aria-hidden="true" focusable="false">'
            f'{title}<rect x="0" y="0" width="100" height="10" fill="#eee"/>'
            f'<rect x="0" y="0" width="{width:.1f}" height="10" fill="#333"/></svg>')
