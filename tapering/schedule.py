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

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

QUARTER = Decimal("0.25")


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
class Product:
    """One substance as the engine needs it (a row of patients/data/benzo_reference.csv)."""

    atc: str
    name: str
    strengths_mg: tuple[Decimal, ...]  # on the Dutch market, ascending; empty: not marketed
    ashton_mg: Decimal | None  # the dose equal to 10 mg diazepam (Ashton)
    ddd_mg: Decimal | None = None


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
        raise NotImplementedError


def plan_check(plan: Plan) -> None:
    """Raise ScheduleRefused for an unmarketed product or strength, or an untakeable dose."""
    raise NotImplementedError


def takeable_strength(dose_mg: Decimal, strengths_mg: tuple[Decimal, ...],
                      prefer: Decimal | None = None) -> Decimal | None:
    """The strength with which ``dose_mg`` is a whole number of quarter tablets, or None."""
    raise NotImplementedError


def switch_dose(product: Product, dose_mg: Decimal, diazepam: Product) -> Decimal:
    """The diazepam dose equivalent to ``dose_mg`` of ``product`` (Ashton), made takeable."""
    raise NotImplementedError


def schedule_build(plan: Plan) -> list[Step]:
    """The steps the app proposes for ``plan``, in date order, ending with dose 0."""
    raise NotImplementedError


def schedule_hold(steps: list[Step], *, step: int, days: int, reason: str) -> list[Step]:
    raise NotImplementedError


def schedule_repeat(steps: list[Step], *, step: int, reason: str) -> list[Step]:
    raise NotImplementedError


def schedule_back(steps: list[Step], *, step: int, on: date, reason: str) -> list[Step]:
    raise NotImplementedError


def tablets_by_strength(steps: list[Step]) -> list[TabletCount]:
    raise NotImplementedError
