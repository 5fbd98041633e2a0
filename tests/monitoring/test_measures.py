"""Each measure on the hand-worked scenario (tests/monitoring/scenario.py), and the edges of
the as-of date: what happens on E counts, what happens the day after does not."""

from datetime import date
from decimal import Decimal

import pytest

from monitoring.measures import BY_KEY, MEASURES, measures_compute
from patients.groslijst_cache import groslijst_forget

from .scenario import Builder, E, at, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(practice, project, users):
    return build(practice, project, users["poh_ggz"])


def compute(scenario, as_of, *keys):
    return measures_compute(scenario.project, as_of, keys=keys or None)


def test_every_measure_computes_on_the_scenario(scenario):
    values = compute(scenario, E)
    assert set(values) == {m.key for m in MEASURES}


def test_funnel_counts_each_stage_reached_by_the_evaluation_date(scenario):
    values = compute(scenario, E, "funnel_groslijst", "funnel_screened", "funnel_excluded",
                     "excluded_by_reason", "funnel_mailed", "funnel_responded",
                     "funnel_reached", "funnel_consult", "funnel_schedule", "approached_share",
                     "consult_share")
    assert values == {
        # P4 and P5 were made after E but have a letter date before it.
        "funnel_groslijst": 8,
        # P8's decision was undone before E; P4 and P5 count as screened by their letter.
        "funnel_screened": 7,
        "funnel_excluded": 1,
        "excluded_by_reason": {"terminal": 1},
        "funnel_mailed": 5,
        "funnel_responded": 1,
        "funnel_reached": 2,  # P2's first call did not reach her
        "funnel_consult": 2,  # P3's consult is only planned, after E
        "funnel_schedule": 1,
        "approached_share": Decimal("85.7"),  # 6 of 7
        "consult_share": Decimal("40.0"),  # 2 of 5
    }


def test_an_undone_decision_counts_while_it_stood(scenario):
    assert compute(scenario, date(2026, 6, 30), "funnel_screened") == {"funnel_screened": 8}
    assert compute(scenario, date(2026, 7, 1), "funnel_screened") == {"funnel_screened": 7}


def test_a_participation_made_and_mailed_after_the_date_is_not_on_the_groslijst(scenario):
    # On 2026-01-19 P4 and P5 have neither been made nor sent a letter.
    values = compute(scenario, date(2026, 1, 19), "funnel_groslijst", "funnel_mailed")
    assert values == {"funnel_groslijst": 6, "funnel_mailed": 3}


def test_process_figures_count_and_date_the_work(scenario):
    values = compute(scenario, E, *[m.key for m in MEASURES if m.key.startswith(
        ("stop_letters", "invitations", "resends", "consultations", "calls", "minutes"))])
    assert values == {
        "stop_letters_count": 5, "stop_letters_first": date(2026, 1, 15),
        "stop_letters_last": date(2026, 1, 20),
        "invitations_count": 1, "invitations_first": date(2026, 2, 28),
        "invitations_last": date(2026, 2, 28),
        "resends_count": 1,
        "consultations_count": 2, "consultations_first": date(2026, 3, 5),
        "consultations_last": date(2026, 3, 6),
        "calls_count": 3, "calls_first": date(2026, 2, 20), "calls_last": date(2026, 2, 25),
        "minutes_letters": 0, "minutes_calls": 20, "minutes_consultations": 55,
    }


def test_the_minutes_of_print_runs_count_by_their_mailing_date(scenario):
    from letters.models import LetterRun

    def run(mailed_on, minutes, kind="stop"):
        LetterRun.objects.create(project=scenario.project, kind=kind, status="mailed",
                                 letter_date=mailed_on, mailed_on=mailed_on, minutes=minutes,
                                 created_by=scenario.user)

    run(date(2026, 1, 15), 40)
    run(E, 25, kind="invitation")  # on the date: counts
    run(date(2026, 8, 1), 30)  # the day after: not yet
    run(date(2026, 3, 1), None)  # mailed without minutes noted
    assert compute(scenario, E, "minutes_letters") == {"minutes_letters": 65}
    assert compute(scenario, date(2026, 8, 1), "minutes_letters") == {"minutes_letters": 95}
    assert compute(scenario, date(2026, 1, 14), "minutes_letters") == {"minutes_letters": 0}


def test_process_figures_before_any_work_are_zero_and_empty(scenario):
    values = compute(scenario, date(2026, 1, 1), "stop_letters_count", "stop_letters_first",
                     "calls_count", "calls_last", "minutes_calls", "minutes_consultations")
    assert values == {"stop_letters_count": 0, "stop_letters_first": None, "calls_count": 0,
                      "calls_last": None, "minutes_calls": 0, "minutes_consultations": 0}


def test_a_call_late_on_the_date_counts_and_one_just_after_midnight_does_not(scenario):
    builder = Builder(scenario.project.practice, scenario.user)
    builder.call(scenario.parts["P3"], at(2026, 7, 31, 23, 59), "reached", minutes=5)
    builder.call(scenario.parts["P3"], at(2026, 8, 1, 0, 1), "reached", minutes=7)
    values = compute(scenario, E, "calls_count", "calls_last", "minutes_calls",
                     "funnel_reached")
    assert values == {"calls_count": 4, "calls_last": E, "minutes_calls": 25,
                      "funnel_reached": 3}
    assert compute(scenario, date(2026, 8, 1), "minutes_calls") == {"minutes_calls": 32}


def test_stopped_and_reduced_leave_the_dead_out_of_the_denominator(scenario):
    values = compute(scenario, E, "evaluated", "left", "stopped", "reduced", "stopped_share",
                     "reduced_share")
    assert values == {"evaluated": 4, "left": 1, "stopped": 1, "reduced": 1,
                      "stopped_share": Decimal("25.0"), "reduced_share": Decimal("25.0")}


def test_an_outcome_dated_on_the_date_counts_and_one_dated_after_does_not(scenario):
    # P4 died on 2026-06-01; the day before she is still evaluated (and stopped, as P1
    # and P5 are: none has a prescription in (2026-02-28, 2026-05-31]).
    before = compute(scenario, date(2026, 5, 31), "evaluated", "left", "stopped",
                     "stopped_share")
    assert before == {"evaluated": 5, "left": 0, "stopped": 3,
                      "stopped_share": Decimal("60.0")}
    on = compute(scenario, date(2026, 6, 1), "evaluated", "left")
    assert on == {"evaluated": 4, "left": 1}


def test_mean_ddd_per_day_before_and_after_and_the_change(scenario):
    values = compute(scenario, E, "ddd_before", "ddd_after", "ddd_change")
    # Before: 45 DDD / 365 days for each of the four = 0.123.
    # After: (0 + 15 + 30 + 30) / 181 days / 4 = 0.1036.
    # Change: (75/181 − 180/365) / (180/365) = −15.98 %.
    assert values == {"ddd_before": Decimal("0.12"), "ddd_after": Decimal("0.10"),
                      "ddd_change": Decimal("-16.0")}


def test_ddd_figures_are_empty_without_letters(practice, project):
    values = measures_compute(project, E, keys=["ddd_before", "ddd_change", "stopped_share"])
    assert values == {"ddd_before": None, "ddd_change": None, "stopped_share": None}


def test_a_prescription_after_counting_as_stopped_is_a_restart(scenario):
    # P5 counts as stopped at the end of April (nothing in (Jan 30, Apr 30], more than 3
    # months after her letter); her prescription of 2026-07-20 is a restart from that day.
    assert compute(scenario, date(2026, 7, 20), "restarts") == {"restarts": 1}
    assert compute(scenario, date(2026, 7, 19), "restarts") == {"restarts": 0}
    # P2's prescriptions never leave 3 months free, so she never counted as stopped.
    assert compute(scenario, E, "restarts") == {"restarts": 1}


def test_a_prescription_before_the_first_stopped_month_end_is_no_restart(scenario):
    builder = Builder(scenario.project.practice, scenario.user)
    builder.rx(scenario.parts["P1"].patient, date(2026, 4, 29))  # before P1's first stop
    values = compute(scenario, E, "restarts", "stopped")
    # P1: nothing in (Jan 30, Apr 30] no longer holds; in (Apr 30, Jul 31] nothing: stopped
    # at E, and her April prescription came before she ever counted as stopped.
    assert values == {"restarts": 1, "stopped": 1}


def test_letters_per_gp_lists_every_gp_of_the_project(scenario):
    assert compute(scenario, E, "letters_per_gp") == {
        "letters_per_gp": {"Dr A": 2, "Dr B": 3, "Dr C": 0}}
    assert compute(scenario, date(2026, 1, 16), "letters_per_gp") == {
        "letters_per_gp": {"Dr A": 2, "Dr B": 1, "Dr C": 0}}


def test_bwsq_change_is_last_minus_first_up_to_the_date(scenario):
    # P1: 12 → 8 (her 2026-08-05 answers come after E); P2: 10 → 13 (on E); P3 has one.
    assert compute(scenario, E, "bwsq_change", "bwsq_pairs") == {
        "bwsq_change": Decimal("-0.5"), "bwsq_pairs": 2}
    assert compute(scenario, date(2026, 7, 30), "bwsq_change", "bwsq_pairs") == {
        "bwsq_change": Decimal("-4.0"), "bwsq_pairs": 1}


def test_every_measure_is_declared_with_its_words():
    for measure in MEASURES:
        assert str(measure.name) and str(measure.definition) and str(measure.window)
        assert str(measure.source)
        assert BY_KEY[measure.key] is measure


def test_the_number_of_queries_does_not_grow_with_the_patients(scenario, users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        # The groslijsts computed each time, as after an import (patients.groslijst_cache).
        groslijst_forget(practice=scenario.project.practice)
        with CaptureQueriesContext(connection) as captured:
            measures_compute(scenario.project, E)
        return len(captured)

    before = queries()
    builder = Builder(scenario.project.practice, scenario.user)
    for n in range(20):
        patient = builder.patient(f"30{n:02}", f"Dr {n % 3}")
        part = builder.participation(scenario.project, patient, created=at(2025, 12, 1),
                                     letter_sent_on=date(2026, 1, 15))
        builder.rx(patient, date(2025, 10, 1))
        builder.call(part, at(2026, 2, 20), "reached", minutes=5)
        builder.bwsq(part, date(2026, 3, 1), 10)
        builder.bwsq(part, date(2026, 4, 1), 5)
    assert queries() == before <= 25


@pytest.mark.parametrize(("as_of", "letters", "invitations", "consultations"), [
    (date(2026, 1, 19), 3, 0, 0),
    (date(2026, 1, 20), 5, 0, 0),
    (date(2026, 2, 27), 5, 0, 0),
    (date(2026, 2, 28), 5, 1, 0),
    (date(2026, 3, 5), 5, 1, 1),
])
def test_letters_and_consultations_count_from_their_own_day(scenario, as_of, letters,
                                                             invitations, consultations):
    assert compute(scenario, as_of, "stop_letters_count", "invitations_count",
                   "consultations_count") == {
        "stop_letters_count": letters, "invitations_count": invitations,
        "consultations_count": consultations}
