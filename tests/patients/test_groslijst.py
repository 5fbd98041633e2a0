"""The groslijst as of a reference date R (docs/domain.md, step 2): every window edge from both
sides, month ends, the 90-unit line, complex comedication, DDD per day, and a pandas
oracle over the sample exports and over seeded random prescriptions."""

import re
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest

from patients.clinical import ddd_of_prescription
from patients.groslijst import GroslijstRow, Windows, csv_record, ddd_per_day
from patients.importing.load import import_file
from patients.models import Prescription
from patients.queries import ddd_per_prescription
from patients.selectors import groslijst_details, groslijst_rows

from ..factories import PatientFactory, PracticeFactory
from .exports import (
    BENZO_REFERENCE,
    EXPECTED_APOTHEEK,
    EXPECTED_HIS,
    SAMPLE_APOTHEEK,
    SAMPLE_HIS,
    his,
    his_row,
)

R = date(2026, 9, 15)
PAST = date(2026, 2, 1)  # inside [R − 8 months, R − 7 months] = [2026-01-15, 2026-02-15]
RECENT = date(2026, 8, 1)  # inside [R − 2 months, R] = [2026-07-15, 2026-09-15]


# --- Window arithmetic, no database ----------------------------------------------------------

@pytest.mark.parametrize(("reference", "recent", "past_start", "past_end", "year_start"), [
    (date(2026, 9, 15), date(2026, 7, 15), date(2026, 1, 15), date(2026, 2, 15),
     date(2025, 9, 15)),
    # A day that does not exist in the target month becomes that month's last day.
    (date(2026, 12, 31), date(2026, 10, 31), date(2026, 4, 30), date(2026, 5, 31),
     date(2025, 12, 31)),
    (date(2026, 4, 30), date(2026, 2, 28), date(2025, 8, 30), date(2025, 9, 30),
     date(2025, 4, 30)),
    (date(2024, 4, 30), date(2024, 2, 29), date(2023, 8, 30), date(2023, 9, 30),
     date(2023, 4, 30)),
    (date(2026, 10, 31), date(2026, 8, 31), date(2026, 2, 28), date(2026, 3, 31),
     date(2025, 10, 31)),
    (date(2024, 10, 31), date(2024, 8, 31), date(2024, 2, 29), date(2024, 3, 31),
     date(2023, 10, 31)),
    (date(2024, 2, 29), date(2023, 12, 29), date(2023, 6, 29), date(2023, 7, 29),
     date(2023, 2, 28)),
    (date(2026, 5, 31), date(2026, 3, 31), date(2025, 9, 30), date(2025, 10, 31),
     date(2025, 5, 31)),
])
def test_windows_are_calendar_months_back_with_month_end_clamping(reference, recent, past_start,
                                                                 past_end, year_start):
    w = Windows.for_reference(reference)
    assert (w.recent_start, w.past_start, w.past_end, w.year_start) == (
        recent, past_start, past_end, year_start)


@pytest.mark.parametrize(("total", "per_day"), [
    (None, "0.00"), (Decimal(0), "0.00"),
    (Decimal("1.825"), "0.01"),  # 0.005 exactly: half up, not to even
    (Decimal("1.8249"), "0.00"),
    (Decimal("45.625"), "0.13"),  # 0.125
    (Decimal("366.825"), "1.01"),  # 1.005
    (Decimal("365"), "1.00"),
    (7.3, "0.02"),
])
def test_ddd_per_day_is_rounded_half_up_to_two_decimals(total, per_day):
    assert ddd_per_day(total) == Decimal(per_day)
    assert str(ddd_per_day(total)) == per_day


def _row(**fields) -> GroslijstRow:
    base = dict(patient_id=1, patient_uuid="u", number="100001", name="T. Berg", gp_name="",
                birth_date=None, recent_and_past=True, over_90_units=False, units_12m=60,
                ddd_per_day=Decimal("0.50"), ddd_unknown=False, complex_comedication=False,
                last_date=None)
    return GroslijstRow(**base | fields)


@pytest.mark.parametrize(("per_day", "threshold", "flagged"), [
    ("1.00", 1, False), ("1.01", 1, True), ("0.99", 1, False), ("2.00", 2, False),
    ("2.01", 2, True), ("1.50", 2, False),
])
def test_ddd_threshold_flags_only_above_the_limit(per_day, threshold, flagged):
    row = _row(ddd_per_day=Decimal(per_day), ddd_threshold=threshold)
    assert row.over_ddd_threshold is flagged


def test_csv_record_has_lower_case_booleans_and_two_decimals():
    row = _row(over_90_units=True, units_12m=91, ddd_per_day=Decimal("0.1"),
               complex_comedication=False)
    assert csv_record(row) == ["100001", "true", "true", "91", "0.10", "false"]


# --- The list from the database ----------------------------------------------------------------

@pytest.fixture
def patient(practice):
    return PatientFactory(practice=practice, number="100001")


def listed(practice, reference: date = R, **options) -> dict[str, GroslijstRow]:
    return {row.number: row for row in groslijst_rows(practice=practice,
                                                      reference_date=reference, **options)}


def only(practice, reference: date = R, **options) -> GroslijstRow:
    rows = listed(practice, reference, **options)
    assert list(rows) == ["100001"]
    return rows["100001"]


def test_prescription_on_the_two_month_edge_counts_as_recent(practice, patient, prescribe):
    prescribe(patient, PAST)
    prescribe(patient, date(2026, 7, 15))
    assert only(practice).recent_and_past is True


def test_prescription_the_day_before_the_two_month_edge_is_not_recent(practice, patient,
                                                                      prescribe):
    prescribe(patient, PAST)
    prescribe(patient, date(2026, 7, 14))
    assert only(practice).recent_and_past is False


def test_prescription_on_the_reference_date_counts_as_recent(practice, patient, prescribe):
    prescribe(patient, PAST)
    prescribe(patient, R)
    assert only(practice).recent_and_past is True


@pytest.mark.parametrize(("past", "counts"), [
    (date(2026, 1, 15), True),  # R − 8 months: included
    (date(2026, 2, 15), True),  # R − 7 months: included
    (date(2026, 1, 14), False),  # one day before R − 8 months
    (date(2026, 2, 16), False),  # one day after R − 7 months
])
def test_past_window_includes_both_ends_and_nothing_outside(practice, patient, prescribe, past,
                                                           counts):
    prescribe(patient, RECENT)
    prescribe(patient, past)
    assert only(practice).recent_and_past is counts


def test_recent_without_past_or_past_without_recent_is_not_recent_and_past(practice, prescribe):
    recent_only = PatientFactory(practice=practice, number="1")
    past_only = PatientFactory(practice=practice, number="2")
    prescribe(recent_only, RECENT)
    prescribe(past_only, PAST)
    rows = listed(practice)
    assert (rows["1"].recent_and_past, rows["2"].recent_and_past) == (False, False)


def test_prescription_on_the_twelve_month_edge_is_outside_the_year(practice, patient,
                                                                   prescribe):
    prescribe(patient, date(2025, 9, 15), units=120, strength="10")
    prescribe(patient, date(2025, 9, 15), atc="L04AX03", strength="2.5")
    assert listed(practice) == {}


def test_prescription_the_day_after_the_twelve_month_edge_is_inside_the_year(practice, patient,
                                                                             prescribe):
    prescribe(patient, date(2025, 9, 16), units=365, strength="10")
    prescribe(patient, date(2025, 9, 16), atc="L04AX03", strength="2.5")
    row = only(practice)
    assert (row.units_12m, row.over_90_units, row.ddd_per_day, row.complex_comedication) == (
        365, True, Decimal("1.00"), True)


def test_year_edge_leaves_out_units_ddd_and_comedication_of_that_day(practice, patient,
                                                                     prescribe):
    prescribe(patient, RECENT, units=30, strength="10")
    prescribe(patient, date(2025, 9, 15), units=90, strength="10")
    prescribe(patient, date(2025, 9, 15), atc="N05AH04", strength="25")
    row = only(practice)
    assert (row.units_12m, row.over_90_units, row.ddd_per_day, row.complex_comedication) == (
        30, False, Decimal("0.08"), False)


def test_prescriptions_after_the_reference_date_are_ignored(practice, patient, prescribe):
    prescribe(patient, PAST, units=30)
    prescribe(patient, date(2026, 9, 16), units=200)
    prescribe(patient, date(2026, 9, 16), atc="L04AX03", strength="2.5")
    row = only(practice)
    assert (row.recent_and_past, row.units_12m, row.over_90_units, row.complex_comedication,
            row.last_date) == (False, 30, False, False, PAST)


def test_patient_with_only_prescriptions_after_the_reference_date_is_not_listed(
        practice, patient, prescribe):
    prescribe(patient, date(2026, 9, 16))
    assert listed(practice) == {}


@pytest.mark.parametrize(("units", "over"), [((60, 30), False), ((60, 31), True), ((90,), False),
                                             ((91,), True)])
def test_more_than_90_units_in_the_year_is_over_90(practice, patient, prescribe, units, over):
    for n, when in zip(units, (RECENT, PAST), strict=False):
        prescribe(patient, when, units=n)
    row = only(practice)
    assert (row.units_12m, row.over_90_units) == (sum(units), over)


@pytest.mark.parametrize(("reference", "edge", "day_before", "past"), [
    (date(2026, 12, 31), date(2026, 10, 31), date(2026, 10, 30), date(2026, 5, 1)),
    (date(2026, 4, 30), date(2026, 2, 28), date(2026, 2, 27), date(2025, 9, 1)),
    (date(2024, 4, 30), date(2024, 2, 29), date(2024, 2, 28), date(2023, 9, 1)),
    (date(2026, 3, 31), date(2026, 1, 31), date(2026, 1, 30), date(2025, 8, 1)),
])
def test_two_month_edge_at_a_month_end_is_that_months_last_day(practice, prescribe, reference,
                                                               edge, day_before, past):
    on_edge = PatientFactory(practice=practice, number="1")
    before_edge = PatientFactory(practice=practice, number="2")
    for patient, recent in ((on_edge, edge), (before_edge, day_before)):
        prescribe(patient, past)
        prescribe(patient, recent)
    rows = listed(practice, reference)
    assert (rows["1"].recent_and_past, rows["2"].recent_and_past) == (True, False)


@pytest.mark.parametrize(("past", "counts"), [
    (date(2026, 2, 28), True), (date(2026, 2, 27), False),  # R − 8 months = 2026-02-28
    (date(2026, 3, 31), True), (date(2026, 4, 1), False),  # R − 7 months = 2026-03-31
])
def test_past_window_at_a_month_end(practice, patient, prescribe, past, counts):
    reference = date(2026, 10, 31)
    prescribe(patient, date(2026, 10, 1))
    prescribe(patient, past)
    assert only(practice, reference).recent_and_past is counts


@pytest.mark.parametrize(("when", "inside"), [
    (date(2023, 2, 28), False), (date(2023, 3, 1), True),
])
def test_year_edge_of_a_leap_day_reference(practice, patient, prescribe, when, inside):
    prescribe(patient, when, units=100)
    assert (listed(practice, date(2024, 2, 29)) != {}) is inside


@pytest.mark.parametrize(("atc", "is_complex"), [
    ("N02AA01", True),  # morphine
    ("N03AX16", True),  # pregabalin under its old code: N03 counts
    ("N03AG01", True),  # valproic acid
    ("L04AX03", True),  # methotrexate
    ("L02BA01", True),  # tamoxifen
    ("M03BX01", True),  # baclofen
    ("M09AX99", True),
    ("N05AH04", True),  # quetiapine
    ("N02AX02", True),  # tramadol
    ("N02AA59", False),  # codeine with non-opioid painkillers, the older code
    ("N02AJ06", False), ("N02AJ07", False), ("N02AJ08", False), ("N02AJ09", False),
    ("N02AJ13", True),  # tramadol and paracetamol: not a codeine combination
    ("M09AA01", False),  # quinine
    ("N02BF02", False),  # pregabalin under its new code
    ("N02BF01", False),  # gabapentin
    ("N06AB04", False),  # citalopram
    ("M01AE01", False),  # ibuprofen
    ("N05CH01", False),  # melatonin
])
def test_complex_comedication_follows_the_default_atc_list(practice, patient, prescribe, atc,
                                                          is_complex):
    prescribe(patient, RECENT)
    prescribe(patient, RECENT, atc=atc, strength=None)
    assert only(practice).complex_comedication is is_complex


def test_complex_comedication_follows_the_practice_setting(practice, prescribe):
    practice.complex_atc_prefixes = "n06a L"
    practice.complex_atc_exceptions = "L04AX03"
    practice.save()
    for number, atc in (("1", "N06AB04"), ("2", "L04AX03"), ("3", "N05AH04"), ("4", "L01BA01")):
        patient = PatientFactory(practice=practice, number=number)
        prescribe(patient, RECENT)
        prescribe(patient, RECENT, atc=atc, strength="10")
    rows = listed(practice)
    assert {n: r.complex_comedication for n, r in rows.items()} == {
        "1": True, "2": False, "3": False, "4": True}


def test_quinine_counts_when_the_practice_drops_its_exception(practice, patient, prescribe):
    practice.complex_atc_exceptions = "N02AA59"
    practice.save()
    prescribe(patient, RECENT)
    prescribe(patient, RECENT, atc="M09AA01", strength="200")
    assert only(practice).complex_comedication is True


def test_practice_without_complex_prefixes_flags_no_one(practice, patient, prescribe):
    practice.complex_atc_prefixes = ""
    practice.save()
    prescribe(patient, RECENT)
    prescribe(patient, RECENT, atc="L04AX03", strength="2.5")
    assert only(practice).complex_comedication is False


def test_patient_with_only_comedication_is_not_on_the_list(practice, patient, prescribe):
    prescribe(patient, RECENT, atc="L04AX03", strength="2.5", units=300)
    prescribe(patient, PAST, atc="N06AB04", strength="20", units=300)
    assert listed(practice) == {}


def test_ddd_per_day_rounds_half_up_at_exactly_half_a_hundredth(practice, patient, prescribe):
    # alprazolam, WHO DDD 1 mg: 73 × 0.025 mg = 1.825 DDD a year = 0.005 DDD a day
    prescribe(patient, RECENT, atc="N05BA12", units=73, strength="0.025")
    assert only(practice).ddd_per_day == Decimal("0.01")


def test_ddd_per_day_of_1_005_rounds_up_and_is_above_one(practice, patient, prescribe):
    # 14,673 × 0.025 mg alprazolam = 366.825 DDD = 1.005 a day
    prescribe(patient, RECENT, atc="N05BA12", units=14673, strength="0.025")
    row = only(practice)
    assert (row.ddd_per_day, row.over_ddd_threshold) == (Decimal("1.01"), True)


def test_ddd_per_day_of_exactly_one_is_not_above_one(practice, patient, prescribe):
    # diazepam, DDD 10 mg: 365 tablets of 10 mg in a year = 1.00 DDD a day
    prescribe(patient, RECENT, atc="N05BA01", units=365, strength="10")
    row = only(practice)
    assert (row.ddd_per_day, row.over_ddd_threshold) == (Decimal("1.00"), False)
    assert only(practice, ddd_threshold=2).over_ddd_threshold is False


def test_ddd_per_day_sums_substances_each_by_its_own_ddd(practice, patient, prescribe):
    prescribe(patient, RECENT, atc="N05BA01", units=100, strength="5")  # 50 DDD
    prescribe(patient, PAST, atc="N05BA04", units=100, strength="10")  # oxazepam 50: 20 DDD
    prescribe(patient, PAST, atc="N05CF01", units=30, strength="7.5")  # zopiclone 7.5: 30 DDD
    row = only(practice)
    # 100 DDD / 365 = 0.2740 → 0.27
    assert (row.ddd_per_day, row.ddd_unknown, row.units_12m) == (Decimal("0.27"), False, 230)


def test_ddd_of_whole_numbers_is_not_an_integer_division(practice, patient, prescribe):
    # Four times 1 tablet of 5 mg diazepam (DDD 10 mg) = 2 DDD = 0.0055 a day. An integer
    # division (SQLite stores 5.0000 and 10.000 as integers) would make each 0 DDD.
    for _ in range(4):
        prescribe(patient, RECENT, atc="N05BA01", units=1, strength="5")
    assert only(practice).ddd_per_day == Decimal("0.01")


@pytest.mark.parametrize("atc", ["N05BA07", "N05CD99", "N05BA"], ids=[
    "adinazolam-without-who-ddd", "atc-not-in-the-reference-table", "group-code"])
def test_benzodiazepine_without_ddd_adds_nothing_and_marks_ddd_unknown(practice, patient,
                                                                       prescribe, atc):
    prescribe(patient, RECENT, atc=atc, units=60, strength="30")
    row = only(practice)
    assert (row.ddd_per_day, row.ddd_unknown, row.units_12m) == (Decimal("0.00"), True, 60)
    prescribe(patient, PAST, atc="N05BA01", units=73, strength="10")  # 73 DDD = 0.20 a day
    row = only(practice)
    assert (row.ddd_per_day, row.ddd_unknown, row.units_12m) == (Decimal("0.20"), True, 133)


def test_ddd_unknown_only_counts_inside_the_year(practice, patient, prescribe):
    prescribe(patient, date(2025, 9, 1), atc="N05BA07", units=60, strength="30")
    prescribe(patient, RECENT, atc="N05BA01", units=30, strength="10")
    assert only(practice).ddd_unknown is False


def test_list_is_sorted_by_patient_number_in_byte_order(practice, prescribe):
    for number in ("900056", "P10", "108842", "2", "10", "Z1", "a1"):
        prescribe(PatientFactory(practice=practice, number=number), RECENT)
    assert list(listed(practice)) == ["10", "108842", "2", "900056", "P10", "Z1", "a1"]


def test_list_holds_only_the_practices_own_patients(practice, other_practice, patient,
                                                    prescribe):
    prescribe(patient, RECENT)
    prescribe(PatientFactory(practice=other_practice, number="100001"), RECENT, units=500)
    assert only(practice).units_12m == 30
    assert listed(PracticeFactory()) == {}


def test_his_and_pharmacy_patient_with_one_number_are_two_rows(practice, prescribe):
    prescribe(PatientFactory(practice=practice, number="7", source="his"), RECENT)
    prescribe(PatientFactory(practice=practice, number="7", source="apotheek"), RECENT)
    assert [r.number for r in groslijst_rows(practice=practice, reference_date=R)] == ["7", "7"]


def test_details_give_substances_and_the_last_prescription(practice, patient, prescribe):
    patient.gp_name = "S. van Dam"
    patient.save()
    prescribe(patient, PAST, atc="N05BA04", units=30, strength="10")
    prescribe(patient, RECENT, atc="N05CD07", units=20, strength="20")
    prescribe(patient, date(2026, 6, 1), atc="N05BA04", units=40, strength="10")
    prescribe(patient, RECENT, atc="L04AX03", strength="2.5")
    prescribe(patient, date(2026, 9, 20), atc="N05BA01", units=10)
    rows = groslijst_details(practice=practice, rows=groslijst_rows(practice=practice,
                                                                   reference_date=R),
                             reference_date=R)
    row = rows[0]
    assert row.substances == ["oxazepam", "temazepam"]
    assert (row.last_description, row.last_units, row.last_date) == (
        "N05CD07 20 mg", 20, RECENT)
    assert (row.name, row.gp_name) == ("T. van den Berg", "S. van Dam")


def test_meets_the_projects_criterion():
    both, recent, units, neither = (
        _row(recent_and_past=True, over_90_units=True), _row(over_90_units=False),
        _row(recent_and_past=False, over_90_units=True), _row(recent_and_past=False))
    assert [r.meets("recent_and_past") for r in (both, recent, units, neither)] == [
        True, True, False, False]
    assert [r.meets("over_90_units") for r in (both, recent, units, neither)] == [
        True, False, True, False]
    assert [r.meets("either") for r in (both, recent, units, neither)] == [
        True, True, True, False]


# --- Oracle: the same list computed independently with pandas --------------------------------

BENZO = ("N05BA", "N05CD", "N05CF")
COMPLEX = ("L", "M03", "M09A", "N02A", "N03", "N05A")
NOT_COMPLEX = ("M09AA01", "N02AA59", "N02AJ06", "N02AJ07", "N02AJ08", "N02AJ09")
ATC = re.compile(r"^[A-Z]([0-9]{2}([A-Z]([A-Z]([0-9]{2})?)?)?)?$")


def reference_ddd() -> dict[str, Decimal]:
    table = pd.read_csv(BENZO_REFERENCE, dtype=str, keep_default_na=False)
    return {atc: Decimal(ddd) for atc, ddd in zip(table["atc"], table["ddd_mg"], strict=True)
            if ddd}


def oracle_prescriptions(path, layout: str) -> pd.DataFrame:
    """The valid, distinct prescriptions of an export, read with pandas alone."""
    if layout == "his":
        raw = pd.read_csv(path, sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
        raw = raw.apply(lambda c: c.str.strip())
        frame = pd.DataFrame({
            "number": raw["patientnummer"], "atc": raw["atc"].str.upper(),
            "date": pd.to_datetime(raw["voorschrijfdatum"], format="%d-%m-%Y", errors="coerce"),
            "description": raw["omschrijving"], "strength": raw["sterkte"],
            "units": raw["aantal"], "dosage": raw["gebruiksvoorschrift"]})
    else:
        raw = pd.read_csv(path, sep=",", encoding="utf-8-sig", dtype=str, keep_default_na=False)
        raw = raw.apply(lambda c: c.str.strip())
        frame = pd.DataFrame({
            "number": raw["Patiëntnummer"], "atc": raw["ATC"].str.upper(),
            "date": pd.to_datetime(raw["Afleverdatum"], format="%Y-%m-%d", errors="coerce"),
            "description": raw["Artikel"],
            "strength": raw["Artikel"].str.extract(r"([0-9]+(?:[.,][0-9]+)?)\s*MG\b",
                                                   flags=re.IGNORECASE)[0].fillna(""),
            "units": raw["Aantal"], "dosage": raw["Dosering"]})
    frame["strength"] = frame["strength"].str.replace(",", ".")
    strength = pd.to_numeric(frame["strength"], errors="coerce")
    units = pd.to_numeric(frame["units"].where(frame["units"].str.fullmatch("[0-9]+"), "x"),
                          errors="coerce")
    benzo = frame["atc"].str.startswith(BENZO)
    valid = ((frame["number"] != "") & frame["date"].notna()
             & frame["atc"].str.fullmatch(ATC.pattern) & (units > 0)
             & ((frame["strength"] == "") | (strength > 0))
             & ~(benzo & (frame["strength"] == "")))
    frame = frame.assign(units=units, strength_mg=strength, benzo=benzo)[valid]
    # The same prescription twice is one (docs/formats.md).
    return frame.drop_duplicates(["number", "date", "atc", "description", "strength_mg",
                                  "units", "dosage"])


def oracle_groslijst(rx: pd.DataFrame, reference: date) -> list[tuple]:
    ddd = reference_ddd()
    r = pd.Timestamp(reference)

    def months(n: int) -> pd.Timestamp:
        return r - pd.DateOffset(months=n)

    rx = rx[rx["date"] <= r]
    benzo = rx[rx["benzo"]]
    year = rx[rx["date"] > months(12)]
    benzo_year = year[year["benzo"]]
    recent = set(benzo.loc[benzo["date"] >= months(2), "number"])
    past = set(benzo.loc[benzo["date"].between(months(8), months(7)), "number"])
    is_complex = set(year.loc[year["atc"].str.startswith(COMPLEX)
                              & ~year["atc"].isin(NOT_COMPLEX), "number"])
    units = benzo_year.groupby("number")["units"].sum()
    total: dict[str, Decimal] = {}
    unknown: set[str] = set()
    for number, atc, n, strength in zip(benzo_year["number"], benzo_year["atc"],
                                        benzo_year["units"], benzo_year["strength"],
                                        strict=True):
        if atc in ddd:
            total[number] = total.get(number, 0) + Decimal(int(n)) * Decimal(strength) / ddd[atc]
        else:
            unknown.add(number)
    return sorted(
        (number, number in recent and number in past, int(units[number]) > 90,
         int(units[number]),
         (Decimal(total.get(number, 0)) / 365).quantize(Decimal("0.01"), ROUND_HALF_UP),
         number in unknown, number in is_complex)
        for number in units.index)


def app_groslijst(practice, reference: date) -> list[tuple]:
    return [(r.number, r.recent_and_past, r.over_90_units, r.units_12m, r.ddd_per_day,
             r.ddd_unknown, r.complex_comedication)
            for r in groslijst_rows(practice=practice, reference_date=reference)]


REFERENCE_DATES = [date(2026, 9, 15), date(2026, 12, 31), date(2026, 6, 30), date(2026, 4, 30),
                   date(2026, 2, 28), date(2025, 12, 31), date(2025, 10, 31)]


@pytest.mark.parametrize(("sample", "layout", "expected"), [
    (SAMPLE_HIS, "his", EXPECTED_HIS), (SAMPLE_APOTHEEK, "apotheek", EXPECTED_APOTHEEK),
], ids=["his", "apotheek"])
def test_groslijst_of_the_sample_matches_a_pandas_oracle(practice, sample, layout, expected):
    import_file(practice=practice, user=None, data=sample.read_bytes(), file_name=sample.name)
    rx = oracle_prescriptions(sample, layout)
    assert len(rx) == Prescription.objects.filter(patient__practice=practice).count()
    for reference in REFERENCE_DATES:
        assert app_groslijst(practice, reference) == oracle_groslijst(rx, reference), reference
    # The oracle itself agrees with the expected list shipped with the sample.
    lines = expected.read_text().splitlines()[1:]
    mine = [",".join([n, str(a).lower(), str(b).lower(), str(u), f"{d:.2f}", str(c).lower()])
            for n, a, b, u, d, _unknown, c in oracle_groslijst(rx, date(2026, 9, 15))]
    assert mine == lines


SEED_ATCS = ["N05BA01", "N05BA04", "N05BA06", "N05BA12", "N05CD07", "N05CF01", "N05CF02",
             "N05BA07", "N05CD99", "L04AX03", "M09AA01", "N02AA59", "N02AJ08", "N03AX16",
             "N02BF02", "N05AH04", "M03BX01", "N06AB04"]
SEED_STRENGTHS = ["0.25", "0,5", "1", "2.5", "5", "7,5", "10", "20", "50", "0.025"]


def seeded_export(seed: int, patients: int = 40) -> bytes:
    """Chronic and occasional users, with dates crowded around the oracle's window edges."""
    rng = np.random.default_rng(seed)
    edges = []
    for reference in REFERENCE_DATES:
        for months in (2, 7, 8, 12):
            edge = (pd.Timestamp(reference) - pd.DateOffset(months=months)).date()
            edges += [edge + timedelta(days=d) for d in (-1, 0, 1)]
        edges += [reference, reference + timedelta(days=1)]
    out = []
    for p in range(patients):
        dates = [edges[i] for i in rng.integers(len(edges), size=int(rng.integers(1, 8)))]
        if rng.random() < 0.5:  # a chronic user: a prescription every 3 to 9 weeks
            day = date(2024, 6, 1) + timedelta(days=int(rng.integers(0, 90)))
            stop = date(2027, 1, 31) - timedelta(days=int(rng.integers(0, 500)))
            step = int(rng.integers(21, 64))
            while day <= stop:
                dates.append(day)
                day += timedelta(days=step + int(rng.integers(-3, 4)))
        for when in dates:
            benzo = rng.random() < 0.75
            atc = SEED_ATCS[rng.integers(0, 9) if benzo else rng.integers(9, len(SEED_ATCS))]
            out.append(his_row(
                patientnummer=str(200000 + p), voorschrijfdatum=when.strftime("%d-%m-%Y"),
                atc=atc, omschrijving=f"{atc} tablet",
                sterkte=SEED_STRENGTHS[rng.integers(len(SEED_STRENGTHS))],
                aantal=str(int(rng.choice([1, 10, 15, 20, 30, 45, 60, 90, 91, 100]))),
                gebruiksvoorschrift=["1 dd 1", "zo nodig", "2 dd 1"][rng.integers(3)]))
    rng.shuffle(out)
    return his(*out)


@pytest.mark.parametrize("seed", [2026, 7])
def test_groslijst_of_seeded_random_prescriptions_matches_a_pandas_oracle(practice, seed,
                                                                          tmp_path):
    data = seeded_export(seed)
    path = tmp_path / "seeded.csv"
    path.write_bytes(data)
    batch = import_file(practice=practice, user=None, data=data, file_name=path.name)
    rx = oracle_prescriptions(path, "his")
    assert batch.rows_new == len(rx)
    for reference in REFERENCE_DATES:
        assert app_groslijst(practice, reference) == oracle_groslijst(rx, reference), reference


def test_ddd_per_prescription_in_sql_agrees_with_the_clinical_rule(practice):
    # The groslijst sums queries.ddd_per_prescription; the screening history calls
    # clinical.ddd_of_prescription. Both must give the same DDDs, NULL where there is no DDD.
    import_file(practice=practice, user=None, data=seeded_export(2026), file_name="seeded.csv")
    rows = (Prescription.objects.filter(patient__practice=practice)
            .annotate(ddd=ddd_per_prescription())
            .values_list("units", "strength_mg", "substance__ddd_mg", "ddd"))
    assert len(rows) > 100
    ninths = Decimal("1e-9")
    for units, strength, ddd_mg, ddd in rows:
        expected = ddd_of_prescription(units, strength, ddd_mg)
        if expected is None:
            assert ddd is None
        else:
            assert Decimal(ddd).quantize(ninths) == expected.quantize(ninths)
