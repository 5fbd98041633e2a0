"""Printout benchmark steps, each run by ``python -m bench`` in a fresh child process.

    python -m bench.printout baseline   WeasyPrint alone: a plain document of the same pages
    python -m bench.printout run        the patient's printout of a year-long schedule

The schedule is the slow preset's kind of year: diazepam on 2 mg tablets from
6½ tablets a day down by a quarter tablet every fortnight, 26 steps and the stop
(about 73 pages: front pages, a calendar page per three weeks, a diary page per
week). Neither step needs a database. Each prints one ``BENCH-RESULT {json}`` line.
"""

import argparse
import os
import time
from datetime import date, timedelta
from decimal import Decimal

from .images import practice_logo_png
from .steps import memory_mib, report


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benzoproject.settings")
    import django

    django.setup()


def year_schedule():
    from tapering.schedule import Step, StepKind

    steps, day = [], date(2027, 1, 4)
    for number, quarters in enumerate([*range(26, 0, -1), 0]):
        per_day = Decimal(quarters) / 4
        days = 14 if quarters else 0
        kind = StepKind.START if number == 0 else (StepKind.REDUCE if quarters else StepKind.STOP)
        steps.append(Step(number=number, start=day, days=days, atc="N05BA01",
                          substance="diazepam", strength_mg=Decimal(2),
                          tablets_per_day=per_day, daily_dose_mg=per_day * 2,
                          tablets_needed=per_day * days, kind=kind))
        day += timedelta(days=days)
    return steps


def _practice():
    from letters.render import Image, PracticeData

    return PracticeData(name="Huisartsenpraktijk De Benchmark", street="Lindelaan 12",
                        postcode="6871 AB", city="Renkum", phone="0317-123456",
                        logo=Image("image/png", practice_logo_png()))


def step_run() -> None:
    _django()
    from django.utils import translation

    from letters.pdf import page_count
    from tapering.printout import schedule_pdf

    steps = year_schedule()
    with translation.override("nl"):
        started = time.perf_counter()
        pdf = schedule_pdf(steps=steps, patient_name="A. Visser", practice=_practice(),
                           poh_name="Sanne Visser", poh_phone="0317-123457",
                           made_on=date(2027, 1, 2))
        seconds = time.perf_counter() - started
    report(seconds=seconds, pages=page_count(pdf), weeks=len(steps) * 2,
           peak_mib=memory_mib("VmHWM"))


def step_baseline(pages: int) -> None:
    """WeasyPrint alone: ``pages`` A4 pages with a heading and a short paragraph each."""
    _django()
    from letters.pdf import html_to_pdf, page_count

    body = "".join(f'<section style="break-after: page"><h1>Pagina {n}</h1>'
                   f"<p>Een gewone bladzijde tekst, om WeasyPrint alleen te meten.</p></section>"
                   for n in range(1, pages + 1))
    started = time.perf_counter()
    pdf = html_to_pdf(f"<html><body>{body}</body></html>")
    report(seconds=time.perf_counter() - started, pages=page_count(pdf))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.printout")
    parser.add_argument("step", choices=["baseline", "run"])
    parser.add_argument("--pages", type=int, default=73)
    args = parser.parse_args()
    if args.step == "run":
        step_run()
    else:
        step_baseline(args.pages)


if __name__ == "__main__":
    main()
