"""The dashboard benchmark (bench/dashboard.py) on a tiny scenario: the generator writes a
consistent FTO group, and the measurement runs end to end. Nothing here is timed."""

import json
from collections import Counter

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from bench.dashboard import (
    LAST_DAY,
    MONTH,
    NO_DDD,
    PROJECT_START,
    Timings,
    _timed,
    measure,
    scenario_build,
)
from monitoring.measures import measures_compute
from monitoring.models import MonthlySnapshot
from monitoring.snapshots import month_end
from patients.models import (
    FtoGroup,
    Membership,
    Participation,
    Patient,
    Prescription,
    Project,
    Role,
)
from patients.queries import benzo_filter

pytestmark = pytest.mark.django_db

PRACTICES, PATIENTS = 2, 200


@pytest.fixture
def scenario():
    return scenario_build(practices=PRACTICES, patients=PATIENTS, seed=3, say=lambda _: None)


def test_the_group_has_its_practices_patients_and_people(scenario):
    group = FtoGroup.objects.get(name=scenario.group)
    practices = list(group.practices.order_by("code"))
    assert [p.code for p in practices] == ["FTO01", "FTO02"]
    assert Counter(Patient.objects.values_list("practice__code", flat=True)) == {
        "FTO01": 100, "FTO02": 100}
    assert [p.list_size for p in practices] == [100, 100]
    # One monitor in every practice of the group; each practice its own POH-GGZ, the lead.
    monitors = Membership.objects.filter(role=Role.MONITOR)
    assert sorted(monitors.values_list("practice__code", flat=True)) == ["FTO01", "FTO02"]
    assert monitors.values("user").distinct().count() == 1
    for practice in practices:
        project = Project.objects.get(practice=practice)
        assert Membership.objects.get(user=project.lead, practice=practice).role == Role.POH_GGZ
        assert project.gps.count() >= 2
        assert sorted(project.result_targets.values_list("measure", "per_gp")) == [
            ("chronic_change", False), ("letters_per_gp", True)]


def test_prescriptions_span_five_years_with_a_substance_without_ddd(scenario):
    rows = Prescription.objects.all()
    assert rows.count() == scenario.prescriptions > PATIENTS
    dates = sorted(rows.values_list("date", flat=True))
    assert dates[0] >= LAST_DAY.replace(year=LAST_DAY.year - 5)
    assert dates[-1] <= LAST_DAY
    assert (dates[-1] - dates[0]).days > 4 * 365
    benzo = rows.filter(benzo_filter())
    assert benzo.values("atc").distinct().count() >= 3
    no_ddd = benzo.filter(atc=NO_DDD[0])
    assert no_ddd.exists()
    assert all(p.substance is None or p.substance.ddd_mg is None for p in no_ddd)
    # Every benzodiazepine row with a known substance carries a strength (DDD computable).
    assert not benzo.exclude(atc=NO_DDD[0]).filter(strength_mg__isnull=True).exists()


def test_participants_are_chronic_users_and_the_project_steps_hang_together(scenario):
    participations = Participation.objects.select_related("patient")
    assert participations.count() == scenario.participations > 0
    for part in participations:
        before = Prescription.objects.filter(benzo_filter(), patient=part.patient,
                                             date__lt=PROJECT_START)
        assert before.count() >= 6  # a monthly user for at least half a year
        if part.letter_sent_on:
            assert PROJECT_START < part.letter_sent_on < LAST_DAY
            assert part.decisions.get().decision == "approach"
        if part.outcome:
            assert part.letter_sent_on and part.outcome_on > part.letter_sent_on
        assert all(c.participation.letter_sent_on for c in part.call_attempts.all())
    mailed = participations.filter(letter_sent_on__isnull=False).count()
    assert mailed == scenario.letters
    assert 0 < scenario.outcomes <= mailed


def test_every_project_month_has_its_snapshot_as_snapshot_take_computes_it(scenario):
    months = 12  # December 2025 up to November 2026
    assert scenario.snapshots == scenario.snapshots_computed == PRACTICES * months
    for project in Project.objects.all():
        stored = MonthlySnapshot.objects.filter(project=project).order_by("month")
        assert [s.month for s in stored][0] == PROJECT_START
        assert [s.month for s in stored][-1] == MONTH
        assert len(stored) == months
        last = stored.last()
        expected = json.loads(json.dumps(measures_compute(project, month_end(MONTH)),
                                         cls=DjangoJSONEncoder))
        assert last.values == expected
        assert last.values["funnel_mailed"] == project.participations.filter(
            letter_sent_on__isnull=False).count()


def test_the_last_month_copied_to_the_others_when_asked(db):
    scenario = scenario_build(practices=1, patients=60, seed=3, snapshots="last",
                              say=lambda _: None)
    stored = list(MonthlySnapshot.objects.order_by("month"))
    assert scenario.snapshots_computed == 1
    assert len(stored) == scenario.snapshots == 12
    assert all(s.values == stored[-1].values for s in stored)


def test_the_measurement_runs_end_to_end(scenario):
    figures = measure(requests=2, live_repeat=1)
    assert figures["practices"] == PRACTICES
    assert figures["month"] == f"{MONTH:%Y-%m}"
    for key in ("practice_selectors", "group_selectors"):
        assert figures[key]["count"] == 2
        assert 0 < figures[key]["p50"] <= figures[key]["p95"] <= figures[key]["max"]
    assert figures["practice_live_seconds"] > 0
    assert figures["group_live_seconds"] > 0
    for key in ("practice_http", "group_http"):
        line = figures[key]
        # Measured when the page exists; a clear line saying why not while it does not.
        assert ("skipped" in line and "does not resolve" in line["skipped"]) or (
            line["count"] == 2 and not line["problem"]), line


def test_the_95th_percentile_is_the_nearest_rank():
    timings = Timings.of([i / 1000 for i in range(1, 101)])  # 1 ms to 100 ms
    assert (timings.count, timings.p50, timings.p95, timings.max) == (100, 50.5, 95, 100)
    single = Timings.of([0.007])
    assert (single.p50, single.p95, single.max) == (7, 7, 7)


def test_a_page_that_exists_is_requested_over_http(scenario, monkeypatch):
    # The targets page stands in for the dashboard: same URL argument, same POH-GGZ.
    monkeypatch.setattr("bench.dashboard.PRACTICE_PAGE", "monitoring:targets")
    monkeypatch.setattr("bench.dashboard.GROUP_PAGE", "monitoring:no-such-page")
    figures = measure(requests=2, live_repeat=1)
    line = figures["practice_http"]
    assert line["count"] == 2 and not line["problem"]
    assert line["url"].endswith("/targets/?maand=2026-11")
    assert figures["group_http"] == {
        "skipped": "URL monitoring:no-such-page does not resolve (page not built yet)"}


def test_a_slow_call_is_timed_fewer_times_once_the_budget_is_spent():
    calls = []
    timings = _timed(lambda: calls.append(1), 50, warm_up=2, budget=0)
    assert (len(calls), timings.count) == (3, 1)  # two warm-ups, then one timed call
    timings = _timed(lambda: calls.append(1), 5, warm_up=0, budget=60)
    assert timings.count == 5
