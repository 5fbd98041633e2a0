"""The dashboard's charts (monitoring/charts.py): valid SVG, reference lines with their
labels and sources, gaps for months without figures, and the bars. No database."""

from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest

from monitoring.charts import (
    LABEL_ROW,
    Line,
    Reference,
    bar_svg,
    month_chart_svg,
    spread_labels,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
MONTHS = [date(2026, m, 1) for m in range(1, 7)]
D = Decimal

GORGELS = [Reference(label="24% brief 6 mnd", text="Gestopt 6 maanden (24%) — Gorgels et al. 2005",
                     value=D(24)),
           Reference(label="12% zonder brief 6 mnd",
                     text="Gestopt zonder brief (12%) — Gorgels et al. 2005", value=D(12))]


def line(values, name="Gestopt"):
    return Line(name=name, points=tuple(zip(MONTHS, values, strict=True)))


def parse(svg):
    return ElementTree.fromstring(svg)


def texts(root):
    return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_a_chart_is_valid_svg_with_title_and_description():
    root = parse(month_chart_svg("Aandeel gestopt", [line([None, D(0), D(10), D(20), D(25),
                                                           D(30)])], GORGELS, unit="%"))
    assert root.find("svg:title", NS).text == "Aandeel gestopt"
    desc = root.find("svg:desc", NS).text
    assert "0,0 % in feb 26" in desc and "30,0 % in jun 26" in desc
    assert "Geen cijfers voor: jan 26." in desc
    assert root.get("viewBox").startswith("0 0 720 ")


def test_each_reference_is_a_dashed_line_with_its_label_and_its_source():
    root = parse(month_chart_svg("Gestopt", [line([D(5)] * 6)], GORGELS, unit="%"))
    references = [e for e in root.iter() if e.get("class") == "reference"]
    assert [e.get("data-value") for e in references] == ["24", "12"]
    assert all(e.get("stroke-dasharray") for e in references)
    # Drawn at their values on the same scale: 24 above 12 (SVG y grows downwards).
    assert float(references[0].get("y1")) < float(references[1].get("y1"))
    words = texts(root)
    assert "24% brief 6 mnd" in words and "12% zonder brief 6 mnd" in words
    assert "Gestopt 6 maanden (24%) — Gorgels et al. 2005" in words


def test_a_reference_relative_to_a_line_follows_that_line():
    before = line([D("0.50"), D("0.40"), None, D("0.40"), D("0.50"), D("0.50")], "vooraf")
    after = line([D("0.50"), D("0.30"), None, D("0.30"), D("0.30"), D("0.30")], "nu")
    ref = Reference(label="−26%", text="−26% — Gorgels", value=D(-26), relative_to="vooraf")
    root = parse(month_chart_svg("DDD", [before, after], [ref], unit="DDD", places=2))
    path = next(e for e in root.iter() if e.get("class") == "reference")
    # One point per month that "vooraf" has: five, the month without figures skipped.
    assert path.get("d").count("L") == 4 and path.get("data-value") == "-26"


def test_a_month_without_figures_breaks_the_line_and_is_marked():
    root = parse(month_chart_svg("Gestopt", [line([D(1), D(2), None, D(4), D(5), D(6)])],
                                 unit="%"))
    measured = [e for e in root.iter() if e.get("class") == "measured"]
    assert len(measured) == 2  # before and after the gap
    assert texts(root).count("geen") == 1


def test_no_figures_in_any_month_draws_nothing():
    assert month_chart_svg("Gestopt", [line([None] * 6)], GORGELS, unit="%") == ""
    assert month_chart_svg("Gestopt", [], GORGELS, unit="%") == ""


def test_a_single_month_still_draws_a_point():
    root = parse(month_chart_svg("Gestopt", [Line("Gestopt", ((MONTHS[0], D(0)),))], GORGELS,
                                 unit="%"))
    assert root.find("svg:circle", NS) is not None


def test_text_in_names_is_escaped():
    svg = month_chart_svg("A < B & C", [line([D(1)] * 6, name="<script>")], unit="%")
    parse(svg)
    assert "<script>" not in svg


@pytest.mark.parametrize(("wanted", "placed"), [
    ([100.0, 200.0], [100.0, 200.0]),
    ([100.0, 105.0, 103.0], [100.0, 100.0 + 2 * LABEL_ROW, 100.0 + LABEL_ROW]),
])
def test_reference_labels_are_spread_so_they_do_not_overlap(wanted, placed):
    assert spread_labels(wanted, 0, 1000) == placed


def test_labels_pushed_past_the_bottom_move_up_together():
    placed = spread_labels([195.0, 196.0, 197.0], 0, 200)
    assert placed == [200.0 - 2 * LABEL_ROW, 200.0 - LABEL_ROW, 200.0]


@pytest.mark.parametrize(("share", "width"), [(D("62.5"), "62.5"), (D(0), "0.0"),
                                               (D(140), "100.0"), (D(-3), "0.0")])
def test_a_bar_is_as_wide_as_its_share(share, width):
    rects = parse(bar_svg(share)).findall("svg:rect", NS)
    assert rects[-1].get("width") == width


def test_no_share_no_bar():
    assert bar_svg(None) == ""


def test_many_months_label_every_second_month_and_no_values():
    months = [date(2025 + (m // 12), m % 12 + 1, 1) for m in range(24)]
    svg = month_chart_svg("Gestopt", [Line("Gestopt", tuple((m, D(m.month)) for m in months))],
                          unit="%")
    words = texts(parse(svg))
    labels = [w for w in words if w.endswith((" 25", " 26"))]
    assert 8 <= len(labels) <= 12 and labels[0] == "jan 25"
    # With more than 14 months the numbers over the points would collide: only the last.
    assert [w for w in words if w.endswith(",0")] == ["12,0"]
