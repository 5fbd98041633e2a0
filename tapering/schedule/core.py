"""The engine's vocabulary (docs/domain.md#tapering-schedules): products, plans, steps,
the presets' rules, the equivalence source, how figures are written, and the tablets
to prescribe. Plain Python, no ORM."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

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
