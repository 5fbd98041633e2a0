"""Load a parsed export into the database: one transaction, every row accounted for.

PostgreSQL gets the rows through ``COPY`` into a temporary table and two
set-based statements (patients upserted, prescriptions inserted with
``ON CONFLICT DO NOTHING``); other databases (SQLite on a first look) take a
plain bulk path with the same outcome. A refused file raises ``FileRefused``
before anything is written.
"""

import hashlib
import io
import uuid
from collections.abc import Callable

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from ..models import AuditEvent, ImportBatch, Patient, Practice, Prescription, Substance
from ..services import audit_log
from .parse import PRESCRIPTION_COLUMNS, ExportReader, open_export, row_keys

Progress = Callable[[int], None]
PATIENT_FIELDS = ["surname", "prefix", "initials", "sex", "birth_date", "street",
                  "house_number", "postcode", "city", "phone", "gp_name"]


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def import_file(*, practice: Practice, user, data: bytes, file_name: str,
                progress: Progress | None = None) -> ImportBatch:
    """Import a whole file now (command line, small uploads). Raises FileRefused."""
    reader = open_export(data)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            practice=practice, uploaded_by=user, file_name=file_name, checksum=checksum(data),
            size_bytes=len(data), status=ImportBatch.Status.RUNNING)
        return _load(batch, reader, user=user, progress=progress)


def import_batch_prepare(*, practice: Practice, user, data: bytes,
                         file_name: str) -> tuple[ImportBatch, ExportReader]:
    """Check an upload and keep it as a waiting import (for the preview). Raises FileRefused."""
    reader = open_export(data)
    batch = ImportBatch(practice=practice, uploaded_by=user, file_name=file_name[:255],
                        checksum=checksum(data), size_bytes=len(data),
                        layout=reader.layout.code, encoding=reader.encoding)
    batch.file.save(f"{batch.uuid}.csv", ContentFile(data), save=False)
    batch.save()
    return batch, reader


def import_batch_claim(*, batch_id: int) -> bool:
    """Move a previewed or queued import to running; False when someone already has it."""
    waiting = (ImportBatch.Status.PENDING, ImportBatch.Status.QUEUED)
    return bool(ImportBatch.objects.filter(pk=batch_id, status__in=waiting)
                .update(status=ImportBatch.Status.RUNNING, progress=0))


def import_batch_queue(*, batch_id: int) -> bool:
    """Mark a previewed import as waiting for the worker; False when it is not previewed."""
    return bool(ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.PENDING)
                .update(status=ImportBatch.Status.QUEUED))


def import_batch_run(*, batch_id: int, progress: Progress | None = None) -> ImportBatch:
    """Run a claimed import from its stored file; a failure is recorded on the batch."""
    batch = ImportBatch.objects.select_related("practice", "uploaded_by").get(pk=batch_id)
    data = batch.file.read()
    batch.file.close()
    try:
        with transaction.atomic():
            batch = _load(batch, open_export(data), user=batch.uploaded_by, progress=progress)
    except Exception as error:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.FAILED, finished_at=timezone.now(),
            message=getattr(error, "message", "Het inlezen is mislukt; er is niets opgeslagen."))
        raise
    return batch


def _load(batch: ImportBatch, reader: ExportReader, *, user,
          progress: Progress | None) -> ImportBatch:
    layout = reader.layout.code
    approx_records = reader.approx_records()
    loader = _PostgresLoader(batch) if connection.vendor == "postgresql" else _BulkLoader(batch)
    total = accepted = 0
    rejections = []
    for chunk in reader.chunks():
        total += chunk.records
        accepted += len(chunk.prescriptions)
        rejections += [{"line": r.line, "reason": r.reason, "raw": r.raw}
                       for r in chunk.rejections]
        loader.add(chunk.prescriptions)
        if progress:
            progress(min(80, 80 * total // approx_records))
    patients_new = loader.patients(source=layout)
    if progress:
        progress(90)
    rows_new = loader.prescriptions(source=layout)
    batch.layout = layout
    batch.encoding = reader.encoding
    batch.rows_total = total
    batch.rows_new = rows_new
    batch.rows_present = accepted - rows_new
    batch.rows_rejected = len(rejections)
    batch.rejections = rejections
    batch.patients_new = patients_new
    batch.status = ImportBatch.Status.DONE
    batch.progress = 100
    batch.finished_at = timezone.now()
    batch.save()
    audit_log(user=user, action=AuditEvent.Action.CREATE, obj=batch, practice=batch.practice,
              detail=f"{batch.file_name}: {total} rows, {rows_new} new, "
                     f"{batch.rows_present} present, {len(rejections)} rejected")
    return batch


UPSERT_PATIENTS = """
    INSERT INTO patients_patient (uuid, practice_id, source, number, surname, prefix, initials,
        sex, birth_date, street, house_number, postcode, city, phone, gp_name)
    SELECT gen_random_uuid(), %s, %s, number, coalesce(surname, ''), coalesce(prefix, ''),
        coalesce(initials, ''), coalesce(sex, 'X'), nullif(birth_date, '')::date,
        coalesce(street, ''),
        coalesce(house_number, ''), coalesce(postcode, ''), coalesce(city, ''),
        coalesce(phone, ''), coalesce(gp_name, '')
    FROM (SELECT DISTINCT ON (number) * FROM import_rows
          ORDER BY number, date DESC, line DESC) AS newest
    ON CONFLICT (practice_id, source, number) DO UPDATE SET
        surname = EXCLUDED.surname, prefix = EXCLUDED.prefix, initials = EXCLUDED.initials,
        sex = EXCLUDED.sex, birth_date = EXCLUDED.birth_date, street = EXCLUDED.street,
        house_number = EXCLUDED.house_number, postcode = EXCLUDED.postcode,
        city = EXCLUDED.city, phone = EXCLUDED.phone, gp_name = EXCLUDED.gp_name
    RETURNING (xmax = 0)"""

# The row key as parse.row_keys computes it: MD5 of the layout and KEY_COLUMNS joined by U+001F.
INSERT_PRESCRIPTIONS = """
    INSERT INTO patients_prescription (patient_id, date, atc, description, strength_mg, units,
        dosage, prescriber, substance_id, row_key, batch_id)
    SELECT p.id, r.date::date, r.atc, coalesce(r.description, ''),
        nullif(r.strength, '')::numeric, r.units::integer, coalesce(r.dosage, ''),
        coalesce(r.prescriber, ''), s.id,
        md5(concat_ws(chr(31), %s, r.number, r.date, r.atc, coalesce(r.description, ''),
                      coalesce(r.strength, ''), r.units, coalesce(r.dosage, '')))::uuid, %s
    FROM import_rows r
    JOIN patients_patient p ON p.practice_id = %s AND p.source = %s AND p.number = r.number
    LEFT JOIN patients_substance s ON s.atc = r.atc
    ON CONFLICT (patient_id, row_key) DO NOTHING"""


class _PostgresLoader:
    """COPY into a temporary table, then set-based upsert and insert."""

    def __init__(self, batch: ImportBatch):
        self.batch = batch
        self.cursor = connection.cursor()
        columns = ", ".join(f"{c} text" for c in PRESCRIPTION_COLUMNS if c != "line")
        # ON COMMIT DROP only drops at the outermost commit: an earlier import in the same
        # transaction (nested atomic blocks, tests) may have left the table behind.
        self.cursor.execute("DROP TABLE IF EXISTS import_rows")
        self.cursor.execute(
            f"CREATE TEMP TABLE import_rows (line integer, {columns}) ON COMMIT DROP")

    def add(self, rows: pd.DataFrame) -> None:
        if rows.empty:
            return
        buffer = io.BytesIO()
        pacsv.write_csv(pa.Table.from_pandas(rows[PRESCRIPTION_COLUMNS], preserve_index=False),
                        buffer, write_options=pacsv.WriteOptions(include_header=False))
        buffer.seek(0)
        self.cursor.copy_expert(
            f"COPY import_rows ({', '.join(PRESCRIPTION_COLUMNS)}) FROM STDIN WITH (FORMAT csv)",
            buffer)

    def patients(self, *, source: str) -> int:
        """Upsert one patient per number, with the details of their newest row."""
        # Fresh statistics, or the planner takes the temporary table for empty.
        self.cursor.execute("ANALYZE import_rows")
        self.cursor.execute(UPSERT_PATIENTS, [self.batch.practice_id, source])
        return sum(1 for (inserted,) in self.cursor.fetchall() if inserted)

    def prescriptions(self, *, source: str) -> int:
        self.cursor.execute(INSERT_PRESCRIPTIONS, [source, self.batch.pk,
                                                   self.batch.practice_id, source])
        return self.cursor.rowcount


class _BulkLoader:
    """The same outcome with the ORM, for SQLite on a first look."""

    def __init__(self, batch: ImportBatch):
        self.batch = batch
        self.frames: list[pd.DataFrame] = []

    def add(self, rows: pd.DataFrame) -> None:
        if not rows.empty:
            self.frames.append(rows)

    def _rows(self) -> pd.DataFrame:
        if not self.frames:
            return pd.DataFrame(columns=PRESCRIPTION_COLUMNS)
        return pd.concat(self.frames, ignore_index=True)

    def patients(self, *, source: str) -> int:
        rows = self._rows()
        newest = rows.sort_values(["number", "date", "line"]).drop_duplicates("number", keep="last")
        existing = {p.number: p for p in Patient.objects.filter(
            practice=self.batch.practice, source=source, number__in=list(newest["number"]))}
        new, changed = [], []
        for row in newest.itertuples(index=False):
            details = {f: getattr(row, f) or ("" if f != "birth_date" else None)
                       for f in PATIENT_FIELDS}
            patient = existing.get(row.number)
            if patient is None:
                new.append(Patient(practice=self.batch.practice, source=source,
                                   number=row.number, **details))
            else:
                for name, value in details.items():
                    setattr(patient, name, value)
                changed.append(patient)
        Patient.objects.bulk_create(new, batch_size=1000)
        Patient.objects.bulk_update(changed, PATIENT_FIELDS, batch_size=1000)
        return len(new)

    def prescriptions(self, *, source: str) -> int:
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
                substance_id=substances.get(row.atc), row_key=uuid.UUID(key), batch=self.batch)
             for row, key in zip(rows.itertuples(index=False), keys, strict=True)),
            batch_size=1000, ignore_conflicts=True)
        return mine.count() - before
