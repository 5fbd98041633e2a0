"""Chronic users per GP at the start and on the evaluation date, and per 1,000 patients:
the groslijst's own rule (patients.selectors.groslijst_rows) under the project's criterion.

Reference date of the project: 2025-12-01 (recent window [2025-10-01, 2025-12-01], past
window [2025-04-01, 2025-05-01]). On E = 2026-07-31: recent [2026-05-31, 2026-07-31],
past [2025-11-30, 2025-12-31].
"""

from datetime import date
from decimal import Decimal

import pytest

from monitoring.measures import measures_compute

from .scenario import Builder, E, at

pytestmark = pytest.mark.django_db

KEYS = ["chronic_start", "chronic_now", "chronic_start_per_gp", "chronic_now_per_gp",
        "chronic_change", "chronic_start_per_1000", "chronic_now_per_1000"]


@pytest.fixture
def chronic(practice, project, users):
    practice.list_size = 2000
    practice.save()
    b = Builder(practice, users["poh_ggz"])
    c1 = b.patient("201", "Dr A")  # chronic at the start only
    for on in (date(2025, 4, 15), date(2025, 11, 15)):
        b.rx(c1, on)
    c2 = b.patient("202", "Dr A")  # chronic at the start and, from E on, again
    for on in (date(2025, 4, 20), date(2025, 11, 20), date(2025, 12, 20), E):
        b.rx(c2, on)
    c3 = b.patient("203", "Dr B")  # chronic at the start only
    for on in (date(2025, 4, 10), date(2025, 10, 10)):
        b.rx(c3, on)
    c4 = b.patient("204", "Dr B")  # only recent prescriptions: never chronic
    b.rx(c4, date(2025, 11, 1))
    b.participation(project, c1, created=at(2025, 12, 1), reference=date(2025, 12, 1))
    return project


def test_chronic_users_at_the_start_and_on_the_date(chronic):
    assert measures_compute(chronic, E, keys=KEYS) == {
        "chronic_start": 3, "chronic_now": 1,
        "chronic_start_per_gp": {"Dr A": 2, "Dr B": 1},
        "chronic_now_per_gp": {"Dr A": 1},
        "chronic_change": Decimal("-66.7"),
        "chronic_start_per_1000": Decimal("1.5"), "chronic_now_per_1000": Decimal("0.5"),
    }


def test_a_prescription_on_the_date_counts_and_the_day_before_it_is_not_there(chronic):
    values = measures_compute(chronic, date(2026, 7, 30), keys=["chronic_now"])
    assert values == {"chronic_now": 0}


def test_per_1000_is_empty_without_a_list_size(chronic):
    chronic.practice.list_size = None
    chronic.practice.save()
    values = measures_compute(chronic, E, keys=["chronic_start_per_1000",
                                                "chronic_now_per_1000"])
    assert values == {"chronic_start_per_1000": None, "chronic_now_per_1000": None}


def test_over_90_units_criterion_is_the_projects(chronic):
    chronic.criterion = "over_90_units"
    chronic.save()
    # Nobody has more than 90 units in a year: 30 or 60 tablets each.
    values = measures_compute(chronic, E, keys=["chronic_start", "chronic_now"])
    assert values == {"chronic_start": 0, "chronic_now": 0}


def test_the_start_is_the_earliest_reference_date_of_the_project(chronic, users):
    b = Builder(chronic.practice, users["poh_ggz"])
    later = b.patient("205", "Dr B")
    b.participation(chronic, later, created=at(2026, 2, 1), reference=date(2026, 2, 1))
    assert measures_compute(chronic, E, keys=["chronic_start"]) == {"chronic_start": 3}


def test_the_dashboard_counts_chronic_users_from_the_projects_source(chronic):
    """docs/domain.md#groslijst-source: a patient only the pharmacy knows is a chronic user
    of the combined and the pharmacy groslijst, not of the HIS's."""
    from patients.models import Patient, Prescription

    b = Builder(chronic.practice, chronic.lead)
    only_pharmacy = b.patient("P-9", "Dr B")
    for on in (date(2025, 4, 12), date(2025, 11, 12)):
        b.rx(only_pharmacy, on)
    Patient.objects.filter(pk=only_pharmacy.pk).update(source=Patient.Source.APOTHEEK)
    assert Prescription.objects.filter(patient=only_pharmacy).count() == 2
    counts = {}
    for source in ("combined", "his", "apotheek"):
        chronic.groslijst_source = source
        chronic.save()
        counts[source] = measures_compute(chronic, E, keys=["chronic_start"])["chronic_start"]
    assert counts == {"combined": 4, "his": 3, "apotheek": 1}
