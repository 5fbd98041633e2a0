"""Load the demo: two practices of one FTO group, each with one user per role.

Each practice gets a synthetic prescription export (invented patients) up to today,
a finished earlier round about a year ago (letters, calls, consultations, tapering
schedules, questionnaires, outcomes, and the prescriptions re-imported after it) and a
running project with the GP's screening queue. Safe to run again: only what is missing
is added, so a second run changes nothing and says so.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from monitoring.demo import DEMO_PASSWORD, demo_load, demo_logins
from patients.models import Role


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            changed = demo_load(today=timezone.localdate(), say=self.stdout.write)
        if changed:
            self.stdout.write(self.style.SUCCESS("Demo loaded."))
        else:
            self.stdout.write(self.style.SUCCESS("The demo is loaded already: nothing changed."))
        self.stdout.write(f"Demo logins (password for each: {DEMO_PASSWORD}):")
        for practice, user in demo_logins():
            self.stdout.write(f"  {user.username:<16} {Role(user.role).label} – "
                              f"{user.first_name} {user.last_name} ({practice})")
        if settings.TWO_FACTOR_REQUIRED:
            self.stdout.write("After the password each user sets up an authenticator app at the "
                              "first login, then types its code (two-step verification).")
        else:
            self.stdout.write("Two-step verification is off (TWO_FACTOR_REQUIRED=false): only "
                              "for a first look, never with real patient data.")
