"""The step chart (tapering/chart.py) and the stored steps (tapering/stepdata.py): plain
functions, tested without a database (docs/domain.md#tapering-schedules)."""

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from tapering.chart import HEIGHT, LEFT, TOP, WIDTH, nice_ticks, step_chart_svg
from tapering.schedule import Step, StepKind, mg_text
from tapering.stepdata import (
    contact_note,
    current_step,
    next_step_after,
    step_begun_between,
    steps_from_json,
    steps_to_json,
)
from tapering.templatetags import schedule_tags

SVG = "{http://www.w3.org/2000/svg}"
START = date(2027, 1, 4)


def diazepam_steps(doses=("10", "7.5", "5", "2.5", "0"), days=7, start=START) -> list[Step]:
    steps, day = [], start
    for number, dose in enumerate(doses):
        last = number == len(doses) - 1
        tablets = Decimal(dose) / 2
        length = 0 if last else days
        steps.append(Step(number=number, start=day, days=length, atc="N05BA01",
                          substance="diazepam", strength_mg=Decimal(2), tablets_per_day=tablets,
                          daily_dose_mg=Decimal(dose), tablets_needed=tablets * length,
                          kind=StepKind.SWITCH if number == 0 else
                          StepKind.STOP if last else StepKind.REDUCE))
        day += timedelta(days=length)
    return steps


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


def _tree(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


# --- The chart ------------------------------------------------------------------------------


def test_the_chart_is_well_formed_svg_that_scales_to_its_box():
    root = _tree(step_chart_svg(diazepam_steps()))
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == f"0 0 {WIDTH} {HEIGHT}"
    assert root.get("width") is None and root.get("height") is None  # no fixed size


def test_the_chart_has_a_title_and_description_a_screen_reader_reads():
    root = _tree(step_chart_svg(diazepam_steps(), chart_id="g1"))
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "g1-title g1-desc"
    assert title.get("id") == "g1-title" and desc.get("id") == "g1-desc"
    assert "mg diazepam per dag" in title.text
    assert desc.text == "Van 10 mg diazepam per dag op 04-01-2027 naar 0 mg op 01-02-2027, " \
                        "in 4 stappen."


def test_the_axes_are_labelled_with_dutch_dates_and_mg():
    texts = _texts(_tree(step_chart_svg(diazepam_steps())))
    for day in ("04-01-2027", "11-01-2027", "18-01-2027", "25-01-2027", "01-02-2027"):
        assert day in texts
    assert "mg diazepam per dag" in texts
    assert "datum waarop de stap begint" in texts
    # The y axis runs in round figures from 0 to at least the highest dose, with a comma.
    assert {"0", "2", "4", "6", "8", "10"} <= set(texts)
    assert "7,5" in texts  # the dose written above its step


def test_the_step_line_drops_at_each_step_date_and_never_rises():
    steps = diazepam_steps()
    root = _tree(step_chart_svg(steps))
    line = [p for p in root.iter(f"{SVG}path") if p.get("fill") == "none"][0]
    assert line.get("stroke") == "#000"  # black: readable printed in black and white
    commands = re.findall(r"([MVH]) ([\d.]+)(?: ([\d.]+))?", line.get("d"))
    ys = [float(c[2]) for c in commands if c[0] == "M"] + [float(c[1]) for c in commands
                                                           if c[0] == "V"]
    assert len(ys) == len(steps)
    assert ys == sorted(ys)  # SVG y grows downwards: the dose never rises
    assert ys[0] == pytest.approx(TOP)  # the highest dose at the top of the plot
    xs = [float(c[1]) for c in commands if c[0] == "H"]
    assert xs == sorted(xs) and xs[0] > LEFT


def test_a_step_back_shows_as_a_rise():
    steps = diazepam_steps(doses=("10", "7.5", "10", "7.5", "0"))
    root = _tree(step_chart_svg(steps))
    line = [p for p in root.iter(f"{SVG}path") if p.get("fill") == "none"][0]
    ys = [float(y) for y in re.findall(r"V ([\d.]+)", line.get("d"))]
    assert ys[1] < ys[0]  # from 7.5 back up to 10


def test_dates_that_would_overlap_are_left_out_but_first_and_spacing_kept():
    steps = diazepam_steps(doses=[str(d) for d in range(40, -1, -1)], days=3)
    texts = _texts(_tree(step_chart_svg(steps)))
    dates = [t for t in texts if re.fullmatch(r"\d\d-\d\d-\d{4}", t)]
    assert dates[0] == "04-01-2027"
    assert 3 <= len(dates) < len(steps)


def test_today_is_marked_only_within_the_schedule():
    steps = diazepam_steps()
    assert "vandaag" in _texts(_tree(step_chart_svg(steps, today=START + timedelta(days=9))))
    assert "vandaag" not in _texts(_tree(step_chart_svg(steps, today=START - timedelta(days=1))))
    assert "vandaag" not in _texts(_tree(step_chart_svg(steps)))


def test_names_and_ids_are_escaped():
    steps = [Step(number=0, start=START, days=7, atc="X", substance="<b>&co",
                  strength_mg=Decimal(1), tablets_per_day=Decimal(1), daily_dose_mg=Decimal(1),
                  tablets_needed=Decimal(7)),
             Step(number=1, start=START + timedelta(days=7), days=0, atc="X", substance="<b>&co",
                  strength_mg=Decimal(1), tablets_per_day=Decimal(0), daily_dose_mg=Decimal(0),
                  tablets_needed=Decimal(0))]
    svg = step_chart_svg(steps, chart_id='a"b')
    assert "<b>" not in svg
    _tree(svg)  # still well-formed


def test_no_steps_no_chart():
    assert step_chart_svg([]) == ""


@pytest.mark.parametrize(("top", "expected_last", "count"), [
    (Decimal(10), Decimal(10), 6), (Decimal("7.5"), Decimal(8), 5),
    (Decimal(40), Decimal(40), 5), (Decimal("0.75"), Decimal("0.8"), 5),
    (Decimal(1), Decimal(1), 6), (Decimal(13), Decimal(15), 7),
])
def test_the_y_axis_ends_on_a_round_figure_at_or_above_the_highest_dose(top, expected_last,
                                                                        count):
    ticks = nice_ticks(top)
    assert ticks[0] == 0 and ticks[-1] == expected_last and ticks[-1] >= top
    assert len(ticks) == count and len(ticks) <= 7


# --- Stored steps ---------------------------------------------------------------------------


def test_steps_go_to_json_and_back_unchanged():
    steps = diazepam_steps(doses=("7.5", "5.25", "0"))
    rows = steps_to_json(steps)
    assert rows[1]["daily_dose_mg"] == "5.25" and rows[0]["start"] == "2027-01-04"
    assert rows[0]["kind"] == "switch"
    assert steps_from_json(rows) == steps


@pytest.mark.parametrize(("tablets", "text"), [
    ("0", "0"), ("0.25", "¼"), ("0.5", "½"), ("0.75", "¾"), ("1", "1"), ("1.75", "1¾"),
    ("2.50", "2½"), ("3.00", "3"), ("0.1", "0.1"),
])
def test_tablets_read_as_fractions(tablets, text):
    assert schedule_tags.tablets(Decimal(tablets)) == text
    assert schedule_tags.tablets(tablets) == text  # also from a stored string


@pytest.mark.parametrize(("mg", "text"), [("7.500", "7,5"), ("10.000", "10"), ("0.25", "0,25"),
                                          ("100", "100")])
def test_doses_are_written_with_a_decimal_comma(mg, text):
    assert mg_text(Decimal(mg)) == text
    assert schedule_tags.mg(mg) == schedule_tags.mg(mg.replace(".", ",")) == text


def test_what_is_no_number_is_shown_as_typed():
    assert schedule_tags.mg("abc") == "abc" and schedule_tags.tablets("") == ""


def test_the_step_of_a_day_is_the_last_begun():
    steps = diazepam_steps()
    assert current_step(steps, START - timedelta(days=1)) is None
    assert current_step(steps, START).number == 0
    assert current_step(steps, START + timedelta(days=6)).number == 0
    assert current_step(steps, START + timedelta(days=7)).number == 1
    assert current_step(steps, START + timedelta(days=400)).number == 4  # stopped


def test_the_next_contact_is_the_first_step_after_the_day_never_step_0():
    steps = diazepam_steps()
    assert next_step_after(steps, START - timedelta(days=3)).number == 1
    assert next_step_after(steps, START + timedelta(days=6)).number == 1
    assert next_step_after(steps, START + timedelta(days=7)).number == 2
    assert next_step_after(steps, START + timedelta(days=28)) is None  # the stop day has passed


def test_the_step_begun_in_a_window():
    steps = diazepam_steps()
    day = START + timedelta(days=14)
    assert step_begun_between(steps, day, day).number == 2
    assert step_begun_between(steps, day - timedelta(days=1), day - timedelta(days=1)) is None
    assert step_begun_between(steps, START + timedelta(days=7), day).number == 2  # a late sweep
    assert step_begun_between(steps, START, START) is None  # step 0 is no contact


def test_the_contact_note_names_step_and_dose():
    assert contact_note(diazepam_steps()[3]) == "stap 3: 2,5 mg diazepam per dag"
