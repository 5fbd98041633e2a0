"""The groslijst page: criterion, filters, sorting, chart, exports, to screening."""

import csv
import io
import re
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from patients.importing.load import import_file
from patients.models import AuditEvent, Participation, Project, Role
from patients.selectors import patients_in_open_projects, projects_open
from tests.conftest import make_project

HEADER = ("patientnummer;achternaam;tussenvoegsel;voorletters;geslacht;geboortedatum;straat;"
          "huisnummer;postcode;woonplaats;telefoon;huisarts;voorschrijfdatum;atc;omschrijving;"
          "sterkte;eenheid;aantal;gebruiksvoorschrift\r\n")


def row(number, surname, gp, when, units, atc="N05BA01", strength="10"):
    return (f"{number};{surname};;A.;V;01-01-1950;Laan;1;6874 JC;Zevenaar;;{gp};{when};{atc};"
            f"Product {atc};{strength};mg;{units};1 dd 1\r\n")


@pytest.fixture
def imported(practice, users):
    """R = 2026-09-15. 1: recent+past; 2: over 90 units only; 3: neither; 4: complex."""
    rows = [
        row("1", "Aarts", "M. Öztürk", "01-09-2026", 30), row("1", "Aarts", "M. Öztürk",
                                                              "01-02-2026", 30),
        row("2", "=Boer", "S. van Dam", "01-05-2026", 100),
        row("3", "Claes", "S. van Dam", "01-05-2026", 20),
        row("4", "Dekker", "M. Öztürk", "01-09-2026", 30), row("4", "Dekker", "M. Öztürk",
                                                              "01-02-2026", 30),
        row("4", "Dekker", "M. Öztürk", "01-06-2026", 30, atc="L04AX03", strength="2"),
    ]
    import_file(practice=practice, user=users[Role.POH_GGZ],
                data=(HEADER + "".join(rows)).encode("cp1252"), file_name="his.csv")


def _get(client, **params):
    params.setdefault("peildatum", "2026-09-15")
    return client.get(reverse("patients:groslijst"), params)


def test_groslijst_shows_chronic_users_under_the_chosen_criterion(users, client_for, imported):
    client = client_for(users[Role.HUISARTS])
    html = _get(client).content.decode()
    assert 'id="aantal-chronisch">2<' in html  # patients 1 and 4 (HIS route)
    assert "Aarts" in html and "Dekker" in html and "Claes" not in html
    html = _get(client, criterium="over_90_units").content.decode()
    assert 'id="aantal-chronisch">1<' in html and "=Boer" in html
    html = _get(client, criterium="either").content.decode()
    assert 'id="aantal-chronisch">3<' in html


def test_chart_counts_chronic_users_per_gp(users, client_for, imported):
    html = _get(client_for(users[Role.POH_GGZ])).content.decode()
    chart = html.split('id="grafiek-per-huisarts"')[1].split("</div>\n      {% else")[0]
    assert "M. Öztürk" in chart and "S. van Dam" not in chart.split("Staafdiagram")[0]


def test_filters_sort_and_search(users, client_for, imported):
    client = client_for(users[Role.POH_GGZ])
    assert "Aarts" not in _get(client, complex="on").content.decode().split("groslijst-tabel")[1]
    html = _get(client, zoek="dekk").content.decode().split("groslijst-tabel")[1]
    assert "Dekker" in html and "Aarts" not in html
    html = _get(client, sorteer="-naam").content.decode().split("groslijst-tabel")[1]
    assert html.index("Dekker") < html.index("Aarts")
    html = _get(client, alle="on").content.decode()
    assert "Claes" in html and "voldoet aan geen van beide criteria" in html


def test_a_bad_reference_date_is_explained_and_the_default_shown(users, client_for, imported):
    response = _get(client_for(users[Role.POH_GGZ]), peildatum="31-02-2026")
    assert response.status_code == 200
    assert "Voer een geldige datum in." in response.content.decode()


def test_why_on_this_list_explains_the_flags(users, client_for, imported):
    html = _get(client_for(users[Role.POH_GGZ])).content.decode()
    assert "voorgeschreven in de laatste 2 maanden én 7 à 8 maanden geleden" in html
    assert "complexe comedicatie: in de regel geen brief" in html


def test_csv_export_neutralises_formulas_and_is_logged(users, client_for, imported):
    response = _get(client_for(users[Role.POH_GGZ]), criterium="either", formaat="csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "patiëntnummer"
    names = [r[1] for r in rows[1:]]
    assert "A. '=Boer" not in names and any(n.startswith("A. =Boer") for n in names)
    assert AuditEvent.objects.filter(action="export", object_type="groslijst").exists()


def test_csv_export_is_written_for_dutch_excel(users, client_for, imported):
    """Dutch dates, decimal commas and a BOM under the ``;`` separator (issue 11, point 13)."""
    response = _get(client_for(users[Role.POH_GGZ]), criterium="either", formaat="csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    by_number = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    aarts = by_number["1"]
    assert aarts["geboortedatum"] == "01-01-1950"
    assert aarts["laatste voorschrift"] == "01-09-2026"
    # 60 × 10 mg diazepam ÷ 10 mg DDD = 60 DDD in the year: 0,16 per day.
    assert aarts["DDD per dag"] == "0,16"
    assert aarts["eenheden 12 mnd"] == "60"
    for record in by_number.values():
        assert re.fullmatch(r"\d+,\d\d", record["DDD per dag"]), record
        assert re.fullmatch(r"\d\d-\d\d-\d{4}", record["laatste voorschrift"]), record


def test_excel_export_opens_and_keeps_numbers_numeric(users, client_for, practice, imported):
    practice.patients.filter(number="2").update(initials="", surname="=cmd|' /C calc'!A0")
    response = _get(client_for(users[Role.POH_GGZ]), criterium="either", formaat="xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    by_number = {v[0]: v for v in values}
    assert by_number["2"][1].startswith("'=cmd")
    assert isinstance(by_number["1"][9], float)


def test_chosen_patients_go_to_screening_once(users, client_for, practice, project, imported):
    client = client_for(users[Role.POH_GGZ])
    uuids = [str(p.uuid) for p in practice.patients.filter(number__in=["1", "4"])]
    url = reverse("patients:to-screening")
    data = {"project": project.pk, "patients": uuids, "peildatum": "2026-09-15"}
    html = client.post(url, data, follow=True).content.decode()
    assert "2 patiënten toegevoegd aan de screening" in html
    html = client.post(url, data, follow=True).content.decode()
    assert "0 patiënten toegevoegd" in html and "2 stonden al in dit project" in html
    parts = Participation.objects.filter(project=project)
    assert parts.count() == 2
    assert {p.status for p in parts} == {Participation.Status.TO_SCREEN}
    assert {p.reference_date for p in parts} == {date(2026, 9, 15)}
    assert AuditEvent.objects.filter(object_type="participation").count() == 2


@pytest.fixture
def two_per_page(monkeypatch):
    from patients.views import groslijst as view

    monkeypatch.setattr(view, "PAGE_SIZE", 2)


def _numbers_in(project) -> set[str]:
    return set(Participation.objects.filter(project=project)
               .values_list("patient__number", flat=True))


def test_to_screening_takes_only_the_ticked_rows_of_this_page(users, client_for, practice,
                                                              project, imported, two_per_page):
    client = client_for(users[Role.POH_GGZ])
    html = _get(client, criterium="either").content.decode()
    assert "de aangevinkte patiënten op deze pagina" in html
    assert "alle 3 patiënten op de lijst, op alle pagina's" in html
    # The page shows 1 and 2; the POH ticks 2 only.
    ticked = str(practice.patients.get(number="2").uuid)
    client.post(reverse("patients:to-screening"), {
        "project": project.pk, "patients": [ticked], "peildatum": "2026-09-15",
        "bereik": "aangevinkt", "terug": "peildatum=2026-09-15&criterium=either"})
    assert _numbers_in(project) == {"2"}


def test_to_screening_all_on_the_list_takes_every_page_under_the_filters(
        users, client_for, practice, project, imported, two_per_page):
    client = client_for(users[Role.POH_GGZ])
    response = client.post(reverse("patients:to-screening"), {
        "project": project.pk, "peildatum": "2026-09-15", "bereik": "alle",
        "terug": "peildatum=2026-09-15&criterium=either&pagina=1"}, follow=True)
    # Three patients meet either criterion, on two pages; Claes (3) meets none.
    assert "3 patiënten toegevoegd aan de screening" in response.content.decode()
    assert _numbers_in(project) == {"1", "2", "4"}
    assert set(Participation.objects.values_list("reference_date", flat=True)) == {
        date(2026, 9, 15)}


def test_all_on_the_list_follows_the_filters_of_the_page(users, client_for, project, imported,
                                                         two_per_page):
    client_for(users[Role.POH_GGZ]).post(reverse("patients:to-screening"), {
        "project": project.pk, "peildatum": "2026-09-15", "bereik": "alle",
        "terug": "peildatum=2026-09-15&criterium=either&huisarts=S. van Dam"})
    assert _numbers_in(project) == {"2"}


def test_to_screening_without_patients_says_what_to_do(users, client_for, project, imported):
    response = client_for(users[Role.POH_GGZ]).post(
        reverse("patients:to-screening"), {"project": project.pk, "peildatum": "2026-09-15"},
        follow=True)
    assert "Vink minstens één patiënt op de lijst aan." in response.content.decode()
    assert not Participation.objects.exists()


def test_patients_of_another_practice_cannot_be_sent_to_screening(
        users, other_users, client_for, practice, other_practice, project, imported):
    other = make_other_patient(other_practice)
    client_for(users[Role.POH_GGZ]).post(
        reverse("patients:to-screening"),
        {"project": project.pk, "patients": [str(other.uuid)], "peildatum": "2026-09-15"})
    assert not Participation.objects.exists()


def make_other_patient(practice):
    from tests.factories import PatientFactory

    return PatientFactory(practice=practice)


def test_empty_groslijst_explains_what_to_do(users, client_for):
    html = _get(client_for(users[Role.POH_GGZ])).content.decode()
    assert "Lees eerst voorschrijfgegevens in" in html


def test_only_open_projects_of_the_practice_count_as_taking_part(practice, users, project,
                                                                  other_project, imported):
    one, four = (practice.patients.get(number=n) for n in ("1", "4"))
    closed = make_project(practice, users[Role.POH_GGZ], name="Voorjaar",
                          status=Project.Status.CLOSED)
    for proj, patient in ((project, one), (closed, four)):
        Participation.objects.create(project=proj, patient=patient,
                                     reference_date=date(2026, 9, 15),
                                     created_by=users[Role.POH_GGZ])
    assert set(projects_open(practice=practice)) == {project}
    assert patients_in_open_projects(practice=practice, patient_ids=[one.pk, four.pk]) == {one.pk}
