"""Load a parsed export into the database: one transaction, every row accounted for.

PostgreSQL (``_PostgresLoader``) gets the rows by binary ``COPY`` straight
into the tables, as close to PostgreSQL's own bulk load as the rules allow
(bench/README.md measures it against a bare ``COPY`` of the file). The file
is streamed: chunk by chunk, the rows are cleaned (parse.py) while the
chunks before them are being copied in.

- Imports of one practice take turns (a transaction-level advisory lock), so
  the patients the file names are either already stored (their ids are read
  first) or new. New ones get ids from the table's sequence chunk by chunk, on
  a second connection (a sequence stands outside transactions; the first is
  busy copying).
- The row keys of the stored patients' prescriptions are read first too, so
  every row is known to be new or present before it is sent: new rows are
  copied straight into ``patients_prescription`` (once per row key: duplicates
  within the file are dropped here), in primary-key order, by a thread of
  their own while the next chunk is cleaned (``pgcopy.CopyWorker``).
- A new patient is copied into ``patients_patient`` in the chunk they first
  appear in, with their newest row so far.
- At the end, stored patients, and new ones a later chunk held a newer row
  for, are updated with the details of their newest row in the file.
- Arrow's reading may find half-way through that the file needs the csv
  module (parse.NotForArrow): what was copied is rolled back to a savepoint
  and the file read again.

Prescription and Patient keep no foreign-key constraints in the database for
this (patients/models.py says why that is safe); bench/README.md gives the
phase-by-phase figures.

Other databases (SQLite on a first look) take a plain bulk path with the same
outcome (``_BulkLoader``). A refused file raises ``FileRefused`` before
anything is written.
"""

import gc
import hashlib
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd
import psycopg2
import pyarrow as pa
import pyarrow.compute as pc
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..audit import audit_log
from ..models import AuditEvent, ImportBatch, Patient, Practice, Prescription, Substance
from . import pgcopy
from .parse import (
    PRESCRIPTION_COLUMNS,
    Chunk,
    ExportReader,
    NotForArrow,
    key_digests,
    meanwhile,
    open_export,
    row_keys,
)

Progress = Callable[[int], None]
FIRST_CHUNK = 20_000  # records: small, so the database has rows to take in early
CHUNK = 50_000  # records: the last chunk is copied in after the rest is read; not too large
PATIENT_FIELDS = ["surname", "prefix", "initials", "sex", "birth_date", "street",
                  "house_number", "postcode", "city", "phone", "gp_name"]


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def import_file(*, practice: Practice, user, data: bytes, file_name: str,
                progress: Progress | None = None) -> ImportBatch:
    """Import a whole file now (command line, small uploads). Raises FileRefused."""
    sha256 = meanwhile(checksum, data)  # hashlib lets go of the GIL
    reader = open_export(data)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            practice=practice, uploaded_by=user, file_name=file_name, checksum=sha256(),
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
            message=getattr(error, "message", _("The import failed; nothing was stored.")))
        raise
    return batch


def _load(batch: ImportBatch, reader: ExportReader, *, user,
          progress: Progress | None) -> ImportBatch:
    batch.layout = reader.layout.code
    batch.encoding = reader.encoding
    approx_records = reader.approx_records() if progress else 1
    with _collector_paused():
        try:
            # A savepoint: Arrow's reading may find half-way through that the file needs the
            # csv module; what it stored until then is undone and the file read again.
            with transaction.atomic():
                counts = _store(batch, reader.arrow_chunks(size=CHUNK, first=FIRST_CHUNK),
                                progress, approx_records)
        except NotForArrow:
            counts = _store(batch, reader.csv_chunks(first=FIRST_CHUNK), progress,
                            approx_records)
    total, accepted, rows_new, patients_new, rejections = counts
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


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a file is read: the half million row keys (and
    the objects pandas makes) set it off again and again, and each time it walks every
    object of Django and pandas too (6% of the import's time in a profile). The import
    makes no cycles that need it; it runs again at the end."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _store(batch: ImportBatch, chunks: Iterator[Chunk], progress: Progress | None,
           approx_records: int) -> tuple[int, int, int, int, list[dict]]:
    """Store the chunks' rows: (records, accepted, new prescriptions, new patients,
    rejections)."""
    source = batch.layout
    if connection.vendor == "postgresql":
        loader = _PostgresLoader(batch, source=source)
    else:
        loader = _BulkLoader(batch)
    total = accepted = 0
    rejections = []
    try:
        for chunk in chunks:
            total += chunk.records
            accepted += chunk.rows.num_rows
            rejections += [{"line": r.line, "reason": r.reason, "raw": r.raw}
                           for r in chunk.rejections]
            loader.add(chunk.rows)
            if progress:
                progress(min(80, 80 * total // approx_records))
        patients_new = loader.patients(source=source)
        if progress:
            progress(90)
        rows_new = loader.prescriptions(source=source)
    finally:
        loader.close()
    return total, accepted, rows_new, patients_new, rejections


# pg_advisory_xact_lock(IMPORT_LOCK, practice id): one import per practice at a time.
IMPORT_LOCK = 0x62656E7A  # "benz"
PATIENT_COLUMNS = ["number", *PATIENT_FIELDS]
# Fixed-width fields first (one numpy record per row), then the rest, as pgcopy builds them.
PRESCRIPTION_COPY = ("patient_id, batch_id, date, units, line, row_key, substance_id, "
                     "strength_mg, atc, description, dosage, prescriber")
PRESCRIPTION_FIXED = np.dtype([
    ("fields", ">i2"), ("patient_size", ">i4"), ("patient", ">i8"), ("batch_size", ">i4"),
    ("batch", ">i8"), ("date_size", ">i4"), ("date", ">i4"), ("units_size", ">i4"),
    ("units", ">i4"), ("line_size", ">i4"), ("line", ">i4"), ("key_size", ">i4"),
    ("key", "u1", 16)])
PATIENT_COPY = ("id, practice_id, uuid, birth_date, source, number, surname, prefix, initials, "
                "sex, street, house_number, postcode, city, phone, gp_name")
PRESCRIPTION_TARGET = f"patients_prescription ({PRESCRIPTION_COPY})"
PATIENT_TARGET = f"patients_patient ({PATIENT_COPY})"
PATIENT_FIXED = np.dtype([
    ("fields", ">i2"), ("id_size", ">i4"), ("id", ">i8"), ("practice_size", ">i4"),
    ("practice", ">i8"), ("uuid_size", ">i4"), ("uuid", "u1", 16)])
# A temporary table of the same columns, for the stored patients' newest details (the SQL
# is made of this module's column lists only).
CREATE_IMPORT_PATIENTS = (
    f"CREATE TEMP TABLE import_patients ON COMMIT DROP AS SELECT {PATIENT_COPY} "  # noqa: S608
    "FROM patients_patient WITH NO DATA")
STORED_KEYS = """
    SELECT r.row_key FROM patients_prescription r JOIN patients_patient p ON p.id = r.patient_id
    WHERE p.practice_id = %s AND p.source = %s"""
GIVE_IDS = """
    WITH given AS (SELECT nextval(%s::regclass) AS id FROM generate_series(1, %s))
    SELECT min(id), max(id),
           CASE WHEN max(id) - min(id) + 1 = count(*) THEN NULL
                ELSE array_agg(id ORDER BY id) END
    FROM given"""
UPDATE_PATIENTS = """
    UPDATE patients_patient p SET
        surname = i.surname, prefix = i.prefix, initials = i.initials, sex = i.sex,
        birth_date = i.birth_date, street = i.street, house_number = i.house_number,
        postcode = i.postcode, city = i.city, phone = i.phone, gp_name = i.gp_name
    FROM import_patients i WHERE p.id = i.id
    AND (p.surname, p.prefix, p.initials, p.sex, p.birth_date, p.street, p.house_number,
         p.postcode, p.city, p.phone, p.gp_name)
        IS DISTINCT FROM (i.surname, i.prefix, i.initials, i.sex, i.birth_date, i.street,
                          i.house_number, i.postcode, i.city, i.phone, i.gp_name)"""


def _newest(days: np.ndarray, lines: np.ndarray, patients: np.ndarray) -> np.ndarray:
    """Which row is each patient's newest (latest date, then latest line): the rows'
    dates (as pgcopy.days gives them), lines and a code per patient."""
    order = np.lexsort((lines, days, patients))
    ordered = patients[order]
    return order[np.append(ordered[1:] != ordered[:-1], True)]


class _PostgresLoader:
    """Binary COPY straight into the tables (the module docstring says how)."""

    def __init__(self, batch: ImportBatch, *, source: str):
        self.batch = batch
        self.source = source
        connection.ensure_connection()
        self.db = connection.connection  # psycopg2's own: the COPY runs in another thread
        self.cursor = self.db.cursor()
        # New patients' ids come from the sequence on a connection of their own, chunk by
        # chunk, while this one is busy with the COPY (a sequence is outside transactions).
        self.ids_db = None
        self.seen: set[bytes] = set()  # row keys stored already or met in this file
        self.worker: pgcopy.CopyWorker | None = None
        self.copied: dict[str, int] = {}
        self.newest: list[pa.Table] = []  # each chunk's newest row per patient, with "place"
        # The database work before the first row runs while that row is being cleaned.
        self.error: BaseException | None = None
        self.preparing = threading.Thread(target=self._prepare, daemon=True)
        self.preparing.start()

    def _prepare(self) -> None:
        try:
            self.cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)",
                                [IMPORT_LOCK, self.batch.practice_id])
            self.cursor.execute("SELECT number, id FROM patients_patient "
                                "WHERE practice_id = %s AND source = %s",
                                [self.batch.practice_id, self.source])
            stored = self.cursor.fetchall()
            # A patient's "place": where their number and id stand in these two; the first
            # ``stored`` places are patients stored before, the rest new in this file.
            self.numbers = pa.array([number for number, _ in stored], pa.string())
            self.ids = np.array([pk for _, pk in stored], dtype=np.int64)
            self.stored = len(stored)
            self.sent_lines = np.zeros(len(stored), dtype=np.int64)  # per place: the line a
            # new patient was copied in with (0: none)
            self.cursor.execute("SELECT atc, id FROM patients_substance")
            self.substances = dict(self.cursor.fetchall())
            self.cursor.execute("SELECT pg_get_serial_sequence('patients_patient', 'id')")
            (self.sequence,) = self.cursor.fetchone()
            if stored:
                # The row keys of their prescriptions: a row with one of these is stored
                # already. (The lock keeps them as they are until this import commits, and
                # a key holds the patient number, so it is this practice's patient's.)
                self.seen.update(pgcopy.uuids_out(self.cursor, STORED_KEYS,
                                                  [self.batch.practice_id, self.source]))
            self.ids_db = psycopg2.connect(**connection.get_connection_params())
            self.ids_db.autocommit = True
        except BaseException as error:
            self.error = error

    def _ready(self) -> None:
        """Wait for ``_prepare``; after it, the connection is this thread's again."""
        if self.preparing is not None:
            self.preparing.join()
            self.preparing = None
        if self.error is not None:
            raise self.error

    def _ask_ids(self, numbers: pa.Array) -> Callable[[], tuple[pa.Array, np.ndarray]]:
        """Ids from the sequence for numbers that have none (each could be a patient's),
        asked for in a thread; the function returned gives the numbers (distinct, sorted,
        so that patient_identity too grows at its end) and their ids."""
        numbers = pc.unique(numbers)
        numbers = numbers.take(pc.sort_indices(numbers))

        def ask() -> tuple[pa.Array, np.ndarray]:
            with self.ids_db.cursor() as cursor:
                cursor.execute(GIVE_IDS, [self.sequence, len(numbers)])
                low, high, scattered = cursor.fetchone()
            # One statement takes its values in a row unless another session takes some at
            # the same moment; only then are they all sent.
            if scattered is None:
                return numbers, np.arange(low, high + 1, dtype=np.int64)
            return numbers, np.array(scattered, dtype=np.int64)

        return meanwhile(ask)

    def add(self, rows: pa.Table) -> None:
        """Queue the chunk's new patients (with their newest row in it) and its new
        prescriptions for copying in; remember each patient's newest row for the end."""
        if not rows.num_rows:
            return
        self._ready()
        numbers = rows.column("number").combine_chunks()
        found = pc.index_in(numbers, value_set=self.numbers)
        places = pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)
        missing = places < 0
        unknown = numbers.filter(pa.array(missing)) if missing.any() else None
        asked = self._ask_ids(unknown) if unknown is not None else None
        days = pgcopy.days(rows.column("date"))
        digests = key_digests(rows, self.source)
        # The first row of each key in the file, unless it is stored already; a key holds the
        # patient number, so rows with one key are one patient's, the (patient, row_key) the
        # database keeps once.
        seen, add = self.seen, self.seen.add
        first = np.array([d not in seen and not add(d) for d in digests], dtype=bool)
        keys = np.frombuffer(b"".join(digests), dtype=np.uint8).reshape(-1, 16)
        known = len(self.ids)
        if asked is not None:
            given, ids = asked()
            places[missing] = known + pc.index_in(unknown, value_set=given).to_numpy()
            self.numbers = pa.concat_arrays([self.numbers, given.cast(pa.string())])
            self.ids = np.concatenate([self.ids, ids])
            self.sent_lines = np.concatenate([self.sent_lines, np.zeros(len(ids), np.int64)])
        lines = rows.column("line").to_numpy()
        last = _newest(days, lines, places)
        newest = rows.select(PATIENT_COLUMNS).take(pa.array(last)).append_column(
            "date", pa.array(days[last])).append_column(
            "line", pa.array(lines[last])).append_column("place", pa.array(places[last]))
        self.newest.append(newest)
        if self.worker is None:
            self.worker = pgcopy.CopyWorker(self.db)
        # Patients met for the first time (their ids were given just now) go in at once,
        # with their newest row so far; ``patients`` corrects those a later chunk updates.
        fresh = places[last] >= known
        if fresh.any():
            self.sent_lines[places[last][fresh]] = lines[last][fresh]
            self.worker.copy(PATIENT_TARGET,
                             self._patients(newest.filter(pa.array(fresh)),
                                            self.ids[places[last][fresh]]))
        if first.any():
            self.worker.copy(PRESCRIPTION_TARGET,
                             self._prescriptions(rows, self.ids[places], keys, first, days))

    def _prescriptions(self, rows: pa.Table, patient_ids: np.ndarray, keys: np.ndarray,
                       which: np.ndarray, days: np.ndarray) -> bytes:
        """The rows ``which`` picks, in the binary COPY format of PRESCRIPTION_COPY."""
        rows = rows.select(["units", "line", "atc", "strength", "description", "dosage",
                            "prescriber"])
        if not which.all():
            rows = rows.filter(which)
        block = np.empty(rows.num_rows, dtype=PRESCRIPTION_FIXED)
        block["fields"] = 12
        block["patient_size"], block["patient"] = 8, patient_ids[which]
        block["batch_size"], block["batch"] = 8, self.batch.pk
        block["date_size"], block["date"] = 4, days[which]
        block["units_size"], block["units"] = 4, rows.column("units").to_numpy()
        block["line_size"], block["line"] = 4, rows.column("line").to_numpy()
        block["key_size"], block["key"] = 16, keys[which]
        substances = self.substances
        # In primary-key order (patient, row_key; PostgreSQL compares UUIDs bytewise): each
        # row then goes in at the right end of the index, where PostgreSQL inserts fastest.
        halves = keys[which].view(">u8").astype(np.uint64)
        order = np.lexsort((halves[:, 1], halves[:, 0], patient_ids[which]))
        return pgcopy.rows([
            pgcopy.fixed(block),
            pgcopy.by_value(rows.column("atc"),
                            lambda atc: pgcopy.int8_field(substances.get(atc))),
            pgcopy.by_value(rows.column("strength"), pgcopy.numeric_field),
            *pgcopy.text(rows.column("atc")), *pgcopy.text(rows.column("description")),
            *pgcopy.text(rows.column("dosage")), *pgcopy.text(rows.column("prescriber")),
        ], order)

    def _finish_copies(self) -> None:
        """Wait for the copies queued by ``add``; the connection is this thread's again."""
        self._ready()
        if self.worker is not None:
            worker, self.worker = self.worker, None
            try:
                self.copied = worker.finish()
            finally:
                worker.abort()

    def patients(self, *, source: str) -> int:
        """Bring stored patients, and new ones a later chunk had a newer row for, up to
        date with their newest row in the file; the number of new patients."""
        self._finish_copies()
        if not self.newest:
            return 0
        chunks = pa.concat_tables(self.newest)
        places = chunks.column("place").to_numpy()
        lines = chunks.column("line").to_numpy()
        newest = chunks.take(pa.array(_newest(chunks.column("date").to_numpy(), lines,
                                               places)))
        places, lines = newest.column("place").to_numpy(), newest.column("line").to_numpy()
        new = places >= self.stored
        outdated = ~new | (self.sent_lines[places] != lines)
        if outdated.any():
            # ON COMMIT DROP only drops at the outermost commit: an earlier import in the
            # same transaction (nested atomic blocks, tests) may have left the table behind.
            self.cursor.execute("DROP TABLE IF EXISTS import_patients")
            self.cursor.execute(CREATE_IMPORT_PATIENTS)
            pgcopy.copy(self.cursor, f"import_patients ({PATIENT_COPY})", self._patients(
                newest.filter(pa.array(outdated)), self.ids[places[outdated]]))
            self.cursor.execute(UPDATE_PATIENTS)
        return int(new.sum())

    def _patients(self, rows: pa.Table, ids: np.ndarray) -> bytes:
        """Patients with these ids and details, in the binary COPY format of PATIENT_COPY."""
        order = np.argsort(ids, kind="stable")  # ascending ids: the primary key grows at its end
        rows, ids = rows.take(pa.array(order)), ids[order]
        block = np.empty(rows.num_rows, dtype=PATIENT_FIXED)
        block["fields"] = 16
        block["id_size"], block["id"] = 8, ids
        block["practice_size"], block["practice"] = 8, self.batch.practice_id
        # Random (version 4) UUIDs, as uuid.uuid4() makes them; handed out in ascending order
        # with the ids, so that their unique index too grows at its end (a fifth faster
        # than inserting them at random places). Each is as random as before.
        random = np.frombuffer(os.urandom(16 * rows.num_rows), dtype=np.uint8).reshape(-1, 16)
        random = random.copy()
        random[:, 6] = (random[:, 6] & 0x0F) | 0x40
        random[:, 8] = (random[:, 8] & 0x3F) | 0x80
        halves = random.view(">u8")  # as PostgreSQL compares UUIDs: bytewise
        random = random[np.lexsort((halves[:, 1], halves[:, 0]))]
        block["uuid_size"], block["uuid"] = 16, random
        source = pa.array([self.source] * rows.num_rows, pa.string())
        texts = [pgcopy.text(rows.column(name)) for name in (
            "number", "surname", "prefix", "initials", "sex", "street", "house_number",
            "postcode", "city", "phone", "gp_name")]
        return pgcopy.rows([
            pgcopy.fixed(block), pgcopy.date_fields(rows.column("birth_date")),
            *pgcopy.text(source), *(field for pair in texts for field in pair)])

    def prescriptions(self, *, source: str) -> int:
        """The number of new prescriptions (all copied in by now)."""
        self._finish_copies()
        return self.copied.get(PRESCRIPTION_TARGET, 0)

    def close(self) -> None:
        """Stop the copies still queued (after an error; the transaction is rolled back)."""
        if self.preparing is not None:
            self.preparing.join()
            self.preparing = None
        if self.worker is not None:
            self.worker.abort()
            self.worker = None
        if self.ids_db is not None:
            self.ids_db.close()
            self.ids_db = None


class _BulkLoader:
    """The same outcome with the ORM, for SQLite on a first look."""

    def __init__(self, batch: ImportBatch):
        self.batch = batch
        self.frames: list[pd.DataFrame] = []

    def add(self, rows: pa.Table) -> None:
        if rows.num_rows:
            self.frames.append(rows.to_pandas())

    def close(self) -> None:
        pass

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
                substance_id=substances.get(row.atc), row_key=uuid.UUID(key), batch=self.batch,
                line=row.line)
             for row, key in zip(rows.itertuples(index=False), keys, strict=True)),
            batch_size=1000, ignore_conflicts=True)
        return mine.count() - before
