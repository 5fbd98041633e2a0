"""Run the sweep of timed steps once: move whatever is due (docs/domain.md#timed-steps).

    python manage.py run_due_steps [--now YYYY-MM-DD]

The same sweep Celery beat runs every few minutes, for a practice without a
worker and for tests. ``--now`` sweeps as if it were that day. Running it twice
changes nothing the second time.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from patients.due import due_items_sweep


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--now", help="sweep as of this day (YYYY-MM-DD); default today")

    def handle(self, *args, now=None, **options):
        try:
            today = date.fromisoformat(now) if now else timezone.localdate()
        except ValueError:
            raise CommandError(f"--now {now!r}: geen datum in de vorm JJJJ-MM-DD.") from None
        result = due_items_sweep(today=today)
        for item_id, kind, what in result.moved:
            self.stdout.write(f"{kind} #{item_id}: {what}")
        self.stdout.write(f"{len(result)} getimede stap(pen) verwerkt op {today:%Y-%m-%d}.")
