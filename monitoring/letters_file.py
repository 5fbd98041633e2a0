"""Reading a list of stop letters sent outside the app, without the database
(docs/domain.md#cli-import-project-letters).

The file is a CSV with the columns ``patient_number,letter_date`` (``YYYY-MM-DD``):
UTF-8 (with or without a byte-order mark) or cp1252, as a spreadsheet saves it,
separated by commas, semicolons or tabs. The header is checked before any row;
a file without both columns is refused whole (``FileRefused``). A line whose
number is missing or whose date is not a date is kept with its ``problem``, so
the import can reject it by line number.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benzoproject.validation import date_problem, patient_number_problem
from patients.importing.detect import FileRefused, decode, first_line, fold

COLUMNS = ("patient_number", "letter_date")
DELIMITERS = (",", ";", "\t")
DATE_SHAPE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

EMPTY = gettext_lazy("The file is empty: it holds no lines with letters.")


@dataclass(frozen=True)
class LetterLine:
    """One line of the file: ``line`` is its line number (the header is line 1)."""

    line: int
    patient_number: str
    letter_date: date | None
    problem: str = ""


def _header(head: str) -> tuple[str, list[str]]:
    """The delimiter and the folded column names of the header line."""
    line = first_line(head)
    for delimiter in DELIMITERS:
        names = [fold(name) for name in next(csv.reader([line], delimiter=delimiter))]
        if all(column in names for column in COLUMNS):
            return delimiter, names
    raise FileRefused(_(
        "The header line must name the columns patient_number and letter_date (found: "
        "“%(header)s”).") % {"header": line.strip()[:200]})


def _date(value: str) -> tuple[date | None, str]:
    what = _("letter date")
    if not value:
        return None, _("%(what)s is missing") % {"what": what}
    if not DATE_SHAPE.match(value):
        return None, (_("%(what)s “%(value)s” is not a date in the form %(form)s")
                      % {"what": what, "value": value, "form": _("yyyy-mm-dd")})
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None, _("%(what)s %(value)s does not exist") % {"what": what, "value": value}
    if problem := date_problem(day):
        return None, f"{what} {value}: {problem}"
    return day, ""


def read_letters(data: bytes) -> list[LetterLine]:
    """Every line with something on it, in file order; raise ``FileRefused`` when the file
    as a whole cannot be read (empty, not text, no header with both columns)."""
    if not data.strip():
        raise FileRefused(EMPTY)
    encoding, head = decode(data)
    delimiter, names = _header(head)
    number_at, date_at = names.index(COLUMNS[0]), names.index(COLUMNS[1])
    reader = csv.reader(io.StringIO(data.decode(encoding), newline=""), delimiter=delimiter)
    lines = []
    header_seen = False
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if not header_seen:  # the first line with text is the header
            header_seen = True
            continue
        cells += [""] * (max(number_at, date_at) + 1 - len(cells))
        number = cells[number_at].strip()
        on, problem = _date(cells[date_at].strip())
        if not number:
            on, problem = None, _("patient number is missing")
        elif number_problem := patient_number_problem(number):
            on, problem = None, number_problem
        lines.append(LetterLine(line=reader.line_num, patient_number=number, letter_date=on,
                                problem=problem))
    if not lines:
        raise FileRefused(EMPTY)
    return lines
