"""The trend chart of questionnaire scores (tapering/score_chart.py): plain functions,
tested without a database (docs/domain.md#questionnaires)."""

import xml.etree.ElementTree as ET
from datetime import date, timedelta

from django.utils import translation

from tapering.chart import HEIGHT, LEFT, TOP, WIDTH
from tapering.score_chart import (
    LEGEND_ROW,
    ScoreSeries,
    legend_places,
    score_trend_svg,
)

from .test_schedule_pages_chart import diazepam_steps

SVG = "{http://www.w3.org/2000/svg}"
START = date(2027, 1, 4)
BOTTOM_Y = HEIGHT - 56


def bwsq(*points):
    return ScoreSeries(name="BWSQ", maximum=40, points=tuple(points))


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return [el.text or "" for el in root.iter(f"{SVG}text")]


def test_nothing_to_draw_gives_no_chart():
    assert score_trend_svg("BWSQ", []) == ""
    assert score_trend_svg("BWSQ", [bwsq()]) == ""


def test_each_score_is_a_point_with_its_value_on_a_line_scaled_to_the_maximum():
    with translation.override("nl"):
        root = parse(score_trend_svg("BWSQ", [bwsq((START, 8), (START + timedelta(14), 20))]))
    circles = list(root.iter(f"{SVG}circle"))
    assert len(circles) == 2
    # 0..40 on the y axis: 20 is halfway the plot (no legend for one line).
    y8, y20 = (float(c.get("cy")) for c in circles)
    assert abs(y20 - (TOP + (BOTTOM_Y - TOP) / 2)) < 0.2
    assert abs(y8 - (TOP + (BOTTOM_Y - TOP) * (1 - 8 / 40))) < 0.2
    # The later date lies to the right; both scores are written above their point.
    x8, x20 = (float(c.get("cx")) for c in circles)
    assert LEFT <= x8 < x20 <= WIDTH
    assert {"8", "20", "40"} <= set(texts(root))
    assert "04-01-2027" in texts(root) and "18-01-2027" in texts(root)
    assert len([p for p in root.iter(f"{SVG}path")]) == 1


def test_a_single_measurement_has_a_point_and_no_line():
    root = parse(score_trend_svg("BWSQ", [bwsq((START, 12))]))
    assert len(list(root.iter(f"{SVG}circle"))) == 1
    assert not list(root.iter(f"{SVG}path"))


def test_the_schedule_steps_share_the_date_axis():
    steps = diazepam_steps()  # steps 0..4, a week apart from START
    with translation.override("nl"):
        svg = score_trend_svg("BWSQ", [bwsq((START + timedelta(8), 6),
                                            (START + timedelta(15), 13))], steps=steps)
    root = parse(svg)
    labels = texts(root)
    for number in range(5):
        assert f"stap {number}" in labels
    # A point on the day step 2 begins sits on that step's line.
    step_lines = [float(line.get("x1")) for line in root.iter(f"{SVG}line")
                  if line.get("stroke") == "#888"]
    assert len(step_lines) == 5
    on_step_2 = parse(score_trend_svg("BWSQ", [bwsq((steps[2].start, 5))], steps=steps))
    cx = float(next(on_step_2.iter(f"{SVG}circle")).get("cx"))
    assert abs(cx - step_lines[2]) < 0.2


def test_several_scales_get_a_legend_and_their_own_dash_and_marker():
    two = ((START, 3), (START + timedelta(30), 5))
    lines = [ScoreSeries(name=name, maximum=maximum, points=two)
             for name, maximum in (("Problematisch gebruik", 8), ("Preoccupatie", 5),
                                   ("Gebrek aan therapietrouw", 5), ("Onthouding", 5))]
    root = parse(score_trend_svg("Bendep-SRQ", lines))
    paths = list(root.iter(f"{SVG}path"))
    assert len(paths) == 4
    assert len({p.get("stroke-dasharray") for p in paths}) == 4
    assert len(list(root.iter(f"{SVG}circle"))) == 2 + 1  # the legend's marker too
    assert len(list(root.iter(f"{SVG}rect"))) == 3
    assert {"Problematisch gebruik", "Onthouding"} <= set(texts(root))


def test_the_legend_wraps_before_the_right_edge():
    long = [ScoreSeries(name="x" * 50, maximum=10, points=((START, 1),)) for _ in range(3)]
    places = legend_places(long, right=WIDTH - 20)
    assert [row for _x, row in places] == [0, 1, 2]
    short = [ScoreSeries(name="ab", maximum=10, points=((START, 1),)) for _ in range(3)]
    assert [row for _x, row in legend_places(short, right=WIDTH - 20)] == [0, 0, 0]
    # Rows of legend push the plot down: the top grid line lies below them.
    root = parse(score_trend_svg("x", long))
    grid = [float(line.get("y1")) for line in root.iter(f"{SVG}line")
            if line.get("stroke-dasharray") == "3 3"]
    assert min(grid) >= TOP + 3 * LEGEND_ROW - 0.1


def test_without_a_maximum_the_axis_fits_the_highest_score():
    root = parse(score_trend_svg("x", [ScoreSeries(name="a", maximum=None,
                                                   points=((START, 17),))]))
    assert "20" in texts(root)


def test_the_description_names_first_and_last_score():
    with translation.override("nl"):
        svg = score_trend_svg("BWSQ-verloop", [bwsq((START, 8), (START + timedelta(7), 15))])
    root = parse(svg)
    desc = next(root.iter(f"{SVG}desc")).text
    assert "8" in desc and "15" in desc and "04-01-2027" in desc and "11-01-2027" in desc
