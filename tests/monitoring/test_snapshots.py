"""Monthly snapshots (monitoring/snapshots.py, docs/domain.md#snapshots): every measure as
of a month's last day, one row per project and month, recomputed whole."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from monitoring.measures import MEASURES
from monitoring.models import MonthlySnapshot
from monitoring.snapshots import (
    month_end,
    project_months,
    series_of,
    snapshot_take,
    snapshots_of,
    snapshots_rebuild,
)
from patients.models import Participation, Role
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("day", "end"), [
    (date(2027, 2, 1), date(2027, 2, 28)), (date(2028, 2, 15), date(2028, 2, 29)),
    (date(2027, 12, 31), date(2027, 12, 31)), (date(2027, 4, 30), date(2027, 4, 30))])
def test_month_end(day, end):
    assert month_end(day) == end


def test_project_months_run_from_the_planned_start_through_the_given_month(project):
    project.planned_start = date(2026, 11, 17)
    assert project_months(project, date(2027, 1, 31)) == [
        date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)]
    assert project_months(project, date(2026, 11, 16)) == [date(2026, 11, 1)]
    assert project_months(project, date(2026, 10, 31)) == []


def test_a_snapshot_holds_every_measure_as_of_the_months_last_day(project, users):
    patient = PatientFactory(practice=project.practice)
    Participation.objects.create(project=project, patient=patient,
                                 reference_date=date(2027, 1, 5),
                                 status=Participation.Status.LETTER_SENT,
                                 letter_sent_on=date(2027, 1, 31),
                                 created_by=users[Role.POH_GGZ])
    january = snapshot_take(project=project, month=date(2027, 1, 20), today=date(2027, 3, 1))
    assert (january.month, january.as_of) == (date(2027, 1, 1), date(2027, 1, 31))
    assert set(january.values) == {m.key for m in MEASURES}
    assert january.values["funnel_mailed"] == 1
    # A letter on the first day of the next month is not in January's figures.
    Participation.objects.filter(patient=patient).update(letter_sent_on=date(2027, 2, 1))
    january = snapshot_take(project=project, month=date(2027, 1, 1), today=date(2027, 3, 1))
    assert january.values["funnel_mailed"] == 0


def test_the_running_month_is_computed_as_of_today(project):
    snap = snapshot_take(project=project, month=date(2027, 3, 1), today=date(2027, 3, 12))
    assert snap.as_of == date(2027, 3, 12)


def test_recomputing_a_month_replaces_its_row(project):
    first = snapshot_take(project=project, month=date(2027, 1, 1), today=date(2027, 3, 1))
    again = snapshot_take(project=project, month=date(2027, 1, 1), today=date(2027, 3, 1))
    assert MonthlySnapshot.objects.filter(project=project).count() == 1
    assert again.pk != first.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlySnapshot.objects.create(project=project, month=date(2027, 1, 1),
                                       as_of=date(2027, 1, 31), values={})
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlySnapshot.objects.create(project=project, month=date(2027, 2, 2),
                                       as_of=date(2027, 2, 28), values={})


def test_rebuild_stores_each_month_up_to_today_and_reads_back_as_a_series(project):
    project.planned_start, project.planned_end = date(2026, 12, 10), date(2027, 12, 9)
    project.save()
    assert snapshots_rebuild(project=project, today=date(2027, 2, 14)) == 3
    snaps = snapshots_of(project=project)
    assert [s.month for s in snaps] == [date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)]
    assert snaps[-1].as_of == date(2027, 2, 14)
    series = series_of(snaps, "funnel_mailed")
    assert series.points == [(date(2026, 12, 1), 0), (date(2027, 1, 1), 0), (date(2027, 2, 1), 0)]
    # Past the planned end, the months stop at the end's month.
    assert snapshots_rebuild(project=project, today=date(2028, 6, 1)) == 13


def test_stored_figures_read_back_with_their_types_and_only_for_their_own_date(project, users):
    from decimal import Decimal

    from monitoring.measures import measures_compute
    from monitoring.snapshots import figures

    patient = PatientFactory(practice=project.practice)
    Participation.objects.create(project=project, patient=patient,
                                 reference_date=date(2027, 1, 5),
                                 status=Participation.Status.LETTER_SENT,
                                 letter_sent_on=date(2027, 1, 20),
                                 created_by=users[Role.POH_GGZ])
    snapshot_take(project=project, month=date(2027, 1, 1), today=date(2027, 3, 1))
    live = measures_compute(project, date(2027, 1, 31))
    assert figures(project, date(2027, 1, 31)) == live
    assert isinstance(figures(project, date(2027, 1, 31))["stop_letters_first"], date)
    # A stored value is what is read, not a new computation: change the row to see it.
    MonthlySnapshot.objects.filter(project=project).update(
        values={**MonthlySnapshot.objects.get(project=project).values, "funnel_mailed": 7,
                "stopped_share": "12.5"})
    read = figures(project, date(2027, 1, 31), keys=["funnel_mailed", "stopped_share"])
    assert read == {"funnel_mailed": 7, "stopped_share": Decimal("12.5")}
    # Another date of the month is computed live.
    assert figures(project, date(2027, 1, 30), keys=["funnel_mailed"]) == {"funnel_mailed": 1}
    # A stored row without a measure asked for (an older snapshot) is computed live too.
    MonthlySnapshot.objects.filter(project=project).update(values={"funnel_mailed": 7})
    assert figures(project, date(2027, 1, 31), keys=["funnel_mailed", "evaluated"]) == {
        "funnel_mailed": 1, "evaluated": live["evaluated"]}
