"""An upload's import at once or on the Celery worker: the choice, the task and the
beat job that sends what was lost (docs/architecture.md#celery).

``import_batch_start`` is the one place that decides (the view only calls it):
a file up to ``IMPORT_SYNC_MAX_BYTES`` is imported in the request, a larger one
is queued, and the task is sent once the request's transaction commits (so the
worker finds the batch queued). When the broker cannot be reached the batch stays
queued without ``queued_at``: its page says so and offers to start it again, and
``requeue_stale_imports`` sends it once the broker is back.

The task claims the batch first (``import_batch_claim``). A message delivered
again after its worker died takes the import over and runs it from the start; the
import is one transaction, so the interrupted run left nothing behind and the file
is imported once.
"""

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from benzoproject.background import WorkerUnreachable, send_each, send_task
from benzoproject.progress import progress_reporter

from ..models import ImportBatch
from .files import upload_files_purge
from .load import (
    import_batch_claim,
    import_batch_queue,
    import_batch_run,
    import_batch_sent,
    import_batches_to_send,
)

IMPORT_TASK = "patients.tasks.import_batch"


def progress_key(batch_id: int) -> str:
    return f"import-progress-{batch_id}"


@shared_task(name=IMPORT_TASK, acks_late=True, ignore_result=True, bind=True)
def import_batch(self, batch_id: int) -> None:
    """Run an uploaded import: claimed first, so a second message for a running import
    does nothing, while this same message delivered again (its worker died) takes over."""
    claim = import_batch_claim(batch_id=batch_id, task_id=self.request.id or "")
    if not claim:
        return
    report = progress_reporter(progress_key(batch_id))
    report(0)
    import_batch_run(batch_id=batch_id, progress=report, claim=claim)


def import_batch_send(batch_id: int) -> bool:
    """Send the task for an import; False when the broker cannot be reached."""
    try:
        send_task(IMPORT_TASK, batch_id)
    except WorkerUnreachable:
        return False
    import_batch_sent(batch_id=batch_id)
    return True


def import_batch_start(*, batch: ImportBatch) -> bool:
    """Start a previewed import; True when it went to the worker (or waits for it).

    A small file is imported now; a failure is recorded on the batch (its page shows
    it) and raised again. A queued import is sent again (the user's "start again"
    after an outage; the claim keeps a second message harmless). Starting an import
    that is running or finished does nothing.
    """
    if batch.size_bytes <= settings.IMPORT_SYNC_MAX_BYTES:
        claim = import_batch_claim(batch_id=batch.pk)
        if claim:
            import_batch_run(batch_id=batch.pk, claim=claim)
        return False
    if import_batch_queue(batch_id=batch.pk) or batch.status == ImportBatch.Status.QUEUED:
        transaction.on_commit(lambda: import_batch_send(batch.pk))
    return True


@shared_task(name="patients.tasks.requeue_stale_imports", ignore_result=True)
def requeue_stale_imports() -> int:
    """Beat: send the task again for imports that wait without a message or whose worker
    died; stops at the first failure to reach the broker. Returns how many were sent."""
    return send_each(import_batches_to_send(), import_batch_send)


@shared_task(name="patients.tasks.purge_upload_files", ignore_result=True)
def purge_upload_files() -> int:
    """Beat, hourly: delete uploaded exports kept past ``UPLOAD_KEEP_DAYS`` and previews never
    started (patients/importing/files.py). Returns how many files were deleted."""
    return upload_files_purge(now=timezone.now())
