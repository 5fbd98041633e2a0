from celery import shared_task
from django.utils import timezone

from .auditverify import audit_chain_check
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
from .prevention_services import starter_reviews_sweep

__all__ = ["import_batch", "progress_key", "purge_upload_files", "requeue_stale_imports",
           "sweep_due_steps", "verify_audit_chain"]


@shared_task(name="patients.tasks.sweep_due_steps")
def sweep_due_steps() -> int:
    """Beat's sweep of timed steps: moves whatever is due today (idempotent, SKIP LOCKED),
    and reminds the GPs of the agreements with new starters whose date has come."""
    today = timezone.localdate()
    return len(due_items_sweep(today=today)) + len(starter_reviews_sweep(today=today))


@shared_task(name="patients.tasks.verify_audit_chain")
def verify_audit_chain() -> bool:
    """Beat's daily check of the access log's hash chain; a new break alerts the beheerder."""
    return audit_chain_check().intact
