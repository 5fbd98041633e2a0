from celery import shared_task
from django.utils import timezone

from .due import due_items_sweep

# The import's tasks (the import, and beat's sending again of lost ones) live beside the
# import (importing/background.py); importing them here registers them with Celery, which
# looks for tasks in this module.
from .importing.background import (
    import_batch,
    progress_key,
    purge_upload_files,
    requeue_stale_imports,
)

__all__ = ["import_batch", "progress_key", "purge_upload_files", "requeue_stale_imports",
           "sweep_due_steps"]


@shared_task(name="patients.tasks.sweep_due_steps")
def sweep_due_steps() -> int:
    """Beat's sweep of timed steps: moves whatever is due today (idempotent, SKIP LOCKED)."""
    return len(due_items_sweep(today=timezone.localdate()))
