"""The binary COPY encoding the PostgreSQL importer writes (patients/importing/pgcopy.py):
every value reads back as PostgreSQL reads its text."""

import uuid
from datetime import date

import numpy as np
import pyarrow as pa
import pytest
from django.db import connection

from patients.importing import import_file, pgcopy
from patients.models import Patient, Prescription

from .exports import his, his_row

pytestmark = pytest.mark.django_db

STRENGTHS = ["0.0001", "0.001", "0.25", "0.5", "1", "2.5", "7.5", "10", "20", "100", "1000",
             "9999.9999", "10000", "10000.0001", "12345678.1234", "99999999.9999", ""]
DATES = ["0001-01-01", "1677-09-21", "1999-12-31", "2000-01-01", "2000-01-02", "2024-02-29",
         "2026-07-07", "9999-12-31", ""]


@pytest.fixture
def copied():
    if connection.vendor != "postgresql":
        pytest.skip("binary COPY is PostgreSQL's")

    def copy(columns: str, fields: list[pa.Array]) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE copied ({columns})")
            raw = connection.connection.cursor()
            assert pgcopy.copy(raw, "copied", pgcopy.rows(fields)) == len(fields[0])
            cursor.execute("SELECT * FROM copied")
            return cursor.fetchall()

    return copy


def test_numeric_and_date_fields_read_back_as_their_text(copied):
    strengths = pa.array(STRENGTHS)
    dates = pa.array(DATES[:len(STRENGTHS)] + [""] * (len(STRENGTHS) - len(DATES)))
    count = np.full(len(STRENGTHS), 2, dtype=">i2")
    rows = copied("strength numeric(12, 4), day date", [
        pgcopy.fixed(count), pgcopy.by_value(strengths, pgcopy.numeric_field),
        pgcopy.date_fields(dates)])
    with connection.cursor() as cursor:
        cursor.execute("SELECT nullif(s, '')::numeric(12, 4), nullif(d, '')::date "
                       "FROM unnest(%s::text[], %s::text[]) AS t(s, d)",
                       [STRENGTHS, dates.to_pylist()])
        assert rows == cursor.fetchall()
    assert rows[5] == (pytest.approx(2.5), date(2024, 2, 29))


def test_text_int8_and_fixed_fields_read_back(copied):
    values = pa.array(["", "Öztürk", "x" * 300, "a;b\"c\r\nd", "€ ’ ë"])
    block = np.zeros(len(values), dtype=[("fields", ">i2"), ("size", ">i4"), ("n", ">i8")])
    block["fields"], block["size"], block["n"] = 3, 8, [0, 1, -1, 2**62, -(2**62)]
    ids = pa.array([None, 1, 2, None, 2**40], pa.int64())
    rows = copied("n bigint, t text, i bigint", [
        pgcopy.fixed(block), *pgcopy.text(values),
        pgcopy.by_value(ids, pgcopy.int8_field)])
    assert rows == [(0, "", None), (1, "Öztürk", 1), (-1, "x" * 300, 2),
                    (2**62, "a;b\"c\r\nd", None), (-(2**62), "€ ’ ë", 2**40)]


def test_numeric_field_refuses_what_the_parser_never_makes():
    for value in ("0", "-1", "0.00001"):
        with pytest.raises(ValueError):
            pgcopy.numeric_field(value)


def test_file_with_stored_and_new_patients_stores_each_prescription_once(practice):
    import_file(practice=practice, user=None, file_name="a.csv",
                data=his(his_row(), his_row(aantal="60")))
    batch = import_file(practice=practice, user=None, file_name="b.csv", data=his(
        his_row(aantal="60"), his_row(aantal="90"), his_row(aantal="90"),
        his_row(patientnummer="100002"), his_row(patientnummer="100002"),
        his_row(patientnummer="100003", achternaam="Nieuw")))
    assert (batch.rows_total, batch.rows_new, batch.rows_present, batch.patients_new) == (
        6, 3, 3, 2)
    assert sorted(Prescription.objects.filter(patient__number="100001")
                  .values_list("units", flat=True)) == [30, 60, 90]
    assert Patient.objects.get(number="100003").surname == "Nieuw"
    assert Prescription.objects.count() == 5


def test_uuids_read_out_as_their_sixteen_bytes(copied):
    values = [bytes(16), bytes(15) + b"\x01", b"\xff" * 16, b"\x00\x01" + bytes(14)]
    with connection.cursor() as cursor:
        found = pgcopy.uuids_out(cursor, "SELECT unnest(%s::uuid[])",
                                 [[uuid.UUID(bytes=v) for v in values]])
        assert pgcopy.uuids_out(cursor, "SELECT NULL::uuid WHERE false", []) == []
        with pytest.raises(ValueError):
            pgcopy.uuids_out(cursor, "SELECT NULL::uuid", [])
    assert found == values
