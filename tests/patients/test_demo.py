from django.core.management import call_command

from patients.models import Membership, Practice, Project, Role


def test_demo_creates_one_user_per_role_and_can_run_twice(db, client):
    call_command("demo")
    call_command("demo")
    practice = Practice.objects.get(code="DELINDE")
    assert practice.name == "Huisartsenpraktijk De Linde"
    roles = set(Membership.objects.filter(practice=practice).values_list("role", flat=True))
    assert roles == set(Role.values)
    assert Project.objects.filter(practice=practice).count() == 1
    response = client.post("/inloggen/", {"username": "poh", "password": "demo-benzo-2026"})
    assert response.status_code == 302 and response.url == "/"


def test_demo_project_has_a_screening_queue_filled_once(db):
    call_command("demo")
    project = Project.objects.get(practice__code="DELINDE")
    queued = project.participations.count()
    assert queued == 20  # a full queue for a first look, all patients of the project's GPs
    assert set(project.participations.values_list("status", flat=True)) == {"to_screen"}
    call_command("demo")
    assert project.participations.count() == queued


def test_demo_confirms_its_gp_names_so_patients_own_gp_signs(db):
    from letters.selectors import project_gps, signer_for
    from patients.models import PlanMilestone

    call_command("demo")
    project = Project.objects.get(practice__code="DELINDE")
    practice = project.practice
    confirmed = dict(practice.gp_names.filter(confirmed_at__isnull=False)
                     .values_list("export_name", "user__username"))
    assert confirmed == {"M. Öztürk": "huisarts", "S. van Dam": "huisarts2"}
    assert practice.gp_names.filter(confirmed_at__isnull=True).exists()  # left to the POH-GGZ
    gps = project_gps(project)
    signers = {p.patient.gp_name: signer_for(p.patient, gps).username
               for p in project.participations.select_related("patient")}
    assert signers == {"M. Öztürk": "huisarts", "S. van Dam": "huisarts2"}
    # The app checked off what it saw: the import and the groslijst.
    done = set(project.plan_steps.filter(done_on__isnull=False).values_list("milestone",
                                                                          flat=True))
    assert done == {PlanMilestone.IMPORTED, PlanMilestone.GROSLIJST}
