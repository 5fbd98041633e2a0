"""Load the demo practice "Huisartsenpraktijk De Linde" with one user per role.

Also imports a synthetic prescription export (invented patients) so the
groslijst has something to show, and confirms the app's suggestions for the
export's GP names, so demo letters are signed by the patient's own GP. Safe to
run again: existing rows are kept and passwords reset to the demo ones.
"""

import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from patients.importing.load import import_file
from patients.models import FtoGroup, GpNameMapping, Membership, Practice, Project, Role
from patients.plan_defaults import default_planned_end
from patients.selectors import groslijst_rows
from patients.services import (
    gp_names_confirm_suggestions,
    participations_from_groslijst,
    project_create,
)

DEMO_PASSWORD = "demo-benzo-2026"
DEMO_USERS = [
    # username, first name, last name, role
    ("poh", "Sanne", "Visser", Role.POH_GGZ),
    ("huisarts", "Mehmet", "Öztürk", Role.HUISARTS),
    ("huisarts2", "Sophie", "van Dam", Role.HUISARTS),
    ("assistent", "Lotte", "de Jong", Role.ASSISTENT),
    ("apotheker", "Pieter", "Mulder", Role.APOTHEKER),
    ("monitor", "Anouk", "Bakker", Role.MONITOR),
    ("beheerder", "Ruud", "Smit", Role.BEHEERDER),
]


class Command(BaseCommand):
    help = __doc__

    def _import_demo_prescriptions(self, practice, user) -> None:
        """A synthetic HIS export of 400 invented patients up to today, imported once."""
        from bench.generate import generate  # the benchmark's generator, small here

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "demo_his.csv"
            generate(path, layout="his", patients=2000, seed=7, reference=timezone.localdate())
            batch = import_file(practice=practice, user=user, data=path.read_bytes(),
                                file_name="demo-his-export.csv")
        self.stdout.write(f"Imported {batch.rows_new} demo prescriptions "
                          f"({batch.rows_rejected} rows rejected, as in real exports).")

    def _fill_screening(self, practice, user) -> None:
        """The demo project's GP screening queue: the first 20 chronic users of today whose
        GP (by the confirmed GP names) takes part in the project."""
        project = Project.objects.filter(practice=practice).order_by("id").first()
        if project is None or project.participations.exists():
            return
        today = timezone.localdate()
        own = set(GpNameMapping.objects.filter(
            practice=practice, user__in=project.gps.all(), confirmed_at__isnull=False)
            .values_list("export_name", flat=True))
        chronic = [r.patient_id for r in groslijst_rows(practice=practice, reference_date=today)
                   if r.meets(project.criterion) and r.gp_name in own][:20]
        added = participations_from_groslijst(
            user=user, project=project, patients=list(practice.patients.filter(pk__in=chronic)),
            reference_date=today)
        self.stdout.write(f"Put {added} chronic users in the GP's screening queue.")

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        group, _ = FtoGroup.objects.get_or_create(name="FTO Rijn en IJssel")
        practice, created = Practice.objects.get_or_create(
            code="DELINDE",
            defaults={
                "name": "Huisartsenpraktijk De Linde", "street": "Lindelaan 12",
                "postcode": "6871 AB", "city": "Renkum", "phone": "0317-123456",
                "email": "info@delinde.example", "list_size": 6200, "fto_group": group,
            },
        )
        users = {}
        user_model = get_user_model()
        for username, first, last, role in DEMO_USERS:
            user, _ = user_model.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last})
            user.set_password(DEMO_PASSWORD)
            user.is_staff = role == Role.BEHEERDER
            user.is_superuser = role == Role.BEHEERDER
            user.save()
            Membership.objects.update_or_create(user=user, practice=practice,
                                                defaults={"role": role})
            users[username] = user
        if not Project.objects.filter(practice=practice).exists():
            start = timezone.localdate().replace(day=1)
            project_create(
                user=users["poh"], practice=practice,
                data={"name": "Benzoreductie De Linde", "lead": users["poh"],
                      "planned_start": start, "planned_end": default_planned_end(start),
                      "status": Project.Status.RUNNING},
                gps=[users["huisarts"], users["huisarts2"]], assistants=[users["assistent"]],
            )
        if not practice.imports.exists():
            self._import_demo_prescriptions(practice, users["poh"])
        confirmed = gp_names_confirm_suggestions(user=users["poh"], practice=practice)
        if confirmed:
            self.stdout.write(f"Confirmed {confirmed} GP names of the export.")
        self._fill_screening(practice, users["poh"])
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} demo practice {practice.name}."))
        self.stdout.write(f"Demo logins (password for each: {DEMO_PASSWORD}):")
        for username, first, last, role in DEMO_USERS:
            self.stdout.write(f"  {username:<11} {Role(role).label} – {first} {last}")
