"""The tapering schedule engine (docs/domain.md#tapering-schedules): plain Python, no ORM.

From a product (its ATC, marketed strengths and Ashton equivalent), the patient's
tablet strength and current daily dose, a preset builds the list of steps the app
proposes. Every dose is one that can be taken: a whole number of quarter tablets
of one strength on the Dutch market. The same functions adjust a running
schedule (hold, repeat, one step back) and count the tablets to prescribe.

The ORM-facing side (which Substance rows become a ``Product``, the stored
versions) is in ``tapering.schedules``; the command ``taper_schedule`` and the
schedule pages both call :func:`schedule_build`.

All mg figures and tablet counts are ``Decimal``; tablets per day are multiples
of 0.25.

API (fixed; helpers build against it):

- ``Product(atc, name, strengths_mg, ashton_mg, ddd_mg)``
- ``Preset`` (nhg, deprescribing, slow)
- ``Plan(product, strength_mg, dose_mg, preset, start, switch_to=None,
  step_percent=None, interval_days=None, final_small_step=False)``
- ``Step(number, start, days, atc, substance, strength_mg, tablets_per_day,
  daily_dose_mg, tablets_needed, kind, note)``; ``Step.end`` is the first day
  after it
- ``ScheduleRefused(message)``: the plan cannot be made (message in the UI language)
- ``plan_check(plan)``, ``schedule_build(plan) -> list[Step]``
- ``switch_dose(product, dose_mg, diazepam) -> Decimal``
- ``takeable_strength(dose_mg, strengths_mg, prefer=None) -> Decimal | None``
- ``schedule_hold(steps, *, step, days, reason)``, ``schedule_repeat(steps, *, step,
  reason)``, ``schedule_back(steps, *, step, on, reason)``: new lists, dates after
  the changed step moved on
- ``tablets_by_strength(steps) -> list[TabletCount]``, ``TabletCount.his_line``
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from enum import StrEnum

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from benzoproject.formats import format_date

QUARTER = Decimal("0.25")
DIAZEPAM_ATC = "N05BA01"
DIAZEPAM_EQUIVALENT_MG = Decimal(10)  # the Ashton column gives the dose equal to 10 mg diazepam
INTERVAL_DAYS_MAX = 365


class ScheduleRefused(ValueError):
    """The schedule cannot be made as asked; ``message`` says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Preset(StrEnum):
    """docs/domain.md#tapering-schedules."""

    NHG = "nhg"  # switch to diazepam, hold a week, then 25% of the start dose a week
    DEPRESCRIBING = "deprescribing"  # 25% of the start dose every 2 weeks, 12.5% near the end
    SLOW = "slow"  # 10% of the current dose every 2 to 4 weeks


class StepKind(StrEnum):
    START = "start"  # step 0 on the patient's own product
    SWITCH = "switch"  # step 0 after switching to diazepam
    REDUCE = "reduce"
    HOLD = "hold"  # a step made longer
    REPEAT = "repeat"  # a step taken once more
    BACK = "back"  # one step back to the previous dose
    STOP = "stop"  # the last row: dose 0


@dataclass(frozen=True)
class PresetRule:
    """How a preset lowers the dose (docs/domain.md#tapering-schedules)."""

    interval_days: int
    share: Decimal  # the part taken off per step, 0.25 = 25 %
    of_current: bool  # share of the dose taken now (slow); else of the step-0 dose
    halve_from: Decimal | None = None  # once a target is at or below this part of the
    # step-0 dose, the following steps take off half the share (deprescribing.org)


PRESET_RULES: dict[Preset, PresetRule] = {
    Preset.NHG: PresetRule(interval_days=7, share=Decimal("0.25"), of_current=False),
    Preset.DEPRESCRIBING: PresetRule(interval_days=14, share=Decimal("0.25"), of_current=False,
                                     halve_from=Decimal("0.25")),
    # The app lets the prescriber choose 14 to 28 days; 14 is the default.
    Preset.SLOW: PresetRule(interval_days=14, share=Decimal("0.10"), of_current=True),
}
SLOW_INTERVAL_CHOICES = (14, 21, 28)


@dataclass(frozen=True)
class EquivalenceSource:
    """Where the diazepam equivalents come from; the pages show it next to a switch."""

    name: str  # English; ``label`` is the name in the active language
    column: str  # the column of patients/data/benzo_reference.csv

    @property
    def label(self) -> str:
        return _(self.name)


EQUIVALENCE_SOURCE = EquivalenceSource(
    name=gettext_noop("Ashton (benzo.org.uk), via the reference table"),
    column="ashton_mg_equal_to_10mg_diazepam")

# Where published equivalence tables disagree most (several-fold): the pages warn.
UNCERTAIN_EQUIVALENCE_ATC = frozenset({
    "N05BA04",  # oxazepam
    "N05BA06",  # lorazepam
    "N05BA08",  # bromazepam
    "N05BA12",  # alprazolam
})
UNCERTAIN_EQUIVALENCE_PREFIXES = ("N05CF",)  # the Z-drugs


def equivalence_uncertain(atc: str) -> bool:
    """True when sources disagree most on this substance's diazepam equivalent."""
    code = atc.strip().upper()
    return code in UNCERTAIN_EQUIVALENCE_ATC or code.startswith(UNCERTAIN_EQUIVALENCE_PREFIXES)


@dataclass(frozen=True)
class Product:
    """One substance as the engine needs it (a row of patients/data/benzo_reference.csv)."""

    atc: str
    name: str
    strengths_mg: tuple[Decimal, ...]  # on the Dutch market, ascending; empty: not marketed
    ashton_mg: Decimal | None  # the dose equal to 10 mg diazepam (Ashton)
    ddd_mg: Decimal | None = None


def strengths_parse(text: str) -> tuple[Decimal, ...]:
    """``"2|5|10"`` (the reference table's ``nl_strengths_mg``) as ascending Decimals."""
    return tuple(sorted({Decimal(part.strip()) for part in text.split("|") if part.strip()}))


def product_from_reference(*, atc: str, name: str, nl_marketed: bool, nl_strengths_mg: str,
                           ashton_mg: Decimal | None, ddd_mg: Decimal | None) -> Product:
    """A reference-table row (or ``Substance``) as a Product; not marketed: no strengths."""
    strengths = strengths_parse(nl_strengths_mg) if nl_marketed else ()
    return Product(atc=atc, name=name, strengths_mg=strengths, ashton_mg=ashton_mg,
                   ddd_mg=ddd_mg)


@dataclass(frozen=True)
class Plan:
    """What the prescriber chose."""

    product: Product
    strength_mg: Decimal  # the patient's tablets now
    dose_mg: Decimal  # the current daily dose
    preset: Preset
    start: date
    switch_to: Product | None = None  # diazepam, when switching first
    step_percent: Decimal | None = None  # custom share instead of the preset's
    interval_days: int | None = None  # custom interval instead of the preset's
    final_small_step: bool = False  # NHG's optional 12.5% step before 0

    @property
    def switching(self) -> bool:
        """Switching to another product first (diazepam to diazepam is no switch)."""
        return self.switch_to is not None and self.switch_to.atc != self.product.atc

    @property
    def rule(self) -> PresetRule:
        """The preset's rule with the custom share and interval put in."""
        rule = PRESET_RULES[Preset(self.preset)]
        if self.step_percent is not None:
            rule = replace(rule, share=Decimal(self.step_percent) / 100)
        if self.interval_days is not None:
            rule = replace(rule, interval_days=self.interval_days)
        return rule


@dataclass(frozen=True)
class Step:
    number: int  # 0 = the starting or switched dose
    start: date
    days: int  # 0 for the last row (dose 0)
    atc: str
    substance: str
    strength_mg: Decimal
    tablets_per_day: Decimal  # a multiple of 0.25
    daily_dose_mg: Decimal  # tablets_per_day x strength_mg
    tablets_needed: Decimal  # tablets_per_day x days
    kind: str = StepKind.REDUCE
    note: str = ""

    @property
    def end(self) -> date:
        """The first day after this step."""
        return self.start + timedelta(days=self.days)


@dataclass(frozen=True)
class TabletCount:
    atc: str
    substance: str
    strength_mg: Decimal
    tablets: Decimal  # exact sum of tablets_needed
    whole_tablets: int = field(default=0)  # rounded up: what to prescribe

    @property
    def his_line(self) -> str:
        """A line to copy into the HIS, e.g. "diazepam 2 mg, 42 tabletten, volgens afbouwschema"."""
        return ngettext(
            "%(substance)s %(strength)s mg, %(n)s tablet, according to the tapering schedule",
            "%(substance)s %(strength)s mg, %(n)s tablets, according to the tapering schedule",
            self.whole_tablets) % {"substance": self.substance,
                                   "strength": mg_text(self.strength_mg),
                                   "n": self.whole_tablets}


# --- numbers ------------------------------------------------------------------------------

def decimal_plain(value: Decimal) -> str:
    """A decimal with a point, no exponent, no needless zeros: 0.75, 1, 37.5, 0.0625."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def mg_text(value: Decimal) -> str:
    """A dose in the active language's notation, without needless zeros: "0,5" in Dutch."""
    return number_format(Decimal(decimal_plain(value)))


def _or_list(values: list[Decimal]) -> str:
    """"10 mg or 20 mg", "0,5 mg, 1 mg or 2,5 mg" in the active language."""
    texts = [f"{mg_text(value)} mg" for value in values]
    if len(texts) == 1:
        return texts[0]
    return _("%(first)s or %(last)s") % {"first": ", ".join(texts[:-1]), "last": texts[-1]}


# --- takeable doses -----------------------------------------------------------------------

def _split(dose_mg: Decimal, strength_mg: Decimal) -> int | None:
    """0 for whole tablets, 1 for halves, 2 for quarters; None when not takeable."""
    if dose_mg <= 0 or strength_mg <= 0:
        return None
    for level, parts in enumerate((1, 2, 4)):
        if (dose_mg * parts) % strength_mg == 0:  # exact for finite decimals
            return level
    return None


def is_takeable(dose_mg: Decimal, strengths_mg: tuple[Decimal, ...]) -> bool:
    """``dose_mg`` is a whole number (at least 1) of quarter tablets of one of the strengths."""
    return any(_split(dose_mg, strength) is not None for strength in strengths_mg)


def takeable_strength(dose_mg: Decimal, strengths_mg: tuple[Decimal, ...],
                      prefer: Decimal | None = None) -> Decimal | None:
    """The strength with which ``dose_mg`` is a whole number of quarter tablets, or None.

    ``prefer`` when the dose can be taken with it; otherwise the strength that needs
    the least splitting (whole before half before quarter tablets), then the larger.
    """
    if prefer is not None and _split(dose_mg, prefer) is not None:
        return prefer
    options = [(level, -strength, strength) for strength in strengths_mg
               if (level := _split(dose_mg, strength)) is not None]
    return min(options)[2] if options else None


def _nearest(target: Decimal, strengths_mg: tuple[Decimal, ...]) -> Decimal:
    """The takeable dose nearest ``target`` (> 0); on a tie the higher one."""
    candidates: set[Decimal] = set()
    for strength in strengths_mg:
        quarter = strength * QUARTER
        below = (target / quarter).to_integral_value(rounding=ROUND_FLOOR)
        for k in (below, below + 1):
            if k >= 1:
                candidates.add(k * quarter)
    return min(candidates, key=lambda dose: (abs(dose - target), -dose))


def takeable_below(dose_mg: Decimal, strengths_mg: tuple[Decimal, ...]) -> Decimal:
    """The largest takeable dose strictly below ``dose_mg``; 0 when there is none."""
    found = Decimal(0)
    for strength in strengths_mg:
        quarter = strength * QUARTER
        k = (dose_mg / quarter).to_integral_value(rounding=ROUND_CEILING) - 1
        if k >= 1:
            found = max(found, k * quarter)
    return found


def takeable_above(dose_mg: Decimal, strengths_mg: tuple[Decimal, ...]) -> Decimal:
    """The smallest takeable dose strictly above ``dose_mg``."""
    found: Decimal | None = None
    for strength in strengths_mg:
        quarter = strength * QUARTER
        k = max((dose_mg / quarter).to_integral_value(rounding=ROUND_FLOOR) + 1, Decimal(1))
        found = k * quarter if found is None else min(found, k * quarter)
    if found is None:
        raise ValueError("no strengths")
    return found


def _round_step(target: Decimal, previous: Decimal, strengths_mg: tuple[Decimal, ...]) -> Decimal:
    """A step's target made takeable and strictly below the previous dose (or 0)."""
    if target <= 0:
        return Decimal(0)
    dose = _nearest(target, strengths_mg)
    return dose if dose < previous else takeable_below(previous, strengths_mg)


# --- checking a plan ----------------------------------------------------------------------

def _refuse_unmarketed(product: Product) -> None:
    if not product.strengths_mg:
        raise ScheduleRefused(
            _("%(substance)s (%(atc)s) is not on the Dutch market, so the app cannot make a "
              "schedule for it.") % {"substance": product.name, "atc": product.atc})


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
        assert plan.switch_to is not None  # switching says so
        if product.ashton_mg is None or product.ashton_mg <= 0:
            raise ScheduleRefused(
                _("The reference table has no diazepam equivalent for %(substance)s, so the "
                  "switch to diazepam cannot be worked out.") % {"substance": product.name})
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
    if product.ashton_mg is None or product.ashton_mg <= 0:
        raise ScheduleRefused(
            _("The reference table has no diazepam equivalent for %(substance)s, so the "
              "switch to diazepam cannot be worked out.") % {"substance": product.name})
    _refuse_unmarketed(diazepam)
    exact = dose_mg * DIAZEPAM_EQUIVALENT_MG / product.ashton_mg
    if exact <= 0:
        return diazepam.strengths_mg[0] * QUARTER
    return _nearest(exact, diazepam.strengths_mg)


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
        doses.append(_round_step(target, doses[-1], strengths_mg))
    return doses


def _main_strength(doses: list[Decimal], strengths_mg: tuple[Decimal, ...]) -> Decimal:
    """After a switch: the strength giving the most doses in whole or half tablets (tie: larger)."""
    def whole_or_half(strength: Decimal) -> int:
        return sum(1 for dose in doses if _split(dose, strength) in (0, 1))
    return max(strengths_mg, key=lambda strength: (whole_or_half(strength), strength))


def schedule_build(plan: Plan) -> list[Step]:
    """The steps the app proposes for ``plan``, in date order, ending with dose 0."""
    plan_check(plan)
    if plan.switching:
        assert plan.switch_to is not None  # switching says so
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
            strength = takeable_strength(dose, product.strengths_mg, prefer=main)
            assert strength is not None  # every dose is takeable by construction
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


# --- adjusting a running schedule ---------------------------------------------------------

def _checked(steps: list[Step], step: int, reason: str) -> Step:
    if not 0 <= step < len(steps):
        raise ScheduleRefused(_("This schedule has no step %(step)s.") % {"step": step})
    if not reason.strip():
        raise ScheduleRefused(_("Say why the schedule changes."))
    return steps[step]


def _with_note(note: str, reason: str) -> str:
    return f"{note}; {reason.strip()}" if note else reason.strip()


def _chained(head: list[Step], tail: list[Step], start: date) -> list[Step]:
    """``head`` as it is, then ``tail`` renumbered and dated on from ``start``."""
    result = list(head)
    day = start
    for item in tail:
        result.append(replace(item, number=len(result), start=day,
                              tablets_needed=item.tablets_per_day * item.days))
        day += timedelta(days=item.days)
    return result


def schedule_hold(steps: list[Step], *, step: int, days: int, reason: str) -> list[Step]:
    """Step ``step`` lasts ``days`` days longer; the steps after it move on."""
    held = _checked(steps, step, reason)
    if held.daily_dose_mg <= 0:
        raise ScheduleRefused(_("A step without tablets cannot be held."))
    if not 1 <= days <= INTERVAL_DAYS_MAX:
        raise ScheduleRefused(_("Hold a step for 1 to %(max)s days (not %(value)s).")
                              % {"max": INTERVAL_DAYS_MAX, "value": days})
    kind = StepKind.HOLD if held.kind == StepKind.REDUCE else held.kind
    longer = replace(held, days=held.days + days, kind=kind, note=_with_note(held.note, reason))
    return _chained(steps[:step], [longer, *steps[step + 1:]], held.start)


def schedule_repeat(steps: list[Step], *, step: int, reason: str) -> list[Step]:
    """Step ``step`` is taken once more, right after itself; the steps after it move on."""
    repeated = _checked(steps, step, reason)
    if repeated.daily_dose_mg <= 0:
        raise ScheduleRefused(_("A step without tablets cannot be repeated."))
    again = replace(repeated, kind=StepKind.REPEAT, note=reason.strip())
    return _chained(steps[:step], [repeated, again, *steps[step + 1:]], repeated.start)


def schedule_back(steps: list[Step], *, step: int, on: date, reason: str) -> list[Step]:
    """Back to the previous dose from ``on``, during step ``step``; then step ``step`` again.

    Step ``step`` ends on ``on`` (dropped when that is its first day); a step at the
    dose before it follows, as long as step ``step`` was to last and at least as
    long as that earlier step; then step ``step`` again in full, then the rest.
    From the final row (dose 0) it means going back to the last dose taken.
    """
    current = _checked(steps, step, reason)
    # The step gone back to: the nearest one before with a higher dose (in a schedule
    # without repeats, step - 1).
    earlier = next((steps[i] for i in range(step - 1, -1, -1)
                    if steps[i].daily_dose_mg > current.daily_dose_mg), None)
    if earlier is None:
        raise ScheduleRefused(_("Step %(step)s has no higher dose before it to go back to.")
                              % {"step": step})
    last = step == len(steps) - 1 and current.days == 0
    if on < current.start or (not last and on > current.end):
        raise ScheduleRefused(
            _("The day of going back must fall within step %(step)s (from %(first)s to "
              "%(last)s).") % {"step": step, "first": format_date(current.start),
                               "last": format_date(current.end)})
    cut = [replace(current, days=(on - current.start).days)] if on > current.start else []
    back = replace(earlier, days=max(current.days, earlier.days), kind=StepKind.BACK,
                   note=reason.strip())
    return _chained(steps[:step], [*cut, back, current, *steps[step + 1:]], current.start)


# --- prescribing ----------------------------------------------------------------------------

def tablets_by_strength(steps: list[Step]) -> list[TabletCount]:
    """Tablets to prescribe per product and strength, in order of first use."""
    totals: dict[tuple[str, Decimal], tuple[str, Decimal]] = {}
    for item in steps:
        if item.tablets_needed <= 0:
            continue
        key = (item.atc, item.strength_mg)
        substance, tablets = totals.get(key, (item.substance, Decimal(0)))
        totals[key] = (substance, tablets + item.tablets_needed)
    return [TabletCount(atc=atc, substance=substance, strength_mg=strength, tablets=tablets,
                        whole_tablets=int(tablets.to_integral_value(rounding=ROUND_CEILING)))
            for (atc, strength), (substance, tablets) in totals.items()]
