"""The new-starters pages: who may open and change what, the other practice, bad input,
and the access log (docs/domain.md#new-starters, docs/security.md)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.groslijst import months_back
from patients.models import AuditEvent, AuditEventPatient, Role, StarterAgreement
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def starter(practice, prescribe):
    patient = PatientFactory(practice=practice, surname="Starteling")
    prescribe(patient, timezone.localdate() - timedelta(days=10))
    return patient


def _post(days: int, **extra) -> dict:
    return {"duration_weeks": "2", "end_kind": "review",
            "end_on": (timezone.localdate() + timedelta(days=days)).isoformat(),
            "offered": ["sleep_hygiene", "other"], "offered_other": "app voor slaap",
            "note": "Alleen voor de eerste weken."} | extra


@pytest.mark.parametrize("role,status", [
    (Role.HUISARTS, 200), (Role.POH_GGZ, 200), (Role.ASSISTENT, 403), (Role.APOTHEKER, 403),
    (Role.MONITOR, 403), (Role.BEHEERDER, 403)])
def test_who_sees_the_list_and_the_patient(users, client_for, starter, role, status):
    client = client_for(users[role])
    listed = client.get(reverse("patients:new-starters"))
    page = client.get(reverse("patients:new-starter", args=[starter.uuid]))
    assert listed.status_code == page.status_code == status
    if status == 200:
        assert "Starteling" in listed.content.decode()


def test_the_list_and_the_page_are_in_the_access_log(users, client_for, starter):
    client = client_for(users[Role.POH_GGZ])
    client.get(reverse("patients:new-starters"))
    client.get(reverse("patients:new-starter", args=[starter.uuid]))
    events = AuditEvent.objects.filter(action="view").order_by("pk")
    assert [e.detail for e in events] == ["patients:new-starters", "patients:new-starter"]
    assert AuditEventPatient.objects.filter(event=events[0], patient=starter).exists()
    assert AuditEventPatient.objects.filter(event=events[1], patient=starter).exists()


def test_another_practices_patient_is_not_found(other_users, client_for, starter):
    client = client_for(other_users[Role.HUISARTS])
    assert client.get(reverse("patients:new-starter", args=[starter.uuid])).status_code == 404
    assert client.post(reverse("patients:new-starter-agreement", args=[starter.uuid]),
                       _post(14)).status_code == 404
    assert "Starteling" not in client.get(reverse("patients:new-starters")).content.decode()


def test_a_patient_who_is_no_new_starter_has_no_page(practice, users, client_for, prescribe):
    chronic = PatientFactory(practice=practice)
    prescribe(chronic, timezone.localdate() - timedelta(days=100))
    prescribe(chronic, timezone.localdate() - timedelta(days=10))
    client = client_for(users[Role.HUISARTS])
    assert client.get(reverse("patients:new-starter", args=[chronic.uuid])).status_code == 404


def test_the_gp_records_the_agreement_and_the_poh_ggz_may_not(users, client_for, starter):
    url = reverse("patients:new-starter-agreement", args=[starter.uuid])
    assert client_for(users[Role.POH_GGZ]).post(url, _post(14)).status_code == 403
    assert client_for(users[Role.ASSISTENT]).post(url, _post(14)).status_code == 403
    gp = users[Role.HUISARTS]
    response = client_for(gp).post(url, _post(14))
    assert response.status_code == 302
    agreement = StarterAgreement.objects.get()
    assert agreement.gp == gp and agreement.offered_sleep_hygiene
    assert agreement.offered_other == "app voor slaap"
    assert agreement.started_on == timezone.localdate() - timedelta(days=10)
    assert AuditEvent.objects.filter(action="create", patient=starter, user=gp).exists()
    page = client_for(users[Role.POH_GGZ]).get(reverse("patients:new-starter",
                                                       args=[starter.uuid])).content.decode()
    assert "app voor slaap" in page and "Alleen voor de eerste weken." in page


@pytest.mark.parametrize("bad", [
    {"end_on": "2020-01-01"},  # before the first prescription
    {"end_on": "9999-12-31"},  # outside the app's range
    {"end_on": "morgen"},
    {"duration_weeks": "", "duration_text": ""},
    {"duration_weeks": "0"},
    {"offered": ["other"], "offered_other": ""},
    {"end_kind": "forever"},
])
def test_bad_input_gets_a_dutch_message_and_saves_nothing(users, client_for, starter, bad):
    response = client_for(users[Role.HUISARTS]).post(
        reverse("patients:new-starter-agreement", args=[starter.uuid]), _post(14, **bad))
    assert response.status_code == 400
    assert 'class="invalid-feedback' in response.content.decode()
    assert not StarterAgreement.objects.exists()


def test_review_done_and_a_new_date(users, client_for, starter):
    gp = client_for(users[Role.HUISARTS])
    gp.post(reverse("patients:new-starter-agreement", args=[starter.uuid]), _post(1))
    done = reverse("patients:new-starter-review-done", args=[starter.uuid])
    move = reverse("patients:new-starter-review-move", args=[starter.uuid])
    assert client_for(users[Role.POH_GGZ]).post(done).status_code == 403
    assert gp.post(done).status_code == 302
    assert StarterAgreement.objects.get().review_done_at is not None
    later = (timezone.localdate() + timedelta(days=60)).isoformat()
    assert gp.post(move, {"end_on": later}).status_code == 302
    agreement = StarterAgreement.objects.get()
    assert agreement.review_done_at is None and agreement.end_on.isoformat() == later
    refused = gp.post(move, {"end_on": "2001-01-01"})
    assert refused.status_code == 400 and "Kies een datum na het eerste voorschrift" in \
        refused.content.decode()


def test_the_filters_refuse_nonsense_with_a_message(users, client_for, starter):
    client = client_for(users[Role.HUISARTS])
    response = client.get(reverse("patients:new-starters"),
                          {"huisarts": "abc", "toon": "alles", "pagina": "-1"})
    assert response.status_code == 200 and "Starteling" in response.content.decode()


def test_the_gp_start_page_counts_new_starters_without_naming_them(users, client_for, starter,
                                                                   practice):
    from patients.models import GpNameMapping

    gp = users[Role.HUISARTS]
    GpNameMapping.objects.create(practice=practice, export_name=starter.gp_name or "x",
                                 user=gp, confirmed_at=timezone.now())
    starter.gp_name = starter.gp_name or "x"
    starter.save()
    home = client_for(gp).get(reverse("home")).content.decode()
    assert "nieuwe-starters-zonder-afspraak" in home and "Starteling" not in home
    assistant = client_for(users[Role.ASSISTENT]).get(reverse("home")).content.decode()
    assert "nieuwe-starters-taak" not in assistant


def test_the_list_warns_when_the_data_do_not_reach_a_year_before_the_window(
        practice, users, client_for, starter, prescribe):
    client = client_for(users[Role.HUISARTS])
    page = client.get(reverse("patients:new-starters")).content.decode()
    assert 'id="korte-geschiedenis"' in page  # only the prescription of ten days ago
    # Data from 12 months before the window's first day on: far enough.
    today = timezone.localdate()
    earliest = months_back(today - timedelta(days=56), 12)
    prescribe(PatientFactory(practice=practice), earliest + timedelta(days=1))
    page = client.get(reverse("patients:new-starters")).content.decode()
    assert 'id="korte-geschiedenis"' in page
    prescribe(PatientFactory(practice=practice), earliest)
    assert 'id="korte-geschiedenis"' not in client.get(
        reverse("patients:new-starters")).content.decode()
