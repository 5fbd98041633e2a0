"""From what the prescriber chose on the schedule page to the engine's steps
(docs/domain.md#tapering-schedules).

The form gives a :class:`PlanChoice`; :func:`plan_build` looks the products up
(``tapering.schedules``), builds the engine's ``Plan`` and its steps, and names the
diazepam equivalence used. Both the preview and the services call it, so what
is previewed is what is stored.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from .schedule import (
    DIAZEPAM_ATC,
    EQUIVALENCE_SOURCE,
    Plan,
    Preset,
    Product,
    ScheduleRefused,
    Step,
    schedule_build,
)
from .schedules import diazepam, product_for_atc


@dataclass(frozen=True)
class PlanChoice:
    """The plan as the form gives it, and as a version stores it."""

    atc: str
    strength_mg: Decimal
    dose_mg: Decimal
    preset: str
    start: date
    switch_diazepam: bool = False
    step_percent: Decimal | None = None
    interval_days: int | None = None
    final_small_step: bool = False

    @property
    def switches(self) -> bool:
        """A switch to diazepam is asked for (and the product is not diazepam already)."""
        return self.switch_diazepam and self.atc != DIAZEPAM_ATC


@dataclass(frozen=True)
class Built:
    choice: PlanChoice
    product: Product
    steps: list[Step]
    switched_dose_mg: Decimal | None = None
    equivalence_mg: Decimal | None = None  # the product's dose equal to 10 mg diazepam
    equivalence_source: str = ""  # the source's name as a message id (EquivalenceSource.name)


def product_or_refuse(atc: str) -> Product:
    product = product_for_atc(atc)
    if product is None:
        raise ScheduleRefused(_("Unknown product: %(atc)s.") % {"atc": atc})
    return product


def plan_build(choice: PlanChoice) -> Built:
    """The steps for ``choice``; ScheduleRefused (with a message for the user) when the
    engine cannot make them."""
    product = product_or_refuse(choice.atc)
    try:
        preset = Preset(choice.preset)
    except ValueError:
        raise ScheduleRefused(_("Unknown way of tapering: %(preset)s.")
                              % {"preset": choice.preset}) from None
    target = diazepam() if choice.switches else None
    plan = Plan(product=product, strength_mg=choice.strength_mg, dose_mg=choice.dose_mg,
                preset=preset, start=choice.start, switch_to=target,
                step_percent=choice.step_percent, interval_days=choice.interval_days,
                final_small_step=choice.final_small_step)
    steps = schedule_build(plan)
    if target is None:
        return Built(choice=choice, product=product, steps=steps)
    return Built(choice=choice, product=product, steps=steps,
                 # Step 0 is the switched dose (the engine's switch_dose, made takeable).
                 switched_dose_mg=steps[0].daily_dose_mg if steps else None,
                 equivalence_mg=product.ashton_mg, equivalence_source=EQUIVALENCE_SOURCE.name)
