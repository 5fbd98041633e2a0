"""An upload's import at once or on the Celery worker: the choice and the task.

``import_batch_start`` is the one place that decides (the view only calls it):
a file up to ``IMPORT_SYNC_MAX_BYTES`` is imported in the request, a larger one
is queued, and the task is sent once the request's transaction commits (so the
worker finds the batch queued). The task claims the batch first, so a message
delivered twice imports it once.
"""

from celery import shared_task
from django.conf import settings
from django.db import transaction

from benzoproject.progress import progress_reporter

from ..models import ImportBatch
from .load import import_batch_claim, import_batch_queue, import_batch_run


def progress_key(batch_id: int) -> str:
    return f"import-progress-{batch_id}"


@shared_task(name="patients.tasks.import_batch", acks_late=True)
def import_batch(batch_id: int) -> None:
    """Run an uploaded import; claimed first, so a redelivered message does nothing."""
    if not import_batch_claim(batch_id=batch_id):
        return
    import_batch_run(batch_id=batch_id, progress=progress_reporter(progress_key(batch_id)))


def import_batch_start(*, batch: ImportBatch) -> bool:
    """Start a previewed import; True when it went to the worker.

    A small file is imported now; a failure is recorded on the batch (its page shows
    it) and raised again. Starting an import that is no longer waiting does nothing.
    """
    if batch.size_bytes <= settings.IMPORT_SYNC_MAX_BYTES:
        if import_batch_claim(batch_id=batch.pk):
            import_batch_run(batch_id=batch.pk)
        return False
    if import_batch_queue(batch_id=batch.pk):
        transaction.on_commit(lambda: import_batch.delay(batch.pk))
    return True
