"""The project dashboard page (monitoring/dashboard_views.py, docs/domain.md#dashboard):
content, filters in the URL, bad values, pagination, access per role and the access log."""

from datetime import date
from unittest import mock
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from monitoring.snapshots import snapshot_take
from monitoring.tables import PAGE_SIZE
from patients.models import AuditEvent, Participation, Role
from tests.factories import PatientFactory

from .scenario import at, build

pytestmark = pytest.mark.django_db
TODAY = date(2026, 8, 15)


@pytest.fixture(autouse=True)
def _today():
    with mock.patch("monitoring.dashboard_views.timezone.localdate", return_value=TODAY):
        yield


@pytest.fixture
def scenario(practice, project, users):
    return build(practice, project, users[Role.POH_GGZ])


def url(project, query=""):
    return reverse("monitoring:dashboard", kwargs={"project_uuid": project.uuid}) + (
        f"?{query}" if query else "")


def get(client_for, users, project, query="", role=Role.POH_GGZ):
    return client_for(users[role]).get(url(project, query))


def test_the_dashboard_shows_the_funnel_charts_gps_and_patients(scenario, users, client_for):
    for month in ("2026-03-01", "2026-05-01", "2026-06-01"):
        snapshot_take(project=scenario.project, month=date.fromisoformat(month), today=TODAY)
    response = get(client_for, users, scenario.project, "maand=2026-07")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trechter" in html and "Stopbrief gestuurd" in html
    assert "31-07-2026" in html  # the as-of date of July
    assert 'id="grafiek-gestopt-title"' in html and 'id="grafiek-ddd-title"' in html
    # April has no snapshot: named under the charts (the lines begin at the first stored
    # month, March, as the project's planned start is later).
    assert "Geen maandcijfers opgeslagen voor: apr 26." in html
    assert "Dr A" in html and "Totaal praktijk" in html
    assert "Gorgels et al. 2005" in html and "IVM" in html
    assert "Patiënten 1–8 van 8" in html


def test_the_charts_are_valid_svg(scenario, users, client_for):
    snapshot_take(project=scenario.project, month=date(2026, 6, 1), today=TODAY)
    html = get(client_for, users, scenario.project, "maand=2026-07").content.decode()
    start = html.index('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 720')
    ElementTree.fromstring(html[start:html.index("</svg>", start) + 6])


def test_every_figure_has_its_definition_at_hand(scenario, users, client_for):
    html = get(client_for, users, scenario.project).content.decode()
    assert html.count('<details class="definition') >= 8
    assert "Bron" in html and "Periode" in html
    # Each stage of the funnel and each row of the process table has its own.
    assert html.count("<dt>") == 14 + 7


def test_a_project_without_letters_says_so(project, users, client_for):
    html = get(client_for, users, project).content.decode()
    assert 'id="nog-geen-brieven"' in html and 'id="geen-patienten"' in html


def test_the_gp_filter_narrows_the_patient_table(scenario, users, client_for):
    html = get(client_for, users, scenario.project, "maand=2026-07&huisarts=Dr+A").content.decode()
    assert "Patiënten 1–2 van 2" in html


def test_the_outcome_filter_narrows_the_patient_table(scenario, users, client_for):
    html = get(client_for, users, scenario.project, "maand=2026-07&uitkomst=died").content.decode()
    assert "Patiënten 1–1 van 1" in html


@pytest.mark.parametrize("query", ["maand=2026-13", "maand=2027-01", "huisarts=Dr+Z",
                                   "status=weg", "uitkomst=x", "pagina=nul"])
def test_a_bad_filter_value_gets_a_dutch_message_not_an_error(scenario, users, client_for,
                                                                query):
    response = get(client_for, users, scenario.project, query)
    assert response.status_code == 200
    assert 'id="filterfouten"' in response.content.decode()


def test_a_page_past_the_last_shows_the_last_with_a_message(scenario, users, client_for):
    html = get(client_for, users, scenario.project, "pagina=5").content.decode()
    assert "Er is geen pagina 5" in html and "Patiënten 1–8 van 8" in html


def test_the_patient_table_pages_by_fifty(practice, project, users, client_for):
    for _n in range(PAGE_SIZE + 3):
        Participation.objects.create(project=project, patient=PatientFactory(practice=practice),
                                     reference_date=date(2026, 8, 1),
                                     created_by=users[Role.POH_GGZ])
    Participation.objects.update(created_at=at(2026, 8, 1))
    html = get(client_for, users, project).content.decode()
    assert f"Patiënten 1–{PAGE_SIZE} van {PAGE_SIZE + 3}" in html and 'rel="next"' in html
    html = get(client_for, users, project, "pagina=2").content.decode()
    assert f"Patiënten {PAGE_SIZE + 1}–{PAGE_SIZE + 3} van {PAGE_SIZE + 3}" in html
    assert 'rel="prev"' in html and 'rel="next"' not in html


def test_the_access_log_names_the_page_and_each_patient_it_shows(scenario, users, client_for):
    client = client_for(users[Role.POH_GGZ])
    before = AuditEvent.objects.count()
    client.get(url(scenario.project, "huisarts=Dr+A"))
    [event] = AuditEvent.objects.order_by("id")[before:]
    assert (event.action, event.detail) == ("view", "monitoring:dashboard")
    assert event.object_id == str(scenario.project.uuid) and event.patient is None
    assert sorted(s.patient.number for s in event.shown.all()) == ["101", "102"]


@pytest.mark.parametrize(("role", "status"), [
    (Role.POH_GGZ, 200), (Role.HUISARTS, 200), (Role.ASSISTENT, 403), (Role.APOTHEKER, 403),
    (Role.MONITOR, 403)])
def test_only_the_poh_ggz_and_the_gps_open_the_dashboard(project, users, client_for, role,
                                                          status):
    assert get(client_for, users, project, role=role).status_code == status


def test_another_practices_project_is_not_found(other_project, users, client_for):
    assert get(client_for, users, other_project).status_code == 404


def test_the_names_show_for_the_poh_ggz_and_the_gp(scenario, users, client_for):
    patient = scenario.parts["P1"].patient
    patient.surname, patient.initials = "Jansen", "A."
    patient.save()
    for role in (Role.POH_GGZ, Role.HUISARTS):
        assert "A. Jansen" in get(client_for, users, scenario.project, role=role).content.decode()


def test_the_dashboard_is_linked_from_the_project_and_the_start_page(project, users,
                                                                     client_for):
    client = client_for(users[Role.HUISARTS])
    link = url(project)
    assert link in client.get(project.get_absolute_url()).content.decode()
    assert link in client.get(reverse("home")).content.decode()
    assert link not in client_for(users[Role.ASSISTENT]).get(reverse("home")).content.decode()


def test_the_monitor_and_the_pharmacist_get_no_dashboard_link_on_the_start_page(
        project, users, client_for):
    for role in (Role.MONITOR, Role.APOTHEKER):
        assert url(project) not in client_for(users[role]).get(reverse("home")).content.decode()


def test_a_closed_project_is_not_linked_from_the_start_page(project, users, client_for):
    project.status = project.Status.CLOSED
    project.save()
    assert url(project) not in client_for(users[Role.POH_GGZ]).get(
        reverse("home")).content.decode()


def test_a_stored_month_is_read_from_its_snapshot_and_says_so(scenario, users, client_for):
    from monitoring.models import MonthlySnapshot

    live = get(client_for, users, scenario.project, "maand=2026-07").content.decode()
    assert 'id="opgeslagen-cijfers"' not in live
    snapshot_take(project=scenario.project, month=date(2026, 7, 1), today=TODAY)
    stored = get(client_for, users, scenario.project, "maand=2026-07").content.decode()
    assert 'id="opgeslagen-cijfers"' in stored and "opgeslagen op" in stored
    # What is shown is the stored row: changed in the database, the page follows it.
    snapshot = MonthlySnapshot.objects.get(project=scenario.project, month=date(2026, 7, 1))
    snapshot.values = {**snapshot.values, "funnel_consult": 97}
    snapshot.save()
    html = get(client_for, users, scenario.project, "maand=2026-07").content.decode()
    funnel = html.split('id="trechter"')[1].split("</section>")[0]
    assert ">97<" in funnel
