"""The spreadsheet helpers of the core (benzoproject/exports.py)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from benzoproject.exports import file_stamp

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
