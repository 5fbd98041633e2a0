"""Write the tapering schedule the app would propose, as CSV (docs/domain.md#cli-taper-schedule).

    python manage.py taper_schedule --atc ATC --strength-mg S --dose-mg D
        --preset nhg|deprescribing|slow [--switch-diazepam] [--start YYYY-MM-DD]
        [--step-percent P --interval-days N] --csv OUT.csv

Needs no patient. One row per step, earliest first, with exactly the columns
step,start_date,days,atc,tablet_strength_mg,tablets_per_day,daily_dose_mg,tablets_needed
(ISO dates, decimals with a point, "\\n" line ends, UTF-8). ``--start`` defaults to
today (Europe/Amsterdam); ``--csv -`` writes to standard output. The file is written
whole or not at all. Exits 1 with a message, writing nothing, for an unknown ATC code,
a product not on the Dutch market, a tablet strength not sold, a daily dose no number
of quarter tablets makes, a bad date, share or interval, or a file that cannot be
written.
"""

import csv
import io
import os
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from benzoproject.validation import date_problem
from tapering.plans import PlanChoice, plan_build
from tapering.schedule import (
    EQUIVALENCE_SOURCE,
    Preset,
    ScheduleRefused,
    Step,
    decimal_plain,
    equivalence_uncertain,
    mg_text,
)
from tapering.schedules import product_for_atc

COLUMNS = ("step", "start_date", "days", "atc", "tablet_strength_mg", "tablets_per_day",
           "daily_dose_mg", "tablets_needed")


def schedule_csv(steps: list[Step]) -> str:
    """The schedule as the command writes it: a header and one row per step, "\\n" line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows((s.number, s.start.isoformat(), s.days, s.atc, decimal_plain(s.strength_mg),
                      decimal_plain(s.tablets_per_day), decimal_plain(s.daily_dose_mg),
                      decimal_plain(s.tablets_needed)) for s in steps)
    return out.getvalue()


def _decimal(option: str, value: str) -> Decimal:
    try:
        number = Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise CommandError(_("%(option)s %(value)s: not a number.")
                           % {"option": option, "value": repr(value)})
    return number


def _whole(option: str, value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise CommandError(_("%(option)s %(value)s: not a whole number.")
                           % {"option": option, "value": repr(value)}) from None


def _start(value: str | None) -> date:
    if value is None:
        return timezone.localdate()
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(_("--start %(value)s: not a date of the form YYYY-MM-DD.")
                           % {"value": repr(value)}) from None
    if problem := date_problem(day):
        raise CommandError(f"--start {value}: {problem}")
    return day


def _preset(value: str) -> Preset:
    try:
        return Preset(value.strip().lower())
    except ValueError:
        raise CommandError(_("--preset %(value)s: choose nhg, deprescribing or slow.")
                           % {"value": repr(value)}) from None


def _write(out: Path, text: str) -> None:
    """``text`` to ``out`` whole or not at all: a temporary file beside it, renamed over it."""
    if not out.parent.is_dir():
        raise CommandError(_("The folder %(folder)s does not exist.") % {"folder": out.parent})
    if out.is_dir():
        raise CommandError(_("The file %(file)s cannot be written.") % {"file": out})
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("x", encoding="utf-8", newline="") as file:
            file.write(text)
        os.replace(temporary, out)
    except OSError:
        raise CommandError(_("The file %(file)s cannot be written.") % {"file": out}) from None
    finally:
        temporary.unlink(missing_ok=True)


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--atc", required=True, help="ATC code, e.g. N05CD07")
        parser.add_argument("--strength-mg", required=True, help="the patient's tablet strength")
        parser.add_argument("--dose-mg", required=True, help="the current daily dose in mg")
        parser.add_argument("--preset", required=True, metavar="nhg|deprescribing|slow")
        parser.add_argument("--switch-diazepam", action="store_true",
                            help="switch to diazepam first (step 0)")
        parser.add_argument("--start", help="first day, YYYY-MM-DD (default: today)")
        parser.add_argument("--step-percent", help="share per step instead of the preset's")
        parser.add_argument("--interval-days", help="days per step instead of the preset's")
        parser.add_argument("--csv", required=True, help="output file, or - for stdout")

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            self._run(**options)

    def _run(self, *, atc: str, strength_mg: str, dose_mg: str, preset: str,
             switch_diazepam: bool, start: str | None, step_percent: str | None,
             interval_days: str | None, csv: str, **options) -> None:
        chosen = _preset(preset)
        strength = _decimal("--strength-mg", strength_mg)
        dose = _decimal("--dose-mg", dose_mg)
        first_day = _start(start)
        percent = None if step_percent is None else _decimal("--step-percent", step_percent)
        interval = None if interval_days is None else _whole("--interval-days", interval_days)
        if product_for_atc(atc) is None:
            raise CommandError(_("ATC code %(atc)s is not in the reference table.")
                               % {"atc": repr(atc)})
        # The same way from a choice to steps as the schedule pages (tapering/plans.py).
        try:
            built = plan_build(PlanChoice(
                atc=atc, strength_mg=strength, dose_mg=dose, preset=chosen, start=first_day,
                switch_diazepam=switch_diazepam, step_percent=percent, interval_days=interval))
        except ScheduleRefused as refused:
            raise CommandError(refused.message) from None
        steps, product = built.steps, built.product
        text = schedule_csv(steps)
        if csv == "-":
            self.stdout.write(text, ending="")
        else:
            _write(Path(csv).expanduser(), text)
        if built.switched_dose_mg is not None:
            self.stderr.write(_("Switch: %(dose)s mg %(substance)s a day is %(diazepam)s mg "
                                "diazepam (%(source)s). A GP must confirm this dose.")
                              % {"dose": mg_text(dose), "substance": product.name,
                                 "diazepam": mg_text(built.switched_dose_mg),
                                 "source": EQUIVALENCE_SOURCE.label})
            if equivalence_uncertain(product.atc):
                self.stderr.write(_("For %(substance)s the published tables disagree most: "
                                    "check the converted dose with extra care.")
                                  % {"substance": product.name})
        if csv != "-":
            self.stderr.write(ngettext("Schedule of %(count)s step written to %(file)s.",
                                       "Schedule of %(count)s steps written to %(file)s.",
                                       len(steps)) % {"count": len(steps), "file": csv})
