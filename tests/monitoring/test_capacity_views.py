"""The capacity planner page (docs/domain.md#capacity-planning): who may see and choose, the
proposals, bad input in Dutch, the confirmation and the links to it."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from monitoring.models import CapacityPlan
from patients.models import AuditEvent, Participation, Project, Role
from tapering.models import CallAttempt
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
INPUTS = {"uren": "4", "minuten_bellen": "10", "minuten_consult": "30"}


def url(project, name="monitoring:capacity"):
    return reverse(name, kwargs={"project_uuid": project.uuid})


def fill(project, n):
    return [Participation.objects.create(
        project=project, patient=PatientFactory(practice=project.practice),
        reference_date=date(2026, 9, 15), created_by=project.lead) for _i in range(n)]


@pytest.fixture
def planned(project):
    fill(project, 150)
    return project


def test_the_poh_sees_the_proposals_of_the_worked_example(client_for, users, planned):
    response = client_for(users[Role.POH_GGZ]).get(url(planned), INPUTS)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="voorstel-1"' in page and 'id="voorstel-2"' in page and 'id="voorstel-4"' in page
    assert "41 brieven per verzending" in page and "20 brieven per verzending" in page
    assert "1025 van de 1040 minuten per maand" in page
    assert "ongeveer 2/3" in page and "ongeveer 1/2" in page and "Benzoredux" in page
    assert page.count("Kies dit plan") == 3
    assert AuditEvent.objects.filter(action="view", object_id=str(planned.uuid)).exists()


def test_a_dutch_decimal_comma_is_read(client_for, users, planned):
    page = client_for(users[Role.POH_GGZ]).get(url(planned), {**INPUTS, "uren": "3,5"})
    # 3.5 × 260 = 910 minutes; 910 ÷ 25 = 36.4 → 36.
    assert 'id="brieven-passen">36 ' in page.content.decode()


def test_the_gp_sees_the_planner_without_choosing(client_for, users, planned):
    response = client_for(users[Role.HUISARTS]).get(url(planned), INPUTS)
    page = response.content.decode()
    assert response.status_code == 200 and "41 brieven per verzending" in page
    assert "Kies dit plan" not in page
    refused = client_for(users[Role.HUISARTS]).post(
        url(planned, "monitoring:capacity-choose"),
        {**INPUTS, "per_maand": "1", "brieven": "41", "grootte": "150"})
    assert refused.status_code == 403


@pytest.mark.parametrize("role", [Role.ASSISTENT, Role.APOTHEKER, Role.MONITOR])
def test_other_roles_are_refused(client_for, users, planned, role):
    assert client_for(users[role]).get(url(planned)).status_code == 403


def test_another_practices_project_is_not_found(client_for, other_users, planned):
    client = client_for(other_users[Role.POH_GGZ])
    assert client.get(url(planned)).status_code == 404
    response = client.post(url(planned, "monitoring:capacity-choose"),
                           {**INPUTS, "per_maand": "1", "brieven": "41", "grootte": "150"})
    assert response.status_code == 404
    planned.refresh_from_db()
    assert planned.letter_target == 10


def test_choosing_a_plan_sets_the_letter_target_with_a_confirmation(client_for, users,
                                                                    planned):
    client = client_for(users[Role.POH_GGZ])
    response = client.post(url(planned, "monitoring:capacity-choose"),
                           {**INPUTS, "per_maand": "2", "brieven": "20", "grootte": "150"},
                           follow=True)
    planned.refresh_from_db()
    assert planned.letter_target == 20
    page = response.content.decode()
    assert "Plan gekozen" in page and "nu 20 per verzending" in page
    assert 'id="gekozen-plan"' in page
    # A second click: nothing new, and the page says so.
    again = client.post(url(planned, "monitoring:capacity-choose"),
                        {**INPUTS, "per_maand": "2", "brieven": "20", "grootte": "150"},
                        follow=True)
    assert "was al gekozen" in again.content.decode()
    assert CapacityPlan.objects.count() == 1
    detail = client.get(planned.get_absolute_url()).content.decode()
    assert "20 brieven + 10 reserves" in detail


def test_a_stale_choice_changes_nothing_and_says_why(client_for, users, planned):
    response = client_for(users[Role.POH_GGZ]).post(
        url(planned, "monitoring:capacity-choose"),
        {**INPUTS, "per_maand": "2", "brieven": "20", "grootte": "120"}, follow=True)
    assert "De cijfers zijn veranderd" in response.content.decode()
    planned.refresh_from_db()
    assert planned.letter_target == 10 and not CapacityPlan.objects.exists()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("uren", "veel", "Voer een getal in."),
    ("uren", "-1", "deze waarde minstens 0 is"),
    ("uren", "61", "deze waarde hoogstens 60 is"),
    ("minuten_bellen", "0", "deze waarde minstens 1 is"),
    ("minuten_consult", "", "Dit veld is verplicht."),
])
def test_bad_input_gets_a_dutch_message(client_for, users, planned, field, value, message):
    response = client_for(users[Role.POH_GGZ]).get(url(planned), {**INPUTS, field: value})
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page and 'id="voorstellen"' not in page


def test_a_garbled_choice_is_refused_in_dutch(client_for, users, planned):
    response = client_for(users[Role.POH_GGZ]).post(
        url(planned, "monitoring:capacity-choose"),
        {**INPUTS, "per_maand": "3", "brieven": "x", "grootte": "150"})
    assert response.status_code == 400
    assert "kon niet worden gelezen" in response.content.decode()
    planned.refresh_from_db()
    assert planned.letter_target == 10


def test_zero_hours_and_too_few_hours_give_a_message(client_for, users, planned):
    client = client_for(users[Role.POH_GGZ])
    zero = client.get(url(planned), {**INPUTS, "uren": "0"}).content.decode()
    assert "Vul de uren per week in" in zero and 'id="voorstellen"' not in zero
    few = client.get(url(planned), {**INPUTS, "uren": "0,09"}).content.decode()
    assert "past er geen enkele brief per maand" in few


def test_without_a_groslijst_the_page_says_what_to_do(client_for, users, project):
    page = client_for(users[Role.POH_GGZ]).get(url(project), INPUTS).content.decode()
    assert 'id="geen-groslijst"' in page and "Dit project heeft nog geen groslijst" in page
    assert 'id="voorstellen"' not in page and "Kies dit plan" not in page


def test_the_form_starts_from_the_recorded_minutes(client_for, users, planned):
    poh = users[Role.POH_GGZ]
    part = planned.participations.first()
    for minutes in (7, 8):
        CallAttempt.objects.create(participation=part, called_by=poh, outcome="reached",
                                   called_at=datetime(2026, 10, 5, 10, tzinfo=AMS),
                                   minutes=minutes)
    page = client_for(poh).get(url(planned)).content.decode()
    # (7 + 8) / 2 = 7.5 → 8; no consult minutes yet: 30 assumed.
    assert 'name="minuten_bellen" value="8"' in page
    assert 'name="minuten_consult" value="30"' in page
    assert "gemiddeld 8 minuten per telefoontje, over 2 telefoontjes" in page
    assert "we rekenen met 30 minuten" in page


def test_expected_against_actual_shows_once_a_plan_is_chosen(client_for, users, planned):
    client = client_for(users[Role.POH_GGZ])
    assert 'id="nog-geen-plan"' in client.get(url(planned)).content.decode()
    client.post(url(planned, "monitoring:capacity-choose"),
                {**INPUTS, "per_maand": "1", "brieven": "41", "grootte": "150"})
    CapacityPlan.objects.update(chosen_at=datetime(2026, 9, 10, 9, tzinfo=AMS))
    Participation.objects.filter(pk__in=list(planned.participations.values_list(
        "pk", flat=True)[:3])).update(letter_sent_on=date(2026, 9, 20))
    page = client.get(url(planned)).content.decode()
    assert 'id="per-maand"' in page and 'id="grafiek-brieven-title"' in page
    # September: 41 expected, 3 mailed.
    assert "<td class=\"text-end\">41</td>\n        <td class=\"text-end\">3</td>" in page


def test_a_closed_project_shows_the_plan_without_the_choice(client_for, users, planned):
    Project.objects.filter(pk=planned.pk).update(status=Project.Status.CLOSED)
    page = client_for(users[Role.POH_GGZ]).get(url(planned), INPUTS).content.decode()
    assert "41 brieven per verzending" in page and "Kies dit plan" not in page


@pytest.mark.parametrize(("role", "shown"), [(Role.POH_GGZ, True), (Role.HUISARTS, True),
                                             (Role.ASSISTENT, False)])
def test_the_project_page_links_to_the_planner(client_for, users, project, role, shown):
    page = client_for(users[role]).get(project.get_absolute_url()).content.decode()
    assert (url(project) in page) is shown


def test_the_dashboard_links_to_the_planner(client_for, users, project):
    page = client_for(users[Role.POH_GGZ]).get(
        reverse("monitoring:dashboard", kwargs={"project_uuid": project.uuid}))
    assert url(project) in page.content.decode()


def test_the_inputs_of_the_plan_in_force_fill_the_form(client_for, users, planned):
    poh = users[Role.POH_GGZ]
    CallAttempt.objects.create(participation=planned.participations.first(), called_by=poh,
                               outcome="reached", minutes=20,
                               called_at=datetime(2026, 10, 5, 10, tzinfo=AMS))
    client = client_for(poh)
    client.post(url(planned, "monitoring:capacity-choose"),
                {**INPUTS, "uren": "3,5", "per_maand": "1", "brieven": "36", "grootte": "150"})
    assert CapacityPlan.objects.get().hours_per_week == Decimal("3.5")
    page = client.get(url(planned)).content.decode()
    assert 'name="uren" value="3,5"' in page
    # The plan's own minutes, not the recorded mean of 20: the proposals match the plan.
    assert 'name="minuten_bellen" value="10"' in page and "gemiddeld 20 minuten" in page
    assert 'id="voorstel-1"' in page  # proposals shown straight away for those hours


def test_without_the_reference_figures_nothing_is_proposed_or_chosen(client_for, users,
                                                                      planned):
    from monitoring.models import ReferenceFigure

    ReferenceFigure.objects.filter(key="ivm-consult").delete()
    client = client_for(users[Role.POH_GGZ])
    page = client.get(url(planned), INPUTS).content.decode()
    assert 'id="geen-verhoudingen"' in page and 'id="voorstellen"' not in page
    response = client.post(url(planned, "monitoring:capacity-choose"),
                           {**INPUTS, "per_maand": "1", "brieven": "41", "grootte": "150"},
                           follow=True)
    assert "referentiecijfers die de planner nodig heeft ontbreken" in response.content.decode()
    planned.refresh_from_db()
    assert planned.letter_target == 10


def test_the_lists_page_offers_the_next_batch_from_the_reserves(client_for, users, project):
    Project.objects.filter(pk=project.pk).update(letter_target=2)
    for part in fill(project, 3):
        Participation.objects.filter(pk=part.pk).update(status="reserve")
    lists = reverse("patients:project-lists", kwargs={"project_uuid": project.uuid})
    client = client_for(users[Role.POH_GGZ])
    assert "Aanvullen tot 2 uit de reservelijst" in client.get(lists).content.decode()
    response = client.post(reverse("patients:lists-refill",
                                   kwargs={"project_uuid": project.uuid}), follow=True)
    page = response.content.decode()
    assert "2 reserves naar de verzendlijst gezet." in page
    assert 'id="aanvullen"' not in page  # full: the button is gone
    again = client.post(reverse("patients:lists-refill", kwargs={"project_uuid": project.uuid}),
                        follow=True)
    assert "Niets verplaatst" in again.content.decode()
    assert project.participations.filter(status="mailing").count() == 2
    refused = client_for(users[Role.ASSISTENT]).post(
        reverse("patients:lists-refill", kwargs={"project_uuid": project.uuid}))
    assert refused.status_code == 403
