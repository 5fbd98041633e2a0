"""Write the evaluation of a project as CSV (docs/domain.md#cli-evaluation).

One row per participation with a letter date, sorted by patient number, with
exactly the columns patient_number,letter_date,ddd_before,ddd_after,stopped,reduced
as of the date --as-of (docs/domain.md, step 9).
"""

import csv as csv_module
import io
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from benzoproject.validation import date_problem
from monitoring.evaluation import CSV_COLUMNS, csv_record
from monitoring.letters_file import DATE_SHAPE
from monitoring.selectors import evaluation_rows
from patients.models import Practice, Project


def _as_of(value: str) -> date:
    try:
        if not DATE_SHAPE.match(value):
            raise ValueError(value)
        day = date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("Evaluation date “%(value)s” is not a valid date (YYYY-MM-DD "
                             "expected).") % {"value": value}) from None
    if problem := date_problem(day):
        raise CommandError(f"{value}: {problem}")
    return day


def project_named(practice: str, project: str) -> Project:
    """The project ``project`` of the practice with code ``practice`` (also used by
    ``evaluation_snapshots``); a CommandError saying what is wrong otherwise."""
    found = Practice.objects.filter(code=practice).first()
    if found is None:
        raise CommandError(_("Practice “%(code)s” does not exist.") % {"code": practice})
    projects = list(found.projects.filter(name=project.strip()))
    if not projects:
        raise CommandError(_("Practice “%(code)s” has no project “%(name)s”.")
                           % {"code": practice, "name": project})
    if len(projects) > 1:
        raise CommandError(_(
            "The practice has %(count)s projects named “%(name)s”: rename one of them "
            "first.") % {"count": len(projects), "name": project})
    return projects[0]


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--practice", required=True, help="practice code")
        parser.add_argument("--project", required=True, help="project name")
        parser.add_argument("--as-of", required=True, help="YYYY-MM-DD")
        parser.add_argument("--csv", required=True, help="output file, or - for stdout")

    def handle(self, *args, practice: str, project: str, as_of: str, csv: str, **options):
        evaluated_on = _as_of(as_of)
        rows = evaluation_rows(project=project_named(practice, project), as_of=evaluated_on)
        if csv == "-":
            self.stdout.write(evaluation_csv(rows), ending="")
            return
        try:  # made whole first: the file is written completely or not at all
            with open(csv, "w", encoding="utf-8", newline="") as handle:
                handle.write(evaluation_csv(rows))
        except OSError as error:
            raise CommandError(_("File “%(file)s” cannot be written: %(reason)s.")
                               % {"file": csv, "reason": error.strerror}) from None
        self.stderr.write(ngettext("%(count)s participation written to %(file)s.",
                                   "%(count)s participations written to %(file)s.",
                                   len(rows)) % {"count": len(rows), "file": csv})


def evaluation_csv(rows) -> str:
    """The CSV text: a header and one line per row, RFC 4180 line ends (CR LF), as the
    groslijst command writes."""
    text = io.StringIO()
    writer = csv_module.writer(text)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_record(row) for row in rows)
    return text.getvalue()
