"""Decoding an export's bytes and recognising its layout from the header (docs/formats.md).

``decode`` settles the encoding (UTF-8, UTF-8 with a byte-order mark, else
cp1252) and refuses what is no text; ``detect`` finds the layout and the
delimiter whose columns the header line names, or refuses the file saying
what is missing. Nothing here reads the rows: see ``readers``.
"""

import codecs
import csv
import re
import unicodedata

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .layouts import APOTHEEK, HIS, LAYOUTS, Layout

NOT_TEXT = gettext_lazy("The file is not a text file. A CSV file was expected: an export "
                        "from the GP information system or a list of dispensings from the "
                        "pharmacy. Save the export as CSV and try again.")
EMPTY = gettext_lazy("The file is empty: it holds no lines with prescriptions.")
# Bytes that cp1252 leaves undefined: a file holding one is not cp1252 (Python's codec
# refuses exactly these).
CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")


class FileRefused(Exception):
    """The whole file is refused; ``message`` says why, in Dutch."""

    def __init__(self, message: str | Promise):
        message = str(message)  # translated now, in the language active
        super().__init__(message)
        self.message = message



def fold(name: str) -> str:
    """Header name as compared: no accents, lower case, single spaces, no quotes/BOM."""
    name = unicodedata.normalize("NFKD", name.replace("\ufeff", ""))
    name = "".join(c for c in name if not unicodedata.combining(c))
    return " ".join(name.strip().strip('"').lower().split())


def decode(data: bytes) -> tuple[str, str]:
    """The file's encoding (UTF-8, UTF-8 with BOM, else cp1252) and its first 64 KiB as text.

    The whole file is checked to decode; only the head is kept, for the header.
    """
    if not data or data.isspace():  # as ``not data.strip()``, without copying the file
        raise FileRefused(EMPTY)
    if b"\x00" in data:
        raise FileRefused(NOT_TEXT)
    # A byte-order mark is dropped also when the rest turns out to be cp1252.
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8):] if bom else data
    if body.isascii():
        encoding = "utf-8"
    else:
        try:
            body.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            # What decoding as cp1252 would refuse, without building the text.
            if any(byte in body for byte in CP1252_UNDEFINED):
                raise FileRefused(NOT_TEXT) from None
            encoding = "cp1252"
    head = body[:65536].decode(encoding, errors="ignore")
    if bom and encoding == "utf-8":
        encoding = "utf-8-sig"
    controls = len(re.findall(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", head))
    if controls > max(3, len(head) // 200):
        raise FileRefused(NOT_TEXT)
    return encoding, head



def first_line(text: str) -> str:
    # Only the line ends the csv module knows (str.splitlines also splits at U+2028, \f, ...).
    for line in re.split(r"\r\n|\r|\n", text):
        if line.strip():
            return line
    raise FileRefused(EMPTY)


def detect(header_line: str) -> tuple[Layout, str]:
    """The layout and delimiter whose columns the header holds, or a refusal saying why."""
    best: tuple[int, Layout, set[str]] | None = None
    for layout in LAYOUTS:
        for delimiter in (layout.delimiter, ";", ",", "\t"):
            names = {fold(n) for n in next(csv.reader([header_line], delimiter=delimiter))}
            missing = set(layout.columns) - names
            if not missing:
                return layout, delimiter
            found = len(layout.columns) - len(missing)
            if best is None or found > best[0]:
                best = (found, layout, missing)
    assert best is not None  # nosec B101 - narrowing: LAYOUTS is never empty
    found, layout, missing = best
    if found * 2 >= len(layout.columns):
        raise missing_columns(layout, missing)
    shown = header_line.strip()[:200]
    raise FileRefused(_(
        "The header line fits neither layout, so nothing was read. Expected was a "
        "%(his)s with the columns %(his_columns)s (separated by semicolons), or a "
        "%(pharmacy)s with the columns %(pharmacy_columns)s (separated by commas). The "
        "file's first line is: “%(shown)s”.") % {
            "his": HIS.label, "his_columns": ", ".join(HIS.columns),
            "pharmacy": APOTHEEK.label, "pharmacy_columns": ", ".join(APOTHEEK.columns),
            "shown": shown})


def missing_columns(layout: Layout, missing: set[str]) -> FileRefused:
    columns = ", ".join(c for c in layout.columns if c in missing)
    return FileRefused(_("This looks like a %(layout)s, but the header line lacks these "
                         "columns: %(columns)s. Nothing was read.")
                       % {"layout": layout.label, "columns": columns})
