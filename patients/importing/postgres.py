"""Loading a file's rows into PostgreSQL by binary COPY (README.md in this folder).

``PostgresLoader`` takes the chunks of clean rows ``readers`` gives and copies
them straight into ``patients_patient`` and ``patients_prescription``, as
close to PostgreSQL's own bulk load as the rules allow (bench/README.md
measures it against a bare ``COPY`` of the file):

- Imports of one practice take turns (a transaction-level advisory lock), so
  the patients the file names are either stored already (their ids and their
  prescriptions' row keys are read first) or new. Every row is known to be
  new or present before it is sent: no temporary table, no ``ON CONFLICT``.
- New patients get ids from the table's sequence chunk by chunk; a new patient
  is copied in with their newest row in the chunk they first appear in, and
  each chunk's new prescriptions (once per row key) in primary-key order.
- At the end (``patients``), stored patients, and new ones a later chunk held
  a newer row for, are updated with their newest row in the file, except for an
  address corrected in the app: that is kept, and a different one in the file is
  listed (``address_notices``) for the import's page.

The connection is lent to one worker thread (a ``ThreadPoolExecutor`` of one)
from the start until ``finish``: it runs every statement in the order they
were submitted, while this thread cleans the next chunk. Meanwhile the ORM may
not use the connection in this thread (``lent`` makes that an error).
Prescription and Patient keep no foreign-key constraints in the database for
this (patients/models.py says why that is safe).
"""

import os
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection

from ..models import ImportBatch
from . import pgcopy
from .keys import key_digests

PATIENT_FIELDS = ["surname", "prefix", "initials", "sex", "birth_date", "street",
                  "house_number", "postcode", "city", "phone", "gp_name"]
QUEUED_COPIES = 4  # COPY statements waiting for the database thread, at most: a few chunks

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
    f"CREATE TEMP TABLE import_patients ON COMMIT DROP AS SELECT {PATIENT_COPY} "  # noqa: S608 # nosec B608 - constants
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
# The same when some of the practice's patients have an address corrected in the app: that
# address is kept (docs/formats.md), the file's counts only for the others.
UPDATE_PATIENTS_KEEP_CORRECTED = """
    UPDATE patients_patient p SET
        surname = i.surname, prefix = i.prefix, initials = i.initials, sex = i.sex,
        birth_date = i.birth_date, street = i.street, house_number = i.house_number,
        postcode = i.postcode, city = i.city, phone = i.phone, gp_name = i.gp_name
    FROM (
        SELECT i.id, i.surname, i.prefix, i.initials, i.sex, i.birth_date, i.phone, i.gp_name,
               CASE WHEN k.address_corrected_at IS NULL THEN i.street ELSE k.street END
                   AS street,
               CASE WHEN k.address_corrected_at IS NULL THEN i.house_number
                    ELSE k.house_number END AS house_number,
               CASE WHEN k.address_corrected_at IS NULL THEN i.postcode ELSE k.postcode END
                   AS postcode,
               CASE WHEN k.address_corrected_at IS NULL THEN i.city ELSE k.city END AS city
        FROM import_patients i JOIN patients_patient k ON k.id = i.id
    ) i
    WHERE p.id = i.id
    AND (p.surname, p.prefix, p.initials, p.sex, p.birth_date, p.street, p.house_number,
         p.postcode, p.city, p.phone, p.gp_name)
        IS DISTINCT FROM (i.surname, i.prefix, i.initials, i.sex, i.birth_date, i.street,
                          i.house_number, i.postcode, i.city, i.phone, i.gp_name)"""
# Patients whose address was corrected in the app while the file has another one: the
# import keeps the corrected address and lists these on its page.
CORRECTED_ADDRESSES = """
    SELECT p.number, p.street, p.house_number, p.postcode, p.city,
           i.street, i.house_number, i.postcode, i.city
    FROM import_patients i JOIN patients_patient p ON p.id = i.id
    WHERE p.address_corrected_at IS NOT NULL
    AND (p.street, p.house_number, p.postcode, p.city)
        IS DISTINCT FROM (i.street, i.house_number, i.postcode, i.city)
    ORDER BY p.number COLLATE "C" """


def newest_rows(days: np.ndarray, lines: np.ndarray, patients: np.ndarray) -> np.ndarray:
    """Which row is each patient's newest (latest date, then latest line): the rows'
    dates (as pgcopy.days gives them), lines and a code per patient."""
    order = np.lexsort((lines, days, patients))
    ordered = patients[order]
    return order[np.append(ordered[1:] != ordered[:-1], True)]


def address_line(street: str, house_number: str, postcode: str, city: str) -> str:
    """'Molenlaan 64-2, 6874 JC Zevenaar', as ``Patient.address_line`` writes it."""
    first = " ".join(p for p in (street, house_number) if p)
    town = " ".join(p for p in (postcode, city) if p)
    return ", ".join(p for p in (first, town) if p)


def address_notice(number: str, *, kept, file) -> dict[str, str]:
    """One line of the import's notice: the patient number, the address corrected in the
    app that was kept, and the one in the file. ``kept`` and ``file`` are (street,
    house number, postcode, city)."""
    return {"number": number, "kept": address_line(*(v or "" for v in kept)),
            "file": address_line(*(v or "" for v in file))}


class ConnectionLent(RuntimeError):
    """The ORM was used on the connection while the import's database thread had it."""


@contextmanager
def lent() -> Iterator[None]:
    """Refuse the ORM's use of this thread's connection inside the block (the import's
    database thread uses it; two threads at once would mix their statements)."""

    def refuse(execute, sql, params, many, context):
        raise ConnectionLent("the import's database thread has this connection until it "
                             "finishes; query after PostgresLoader.finish()")

    with connection.execute_wrapper(refuse):
        yield


class PostgresLoader:
    """Binary COPY straight into the tables (the module docstring says how). Use it as a
    context manager: leaving stops the database thread (and drops what is still queued,
    after an error; the caller's transaction rolls back what ran)."""

    def __init__(self, batch: ImportBatch, *, source: str):
        self.batch = batch
        self.source = source
        connection.ensure_connection()
        self.cursor = connection.connection.cursor()  # psycopg2's own, for the worker
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-db")
        self.queued: deque[tuple[str, Future]] = deque()
        self.copied: Counter[str] = Counter()
        self.finished = False
        self.seen: set[bytes] = set()  # row keys stored already or met in this file
        self.newest: list[pa.Table] = []  # each chunk's newest row per patient, with "place"
        # Corrected addresses kept against the file ({"number", "kept", "file"}), by patients.
        self.address_notices: list[dict[str, str]] = []
        self.any_corrected = False  # set by _prepare
        # The database work before the first row runs while that row is being cleaned.
        self.prepared = self.worker.submit(self._prepare)

    def __enter__(self) -> "PostgresLoader":
        return self

    def __exit__(self, *exc) -> None:
        self.worker.shutdown(wait=True, cancel_futures=True)

    def _prepare(self) -> None:
        """(Database thread.) Lock, then read what is stored for this practice and layout."""
        self.cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)",
                            [IMPORT_LOCK, self.batch.practice_id])
        self.cursor.execute("SELECT number, id, address_corrected_at IS NOT NULL "
                            "FROM patients_patient WHERE practice_id = %s AND source = %s",
                            [self.batch.practice_id, self.source])
        rows = self.cursor.fetchall()
        stored = [(number, pk) for number, pk, _corrected in rows]
        # Whether any has an address corrected in the app, which the import keeps.
        self.any_corrected = any(corrected for _n, _pk, corrected in rows)
        # A patient's "place": where their number and id stand in these two; the first
        # ``stored`` places are patients stored before, the rest new in this file.
        self.numbers = pa.array([number for number, _ in stored], pa.string())
        self.ids = np.array([pk for _, pk in stored], dtype=np.int64)
        self.stored = len(stored)
        # Per place: the line a new patient was copied in with (0: none).
        self.sent_lines = np.zeros(len(stored), dtype=np.int64)
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

    def _give_ids(self, count: int) -> np.ndarray:
        """(Database thread.) ``count`` ids from the patients' sequence, ascending."""
        self.cursor.execute(GIVE_IDS, [self.sequence, count])
        low, high, scattered = self.cursor.fetchone()
        # One statement takes its values in a row unless another session takes some at the
        # same moment; only then are they all sent.
        if scattered is None:
            return np.arange(low, high + 1, dtype=np.int64)
        return np.array(scattered, dtype=np.int64)

    def _copy(self, target: str, payload: bytes) -> None:
        """Queue a COPY for the database thread; wait for the oldest when too many wait."""
        if self.finished:
            raise ConnectionLent("the loader has finished; no more rows may be copied")
        if payload:
            self.queued.append((target, self.worker.submit(pgcopy.copy, self.cursor, target,
                                                           payload)))
        while self.queued and (len(self.queued) > QUEUED_COPIES or self.queued[0][1].done()):
            done_target, copy = self.queued.popleft()
            self.copied[done_target] += copy.result()  # raises the COPY's error here

    def add(self, rows: pa.Table) -> None:
        """Queue the chunk's new patients (with their newest row in it) and its new
        prescriptions for copying in; remember each patient's newest row for the end."""
        if not rows.num_rows:
            return
        self.prepared.result()
        numbers = rows.column("number").combine_chunks()
        found = pc.index_in(numbers, value_set=self.numbers)
        places = pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)
        missing = places < 0
        asked = None
        if missing.any():
            # Numbers that have no id (each could be a patient's): distinct and sorted, so
            # that patient_identity too grows at its end. Their ids are asked for now and
            # taken after the row keys are made.
            unknown = numbers.filter(pa.array(missing))
            given = pc.unique(unknown)
            given = given.take(pc.sort_indices(given))
            asked = self.worker.submit(self._give_ids, len(given))
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
            ids = asked.result()
            places[missing] = known + pc.index_in(unknown, value_set=given).to_numpy()
            self.numbers = pa.concat_arrays([self.numbers, given.cast(pa.string())])
            self.ids = np.concatenate([self.ids, ids])
            self.sent_lines = np.concatenate([self.sent_lines, np.zeros(len(ids), np.int64)])
        lines = rows.column("line").to_numpy()
        last = newest_rows(days, lines, places)
        newest = rows.select(PATIENT_COLUMNS).take(pa.array(last)).append_column(
            "date", pa.array(days[last])).append_column(
            "line", pa.array(lines[last])).append_column("place", pa.array(places[last]))
        self.newest.append(newest)
        # Patients met for the first time (their ids were given just now) go in at once,
        # with their newest row so far; ``patients`` corrects those a later chunk updates.
        fresh = places[last] >= known
        if fresh.any():
            self.sent_lines[places[last][fresh]] = lines[last][fresh]
            self._copy(PATIENT_TARGET, self._patients(newest.filter(pa.array(fresh)),
                                                      self.ids[places[last][fresh]]))
        if first.any():
            self._copy(PRESCRIPTION_TARGET,
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

    def finish(self) -> None:
        """Wait for every statement queued; from here on the connection is this thread's
        again (``patients`` and the caller's ORM use it)."""
        self.prepared.result()
        while self.queued:
            target, copy = self.queued.popleft()
            self.copied[target] += copy.result()
        self.finished = True

    def patients(self) -> int:
        """Bring stored patients, and new ones a later chunk had a newer row for, up to
        date with their newest row in the file; the number of new patients."""
        self.finish()
        if not self.newest:
            return 0
        chunks = pa.concat_tables(self.newest)
        places = chunks.column("place").to_numpy()
        lines = chunks.column("line").to_numpy()
        newest = chunks.take(pa.array(newest_rows(chunks.column("date").to_numpy(), lines,
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
            if self.any_corrected:
                self.cursor.execute(CORRECTED_ADDRESSES)
                self.address_notices = [
                    address_notice(number, kept=row[:4], file=row[4:])
                    for number, *row in self.cursor.fetchall()]
                self.cursor.execute(UPDATE_PATIENTS_KEEP_CORRECTED)
            else:
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

    def prescriptions(self) -> int:
        """The number of new prescriptions (all copied in once ``finish`` has run)."""
        self.finish()
        return self.copied[PRESCRIPTION_TARGET]
