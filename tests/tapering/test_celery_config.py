"""Celery is configured for timed steps that survive restarts and run once (issue #6)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from benzoproject.celery import app
from tapering.tasks import send_digest

ROOT = Path(__file__).resolve().parent.parent.parent


def test_tasks_are_acknowledged_late_one_at_a_time_with_time_limits():
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert 0 < settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (make test sets it)")
def test_redis_visibility_timeout_is_longer_than_the_longest_task():
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert timeout > settings.CELERY_TASK_TIME_LIMIT


def test_beat_sweeps_the_due_steps_and_sends_the_digest_with_registered_tasks():
    schedule = settings.CELERY_BEAT_SCHEDULE
    tasks = {entry["task"] for entry in schedule.values()}
    assert {"patients.tasks.sweep_due_steps", "tapering.tasks.queue_digests"} <= tasks
    app.loader.import_default_modules()
    assert tasks <= set(app.tasks)
    assert settings.CELERY_BEAT_SCHEDULER.startswith("django_celery_beat")


def test_mail_is_retried_with_backoff():
    assert send_digest.autoretry_for and send_digest.retry_backoff
    assert send_digest.max_retries >= 3


def test_exactly_one_beat_process_in_every_way_the_app_is_started():
    procfile = (ROOT / "Procfile.dev").read_text().splitlines()
    beats = [line for line in procfile if re.search(r"celery .*\bbeat\b", line)]
    assert len(beats) == 1
    workers = [line for line in procfile if " worker" in line]
    assert workers and not any(re.search(r"\s(-B|--beat)\b", line) for line in workers)
    compose = (ROOT / "docker-compose.yml").read_text()
    assert len(re.findall(r'"celery", "-A", "benzoproject", "beat"', compose)) == 1
    assert not re.search(r'"worker".*"(-B|--beat)"', compose)
