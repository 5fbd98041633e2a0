"""The patient's printout of a tapering schedule (docs/domain.md#tapering-schedules):
a week calendar with a tick box per day and the tablets drawn as fractions, what to
do when it gets hard, and a diary page per week. Plain Dutch (B1), the practice's
logo and the POH-GGZ's phone number. HTML from ``templates/tapering/print/``,
PDF through the one WeasyPrint helper (``letters.pdf``).

API (fixed; the schedule pages call it):

- ``schedule_pdf(*, steps, patient_name, practice, poh_name, poh_phone, made_on) -> bytes``
  where ``steps`` are ``tapering.schedule.Step`` rows (the last one dose 0) and
  ``practice`` is ``letters.render.PracticeData`` (``letters.selectors.practice_data``).

The pages, in order; every part has a fixed size, so the page count is known
before rendering (:func:`printout_page_count`):

1. the front page: who and what, how to use the schedule, the steps at a glance
   and "Als het moeilijk wordt"; an overview of more than ``FRONT_ROWS`` rows goes
   on over pages of ``MORE_ROWS`` rows;
2. the calendar, ``WEEKS_PER_PAGE`` weeks (Monday to Sunday) a page, from the
   week the schedule starts in to the week of the first day without tablets;
3. one diary page per week of the calendar.

A year's schedule has some 70 pages, and WeasyPrint's time grows with every box
and line of text. So what the calendar and diary pages have in common (lines,
boxes, weekdays, the legend, the running header and footer) is rendered once as
a form and laid under them (``letters.pdf.pdf_underlay``); the pages themselves
carry only what differs: dates, amounts, a week's tablets as one drawing, and
their page number (known beforehand, so no page margin boxes there).

The texts follow the active language (Dutch unless a user chose English).
"""

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from django.template.loader import render_to_string
from django.utils import formats
from django.utils.dates import WEEKDAYS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from letters.pdf import pdf_underlay, render_document
from letters.render import PracticeData, css_string

from .schedule import Step
from .tablets import svg_url, tablets_amount, tablets_column_svg, tablets_svg, tablets_text

logger = logging.getLogger(__name__)

WEEKS_PER_PAGE = 3  # calendar weeks on one page; a week is never split over two
FRONT_ROWS = 9  # overview rows that fit on the front page beside the other parts
MORE_ROWS = 34  # overview rows on each page that continues it
ROW_MM = Decimal("8.4")  # a day of the calendar (as in _schedule.css)
DRAWING_MM = Decimal("40")  # the width for a day's tablets in the calendar
OVERVIEW_TABLET_MM = Decimal("4.6")  # a tablet in the overview on the front page
OVERVIEW_DRAWING_MM = Decimal("26")


def mg_text(value: Decimal) -> str:
    """'7,5 mg', '10 mg' (the active language's decimal sign, no trailing zeros)."""
    plain = Decimal(format(value.normalize(), "f"))
    return f"{formats.number_format(plain)} mg"


def medicine_text(step: Step) -> str:
    """'diazepam 5 mg'."""
    return f"{step.substance} {mg_text(step.strength_mg)}"


class DayState(StrEnum):
    BEFORE = "before"  # before the schedule starts
    TAKING = "taking"
    STOP = "stop"  # the first day without tablets
    AFTER = "after"  # after the first day without tablets


@dataclass(frozen=True)
class Dose:
    """What to take on a day: the tablets and which ones."""

    tablets: Decimal
    medicine: str  # 'diazepam 5 mg'
    mg: Decimal  # per day

    @property
    def amount(self) -> str:
        return tablets_amount(self.tablets)

    @property
    def text(self) -> str:
        return tablets_text(self.tablets)

    @property
    def svg_url(self) -> str:
        """The tablets drawn for the overview: a row at most ``OVERVIEW_DRAWING_MM`` wide."""
        return svg_url(tablets_column_svg([self.tablets], row_mm=OVERVIEW_TABLET_MM,
                                          width_mm=OVERVIEW_DRAWING_MM,
                                          size_mm=OVERVIEW_TABLET_MM))

    @property
    def mg_text(self) -> str:
        return mg_text(self.mg)


@dataclass(frozen=True)
class Day:
    day: date
    state: DayState
    dose: Dose | None  # None outside the days with tablets
    change: bool = False  # the dose or the medicine is new from this day on


@dataclass(frozen=True)
class Week:
    number: int  # 1 for the week the schedule starts in
    monday: date
    days: tuple[Day, ...]

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def drawing_url(self) -> str:
        """The tablets of the seven days as one image, a row a day."""
        return svg_url(tablets_column_svg([d.dose.tablets if d.dose else None for d in self.days],
                                          row_mm=ROW_MM, width_mm=DRAWING_MM))

    @property
    def changes(self) -> list[Day]:
        """The days from which something else is taken (the stop day too)."""
        return [d for d in self.days if d.change or d.state == DayState.STOP]


@dataclass(frozen=True)
class Period:
    """Consecutive days with the same dose: one row of the overview."""

    first: date
    last: date | None  # None: the last row, no tablets from ``first`` on
    dose: Dose | None


def _dose(step: Step) -> Dose:
    return Dose(tablets=step.tablets_per_day, medicine=medicine_text(step), mg=step.daily_dose_mg)


def _dose_on(steps: Sequence[Step], day: date) -> Dose:
    """The dose of the last step that has started by ``day`` (steps in date order)."""
    current = steps[0]
    for step in steps:
        if step.start > day:
            break
        current = step
    return _dose(current)


def _ends(steps: Sequence[Step]) -> tuple[date, date, bool]:
    """(first day, last day shown, whether the last day shown is the day tablets stop)."""
    first = steps[0].start
    last = steps[-1]
    if last.tablets_per_day == 0:
        return first, last.start, True
    return first, max(first, last.end - timedelta(days=1)), False


def printout_days(steps: Sequence[Step]) -> list[Day]:
    """Every day from the schedule's first Monday to the Sunday after it ends."""
    ordered = sorted(steps, key=lambda s: s.start)
    first, last, stops = _ends(ordered)
    monday = first - timedelta(days=first.weekday())
    sunday = last + timedelta(days=6 - last.weekday())
    days: list[Day] = []
    previous: Dose | None = None
    for offset in range((sunday - monday).days + 1):
        day = monday + timedelta(days=offset)
        if day < first:
            days.append(Day(day, DayState.BEFORE, None))
        elif day > last:
            days.append(Day(day, DayState.AFTER, None))
        elif stops and day == last:
            days.append(Day(day, DayState.STOP, None))
        else:
            dose = _dose_on(ordered, day)
            change = previous is not None and (dose.tablets, dose.medicine) != (
                previous.tablets, previous.medicine)
            days.append(Day(day, DayState.TAKING, dose, change))
            previous = dose
    return days


def printout_weeks(steps: Sequence[Step]) -> list[Week]:
    days = printout_days(steps)
    return [Week(number=i // 7 + 1, monday=days[i].day, days=tuple(days[i:i + 7]))
            for i in range(0, len(days), 7)]


def printout_periods(days: Sequence[Day]) -> list[Period]:
    """The overview: one row per run of days with the same dose, then the stop row."""
    periods: list[Period] = []
    for day in days:
        if day.state == DayState.STOP:
            periods.append(Period(day.day, None, None))
        elif day.dose is None:
            continue
        elif periods and not day.change:
            periods[-1] = Period(periods[-1].first, day.day, periods[-1].dose)
        else:
            periods.append(Period(day.day, day.day, day.dose))
    return periods


def overview_pages(rows: int) -> int:
    """Pages the front part takes for an overview of ``rows`` rows."""
    return 1 + math.ceil(max(0, rows - FRONT_ROWS) / MORE_ROWS)


@dataclass(frozen=True)
class PagePlan:
    """The printout's parts and the page each starts on."""

    weeks: list[Week]
    periods: list[Period]

    @property
    def front_pages(self) -> int:
        return overview_pages(len(self.periods))

    @property
    def calendar_pages(self) -> list[list[Week]]:
        return [self.weeks[i:i + WEEKS_PER_PAGE] for i in range(0, len(self.weeks), WEEKS_PER_PAGE)]

    @property
    def total(self) -> int:
        return self.front_pages + len(self.calendar_pages) + len(self.weeks)

    def calendar_page_number(self, index: int) -> int:
        """The page number of calendar page ``index`` (0-based)."""
        return self.front_pages + index + 1

    def diary_page_number(self, week: Week) -> int:
        return self.front_pages + len(self.calendar_pages) + week.number


def page_plan(steps: Sequence[Step]) -> PagePlan:
    if not steps:
        raise ValueError("a schedule without steps cannot be printed")
    weeks = printout_weeks(steps)
    return PagePlan(weeks=weeks, periods=printout_periods([d for w in weeks for d in w.days]))


def printout_page_count(steps: Sequence[Step]) -> int:
    """Front page(s) + calendar pages + one diary page per week."""
    return page_plan(steps).total


def page_number_css() -> SafeString:
    """The CSS ``content`` of "pagina 1 van 3" in the active language."""
    text = gettext("page %(page)s of %(pages)s")
    parts = text.replace("%(pages)s", "\0pages\0").replace("%(page)s", "\0page\0").split("\0")
    css = []
    for index, part in enumerate(parts):
        if index % 2:
            css.append(f"counter({part})")
        elif part:
            css.append(f'"{css_string(part)}"')
    return mark_safe(" ".join(css))  # noqa: S308 # nosec B308, B703 - escaped by css_string


def _medicine_runs(periods: Sequence[Period]) -> list[Period]:
    """The runs of one medicine (for the front page): several after a switch."""
    runs: list[Period] = []
    for period in periods:
        if period.dose is None:
            continue
        if runs and runs[-1].dose and runs[-1].dose.medicine == period.dose.medicine:
            runs[-1] = Period(runs[-1].first, period.last, runs[-1].dose)
        else:
            runs.append(period)
    return runs


def _shared_context(*, patient_name: str, practice: PracticeData,
                    poh_name: str) -> dict[str, object]:
    """What the main document and the forms both need: the page's running header and
    footer, in margin boxes on the front pages and in the forms under the others."""
    footer = " · ".join(p for p in (
        practice.name, gettext("phone %(phone)s") % {"phone": practice.phone} if practice.phone
        else "") if p)
    return {
        "poh_name": poh_name,
        "footer_css": mark_safe(css_string(footer)),  # noqa: S308 # nosec B308, B703 - css_string
        "header_css": mark_safe(css_string(  # noqa: S308 # nosec B308, B703 - css_string
            gettext("Tapering schedule for %(name)s") % {"name": patient_name})),
        "page_number_css": page_number_css(),
    }


def schedule_html(*, steps: Sequence[Step], patient_name: str, practice: PracticeData,
                  poh_name: str, poh_phone: str, made_on: date) -> str:
    """The printout (without its forms) as one HTML document for WeasyPrint."""
    plan = page_plan(steps)
    medicines = _medicine_runs(plan.periods)
    page_of = gettext("page %(page)s of %(pages)s")
    return render_to_string("tapering/print/schedule.html", {
        **_shared_context(patient_name=patient_name, practice=practice, poh_name=poh_name),
        "patient_name": patient_name,
        "practice": practice,
        "poh_phone": poh_phone or practice.phone,
        "made_on": made_on,
        "medicines": medicines,
        "several_medicines": len(medicines) > 1,
        "front_rows": plan.periods[:FRONT_ROWS],
        "more_rows": [plan.periods[i:i + MORE_ROWS]
                      for i in range(FRONT_ROWS, len(plan.periods), MORE_ROWS)],
        "calendar_pages": [
            (page_of % {"page": plan.calendar_page_number(i), "pages": plan.total}, weeks)
            for i, weeks in enumerate(plan.calendar_pages)],
        "diary_pages": [
            (page_of % {"page": plan.diary_page_number(week), "pages": plan.total}, week)
            for week in plan.weeks],
    })


def forms_html(*, weeks_per_page: Sequence[int], patient_name: str, practice: PracticeData,
               poh_name: str) -> str:
    """What every diary page and every calendar page with so many weeks have, a page
    each: the diary's form first, then a calendar form per number in ``weeks_per_page``."""
    forms = [{"kind": "diary"}] + [{"kind": "calendar", "weeks": range(1, n + 1)}
                                   for n in weeks_per_page]
    return render_to_string("tapering/print/forms.html", {
        **_shared_context(patient_name=patient_name, practice=practice, poh_name=poh_name),
        "underlay": True, "forms": forms,
        "legend": [(svg_url(tablets_svg(Decimal(q))), tablets_text(Decimal(q)))
                   for q in ("1", "0.5", "0.25")],
        "weekdays": [WEEKDAYS[day] for day in range(7)]})


def schedule_pdf(*, steps: Sequence[Step], patient_name: str, practice: PracticeData,
                 poh_name: str, poh_phone: str, made_on: date) -> bytes:
    plan = page_plan(steps)
    document = render_document(schedule_html(
        steps=steps, patient_name=patient_name, practice=practice, poh_name=poh_name,
        poh_phone=poh_phone, made_on=made_on))
    if len(document.pages) != plan.total:  # a part outgrew its fixed size: fix the CSS
        logger.error("tapering printout: %s pages where %s were planned; page numbers are off",
                     len(document.pages), plan.total)
    # Which form goes under which page, found by the pages' anchors.
    sizes = sorted({len(weeks) for weeks in plan.calendar_pages}, reverse=True)
    placement: dict[int, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith("diary-"):
                placement[index] = 0
            elif anchor.startswith("calendar-"):
                weeks = plan.calendar_pages[int(anchor.removeprefix("calendar-")) - 1]
                placement[index] = 1 + sizes.index(len(weeks))
    forms = render_document(forms_html(weeks_per_page=sizes, patient_name=patient_name,
                                       practice=practice, poh_name=poh_name)).write_pdf()
    return pdf_underlay(document.write_pdf(), forms, placement)
