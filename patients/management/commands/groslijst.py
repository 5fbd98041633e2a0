"""Write the groslijst of a practice as CSV (docs/domain.md#command-line).

One row per patient with at least one benzodiazepine prescription in
(R − 12 months, R], sorted by patient number, with exactly the columns
patient_number,recent_and_past,over_90_units,units_12m,ddd_per_day,complex_comedication.

--source his|apotheek|combined (default combined): the HIS's prescriptions only, the
pharmacy's dispensings only, or both, where a pharmacy patient linked to a HIS patient
counts as that patient and a dispensing matched to a HIS prescription is not counted
again (docs/domain.md#his-and-pharmacy).
"""

import csv
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from benzoproject.validation import date_problem
from patients.groslijst import CSV_COLUMNS, csv_record
from patients.models import GroslijstSource, Practice
from patients.selectors import groslijst_rows


def _reference_date(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("Reference date “%(value)s” is not a valid date (YYYY-MM-DD "
                             "expected).") % {"value": value}) from None
    if problem := date_problem(day):
        raise CommandError(f"--peildatum {value}: {problem}")
    return day


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--practice", required=True, help="practice code")
        parser.add_argument("--reference-date", required=True, help="YYYY-MM-DD")
        parser.add_argument("--csv", required=True, help="output file, or - for stdout")
        parser.add_argument("--source", choices=GroslijstSource.values,
                            default=GroslijstSource.COMBINED,
                            help="his, apotheek or combined (default)")

    def handle(self, *args, practice: str, reference_date: str, csv: str,
               source: str = GroslijstSource.COMBINED, **options):
        reference = _reference_date(reference_date)
        found = Practice.objects.filter(code=practice).first()
        if found is None:
            raise CommandError(_("Practice “%(code)s” does not exist.") % {"code": practice})
        rows = groslijst_rows(practice=found, reference_date=reference, source=source)
        if csv == "-":
            self._write(self.stdout, rows)  # call_command(stdout=...) captures it too
        else:
            with open(csv, "w", encoding="utf-8", newline="") as handle:
                self._write(handle, rows)
            self.stderr.write(ngettext("%(count)s patient written to %(file)s.",
                                       "%(count)s patients written to %(file)s.",
                                       len(rows)) % {"count": len(rows), "file": csv})

    @staticmethod
    def _write(handle, rows) -> None:
        writer = csv.writer(handle)  # RFC 4180 line ends (CRLF), like the expected files
        writer.writerow(CSV_COLUMNS)
        writer.writerows(csv_record(row) for row in rows)
