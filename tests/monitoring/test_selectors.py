"""``evaluation_rows``: one row per participation with a letter date, sorted by patient
number, from one query over the prescriptions (docs/domain.md, step 9)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monitoring.selectors import evaluation_rows
from patients.models import GpNameMapping, Participation, ParticipationOutcome, Role

from ..factories import PatientFactory
from ..tapering.schedule_helpers import reference_table  # noqa: F401

L = date(2026, 1, 15)
E = date(2026, 7, 15)


def _participation(project, patient, *, letter=L, **fields):
    return Participation.objects.create(
        project=project, patient=patient, reference_date=date(2025, 12, 1),
        created_by=project.lead, letter_sent_on=letter,
        status=Participation.Status.LETTER_SENT if letter else Participation.Status.TO_SCREEN,
        **fields)


@pytest.fixture
def scenario(practice, project, prescribe, users):
    late = PatientFactory(practice=practice, number="900", gp_name="Dr. A")
    early = PatientFactory(practice=practice, number="1000", gp_name="Dr. B")
    unsent = PatientFactory(practice=practice, number="0500")
    GpNameMapping.objects.create(practice=practice, export_name="Dr. B",
                                 user=users[Role.HUISARTS], confirmed_at=timezone.now())
    # 365 DDD before (diazepam 10 mg = 1 DDD), nothing after: stopped.
    prescribe(early, date(2025, 6, 1), units=365, strength="10")
    # 1460 DDD before and 543 DDD after (3 per day over 181 days): reduced, exactly 0.75.
    prescribe(late, date(2025, 6, 1), units=1460, strength="10")
    prescribe(late, date(2026, 6, 1), units=543, strength="10")
    # A DDD-less benzodiazepine (adinazolam) keeps it from stopping but adds nothing:
    # reduced (0 after against 1 before), not stopped.
    prescribe(early, date(2026, 6, 2), atc="N05BA07", units=30, strength="10")
    # Not a benzodiazepine: never counts.
    prescribe(early, date(2026, 6, 3), atc="N06AB06", units=30, strength="10")
    return {
        "late": _participation(project, late, outcome=ParticipationOutcome.DIED,
                               outcome_on=date(2026, 7, 1)),
        "early": _participation(project, early),
        "unsent": _participation(project, unsent, letter=None),
    }


def test_one_row_per_participation_with_a_letter_sorted_by_patient_number(project, scenario):
    rows = evaluation_rows(project=project, as_of=E)
    # Byte order of the number: "1000" before "900"; the one without a letter is left out.
    assert [r.patient_number for r in rows] == ["1000", "900"]
    early, late = rows
    assert early.participation_id == scenario["early"].pk
    assert (early.ddd_before, early.ddd_after, early.stopped, early.reduced) == (
        Decimal(1), Decimal(0), False, True)
    assert (late.ddd_before, late.ddd_after, late.stopped, late.reduced) == (
        Decimal(4), Decimal(3), False, True)
    assert (late.outcome, late.in_evaluation, early.in_evaluation) == ("died", False, True)
    assert (early.gp_name, early.gp_id, late.gp_name, late.gp_id) == (
        "Dr. B", scenario["early"].project.practice.gp_names.get().user_id, "Dr. A", None)


def test_prescriptions_are_read_in_one_query_whatever_the_number_of_patients(
        practice, project, prescribe):
    for n in range(5):
        patient = PatientFactory(practice=practice, number=f"7{n}")
        prescribe(patient, date(2026, 6, 1))
        _participation(project, patient)
    with CaptureQueriesContext(connection) as queries:
        assert len(evaluation_rows(project=project, as_of=E)) == 5
    assert len(queries) == 3


def test_other_projects_participations_are_not_rows(project, other_project, other_practice):
    _participation(other_project, PatientFactory(practice=other_practice))
    assert evaluation_rows(project=project, as_of=E) == []
