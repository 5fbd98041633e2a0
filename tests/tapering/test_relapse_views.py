"""The relapse-prevention plan pages (tapering/views/relapse.py; docs/domain.md#relapse-plan):
roles, another practice's patient, the audit log, the form per phase with its list of
people, a stale page that keeps what was typed, "reviewed today", the versions, the
printout and the links from the timeline and the consult page."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from patients.models import AuditEvent, Role
from tapering import services
from tapering.models import RelapsePlan
from tapering.relapse import PlanContent

from .schedule_helpers import consult_planned

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture(autouse=True)
def on_a_monday():
    with time_machine.travel(datetime(2027, 1, 4, 10, 0, tzinfo=AMS), tick=False):
        yield


@pytest.fixture
def part(project, users):
    return consult_planned(project, users)


def url(name, part, **extra):
    return reverse(f"tapering:{name}", kwargs={"project_uuid": part.project.uuid,
                                               "participation_uuid": part.uuid, **extra})


def form_data(version=0, **overrides):
    data = {"version": str(version), "stable-thoughts": "Ik kan het aan.",
            "early-body": "Hartkloppingen.", "worse-contact": "Bel de huisarts.",
            "safety": "Geen oude tabletten.", "update_on": "2027-06-01",
            "people-TOTAL_FORMS": "2", "people-INITIAL_FORMS": "0",
            "people-MIN_NUM_FORMS": "0", "people-MAX_NUM_FORMS": "1000",
            "people-0-name": "Piet", "people-0-relation": "partner",
            "people-0-role": "let op mijn slaap", "people-0-may_contact": "on",
            "people-1-name": ""}
    data.update(overrides)
    return data


def make_plan(part, users, safety="Bel de praktijk."):
    return services.relapse_plan_save(participation=part, user=users[Role.POH_GGZ],
                                      content=PlanContent(safety=safety), expected_version=0)


@pytest.mark.parametrize("role", [Role.POH_GGZ, Role.HUISARTS])
def test_poh_and_gp_open_every_page(role, part, users, client_for):
    make_plan(part, users)
    client = client_for(users[role])
    version = RelapsePlan.objects.get(participation=part).versions.get()
    for name, extra in [("relapse-plan", {}), ("relapse-plan-edit", {}),
                        ("relapse-plan-version", {"version_uuid": version.uuid}),
                        ("relapse-plan-print", {})]:
        assert client.get(url(name, part, **extra)).status_code == 200, name


@pytest.mark.parametrize("role", [Role.ASSISTENT, Role.APOTHEKER])
def test_other_roles_are_refused(role, part, users, client_for):
    make_plan(part, users)
    client = client_for(users[role])
    assert client.get(url("relapse-plan", part)).status_code == 403
    assert client.post(url("relapse-plan-edit", part), form_data(1)).status_code == 403
    assert client.post(url("relapse-plan-review", part), {"version": "1"}).status_code == 403
    assert RelapsePlan.objects.get(participation=part).current_number == 1


def test_a_patient_of_another_practice_is_not_found(part, users, other_users, client_for):
    make_plan(part, users)
    client = client_for(other_users[Role.POH_GGZ])
    assert client.get(url("relapse-plan", part)).status_code == 404
    assert client.get(url("relapse-plan-print", part)).status_code == 404
    assert client.post(url("relapse-plan-edit", part), form_data(1)).status_code == 404
    assert RelapsePlan.objects.get(participation=part).current_number == 1


def test_the_page_without_a_plan_offers_to_make_it_and_nothing_to_print(part, users,
                                                                        client_for):
    client = client_for(users[Role.POH_GGZ])
    page = client.get(url("relapse-plan", part)).content.decode()
    assert 'id="geen-plan"' in page and "Plan maken" in page
    assert "plan-afdrukken" not in page
    assert client.get(url("relapse-plan-print", part)).status_code == 404
    assert AuditEvent.objects.filter(action="view", object_id=str(part.uuid),
                                     user=users[Role.POH_GGZ]).exists()


def test_saving_the_form_makes_a_version_with_phases_people_and_date(part, users, client_for):
    client = client_for(users[Role.POH_GGZ])
    form = client.get(url("relapse-plan-edit", part)).content.decode()
    for key in ("fase-stable", "fase-early", "fase-worse", 'name="people-0-name"',
                'name="people-1-name"', 'name="version"'):
        assert key in form
    response = client.post(url("relapse-plan-edit", part), form_data())
    assert response.status_code == 302 and response.url == url("relapse-plan", part)
    version = RelapsePlan.objects.get(participation=part).current
    assert version.phases["stable"]["thoughts"] == "Ik kan het aan."
    assert version.phases["worse"]["contact"] == "Bel de huisarts."
    assert version.people == [{"name": "Piet", "relation": "partner",
                               "role": "let op mijn slaap", "may_contact": True}]
    assert version.update_on.isoformat() == "2027-06-01"
    page = client.get(url("relapse-plan", part)).content.decode()
    assert "Hartkloppingen." in page and "Piet" in page and "Geen oude tabletten." in page
    assert "Nog niet met de patiënt besproken." in page


def test_a_person_row_without_a_name_is_refused_and_the_text_is_kept(part, users,
                                                                     client_for):
    client = client_for(users[Role.POH_GGZ])
    response = client.post(url("relapse-plan-edit", part),
                            form_data(**{"people-1-relation": "buurvrouw"}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Vul de naam van deze persoon in" in page and "Hartkloppingen." in page
    assert not RelapsePlan.objects.filter(participation=part).exists()


def test_a_stale_page_is_refused_and_keeps_what_was_typed(part, users, client_for):
    make_plan(part, users)
    services.relapse_plan_save(participation=part, user=users[Role.HUISARTS],
                               content=PlanContent(safety="De huisarts schreef dit."),
                               expected_version=1)
    client = client_for(users[Role.POH_GGZ])
    response = client.post(url("relapse-plan-edit", part),
                           form_data(1, safety="Mijn eigen tekst."))
    assert response.status_code == 409
    page = response.content.decode()
    assert "intussen aangepast" in page
    assert "Mijn eigen tekst." in page and "Hartkloppingen." in page
    assert 'name="version" value="2"' in page  # saving again replaces it on purpose
    assert RelapsePlan.objects.get(participation=part).current.safety \
        == "De huisarts schreef dit."
    again = client.post(url("relapse-plan-edit", part), form_data(2, safety="Mijn eigen tekst."))
    assert again.status_code == 302
    assert RelapsePlan.objects.get(participation=part).current.number == 3


def test_a_double_submit_saves_once_and_says_so(part, users, client_for):
    client = client_for(users[Role.POH_GGZ])
    assert client.post(url("relapse-plan-edit", part), form_data()).status_code == 302
    second = client.post(url("relapse-plan-edit", part), form_data(), follow=True)
    assert "Dit plan was al opgeslagen." in second.content.decode()
    assert RelapsePlan.objects.get(participation=part).versions.count() == 1


def test_reviewed_today_is_recorded_once_and_shown(part, users, client_for):
    make_plan(part, users)
    client = client_for(users[Role.HUISARTS])
    first = client.post(url("relapse-plan-review", part), {"version": "1"}, follow=True)
    assert "Plan staat op vandaag besproken." in first.content.decode()
    page = first.content.decode()
    assert "Laatst met de patiënt besproken op 04-01-2027" in page
    second = client.post(url("relapse-plan-review", part), {"version": "1"}, follow=True)
    assert "stond vandaag al op besproken" in second.content.decode()
    plan = RelapsePlan.objects.get(participation=part)
    assert plan.current_number == 2 and plan.current.reviewed_by == users[Role.HUISARTS]
    assert AuditEvent.objects.filter(object_id=str(plan.uuid), action="change").exists()


def test_earlier_versions_are_listed_and_readable(part, users, client_for):
    make_plan(part, users, safety="Eerste tekst.")
    services.relapse_plan_save(participation=part, user=users[Role.POH_GGZ],
                               content=PlanContent(safety="Tweede tekst."), expected_version=1)
    client = client_for(users[Role.POH_GGZ])
    plan = RelapsePlan.objects.get(participation=part)
    first = plan.versions.get(number=1)
    page = client.get(url("relapse-plan", part)).content.decode()
    assert url("relapse-plan-version", part, version_uuid=first.uuid) in page
    old = client.get(url("relapse-plan-version", part, version_uuid=first.uuid))
    text = old.content.decode()
    assert "Eerste tekst." in text and "Tweede tekst." not in text
    assert 'id="eerdere-versie"' in text and "vandaag-besproken" not in text


def test_the_printout_is_a_pdf_and_logged_as_an_export(part, users, client_for):
    make_plan(part, users)
    response = client_for(users[Role.POH_GGZ]).get(url("relapse-plan-print", part))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"terugvalpreventieplan-{part.patient.number}-2027-01-04.pdf" \
        in response["Content-Disposition"]
    plan = RelapsePlan.objects.get(participation=part)
    assert AuditEvent.objects.filter(action="export", object_id=str(plan.uuid)).exists()


def test_the_timeline_links_to_the_plan(part, users, client_for):
    page = client_for(users[Role.POH_GGZ]).get(
        reverse("tapering:timeline", args=[part.project.uuid, part.uuid])).content.decode()
    assert f'id="terugvalplan-knop" href="{url("relapse-plan", part)}"' in page


def test_an_evaluation_consult_links_to_the_plan_and_a_monitoring_contact_does_not(
        project, users, client_for):
    from tapering.models import ConsultationKind

    from .consult_helpers import book

    consult = book(project, users)
    part, client = consult.participation, client_for(users[Role.POH_GGZ])
    consult_url = reverse("tapering:consult", args=[project.uuid, part.uuid, consult.uuid])
    page = client.get(consult_url).content.decode()
    assert f'id="terugvalplan-link" href="{url("relapse-plan", part)}"' in page
    consult.kind = ConsultationKind.MONITORING_PHONE
    consult.save(update_fields=["kind"])
    assert "terugvalplan-link" not in client.get(consult_url).content.decode()
