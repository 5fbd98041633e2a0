"""Import a file: one transaction, every row accounted for (README.md in this folder).

The entry points: ``import_file`` (now, whole: the command line, tests, the
bench), and for an upload ``import_batch_prepare`` (check and keep it for the
preview), ``import_batch_claim`` and ``import_batch_run`` (whether that runs at
once or on the worker is decided in background.py). A refused file raises
``FileRefused`` before anything is written.

``_load`` streams the chunks ``readers`` gives into a loader: ``PostgresLoader``
(binary COPY, postgres.py) on PostgreSQL, ``BulkLoader`` (the ORM, the same
outcome) elsewhere, SQLite on a first look. Arrow's reading may find half-way
through that the file needs the csv module (``NotForArrow``): what was stored
until then is rolled back to a savepoint and the file read again.
"""

import gc
import hashlib
import uuid
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from typing import Any

import pandas as pd
import pyarrow as pa
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benzoproject.background import MAX_ATTEMPTS, claim_is_stale, job_claim, jobs_to_send

from ..audit import audit_log
from ..models import AuditEvent, ImportBatch, Patient, Practice, Prescription, Substance
from ..services import import_batch_done
from .files import upload_finished, upload_read, upload_store
from .keys import row_keys
from .postgres import PATIENT_FIELDS, PostgresLoader, address_notice, lent
from .readers import Chunk, ExportReader, NotForArrow, open_export
from .rules import PRESCRIPTION_COLUMNS

Progress = Callable[[int], None]
ADDRESS_FIELDS = ("street", "house_number", "postcode", "city")
FIRST_CHUNK = 20_000  # records: small, so the database has rows to take in early
CHUNK = 50_000  # records: the last chunk is copied in after the rest is read; not too large


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def import_file(*, practice: Practice, user, data: bytes, file_name: str,
                progress: Progress | None = None) -> ImportBatch:
    """Import a whole file now (command line, small uploads). Raises FileRefused."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-sha") as pool:
        hashing = pool.submit(checksum, data)  # hashlib lets go of the GIL: beside the reading
        reader = open_export(data)
        sha256 = hashing.result()
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            practice=practice, uploaded_by=user, file_name=file_name, checksum=sha256,
            size_bytes=len(data), status=ImportBatch.Status.RUNNING)
        return _load(batch, reader, user=user, progress=progress)


def import_batch_prepare(*, practice: Practice, user, data: bytes,
                         file_name: str) -> tuple[ImportBatch, ExportReader]:
    """Check an upload and keep it as a waiting import (for the preview). Raises FileRefused."""
    reader = open_export(data)
    batch = ImportBatch(practice=practice, uploaded_by=user, file_name=file_name[:255],
                        checksum=checksum(data), size_bytes=len(data),
                        layout=reader.layout.code, encoding=reader.encoding)
    upload_store(batch=batch, data=data)
    batch.save()
    return batch, reader


class ClaimLost(Exception):
    """Another process took the import over; this one stores nothing."""


def import_batch_claim(*, batch_id: int, task_id: str = "") -> str:
    """Take an import to run it: its claim, or '' when another process has it.

    A previewed or queued import is taken. A running one is taken over only when its
    claim is stale (older than the task time limit: that worker is gone) or was made
    by this same task (Celery delivers a message again only after the process that had
    it was lost). An import started ``MAX_ATTEMPTS`` times that never finished is
    marked failed instead (benzoproject/background.py).
    """
    return job_claim(
        ImportBatch.objects.filter(pk=batch_id), task_id=task_id, progress=0,
        waiting=(ImportBatch.Status.PENDING, ImportBatch.Status.QUEUED),
        running=ImportBatch.Status.RUNNING, failed=ImportBatch.Status.FAILED, gave_up=_(
            "The import was interrupted %(count)d times and has been stopped; nothing was "
            "stored. Upload the file again, or ask the administrator to look at the "
            "background worker.") % {"count": MAX_ATTEMPTS})


def import_batch_queue(*, batch_id: int) -> bool:
    """Mark a previewed import as waiting for the worker; False when it is not previewed.

    ``queued_at`` stays empty until the task is in the broker (``import_batch_sent``)."""
    return bool(ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.PENDING)
                .update(status=ImportBatch.Status.QUEUED, queued_at=None))


def import_batch_sent(*, batch_id: int) -> None:
    """The task for a waiting import is in the broker now."""
    ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.QUEUED).update(
        queued_at=timezone.now())


def import_batches_to_send() -> list[int]:
    """Imports whose task must be sent (again): waiting without a message in the broker
    (never sent, or sent long ago) or running under a stale claim."""
    return jobs_to_send(ImportBatch.objects.all(), queued=ImportBatch.Status.QUEUED,
                        running=ImportBatch.Status.RUNNING)


def import_batch_is_stuck(batch: ImportBatch) -> bool:
    """Running under a claim so old that its worker is gone: it is started again."""
    return batch.status == ImportBatch.Status.RUNNING and claim_is_stale(batch.claimed_at)


def import_batch_run(*, batch_id: int, progress: Progress | None = None,
                     claim: str = "") -> ImportBatch:
    """Run a claimed import from its stored file; a failure is recorded on the batch.

    The whole import is one transaction that first locks the batch row and checks the
    claim (``claim`` given): a process that took the import over waits for this one to
    end, and one whose claim was taken stores nothing. So an import interrupted
    half-way left nothing behind, and its rerun starts from scratch.
    """
    batch = ImportBatch.objects.select_related("practice", "uploaded_by").get(pk=batch_id)
    data = upload_read(batch=batch)
    mine = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.RUNNING)
    if claim:
        mine = mine.filter(claim=claim)
    try:
        with transaction.atomic():
            if not list(mine.select_for_update().values_list("pk", flat=True)):
                raise ClaimLost
            batch = _load(batch, open_export(data), user=batch.uploaded_by, progress=progress)
    except ClaimLost:
        batch.refresh_from_db()
        return batch
    except Exception as error:
        mine.update(status=ImportBatch.Status.FAILED, finished_at=timezone.now(),
                    message=getattr(error, "message", _("The import failed; nothing was stored.")))
        upload_finished(batch=batch)
        raise
    # Finished: the file goes (docs/security.md#least-privilege); a run interrupted before
    # this point keeps it, so the run that takes the import over finds it.
    upload_finished(batch=batch)
    return batch


def _load(batch: ImportBatch, reader: ExportReader, *, user,
          progress: Progress | None) -> ImportBatch:
    batch.layout = reader.layout.code
    batch.encoding = reader.encoding
    approx_records = reader.approx_records() if progress else 1
    with collector_paused():
        try:
            # A savepoint: Arrow's reading may find half-way through that the file needs the
            # csv module; what it stored until then is undone and the file read again.
            with transaction.atomic():
                counts = _store(batch, reader.arrow_chunks(size=CHUNK, first=FIRST_CHUNK),
                                progress, approx_records)
        except NotForArrow:
            counts = _store(batch, reader.csv_chunks(first=FIRST_CHUNK), progress,
                            approx_records)
    total, accepted, rows_new, patients_new, rejections, address_notices = counts
    batch.rows_total = total
    batch.rows_new = rows_new
    batch.rows_present = accepted - rows_new
    batch.rows_rejected = len(rejections)
    batch.rejections = rejections
    batch.patients_new = patients_new
    batch.address_notices = address_notices
    batch.status = ImportBatch.Status.DONE
    batch.progress = 100
    batch.finished_at = timezone.now()
    batch.save()
    audit_log(user=user, action=AuditEvent.Action.CREATE, obj=batch, practice=batch.practice,
              detail=f"{batch.file_name}: {total} rows, {rows_new} new, "
                     f"{batch.rows_present} present, {len(rejections)} rejected")
    import_batch_done(batch=batch)  # plan steps and new GP names (docs/domain.md, steps 1, 4)
    return batch


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off inside the block, as it was before after it (also after
    an error). While a file is read, the half million row keys (and the objects pandas
    makes) set it off again and again, and each time it walks every object of Django and
    pandas too (6% of the import's time in a profile); the import makes no cycles that
    need it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _store(batch: ImportBatch, chunks: Generator[Chunk, None, None], progress: Progress | None,
           approx_records: int) -> tuple[int, int, int, int, list[dict], list[dict]]:
    """Store the chunks' rows: (records, accepted, new prescriptions, new patients,
    rejections, addresses corrected in the app that the file differs from). The chunks
    are closed on the way out, so that their reading stops."""
    source = batch.layout
    postgres = connection.vendor == "postgresql"
    total = accepted = 0
    rejections = []
    with (PostgresLoader(batch, source=source) if postgres
          else BulkLoader(batch, source=source)) as loader:
        try:
            with lent() if postgres else nullcontext():
                for chunk in chunks:
                    total += chunk.records
                    accepted += chunk.rows.num_rows
                    rejections += [{"line": r.line, "reason": r.reason, "raw": r.raw,
                                    "number": r.number}
                                   for r in chunk.rejections]
                    loader.add(chunk.rows)
                    if progress:
                        progress(min(80, 80 * total // approx_records))
                if isinstance(loader, PostgresLoader):
                    loader.finish()
        finally:
            chunks.close()
        patients_new = loader.patients()
        if progress:
            progress(90)
        rows_new = loader.prescriptions()
    return total, accepted, rows_new, patients_new, rejections, loader.address_notices


class BulkLoader:
    """The same outcome with the ORM, for SQLite on a first look."""

    def __init__(self, batch: ImportBatch, *, source: str):
        self.batch = batch
        self.source = source
        self.frames: list[pd.DataFrame] = []
        self.address_notices: list[dict[str, str]] = []  # as PostgresLoader's

    def add(self, rows: pa.Table) -> None:
        if rows.num_rows:
            self.frames.append(rows.to_pandas())

    def __enter__(self) -> "BulkLoader":
        return self

    def __exit__(self, *exc) -> None:
        pass

    def _rows(self) -> pd.DataFrame:
        if not self.frames:
            return pd.DataFrame(columns=PRESCRIPTION_COLUMNS)
        return pd.concat(self.frames, ignore_index=True)

    def patients(self) -> int:
        source = self.source
        rows = self._rows()
        newest = rows.sort_values(["number", "date", "line"]).drop_duplicates("number", keep="last")
        existing = {p.number: p for p in Patient.objects.filter(
            practice=self.batch.practice, source=source, number__in=list(newest["number"]))}
        new, changed = [], []
        for row in _records(newest):
            details = {f: getattr(row, f) or ("" if f != "birth_date" else None)
                       for f in PATIENT_FIELDS}
            patient = existing.get(row.number)
            if patient is None:
                new.append(Patient(practice=self.batch.practice, source=source,
                                   number=row.number, **details))
                continue
            if patient.address_corrected_at is not None:
                # Corrected in the app: kept; a different one in the file is listed.
                kept = [getattr(patient, name) for name in ADDRESS_FIELDS]
                found = [details.pop(name) for name in ADDRESS_FIELDS]
                if kept != found:
                    self.address_notices.append(address_notice(row.number, kept=kept,
                                                               file=found))
            for name, value in details.items():
                setattr(patient, name, value)
            changed.append(patient)
        Patient.objects.bulk_create(new, batch_size=1000)
        Patient.objects.bulk_update(changed, PATIENT_FIELDS, batch_size=1000)
        self.address_notices.sort(key=lambda notice: notice["number"].encode())
        return len(new)

    def prescriptions(self) -> int:
        source = self.source
        rows = self._rows()
        ids = dict(Patient.objects.filter(practice=self.batch.practice, source=source)
                   .values_list("number", "id"))
        substances = dict(Substance.objects.values_list("atc", "id"))
        keys = row_keys(rows, source)
        mine = Prescription.objects.filter(patient__practice=self.batch.practice)
        before = mine.count()
        Prescription.objects.bulk_create(
            (Prescription(
                patient_id=ids[row.number], date=row.date, atc=row.atc,
                description=row.description, strength_mg=row.strength or None,
                units=row.units, dosage=row.dosage, prescriber=row.prescriber,
                substance_id=substances.get(row.atc), row_key=uuid.UUID(key), batch=self.batch,
                line=row.line)
             for row, key in zip(_records(rows), keys, strict=True)),
            batch_size=1000, ignore_conflicts=True)
        return mine.count() - before


def _records(frame: pd.DataFrame) -> Iterator[Any]:
    """The frame's rows as named tuples; their fields are whatever the cleaned columns hold
    (pandas' stubs type them as any scalar at all)."""
    return frame.itertuples(index=False)
