"""New starters per GP per month on the project dashboard (monitoring/prevention.py,
docs/domain.md#new-starters): the table worked out by hand, and the page."""

from datetime import date
from unittest import mock

import pytest
from django.urls import reverse

from monitoring.prevention import new_starters_table
from patients.models import Role
from patients.prevention_services import starter_agreement_save
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def starters(practice, prescribe, users):
    """Data reaching back to 2024; in Oct 2026 two new starters of GP "A" (one agreed) and
    one of "B" whose second prescription is no second start; in Nov 2026 none; in Sep 2026
    a restart of "A"'s patient exactly 12 months after the last prescription (a start)."""
    prescribe(PatientFactory(practice=practice, gp_name="A", surname="Oudgebruik"),
              date(2024, 1, 2))
    a1 = PatientFactory(practice=practice, gp_name="A", surname="Eerstestart")
    a2 = PatientFactory(practice=practice, gp_name="A", surname="Tweedestart")
    b1 = PatientFactory(practice=practice, gp_name="B", surname="Derdestart")
    restart = PatientFactory(practice=practice, gp_name="A", surname="Herstart")
    prescribe(a1, date(2026, 10, 5))
    prescribe(a2, date(2026, 10, 30))
    prescribe(b1, date(2026, 10, 1))
    prescribe(b1, date(2026, 10, 29))
    prescribe(restart, date(2025, 9, 10))
    prescribe(restart, date(2026, 9, 10))
    starter_agreement_save(user=users[Role.HUISARTS], practice=practice, patient=a1,
                           started_on=date(2026, 10, 5),
                           data={"duration_weeks": 2, "duration_text": "", "end_kind": "stop",
                                 "end_on": date(2026, 10, 19), "offered_sleep_hygiene": True,
                                 "offered_cbti": False, "offered_poh_consult": False,
                                 "offered_other": "", "note": ""})


def test_the_table_per_gp_per_month_worked_out_by_hand(practice, starters):
    table = new_starters_table(practice=practice, month=date(2026, 11, 1), months=3)
    assert table.rows == [
        [date(2026, 9, 1), "A", 1, 0, 0],
        [date(2026, 9, 1), "Totaal praktijk", 1, 0, 0],
        [date(2026, 10, 1), "A", 2, 1, 50],
        [date(2026, 10, 1), "B", 1, 0, 0],
        [date(2026, 10, 1), "Totaal praktijk", 3, 1, 33],
        [date(2026, 11, 1), "Totaal praktijk", 0, 0, None],
    ]


def test_the_dashboard_shows_the_table_without_patient_names(practice, project, users,
                                                             client_for, starters):
    with mock.patch("monitoring.dashboard_views.timezone.localdate",
                    return_value=date(2026, 11, 20)):
        page = client_for(users[Role.HUISARTS]).get(
            reverse("monitoring:dashboard", kwargs={"project_uuid": project.uuid}))
    html = page.content.decode()
    assert page.status_code == 200 and 'id="nieuwe-starters-tabel"' in html
    assert "oktober 2026" in html
    for name in ("Eerstestart", "Tweedestart", "Derdestart", "Herstart"):
        assert name not in html
