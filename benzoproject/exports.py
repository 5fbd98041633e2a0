"""CSV and Excel downloads, safe to open in a spreadsheet.

A cell that starts with = + - @, a tab or a carriage return is prefixed with
an apostrophe, so a spreadsheet shows it as text instead of running it as a
formula (CSV/formula injection). Numbers stay numbers in Excel.

A CSV from the web pages is written for Dutch Excel, which reads a ``;``-separated
file with Dutch number and date settings: a UTF-8 BOM, dates as dd-mm-jjjj, times in
the practice's time, and a decimal comma (docs/domain.md, step 2). The command-line
exports keep their own contract and do not use this module.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .formats import format_date, format_datetime

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_stamp(moment: datetime, fmt: str = "%Y%m%d-%H%M") -> str:
    """``moment`` for a download's file name, in the practice's time (Europe/Amsterdam,
    settings.TIME_ZONE), never UTC: the name matches the time the page shows."""
    return timezone.localtime(moment).strftime(fmt)


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def dutch_cell(value) -> str:
    """One CSV cell as Dutch Excel reads it: 07-07-2026, 07-07-2026 14:05, 0,17."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return safe_cell(str(value))  # only text can hold a formula


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so Excel opens UTF-8 with the right accents
    writer = csv.writer(response, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow([dutch_cell(v) for v in row])
    return response


class _Echo:
    """A file that hands back what is written to it, so csv.writer yields lines."""

    def write(self, value: str) -> str:
        return value


def csv_streaming_response(filename: str, header: Sequence[str],
                           rows: Iterable[Sequence]) -> StreamingHttpResponse:
    """As :func:`csv_response`, but written while ``rows`` is read: for exports too large
    to hold in memory (a year of the access log). The cells are neutralised the same way."""
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow([dutch_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _fill_sheet(sheet: Worksheet, header: Sequence[str], rows: Iterable[Sequence]) -> None:
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
        # A Decimal keeps its decimals on screen (a share of 5.0 % reads "5,0", not "5",
        # which would look like a count).
        for value, cell in zip(row, sheet[sheet.max_row], strict=False):
            exponent = value.as_tuple().exponent if isinstance(value, Decimal) else 0
            if isinstance(value, Decimal) and isinstance(exponent, int):
                places = max(-exponent, 0)
                cell.number_format = "0." + "0" * places if places else "0"
    sheet.freeze_panes = "A2"
    for number, column in enumerate(sheet.columns, start=1):
        width = max(len(str(c.value or "")) for c in column[:200])
        sheet.column_dimensions[get_column_letter(number)].width = min(max(width + 2, 8), 60)


def _xlsx(book: Workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def sheet_title(title: str, taken: Iterable[str] = ()) -> str:
    """``title`` as Excel allows a sheet's name: at most 31 characters, none of ``[]:*?/\\``,
    and unlike the names in ``taken`` (a number is added)."""
    clean = "".join(" " if c in "[]:*?/\\" else c for c in title).strip()[:31] or "Blad"
    lowered = {t.lower() for t in taken}
    name, number = clean, 2
    while name.lower() in lowered:
        suffix = f" ({number})"
        name, number = clean[:31 - len(suffix)] + suffix, number + 1
    return name


def xlsx_response(filename: str, title: str, header: Sequence[str],
                  rows: Iterable[Sequence]) -> HttpResponse:
    book = Workbook(write_only=False)
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = sheet_title(title)
    _fill_sheet(sheet, header, rows)
    return _xlsx(book, filename)


def xlsx_workbook_response(filename: str,
                           sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence]]]
                           ) -> HttpResponse:
    """One workbook with a sheet per ``(title, header, rows)``, in order."""
    book = Workbook(write_only=False)
    first = book.active
    assert isinstance(first, Worksheet)
    book.remove(first)
    for title, header, rows in sheets:
        _fill_sheet(book.create_sheet(sheet_title(title, book.sheetnames)), header, rows)
    if not book.sheetnames:
        book.create_sheet("Blad")
    return _xlsx(book, filename)
