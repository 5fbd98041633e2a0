"""The step chart of a tapering schedule: mg per day against the date, drawn as SVG on the
server (docs/domain.md#tapering-schedules). Plain Python, no ORM.

The chart is a step line (the dose holds until the next step begins) over a light
area, with a grid, labelled axes, Dutch dates under the steps and the dose above
each step that has room for it. It works without colour (black line, grey area and
grid), so it prints in black and white, and scales to the width of its box
(``viewBox``, no fixed width). ``<title>`` and ``<desc>`` make it readable for a
screen reader; the table next to it holds the same figures.
"""

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from html import escape

from django.utils.translation import gettext as _

from benzoproject.formats import format_date

from .schedule import Step, mg_text

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 20, 24, 56
FONT = "DejaVu Sans, Arial, sans-serif"
LABEL_WIDTH = 72  # px a date label takes ("05-01-2027" at 12 px)
LABEL_GAP = 8  # px at least between two date labels
MIN_DOSE_LABEL_WIDTH = 34  # a step narrower than this gets no dose label


def nice_ticks(top: Decimal, most: int = 6) -> list[Decimal]:
    """Round values from 0 up to at least ``top``, at most ``most`` + 1 of them, spaced by
    1, 2, 2.5 or 5 times a power of ten."""
    if top <= 0:
        return [Decimal(0), Decimal(1)]
    power = Decimal(10) ** (top.adjusted() - 1)
    for _attempt in range(6):
        for factor in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5)):
            step = factor * power
            count = (top / step).to_integral_value(rounding=ROUND_CEILING)
            if count <= most:
                return [step * i for i in range(int(count) + 1)]
        power *= 10
    return [Decimal(0), top]


def x_scale(first: date, last: date) -> Callable[[date], float]:
    span = max((last - first).days, 1)
    plot = WIDTH - LEFT - RIGHT

    def x(day: date) -> float:
        return LEFT + plot * (day - first).days / span

    return x


def y_scale(top: Decimal) -> Callable[[Decimal], float]:
    plot = HEIGHT - TOP - BOTTOM

    def y(mg: Decimal) -> float:
        return TOP + plot * float(1 - mg / top)

    return y


def date_axis(days: Sequence[date], x: Callable[[date], float], label: str) -> list[str]:
    """The x axis's ticks at ``days`` (in order), a Dutch date under each where there is
    room, and the axis's ``label`` below them."""
    out, right, bottom = [], WIDTH - RIGHT, HEIGHT - BOTTOM
    label_end = float("-inf")  # where the last date label written ends
    for day in days:
        dx = x(day)
        out.append(f'<line x1="{dx:.1f}" y1="{bottom}" x2="{dx:.1f}" y2="{bottom + 5}" '
                   f'stroke="#000"/>')
        # Centred under its tick, or kept inside the chart at either end.
        left_edge = min(max(dx - LABEL_WIDTH / 2, LEFT - 8), right - LABEL_WIDTH)
        if left_edge >= label_end + LABEL_GAP:
            out.append(f'<text x="{left_edge + LABEL_WIDTH / 2:.1f}" y="{bottom + 18}" '
                       f'text-anchor="middle">{format_date(day)}</text>')
            label_end = left_edge + LABEL_WIDTH
    out.append(f'<text x="{(LEFT + right) / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle">'
               f'{escape(label)}</text>')
    return out


def chart_description(steps: Sequence[Step]) -> str:
    """One sentence with what the chart shows, for a screen reader."""
    first, last = steps[0], steps[-1]
    return _("From %(dose)s mg %(substance)s a day on %(start)s to %(end_dose)s mg on "
             "%(end)s, in %(n)s steps.") % {
        "dose": mg_text(first.daily_dose_mg), "substance": first.substance,
        "start": format_date(first.start), "end_dose": mg_text(last.daily_dose_mg),
        "end": format_date(last.start), "n": len(steps) - 1}


def step_chart_svg(steps: Sequence[Step], *, chart_id: str = "afbouwgrafiek",
                   today: date | None = None) -> str:
    """The SVG of ``steps`` (in date order, the last one dose 0); '' without steps.

    ``chart_id`` makes the ids of title and description unique on the page; ``today``
    draws a dashed line on that day when it falls within the schedule.
    """
    if not steps:
        return ""
    first_day = steps[0].start
    # The last row (dose 0) has no length: give the line a tail of a week after it.
    last_day = max(steps[-1].start + timedelta(days=7), steps[-1].end)
    x = x_scale(first_day, last_day)
    ticks = nice_ticks(max(step.daily_dose_mg for step in steps))
    y = y_scale(ticks[-1])
    substances = sorted({step.substance for step in steps})
    unit = (_("mg %(substance)s per day") % {"substance": substances[0]}
            if len(substances) == 1 else _("mg per day"))
    title = _("Tapering schedule: %(unit)s") % {"unit": unit}
    ident = escape(chart_id, quote=True)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="step-chart" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'font-family="{FONT}" font-size="12" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(chart_description(steps))}</desc>',
    ]
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    # The grid and the y axis with mg.
    for tick in ticks:
        ty = y(tick)
        out.append(f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{right}" y2="{ty:.1f}" '
                   f'stroke="#bbb" stroke-width="1" stroke-dasharray="3 3"/>')
        out.append(f'<text x="{LEFT - 8}" y="{ty + 4:.1f}" text-anchor="end">'
                   f'{mg_text(tick)}</text>')
    out.append(f'<text x="14" y="{(TOP + bottom) / 2:.1f}" text-anchor="middle" '
               f'transform="rotate(-90 14 {(TOP + bottom) / 2:.1f})">{escape(unit)}</text>')
    # The area under the doses and the step line.
    path = []
    for index, step in enumerate(steps):
        end = steps[index + 1].start if index + 1 < len(steps) else last_day
        sy = y(step.daily_dose_mg)
        path.append(f"M {x(step.start):.1f} {sy:.1f}" if index == 0 else f"V {sy:.1f}")
        path.append(f"H {x(end):.1f}")
    line = " ".join(path)
    out.append(f'<path d="{line} V {bottom} H {x(first_day):.1f} Z" fill="#e6e6e6" '
               f'stroke="none"/>')
    out.append(f'<path d="{line}" fill="none" stroke="#000" stroke-width="2.5" '
               f'stroke-linejoin="miter"/>')
    # The dose above each step wide enough for it.
    for index, step in enumerate(steps):
        end = steps[index + 1].start if index + 1 < len(steps) else last_day
        x0, x1 = x(step.start), x(end)
        if x1 - x0 >= MIN_DOSE_LABEL_WIDTH:
            out.append(f'<text x="{(x0 + x1) / 2:.1f}" y="{y(step.daily_dose_mg) - 6:.1f}" '
                       f'text-anchor="middle" font-weight="bold">'
                       f'{mg_text(step.daily_dose_mg)}</text>')
    # The x axis with the date each step begins, where there is room.
    out.append(f'<line x1="{LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#000"/>')
    out.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" stroke="#000"/>')
    out.extend(date_axis([step.start for step in steps], x, _("date the step begins")))
    if today is not None and first_day <= today <= last_day:
        tx = x(today)
        out.append(f'<line x1="{tx:.1f}" y1="{TOP}" x2="{tx:.1f}" y2="{bottom}" stroke="#000" '
                   f'stroke-width="1" stroke-dasharray="6 4"/>')
        today_label = escape(_("today"))
        out.append(f'<text x="{tx + 4:.1f}" y="{TOP + 10}" font-style="italic">'
                   f'{today_label}</text>')
    out.append("</svg>")
    return "\n".join(out)
