"""The groslijst from the HIS, from the pharmacy, or from both combined
(docs/domain.md#his-and-pharmacy): a linked patient counts once, as the HIS patient, and a
dispensing matched to a HIS prescription is not counted again."""

import io
from dataclasses import asdict
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from patients.groslijst_cache import groslijst_rows_cached
from patients.models import GroslijstSource, Patient, PatientLink, Role
from patients.selectors import groslijst_details, groslijst_rows, groslijst_source_default

from ..factories import PatientFactory
from .his_pharmacy import TEMAZEPAM, give, person

pytestmark = pytest.mark.django_db

R = date(2026, 9, 15)
DAYS = [date(2025, 10, 1), date(2026, 1, 20), date(2026, 2, 5), date(2026, 5, 1),
        date(2026, 8, 1), date(2026, 9, 10)]
COMBINED, HIS, APOTHEEK = GroslijstSource.COMBINED, GroslijstSource.HIS, GroslijstSource.APOTHEEK


def rows(practice, source=COMBINED, **options):
    return groslijst_rows(practice=practice, reference_date=R, source=source, **options)


def by_number(practice, source=COMBINED) -> dict:
    return {r.number: r for r in rows(practice, source)}


def test_combined_equals_his_only_when_both_sources_hold_the_same_prescriptions(practice):
    for i in range(3):
        his, pharmacy = person(practice, his_number=f"10000{i}", pharmacy_number=f"A-{i}",
                               surname=f"Naam{i}")
        for day in DAYS[i:]:
            give(his, day, units=30 + i)
            give(pharmacy, day, units=30 + i, prescriber="Dr. Visser")
        give(his, DAYS[-1], atc=TEMAZEPAM, units=10)
        give(pharmacy, DAYS[-1], atc=TEMAZEPAM, units=10)
    combined = [asdict(r) for r in rows(practice, COMBINED)]
    his_only = [asdict(r) for r in rows(practice, HIS)]
    assert combined == his_only
    assert [r["number"] for r in combined] == ["100000", "100001", "100002"]
    assert combined[0]["units_12m"] == 6 * 30 + 10  # counted once, not twice


def test_a_dispensing_within_fourteen_days_is_the_prescriptions_own(practice):
    his, pharmacy = person(practice)
    give(his, date(2026, 8, 1), units=30)
    give(pharmacy, date(2026, 8, 15), units=30)  # P + 14: matched
    [row] = rows(practice)
    assert (row.number, row.units_12m) == ("100001", 30)


def test_a_dispensing_fifteen_days_late_counts_twice(practice):
    his, pharmacy = person(practice)
    give(his, date(2026, 8, 1), units=30)
    give(pharmacy, date(2026, 8, 16), units=30)  # P + 15: not the same prescription
    [row] = rows(practice)
    assert (row.number, row.units_12m) == ("100001", 60)


def test_a_dispensing_before_the_prescription_counts_twice(practice):
    his, pharmacy = person(practice)
    give(his, date(2026, 8, 1), units=30)
    give(pharmacy, date(2026, 7, 31), units=30)  # P − 1
    assert rows(practice)[0].units_12m == 60


def test_a_dispensing_without_prescription_adds_its_units_to_the_his_patient(practice):
    his, pharmacy = person(practice, gp="Dr. Visser")
    give(his, date(2026, 8, 1), units=30)
    give(pharmacy, date(2026, 8, 1), units=30)
    give(pharmacy, date(2026, 5, 1), units=20, prescriber="Psychiater Bos")
    give(pharmacy, date(2026, 2, 1), atc=TEMAZEPAM, units=45, prescriber="HAP")
    [row] = rows(practice)
    assert (row.number, row.gp_name, row.patient_id) == ("100001", "Dr. Visser", his.pk)
    assert row.units_12m == 30 + 20 + 45
    # The pharmacy's February dispensing makes the "past" half of recent-and-past.
    assert row.recent_and_past is True and row.over_90_units is True
    assert rows(practice, HIS)[0].recent_and_past is False


def test_another_atc_is_not_a_match_and_counts(practice):
    his, pharmacy = person(practice)
    give(his, date(2026, 8, 1), units=30)
    give(pharmacy, date(2026, 8, 1), atc=TEMAZEPAM, units=30)
    assert rows(practice)[0].units_12m == 60


def test_a_linked_patient_with_only_dispensings_is_listed_as_the_his_patient(practice):
    his, pharmacy = person(practice)
    give(pharmacy, date(2026, 8, 1), units=100)
    [row] = rows(practice)
    assert (row.number, row.name, row.units_12m, row.last_date) == (
        "100001", "P. Jansen", 100, date(2026, 8, 1))


def test_unlinked_patients_of_both_sources_are_each_listed(practice):
    his, pharmacy = person(practice, linked=False)
    give(his, date(2026, 8, 1), units=30)
    give(pharmacy, date(2026, 8, 1), units=30)
    assert [(r.number, r.units_12m) for r in rows(practice)] == [("100001", 30), ("A-77", 30)]


def test_an_undone_link_counts_the_two_apart_again(practice):
    his, pharmacy = person(practice)
    give(his, date(2026, 8, 1), units=30)
    give(pharmacy, date(2026, 8, 1), units=30)
    assert len(rows(practice)) == 1
    PatientLink.objects.filter(his_patient=his).update(undone_at=timezone.now())
    assert [r.number for r in rows(practice)] == ["100001", "A-77"]


def test_his_counts_only_the_his_and_apotheek_only_the_pharmacy(practice):
    his, pharmacy = person(practice)
    alone = PatientFactory(practice=practice, source=Patient.Source.APOTHEEK, number="B-1")
    give(his, date(2026, 8, 1), units=30)
    give(pharmacy, date(2026, 8, 20), units=40)
    give(alone, date(2026, 8, 20), units=50)
    assert [(r.number, r.units_12m) for r in rows(practice, HIS)] == [("100001", 30)]
    assert [(r.number, r.units_12m) for r in rows(practice, APOTHEEK)] == [
        ("A-77", 40), ("B-1", 50)]
    assert [(r.number, r.units_12m) for r in rows(practice, COMBINED)] == [
        ("100001", 70), ("B-1", 50)]


def test_without_links_combined_is_every_patient_of_both_sources_in_one_aggregate(practice):
    his = PatientFactory(practice=practice, source=Patient.Source.HIS, number="200")
    pharmacy = PatientFactory(practice=practice, source=Patient.Source.APOTHEEK, number="100")
    give(his, date(2026, 8, 1), units=30)
    give(pharmacy, date(2026, 8, 1), units=30)
    with CaptureQueriesContext(connection) as captured:
        combined = rows(practice)
    assert [r.number for r in combined] == ["100", "200"]
    assert sorted([*rows(practice, HIS), *rows(practice, APOTHEEK)],
                  key=lambda r: r.number) == combined
    # The links (none), then the one aggregate as before: no matching, no exclusion.
    assert len(captured) == 2
    assert "row_key\" IN" not in captured[1]["sql"]


def test_narrowed_to_the_pharmacy_patient_gives_the_persons_row(practice):
    his, pharmacy = person(practice)
    give(his, date(2026, 8, 1), units=30)
    give(pharmacy, date(2026, 8, 30), units=30)
    for ids in ([his.pk], [pharmacy.pk]):
        [row] = rows(practice, patient_ids=ids)
        assert (row.patient_id, row.units_12m) == (his.pk, 60)


def test_the_cache_keeps_each_source_apart(practice):
    his, pharmacy = person(practice, linked=False)
    give(his, date(2026, 8, 1), units=30)
    give(pharmacy, date(2026, 8, 1), units=40)
    for source, expected in ((HIS, ["100001"]), (APOTHEEK, ["A-77"]),
                             (COMBINED, ["100001", "A-77"]), (HIS, ["100001"])):
        cached = groslijst_rows_cached(practice=practice, reference_date=R, source=source)
        assert [r.number for r in cached] == expected


def test_the_page_defaults_to_the_active_projects_source(practice, project):
    assert groslijst_source_default(practice=practice) == COMBINED
    project.groslijst_source = HIS
    project.save()
    assert groslijst_source_default(practice=practice) == HIS


def test_the_command_takes_a_source_and_keeps_its_columns(practice):
    his, pharmacy = person(practice)
    give(his, date(2026, 8, 1), units=30)
    give(pharmacy, date(2026, 8, 1) + timedelta(days=15), units=70)
    outputs = {}
    for source in (None, "his", "apotheek", "combined"):
        out = io.StringIO()
        extra = ["--source", source] if source else []
        call_command("groslijst", "--practice", practice.code, "--reference-date",
                     R.isoformat(), "--csv", "-", *extra, stdout=out)
        outputs[source] = out.getvalue().splitlines()
    header = ("patient_number,recent_and_past,over_90_units,units_12m,ddd_per_day,"
              "complex_comedication")
    # Oxazepam 10 mg, WHO DDD 50 mg: units × 10 ÷ 50 ÷ 365.
    assert outputs[None] == outputs["combined"] == [
        header, "100001,false,true,100,0.05,false"]  # 20 DDD
    assert outputs["his"] == [header, "100001,false,false,30,0.02,false"]  # 6 DDD
    assert outputs["apotheek"] == [header, "A-77,false,false,70,0.04,false"]  # 14 DDD


def test_the_command_refuses_an_unknown_source(practice):
    with pytest.raises(CommandError):
        call_command("groslijst", "--practice", practice.code, "--reference-date",
                     R.isoformat(), "--csv", "-", "--source", "beide")


def test_the_project_form_sets_the_source_and_keeps_it_when_left_out(users, client_for,
                                                                     project):
    from .test_projects import _edit

    client = client_for(users[Role.POH_GGZ])
    assert _edit(client, project, users, groslijst_source="his").status_code == 302
    project.refresh_from_db()
    assert project.groslijst_source == HIS
    assert _edit(client, project, users).status_code == 302  # not posted: unchanged
    project.refresh_from_db()
    assert project.groslijst_source == HIS
    response = _edit(client, project, users, groslijst_source="beide")
    assert response.status_code == 200 and "Selecteer een geldige keuze" in \
        response.content.decode()


def test_the_groslijst_page_starts_from_the_projects_source_and_can_switch(
        practice, users, client_for, project):
    his, pharmacy = person(practice, linked=False)
    for day in (date(2026, 2, 1), date(2026, 8, 1)):
        give(his, day)
        give(pharmacy, day)
    project.groslijst_source = APOTHEEK
    project.save()
    client = client_for(users[Role.HUISARTS])
    url = reverse("patients:groslijst")
    html = client.get(url, {"peildatum": R.isoformat()}).content.decode()
    assert '<option value="apotheek" selected>' in html
    assert "A-77" in html and "100001" not in html
    html = client.get(url, {"peildatum": R.isoformat(), "bron": "combined"}).content.decode()
    assert "A-77" in html and "100001" in html
    html = client.get(url, {"peildatum": R.isoformat(), "bron": "iets"}).content.decode()
    assert "Selecteer een geldige keuze" in html and "A-77" in html and "100001" not in html


def test_the_details_of_a_linked_row_include_its_unmatched_dispensings(practice):
    his, pharmacy = person(practice)
    give(his, date(2026, 8, 1), units=30)
    give(pharmacy, date(2026, 8, 10), units=28)  # matched: the prescription is the last
    give(pharmacy, date(2026, 7, 1), atc=TEMAZEPAM, units=20)  # another prescriber
    [row] = groslijst_details(practice=practice, rows=rows(practice), reference_date=R)
    assert row.substances == ["temazepam", "oxazepam"]
    assert (row.last_description, row.last_units) == ("Product N05BA04 10 mg", 30)
    assert row.last_date == date(2026, 8, 1)
    [his_only] = groslijst_details(practice=practice, rows=rows(practice, HIS),
                                   reference_date=R, source=HIS)
    assert his_only.substances == ["oxazepam"]
