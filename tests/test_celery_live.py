"""A real Celery worker takes a task through Redis and writes to the database."""

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from benzoproject.models import WorkerHeartbeat
from benzoproject.tasks import heartbeat

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def live_worker(transactional_db):
    """A worker process on its own queue, connected to the test database."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "benzoproject", "worker", "--pool", "solo",
         "--queues", queue, "--loglevel", "WARNING", "--without-mingle", "--without-gossip"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    yield queue
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.mark.celery_live
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (make test sets it)")
def test_a_task_runs_through_redis_on_a_live_worker(live_worker):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    result = heartbeat.apply_async(kwargs={"name": "live-test"}, queue=live_worker)
    worker_name = result.get(timeout=60)
    assert worker_name.startswith("celery@")
    row = WorkerHeartbeat.objects.get(name="live-test")
    assert row.worker == worker_name
