"""The desk's phone note opens only for patients who were sent a letter, and its search finds
only those (docs/security.md#least-privilege)."""

from datetime import date

import pytest
from django.urls import reverse

from patients.models import Participation, Role
from tapering.models import PhoneNote
from tapering.services import AFTER_LETTER
from tests.factories import PatientFactory

S = Participation.Status
REFUSAL = "Een telefoonnotitie is alleen voor patiënten die in dit project een brief kregen"


def _patient(project, status, number, surname):
    return Participation.objects.create(
        project=project, patient=PatientFactory(practice=project.practice, number=number,
                                                surname=surname),
        reference_date=date(2026, 9, 15), created_by=project.lead, status=status)


@pytest.fixture
def desk(users, client_for):
    return client_for(users[Role.ASSISTENT])


def _url(part):
    return reverse("tapering:phone-note", kwargs={"project_uuid": part.project.uuid,
                                                  "participation_uuid": part.uuid})


@pytest.mark.parametrize("status", [S.TO_SCREEN, S.APPROVED, S.MAILING, S.RESERVE])
def test_a_patient_without_a_letter_is_refused_with_the_reason(desk, project, status):
    part = _patient(project, status, "700001", "Zonderbrief")
    response = desk.get(_url(part))
    assert response.status_code == 403
    html = response.content.decode()
    assert REFUSAL in html and "Zonderbrief" not in html
    posted = desk.post(_url(part), {"called_at": "2026-10-01T10:00", "caller": "patient",
                                    "wish": "question"})
    assert posted.status_code == 403
    assert not PhoneNote.objects.exists()


def test_a_patient_sent_a_letter_opens_and_the_search_finds_only_those(desk, project):
    sent = _patient(project, S.LETTER_SENT, "700002", "Metbrief")
    _patient(project, S.TO_SCREEN, "700003", "Zonderbrief")
    assert S.LETTER_SENT in AFTER_LETTER and S.MAILING not in AFTER_LETTER
    response = desk.get(_url(sent))
    assert response.status_code == 200 and "Metbrief" in response.content.decode()
    for query in ("", "brief", "700003"):
        html = desk.get(reverse("tapering:phone-note-search"), {"zoek": query}).content.decode()
        assert "Zonderbrief" not in html, query
    html = desk.get(reverse("tapering:phone-note-search"), {"zoek": "Metbrief"}).content.decode()
    assert "Metbrief" in html
