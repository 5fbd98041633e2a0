"""Where an uploaded export lives until its import has finished (docs/security.md#least-privilege).

The file is kept only while it is needed: for the preview, and for the worker, which may
be killed half-way and then imports it again from the file (``import_batch_run``). Once
the import has finished, imported or failed, the file is deleted at once; the import's
page keeps what it needs, the counts and the rejected rows (stored on the batch). With
``UPLOAD_KEEP_DAYS`` above 0 it is kept that many days and deleted afterwards by beat
(``upload_files_purge``). With ``UPLOAD_KEY`` set the file is encrypted on disk (Fernet)
from the upload on; keeping files requires the key (settings). On disk a file is
readable by the app's user only (``FILE_UPLOAD_PERMISSIONS``).
"""

from datetime import datetime, timedelta

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q

from ..models import ImportBatch
from ..services import import_batch_discard

ENCRYPTED = ".fernet"  # the stored file's name ends in this when it is encrypted
# A preview never started is removed with its file after this many days.
PENDING_DAYS = 7
FINISHED = (ImportBatch.Status.DONE, ImportBatch.Status.FAILED, ImportBatch.Status.REFUSED)


def _fernet() -> Fernet | None:
    return Fernet(settings.UPLOAD_KEY) if settings.UPLOAD_KEY else None


def upload_store(*, batch: ImportBatch, data: bytes) -> None:
    """Put an upload's bytes on disk for ``batch`` (saved by the caller)."""
    name, fernet = f"{batch.uuid}.csv", _fernet()
    if fernet is not None:
        data, name = fernet.encrypt(data), name + ENCRYPTED
    batch.file.save(name, ContentFile(data), save=False)


def upload_read(*, batch: ImportBatch) -> bytes:
    """The upload's bytes as they came in (decrypted when stored encrypted)."""
    with batch.file.open("rb") as handle:
        data = handle.read()
    if (batch.file.name or "").endswith(ENCRYPTED):
        fernet = _fernet()
        if fernet is None:
            raise ValueError("UPLOAD_KEY is not set: an encrypted upload cannot be read.")
        data = fernet.decrypt(data)
    return data


def upload_delete(*, batch: ImportBatch) -> None:
    """Forget the batch's file and delete it from disk once the transaction has committed
    (a rolled-back transaction keeps it, with the row that names it)."""
    name = batch.file.name
    if not name:
        return
    ImportBatch.objects.filter(pk=batch.pk).update(file="")
    batch.file.name = ""
    storage = batch.file.storage
    transaction.on_commit(lambda: storage.delete(name))


def upload_finished(*, batch: ImportBatch) -> None:
    """The import has finished (imported or failed): its file goes now, unless files are
    kept (``UPLOAD_KEEP_DAYS``), when beat deletes it later."""
    if settings.UPLOAD_KEEP_DAYS == 0:
        upload_delete(batch=batch)


def upload_files_purge(*, now: datetime) -> int:
    """Beat: delete the files of imports finished more than ``UPLOAD_KEEP_DAYS`` days ago
    (also those of imports given up after a crash, which never reached
    ``upload_finished``), and remove previews never started within ``PENDING_DAYS``.
    Returns how many files were deleted."""
    keep = timedelta(days=settings.UPLOAD_KEEP_DAYS)
    finished = (ImportBatch.objects.exclude(file="").filter(status__in=FINISHED)
                .filter(Q(finished_at__lte=now - keep)
                        | Q(finished_at__isnull=True, created_at__lte=now - keep)))
    count = 0
    for batch in finished:
        upload_delete(batch=batch)
        count += 1
    for batch in ImportBatch.objects.filter(status=ImportBatch.Status.PENDING,
                                            created_at__lte=now - timedelta(days=PENDING_DAYS)):
        count += bool(batch.file.name)
        import_batch_discard(user=None, batch=batch)
    return count
