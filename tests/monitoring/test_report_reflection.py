"""The evaluation page: the POH-GGZ and the GPs write the practice's reflection; a save from
a stale page is refused; every save is in the audit log (docs/domain.md#evaluation-report)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.models import EvaluationReflection
from patients.models import AuditEvent, Role

pytestmark = pytest.mark.django_db

TEXTS = {
    "patients_reaction": "De meeste patiënten waren blij met de brief.",
    "awareness": "De huisartsen schrijven minder snel een herhaalrecept voor.",
    "collaboration": "Goed overleg met de apotheek.",
    "workload": "Het terugbellen kostte meer tijd dan gepland.",
    "another_round": "yes",
    "another_round_why": "Volgend jaar de patiënten van de tweede lijst.",
}


def url(project, **query):
    base = reverse("monitoring:evaluation", kwargs={"project_uuid": project.uuid})
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_poh_saves_the_reflection_and_sees_it_again(client_for, users, project):
    client = client_for(users[Role.POH_GGZ])
    response = client.post(url(project), {**TEXTS, "version": "0"})
    assert response.status_code == 302
    saved = EvaluationReflection.objects.get(project=project)
    assert (saved.patients_reaction, saved.another_round, saved.version, saved.updated_by) == (
        TEXTS["patients_reaction"], "yes", 1, users[Role.POH_GGZ])
    event = AuditEvent.objects.filter(object_type="evaluationreflection").get()
    assert (event.action, event.object_id, event.practice) == (
        "create", str(saved.pk), project.practice)
    page = client.get(url(project)).content.decode()
    assert "Goed overleg met de apotheek." in page
    assert 'name="version" value="1"' in page
    assert "Nog een ronde?" in page and "Reflectie opslaan" in page


def test_the_gp_changes_it_and_the_audit_names_what_changed(client_for, users, project):
    client_for(users[Role.POH_GGZ]).post(url(project), {**TEXTS, "version": "0"})
    response = client_for(users[Role.HUISARTS]).post(
        url(project), {**TEXTS, "workload": "Goed te doen.", "version": "1"})
    assert response.status_code == 302
    saved = EvaluationReflection.objects.get(project=project)
    assert (saved.workload, saved.version, saved.updated_by) == (
        "Goed te doen.", 2, users[Role.HUISARTS])
    change = AuditEvent.objects.get(object_type="evaluationreflection", action="change")
    assert change.detail.endswith("changed: workload")


def test_a_save_from_a_stale_page_is_refused_and_keeps_what_was_typed(client_for, users,
                                                                      project):
    client_for(users[Role.HUISARTS]).post(url(project), {**TEXTS, "version": "0"})
    client = client_for(users[Role.POH_GGZ])
    response = client.post(url(project), {**TEXTS, "workload": "Mijn eigen tekst.",
                                          "version": "0"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "in de tussentijd" in page and "Mijn eigen tekst." in page
    assert 'name="version" value="1"' in page  # saving again replaces it on purpose
    saved = EvaluationReflection.objects.get(project=project)
    assert (saved.workload, saved.version) == (TEXTS["workload"], 1)
    assert AuditEvent.objects.filter(object_type="evaluationreflection").count() == 1
    again = client.post(url(project), {**TEXTS, "workload": "Mijn eigen tekst.",
                                       "version": "1"})
    assert again.status_code == 302
    assert EvaluationReflection.objects.get(project=project).workload == "Mijn eigen tekst."


def test_a_first_save_races_a_first_save(client_for, users, project):
    """Two people open the empty page; the second save finds version 1 and is refused."""
    client_for(users[Role.HUISARTS]).post(url(project), {**TEXTS, "version": "0"})
    response = client_for(users[Role.POH_GGZ]).post(url(project), {**TEXTS, "version": "0"})
    assert response.status_code == 409
    assert EvaluationReflection.objects.get(project=project).updated_by == users[Role.HUISARTS]


def test_an_unknown_answer_to_another_round_is_refused(client_for, users, project):
    response = client_for(users[Role.POH_GGZ]).post(
        url(project), {**TEXTS, "another_round": "misschien", "version": "0"})
    assert response.status_code == 400
    assert not EvaluationReflection.objects.exists()


def test_empty_texts_are_allowed_and_stored_empty(client_for, users, project):
    response = client_for(users[Role.POH_GGZ]).post(
        url(project), {"another_round": "undecided", "version": "0",
                       "patients_reaction": "   "})
    assert response.status_code == 302
    saved = EvaluationReflection.objects.get(project=project)
    assert (saved.patients_reaction, saved.another_round) == ("", "undecided")


@pytest.mark.parametrize("role", [Role.ASSISTENT, Role.APOTHEKER, Role.MONITOR,
                                  Role.BEHEERDER])
def test_other_roles_can_neither_read_nor_write_it(client_for, users, project, role):
    client = client_for(users[role])
    assert client.get(url(project)).status_code == 403
    assert client.post(url(project), {**TEXTS, "version": "0"}).status_code == 403
    assert not EvaluationReflection.objects.exists()


def test_a_project_of_another_practice_answers_404(client_for, other_users, project):
    client = client_for(other_users[Role.POH_GGZ])
    assert client.get(url(project)).status_code == 404
    assert client.post(url(project), {**TEXTS, "version": "0"}).status_code == 404


def test_opening_the_page_is_logged_with_the_project(client_for, users, project):
    client_for(users[Role.HUISARTS]).get(url(project))
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.object_id) == ("view", str(project.uuid))


def test_the_page_links_to_the_report_of_the_chosen_month(client_for, users, project):
    page = client_for(users[Role.POH_GGZ]).get(url(project, maand="2026-10")).content.decode()
    pdf = reverse("monitoring:report-pdf", kwargs={"project_uuid": project.uuid})
    assert f'href="{pdf}?maand=2026-10"' in page
    assert 'value="2026-10"' in page


def test_a_month_that_cannot_be_used_is_named_and_the_running_month_shown(client_for, users,
                                                                         project):
    page = client_for(users[Role.POH_GGZ]).get(url(project, maand="2026-13")).content.decode()
    assert "2026-13" in page and "is geen maand" in page
    running = timezone.localdate().strftime("%Y-%m")
    assert f'value="{running}"' in page
