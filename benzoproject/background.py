"""Work on the Celery worker that must survive a crash or an outage
(docs/architecture.md#celery).

A job (an import, a print run) is a database row that is its own queue. A process
*claims* the row before it works on it; the claim carries the Celery task id and a
time. A claim is taken over when

- the same task message comes back (Celery delivers a message again only after the
  process that had it was lost, so that process is gone), or
- it is older than the task's hard time limit plus a grace period: by then the
  worker has killed the task, or the worker itself is gone.

A beat job sends the task again for rows whose claim is stale and for rows that
wait without a message (the broker was down when they were started). The job's
writes happen in one transaction that also checks the claim, so a job is never done
twice. Sending a task gives up quickly when the broker cannot be reached
(``send_task``): the caller shows a message and the row waits to be sent again.
"""

import logging
import os
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from celery import current_app
from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# After this many claims a job that never finished is marked failed instead of being
# started again (a file that kills the worker every time must not loop for ever).
MAX_ATTEMPTS = 3


class WorkerUnreachable(Exception):
    """The task could not be handed to the broker (Redis is down or unreachable)."""


def claim_grace_seconds() -> int:
    return int(getattr(settings, "BACKGROUND_CLAIM_GRACE_SECONDS", 60))


def stale_claim_before(now: datetime | None = None) -> datetime:
    """A claim made before this lost its process: the hard time limit has passed."""
    limit = int(getattr(settings, "CELERY_TASK_TIME_LIMIT", 30 * 60))
    return (now or timezone.now()) - timedelta(seconds=limit + claim_grace_seconds())


def resend_queued_before(now: datetime | None = None) -> datetime:
    """A row queued (or last sent) before this may have no message: send it again."""
    seconds = int(getattr(settings, "BACKGROUND_RESEND_SECONDS", 300))
    return (now or timezone.now()) - timedelta(seconds=seconds)


def claim_is_stale(claimed_at: datetime | None) -> bool:
    """A job's claim that has outlived the task time limit: its worker is gone."""
    return claimed_at is not None and claimed_at < stale_claim_before()


def job_claim(jobs: QuerySet[Any], *, waiting: Iterable[str], running: str, failed: str,
              task_id: str, gave_up: str, **start: Any) -> str:
    """Claim the job in ``jobs`` (one row) to work on it: the claim, or '' when another
    process has it (or it is gone).

    A job in a ``waiting`` status is taken. A ``running`` one is taken over only when
    its claim is stale or was made by this same task (a message delivered again: the
    process that had it was lost). A job claimed ``MAX_ATTEMPTS`` times that never
    finished is set to ``failed`` with the message ``gave_up`` instead. ``start`` are
    further fields set with the claim (the progress to show)."""
    now = timezone.now()
    claim = task_id or f"now-{uuid.uuid4().hex}"
    takeover = Q(status=running, claimed_at__lt=stale_claim_before(now))
    if task_id:
        takeover |= Q(status=running, claim=task_id)
    takeable = jobs.filter(Q(status__in=list(waiting)) | takeover)
    if takeable.filter(attempts__lt=MAX_ATTEMPTS).update(
            status=running, claim=claim, claimed_at=now, attempts=F("attempts") + 1, **start):
        return claim
    takeable.update(status=failed, finished_at=now, message=gave_up)
    return ""


def jobs_to_send(jobs: QuerySet[Any], *, queued: str, running: str) -> list[int]:
    """The jobs whose task must be sent (again), oldest first: waiting without a message
    in the broker (never sent, or sent long ago) or running under a stale claim."""
    now = timezone.now()
    return list(jobs.filter(
        Q(status=queued, queued_at__isnull=True)
        | Q(status=queued, queued_at__lt=resend_queued_before(now))
        | Q(status=running, claimed_at__lt=stale_claim_before(now)))
        .order_by("created_at", "id").values_list("pk", flat=True))


def send_task(name: str, *args: object) -> None:
    """Hand the task registered as ``name`` to the broker; raise WorkerUnreachable quickly
    when the broker is down.

    The task is looked up in Celery's registry, so a service need not import its task
    module (which imports the service: a cycle). The publish retry policy and the
    connection timeouts in settings keep a failure to a few seconds; the job tasks
    store no result (``ignore_result``), so nothing waits on the result store either.
    """
    if name not in current_app.tasks:  # the apps' task modules are found lazily
        current_app.loader.import_default_modules()
    try:
        current_app.tasks[name].delay(*args)
    except (KombuError, RedisError, OSError) as error:
        logger.warning("could not send %s%r to the broker: %s", name, args, error)
        raise WorkerUnreachable(str(error)) from error


def send_each(ids: Iterable[int], send: Callable[[int], bool]) -> int:
    """Beat's re-queue of stale jobs: ``send(id)`` for each, stopping at the first that
    cannot reach the broker (the rest would fail too; the next beat tries again).
    Returns how many were sent."""
    sent = 0
    for job_id in ids:
        if not send(job_id):
            break
        sent += 1
    return sent


def pause_point(name: str) -> None:
    """A hook for the process tests: inert unless ``BACKGROUND_TEST_PAUSE`` names a folder.

    When the folder holds a file ``pause``, the first process to reach a pause point
    takes that file (renames it to ``paused-<name>-<pid>``) and waits there until the
    test kills it or removes the file, so a worker can be killed at a known point in
    the middle of a job. Later processes find no ``pause`` file and go on.
    """
    folder = getattr(settings, "BACKGROUND_TEST_PAUSE", "")
    if not folder:
        return
    taken = Path(folder) / f"paused-{name}-{os.getpid()}"
    try:
        os.rename(Path(folder) / "pause", taken)
    except OSError:
        return
    deadline = time.monotonic() + 300
    while taken.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
