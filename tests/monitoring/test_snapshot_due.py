"""The monthly snapshot as a timed step and the final evaluation as the lead's reminder
(monitoring/snapshot_due.py, patients.services; docs/domain.md#timed-steps, #snapshots)."""

import importlib
import subprocess
import sys
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from monitoring.models import MonthlySnapshot
from monitoring.snapshot_due import months_due
from patients.due import due_items_sweep
from patients.models import DueItem, PlanMilestone, PlanStep, Project, Role
from patients.services import final_evaluation_due, project_create, project_update
from tapering import services as tapering_services
from tapering.selectors import digest_lines
from tests.processes import ROOT, process_env

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
K = DueItem.Kind


def _create(practice, lead, *, on=date(2026, 11, 15), **data) -> Project:
    """A project made through the service on ``on`` (its first snapshot item: the next 1st)."""
    fields = {"name": "Ronde 2026", "lead": lead, "planned_start": date(2026, 9, 1),
              "planned_end": date(2027, 8, 31), "status": Project.Status.RUNNING, **data}
    with time_machine.travel(datetime.combine(on, datetime.min.time(), AMS), tick=False):
        return project_create(user=lead, practice=practice, data=fields)


def _item(project, kind=K.MONTHLY_SNAPSHOT) -> DueItem:
    return DueItem.objects.get(project=project, kind=kind, done_at__isnull=True,
                               cancelled_at__isnull=True)


def _months(project) -> list[date]:
    return list(MonthlySnapshot.objects.filter(project=project).order_by("month")
                .values_list("month", flat=True))


@pytest.fixture
def running(practice, users):
    project = _create(practice, users[Role.POH_GGZ])
    # The months before the item's first day are taken already (as a first sweep would).
    for month in (date(2026, 9, 1), date(2026, 10, 1)):
        MonthlySnapshot.objects.create(project=project, month=month, as_of=month, values={})
    return project


# --- The rule of which months a sweep takes --------------------------------------------


def test_the_month_taken_is_the_one_that_ended():
    assert months_due(planned_start=date(2026, 9, 1), due_on=date(2026, 12, 1),
                      today=date(2026, 12, 1),
                      taken={date(2026, 9, 1), date(2026, 10, 1)}) == [date(2026, 11, 1)]


def test_months_missed_while_no_worker_ran_are_all_taken():
    # Due 1 December, swept on 3 February: November, December and January.
    assert months_due(planned_start=date(2026, 9, 1), due_on=date(2026, 12, 1),
                      today=date(2027, 2, 3),
                      taken={date(2026, 9, 1), date(2026, 10, 1)}) == [
        date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)]


def test_earlier_months_without_a_snapshot_are_taken_and_nothing_before_the_start():
    assert months_due(planned_start=date(2026, 9, 17), due_on=date(2026, 12, 1),
                      today=date(2026, 12, 1), taken={date(2026, 10, 1)}) == [
        date(2026, 9, 1), date(2026, 11, 1)]
    # A project starting this month has no month that ended yet.
    assert months_due(planned_start=date(2026, 12, 1), due_on=date(2026, 12, 1),
                      today=date(2026, 12, 1), taken=set()) == []


# --- Scheduling -----------------------------------------------------------------------


def test_a_new_project_gets_its_snapshot_item_on_the_next_first(running, users):
    item = _item(running)
    assert item.due_on == date(2026, 12, 1) and item.participation is None
    assert item.assigned_to is None  # nobody's reminder: the sweep moves it


def test_a_project_made_closed_gets_nothing_due(practice, users):
    # A round entered afterwards (import_project_letters) is over already.
    project = _create(practice, users[Role.POH_GGZ], status=Project.Status.CLOSED)
    assert not project.due_items.exists()


def test_one_open_snapshot_item_per_project(running):
    with pytest.raises(IntegrityError), transaction.atomic():
        DueItem.objects.create(kind=K.MONTHLY_SNAPSHOT, due_on=date(2027, 1, 1),
                               project=running)


def test_a_project_closed_and_opened_again_gets_one_item_again(running, users):
    poh = users[Role.POH_GGZ]
    item = _item(running)
    project_update(user=poh, project=running, data={"status": Project.Status.CLOSED})
    assert _item(running) == item  # still open: it takes the last month on its day
    DueItem.objects.filter(pk=item.pk).update(done_at=timezone.now())
    project_update(user=poh, project=running, data={"status": Project.Status.CLOSED})
    assert not DueItem.objects.filter(project=running, kind=K.MONTHLY_SNAPSHOT,
                                      done_at__isnull=True).exists()
    with time_machine.travel(datetime(2027, 3, 10, 12, tzinfo=AMS), tick=False):
        project_update(user=poh, project=running, data={"status": Project.Status.RUNNING})
    assert _item(running).due_on == date(2027, 4, 1)


# --- The sweep --------------------------------------------------------------------------


def test_due_on_the_first_and_not_the_day_before(running):
    assert len(due_items_sweep(today=date(2026, 11, 30))) == 0
    assert _months(running) == [date(2026, 9, 1), date(2026, 10, 1)]
    result = due_items_sweep(today=date(2026, 12, 1))
    assert [(kind, what) for _id, kind, what in result.moved] == [
        (K.MONTHLY_SNAPSHOT, "maandstand gemaakt: 2026-11")]
    november = MonthlySnapshot.objects.get(project=running, month=date(2026, 11, 1))
    assert november.as_of == date(2026, 11, 30) and "funnel_mailed" in november.values
    assert _months(running) == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    item = _item(running)  # the same row, open, on the next 1st
    assert item.due_on == date(2027, 1, 1)


def test_a_second_sweep_changes_nothing(running):
    due_items_sweep(today=date(2026, 12, 1))
    computed = MonthlySnapshot.objects.get(project=running, month=date(2026, 11, 1)).computed_at
    assert len(due_items_sweep(today=date(2026, 12, 1))) == 0
    assert len(due_items_sweep(today=date(2026, 12, 31))) == 0
    assert MonthlySnapshot.objects.get(project=running,
                                       month=date(2026, 11, 1)).computed_at == computed
    assert MonthlySnapshot.objects.filter(project=running).count() == 3


def test_a_sweep_after_two_months_of_downtime_catches_every_month_up(running):
    due_items_sweep(today=date(2027, 2, 3))
    assert _months(running) == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1),
                                date(2026, 12, 1), date(2027, 1, 1)]
    assert MonthlySnapshot.objects.get(project=running,
                                       month=date(2027, 1, 1)).as_of == date(2027, 1, 31)
    assert _item(running).due_on == date(2027, 3, 1)
    assert len(due_items_sweep(today=date(2027, 2, 28))) == 0


def test_a_sweep_killed_halfway_leaves_no_month_and_the_item_due(running, monkeypatch):
    from monitoring import snapshot_due

    real, calls = snapshot_due.snapshot_take, []

    def dies_on_the_second(**kwargs):
        calls.append(kwargs["month"])
        if len(calls) == 2:
            raise SystemExit("worker stopped")
        return real(**kwargs)

    monkeypatch.setattr(snapshot_due, "snapshot_take", dies_on_the_second)
    with pytest.raises(SystemExit):
        due_items_sweep(today=date(2027, 1, 5))
    assert calls == [date(2026, 11, 1), date(2026, 12, 1)]
    assert _months(running) == [date(2026, 9, 1), date(2026, 10, 1)]  # November rolled back
    assert _item(running).due_on == date(2026, 12, 1)
    monkeypatch.setattr(snapshot_due, "snapshot_take", real)
    due_items_sweep(today=date(2027, 1, 5))  # the worker back: both months
    assert _months(running)[-2:] == [date(2026, 11, 1), date(2026, 12, 1)]


def test_a_closed_project_gets_a_last_snapshot_and_no_further_item(running, users):
    project_update(user=users[Role.POH_GGZ], project=running,
                   data={"status": Project.Status.CLOSED})
    item = _item(running)
    due_items_sweep(today=date(2026, 12, 1))
    assert _months(running)[-1] == date(2026, 11, 1)
    item.refresh_from_db()
    assert item.done_at is not None and item.due_on == date(2026, 12, 1)
    assert not DueItem.objects.filter(project=running, kind=K.MONTHLY_SNAPSHOT,
                                      done_at__isnull=True).exists()
    assert len(due_items_sweep(today=date(2027, 1, 1))) == 0
    assert _months(running)[-1] == date(2026, 11, 1)


def test_a_project_in_preparation_gets_nothing_computed_and_the_item_moves_on(practice, users):
    project = _create(practice, users[Role.POH_GGZ], status=Project.Status.PREPARING)
    due_items_sweep(today=date(2026, 12, 1))
    assert _months(project) == []
    assert _item(project).due_on == date(2027, 1, 1)


def test_run_due_steps_takes_the_month(running, capsys):
    call_command("run_due_steps", "--now", "2026-11-30")
    assert _months(running)[-1] == date(2026, 10, 1)
    call_command("run_due_steps", "--now", "2026-12-01")
    assert _months(running)[-1] == date(2026, 11, 1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_two_workers_at_once_take_each_month_once(transactional_db, practice, users):
    project = _create(practice, users[Role.POH_GGZ])  # September and October not taken yet
    command = [sys.executable, "manage.py", "run_due_steps", "--now", "2026-12-01"]
    procs = [subprocess.Popen(command, cwd=ROOT, env=process_env(), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    moved = sorted(int(out.strip().splitlines()[-1].split()[0]) for out in outputs)
    assert moved == [0, 1], outputs
    assert _months(project) == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    assert _item(project).due_on == date(2027, 1, 1)


# --- The final evaluation ---------------------------------------------------------------


@pytest.mark.parametrize(("start", "months", "due"), [
    (date(2026, 9, 1), 12, date(2027, 9, 1)),
    (date(2026, 9, 1), 9, date(2027, 6, 1)),
    (date(2026, 5, 31), 9, date(2027, 2, 28)),  # no 31 February: the month's last day
    (date(2027, 5, 31), 9, date(2028, 2, 29)),  # a leap year
    (date(2026, 5, 31), 12, date(2027, 5, 31)),
])
def test_final_evaluation_is_due_exactly_at_the_mark(practice, users, start, months, due):
    project = _create(practice, users[Role.POH_GGZ], planned_start=start,
                      planned_end=start.replace(day=1).replace(year=start.year + 1),
                      evaluation_months=months)
    assert final_evaluation_due(project) == due
    item = _item(project, K.FINAL_EVALUATION)
    assert (item.due_on, item.assigned_to) == (due, users[Role.POH_GGZ])


def test_evaluation_months_default_to_12_and_only_9_or_12(practice, users):
    project = _create(practice, users[Role.POH_GGZ])
    assert project.evaluation_months == 12
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(evaluation_months=10)


def test_changing_the_months_the_start_or_the_lead_moves_the_open_item(practice, users):
    poh = users[Role.POH_GGZ]
    project = _create(practice, poh)
    item = _item(project, K.FINAL_EVALUATION)
    project_update(user=poh, project=project, data={"evaluation_months": 9})
    item.refresh_from_db()
    assert item.due_on == date(2027, 6, 1)
    project_update(user=poh, project=project, data={"planned_start": date(2026, 10, 31)})
    item.refresh_from_db()
    assert item.due_on == date(2027, 7, 31)
    assert DueItem.objects.filter(project=project, kind=K.FINAL_EVALUATION).count() == 1


def test_a_final_evaluation_done_is_not_made_again(practice, users):
    poh = users[Role.POH_GGZ]
    project = _create(practice, poh)
    assert tapering_services.due_item_done(item=_item(project, K.FINAL_EVALUATION), user=poh)
    project_update(user=poh, project=project, data={"evaluation_months": 9})
    assert not DueItem.objects.filter(project=project, kind=K.FINAL_EVALUATION,
                                      done_at__isnull=True).exists()


def test_marking_it_done_checks_off_the_evaluated_step(practice, users):
    poh = users[Role.POH_GGZ]
    project = _create(practice, poh)
    step = PlanStep.objects.get(project=project, milestone=PlanMilestone.EVALUATED)
    assert step.done_on is None
    with time_machine.travel(datetime(2027, 9, 2, 9, tzinfo=AMS), tick=False):
        tapering_services.due_item_done(item=_item(project, K.FINAL_EVALUATION), user=poh)
    step.refresh_from_db()
    assert step.done_on == date(2027, 9, 2) and step.done_by is None


def test_other_reminders_done_leave_the_step_open(practice, users):
    poh = users[Role.POH_GGZ]
    project = _create(practice, poh)
    other = DueItem.objects.create(kind=K.PROJECT_END, due_on=date(2027, 9, 1),
                                   project=project, assigned_to=poh)
    tapering_services.due_item_done(item=other, user=poh)
    assert PlanStep.objects.get(project=project,
                                milestone=PlanMilestone.EVALUATED).done_on is None


def test_the_digest_names_it_on_its_day_and_not_the_day_before(practice, users):
    poh = users[Role.POH_GGZ]
    project = _create(practice, poh)
    assert not digest_lines(user=poh, today=date(2027, 8, 31))
    lines = digest_lines(user=poh, today=date(2027, 9, 1))
    assert lines == [f"{practice.name}: eindevaluatie maken ({project.name}, 01-09-2027)"]
    assert lines == digest_lines(user=poh, today=date(2027, 9, 3))  # until done


def test_the_start_page_shows_it_a_week_ahead_linked_to_the_evaluation(practice, users,
                                                                      client_for):
    poh = users[Role.POH_GGZ]
    project = _create(practice, poh)
    with time_machine.travel(datetime(2027, 8, 24, 9, tzinfo=AMS), tick=False):
        html = client_for(poh).get(reverse("home")).content.decode()
        assert project.name in html and "eindevaluatie maken" not in html
    with time_machine.travel(datetime(2027, 8, 25, 9, tzinfo=AMS), tick=False):
        html = client_for(poh).get(reverse("home")).content.decode()
        # Nobody else's start page shows the lead's reminder.
        other = client_for(users[Role.HUISARTS]).get(reverse("home")).content.decode()
    try:
        target = reverse("monitoring:dashboard", kwargs={"project_uuid": project.uuid})
    except NoReverseMatch:  # the dashboard is not on this branch: the project page instead
        target = project.get_absolute_url()
    assert f'href="{target}">eindevaluatie maken</a>' in html
    assert "eindevaluatie maken" not in other and project.name in other


# --- The data migration -----------------------------------------------------------------


def test_the_migration_turns_project_end_into_final_evaluation(practice, users):
    poh = users[Role.POH_GGZ]
    project = _create(practice, poh)
    DueItem.objects.filter(project=project).update(cancelled_at=timezone.now())
    old = DueItem.objects.create(kind=K.PROJECT_END, due_on=project.planned_end,
                                 project=project, assigned_to=poh)
    closed = _create(practice, poh, name="Oud", status=Project.Status.CLOSED)
    DueItem.objects.filter(project=closed).update(cancelled_at=timezone.now())
    migration = importlib.import_module("patients.migrations.0021_snapdue_due_kinds")
    with time_machine.travel(datetime(2027, 1, 20, 9, tzinfo=AMS), tick=False):
        migration.forward(django_apps, None)
    old.refresh_from_db()
    assert (old.kind, old.due_on, old.assigned_to) == (K.FINAL_EVALUATION, date(2027, 9, 1),
                                                       poh)
    assert _item(project).due_on == date(2027, 2, 1)
    assert not DueItem.objects.filter(project=closed, done_at__isnull=True,
                                      cancelled_at__isnull=True).exists()


# --- The project form -------------------------------------------------------------------


@pytest.mark.parametrize(("posted", "months", "due"), [
    ("9", 9, date(2027, 10, 4)), ("12", 12, date(2028, 1, 4)), ("", 12, date(2028, 1, 4))])
def test_the_form_sets_the_months_and_the_reminder_follows(users, client_for, practice,
                                                           posted, months, due):
    from tests.patients.test_projects import _form

    client = client_for(users[Role.POH_GGZ])
    client.post(reverse("patients:project-create"), _form(users, evaluation_months=posted))
    project = Project.objects.get(name="Ronde voorjaar")  # starts 4 January 2027
    assert project.evaluation_months == months
    assert _item(project, K.FINAL_EVALUATION).due_on == due
    edit = reverse("patients:project-edit", kwargs={"project_uuid": project.uuid})
    client.post(edit, _form(users, evaluation_months="12" if months == 9 else "9"))
    project.refresh_from_db()
    assert _item(project, K.FINAL_EVALUATION).due_on == final_evaluation_due(project) != due


def test_the_form_refuses_other_months(users, client_for, practice):
    from tests.patients.test_projects import _form

    response = client_for(users[Role.POH_GGZ]).post(reverse("patients:project-create"),
                                                     _form(users, evaluation_months="10"))
    assert response.status_code == 200 and not Project.objects.exists()
