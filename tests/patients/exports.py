"""Prescription export files built in memory, in the two layouts of docs/formats.md.

The tests write files the way a HIS or a pharmacy does (csv module, their
delimiter and encoding) and vary one thing at a time: header case and order,
extra columns, line ends, blank lines, byte-order mark, encoding.
"""

import csv
import io
import unicodedata
from collections.abc import Iterable
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
SAMPLE_HIS = DATA / "his_voorschriften.csv"
SAMPLE_APOTHEEK = DATA / "apotheek_afleveringen.csv"
EXPECTED_HIS = DATA / "expected_groslijst_his.csv"
EXPECTED_APOTHEEK = DATA / "expected_groslijst_apotheek.csv"
# The reference table the migration loads (a copy of shared/data/benzo_reference.csv).
BENZO_REFERENCE = Path(__file__).resolve().parents[2] / "patients" / "data" / "benzo_reference.csv"
SAMPLE_REFERENCE_DATE = "2026-09-15"

HIS_HEADER = ["patientnummer", "achternaam", "tussenvoegsel", "voorletters", "geslacht",
              "geboortedatum", "straat", "huisnummer", "postcode", "woonplaats", "telefoon",
              "huisarts", "voorschrijfdatum", "atc", "omschrijving", "sterkte", "eenheid",
              "aantal", "gebruiksvoorschrift"]
APOTHEEK_HEADER = ["Patiëntnummer", "Naam", "Geboortedatum", "Adres", "Postcode", "Woonplaats",
                   "Voorschrijver", "Afleverdatum", "ATC", "Artikel", "Aantal", "Dosering"]


def key(name: str) -> str:
    """A header name as the row dicts here spell it: no accents, lower case, no spaces."""
    name = unicodedata.normalize("NFKD", name)
    return "".join(c for c in name if not unicodedata.combining(c)).strip().lower()


def his_row(**fields: str) -> dict[str, str]:
    """One HIS row: a temazepam prescription unless the fields say otherwise."""
    row = {
        "patientnummer": "100001", "achternaam": "Berg", "tussenvoegsel": "van den",
        "voorletters": "T.", "geslacht": "V", "geboortedatum": "25-12-1952",
        "straat": "Molenlaan", "huisnummer": "64-2", "postcode": "6874 JC",
        "woonplaats": "Zevenaar", "telefoon": "06-42989829", "huisarts": "M. Öztürk",
        "voorschrijfdatum": "07-07-2026", "atc": "N05CD07",
        "omschrijving": "Temazepam 20mg capsule", "sterkte": "20", "eenheid": "mg",
        "aantal": "30", "gebruiksvoorschrift": "1 dd 1 capsule voor de nacht",
    }
    unknown = set(fields) - set(row)
    assert not unknown, f"no such HIS column: {unknown}"
    row.update(fields)
    return row


def apotheek_row(**fields: str) -> dict[str, str]:
    """One pharmacy row: a lorazepam dispensing unless the fields say otherwise."""
    row = {
        "patientnummer": "P106026", "naam": "Dekker, P.", "geboortedatum": "2000-12-13",
        "adres": "Burgemeester de Kockstraat 110", "postcode": "6939AA", "woonplaats": "Rheden",
        "voorschrijver": "S. van Dam", "afleverdatum": "2026-07-23", "atc": "N05BA06",
        "artikel": "LORAZEPAM 0,5MG TABLET", "aantal": "20", "dosering": "max 2 per dag",
    }
    unknown = set(fields) - set(row)
    assert not unknown, f"no such pharmacy column: {unknown}"
    row.update(fields)
    return row


def text(header: list[str], rows: Iterable[dict[str, str] | list[str]], *, delimiter: str,
         newline: str = "\r\n") -> str:
    """CSV text as the csv module writes it (RFC 4180 quoting where needed).

    A row given as a dict is laid out under ``header`` by folded name (missing
    names give empty fields); a row given as a list is written as it is.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    for row in rows:
        if isinstance(row, dict):
            writer.writerow([row.get(key(name), "") for name in header])
        else:
            writer.writerow(row)
    return out.getvalue()


def his(*rows: dict[str, str] | list[str], header: list[str] | None = None,
        newline: str = "\r\n", encoding: str = "cp1252", bom: bool = False) -> bytes:
    """A HIS export (``;``, cp1252 by default, as the sample)."""
    body = text(header or HIS_HEADER, rows, delimiter=";", newline=newline)
    return ("\ufeff" if bom else "").encode("utf-8") + body.encode(encoding)


def apotheek(*rows: dict[str, str] | list[str], header: list[str] | None = None,
             newline: str = "\r\n", encoding: str = "utf-8", bom: bool = True) -> bytes:
    """A pharmacy list (``,``, UTF-8 with a byte-order mark by default, as the sample)."""
    body = text(header or APOTHEEK_HEADER, rows, delimiter=",", newline=newline)
    return ("\ufeff" if bom else "").encode("utf-8") + body.encode(encoding)
