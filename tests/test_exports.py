"""The spreadsheet helpers of the core (benzoproject/exports.py)."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from benzoproject.exports import csv_response, dutch_cell, file_stamp

UTC = ZoneInfo("UTC")


@pytest.mark.parametrize(("moment", "stamp"), [
    (datetime(2026, 1, 15, 22, 59, tzinfo=UTC), "20260115-2359"),  # winter: UTC+1
    (datetime(2026, 1, 15, 23, 0, tzinfo=UTC), "20260116-0000"),  # the next local day
    (datetime(2026, 7, 15, 21, 59, tzinfo=UTC), "20260715-2359"),  # summer: UTC+2
    (datetime(2026, 7, 15, 22, 0, tzinfo=UTC), "20260716-0000"),
])
def test_a_file_stamp_is_the_practices_local_time(moment, stamp):
    assert file_stamp(moment) == stamp


def test_a_file_stamp_takes_another_format():
    assert file_stamp(datetime(2026, 7, 15, 22, 0, tzinfo=UTC), "%Y%m%d") == "20260716"


@pytest.mark.parametrize(("value", "cell"), [
    (None, ""),
    (date(2026, 7, 7), "07-07-2026"),
    (datetime(2026, 7, 7, 22, 5, tzinfo=UTC), "08-07-2026 00:05"),  # the practice's time
    (Decimal("0.17"), "0,17"),
    (Decimal("12"), "12"),
    (1.5, "1,5"),
    (-1.25, "-1,25"),  # a number, not a formula
    (60, "60"),
    ("=SUM(A1)", "'=SUM(A1)"),
    ("-1", "'-1"),  # text that looks like a formula still gets the apostrophe
    ("Öztürk", "Öztürk"),
])
def test_a_web_csv_cell_is_written_for_dutch_excel(value, cell):
    assert dutch_cell(value) == cell


def test_the_web_csv_has_a_bom_and_semicolons():
    response = csv_response("x.csv", ["datum", "DDD"], [[date(2026, 1, 2), Decimal("0.09")]])
    assert response.content.decode("utf-8") == "\ufeffdatum;DDD\r\n02-01-2026;0,09\r\n"
