"""The sweep under real concurrency and a real Celery worker and beat
(docs/domain.md#timed-steps)."""

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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_a_sweep_killed_after_its_first_item_leaves_the_rest_whole(transactional_db, practice,
                                                                  users):
    import psycopg2

    project = make_project(practice, users[Role.POH_GGZ])
    first, second, third = _letters_sent(project, users, 3, date(2026, 10, 31))
    items = {p.pk: DueItem.objects.get(participation=p) for p in (first, second, third)}
    assert items[first.pk].pk < items[second.pk].pk < items[third.pk].pk
    # Another session holds the second patient's row: the sweep stops there, mid-item.
    db = connection.settings_dict
    dsn = {"dbname": db["NAME"], "user": db["USER"], "host": db["HOST"], "port": db["PORT"]}
    blocker = psycopg2.connect(**dsn)
    # pg_stat_activity is read once per transaction: watch from a session of its own.
    watcher = psycopg2.connect(**dsn)
    watcher.autocommit = True
    try:
        with blocker.cursor() as cursor:
            cursor.execute("SELECT id FROM patients_participation WHERE id = %s FOR UPDATE",
                           [second.pk])
        sweep = subprocess.Popen(
            [sys.executable, "manage.py", "run_due_steps", "--now", "2026-10-31"], cwd=ROOT,
            env=process_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 60
        waiting = False
        while time.monotonic() < deadline and not waiting:
            time.sleep(0.2)
            with watcher.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                               "AND wait_event_type = 'Lock'", [db["NAME"]])
                waiting = cursor.fetchone()[0] > 0
        if not waiting:
            sweep.kill()
            pytest.fail(f"the sweep never reached the second item: {sweep.communicate()[0]}")
        sweep.kill()  # SIGKILL: no clean-up of any kind
        sweep.wait(timeout=20)
    finally:
        blocker.rollback()
        blocker.close()
        watcher.close()
    for part in (first, second, third):
        part.refresh_from_db()
    assert first.status == S.CALLBACK_DUE
    assert DueItem.objects.get(pk=items[first.pk].pk).done_at is not None
    for part in (second, third):  # not half-moved: untouched
        assert part.status == S.LETTER_SENT
        assert DueItem.objects.get(pk=items[part.pk].pk).done_at is None
        assert not ParticipationEvent.objects.filter(participation=part).exists()
    result = subprocess.run([sys.executable, "manage.py", "run_due_steps", "--now",
                             "2026-10-31"], cwd=ROOT, env=process_env(), capture_output=True,
                            text=True, timeout=120, check=True)
    assert result.stdout.strip().splitlines()[-1] == "2 getimede stappen verwerkt op 31-10-2026."
    for part in (second, third):
        part.refresh_from_db()
        assert part.status == S.CALLBACK_DUE
