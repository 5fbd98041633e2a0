"""A HIS prescription and its dispensing (patients/matching.py), without a database: the
14-day window from both sides, ATC, links, one to one, and the period both sources cover."""

from datetime import date, timedelta

import pytest

from patients.matching import MATCH_DAYS, Coverage, Item, match, matches

P = date(2026, 3, 10)
HIS, PHARMACY = 1, 2
LINKS = {PHARMACY: HIS}


def rx(day: date, atc: str = "N05BA01", key: str = "rx", patient: int = HIS, order=()):
    return Item(key=key, patient_id=patient, atc=atc, day=day, order=order)


def disp(day: date, atc: str = "N05BA01", key: str = "d", patient: int = PHARMACY, order=()):
    return Item(key=key, patient_id=patient, atc=atc, day=day, order=order)


def keys(pairs) -> list[tuple[str, str]]:
    return [(a.key, b.key) for a, b in pairs]


def test_the_tolerance_is_fourteen_days():
    assert MATCH_DAYS == 14


@pytest.mark.parametrize(("offset", "matched"), [
    (0, True),     # D = P
    (-1, False),   # D = P − 1: before the prescription
    (14, True),    # D = P + 14: the last day included
    (15, False),   # D = P + 15: too late
    (7, True),
])
def test_a_dispensing_matches_from_the_prescription_date_up_to_fourteen_days_after(offset,
                                                                                   matched):
    day = P + timedelta(days=offset)
    assert matches(P, day) is matched
    pairs = match(prescriptions=[rx(P)], dispensings=[disp(day)], links=LINKS)
    assert keys(pairs) == ([("rx", "d")] if matched else [])


def test_another_atc_code_does_not_match():
    assert match(prescriptions=[rx(P, "N05BA01")], dispensings=[disp(P, "N05BA04")],
                 links=LINKS) == []


def test_patients_not_linked_do_not_match():
    assert match(prescriptions=[rx(P)], dispensings=[disp(P)], links={}) == []
    # Linked to another HIS patient: not this prescription's patient.
    assert match(prescriptions=[rx(P)], dispensings=[disp(P)], links={PHARMACY: 99}) == []


def test_two_dispensings_for_one_prescription_the_earliest_is_its_match():
    pairs = match(prescriptions=[rx(P)],
                  dispensings=[disp(P + timedelta(days=5), key="later"),
                               disp(P + timedelta(days=2), key="earlier")], links=LINKS)
    assert keys(pairs) == [("rx", "earlier")]


def test_one_dispensing_for_two_prescriptions_goes_to_the_earliest_prescription():
    pairs = match(prescriptions=[rx(P + timedelta(days=3), key="second"), rx(P, key="first")],
                  dispensings=[disp(P + timedelta(days=4))], links=LINKS)
    assert keys(pairs) == [("first", "d")]


def test_same_date_ties_are_broken_by_the_order_read():
    pairs = match(prescriptions=[rx(P, key="b", order=(1, 2)), rx(P, key="a", order=(1, 1))],
                  dispensings=[disp(P, key="y", order=(2, 9)), disp(P, key="x", order=(2, 3))],
                  links=LINKS)
    assert keys(pairs) == [("a", "x"), ("b", "y")]


def test_earliest_first_pairs_as_many_as_possible():
    # Monthly prescriptions, each collected 10 days later: every one finds its own.
    prescriptions = [rx(P + timedelta(days=30 * i), key=f"rx{i}") for i in range(4)]
    dispensings = [disp(P + timedelta(days=30 * i + 10), key=f"d{i}") for i in range(4)]
    assert keys(match(prescriptions=prescriptions, dispensings=dispensings, links=LINKS)) == [
        (f"rx{i}", f"d{i}") for i in range(4)]
    # Two prescriptions 10 days apart, dispensings on day 12 and 20: the first takes day
    # 12, the second day 20 (the second could not have taken anything else).
    pairs = match(prescriptions=[rx(P, key="a"), rx(P + timedelta(days=10), key="b")],
                  dispensings=[disp(P + timedelta(days=12), key="x"),
                               disp(P + timedelta(days=20), key="y")], links=LINKS)
    assert keys(pairs) == [("a", "x"), ("b", "y")]


COVER = Coverage(his_first=date(2025, 1, 1), his_last=date(2026, 9, 1),
                 pharmacy_first=date(2025, 6, 1), pharmacy_last=date(2026, 8, 31))


@pytest.mark.parametrize(("day", "judged"), [
    (date(2026, 8, 17), True),   # last dispensing date − 14: the pharmacy covers its window
    (date(2026, 8, 18), False),  # one day later: may still be collected
    (date(2025, 6, 1), True),    # the pharmacy list's first day
    (date(2025, 5, 31), False),  # before the pharmacy list begins
])
def test_a_prescription_is_judged_only_inside_the_pharmacy_lists_period(day, judged):
    assert COVER.prescription_judged(day) is judged


@pytest.mark.parametrize(("day", "judged"), [
    (date(2025, 1, 15), True),   # HIS first date + 14: its prescription would be exported
    (date(2025, 1, 14), False),  # its prescription may predate the export
    (date(2024, 12, 31), False),  # before the HIS export's first date
    (date(2026, 9, 1), True),    # the HIS export's last day
    (date(2026, 9, 2), False),   # after it
])
def test_a_dispensing_is_judged_only_inside_the_his_exports_period(day, judged):
    assert COVER.dispensing_judged(day) is judged


def test_the_common_period_and_a_source_without_rows():
    assert (COVER.start, COVER.end) == (date(2025, 6, 1), date(2026, 8, 31))
    empty = Coverage(his_first=date(2025, 1, 1), his_last=date(2026, 9, 1),
                     pharmacy_first=None, pharmacy_last=None)
    assert empty.complete is False and empty.start is None
    assert empty.prescription_judged(date(2026, 1, 1)) is False
    assert empty.dispensing_judged(date(2026, 1, 1)) is False
