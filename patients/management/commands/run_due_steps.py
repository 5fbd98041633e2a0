"""Run the sweep of timed steps once: move whatever is due (docs/domain.md#timed-steps).

    python manage.py run_due_steps [--now YYYY-MM-DD]

The same sweep Celery beat runs every few minutes, for a practice without a
worker and for tests. ``--now`` sweeps as if it were that day. Running it twice
changes nothing the second time. Prints, in Dutch, one line per item moved
(its kind, its number, what happened) and then the count.
"""

from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from benzoproject.formats import format_date
from benzoproject.validation import date_problem
from patients.due import due_items_sweep
from patients.models import DueItem
from patients.prevention_services import starter_reviews_sweep


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--now", help="sweep as of this day (YYYY-MM-DD); default today")

    def handle(self, *args, now=None, **options):
        with translation.override(settings.LANGUAGE_CODE):
            self._sweep(now)

    def _sweep(self, now: str | None) -> None:
        try:
            today = date.fromisoformat(now) if now else timezone.localdate()
        except ValueError:
            raise CommandError(_("--now %(value)s: not a date of the form YYYY-MM-DD.")
                               % {"value": repr(now)}) from None
        if problem := date_problem(today):
            raise CommandError(f"--now {now}: {problem}")
        result = due_items_sweep(today=today)
        for item_id, kind, what in result.moved:
            self.stdout.write(_("%(kind)s (no. %(id)s): %(what)s") % {
                "kind": DueItem.Kind(kind).label, "id": item_id, "what": what})
        reminded = starter_reviews_sweep(today=today)
        for item in reminded:
            self.stdout.write(_("agreement with a new starter (no. %(id)s): reminder of "
                                "%(day)s sent to the GP") % {
                "id": item.agreement_id, "day": format_date(item.end_on)})
        n = len(result) + len(reminded)
        self.stdout.write(ngettext("%(n)s timed step done on %(day)s.",
                                   "%(n)s timed steps done on %(day)s.", n)
                          % {"n": n, "day": format_date(today)})
