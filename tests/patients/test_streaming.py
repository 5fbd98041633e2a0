"""Arrow's streaming read (readers.ExportReader.arrow_chunks) and the importer's way back to
the csv module when a file turns out half-way through not to suit Arrow: whatever was
stored by then is undone, and the result is that of the csv module's reading."""

import pytest

from patients.importing import NotForArrow, import_file, load, open_export, readers
from patients.models import ImportBatch, Patient, Prescription

from .exports import his, his_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 2 KiB and a first chunk of 5 records: a file of 60 rows is read in many
    blocks and chunks, as a large export is."""
    monkeypatch.setattr(readers, "ARROW_BLOCK", 2048)
    monkeypatch.setattr(load, "FIRST_CHUNK", 5)


def rows(n: int) -> list[dict[str, str]]:
    """n different prescriptions of n // 3 patients, in the order an export lists them."""
    return [his_row(patientnummer=str(200000 + i // 3), aantal=str(10 + i),
                    achternaam=f"Patiënt{i // 3}", voorschrijfdatum=f"{1 + i % 28:02d}-05-2026")
            for i in range(n)]


def stored() -> list[tuple]:
    return sorted(Prescription.objects.values_list("patient__number", "units", "line"))


def test_a_file_arrow_can_read_is_read_in_blocks_with_lines_right(small_blocks):
    data = his(*rows(60))
    reader = open_export(data)
    chunks = list(reader.arrow_chunks(size=20, first=5))
    assert [c.records for c in chunks] == [5, 20, 20, 15]
    lines = [line for c in chunks for line in c.rows.column("line").to_pylist()]
    assert lines == list(range(2, 62))
    assert list(reader.csv_chunks(size=20, first=5))[1].rows.equals(chunks[1].rows)


@pytest.mark.parametrize("damage", ["line break in a field", "row too wide", "row too narrow",
                                    "extra column filled"])
def test_damage_after_the_first_chunks_falls_back_to_the_csv_module(practice, small_blocks,
                                                                   damage):
    good = rows(60)
    data = his(*good)
    lines = data.split(b"\r\n")
    at = 55  # line 56 of the file: long after the first rows were copied in
    if damage == "line break in a field":
        good[at - 1]["gebruiksvoorschrift"] = "1 dd 1\r\nbij slapeloosheid"
        data = his(*good)
    elif damage == "row too wide":
        lines[at] += b";x"
        data = b"\r\n".join(lines)
    elif damage == "row too narrow":
        lines[at] = lines[at].rsplit(b";", 1)[0]
        data = b"\r\n".join(lines)
    else:  # every row ends in an empty field the header does not name; one far down fills it
        lines = [line + b";" if number and line else line for number, line in enumerate(lines)]
        lines[at] += b"let op"
        data = b"\r\n".join(lines)
    with pytest.raises(NotForArrow):
        list(open_export(data).arrow_chunks(size=20, first=5))

    batch = import_file(practice=practice, user=None, data=data, file_name="x.csv")

    expected = list(open_export(data).csv_chunks())
    accepted = sum(c.rows.num_rows for c in expected)
    rejected = [(r.line, r.reason) for c in expected for r in c.rejections]
    assert (batch.rows_total, batch.rows_new, batch.rows_present) == (60, accepted, 0)
    assert [(r["line"], r["reason"]) for r in batch.rejections] == rejected
    assert Prescription.objects.count() == accepted
    assert Patient.objects.count() == 20
    assert stored() == sorted(
        (number, units, line) for c in expected for number, units, line in zip(
            c.rows.column("number").to_pylist(), c.rows.column("units").to_pylist(),
            c.rows.column("line").to_pylist(), strict=True))
    if damage == "line break in a field":
        assert rejected == []
        assert Prescription.objects.get(units=10 + at - 1).dosage == (
            "1 dd 1\r\nbij slapeloosheid")
    else:
        assert [line for line, _ in rejected] == [at + 1]


def test_fallback_after_stored_patients_keeps_everything_once(practice, small_blocks):
    good = rows(60)
    import_file(practice=practice, user=None, data=his(*good[:30]), file_name="first.csv")
    good[50]["gebruiksvoorschrift"] = "zo nodig\n1 tablet"
    batch = import_file(practice=practice, user=None, data=his(*good), file_name="second.csv")
    assert (batch.rows_total, batch.rows_new, batch.rows_present, batch.patients_new) == (
        60, 30, 30, 10)
    assert Prescription.objects.count() == 60
    assert ImportBatch.objects.count() == 2


@pytest.mark.parametrize("data", [
    b"", b"a", b"a\n", b"a\r", b"a\r\n", b"\r\n\r\n", b"\r\r\n\n", b"a\rb\nc\r\nd",
    b"x\r" * 9, b"x\r\n" * 9, b"\n\r" * 9, b"ab\r", b"ab\r\ncd\r",
])
@pytest.mark.parametrize("slice_bytes", [1, 2, 3, 1 << 24])
def test_line_count_counts_crlf_lf_and_lone_cr_across_slices(monkeypatch, data, slice_bytes):
    monkeypatch.setattr(readers, "LINE_COUNT_SLICE", slice_bytes)
    lone_or_lf = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
    expected = lone_or_lf + (0 if not data or data.endswith((b"\n", b"\r")) else 1)
    assert readers._line_count(data) == expected


@pytest.mark.parametrize("later_row", ["newer", "older", "same day, later line"])
def test_a_patient_in_several_chunks_gets_the_details_of_their_newest_row(
        practice, small_blocks, later_row):
    """New patients are copied in chunk by chunk with their newest row so far; a later
    chunk holding a newer row for one of them brings them up to date at the end."""
    first = his_row(patientnummer="300001", straat="Oude Gracht", voorschrijfdatum="10-06-2026")
    date = {"newer": "11-06-2026", "older": "09-06-2026",
            "same day, later line": "10-06-2026"}[later_row]
    later = his_row(patientnummer="300001", straat="Nieuwe Weg", voorschrijfdatum=date,
                    aantal="60")
    batch = import_file(practice=practice, user=None, file_name="x.csv",
                        data=his(first, *rows(40), later))
    patient = Patient.objects.get(number="300001")
    assert patient.street == ("Oude Gracht" if later_row == "older" else "Nieuwe Weg")
    assert patient.prescriptions.count() == 2
    assert (batch.patients_new, batch.rows_new) == (15, 42)
    assert Patient.objects.filter(number="200013").get().surname == "Patiënt13"
