"""Tablets per day as a patient reads them: "1½ tablet" and a drawing of the tablets.

Plain functions without the ORM (docs/domain.md#tapering-schedules). A schedule's
``tablets_per_day`` is a multiple of a quarter (``tapering.schedule``), so every
amount is whole tablets plus ¼, ½ or ¾ of one. The drawing is an SVG: one circle
per tablet with its score lines, the part to take filled black and the part to
leave outlined with dashes, so it reads on a black-and-white printer too.
"""

import base64
from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext, ngettext, npgettext

QUARTER = Decimal("0.25")
FRACTIONS = {0: "", 1: "¼", 2: "½", 3: "¾"}  # quarters of a tablet → the sign for them


def tablet_quarters(tablets: Decimal) -> tuple[int, int]:
    """``tablets`` as (whole tablets, quarters of one more); refuses what cannot be taken."""
    quarters = tablets / QUARTER
    if tablets < 0 or quarters != quarters.to_integral_value():
        raise ValueError(f"not a whole number of quarter tablets: {tablets}")
    return divmod(int(quarters), 4)


def tablets_amount(tablets: Decimal) -> str:
    """'1½', '¾', '2', '0'."""
    whole, quarters = tablet_quarters(tablets)
    if not quarters:
        return str(whole)
    return f"{whole or ''}{FRACTIONS[quarters]}"


def tablets_text(tablets: Decimal) -> str:
    """'½ tablet', '1 tablet', '1¾ tablet', '2 tabletten', '2½ tabletten', 'geen tabletten'."""
    whole, quarters = tablet_quarters(tablets)
    amount = tablets_amount(tablets)
    if not whole and not quarters:
        return gettext("no tablets")
    if not quarters:
        return ngettext("%(amount)s tablet", "%(amount)s tablets", whole) % {"amount": amount}
    if not whole:
        return gettext("%(amount)s of a tablet") % {"amount": amount}
    # Dutch says "1½ tablet" but "2½ tabletten": the whole part chooses the form.
    return npgettext("tablets with a fraction, e.g. 1½", "%(amount)s tablets", "%(amount)s tablets",
                     whole) % {"amount": amount}


# The drawing, in millimetres (the SVG's user unit).
SIZE = Decimal("6")  # a tablet's diameter
GAP = Decimal("0.25")  # between two tablets, as a share of the diameter
LINE = Decimal("0.35")  # the outline of a part tablet and the score lines


def tablet_pieces(tablets: Decimal) -> list[int]:
    """The tablets to draw, each as the quarters of it to take: 1½ → [4, 2]; 0 → []."""
    whole, quarters = tablet_quarters(tablets)
    return [4] * whole + ([quarters] if quarters else [])


def _number(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.001')).normalize():f}"


KAPPA = Decimal("0.5523")  # a quarter circle as a cubic Bézier: control points at r × KAPPA


def _quarters(x: Decimal, y: Decimal, r: Decimal, count: int) -> str:
    """``count`` quarter circles clockwise from the top, as cubic Béziers (WeasyPrint
    turns an SVG arc into curves with many matrix products; a year's calendar has
    thousands)."""
    k = r * KAPPA
    curves = [  # top → right → bottom → left → top
        ((x + k, y - r), (x + r, y - k), (x + r, y)),
        ((x + r, y + k), (x + k, y + r), (x, y + r)),
        ((x - k, y + r), (x - r, y + k), (x - r, y)),
        ((x - r, y - k), (x - k, y - r), (x, y - r)),
    ]
    return "".join("C" + " ".join(f"{_number(px)},{_number(py)}" for px, py in curve)
                   for curve in curves[:count])


def _pie(x: Decimal, y: Decimal, r: Decimal, quarters: int) -> str:
    """The quarters taken: clockwise from the top, as the hands of a clock."""
    return f"M{_number(x)},{_number(y)}V{_number(y - r)}{_quarters(x, y, r, quarters)}z"


def _drawing(rows: Sequence[list[int]], *, width: Decimal, row_height: Decimal,
             size: Decimal) -> str:
    """Rows of tablets of diameter ``size``, each row ``row_height`` high and starting
    at the left edge, as one SVG.

    A whole tablet is black with white score lines; a part tablet is a black ring
    with its quarters to take black, clockwise from the top, and black score lines
    over the part to leave. WeasyPrint parses and draws an SVG anew at each use, at
    a cost that grows with each element and each number in a path, and a year's
    calendar draws some fifty of them with a few thousand tablets. So all tablets
    share five paths, and a disc is a dot: a line of no length with round ends as
    wide as the disc (PDF draws such a line as a filled circle), one point instead
    of a circle's thirteen. The root's ``data-rows`` lists each row's tablets as the
    quarters taken of each ("4,4,2;;1": 2½ tablets, none, ¼), for tests.
    """
    radius = size / 2
    inner = radius - LINE  # inside the ring of a part tablet
    score = _number(2 * inner)
    dots, holes, parts, white_lines, black_lines = [], [], [], [], []
    for row, pieces in enumerate(rows):
        y = row_height * row + row_height / 2
        for index, quarters in enumerate(pieces):
            x = radius + index * size * (1 + GAP)
            dot = f"M{_number(x)},{_number(y)}h0"
            cross = f"M{_number(x - inner)},{_number(y)}h{score}" \
                    f"M{_number(x)},{_number(y - inner)}v{score}"
            dots.append(dot)
            if quarters == 4:
                white_lines.append(cross)
            else:
                holes.append(dot)
                parts.append(_pie(x, y, inner, quarters))
                black_lines.append(cross)
    dot = ' fill="none" stroke-linecap="round" stroke="#{colour}" stroke-width="{width}"'
    paths = [  # drawn in this order; the class names them for tests
        ("dots", dots, dot.format(colour="000", width=_number(size))),
        ("holes", holes, dot.format(colour="fff", width=_number(2 * inner))),
        ("parts", parts, ""),
        ("white-lines", white_lines, ' fill="none" stroke="#fff"'),
        ("black-lines", black_lines, ' fill="none" stroke="#000"'),
    ]
    listed = ";".join(",".join(str(q) for q in pieces) for pieces in rows)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" data-rows="{listed}" '
            f'stroke-width="{_number(LINE)}" width="{_number(width)}mm" '
            f'height="{_number(row_height * len(rows))}mm" '
            f'viewBox="0 0 {_number(width)} {_number(row_height * len(rows))}">'
            + "".join(f'<path class="{name}" d="{"".join(d)}"{style}/>'
                      for name, d, style in paths if d) + "</svg>")


def _row_width(count: int, size: Decimal) -> Decimal:
    return count * size + max(0, count - 1) * size * GAP


def tablets_svg(tablets: Decimal, *, size_mm: Decimal = SIZE) -> str:
    """An SVG of ``tablets`` in a row, each tablet a circle with a cross of score
    lines (see ``_drawing``); no tablets: an empty string."""
    pieces = tablet_pieces(tablets)
    if not pieces:
        return ""
    return _drawing([pieces], width=_row_width(len(pieces), size_mm), row_height=size_mm,
                    size=size_mm)


def tablets_column_svg(rows: Sequence[Decimal | None], *, row_mm: Decimal, width_mm: Decimal,
                       size_mm: Decimal = SIZE) -> str:
    """One SVG of several rows ``row_mm`` apart (a week of the calendar: one image
    instead of seven). A row of ``None`` or 0 stays empty. Tablets are smaller when
    the longest row would be wider than ``width_mm``."""
    pieces = [tablet_pieces(tablets) if tablets else [] for tablets in rows]
    longest = max((len(p) for p in pieces), default=0)
    size = size_mm
    if longest and _row_width(longest, size) > width_mm:
        size = width_mm / (longest + (longest - 1) * GAP)
    return _drawing(pieces, width=width_mm, row_height=row_mm, size=size)


def svg_url(svg: str) -> str:
    """An SVG as a ``data:`` URL for an ``<img>`` (an inline ``<svg>`` costs WeasyPrint
    more: it styles each element as part of the page)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
