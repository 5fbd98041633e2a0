"""The benchmark's export generator (bench/generate.py): layouts, encodings, determinism."""

import csv
import io
from datetime import date

import pytest

from bench.generate import generate

# The columns of docs/formats.md, written out here so the test does not trust the generator.
HIS_COLUMNS = ["patientnummer", "achternaam", "tussenvoegsel", "voorletters", "geslacht",
               "geboortedatum", "straat", "huisnummer", "postcode", "woonplaats", "telefoon",
               "huisarts", "voorschrijfdatum", "atc", "omschrijving", "sterkte", "eenheid",
               "aantal", "gebruiksvoorschrift"]
APOTHEEK_COLUMNS = ["Patiëntnummer", "Naam", "Geboortedatum", "Adres", "Postcode", "Woonplaats",
                    "Voorschrijver", "Afleverdatum", "ATC", "Artikel", "Aantal", "Dosering"]
BOM = b"\xef\xbb\xbf"
PATIENTS = 200


def _rows(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_his_export_is_cp1252_with_semicolons_and_crlf(tmp_path):
    path = tmp_path / "his.csv"
    written = generate(path, layout="his", patients=PATIENTS)
    data = path.read_bytes()

    assert not data.startswith(BOM)
    assert data.count(b"\r\n") == data.count(b"\n") == written + 1  # header + rows, all CRLF
    assert "M. Öztürk".encode("cp1252") in data  # cp1252, so not valid UTF-8
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    rows = _rows(data.decode("cp1252"), ";")
    assert rows[0] == HIS_COLUMNS
    assert len(rows) - 1 == written
    assert all(len(row) == len(HIS_COLUMNS) for row in rows)


def test_pharmacy_export_is_utf8_with_bom_commas_and_strength_in_the_article(tmp_path):
    path = tmp_path / "apotheek.csv"
    written = generate(path, layout="apotheek", patients=PATIENTS)
    data = path.read_bytes()

    assert data.startswith(BOM)
    assert b"\r" not in data
    rows = _rows(data.decode("utf-8-sig"), ",")
    assert rows[0] == APOTHEEK_COLUMNS
    assert len(rows) - 1 == written
    assert all(len(row) == len(APOTHEEK_COLUMNS) for row in rows)
    # A strength with a decimal comma is inside a quoted article ("LORAZEPAM 0,5MG TABLET").
    assert any("," in row[9] and "MG" in row[9] for row in rows[1:])
    assert b'"' in data


@pytest.mark.parametrize("layout", ["his", "apotheek"])
def test_same_seed_gives_the_same_bytes(tmp_path, layout):
    first, again, other = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    generate(first, layout=layout, patients=PATIENTS, seed=7)
    generate(again, layout=layout, patients=PATIENTS, seed=7)
    generate(other, layout=layout, patients=PATIENTS, seed=8)

    assert first.read_bytes() == again.read_bytes()
    assert first.read_bytes() != other.read_bytes()


def test_rows_are_realistic_in_number_kind_and_date(tmp_path):
    path = tmp_path / "his.csv"
    reference = date(2026, 9, 15)
    written = generate(path, layout="his", patients=PATIENTS, reference=reference)
    rows = _rows(path.read_text(encoding="cp1252"), ";")[1:]

    assert 3 * PATIENTS <= written <= 7 * PATIENTS  # about five rows per patient
    benzo = sum(row[13].startswith(("N05BA", "N05CD", "N05CF")) for row in rows)
    assert 0.45 <= benzo / written <= 0.75  # about 60% benzodiazepines
    dates = []
    for row in rows:
        try:
            day, month, year = map(int, row[12].split("-"))
            dates.append(date(year, month, day))
        except ValueError:
            continue  # a damaged row
    assert date(2024, 9, 15) <= min(dates) and max(dates) <= reference
