"""A real Celery worker takes a task through Redis and writes to the database."""

import uuid

import pytest
from django.conf import settings

from benzoproject.models import WorkerHeartbeat
from benzoproject.tasks import heartbeat

from .processes import process_env, start_worker, stop


@pytest.fixture
def live_worker(transactional_db):
    """A worker process on its own queue, connected to the test database."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = start_worker(queue, process_env())
    yield queue
    stop(worker)


@pytest.mark.celery_live
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (make test sets it)")
def test_a_task_runs_through_redis_on_a_live_worker(live_worker):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    result = heartbeat.apply_async(kwargs={"name": "live-test"}, queue=live_worker)
    worker_name = result.get(timeout=60)
    assert worker_name.startswith("celery@")
    row = WorkerHeartbeat.objects.get(name="live-test")
    assert row.worker == worker_name
