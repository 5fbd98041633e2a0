"""HIS versus pharmacy differences (patients/differences.py, docs/domain.md#his-and-pharmacy):
the selectors for the practice and one patient, the period both sources cover, the practice
page (roles, other practice, audit, filters, bad values, CSV) and the screening screen."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.differences import (
    DifferenceKind,
    coverage,
    patient_differences,
    practice_differences,
)
from patients.models import AuditEvent, Participation, Patient, PatientLink, Role

from ..factories import PatientFactory
from .his_pharmacy import TEMAZEPAM, give, person

pytestmark = pytest.mark.django_db

DISPENSED, NOT_DISPENSED = DifferenceKind.DISPENSED, DifferenceKind.NOT_DISPENSED


@pytest.fixture
def span(practice):
    """An unlinked patient of each source whose rows set the period both sources cover:
    HIS 2026-01-01 to 2026-09-01, pharmacy 2026-01-01 to 2026-08-31."""
    his = PatientFactory(practice=practice, source=Patient.Source.HIS, number="1")
    pharmacy = PatientFactory(practice=practice, source=Patient.Source.APOTHEEK, number="P1")
    for patient, last in ((his, date(2026, 9, 1)), (pharmacy, date(2026, 8, 31))):
        give(patient, date(2026, 1, 1), atc="N02BE01")
        give(patient, last, atc="N02BE01")


def kinds(differences) -> list[tuple[str, date, str]]:
    return [(d.kind, d.day, d.atc) for d in differences.rows]


def test_a_matched_pair_is_no_difference(practice, span):
    his, pharmacy = person(practice)
    give(his, date(2026, 5, 1))
    give(pharmacy, date(2026, 5, 15))
    found = practice_differences(practice=practice)
    assert found.rows == [] and found.linked == 1


def test_a_dispensing_without_prescription_names_the_pharmacys_prescriber(practice, span):
    his, pharmacy = person(practice)
    give(pharmacy, date(2026, 5, 1), atc=TEMAZEPAM, prescriber="Dr. Bos, psychiater")
    [d] = practice_differences(practice=practice).rows
    assert (d.kind, d.day, d.atc, d.prescriber) == (DISPENSED, date(2026, 5, 1), TEMAZEPAM,
                                                    "Dr. Bos, psychiater")
    assert (d.his_patient, d.pharmacy_patient) == (his, pharmacy)
    assert d.substance == "temazepam"


def test_a_dispensing_fifteen_days_late_is_two_differences(practice, span):
    his, pharmacy = person(practice)
    give(his, date(2026, 5, 1))
    give(pharmacy, date(2026, 5, 16))
    assert kinds(practice_differences(practice=practice)) == [
        (NOT_DISPENSED, date(2026, 5, 1), "N05BA04"), (DISPENSED, date(2026, 5, 16), "N05BA04")]


def test_only_benzodiazepines_are_compared(practice, span):
    his, pharmacy = person(practice)
    give(his, date(2026, 5, 1), atc="N06AB06")
    give(pharmacy, date(2026, 6, 1), atc="N02AA01")
    assert practice_differences(practice=practice).rows == []


def test_unlinked_and_undone_patients_are_not_compared(practice, span):
    his, pharmacy = person(practice, linked=False)
    give(his, date(2026, 5, 1))
    give(pharmacy, date(2026, 6, 1))
    assert practice_differences(practice=practice).linked == 0
    link = PatientLink.objects.create(practice=practice, his_patient=his,
                                      pharmacy_patient=pharmacy)
    assert len(practice_differences(practice=practice).rows) == 2
    PatientLink.objects.filter(pk=link.pk).update(undone_at=timezone.now())
    assert practice_differences(practice=practice).rows == []


@pytest.mark.parametrize(("day", "shown"), [
    (date(2026, 8, 17), True),   # the pharmacy list's last date − 14: judged
    (date(2026, 8, 18), False),  # may still be collected
])
def test_a_late_prescription_is_not_yet_never_dispensed(practice, span, day, shown):
    his, _pharmacy = person(practice)
    give(his, day)
    assert kinds(practice_differences(practice=practice)) == (
        [(NOT_DISPENSED, day, "N05BA04")] if shown else [])


@pytest.mark.parametrize(("day", "shown"), [
    (date(2026, 1, 15), True),   # the HIS export's first date + 14: judged
    (date(2026, 1, 14), False),  # its prescription may be older than the export
    (date(2025, 12, 31), False),  # before the HIS export
])
def test_an_early_dispensing_is_not_without_prescription(practice, span, day, shown):
    _his, pharmacy = person(practice)
    give(pharmacy, day)
    found = practice_differences(practice=practice)
    assert kinds(found) == ([(DISPENSED, day, "N05BA04")] if shown else [])


def test_the_period_comes_from_each_sources_first_and_last_rows(practice, span):
    cover = coverage(practice=practice)
    assert (cover.his_first, cover.his_last, cover.pharmacy_first, cover.pharmacy_last) == (
        date(2026, 1, 1), date(2026, 9, 1), date(2026, 1, 1), date(2026, 8, 31))
    assert (cover.start, cover.end) == (date(2026, 1, 1), date(2026, 8, 31))


def test_one_patients_differences_from_either_side_and_none_when_not_linked(practice, span):
    his, pharmacy = person(practice)
    other_his, other_pharmacy = person(practice, his_number="2", pharmacy_number="P2",
                                       surname="Anders")
    give(pharmacy, date(2026, 5, 1))
    give(other_pharmacy, date(2026, 6, 1))
    for patient in (his, pharmacy):
        found = patient_differences(patient=patient)
        assert [(d.his_patient, d.day) for d in found.rows] == [(his, date(2026, 5, 1))]
        assert found.pairs == [(his, pharmacy)]
    alone = PatientFactory(practice=practice, source=Patient.Source.HIS, number="3")
    assert patient_differences(patient=alone) is None


# --- The practice page -------------------------------------------------------------------

URL = "patients:differences"


@pytest.fixture
def two(practice, span):
    """Two linked people: Verhoeven (Dr. Visser) has a dispensing by a specialist on 1 May and
    an oxazepam prescription never dispensed on 1 June; De Wit (Dr. Kaya) a temazepam
    dispensing by the out-of-hours service on 1 July."""
    verhoeven, verhoeven_ph = person(practice, his_number="100", pharmacy_number="A-100",
                               surname="Verhoeven", gp="Dr. Visser")
    wit, wit_ph = person(practice, his_number="200", pharmacy_number="A-200",
                         surname="Wit", gp="Dr. Kaya")
    give(verhoeven_ph, date(2026, 5, 1), prescriber="Dr. Bos, psychiater")
    give(verhoeven, date(2026, 6, 1))
    give(wit_ph, date(2026, 7, 1), atc=TEMAZEPAM, prescriber="Huisartsenpost")
    return verhoeven, verhoeven_ph, wit, wit_ph


def page(client, **params):
    return client.get(reverse(URL), params)


@pytest.mark.parametrize(("role", "status"), [
    (Role.POH_GGZ, 200), (Role.HUISARTS, 200), (Role.ASSISTENT, 403), (Role.APOTHEKER, 403),
    (Role.MONITOR, 403), (Role.BEHEERDER, 403),
])
def test_the_page_is_for_the_poh_ggz_and_the_gps(users, client_for, two, role, status):
    response = page(client_for(users[role]))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "Verhoeven" in html and "Wit" in html and "Huisartsenpost" in html


def test_another_practices_users_see_none_of_ours(other_users, client_for, two):
    html = page(client_for(other_users[Role.POH_GGZ])).content.decode()
    assert "Verhoeven" not in html and "Wit" not in html
    assert 'id="verschillen-leeg"' in html


def test_the_page_says_the_period_compared(users, client_for, two):
    html = page(client_for(users[Role.POH_GGZ])).content.decode()
    assert 'id="vergeleken-periode"' in html and "01-01-2026" in html and "31-08-2026" in html


def test_the_page_names_the_patients_shown_in_the_access_log(users, client_for, two):
    verhoeven, verhoeven_ph, wit, wit_ph = two
    page(client_for(users[Role.POH_GGZ]), zoek="Verhoeven")
    event = AuditEvent.objects.filter(object_type=URL).latest("id")
    assert set(event.shown.values_list("patient_id", flat=True)) == {verhoeven.pk, verhoeven_ph.pk}
    assert "Verhoeven" in event.detail


@pytest.mark.parametrize(("params", "names"), [
    ({}, {"Verhoeven", "Wit"}),
    ({"soort": "uitgifte"}, {"Verhoeven", "Wit"}),
    ({"soort": "voorschrift"}, {"Verhoeven"}),
    ({"huisarts": "Dr. Kaya"}, {"Wit"}),
    ({"middel": TEMAZEPAM}, {"Wit"}),
    ({"van": "2026-06-01"}, {"Verhoeven", "Wit"}),
    ({"van": "2026-06-02"}, {"Wit"}),
    ({"tot": "2026-05-01"}, {"Verhoeven"}),
    ({"tot": "2026-04-30"}, set()),
    ({"zoek": "a-200"}, {"Wit"}),
    ({"zoek": "100"}, {"Verhoeven"}),
])
def test_the_filters(users, client_for, two, params, names):
    html = page(client_for(users[Role.HUISARTS]), **params).content.decode()
    assert {n for n in ("Verhoeven", "Wit") if f"P. {n}" in html} == names
    if not names:
        assert "No differences match these filters." in html or \
            "Geen verschillen passen bij deze filters." in html


@pytest.mark.parametrize(("params", "message", "shown"), [
    ({"soort": "alles"}, "Selecteer een geldige keuze", "Verhoeven"),
    ({"van": "31-02-2026"}, "geldige datum", "Verhoeven"),
    ({"van": "0001-01-01"}, None, "Verhoeven"),
    # The end is left out, the start still filters: only De Wit's July dispensing.
    ({"van": "2026-07-01", "tot": "2026-06-01"}, "Het einde van de periode ligt vóór het begin",
     "Wit"),
])
def test_a_bad_filter_value_gets_a_dutch_message_and_is_left_out(users, client_for, two,
                                                                  params, message, shown):
    response = page(client_for(users[Role.POH_GGZ]), **params)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="alert alert-warning' in html and "Dat filter is weggelaten." in html
    if message:
        assert message in html
    assert f"P. {shown}" in html  # the list is shown without the bad filter


def test_the_empty_states(practice, users, client_for, span):
    client = client_for(users[Role.POH_GGZ])
    assert "Er is nog geen patiënt gekoppeld" in page(client).content.decode()
    person(practice)
    assert "Geen verschillen: elk" in page(client).content.decode()


def test_the_page_is_paginated(practice, users, client_for, span):
    his, pharmacy = person(practice)
    for day in range(1, 29):
        give(pharmacy, date(2026, 3, day))
        give(pharmacy, date(2026, 4, day))
    client = client_for(users[Role.POH_GGZ])
    first, second = page(client).content.decode(), page(client, pagina=2).content.decode()
    assert "Pagina 1 van 2" in first and "Pagina 2 van 2" in second
    assert first.count("<tr>") - 1 == 50 and second.count("<tr>") - 1 == 6


def test_the_csv_export_holds_the_selection_and_names_the_patients(users, client_for, two):
    verhoeven, verhoeven_ph, wit, wit_ph = two
    response = page(client_for(users[Role.HUISARTS]), soort="uitgifte", formaat="csv")
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:6] == ["patiëntnummer HIS", "naam", "huisarts", "patiëntnummer apotheek",
                           "datum", "verschil"]
    assert [(r[0], r[3], r[4], r[6], r[11]) for r in rows[1:]] == [
        ("100", "A-100", "01-05-2026", "N05BA04", "Dr. Bos, psychiater"),
        ("200", "A-200", "01-07-2026", TEMAZEPAM, "Huisartsenpost")]
    event = AuditEvent.objects.get(action="export", object_type="his-pharmacy differences")
    assert set(event.shown.values_list("patient_id", flat=True)) == {
        verhoeven.pk, verhoeven_ph.pk, wit.pk, wit_ph.pk}


# --- The screening screen ------------------------------------------------------------------

def _participation(project, patient, users):
    return Participation.objects.create(project=project, patient=patient,
                                        reference_date=date(2026, 9, 15),
                                        created_by=users[Role.POH_GGZ])


def _screen(client, part):
    return client.get(reverse("patients:screening-patient",
                              args=[part.project.uuid, part.uuid])).content.decode()


def test_the_screening_screen_shows_the_linked_patients_differences(project, users,
                                                                    client_for, two):
    verhoeven, verhoeven_ph, _wit, _wit_ph = two
    part = _participation(project, verhoeven, users)
    html = _screen(client_for(users[Role.HUISARTS]), part)
    assert 'id="verschillen-apotheek"' in html and "Dr. Bos, psychiater" in html
    assert "A-100" in html and "Huisartsenpost" not in html  # only this patient's
    event = AuditEvent.objects.filter(action="view", patient=verhoeven).latest("id")
    assert verhoeven_ph.pk in set(event.shown.values_list("patient_id", flat=True))


def test_the_screening_screen_of_a_patient_not_linked(practice, project, users, client_for,
                                                      span):
    alone = PatientFactory(practice=practice, source=Patient.Source.HIS, number="9")
    html = _screen(client_for(users[Role.HUISARTS]), _participation(project, alone, users))
    assert 'id="verschillen-apotheek"' not in html
    assert 'id="niet-gekoppeld"' in html


def test_no_line_about_linking_without_pharmacy_data(practice, project, users, client_for):
    alone = PatientFactory(practice=practice, source=Patient.Source.HIS, number="9")
    give(alone, date(2026, 5, 1))
    html = _screen(client_for(users[Role.HUISARTS]), _participation(project, alone, users))
    assert 'id="niet-gekoppeld"' not in html and 'id="verschillen-apotheek"' not in html


def test_the_screening_facts_follow_the_projects_source(project, users, two):
    from patients.selectors import screening_facts

    verhoeven, _ph, _wit, _wit_ph = two
    part = _participation(project, verhoeven, users)
    facts = screening_facts(participation=part, today=date(2026, 9, 15))
    # The psychiatrist's May dispensing is part of the history when combined.
    assert [bar.month.month for bar in facts.history if bar.ddd] == [5, 6]
    project.groslijst_source = "his"
    project.save()
    part.refresh_from_db()
    facts = screening_facts(participation=part, today=date(2026, 9, 15))
    assert [bar.month.month for bar in facts.history if bar.ddd] == [6]
