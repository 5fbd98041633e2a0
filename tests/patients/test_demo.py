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
    assert 0 < queued <= 20
    assert set(project.participations.values_list("status", flat=True)) == {"to_screen"}
    call_command("demo")
    assert project.participations.count() == queued
