"""Result targets: progress on both sides of the target value and of the deadline."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from monitoring.measures import measure_choices, target_problem
from monitoring.models import ResultTarget
from monitoring.targets import project_target_progress, target_progress

from .scenario import E, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(practice, project, users):
    return build(practice, project, users["poh_ggz"])


def target(project, measure, value, deadline=E, per_gp=False):
    return ResultTarget.objects.create(project=project, measure=measure,
                                       value=Decimal(value), deadline=deadline, per_gp=per_gp)


def test_a_share_exactly_on_the_target_is_reached(scenario):
    progress = target_progress(target(scenario.project, "stopped_share", "25"), E)
    assert (progress.current, progress.reached, progress.days_left) == (
        Decimal("25.0"), True, 0)


def test_a_share_just_below_the_target_is_not_reached(scenario):
    progress = target_progress(target(scenario.project, "stopped_share", "25.1"), E)
    assert (progress.current, progress.reached, progress.missed) == (
        Decimal("25.0"), False, True)


def test_low_is_good_targets_are_reached_at_or_below_the_value(scenario):
    # DDD per day after: 0.10 on E (see test_measures); low is good.
    assert target_progress(target(scenario.project, "ddd_after", "0.10"), E).reached
    assert not target_progress(target(scenario.project, "ddd_after", "0.09",
                                      deadline=date(2026, 8, 1)), E).reached


def test_before_the_deadline_the_days_left_are_counted(scenario):
    progress = target_progress(target(scenario.project, "stopped_share", "25",
                                      deadline=date(2026, 8, 10)), E)
    assert (progress.days_left, progress.measured_on, progress.missed) == (10, E, False)


def test_after_the_deadline_the_value_on_the_deadline_counts(scenario):
    # On 2026-05-31 three of five had stopped (60 %); on E one of four.
    deadline = date(2026, 5, 31)
    progress = target_progress(target(scenario.project, "stopped_share", "50",
                                      deadline=deadline), E)
    assert (progress.measured_on, progress.current, progress.reached, progress.days_left) == (
        deadline, Decimal("60.0"), True, 0)


def test_every_gp_must_reach_a_per_gp_target(scenario):
    # "Every GP has sent at least 2 letters": Dr C has sent none.
    progress = target_progress(target(scenario.project, "letters_per_gp", "2", per_gp=True),
                               E)
    assert progress.per_gp == {"Dr A": 2, "Dr B": 3, "Dr C": 0}
    assert (progress.current, progress.reached) == (0, False)


def test_a_per_gp_target_is_reached_when_the_weakest_gp_reaches_it(scenario):
    scenario.parts["P6"].patient.gp_name = "Dr A"
    scenario.parts["P6"].patient.save()
    for key in ("P7", "P8"):
        scenario.parts[key].patient.gp_name = "Dr B"
        scenario.parts[key].patient.save()
    progress = target_progress(target(scenario.project, "letters_per_gp", "2", per_gp=True),
                               E)
    assert (progress.current, progress.reached) == (2, True)


def test_a_target_without_a_value_yet_is_not_reached(practice, project):
    progress = target_progress(target(project, "stopped_share", "10"), E)
    assert (progress.current, progress.reached) == (None, False)


def test_project_target_progress_lists_the_projects_targets(scenario, other_project):
    target(scenario.project, "stopped_share", "25")
    target(other_project, "stopped_share", "25")
    assert [p.target.project for p in project_target_progress(project=scenario.project,
                                                              as_of=E)] == [scenario.project]


def test_targets_only_on_numbers_and_per_gp_only_on_per_gp_measures():
    keys = {key for key, _ in measure_choices()}
    assert {"stopped_share", "letters_per_gp", "chronic_change"} <= keys
    assert not keys & {"stop_letters_first", "excluded_by_reason", "calls_count"}
    assert target_problem("letters_per_gp", per_gp=True) is None
    assert target_problem("letters_per_gp", per_gp=False)
    assert target_problem("stopped_share", per_gp=True)
    assert target_problem("no_such_measure", per_gp=False)


def test_the_model_refuses_a_target_on_a_date_measure(project):
    with pytest.raises(ValidationError):
        ResultTarget(project=project, measure="stop_letters_first", value=1,
                     deadline=E).full_clean()
