"""Checking a plan and building its steps (docs/domain.md#tapering-schedules): the
refusals, the switch to diazepam, each preset's targets, the strength per step."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from .core import (
    DIAZEPAM_EQUIVALENT_MG,
    EQUIVALENCE_SOURCE,
    INTERVAL_DAYS_MAX,
    QUARTER,
    Plan,
    Preset,
    Product,
    ScheduleRefused,
    Step,
    StepKind,
    mg_text,
)
from .doses import (
    is_takeable,
    nearest_takeable,
    split_level,
    step_round,
    takeable_above,
    takeable_below,
    takeable_strength,
)


def _or_list(values: list[Decimal]) -> str:
    """"10 mg or 20 mg", "0,5 mg, 1 mg or 2,5 mg" in the active language."""
    texts = [f"{mg_text(value)} mg" for value in values]
    if len(texts) == 1:
        return texts[0]
    return _("%(first)s or %(last)s") % {"first": ", ".join(texts[:-1]), "last": texts[-1]}


# --- checking a plan ----------------------------------------------------------------------

def _refuse_unmarketed(product: Product) -> None:
    if not product.strengths_mg:
        raise ScheduleRefused(
            _("%(substance)s (%(atc)s) is not on the Dutch market, so the app cannot make a "
              "schedule for it.") % {"substance": product.name, "atc": product.atc})


def _ashton_figure(product: Product) -> Decimal:
    """The product's dose equal to 10 mg diazepam; refused when the table has none."""
    if product.ashton_mg is None or product.ashton_mg <= 0:
        raise ScheduleRefused(
            _("The reference table has no diazepam equivalent for %(substance)s, so the "
              "switch to diazepam cannot be worked out.") % {"substance": product.name})
    return product.ashton_mg


def plan_check(plan: Plan) -> None:
    """Raise ScheduleRefused for an unmarketed product or strength, or an untakeable dose."""
    product = plan.product
    _refuse_unmarketed(product)
    if plan.strength_mg not in product.strengths_mg:
        raise ScheduleRefused(
            _("%(substance)s is not sold in tablets of %(strength)s mg. The tablets on the "
              "Dutch market are %(strengths)s.")
            % {"substance": product.name, "strength": mg_text(plan.strength_mg),
               "strengths": _or_list(list(product.strengths_mg))})
    if plan.dose_mg <= 0:
        raise ScheduleRefused(_("The daily dose must be more than 0 mg."))
    if not is_takeable(plan.dose_mg, product.strengths_mg):
        below = takeable_below(plan.dose_mg, product.strengths_mg)
        near = [dose for dose in (below, takeable_above(plan.dose_mg, product.strengths_mg))
                if dose > 0]
        raise ScheduleRefused(
            _("%(dose)s mg %(substance)s a day cannot be taken in whole, half or quarter "
              "tablets of %(strengths)s. Doses near it that can: %(near)s.")
            % {"dose": mg_text(plan.dose_mg), "substance": product.name,
               "strengths": _or_list(list(product.strengths_mg)), "near": _or_list(near)})
    if plan.switching:
        assert plan.switch_to is not None  # nosec B101 - narrowing: switching says so
        _ashton_figure(product)
        _refuse_unmarketed(plan.switch_to)
    if plan.step_percent is not None and not 0 < plan.step_percent <= 100:
        raise ScheduleRefused(
            _("The step must be more than 0 and at most 100 percent (not %(value)s).")
            % {"value": mg_text(Decimal(plan.step_percent))})
    if plan.interval_days is not None and not 1 <= plan.interval_days <= INTERVAL_DAYS_MAX:
        raise ScheduleRefused(
            _("A step must last 1 to %(max)s days (not %(value)s).")
            % {"max": INTERVAL_DAYS_MAX, "value": plan.interval_days})


def switch_dose(product: Product, dose_mg: Decimal, diazepam: Product) -> Decimal:
    """The diazepam dose equivalent to ``dose_mg`` of ``product`` (Ashton), made takeable.

    The exact equivalent is rounded to the nearest takeable diazepam dose (on a tie
    the higher one), and is never 0.
    """
    ashton = _ashton_figure(product)
    _refuse_unmarketed(diazepam)
    exact = dose_mg * DIAZEPAM_EQUIVALENT_MG / ashton
    if exact <= 0:
        return diazepam.strengths_mg[0] * QUARTER
    return nearest_takeable(exact, diazepam.strengths_mg)


# --- building -----------------------------------------------------------------------------

def _doses(plan: Plan, first: Decimal, strengths_mg: tuple[Decimal, ...]) -> list[Decimal]:
    """Step 0's dose, each following step's rounded dose, and the final 0."""
    rule = plan.rule
    doses = [first]
    target = first
    halved = False
    small_step = plan.final_small_step and Preset(plan.preset) is Preset.NHG
    while doses[-1] > 0:
        if rule.of_current:
            target = doses[-1] * (1 - rule.share)
        else:
            if rule.halve_from is not None and target <= rule.halve_from * first:
                halved = True
            following = target - first * rule.share / (2 if halved else 1)
            if following <= 0 and small_step:
                following, small_step = target / 2, False
            target = following
        doses.append(step_round(target, doses[-1], strengths_mg))
    return doses


def _main_strength(doses: list[Decimal], strengths_mg: tuple[Decimal, ...]) -> Decimal:
    """After a switch: the strength giving the most doses in whole or half tablets (tie: larger)."""
    def whole_or_half(strength: Decimal) -> int:
        return sum(1 for dose in doses if split_level(dose, strength) in (0, 1))
    return max(strengths_mg, key=lambda strength: (whole_or_half(strength), strength))


def schedule_build(plan: Plan) -> list[Step]:
    """The steps the app proposes for ``plan``, in date order, ending with dose 0."""
    plan_check(plan)
    if plan.switching:
        assert plan.switch_to is not None  # nosec B101 - narrowing: switching says so
        product = plan.switch_to
        first = switch_dose(plan.product, plan.dose_mg, product)
        kind = StepKind.SWITCH
    else:
        product, first, kind = plan.product, plan.dose_mg, StepKind.START
    doses = _doses(plan, first, product.strengths_mg)
    main = (_main_strength(doses[:-1], product.strengths_mg) if plan.switching
            else plan.strength_mg)
    interval = plan.rule.interval_days
    steps: list[Step] = []
    day = plan.start
    for number, dose in enumerate(doses):
        if dose > 0:
            # Keep the tablets of the step before when they can take this dose, so the
            # patient changes strength as rarely as possible (step 0: the main strength).
            keep = steps[-1].strength_mg if steps else main
            strength = takeable_strength(dose, product.strengths_mg, prefer=keep)
            assert strength is not None  # nosec B101 - narrowing: takeable by construction
            days, per_day = interval, dose / strength
        else:
            strength, days, per_day, kind = steps[-1].strength_mg, 0, Decimal(0), StepKind.STOP
        steps.append(Step(
            number=number, start=day, days=days, atc=product.atc, substance=product.name,
            strength_mg=strength, tablets_per_day=per_day, daily_dose_mg=per_day * strength,
            tablets_needed=per_day * days, kind=kind,
            note=_switch_note(plan, first) if kind == StepKind.SWITCH else ""))
        day += timedelta(days=days)
        kind = StepKind.REDUCE
    return steps


def _switch_note(plan: Plan, first: Decimal) -> str:
    return (_("%(dose)s mg diazepam instead of %(from_dose)s mg %(substance)s (%(source)s)")
            % {"dose": mg_text(first), "from_dose": mg_text(plan.dose_mg),
               "substance": plan.product.name, "source": EQUIVALENCE_SOURCE.label})
