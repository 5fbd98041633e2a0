"""The clinical rules (patients/clinical.py): no database needed."""

from decimal import Decimal

import pytest

from patients.clinical import (
    COMPLEX_ATC_EXCEPTIONS,
    COMPLEX_ATC_PREFIXES,
    DDD_THRESHOLD_CHOICES,
    OVER_UNITS_LINE,
    ddd_of_prescription,
    is_benzodiazepine,
    is_complex,
    is_over_ddd_threshold,
    is_over_units_line,
)


@pytest.mark.parametrize(("atc", "benzo"), [
    ("N05BA01", True),  # diazepam
    ("N05BA12", True),  # alprazolam
    ("N05CD07", True),  # temazepam
    ("N05CF01", True),  # zopiclone
    ("N05CF02", True),  # zolpidem
    ("N05BA", True),  # the group code itself
    ("N05CH01", False),  # melatonin
    ("N05AH04", False),  # quetiapine
    ("N05CM02", False),  # clomethiazole
    ("N06AB04", False),  # citalopram
    ("N05B", False),  # too short to say
])
def test_benzodiazepines_are_the_atc_groups_n05ba_n05cd_n05cf(atc, benzo):
    assert is_benzodiazepine(atc) is benzo


@pytest.mark.parametrize(("units", "over"), [(0, False), (89, False), (90, False), (91, True)])
def test_exactly_90_units_is_not_over_the_line_and_91_is(units, over):
    assert OVER_UNITS_LINE == 90
    assert is_over_units_line(units) is over


@pytest.mark.parametrize(("atc", "expected"), [
    ("L04AX03", True),  # methotrexate
    ("M03BX01", True),  # baclofen
    ("M09AX99", True),
    ("N02AA01", True),  # morphine
    ("N02AJ05", True),  # not one of the codeine combinations excepted
    ("N02AJ13", True),  # tramadol and paracetamol
    ("N03AG01", True),  # valproic acid
    ("N05AH04", True),  # quetiapine
    ("M09AA01", False),  # quinine
    ("N02AA59", False),  # codeine with non-opioid painkillers, the older code
    ("N02AJ06", False), ("N02AJ07", False), ("N02AJ08", False), ("N02AJ09", False),
    ("N02BF02", False),  # pregabalin under its new code
    ("N05BA01", False),  # the benzodiazepine itself
    ("C07AB02", False),
])
def test_complex_comedication_by_default_prefixes_and_exceptions(atc, expected):
    assert is_complex(atc) is expected
    assert is_complex(atc, COMPLEX_ATC_PREFIXES, COMPLEX_ATC_EXCEPTIONS) is expected


def test_complex_comedication_ignores_the_case_of_the_code():
    assert is_complex("l04ax03") is True
    assert is_complex("m09aa01") is False


def test_complex_comedication_follows_other_lists():
    assert is_complex("N06AB04", ["N06A"], []) is True
    assert is_complex("M09AA01", COMPLEX_ATC_PREFIXES, []) is True  # exception dropped
    assert is_complex("L04AX03", [], []) is False  # no prefixes: no one


@pytest.mark.parametrize(("units", "strength", "ddd", "expected"), [
    (30, "10", "10", Decimal(30)),  # diazepam 10 mg, DDD 10 mg
    (60, "10", "50", Decimal(12)),  # oxazepam 10 mg, DDD 50 mg
    (30, "7.5", "7.5", Decimal(30)),  # zopiclone
    (1, "5", "10", Decimal("0.5")),  # whole numbers, not an integer division
    (73, "0.025", "1", Decimal("1.825")),  # alprazolam 25 µg
])
def test_ddd_of_a_prescription_is_units_times_strength_over_the_who_ddd(units, strength, ddd,
                                                                        expected):
    assert ddd_of_prescription(units, Decimal(strength), Decimal(ddd)) == expected


def test_a_substance_without_who_ddd_gives_no_ddd():
    assert ddd_of_prescription(60, Decimal(30), None) is None


def test_a_prescription_without_strength_gives_no_ddd():
    assert ddd_of_prescription(60, None, Decimal(10)) is None


@pytest.mark.parametrize(("per_day", "threshold", "over"), [
    ("1.00", 1, False), ("1.01", 1, True), ("2.00", 2, False), ("2.01", 2, True),
    ("1.50", 2, False),
])
def test_ddd_per_day_above_the_limit_only_strictly(per_day, threshold, over):
    assert is_over_ddd_threshold(Decimal(per_day), threshold) is over


def test_a_project_chooses_1_or_2_ddd_per_day():
    assert DDD_THRESHOLD_CHOICES == [(1, "1"), (2, "2")]
