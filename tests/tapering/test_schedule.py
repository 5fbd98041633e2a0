"""The tapering schedule engine, rule by rule (docs/domain.md#tapering-schedules).

Plain Python: no database. The worked examples' tables are written out by hand from
the rules, not computed by the engine. Messages are checked in Dutch.
"""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from tapering.schedule import (
    EQUIVALENCE_SOURCE,
    PRESET_RULES,
    Plan,
    Preset,
    Product,
    ScheduleRefused,
    Step,
    StepKind,
    TabletCount,
    decimal_plain,
    equivalence_uncertain,
    is_takeable,
    plan_check,
    schedule_back,
    schedule_build,
    schedule_hold,
    schedule_repeat,
    strengths_parse,
    switch_dose,
    tablets_by_strength,
    takeable_below,
    takeable_strength,
)

from .schedule_data import DIAZEPAM, LORAZEPAM, OXAZEPAM, PRODUCTS, TEMAZEPAM

D = Decimal
MONDAY = date(2027, 1, 4)


@pytest.fixture(autouse=True)
def _dutch():
    with translation.override("nl"):
        yield


def plan(product: Product, strength: str, dose: str, preset: Preset = Preset.NHG,
         **options) -> Plan:
    return Plan(product=product, strength_mg=D(strength), dose_mg=D(dose), preset=preset,
                start=MONDAY, **options)


def table(steps: list[Step]) -> list[tuple]:
    return [(s.number, s.start.isoformat(), s.days, s.atc, s.strength_mg, s.tablets_per_day,
             s.daily_dose_mg, s.tablets_needed) for s in steps]


def expected(rows: str) -> list[tuple]:
    """Rows as the CSV writes them: step,start_date,days,atc,strength,per day,dose,needed."""
    result = []
    for line in rows.strip().splitlines():
        number, start, days, atc, *figures = line.split()
        result.append((int(number), start, int(days), atc, *(D(f) for f in figures)))
    return result


def doses(steps: list[Step]) -> list[Decimal]:
    return [s.daily_dose_mg for s in steps]


def refusal(call, *args, **kwargs) -> str:
    with pytest.raises(ScheduleRefused) as refused:
        call(*args, **kwargs)
    return refused.value.message


# --- worked examples, by hand ----------------------------------------------------------------

def test_worked_example_temazepam_20_mg_nhg_with_switch_to_diazepam():
    # 20 mg temazepam x 10 / 20 (Ashton) = 10 mg diazepam, held a week; then 25 % of 10 mg
    # a week. Of 10, 7.5, 5 and 2.5 mg, 5 mg tablets give whole or half tablets for all
    # four (2 mg: one, 10 mg: two), so 5 mg is the strength throughout.
    steps = schedule_build(plan(TEMAZEPAM, "20", "20", switch_to=DIAZEPAM))
    assert table(steps) == expected("""
        0 2027-01-04 7 N05BA01 5 2   10  14
        1 2027-01-11 7 N05BA01 5 1.5 7.5 10.5
        2 2027-01-18 7 N05BA01 5 1   5   7
        3 2027-01-25 7 N05BA01 5 0.5 2.5 3.5
        4 2027-02-01 0 N05BA01 5 0   0   0
    """)
    assert [s.kind for s in steps] == ["switch", "reduce", "reduce", "reduce", "stop"]
    assert steps[0].substance == "diazepam"
    assert steps[0].note == ("10 mg diazepam in plaats van 20 mg temazepam "
                             "(Ashton (benzo.org.uk), via de referentietabel)")


def test_worked_example_oxazepam_50_mg_deprescribing():
    # 25 % of 50 mg (12.5 mg) every 2 weeks down to 12.5 mg (25 % of the start), then half
    # the share: target 6.25 mg lies exactly between 5 and 7.5 mg, the higher one wins;
    # 7.5 mg is not takeable with 50 mg tablets (0.15), so 0.75 x 10 mg.
    steps = schedule_build(plan(OXAZEPAM, "50", "50", Preset.DEPRESCRIBING))
    assert table(steps) == expected("""
        0 2027-01-04 14 N05BA04 50 1    50   14
        1 2027-01-18 14 N05BA04 50 0.75 37.5 10.5
        2 2027-02-01 14 N05BA04 50 0.5  25   7
        3 2027-02-15 14 N05BA04 50 0.25 12.5 3.5
        4 2027-03-01 14 N05BA04 10 0.75 7.5  10.5
        5 2027-03-15 0  N05BA04 10 0    0    0
    """)
    assert steps[0].kind == "start" and steps[0].note == ""


def test_worked_example_lorazepam_1_5_mg_slow():
    # 10 % of the current (rounded) dose every 2 weeks, in eighths of a mg (quarters of
    # 0.5 mg). 1.35 -> 1.375; 1.2375 -> 1.25; 1.125; 1.0125 -> 1; 0.9 -> 0.875;
    # 0.7875 -> 0.75; 0.675 -> 0.625; 0.5625 is a tie (0.5 / 0.625), the higher 0.625 is
    # not below 0.625, so 0.5; 0.45 -> 0.5 not below, so 0.375; 0.3375 -> 0.375, so 0.25;
    # 0.225 -> 0.25, so 0.125; 0.1125 -> 0.125 and nothing smaller: 0.
    steps = schedule_build(plan(LORAZEPAM, "0.5", "1.5", Preset.SLOW))
    assert table(steps) == expected("""
        0  2027-01-04 14 N05BA06 0.5 3    1.5   42
        1  2027-01-18 14 N05BA06 0.5 2.75 1.375 38.5
        2  2027-02-01 14 N05BA06 0.5 2.5  1.25  35
        3  2027-02-15 14 N05BA06 0.5 2.25 1.125 31.5
        4  2027-03-01 14 N05BA06 0.5 2    1     28
        5  2027-03-15 14 N05BA06 0.5 1.75 0.875 24.5
        6  2027-03-29 14 N05BA06 0.5 1.5  0.75  21
        7  2027-04-12 14 N05BA06 0.5 1.25 0.625 17.5
        8  2027-04-26 14 N05BA06 0.5 1    0.5   14
        9  2027-05-10 14 N05BA06 0.5 0.75 0.375 10.5
        10 2027-05-24 14 N05BA06 0.5 0.5  0.25  7
        11 2027-06-07 14 N05BA06 0.5 0.25 0.125 3.5
        12 2027-06-21 0  N05BA06 0.5 0    0     0
    """)


def test_worked_example_temazepam_nhg_with_the_final_small_step():
    # The optional step at half the last positive target: 12.5 % of 10 mg = 1.25 mg,
    # a quarter of a 5 mg tablet.
    steps = schedule_build(plan(TEMAZEPAM, "20", "20", switch_to=DIAZEPAM,
                                final_small_step=True))
    assert table(steps) == expected("""
        0 2027-01-04 7 N05BA01 5 2    10   14
        1 2027-01-11 7 N05BA01 5 1.5  7.5  10.5
        2 2027-01-18 7 N05BA01 5 1    5    7
        3 2027-01-25 7 N05BA01 5 0.5  2.5  3.5
        4 2027-02-01 7 N05BA01 5 0.25 1.25 1.75
        5 2027-02-08 0 N05BA01 5 0    0    0
    """)


# --- takeable doses ----------------------------------------------------------------------------

@pytest.mark.parametrize(("dose", "strengths", "takeable"), [
    ("7.5", ("10", "50"), True),    # 3/4 of 10 mg
    ("7", ("10", "50"), False),
    ("12.5", ("50",), True),        # 1/4 of 50 mg
    ("12.5", ("10",), True),        # 1.25 tablets of 10 mg: five quarters
    ("12.5", ("20",), False),       # 0.625 tablet of 20 mg
    ("0.125", ("0.5",), True),
    ("0.1", ("0.5",), False),
    ("0", ("10",), False),
    ("-2.5", ("10",), False),
])
def test_a_dose_is_takeable_in_whole_quarter_tablets_only(dose, strengths, takeable):
    assert is_takeable(D(dose), tuple(D(s) for s in strengths)) is takeable


@pytest.mark.parametrize(("dose", "prefer", "strength"), [
    ("10", None, "10"),    # whole tablets of 2, 5 and 10 mg: the larger
    ("10", "2", "2"),      # the preferred strength when it works
    ("7.5", None, "5"),    # 1.5 x 5 mg (half) before 3.75 x 2 mg or 0.75 x 10 mg (quarters)
    ("7", "5", "2"),       # not with 5 mg (1.4 tablets): 3.5 x 2 mg
    ("1.25", None, "5"),   # only a quarter of 5 mg
    ("2.5", "10", "10"),   # a quarter of 10 mg, preferred over a half of 5 mg
    ("2.5", None, "5"),    # without preference: the half of 5 before the quarter of 10
    ("1.3", None, None),
])
def test_takeable_strength_prefers_then_splits_least_then_the_larger(dose, prefer, strength):
    found = takeable_strength(D(dose), DIAZEPAM.strengths_mg,
                              prefer=D(prefer) if prefer else None)
    assert found == (D(strength) if strength else None)


def test_takeable_below_is_the_largest_takeable_dose_strictly_below_or_zero():
    assert takeable_below(D("0.625"), LORAZEPAM.strengths_mg) == D("0.5")
    assert takeable_below(D("0.126"), LORAZEPAM.strengths_mg) == D("0.125")
    assert takeable_below(D("0.125"), LORAZEPAM.strengths_mg) == 0
    assert takeable_below(D("3.75"), DIAZEPAM.strengths_mg) == D("3.5")
    assert takeable_below(D("4"), DIAZEPAM.strengths_mg) == D("3.75")  # 3/4 of 5 mg


def test_strengths_parse_reads_the_reference_column():
    assert strengths_parse("2|5|10") == (D(2), D(5), D(10))
    assert strengths_parse("10|0.5") == (D("0.5"), D(10))
    assert strengths_parse("") == ()
    assert PRODUCTS["N05BA03"].strengths_mg == ()  # medazepam: not marketed


@pytest.mark.parametrize(("value", "text"), [
    (D("0.75"), "0.75"), (D("1.00"), "1"), (D("37.50"), "37.5"), (D("0.0625"), "0.0625"),
    (D("1E+1"), "10"), (D("0.000"), "0"), (D("120"), "120")])
def test_decimals_are_written_plainly(value, text):
    assert decimal_plain(value) == text


# --- rounding of the targets ------------------------------------------------------------------

def test_a_tie_between_two_takeable_doses_takes_the_higher_one():
    # Oxazepam: target 6.25 mg between 5 and 7.5 (worked example); just off the tie the
    # nearer one wins.
    assert doses(schedule_build(plan(OXAZEPAM, "50", "50", Preset.DEPRESCRIBING)))[4] == D("7.5")
    # A slow step from 5 mg diazepam at 15 %: 4.25 lies between 4 and 4.5 -> 4.5.
    assert doses(schedule_build(plan(DIAZEPAM, "5", "5", Preset.SLOW,
                                     step_percent=D(15))))[1] == D("4.5")
    # At 16 %: 4.2 -> 4 (nearer).
    assert doses(schedule_build(plan(DIAZEPAM, "5", "5", Preset.SLOW,
                                     step_percent=D(16))))[1] == D("4")


def test_a_target_that_rounds_to_the_previous_dose_is_forced_one_takeable_dose_below():
    steps = schedule_build(plan(LORAZEPAM, "0.5", "1.5", Preset.SLOW))
    # 0.625 -> target 0.5625 rounds to 0.625 (tie, higher), forced to 0.5.
    assert doses(steps)[7:9] == [D("0.625"), D("0.5")]
    # The other side: from 0.75 the target 0.675 rounds to 0.625, below 0.75: kept.
    assert doses(steps)[6:8] == [D("0.75"), D("0.625")]


def test_the_smallest_dose_falls_to_zero_when_nothing_takeable_is_below_it():
    steps = schedule_build(plan(LORAZEPAM, "0.5", "0.125", Preset.SLOW))
    assert doses(steps) == [D("0.125"), D("0")]
    assert steps[-1].kind == StepKind.STOP and steps[-1].days == 0


def test_a_target_at_or_below_zero_gives_zero_and_the_schedule_stops():
    # NHG with 40 %: 100, 60, 20, then -20 % -> 0.
    steps = schedule_build(plan(DIAZEPAM, "10", "10", step_percent=D(40)))
    assert doses(steps) == [D(10), D(6), D(2), D(0)]
    # With 50 % the third target is exactly 0.
    steps = schedule_build(plan(DIAZEPAM, "10", "10", step_percent=D(50)))
    assert doses(steps) == [D(10), D(5), D(0)]


def test_every_schedule_ends_with_one_row_at_zero_on_the_strength_before_it():
    steps = schedule_build(plan(OXAZEPAM, "50", "50", Preset.DEPRESCRIBING))
    last = steps[-1]
    assert (last.daily_dose_mg, last.days, last.tablets_per_day, last.tablets_needed,
            last.kind) == (0, 0, 0, 0, StepKind.STOP)
    assert (last.atc, last.strength_mg) == (steps[-2].atc, steps[-2].strength_mg) \
        == ("N05BA04", D(10))
    assert [s.daily_dose_mg for s in steps].count(0) == 1


def test_step_100_percent_goes_straight_to_zero():
    assert doses(schedule_build(plan(DIAZEPAM, "10", "10", Preset.SLOW,
                                     step_percent=D(100)))) == [D(10), D(0)]


# --- presets -----------------------------------------------------------------------------------

def test_the_presets_intervals_and_shares():
    assert PRESET_RULES[Preset.NHG].interval_days == 7
    assert PRESET_RULES[Preset.DEPRESCRIBING].interval_days == 14
    assert PRESET_RULES[Preset.SLOW].interval_days == 14
    assert [s.days for s in schedule_build(plan(DIAZEPAM, "10", "10"))] == [7, 7, 7, 7, 0]


def test_nhg_steps_are_a_share_of_the_starting_dose_not_of_the_current_one():
    # 25 % of 20 mg is 5 mg each time: 20, 15, 10, 5, 0 (of the current dose it would
    # be 20, 15, 11.25, ...).
    assert doses(schedule_build(plan(DIAZEPAM, "10", "20"))) == [20, 15, 10, 5, 0]


def test_the_final_small_step_is_only_there_when_asked_and_only_for_nhg():
    without = doses(schedule_build(plan(DIAZEPAM, "10", "20")))
    with_it = doses(schedule_build(plan(DIAZEPAM, "10", "20", final_small_step=True)))
    assert with_it == [20, 15, 10, 5, D("2.5"), 0]
    assert without == [20, 15, 10, 5, 0]
    # Custom share 30 %: last positive target 2 mg (10 %), half of it 1 mg.
    assert doses(schedule_build(plan(DIAZEPAM, "10", "20", step_percent=D(30),
                                     final_small_step=True))) == [20, 14, 8, 2, 1, 0]
    slow = plan(DIAZEPAM, "10", "20", Preset.SLOW)
    assert schedule_build(replace(slow, final_small_step=True)) == schedule_build(slow)


def test_deprescribing_halves_the_share_once_a_target_is_at_or_below_a_quarter():
    # 24 % of 50 mg diazepam: targets 100, 76, 52, 28 % (above 25 %: full share next),
    # 4 % (at or below: half share next), then below 0.
    assert doses(schedule_build(plan(DIAZEPAM, "10", "50", Preset.DEPRESCRIBING,
                                     step_percent=D(24)))) == [50, 38, 26, 14, 2, 0]
    # 25 %: the target of exactly 25 % (12.5 mg) halves the next step: 6.25 mg.
    assert doses(schedule_build(plan(DIAZEPAM, "10", "50", Preset.DEPRESCRIBING))) == [
        50, D("37.5"), 25, D("12.5"), D("6.25"), 0]


def test_slow_takes_a_share_of_the_current_rounded_dose():
    steps = schedule_build(plan(DIAZEPAM, "2", "9", Preset.SLOW))
    # 9 -> 8.1 rounds to 8; 10 % off 8 is 7.2 -> 7. (Off the unrounded 8.1 it would be
    # 7.29 -> 7.5; off the starting dose, 7.2 -> 7 then 6.3.)
    assert doses(steps)[:4] == [9, 8, 7, D("6.25")]  # 6.3 -> 6.25 = 1.25 x 5 mg


def test_custom_interval_and_share_replace_the_presets_own():
    steps = schedule_build(plan(DIAZEPAM, "10", "10", step_percent=D(50), interval_days=10))
    assert [(s.days, s.daily_dose_mg) for s in steps] == [(10, 10), (10, 5), (0, 0)]
    steps = schedule_build(plan(DIAZEPAM, "10", "10", Preset.SLOW, interval_days=28))
    assert {s.days for s in steps[:-1]} == {28}


def test_each_step_starts_where_the_one_before_ends():
    steps = schedule_build(plan(DIAZEPAM, "10", "10", Preset.SLOW, interval_days=21))
    assert steps[0].start == MONDAY
    for before, after in zip(steps, steps[1:], strict=False):
        assert after.start == before.end == before.start + timedelta(days=before.days)
    assert all(s.tablets_needed == s.tablets_per_day * s.days for s in steps)
    assert all(s.daily_dose_mg == s.tablets_per_day * s.strength_mg for s in steps)


# --- the switch to diazepam ---------------------------------------------------------------------

@pytest.mark.parametrize(("product", "dose", "diazepam"), [
    ("N05CD07", "20", "10"),      # temazepam: exact
    ("N05CD07", "15", "7.5"),
    ("N05BA06", "0.075", "1"),    # lorazepam: 0.75 mg, a tie between 0.5 and 1: the higher
    ("N05BA06", "0.0749", "0.5"),  # just under the tie: the lower
    ("N05BA06", "0.01", "0.5"),   # 0.1 mg: never 0, the smallest takeable dose
    ("N05BA05", "1.25", "1"),     # clorazepate: 0.833 mg -> 1
    ("N05BA08", "3", "5"),        # bromazepam 3 / 6 x 10
    ("N05BA12", "0.0625", "1.25"),  # alprazolam: 1.25 = a quarter of 5 mg
])
def test_switch_dose_rounds_the_ashton_equivalent_to_the_nearest_takeable_diazepam(
        product, dose, diazepam):
    assert switch_dose(PRODUCTS[product], D(dose), DIAZEPAM) == D(diazepam)


def test_switching_from_diazepam_to_diazepam_is_no_switch():
    steps = schedule_build(plan(DIAZEPAM, "2", "10", switch_to=DIAZEPAM))
    assert steps[0].kind == StepKind.START and steps[0].note == ""
    # No switch, so the patient's 2 mg tablets stay the main strength.
    assert {s.strength_mg for s in steps} == {D(2)}


def test_after_a_switch_the_main_strength_is_the_one_with_most_whole_or_half_tablets():
    # 10 and 5 mg (NHG at 50 %): 5 mg tablets give 2 and 1, 10 mg give 1 and 0.5: a tie,
    # the larger strength wins. 2 mg gives only one (10 mg = 5 tablets; 5 mg = 2.5).
    steps = schedule_build(plan(TEMAZEPAM, "20", "20", switch_to=DIAZEPAM,
                                step_percent=D(50)))
    assert [(s.strength_mg, s.tablets_per_day) for s in steps] == [
        (10, 1), (10, D("0.5")), (10, 0)]
    # At 25 % (10, 7.5, 5, 2.5) 5 mg wins four to two: worked example above.


def test_without_a_switch_the_patients_strength_is_used_whenever_it_can_be():
    # Lorazepam 2.5 mg tablets, 1.5 mg a day: not takeable with 2.5 mg (0.6 tablet);
    # 3 x 0.5 mg (whole) before 1.5 x 1 mg (half).
    steps = schedule_build(plan(LORAZEPAM, "2.5", "1.5", Preset.NHG))
    assert (steps[0].strength_mg, steps[0].tablets_per_day) == (D("0.5"), 3)
    # Oxazepam 10 mg tablets, 50 mg: the patient's 10 mg tablets throughout.
    steps = schedule_build(plan(OXAZEPAM, "10", "50", Preset.DEPRESCRIBING))
    assert {s.strength_mg for s in steps} == {D(10)}
    assert steps[0].tablets_per_day == 5


# --- refusals -----------------------------------------------------------------------------------

def test_a_product_not_on_the_dutch_market_is_refused():
    medazepam = PRODUCTS["N05BA03"]
    message = refusal(plan_check, plan(medazepam, "10", "10"))
    assert message == ("medazepam (N05BA03) is niet te koop in Nederland. Daarom kan de app "
                       "er geen afbouwschema voor maken.")


def test_a_strength_not_on_the_market_is_refused_naming_the_ones_that_are():
    assert refusal(plan_check, plan(TEMAZEPAM, "15", "15")) == (
        "temazepam bestaat niet in tabletten van 15 mg. In Nederland zijn er tabletten van "
        "10 mg of 20 mg.")
    assert "0,5 mg, 1 mg of 2,5 mg" in refusal(plan_check, plan(LORAZEPAM, "2", "2"))
    plan_check(plan(TEMAZEPAM, "10", "15"))  # 1.5 x 10 mg: fine


@pytest.mark.parametrize("dose", ["0", "-10"])
def test_a_dose_of_zero_or_less_is_refused(dose):
    assert refusal(plan_check, plan(DIAZEPAM, "10", dose)) == (
        "De dosis per dag moet meer dan 0 mg zijn.")


def test_a_dose_that_cannot_be_taken_is_refused_with_the_doses_near_it():
    assert refusal(plan_check, plan(OXAZEPAM, "10", "7")) == (
        "7 mg oxazepam per dag kan niet met hele, halve of kwart tabletten van 10 mg of "
        "50 mg. Wel mogelijk in de buurt: 5 mg of 7,5 mg.")
    # Below the smallest takeable dose only the one above it is named.
    assert refusal(plan_check, plan(LORAZEPAM, "0.5", "0.1")).endswith(
        "Wel mogelijk in de buurt: 0,125 mg.")
    # Takeable with another strength of the product than the patient's: accepted.
    plan_check(plan(OXAZEPAM, "50", "7.5"))


def test_a_switch_without_an_ashton_figure_is_refused():
    unknown = Product(atc="N05BA99", name="testazepam", strengths_mg=(D(10),), ashton_mg=None)
    message = refusal(plan_check, plan(unknown, "10", "10", switch_to=DIAZEPAM))
    assert message == ("In de tabel staat niet hoeveel diazepam gelijk is aan testazepam. "
                       "Daarom kan de overstap op diazepam niet worden berekend.")
    plan_check(plan(unknown, "10", "10"))  # without a switch it is fine
    assert "testazepam" in refusal(switch_dose, unknown, D(10), DIAZEPAM)


@pytest.mark.parametrize(("percent", "ok"), [
    ("0", False), ("-5", False), ("0.01", True), ("100", True), ("100.01", False)])
def test_the_step_percent_must_be_above_0_and_at_most_100(percent, ok):
    checked = plan(DIAZEPAM, "10", "10", step_percent=D(percent))
    if ok:
        plan_check(checked)
    else:
        assert refusal(plan_check, checked).startswith(
            "Een stap moet meer dan 0 en hoogstens 100 procent zijn")


@pytest.mark.parametrize(("days", "ok"), [(0, False), (1, True), (365, True), (366, False)])
def test_the_interval_must_be_1_to_365_days(days, ok):
    checked = plan(DIAZEPAM, "10", "10", interval_days=days)
    if ok:
        plan_check(checked)
    else:
        assert refusal(plan_check, checked) == (
            f"Een stap moet 1 tot en met 365 dagen duren (niet {days}).")


def test_schedule_build_checks_the_plan_first():
    with pytest.raises(ScheduleRefused):
        schedule_build(plan(OXAZEPAM, "10", "7"))


# --- adjustments ---------------------------------------------------------------------------------

@pytest.fixture
def nhg() -> list[Step]:
    # diazepam 10 mg tablets 10 mg: 10, 7.5, 5, 2.5, 0 a week each, from 4 January.
    return schedule_build(plan(DIAZEPAM, "10", "10"))


def test_hold_makes_a_step_longer_and_moves_the_later_dates(nhg):
    held = schedule_hold(nhg, step=2, days=5, reason="Slecht geslapen")
    assert held[:2] == nhg[:2]
    assert (held[2].days, held[2].tablets_needed, held[2].kind, held[2].note) == (
        12, D(6), StepKind.HOLD, "Slecht geslapen")
    assert [s.start for s in held] == [MONDAY + timedelta(days=d) for d in (0, 7, 14, 26, 33)]
    assert [s.number for s in held] == [0, 1, 2, 3, 4]
    assert doses(held) == doses(nhg)
    assert nhg[2].days == 7  # the original list is untouched


def test_hold_of_step_zero_keeps_its_kind_and_adds_the_reason_to_its_note():
    steps = schedule_build(plan(TEMAZEPAM, "20", "20", switch_to=DIAZEPAM))
    held = schedule_hold(steps, step=0, days=7, reason="Eerst wennen")
    assert held[0].kind == StepKind.SWITCH and held[0].days == 14
    assert held[0].note.endswith("; Eerst wennen")
    assert held[1].start == MONDAY + timedelta(days=14)


def test_hold_refuses_the_zero_row_a_bad_number_of_days_a_missing_step_or_reason(nhg):
    assert refusal(schedule_hold, nhg, step=4, days=7, reason="x") == (
        "Een stap zonder tabletten kunt u niet verlengen.")
    assert refusal(schedule_hold, nhg, step=1, days=0, reason="x") == (
        "Verleng een stap met 1 tot en met 365 dagen (niet 0).")
    schedule_hold(nhg, step=1, days=1, reason="x")
    assert refusal(schedule_hold, nhg, step=5, days=7, reason="x") == (
        "Dit schema heeft geen stap 5.")
    assert refusal(schedule_hold, nhg, step=-1, days=7, reason="x") == (
        "Dit schema heeft geen stap -1.")
    assert refusal(schedule_hold, nhg, step=1, days=7, reason="  ") == (
        "Geef aan waarom het schema verandert.")


def test_repeat_puts_a_copy_right_after_the_step(nhg):
    repeated = schedule_repeat(nhg, step=1, reason="Veel onrust")
    assert repeated[:2] == nhg[:2]
    assert doses(repeated) == [10, D("7.5"), D("7.5"), 5, D("2.5"), 0]
    copy = repeated[2]
    assert (copy.kind, copy.note, copy.days, copy.start, copy.strength_mg,
            copy.tablets_needed) == (StepKind.REPEAT, "Veel onrust", 7,
                                     MONDAY + timedelta(days=14), D(10), D("5.25"))
    assert [s.number for s in repeated] == list(range(6))
    assert repeated[3].start == MONDAY + timedelta(days=21)
    assert refusal(schedule_repeat, nhg, step=4, reason="x") == (
        "Een stap zonder tabletten kunt u niet herhalen.")


def test_back_in_the_middle_of_a_step_cuts_it_goes_back_and_then_does_it_again(nhg):
    # Step 2 (5 mg) starts 18 January; on 21 January back to 7.5 mg.
    on = date(2027, 1, 21)
    back = schedule_back(nhg, step=2, on=on, reason="Trillen en angst")
    assert back[:2] == nhg[:2]
    assert [(s.number, s.start.isoformat(), s.days, s.daily_dose_mg, s.tablets_needed, s.kind)
            for s in back[2:]] == [
        (2, "2027-01-18", 3, 5, D("1.5"), StepKind.REDUCE),
        (3, "2027-01-21", 7, D("7.5"), D("5.25"), StepKind.BACK),
        (4, "2027-01-28", 7, 5, D("3.5"), StepKind.REDUCE),
        (5, "2027-02-04", 7, D("2.5"), D("1.75"), StepKind.REDUCE),
        (6, "2027-02-11", 0, 0, 0, StepKind.STOP),
    ]
    assert back[3].note == "Trillen en angst"
    assert (back[3].atc, back[3].strength_mg) == (nhg[1].atc, nhg[1].strength_mg)


def test_back_on_the_first_day_of_a_step_drops_it_and_on_its_end_keeps_it_whole(nhg):
    dropped = schedule_back(nhg, step=2, on=nhg[2].start, reason="x")
    assert doses(dropped) == [10, D("7.5"), D("7.5"), 5, D("2.5"), 0]
    assert dropped[2].kind == StepKind.BACK and dropped[2].start == nhg[2].start
    whole = schedule_back(nhg, step=2, on=nhg[2].end, reason="x")
    assert doses(whole) == [10, D("7.5"), 5, D("7.5"), 5, D("2.5"), 0]
    assert whole[2].days == 7


def test_back_from_the_zero_row_goes_back_to_the_last_dose_taken(nhg):
    stopped = nhg[4]
    back = schedule_back(nhg, step=4, on=stopped.start + timedelta(days=3), reason="x")
    assert [(s.daily_dose_mg, s.days, s.kind) for s in back[4:]] == [
        (0, 3, StepKind.STOP), (D("2.5"), 7, StepKind.BACK), (0, 0, StepKind.STOP)]
    same_day = schedule_back(nhg, step=4, on=stopped.start, reason="x")
    assert doses(same_day) == [10, D("7.5"), 5, D("2.5"), D("2.5"), 0]
    assert same_day[-1].start == stopped.start + timedelta(days=7)


def test_the_back_step_lasts_at_least_as_long_as_the_step_it_goes_back_to(nhg):
    held = schedule_hold(nhg, step=1, days=7, reason="x")  # 7.5 mg for 14 days
    back = schedule_back(held, step=2, on=held[2].start, reason="y")
    assert (back[2].daily_dose_mg, back[2].days) == (D("7.5"), 14)
    assert back[2].note == "y"


def test_back_is_the_only_way_a_dose_rises(nhg):
    adjusted = schedule_repeat(schedule_hold(nhg, step=1, days=3, reason="a"), step=2,
                               reason="b")
    assert all(a.daily_dose_mg >= b.daily_dose_mg for a, b in zip(adjusted, adjusted[1:],
                                                                  strict=False))
    back = schedule_back(adjusted, step=3, on=adjusted[3].start, reason="c")
    rises = [b for a, b in zip(back, back[1:], strict=False)
             if b.daily_dose_mg > a.daily_dose_mg]
    assert [r.kind for r in rises] == [StepKind.BACK]


def test_back_from_a_repeated_step_goes_to_the_dose_before_the_repeats(nhg):
    repeated = schedule_repeat(nhg, step=2, reason="a")  # 10, 7.5, 5, 5, 2.5, 0
    back = schedule_back(repeated, step=3, on=repeated[3].start, reason="b")
    assert back[3].daily_dose_mg == D("7.5") and back[3].kind == StepKind.BACK


def test_back_refuses_step_zero_and_a_day_outside_the_step(nhg):
    assert refusal(schedule_back, nhg, step=0, on=MONDAY, reason="x") == (
        "Voor stap 0 is er geen hogere dosis om naar terug te gaan.")
    assert refusal(schedule_back, nhg, step=2, on=nhg[2].start - timedelta(days=1),
                   reason="x") == ("De dag van teruggaan moet in stap 2 vallen (van "
                                   "18-01-2027 tot en met 25-01-2027).")
    assert "stap 2" in refusal(schedule_back, nhg, step=2,
                               on=nhg[2].end + timedelta(days=1), reason="x")
    # The zero row has no end: any day from its start on.
    schedule_back(nhg, step=4, on=nhg[4].start + timedelta(days=60), reason="x")
    assert "stap 4" in refusal(schedule_back, nhg, step=4,
                               on=nhg[4].start - timedelta(days=1), reason="x")


# --- tablets to prescribe ------------------------------------------------------------------------

def test_tablets_by_strength_counts_per_product_and_strength_in_order_of_first_use():
    steps = schedule_build(plan(OXAZEPAM, "50", "50", Preset.DEPRESCRIBING))
    counts = tablets_by_strength(steps)
    # 50 mg: 14 + 10.5 + 7 + 3.5 = 35; 10 mg: 10.5, so 11 to prescribe.
    assert [(c.atc, c.strength_mg, c.tablets, c.whole_tablets) for c in counts] == [
        ("N05BA04", D(50), D(35), 35), ("N05BA04", D(10), D("10.5"), 11)]
    assert [c.his_line for c in counts] == [
        "oxazepam 50 mg, 35 tabletten, volgens afbouwschema",
        "oxazepam 10 mg, 11 tabletten, volgens afbouwschema"]


def test_the_his_line_has_a_decimal_comma_and_a_singular_for_one_tablet():
    one = TabletCount(atc="N05BA06", substance="lorazepam", strength_mg=D("0.5"),
                      tablets=D("0.75"), whole_tablets=1)
    assert one.his_line == "lorazepam 0,5 mg, 1 tablet, volgens afbouwschema"
    two = replace(one, tablets=D("1.25"), whole_tablets=2)
    assert two.his_line == "lorazepam 0,5 mg, 2 tabletten, volgens afbouwschema"
    with translation.override("en"):
        assert two.his_line == ("lorazepam 0.5 mg, 2 tablets, according to the tapering "
                                "schedule")


def test_tablets_of_the_switched_schedule_are_diazepam_only():
    steps = schedule_build(plan(TEMAZEPAM, "20", "20", switch_to=DIAZEPAM))
    assert [c.his_line for c in tablets_by_strength(steps)] == [
        "diazepam 5 mg, 35 tabletten, volgens afbouwschema"]


def test_held_and_repeated_steps_count_in_the_tablets(nhg):
    adjusted = schedule_repeat(schedule_hold(nhg, step=0, days=7, reason="a"), step=1,
                               reason="b")
    # 10 mg tablets: 14 + 5.25 + 5.25 + 3.5 + 1.75 = 29.75 -> 30.
    [count] = tablets_by_strength(adjusted)
    assert (count.tablets, count.whole_tablets) == (D("29.75"), 30)


# --- equivalence sources ------------------------------------------------------------------------

def test_the_equivalence_source_is_named():
    assert EQUIVALENCE_SOURCE.name == "Ashton (benzo.org.uk), via the reference table"
    assert EQUIVALENCE_SOURCE.label == "Ashton (benzo.org.uk), via de referentietabel"


@pytest.mark.parametrize(("atc", "uncertain"), [
    ("N05BA06", True), ("N05BA12", True), ("N05BA04", True), ("N05BA08", True),
    ("N05CF01", True), ("N05CF02", True), ("n05cf04", True),
    ("N05BA01", False), ("N05CD07", False), ("N05BA02", False), ("N05CD08", False)])
def test_equivalence_is_uncertain_where_the_published_tables_disagree_most(atc, uncertain):
    assert equivalence_uncertain(atc) is uncertain
