"""The result targets page: the POH-GGZ sets and removes targets, the GP sees them."""

from datetime import date

import pytest
from django.urls import reverse

from monitoring.models import ResultTarget
from patients.models import AuditEvent, Role

pytestmark = pytest.mark.django_db


def url(project, name="monitoring:targets", **kwargs):
    return reverse(name, kwargs={"project_uuid": project.uuid, **kwargs})


def test_the_poh_adds_a_per_gp_target_and_sees_its_progress(client_for, users, project):
    client = client_for(users[Role.POH_GGZ])
    response = client.post(url(project, "monitoring:target-add"), {
        "measure": "letters_per_gp", "value": "15", "deadline": "2026-12-01", "per_gp": "on"})
    assert response.status_code == 302
    target = ResultTarget.objects.get(project=project)
    assert (target.measure, target.value, target.deadline, target.per_gp,
            target.created_by) == ("letters_per_gp", 15, date(2026, 12, 1), True,
                                   users[Role.POH_GGZ])
    assert AuditEvent.objects.filter(action="create", object_id=str(target.uuid)).exists()
    page = client.get(url(project)).content.decode()
    assert "Stopbrieven per huisarts" in page and "elke huisarts" in page
    assert "nog niet gehaald" in page


def test_a_per_gp_measure_without_every_gp_is_refused_with_a_message(client_for, users,
                                                                     project):
    response = client_for(users[Role.POH_GGZ]).post(url(project, "monitoring:target-add"), {
        "measure": "letters_per_gp", "value": "15", "deadline": "2026-12-01"})
    assert response.status_code == 400
    assert "vink &#x27;elke huisarts&#x27; aan" in response.content.decode()
    assert not ResultTarget.objects.exists()


def test_the_same_target_twice_is_refused(client_for, users, project):
    client = client_for(users[Role.POH_GGZ])
    data = {"measure": "chronic_change", "value": "-25", "deadline": "2027-06-01"}
    assert client.post(url(project, "monitoring:target-add"), data).status_code == 302
    assert client.post(url(project, "monitoring:target-add"), data).status_code == 400
    assert ResultTarget.objects.count() == 1


def test_the_poh_removes_a_target(client_for, users, project):
    target = ResultTarget.objects.create(project=project, measure="stopped_share", value=20,
                                         deadline=date(2027, 6, 1))
    response = client_for(users[Role.POH_GGZ]).post(
        url(project, "monitoring:target-delete", target_uuid=target.uuid))
    assert response.status_code == 302
    assert not ResultTarget.objects.exists()
    assert AuditEvent.objects.filter(action="delete", object_id=str(target.uuid)).exists()


def test_the_gp_sees_the_targets_without_the_form(client_for, users, project):
    ResultTarget.objects.create(project=project, measure="stopped_share", value=20,
                                deadline=date(2027, 6, 1))
    page = client_for(users[Role.HUISARTS]).get(url(project)).content.decode()
    assert "Aandeel gestopt" in page
    assert "doel-toevoegen" not in page and "Verwijderen" not in page


def test_a_target_of_another_practice_cannot_be_removed(client_for, other_users, project):
    target = ResultTarget.objects.create(project=project, measure="stopped_share", value=20,
                                         deadline=date(2027, 6, 1))
    response = client_for(other_users[Role.POH_GGZ]).post(
        url(project, "monitoring:target-delete", target_uuid=target.uuid))
    assert response.status_code == 404
    assert ResultTarget.objects.exists()


def test_the_project_page_links_to_the_targets_for_poh_and_gp_only(client_for, users, project):
    link = url(project)
    detail = reverse("patients:project-detail", kwargs={"project_uuid": project.uuid})
    for role, shown in ((Role.POH_GGZ, True), (Role.HUISARTS, True), (Role.ASSISTENT, False)):
        page = client_for(users[role]).get(detail).content.decode()
        assert (link in page) is shown, role
