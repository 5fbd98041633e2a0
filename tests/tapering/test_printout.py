"""The patient's printout of a tapering schedule (tapering/printout.py, tapering/tablets.py;
docs/domain.md#tapering-schedules): the PDF's pages and words, the tablets drawn as
fractions, and the fraction words themselves.

The schedules are written out by hand as ``Step`` rows, as the engine would make them.
"""

import io
import re
import time
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation
from pypdf import PdfReader

from bench.images import practice_logo_png
from letters.render import Image, PracticeData
from tapering.printout import (
    DayState,
    printout_days,
    printout_page_count,
    printout_periods,
    printout_weeks,
    schedule_pdf,
)
from tapering.schedule import Step, StepKind
from tapering.tablets import (
    tablet_pieces,
    tablets_amount,
    tablets_column_svg,
    tablets_svg,
    tablets_text,
)

D = Decimal
PATIENT = "mevrouw J. van den Berg"
POH, POH_PHONE = "Sanne de Vries", "030-7654321"
PRACTICE = PracticeData(name="Huisartsenpraktijk De Linde", street="Lindelaan 4",
                        postcode="3581 AB", city="Utrecht", phone="030-1234567")
LOGO = practice_logo_png()  # 900 x 240 pixels
WITH_LOGO = PracticeData(**{**PRACTICE.__dict__, "logo": Image("image/png", LOGO)})


def steps_of(start: date, rows: list[tuple[str, str, str, int]]) -> list[Step]:
    """Steps from (substance, strength, tablets a day, days), one after the other; the last
    row is the stop (0 tablets, 0 days)."""
    steps, day = [], start
    for number, (substance, strength, tablets, days) in enumerate(rows):
        kind = StepKind.STOP if D(tablets) == 0 else (StepKind.SWITCH if number == 0
                                                       else StepKind.REDUCE)
        steps.append(Step(number=number, start=day, days=days, atc="N05BA01",
                          substance=substance, strength_mg=D(strength),
                          tablets_per_day=D(tablets), daily_dose_mg=D(strength) * D(tablets),
                          tablets_needed=D(tablets) * days, kind=kind))
        day += timedelta(days=days)
    return steps


# NHG after a switch to diazepam: 10 → 7.5 → 5 → 2.5 → 0 mg on 5 mg tablets, a week each,
# from Wednesday 14 January 2026; the tablets stop on Wednesday 11 February.
NHG = steps_of(date(2026, 1, 14), [
    ("diazepam", "5", "2", 7), ("diazepam", "5", "1.5", 7), ("diazepam", "5", "1", 7),
    ("diazepam", "5", "0.5", 7), ("diazepam", "5", "0", 0)])
# 5 mg tablets first, then 2 mg tablets from Monday 23 March 2026; stop on Monday 1 June.
STRENGTH_CHANGE = steps_of(date(2026, 3, 2), [
    ("diazepam", "5", "2", 7), ("diazepam", "5", "1.5", 7), ("diazepam", "5", "1", 7),
    ("diazepam", "2", "2", 14), ("diazepam", "2", "1.5", 14), ("diazepam", "2", "1", 14),
    ("diazepam", "2", "0.5", 14), ("diazepam", "2", "0.25", 14), ("diazepam", "2", "0", 0)])
# Slow: oxazepam 10 mg, a quarter tablet less every three weeks, 2½ → ¼ tablet, from
# Thursday 1 October 2026; stop on Thursday 29 April 2027 (210 days later).
SLOW = steps_of(date(2026, 10, 1), [("oxazepam", "10", str(q / 4), 21) for q in range(10, 0, -1)]
                + [("oxazepam", "10", "0", 0)])


def render(steps, practice=PRACTICE) -> bytes:
    with translation.override("nl"):
        return schedule_pdf(steps=steps, patient_name=PATIENT, practice=practice,
                            poh_name=POH, poh_phone=POH_PHONE, made_on=date(2026, 1, 10))


def pages_text(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def nhg_pdf() -> bytes:
    return render(NHG, practice=WITH_LOGO)


@pytest.fixture(scope="module")
def nhg_pages(nhg_pdf) -> list[str]:
    return pages_text(nhg_pdf)


@pytest.fixture(scope="module")
def strength_pages() -> list[str]:
    return pages_text(render(STRENGTH_CHANGE))


@pytest.fixture(scope="module")
def slow_pages() -> list[str]:
    return pages_text(render(SLOW))


# --- Pages --------------------------------------------------------------------------------

def test_the_nhg_printout_has_a_front_page_two_calendar_pages_and_five_diary_pages(nhg_pages):
    # Weeks of 12, 19 and 26 January, 2 and 9 February: 3 + 2 on the calendar.
    assert len(nhg_pages) == 1 + 2 + 5 == printout_page_count(NHG)
    assert "Uw afbouwschema" in nhg_pages[0]
    assert all("Zo leest u de kalender" in p for p in nhg_pages[1:3])
    assert all("Dagboek week van" in p for p in nhg_pages[3:])
    assert "Dagboek" not in " ".join(nhg_pages[:3])


def test_a_change_of_strength_still_gives_one_front_page(strength_pages):
    # 2 March to the week of 1 June: 14 weeks, 5 calendar pages; 9 overview rows fit.
    assert len(strength_pages) == 1 + 5 + 14 == printout_page_count(STRENGTH_CHANGE)


def test_a_long_overview_goes_on_over_a_second_front_page(slow_pages):
    # 28 September 2026 to the week of 26 April 2027: 31 weeks, 11 calendar pages; the
    # overview has 11 rows, more than the 9 of the front page.
    assert len(slow_pages) == 2 + 11 + 31 == printout_page_count(SLOW)
    assert "Het overzicht gaat verder op de volgende pagina." in slow_pages[0]
    assert "Als het moeilijk wordt" in slow_pages[0]
    assert "Uw schema in het kort (vervolg)" in slow_pages[1]
    assert "01-10-2026" in slow_pages[0] and "29-04-2027" in slow_pages[1]


def test_the_last_diary_is_the_week_the_tablets_stop(nhg_pages, slow_pages):
    assert nhg_pages[-1].count("Dagboek week van 9 februari t/m 15 februari 2026") == 1
    assert "16 februari" not in " ".join(nhg_pages)
    assert "Dagboek week van 26 april t/m 2 mei 2027" in slow_pages[-1]
    assert "3 mei" not in " ".join(slow_pages)
    assert sum("Dagboek week van" in p for p in slow_pages) == 31


def test_every_page_is_numbered_out_of_the_total(nhg_pages, slow_pages):
    for pages in (nhg_pages, slow_pages):
        for number, text in enumerate(pages, start=1):
            assert f"pagina {number} van {len(pages)}" in text, (number, text[-200:])


def test_every_page_names_the_practice_and_its_phone(nhg_pages):
    assert all("Huisartsenpraktijk De Linde · telefoon 030-1234567" in p for p in nhg_pages)
    # From page 2 on each page also names the patient, in case the pages come apart.
    assert all(f"Afbouwschema van {PATIENT}" in p for p in nhg_pages[1:])


# --- Front page ---------------------------------------------------------------------------

def test_the_front_page_names_patient_medicine_poh_and_what_to_do_when_it_is_hard(nhg_pages):
    front = nhg_pages[0]
    for words in (PATIENT, "Huisartsenpraktijk De Linde", "Gemaakt op 10-01-2026",
                  "diazepam 5 mg", f"{POH}, praktijkondersteuner GGZ, telefoon {POH_PHONE}",
                  "Als het moeilijk wordt", f"Bel dan {POH}: {POH_PHONE}.",
                  "Stop niet zelf in één keer", "Neem geen extra tabletten",
                  "Bel de praktijk: 030-1234567", "huisartsenpost"):
        assert words in front, words


def test_the_overview_lists_each_step_with_dates_fractions_and_mg(nhg_pages):
    front = nhg_pages[0]
    for row in ("14-01-2026 20-01-2026 2 tabletten 10 mg",
                "21-01-2026 27-01-2026 1½ tablet 7,5 mg",
                "28-01-2026 03-02-2026 1 tablet 5 mg",
                "04-02-2026 10-02-2026 ½ tablet 2,5 mg",
                "11-02-2026 en verder Geen tabletten meer"):
        assert row in front, row


def test_the_front_page_shows_each_strength_with_its_dates(strength_pages):
    front = strength_pages[0]
    assert "diazepam 5 mg (02-03-2026 t/m 22-03-2026)" in front
    assert "diazepam 2 mg (23-03-2026 t/m 31-05-2026)" in front
    assert "23-03-2026 05-04-2026 diazepam 2 mg 2 tabletten 4 mg" in front


def test_the_poh_phone_falls_back_to_the_practice():
    with translation.override("nl"):
        pdf = schedule_pdf(steps=NHG, patient_name=PATIENT, practice=PRACTICE, poh_name=POH,
                           poh_phone="", made_on=date(2026, 1, 10))
    assert f"Bel dan {POH}: 030-1234567." in pages_text(pdf)[0]


def drawn_images(pdf: bytes, page: int) -> list[tuple[int, int]]:
    """The raster images (width, height) that a page draws."""
    reader = PdfReader(io.BytesIO(pdf))
    page_object = reader.pages[page]
    drawn = set(re.findall(rb"/([^\s/\[\]()<>{}%]+)\s+Do\b", page_object.get_contents().get_data()))
    xobjects = page_object["/Resources"].get("/XObject", {})
    return [(x["/Width"], x["/Height"]) for name, ref in xobjects.items()
            if name[1:].encode() in drawn and (x := ref.get_object())["/Subtype"] == "/Image"]


def test_the_practice_logo_is_on_the_front_page(nhg_pdf):
    assert drawn_images(nhg_pdf, 0) == [(900, 240)]


def test_a_practice_without_a_logo_gets_a_printout_without_one():
    pdf = render(NHG)
    assert drawn_images(pdf, 0) == []
    assert "Uw afbouwschema" in pages_text(pdf)[0]


# --- Calendar -----------------------------------------------------------------------------

def test_the_calendar_shows_each_day_with_its_tablets_and_strength(nhg_pages):
    page = nhg_pages[1]
    assert "Ingenomen?" in page and "Zo leest u de kalender" in page
    week_1 = page.split("Week 1: maandag 12 januari t/m zondag 18 januari 2026")[1]
    week_1 = week_1.split("Week 2:")[0]
    assert week_1.count("2 tabletten diazepam 5 mg") == 5  # Wednesday to Sunday
    for day in ("12 jan", "13 jan", "14 jan", "18 jan"):
        assert day in week_1


def test_a_new_step_in_the_middle_of_a_week_is_announced(nhg_pages, strength_pages):
    assert "Vanaf woensdag 21 januari: 1½ tablet diazepam 5 mg per dag." in nhg_pages[1]
    assert "Vanaf maandag 23 maart: 2 tabletten diazepam 2 mg per dag." in " ".join(
        strength_pages)


def test_the_stop_day_says_no_more_tablets_and_encourages(nhg_pages):
    assert ("Vanaf woensdag 11 februari: geen tabletten meer. Goed gedaan! Daar mag u trots "
            "op zijn.") in nhg_pages[2]
    assert "Geen tabletten meer" in nhg_pages[2]


def test_a_long_schedule_renders_in_a_few_seconds():
    # A year of the slow preset: 52 weeks, a step every fortnight, 73 pages. It takes about
    # 5 s of processor time on the 2-core development machine; the first version (a table
    # a week, the forms on every page) took some 30 s. Processor time, so a busy machine
    # does not make it fail.
    year = steps_of(date(2026, 1, 5), [("diazepam", "2", str(q / 4), 14)
                                        for q in range(26, 0, -1)] + [("diazepam", "2", "0", 0)])
    started = time.process_time()
    pdf = render(year)
    assert time.process_time() - started < 15
    assert len(PdfReader(io.BytesIO(pdf)).pages) == printout_page_count(year) == 2 + 18 + 53


# --- Diary --------------------------------------------------------------------------------

def test_each_diary_page_has_the_form_and_the_dates_of_its_week(nhg_pages):
    diary = nhg_pages[3]
    assert "Dagboek week van 12 januari t/m 18 januari 2026" in diary
    for words in ("Hoe sliep u?", "goed", "matig", "slecht", "Spanning of onrust",
                  "0 = geen, 10 = heel veel", "Klachten", "Tabletten genomen", "Extra tabletten",
                  "Aantekeningen en vragen", f"Neem dit dagboek mee naar uw volgende gesprek "
                  f"met {POH}."):
        assert words in diary, words
    assert "14 jan" in diary and "18 jan" in diary


def test_the_forms_lie_only_under_calendar_and_diary_pages(nhg_pages):
    assert "Hoe sliep u?" not in nhg_pages[0] + nhg_pages[1]
    assert "Ingenomen?" not in nhg_pages[0] + nhg_pages[3]
    assert all(p.count("Hoe sliep u?") == 1 for p in nhg_pages[3:])


def test_the_printout_follows_the_active_language():
    with translation.override("en"):
        pdf = schedule_pdf(steps=NHG, patient_name=PATIENT, practice=PRACTICE, poh_name=POH,
                           poh_phone=POH_PHONE, made_on=date(2026, 1, 10))
    pages = pages_text(pdf)
    assert "When it gets hard" in pages[0] and "page 1 of 8" in pages[0]
    assert "How did you sleep?" in pages[3]


# --- Days, weeks and overview rows --------------------------------------------------------

def test_days_before_the_start_and_after_the_stop_are_outside_the_schedule():
    days = printout_days(NHG)
    assert (days[0].day, days[-1].day) == (date(2026, 1, 12), date(2026, 2, 15))
    states = [d.state for d in days]
    assert states[:3] == [DayState.BEFORE, DayState.BEFORE, DayState.TAKING]
    assert states[-6:] == [DayState.TAKING, DayState.STOP] + [DayState.AFTER] * 4
    assert days[2].dose is not None and days[2].dose.tablets == 2 and not days[2].change
    assert days[9].day == date(2026, 1, 21) and days[9].change
    assert days[10].change is False


def test_a_week_lists_the_days_from_which_something_else_is_taken():
    weeks = printout_weeks(NHG)
    assert [w.number for w in weeks] == [1, 2, 3, 4, 5]
    assert weeks[0].changes == []
    assert [d.day for d in weeks[1].changes] == [date(2026, 1, 21)]
    assert [(d.day, d.state) for d in weeks[4].changes] == [(date(2026, 2, 11), DayState.STOP)]


def test_a_schedule_that_starts_on_a_monday_has_no_day_before_it():
    weeks = printout_weeks(STRENGTH_CHANGE)
    assert weeks[0].monday == date(2026, 3, 2)
    assert all(d.state == DayState.TAKING for d in weeks[0].days)
    assert [d.state for d in weeks[-1].days] == [DayState.STOP] + [DayState.AFTER] * 6


def test_the_overview_joins_steps_with_the_same_dose():
    repeated = steps_of(date(2026, 1, 14), [
        ("diazepam", "5", "2", 7), ("diazepam", "5", "1.5", 7), ("diazepam", "5", "1.5", 7),
        ("diazepam", "5", "0", 0)])
    periods = printout_periods(printout_days(repeated))
    assert [(p.first, p.last, p.dose.tablets if p.dose else None) for p in periods] == [
        (date(2026, 1, 14), date(2026, 1, 20), 2),
        (date(2026, 1, 21), date(2026, 2, 3), D("1.5")),
        (date(2026, 2, 4), None, None)]


def test_a_schedule_without_steps_is_refused():
    with pytest.raises(ValueError):
        printout_page_count([])


# --- Fractions as words -------------------------------------------------------------------

@pytest.mark.parametrize(("tablets", "amount", "dutch", "english"), [
    ("0", "0", "geen tabletten", "no tablets"),
    ("0.25", "¼", "¼ tablet", "¼ of a tablet"),
    ("0.5", "½", "½ tablet", "½ of a tablet"),
    ("0.75", "¾", "¾ tablet", "¾ of a tablet"),
    ("1", "1", "1 tablet", "1 tablet"),
    ("1.5", "1½", "1½ tablet", "1½ tablets"),
    ("1.75", "1¾", "1¾ tablet", "1¾ tablets"),
    ("2", "2", "2 tabletten", "2 tablets"),
    ("2.25", "2¼", "2¼ tabletten", "2¼ tablets"),
    ("10.5", "10½", "10½ tabletten", "10½ tablets"),
])
def test_tablets_are_written_with_fraction_signs(tablets, amount, dutch, english):
    assert tablets_amount(D(tablets)) == amount
    with translation.override("nl"):
        assert tablets_text(D(tablets)) == dutch
    with translation.override("en"):
        assert tablets_text(D(tablets)) == english


@pytest.mark.parametrize("tablets", ["0.3", "1.1", "-0.25"])
def test_an_amount_that_is_no_whole_number_of_quarters_is_refused(tablets):
    with pytest.raises(ValueError):
        tablets_amount(D(tablets))


# --- Tablets drawn ------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def drawing(svg: str) -> tuple[list[list[int]], dict[str, str]]:
    """(the quarters of each tablet per row as the SVG lists them, its paths by class)."""
    root = ET.fromstring(svg)
    rows = [[int(q) for q in row.split(",") if q] for row in root.get("data-rows").split(";")]
    return rows, {path.get("class"): path.get("d") for path in root.iter(f"{SVG}path")}


@pytest.mark.parametrize(("tablets", "pieces", "whole", "part"), [
    ("1", [4], 1, None), ("0.5", [2], 0, 2), ("0.25", [1], 0, 1), ("0.75", [3], 0, 3),
    ("2", [4, 4], 2, None), ("1.75", [4, 3], 1, 3), ("3.5", [4, 4, 4, 2], 3, 2),
])
def test_a_tablet_is_drawn_per_whole_or_part_tablet(tablets, pieces, whole, part):
    assert tablet_pieces(D(tablets)) == pieces
    rows, paths = drawing(tablets_svg(D(tablets)))
    assert rows == [pieces]
    # Every tablet is a black disc; a whole one has two white score lines.
    assert paths["dots"].count("M") == len(pieces)
    assert paths.get("white-lines", "").count("M") == 2 * whole
    if part is None:
        assert {"holes", "parts", "black-lines"}.isdisjoint(paths)
    else:
        # A part tablet is hollowed out, its part taken drawn black as a quarter circle
        # per quarter, and its score lines black.
        assert paths["holes"].count("M") == 1
        assert paths["parts"].count("M") == 1 and paths["parts"].count("C") == part
        assert paths["black-lines"].count("M") == 2


def test_no_tablets_draw_nothing():
    assert tablet_pieces(D(0)) == []
    assert tablets_svg(D(0)) == ""


def test_a_week_is_one_drawing_with_a_row_a_day():
    svg = tablets_column_svg([None, D(0), D("1.5"), D(2)], row_mm=D("8.4"), width_mm=D(40))
    rows, _ = drawing(svg)
    assert rows == [[], [], [4, 2], [4, 4]]
    root = ET.fromstring(svg)
    assert (root.get("width"), root.get("height")) == ("40mm", "33.6mm")


def test_tablets_are_drawn_smaller_when_a_row_would_not_fit():
    def diameter(svg: str) -> Decimal:  # the width of the line that draws the discs
        dots = next(p for p in ET.fromstring(svg).iter(f"{SVG}path") if p.get("class") == "dots")
        return D(dots.get("stroke-width"))

    few = tablets_column_svg([D(2)], row_mm=D("8.4"), width_mm=D(40))
    many = tablets_column_svg([D(8)], row_mm=D("8.4"), width_mm=D(40))
    assert diameter(few) == 6
    assert 8 * diameter(many) < 40


def test_a_schedule_that_does_not_end_at_zero_prints_up_to_its_last_day():
    held = NHG[:2]  # 2 tablets from 14 January, 1½ from 21 to 27 January, then nothing said
    days = printout_days(held)
    assert days[-1].day == date(2026, 2, 1)
    assert DayState.STOP not in {d.state for d in days}
    assert [d.state for d in days if d.day >= date(2026, 1, 27)] == [
        DayState.TAKING] + [DayState.AFTER] * 5
    assert printout_periods(days)[-1].last == date(2026, 1, 27)
