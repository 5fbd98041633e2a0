"""The earlier round's script (monitoring/demo/script.py), without the database."""

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta

from monitoring.demo.script import KINDS, his_export, round_script
from patients.dates import is_working_day

COUNTS = {kind: 2 for kind in KINDS}


def script(today: date, seed: int = 7):
    return round_script(today=today, counts=COUNTS, gps=("M. Öztürk", "S. van Dam"),
                        city="Renkum", postcode="6871 AB", first_number=900001, seed=seed)


@pytest.mark.parametrize(
    "today", [date(2026, 11, 30), date(2027, 3, 1), date(2026, 1, 2), date(2027, 1, 27)])
def test_letters_went_out_12_to_13_months_before_today_on_working_days(today):
    round_ = script(today)
    for letter_on in round_.letters_on:
        assert today - relativedelta(months=13) <= letter_on <= today - relativedelta(months=12)
        assert is_working_day(letter_on)
    assert {c.letter_on for c in round_.courses} == {*round_.letters_on, None}


@pytest.mark.parametrize("today", [date(2026, 11, 30), date(2027, 3, 1), date(2026, 1, 2)])
def test_everything_happens_within_the_project_and_before_today(today):
    round_ = script(today)
    assert round_.start.day == 1 and round_.end < today
    assert round_.imported_on < round_.screened_on < round_.letters_on[0]
    assert round_.end < round_.reimports_on[-1] < today
    for course in round_.courses:
        days = [course.phoned_on, *course.calls, course.consult_on, course.outcome_on]
        assert all(round_.letters_on[0] <= d <= round_.end for d in days if d), course.kind
        assert all(day <= today for day, _units in course.prescriptions)


def test_each_course_appears_as_often_as_asked_and_the_same_seed_gives_the_same_round():
    first, again, other = script(date(2026, 11, 30)), script(date(2026, 11, 30)), script(
        date(2026, 11, 30), seed=8)
    kinds = [c.kind for c in first.courses]
    assert sorted(kinds) == sorted(k for k in KINDS for _ in range(2))
    assert first == again
    assert [c.kind for c in other.courses] != kinds


def test_prescriptions_follow_the_course_after_the_letter():
    today = date(2026, 11, 30)
    for course in script(today).courses:
        after = [(day, units) for day, units in course.prescriptions
                 if course.letter_on and day > course.letter_on]
        if course.kind in ("stopped", "already_stopped", "died", "moved"):
            assert all(day <= course.outcome_on for day, _units in after), course.kind
        if course.kind == "restarted":  # prescribed again after stopping
            assert any(day > course.outcome_on for day, _units in after)
        if course.kind == "reduced":  # half the monthly units from some weeks on
            assert after[-1][0] > course.outcome_on and after[-1][1] == 15
        if course.kind in ("unchanged", "declined", "not_reached", "excluded"):
            assert course.prescriptions[-1][0] > today - relativedelta(months=1)
            assert {units for _day, units in course.prescriptions[-3:]} == {30}
        assert course.prescriptions[0][0] < course.letter_on if course.letter_on else True


def test_the_export_holds_the_rows_dated_up_to_its_day():
    round_ = script(date(2026, 11, 30))
    text = his_export(round_.courses, up_to=round_.imported_on).decode("cp1252")
    lines = text.splitlines()
    assert lines[0].startswith("patientnummer;achternaam")
    before = sum(1 for c in round_.courses for day, _u in c.prescriptions
                 if day <= round_.imported_on)
    assert len(lines) - 1 == before
    everything = his_export(round_.courses, up_to=date(2026, 11, 30)).decode("cp1252")
    assert len(everything.splitlines()) - 1 == sum(len(c.prescriptions) for c in round_.courses)
