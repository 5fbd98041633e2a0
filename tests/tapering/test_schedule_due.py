"""Monitoring contacts from the schedule through the timed steps (docs/domain.md#timed-steps and
#tapering-schedules): one open TAPER_STEP item per schedule on the next step's day; on that day
the sweep makes the project lead's MONITOR_CONTACT reminder and moves on to the step after."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from patients.due import due_items_sweep
from patients.models import DueItem, Participation, ParticipationEvent, Role
from tapering import services
from tapering.selectors import digest_lines
from tapering.stepdata import steps_from_json

from .schedule_helpers import (
    START,
    consult_planned,
    make,
    nhg_temazepam,
    reference_table,  # noqa: F401 - an autouse fixture
)

S = Participation.Status


@pytest.fixture
def part(project, users):
    return consult_planned(project, users)
K = DueItem.Kind
AMS = ZoneInfo("Europe/Amsterdam")


def items(part, kind):
    return list(DueItem.objects.filter(participation=part, kind=kind).order_by("id"))


def open_items(part, kind):
    return [i for i in items(part, kind) if i.done_at is None and i.cancelled_at is None]


def sweep(day) -> int:
    return len(due_items_sweep(today=day))


@pytest.fixture
def schedule(part, users):
    return make(part, users)


@pytest.fixture
def steps(schedule):
    return steps_from_json(schedule.current.steps)


def test_making_a_schedule_plans_the_first_step_after_the_start(schedule, steps, part):
    (item,) = open_items(part, K.TAPER_STEP)
    assert item.due_on == steps[1].start and item.assigned_to is None
    assert not items(part, K.MONITOR_CONTACT)


def test_the_reminder_comes_on_the_step_date_not_the_day_before(schedule, steps, part, users):
    day = steps[1].start
    assert sweep(day - timedelta(days=1)) == 0
    assert not items(part, K.MONITOR_CONTACT)
    assert sweep(day) == 1
    (reminder,) = items(part, K.MONITOR_CONTACT)
    assert reminder.due_on == day and reminder.assigned_to == users[Role.POH_GGZ]  # the lead
    assert reminder.note == "stap 1: 7,5 mg diazepam per dag"
    assert reminder.done_at is None
    (item,) = open_items(part, K.TAPER_STEP)  # the same row, moved on
    assert item.due_on == steps[2].start
    entry = ParticipationEvent.objects.filter(participation=part).last()
    assert entry.by is None and "stap 1" in entry.what


def test_a_second_sweep_changes_nothing(schedule, steps, part):
    sweep(steps[1].start)
    def state():
        return list(DueItem.objects.filter(participation=part).order_by("id")
                    .values_list("pk", "due_on", "note", "done_at", "cancelled_at"))

    before = state()
    assert sweep(steps[1].start) == 0
    assert state() == before


def test_run_due_steps_now_makes_the_reminder_once(schedule, steps, part, capsys):
    call_command("run_due_steps", "--now", steps[1].start.isoformat())
    call_command("run_due_steps", "--now", steps[1].start.isoformat())
    assert len(items(part, K.MONITOR_CONTACT)) == 1


def test_an_open_reminder_moves_to_the_next_step(schedule, steps, part):
    sweep(steps[1].start)
    sweep(steps[2].start)
    (reminder,) = items(part, K.MONITOR_CONTACT)  # still one, moved
    assert reminder.due_on == steps[2].start and reminder.note == "stap 2: 5 mg diazepam per dag"


def test_a_reminder_done_by_hand_is_followed_by_a_new_one(schedule, steps, part, users):
    sweep(steps[1].start)
    (first,) = items(part, K.MONITOR_CONTACT)
    services.due_item_done(item=first, user=users[Role.POH_GGZ])
    sweep(steps[2].start)
    reminders = items(part, K.MONITOR_CONTACT)
    assert len(reminders) == 2 and reminders[1].due_on == steps[2].start


def test_after_the_last_step_the_item_is_done(schedule, steps, part):
    for step in steps[1:]:
        sweep(step.start)
    (reminder,) = items(part, K.MONITOR_CONTACT)
    assert reminder.note == f"stap {steps[-1].number}: 0 mg diazepam per dag"
    assert not open_items(part, K.TAPER_STEP)
    (item,) = items(part, K.TAPER_STEP)
    assert item.done_at is not None
    assert sweep(steps[-1].start + timedelta(days=30)) == 0


def test_a_late_sweep_reminds_the_step_that_began(schedule, steps, part):
    assert sweep(steps[1].start + timedelta(days=2)) == 1
    (reminder,) = items(part, K.MONITOR_CONTACT)
    assert reminder.due_on == steps[1].start
    assert open_items(part, K.TAPER_STEP)[0].due_on == steps[2].start


def test_holding_a_step_moves_the_next_date(schedule, steps, part, users):
    today = steps[1].start + timedelta(days=2)
    sweep(steps[1].start)
    services.taper_schedule_hold(schedule=schedule, user=users[Role.POH_GGZ], step=1, days=7,
                                 reason="zwaar", expected_version=1, today=today)
    (item,) = open_items(part, K.TAPER_STEP)
    assert item.due_on == steps[2].start + timedelta(days=7)
    assert sweep(steps[2].start) == 0  # the old date passes quietly
    assert items(part, K.MONITOR_CONTACT)[0].note.startswith("stap 1")
    assert sweep(steps[2].start + timedelta(days=7)) == 1
    assert items(part, K.MONITOR_CONTACT)[0].note.startswith("stap 2")


def test_changing_the_schedule_moves_the_next_date(schedule, steps, part, users):
    later = START + timedelta(days=14)
    version = services.taper_schedule_change(
        schedule=schedule, user=users[Role.POH_GGZ], reason="vakantie",
        choice=nhg_temazepam(start=later), expected_version=1, today=START)
    (item,) = open_items(part, K.TAPER_STEP)
    assert item.due_on == steps_from_json(version.steps)[1].start == steps[1].start + timedelta(14)


def test_a_new_schedule_cancels_the_old_ones_items(schedule, steps, part, users):
    sweep(steps[1].start)
    services.taper_schedule_make(
        participation=part, user=users[Role.POH_GGZ], choice=nhg_temazepam(preset="slow"),
        today=steps[1].start, replacing=schedule, expected_version=1, reason="te snel")
    assert all(i.cancelled_at is not None for i in items(part, K.MONITOR_CONTACT))
    taper = items(part, K.TAPER_STEP)
    assert taper[0].cancelled_at is not None
    assert len(open_items(part, K.TAPER_STEP)) == 1


def test_a_patient_no_longer_tapering_gets_no_reminder(schedule, steps, part):
    Participation.objects.filter(pk=part.pk).update(status=S.STOPPED)
    assert sweep(steps[1].start) == 1
    assert not items(part, K.MONITOR_CONTACT)
    assert not open_items(part, K.TAPER_STEP)


def test_the_reminder_is_on_the_leads_start_page_on_the_day_with_a_link(schedule, steps, part,
                                                                       users, client_for):
    day = steps[1].start
    sweep(day)
    with time_machine.travel(datetime(day.year, day.month, day.day, 9, tzinfo=AMS)):
        html = client_for(users[Role.POH_GGZ]).get(reverse("home")).content.decode()
        gp_html = client_for(users[Role.HUISARTS]).get(reverse("home")).content.decode()
    reminder = items(part, K.MONITOR_CONTACT)[0]
    url = reverse("tapering:schedule", args=[part.project.uuid, part.uuid])
    assert 'id="herinneringen"' in html and f'href="{url}"' in html
    assert "stap 1: 7,5 mg diazepam per dag" in html
    assert reverse("tapering:reminder-done", args=[reminder.uuid]) in html  # "Klaar" stays
    assert "stap 1: 7,5 mg diazepam per dag" not in gp_html  # the lead's, not the GP's


def test_the_day_before_the_step_the_start_page_has_no_contact(schedule, steps, part, users,
                                                               client_for):
    day = steps[1].start - timedelta(days=1)
    sweep(day)
    with time_machine.travel(datetime(day.year, day.month, day.day, 9, tzinfo=AMS)):
        response = client_for(users[Role.POH_GGZ]).get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200 and "Mijn taken" in html
    assert "diazepam per dag" not in html and "contactmoment" not in html


def test_the_digest_lists_the_contact_on_its_day(schedule, steps, part, users):
    day = steps[1].start
    lead = users[Role.POH_GGZ]
    assert not [line for line in digest_lines(user=lead, today=day) if "contactmoment" in line]
    sweep(day)
    lines = [line for line in digest_lines(user=lead, today=day) if "contactmoment" in line]
    assert len(lines) == 1 and part.project.name in lines[0]
