"""The links page, the manual link and the undo page (patients/views/links.py;
docs/domain.md#his-and-pharmacy): access per role and across practices, the access log,
the buttons, a double click and a stale page, and the start-page line."""

from datetime import date

import pytest
from django.urls import reverse

from patients.link_services import patient_link_confirm
from patients.models import AuditEvent, AuditEventPatient, Participation, PatientLink, Role

from .test_links import his_patient, pharmacy_patient

pytestmark = pytest.mark.django_db

LINKS = reverse("patients:links")
LINKERS = {Role.POH_GGZ, Role.HUISARTS}


def pair_data(his, pharmacy, shown="voorstellen"):
    return {"his": str(his.uuid), "apotheek": str(pharmacy.uuid), "weergave": shown}


def shown_in_log(user) -> set[int]:
    event = AuditEvent.objects.filter(user=user, action="view").latest("id")
    return set(AuditEventPatient.objects.filter(event=event).values_list("patient_id",
                                                                         flat=True))


@pytest.mark.parametrize("role", Role.values)
def test_only_the_poh_ggz_and_the_gps_open_the_links_pages(role, practice, users, client_for):
    client = client_for(users[role])
    link = patient_link_confirm(user=users[Role.POH_GGZ], practice=practice,
                                his_patient=his_patient(practice),
                                pharmacy_patient=pharmacy_patient(practice))
    expected = 200 if role in LINKERS else 403
    for url in (LINKS, reverse("patients:link-manual"),
                reverse("patients:link-undo", args=[link.uuid])):
        assert client.get(url).status_code == expected, url


def test_a_suggestion_shows_both_patients_and_names_them_in_the_access_log(
        practice, users, client_for):
    poh = users[Role.POH_GGZ]
    one = his_patient(practice, street="Molenlaan", house_number="64-2", city="Zevenaar")
    other = pharmacy_patient(practice)
    page = client_for(poh).get(LINKS).content.decode()
    assert "100001" in page and "P100001" in page and "25-12-1952" in page
    assert "Molenlaan 64-2" in page and "Zelfde persoon" in page
    assert "Niet dezelfde persoon" in page
    assert shown_in_log(poh) == {one.pk, other.pk}


def test_confirming_from_the_page_links_and_a_double_click_is_refused_in_dutch(
        practice, users, client_for):
    client = client_for(users[Role.HUISARTS])
    one, other = his_patient(practice), pharmacy_patient(practice)
    url = reverse("patients:link-confirm")
    response = client.post(url, pair_data(one, other))
    assert response.status_code == 302 and response.url == f"{LINKS}?weergave=voorstellen"
    again = client.post(url, pair_data(one, other), follow=True)
    assert again.status_code == 200
    assert "Deze twee patiënten zijn al gekoppeld." in again.content.decode()
    assert PatientLink.objects.filter(decision="linked").count() == 1
    event = AuditEvent.objects.get(action="create", object_type="patientlink")
    assert event.role == Role.HUISARTS


def test_rejecting_from_the_page_keeps_the_pair_out_of_the_suggestions(practice, users,
                                                                     client_for):
    client = client_for(users[Role.POH_GGZ])
    one, other = his_patient(practice), pharmacy_patient(practice)
    done = client.post(reverse("patients:link-reject"), pair_data(one, other), follow=True)
    assert "zijn vastgelegd als niet dezelfde persoon" in done.content.decode()
    page = client.get(LINKS).content.decode()
    assert "P100001" not in page and "Er wachten geen voorstellen" in page
    rejected = client.get(f"{LINKS}?weergave=afgewezen").content.decode()
    assert "P100001" in rejected and "Niet dezelfde persoon: besloten op" in rejected


def test_a_post_with_a_patient_of_another_practice_is_refused_with_a_message(
        practice, other_practice, users, client_for):
    client = client_for(users[Role.POH_GGZ])
    response = client.post(reverse("patients:link-confirm"),
                           pair_data(his_patient(practice), pharmacy_patient(other_practice)),
                           follow=True)
    assert "niet (meer) in de gegevens van de praktijk" in response.content.decode()
    assert not PatientLink.objects.exists()


def test_undo_asks_first_then_undoes_and_a_stale_undo_gets_a_message(practice, users,
                                                                      client_for):
    gp = users[Role.HUISARTS]
    client = client_for(gp)
    one, other = his_patient(practice), pharmacy_patient(practice)
    link = patient_link_confirm(user=users[Role.POH_GGZ], practice=practice, his_patient=one,
                                pharmacy_patient=other)
    url = reverse("patients:link-undo", args=[link.uuid])
    ask = client.get(url).content.decode()
    assert "Deze koppeling ongedaan maken?" in ask and "Ja, ongedaan maken" in ask
    assert shown_in_log(gp) == {one.pk, other.pk}
    assert PatientLink.objects.get(pk=link.pk).undone_at is None  # asking changed nothing
    client.post(url)
    assert PatientLink.objects.get(pk=link.pk).undone_by == gp
    stale = client.post(url, follow=True).content.decode()
    assert "Dit besluit is al ongedaan gemaakt." in stale
    history = client.get(f"{LINKS}?weergave=geschiedenis").content.decode()
    assert "ongedaan gemaakt op" in history and "P100001" in history


def test_a_link_of_another_practice_is_404(practice, other_practice, users, other_users,
                                           client_for):
    link = patient_link_confirm(user=users[Role.POH_GGZ], practice=practice,
                                his_patient=his_patient(practice),
                                pharmacy_patient=pharmacy_patient(practice))
    client = client_for(other_users[Role.POH_GGZ])
    url = reverse("patients:link-undo", args=[link.uuid])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert PatientLink.objects.get(pk=link.pk).undone_at is None


def test_a_practice_with_one_source_is_told_both_must_be_imported(practice, users,
                                                                  client_for):
    his_patient(practice)
    page = client_for(users[Role.POH_GGZ]).get(LINKS).content.decode()
    assert "Koppelen kan pas als beide bronnen er zijn" in page
    assert "Er is nog geen apotheeklijst geïmporteerd." in page
    assert "Er is nog geen HIS-export geïmporteerd." not in page


def test_suggestions_are_paginated_and_the_log_names_only_the_page_shown(practice, users,
                                                                        client_for):
    poh = users[Role.POH_GGZ]
    for n in range(25):
        his_patient(practice, number=f"1{n:05d}", surname=f"Meer{n:02d}")
        pharmacy_patient(practice, number=f"P{n:05d}", surname=f"van der Meer{n:02d}")
    client = client_for(poh)
    first = client.get(LINKS).content.decode()
    assert first.count('class="card shadow-sm mb-3 link-suggestion"') == 20
    assert len(shown_in_log(poh)) == 40
    second = client.get(f"{LINKS}?weergave=voorstellen&pagina=2").content.decode()
    assert second.count('class="card shadow-sm mb-3 link-suggestion"') == 5
    assert "Pagina 2 van 2" in second
    assert len(shown_in_log(poh)) == 10


@pytest.mark.parametrize("query", ["weergave=xyz", "pagina=abc", "pagina=999",
                                   "weergave=geschiedenis&pagina=-1"])
def test_odd_query_parameters_show_a_page(query, practice, users, client_for):
    his_patient(practice)
    pharmacy_patient(practice)
    assert client_for(users[Role.POH_GGZ]).get(f"{LINKS}?{query}").status_code == 200


def test_the_manual_link_finds_a_pharmacy_patient_who_moved(practice, users, client_for):
    client = client_for(users[Role.POH_GGZ])
    one = his_patient(practice)
    moved = pharmacy_patient(practice, postcode="1011 AB")
    manual = reverse("patients:link-manual")
    found = client.get(manual, {"zoek": "meer"}).content.decode()
    assert "100001" in found and "P100001" not in found  # first the HIS side
    chosen = client.get(manual, {"his": str(one.uuid)}).content.decode()
    assert "P100001" in chosen  # born the same day
    by_date = client.get(manual, {"his": str(one.uuid), "zoek": "25-12-1952"}).content.decode()
    assert "P100001" in by_date
    client.post(reverse("patients:link-confirm"), pair_data(one, moved, "koppelingen"))
    assert PatientLink.objects.get().pharmacy_patient == moved


@pytest.mark.parametrize(("query", "message"), [
    ({"zoek": "m"}, "Typ minstens twee tekens"),
    ({"zoek": "31-02-1950"}, "geldige datum"),
    ({"zoek": "01-01-1850"}, "Kies een datum van 01-01-1900"),
    ({"his": "not-a-uuid"}, "Deze HIS-patiënt is niet gevonden"),
])
def test_bad_manual_searches_get_a_dutch_message(query, message, practice, users, client_for):
    response = client_for(users[Role.POH_GGZ]).get(reverse("patients:link-manual"), query)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_the_poh_ggz_start_page_shows_suggestions_waiting_and_the_gp_does_not(
        practice, users, client_for):
    his_patient(practice)
    pharmacy_patient(practice)
    poh_page = client_for(users[Role.POH_GGZ]).get(reverse("home")).content.decode()
    assert "1 voorgestelde koppeling tussen HIS en apotheek te beoordelen" in poh_page
    assert 'id="koppelingen-taak"' not in client_for(users[Role.HUISARTS]).get(
        reverse("home")).content.decode()


def test_no_start_page_line_without_suggestions(practice, users, client_for):
    patient_link_confirm(user=users[Role.POH_GGZ], practice=practice,
                         his_patient=his_patient(practice),
                         pharmacy_patient=pharmacy_patient(practice))
    page = client_for(users[Role.POH_GGZ]).get(reverse("home")).content.decode()
    assert 'id="koppelingen-taak"' not in page


def test_the_timeline_says_which_pharmacy_patient_is_linked(project, practice, users,
                                                            client_for):
    one = his_patient(practice)
    patient_link_confirm(user=users[Role.POH_GGZ], practice=practice, his_patient=one,
                         pharmacy_patient=pharmacy_patient(practice))
    part = Participation.objects.create(project=project, patient=one,
                                        reference_date=date(2026, 9, 15),
                                        created_by=users[Role.POH_GGZ])
    url = reverse("tapering:timeline", args=[project.uuid, part.uuid])
    page = client_for(users[Role.POH_GGZ]).get(url).content.decode()
    assert "gekoppeld aan apotheekpatiënt P100001" in page


def test_the_start_page_line_goes_when_the_suggestion_is_decided(practice, users,
                                                                   client_for):
    """The count is cached (patients/startpage.py) under the groslijst's generation,
    which a decision changes: the line does not outlive the suggestion."""
    one, other = his_patient(practice), pharmacy_patient(practice)
    client = client_for(users[Role.POH_GGZ])
    assert 'id="koppelingen-taak"' in client.get(reverse("home")).content.decode()
    client.post(reverse("patients:link-confirm"), pair_data(one, other))
    assert 'id="koppelingen-taak"' not in client.get(reverse("home")).content.decode()
