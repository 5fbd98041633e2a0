"""Properties of every schedule the engine makes (issue 12, acceptance; docs/domain.md
#tapering-schedules), over every product marketed in the Netherlands (read from
patients/data/benzo_reference.csv, no database), every preset, with and without the
switch to diazepam, with and without a custom share and interval, and any starting dose
up to 4 DDD that the product's tablets can make.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tapering.schedule import (
    PRESET_RULES,
    QUARTER,
    Plan,
    Preset,
    Product,
    Step,
    StepKind,
    schedule_back,
    schedule_build,
    schedule_hold,
    schedule_repeat,
    tablets_by_strength,
)

from .schedule_data import DIAZEPAM, MARKETED, PRODUCTS

PROPERTIES = settings(max_examples=200, deadline=None, database=None, print_blob=True)
D = Decimal


def dose_limit(product: Product) -> Decimal:
    """4 DDD; for a product without a DDD, 4 times its largest tablet."""
    return 4 * (product.ddd_mg if product.ddd_mg else product.strengths_mg[-1])


@st.composite
def plans(draw) -> Plan:
    product = draw(st.sampled_from(MARKETED))
    strength = draw(st.sampled_from(product.strengths_mg))
    limit = dose_limit(product)
    # Any dose the product's tablets make: k quarters of one of its strengths.
    makers = [s for s in product.strengths_mg if s * QUARTER <= limit]
    maker = draw(st.sampled_from(makers))
    quarters = draw(st.integers(min_value=1, max_value=int(limit / (maker * QUARTER))))
    custom = draw(st.booleans())
    return Plan(
        product=product, strength_mg=strength, dose_mg=quarters * maker * QUARTER,
        preset=draw(st.sampled_from(list(Preset))),
        start=draw(st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 12, 31))),
        switch_to=DIAZEPAM if draw(st.booleans()) else None,
        step_percent=draw(st.decimals(min_value=1, max_value=100, places=1)) if custom else None,
        interval_days=draw(st.integers(min_value=1, max_value=365)) if draw(st.booleans())
        else None,
        final_small_step=draw(st.booleans()))


@dataclass
class Checked:
    plan: Plan
    steps: list[Step]

    @property
    def product(self) -> Product:
        """The product taken during the schedule (diazepam after a switch)."""
        return self.plan.switch_to if self.plan.switching else self.plan.product


def built(plan: Plan) -> Checked:
    return Checked(plan, schedule_build(plan))


def per_day(steps: list[Step]) -> dict[tuple[str, Decimal], Decimal]:
    """Tablets summed day by day, per product and strength."""
    totals: dict[tuple[str, Decimal], Decimal] = {}
    for step in steps:
        for _day in range(step.days):
            key = (step.atc, step.strength_mg)
            totals[key] = totals.get(key, D(0)) + step.tablets_per_day
    return {key: total for key, total in totals.items() if total}


def dates_chain(steps: list[Step]) -> bool:
    return all(b.start == a.start + timedelta(days=a.days) for a, b in zip(steps, steps[1:],
                                                                            strict=False))


@PROPERTIES
@given(plans())
def test_doses_strictly_fall_and_the_schedule_ends_with_one_row_at_zero(plan):
    steps = built(plan).steps
    doses = [s.daily_dose_mg for s in steps]
    assert all(a > b for a, b in zip(doses, doses[1:], strict=False))
    last = steps[-1]
    assert (last.daily_dose_mg, last.days, last.tablets_per_day, last.tablets_needed,
            last.kind) == (0, 0, 0, 0, StepKind.STOP)
    assert all(d > 0 for d in doses[:-1])
    assert [s.number for s in steps] == list(range(len(steps)))
    assert steps[0].start == plan.start and dates_chain(steps)


@PROPERTIES
@given(plans())
def test_every_dose_is_whole_quarter_tablets_of_a_marketed_strength_of_its_product(plan):
    checked = built(plan)
    for step in checked.steps:
        product = PRODUCTS[step.atc]
        assert product.atc == checked.product.atc
        assert step.strength_mg in product.strengths_mg
        assert (step.tablets_per_day / QUARTER) == (step.tablets_per_day / QUARTER).to_integral()
        assert step.daily_dose_mg == step.tablets_per_day * step.strength_mg
        assert step.tablets_needed == step.tablets_per_day * step.days
        assert (step.tablets_per_day > 0) is (step is not checked.steps[-1])


@PROPERTIES
@given(plans())
def test_no_reduction_is_larger_than_the_preset_allows_plus_a_quarter_of_the_smallest_tablet(
        plan):
    checked = built(plan)
    rule = plan.rule
    rounding = checked.product.strengths_mg[0] * QUARTER
    first = checked.steps[0].daily_dose_mg
    for before, after in zip(checked.steps, checked.steps[1:], strict=False):
        share_of = before.daily_dose_mg if rule.of_current else first
        assert before.daily_dose_mg - after.daily_dose_mg <= rule.share * share_of + rounding


@PROPERTIES
@given(plans())
def test_the_steps_last_the_presets_interval_or_the_custom_one(plan):
    steps = built(plan).steps
    interval = plan.interval_days or PRESET_RULES[plan.preset].interval_days
    assert {s.days for s in steps[:-1]} == {interval}


@PROPERTIES
@given(plans())
def test_tablets_needed_per_strength_equal_the_tablets_of_every_day(plan):
    steps = built(plan).steps
    counts = tablets_by_strength(steps)
    assert {(c.atc, c.strength_mg): c.tablets for c in counts} == per_day(steps)
    for count in counts:
        assert count.whole_tablets - 1 < count.tablets <= count.whole_tablets


@PROPERTIES
@given(plans())
def test_the_switched_dose_is_the_ashton_equivalent_within_a_quarter_of_the_smallest_tablet(
        plan):
    steps = built(plan).steps
    if not plan.switching:
        assert steps[0].kind == StepKind.START and steps[0].atc == plan.product.atc
        assert steps[0].daily_dose_mg == plan.dose_mg
        return
    exact = plan.dose_mg * 10 / plan.product.ashton_mg
    assert steps[0].kind == StepKind.SWITCH and steps[0].atc == "N05BA01"
    assert abs(steps[0].daily_dose_mg - exact) <= DIAZEPAM.strengths_mg[0] * QUARTER


@st.composite
def adjusted(draw):
    """A built schedule, then a few holds and repeats, then one step back."""
    steps = built(draw(plans())).steps
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        step = draw(st.integers(min_value=0, max_value=len(steps) - 2))
        if draw(st.booleans()):
            steps = schedule_hold(steps, step=step, reason="zwaar",
                                  days=draw(st.integers(min_value=1, max_value=30)))
        else:
            steps = schedule_repeat(steps, step=step, reason="zwaar")
    return steps


@PROPERTIES
@given(adjusted())
def test_holds_and_repeats_never_raise_a_dose_and_keep_the_dates_chained(steps):
    doses = [s.daily_dose_mg for s in steps]
    assert all(a >= b for a, b in zip(doses, doses[1:], strict=False))
    assert dates_chain(steps) and [s.number for s in steps] == list(range(len(steps)))
    assert {(c.atc, c.strength_mg): c.tablets for c in tablets_by_strength(steps)} == \
        per_day(steps)


@PROPERTIES
@given(adjusted(), st.data())
def test_a_step_back_is_the_only_rise_and_leaves_the_steps_before_it_alone(steps, data):
    candidates = [i for i in range(1, len(steps))
                  if any(s.daily_dose_mg > steps[i].daily_dose_mg for s in steps[:i])]
    step = data.draw(st.sampled_from(candidates))
    current = steps[step]
    last_day = current.start + timedelta(days=current.days or 30)
    on = data.draw(st.dates(min_value=current.start, max_value=last_day))
    back = schedule_back(steps, step=step, on=on, reason="terug")
    assert back[:step] == steps[:step]
    rises = [b for a, b in zip(back, back[1:], strict=False) if b.daily_dose_mg > a.daily_dose_mg]
    # The back step raises the dose from the step gone back from; when that step is
    # dropped (going back on its first day) it may follow an equal dose.
    assert [r.kind for r in rises] in ([[StepKind.BACK]] if on > current.start
                                       else [[StepKind.BACK], []])
    [back_step] = [s for s in back if s.kind == StepKind.BACK]
    assert back_step.daily_dose_mg > current.daily_dose_mg
    assert dates_chain(back) and [s.number for s in back] == list(range(len(back)))
    assert back[-1].daily_dose_mg == 0
    # Nothing is lost: step ``step`` and all after it follow the back step in full.
    tail = back[-(len(steps) - step):]
    assert [(s.daily_dose_mg, s.days, s.kind) for s in tail] == [
        (s.daily_dose_mg, s.days, s.kind) for s in steps[step:]]
    assert tail[0].start == back[-(len(steps) - step) - 1].end
    assert {(c.atc, c.strength_mg): c.tablets for c in tablets_by_strength(back)} == \
        per_day(back)
