"""The database itself refuses values outside a field's choices and a project that ends
before it starts (issue 10, point 6): a bug or a hand-made UPDATE cannot slip them in."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction

from patients.models import (
    DueItem,
    ImportBatch,
    Membership,
    Participation,
    PlanStep,
    Project,
    Role,
    ScreeningDecision,
)
from tests.factories import PatientFactory


def _refused(queryset, **values) -> bool:
    """True when the database refuses the update with an IntegrityError."""
    try:
        with transaction.atomic():
            queryset.update(**values)
    except IntegrityError:
        return True
    return False


@pytest.fixture
def participation(project, practice, users):
    return Participation.objects.create(
        project=project, patient=PatientFactory(practice=practice, number="700001"),
        reference_date=date(2026, 9, 15), created_by=users[Role.POH_GGZ])


def test_a_project_ending_on_its_start_day_is_refused(project):
    start = project.planned_start
    rows = Project.objects.filter(pk=project.pk)
    assert _refused(rows, planned_end=start)
    assert _refused(rows, planned_end=start - timedelta(days=1))


def test_a_project_ending_the_day_after_its_start_is_accepted(project):
    start = project.planned_start
    assert not _refused(Project.objects.filter(pk=project.pk),
                        planned_end=start + timedelta(days=1))
    project.refresh_from_db()
    assert project.planned_end == start + timedelta(days=1)


def test_a_new_project_ending_on_its_start_day_cannot_be_created(practice, users):
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.create(practice=practice, name="Nul dagen", lead=users[Role.POH_GGZ],
                               planned_start=date(2027, 1, 4), planned_end=date(2027, 1, 4))


@pytest.mark.parametrize("field,good,bad", [
    ("status", "running", "paused"),
    ("criterion", "either", "whatever"),
])
def test_project_choice_fields_are_checked(field, good, bad, project):
    rows = Project.objects.filter(pk=project.pk)
    assert _refused(rows, **{field: bad})
    assert not _refused(rows, **{field: good})


@pytest.mark.parametrize("status", Participation.Status.values)
def test_every_participation_status_is_accepted(status, participation):
    assert not _refused(Participation.objects.filter(pk=participation.pk), status=status)


def test_an_unknown_participation_status_is_refused(participation):
    assert _refused(Participation.objects.filter(pk=participation.pk), status="vanished")
    assert _refused(Participation.objects.filter(pk=participation.pk), status="")


def test_import_status_is_checked(batch):
    rows = ImportBatch.objects.filter(pk=batch.pk)
    assert _refused(rows, status="half")
    assert not _refused(rows, status=ImportBatch.Status.FAILED)


def test_roles_are_checked_for_members_and_plan_steps(project, users):
    membership = Membership.objects.filter(user=users[Role.POH_GGZ])
    assert _refused(membership, role="chef")
    assert not _refused(membership, role=Role.HUISARTS)
    step = PlanStep.objects.filter(pk=project.plan_steps.first().pk)
    assert _refused(step, who="iedereen")
    assert not _refused(step, who=Role.APOTHEKER)


def test_screening_decision_and_reason_are_checked(participation, users):
    decision = ScreeningDecision.objects.create(
        participation=participation, decision=ScreeningDecision.Decision.EXCLUDE,
        reason="terminal", decided_by=users[Role.HUISARTS])
    rows = ScreeningDecision.objects.filter(pk=decision.pk)
    assert _refused(rows, decision="maybe")
    assert _refused(rows, reason="bored")
    assert not _refused(rows, decision=ScreeningDecision.Decision.APPROACH, reason="")


def test_due_item_kind_is_checked(project):
    item = project.due_items.get(kind=DueItem.Kind.FINAL_EVALUATION)
    rows = DueItem.objects.filter(pk=item.pk)
    assert _refused(rows, kind="someday")
    assert not _refused(rows, kind=DueItem.Kind.ASK_AGAIN)


@pytest.mark.parametrize("milestone", ["", *PlanStep.Milestone.values])
def test_every_plan_milestone_and_none_is_accepted(milestone, project):
    step = PlanStep.objects.filter(pk=project.plan_steps.first().pk)
    assert not _refused(step, milestone=milestone)


def test_an_unknown_plan_milestone_is_refused(project):
    assert _refused(PlanStep.objects.filter(pk=project.plan_steps.first().pk),
                    milestone="someday")


def test_a_gp_name_is_mapped_once_per_practice(practice, other_practice):
    from patients.models import GpNameMapping

    GpNameMapping.objects.create(practice=practice, export_name="M. Öztürk")
    GpNameMapping.objects.create(practice=other_practice, export_name="M. Öztürk")
    with pytest.raises(IntegrityError), transaction.atomic():
        GpNameMapping.objects.create(practice=practice, export_name="M. Öztürk")
