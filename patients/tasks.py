from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from .due import due_items_sweep
from .importing.load import import_batch_claim, import_batch_run


def progress_key(batch_id: int) -> str:
    return f"import-progress-{batch_id}"


@shared_task(name="patients.tasks.import_batch", acks_late=True)
def import_batch(batch_id: int) -> None:
    """Run an uploaded import; claimed first, so a redelivered message does nothing."""
    if not import_batch_claim(batch_id=batch_id):
        return
    import_batch_run(batch_id=batch_id,
                     progress=lambda pct: cache.set(progress_key(batch_id), pct, 3600))


@shared_task(name="patients.tasks.sweep_due_steps")
def sweep_due_steps() -> int:
    """Beat's sweep of timed steps: moves whatever is due today (idempotent, SKIP LOCKED)."""
    return len(due_items_sweep(today=timezone.localdate()))
