"""The sweep under real concurrency and a real Celery worker and beat (SPEC.md "Timed steps")."""

import subprocess
import sys
import time
import uuid
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from patients.models import DueItem, Participation, ParticipationEvent, Role
from tests.conftest import make_project
from tests.factories import PatientFactory
from tests.processes import ROOT, process_env, start_celery, start_worker, stop

S = Participation.Status


def _letters_sent(project, users, n: int, due_on: date) -> list[Participation]:
    parts = []
    for i in range(n):
        patient = PatientFactory(practice=project.practice, number=str(500000 + i))
        part = Participation.objects.create(
            project=project, patient=patient, reference_date=date(2026, 9, 15),
            status=S.LETTER_SENT, letter_sent_on=due_on - timedelta(days=30),
            created_by=users[Role.POH_GGZ])
        DueItem.objects.create(kind=DueItem.Kind.WAIT_ENDS, due_on=due_on, project=project,
                               participation=part, assigned_to=project.lead)
        parts.append(part)
    return parts


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_two_sweeps_at_the_same_moment_move_each_item_exactly_once(transactional_db, practice,
                                                                   users):
    project = make_project(practice, users[Role.POH_GGZ])
    parts = _letters_sent(project, users, 120, date(2026, 10, 31))
    command = [sys.executable, "manage.py", "run_due_steps", "--now", "2026-10-31"]
    procs = [subprocess.Popen(command, cwd=ROOT, env=process_env(), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    moved = [int(out.strip().splitlines()[-1].split()[0]) for out in outputs]
    assert sum(moved) == 120, outputs
    events = ParticipationEvent.objects.filter(participation__in=parts,
                                               to_status=S.CALLBACK_DUE)
    assert events.count() == 120
    assert set(events.values_list("participation_id", flat=True)) == {p.pk for p in parts}
    assert not DueItem.objects.filter(participation__in=parts, done_at__isnull=True).exists()


@pytest.fixture
def worker_and_beat(transactional_db):
    """A Celery worker and exactly one beat on a queue of their own, sweeping every second."""
    env = process_env(CELERY_QUEUE=f"test-{uuid.uuid4().hex[:8]}", DUE_SWEEP_SECONDS="1")
    worker = start_worker(env["CELERY_QUEUE"], env)
    beat = start_celery("beat", "--schedule", "/dev/null", env=env)
    yield
    stop(beat, worker)


@pytest.mark.celery_live
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (make test sets it)")
def test_a_live_worker_and_beat_move_a_due_participation(practice, users, worker_and_beat):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    project = make_project(practice, users[Role.POH_GGZ])
    (part,) = _letters_sent(project, users, 1, timezone.localdate() - timedelta(days=1))
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        part.refresh_from_db()
        if part.status == S.CALLBACK_DUE:
            break
        time.sleep(0.5)
    assert part.status == S.CALLBACK_DUE
    assert DueItem.objects.get(participation=part).done_at is not None
