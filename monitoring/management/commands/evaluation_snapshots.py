"""Compute a project's monthly snapshots again, for a practice without a worker
(docs/domain.md#cli-evaluation-snapshots).

Without --month every month from the project's planned start through this month is
computed (as "recompute all" on the snapshots page); with --month YYYY-MM only that month.
Each month is replaced whole in one transaction; running it twice leaves one row per month.
"""

import re
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from benzoproject.validation import date_problem
from monitoring.snapshots import month_recomputable, snapshots_recompute

from .evaluation import project_named

MONTH_SHAPE = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


def _month(value: str) -> date:
    if not MONTH_SHAPE.match(value):
        raise CommandError(_("Month “%(value)s” is not a valid month (YYYY-MM expected).")
                           % {"value": value})
    first = date(int(value[:4]), int(value[5:]), 1)
    if problem := date_problem(first):
        raise CommandError(f"--month {value}: {problem}")
    return first


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--practice", required=True, help="practice code")
        parser.add_argument("--project", required=True, help="project name")
        parser.add_argument("--month", help="YYYY-MM; all months when left out")

    def handle(self, *args, practice: str, project: str, month: str | None, **options):
        first = _month(month) if month else None
        found = project_named(practice, project)
        today = timezone.localdate()
        if first is not None and not month_recomputable(project=found, month=first,
                                                        today=today):
            raise CommandError(_("%(month)s cannot be computed: it lies before the project's "
                                 "start or in the future.") % {"month": month})
        months = snapshots_recompute(user=None, project=found, month=first, today=today)
        self.stdout.write(ngettext("%(count)s month computed: %(months)s.",
                                   "%(count)s months computed: %(months)s.", len(months))
                          % {"count": len(months),
                             "months": ", ".join(f"{m:%Y-%m}" for m in months) or "–"})
