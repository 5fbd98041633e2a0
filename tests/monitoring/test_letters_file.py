"""Reading a list of letters sent outside the app (``monitoring/letters_file.py``), without the
database: encodings, delimiters, header names, line numbers and the problems of a line."""

from datetime import date

import pytest
from django.utils import translation

from monitoring.letters_file import LetterLine, read_letters
from patients.importing.detect import FileRefused


def test_lines_keep_their_number_in_the_file_and_blank_lines_are_skipped():
    data = b"patient_number,letter_date\r\n\r\n1001,2025-03-10\r\n ,  \r\n1002 , 2025-03-11 \r\n"
    assert read_letters(data) == [
        LetterLine(line=3, patient_number="1001", letter_date=date(2025, 3, 10)),
        LetterLine(line=5, patient_number="1002", letter_date=date(2025, 3, 11)),
    ]


@pytest.mark.parametrize("data", [
    b"patient_number;letter_date\n1001;2025-03-10\n",
    b"patient_number\tletter_date\n1001\t2025-03-10\n",
    "\ufeffPatient_Number,Letter_Date\n1001,2025-03-10\n".encode(),
    '"letter_date","naam","patient_number"\n"2025-03-10","Müller","1001"\n'.encode("cp1252"),
], ids=["semicolon", "tab", "bom-and-case", "cp1252-quoted-other-order"])
def test_spreadsheet_variants_are_read(data):
    assert read_letters(data) == [
        LetterLine(line=2, patient_number="1001", letter_date=date(2025, 3, 10))]


@pytest.mark.parametrize(("cells", "problem"), [
    ("1001,", "letter date is missing"),
    ("1001", "letter date is missing"),
    ("1001,10-03-2025", "letter date “10-03-2025” is not a date in the form yyyy-mm-dd"),
    ("1001,2025-3-10", "letter date “2025-3-10” is not a date in the form yyyy-mm-dd"),
    ("1001,2025-02-29", "letter date 2025-02-29 does not exist"),
    (",2025-03-10", "patient number is missing"),
])
def test_a_line_with_a_bad_date_or_no_number_carries_its_problem(cells, problem):
    with translation.override("en"):
        (line,) = read_letters(f"patient_number,letter_date\n{cells}\n".encode())
    assert (line.line, line.letter_date, line.problem) == (2, None, problem)


def test_a_leap_day_is_a_date():
    (line,) = read_letters(b"patient_number,letter_date\n1001,2024-02-29\n")
    assert (line.letter_date, line.problem) == (date(2024, 2, 29), "")


@pytest.mark.parametrize("data", [
    b"", b"  \r\n", b"patient_number,letter_date\r\n", b"patient_number,letter_date\n,\n",
    b"patient_number,date\n1001,2025-03-10\n", b"1001,2025-03-10\n", b"\x00\x01\x02",
], ids=["empty", "blank", "header-only", "header-and-empty-cells", "no-letter-date",
        "no-header", "binary"])
def test_a_file_that_cannot_be_read_as_a_whole_is_refused(data):
    with pytest.raises(FileRefused):
        read_letters(data)
