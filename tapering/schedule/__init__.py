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

The package's modules: ``core`` (the types, the presets' rules, the equivalence
source, number formats, tablets to prescribe), ``doses`` (takeable doses and
rounding), ``build`` (checking a plan, the switch, the steps), ``adjust`` (hold,
repeat, back). Import the names from ``tapering.schedule``.
"""

from .adjust import schedule_back, schedule_hold, schedule_repeat
from .build import plan_check, schedule_build, switch_dose
from .core import (
    DIAZEPAM_ATC,
    EQUIVALENCE_SOURCE,
    INTERVAL_DAYS_MAX,
    PRESET_RULES,
    QUARTER,
    SLOW_INTERVAL_CHOICES,
    EquivalenceSource,
    Plan,
    Preset,
    PresetRule,
    Product,
    ScheduleRefused,
    Step,
    StepKind,
    TabletCount,
    decimal_plain,
    equivalence_uncertain,
    mg_text,
    product_from_reference,
    strengths_parse,
    tablets_by_strength,
)
from .doses import is_takeable, takeable_above, takeable_below, takeable_strength

__all__ = [
    "DIAZEPAM_ATC", "EQUIVALENCE_SOURCE", "INTERVAL_DAYS_MAX", "PRESET_RULES", "QUARTER",
    "SLOW_INTERVAL_CHOICES", "EquivalenceSource", "Plan", "Preset", "PresetRule", "Product",
    "ScheduleRefused", "Step", "StepKind", "TabletCount", "decimal_plain",
    "equivalence_uncertain", "is_takeable", "mg_text", "plan_check", "product_from_reference",
    "schedule_back", "schedule_build", "schedule_hold", "schedule_repeat", "strengths_parse",
    "switch_dose", "tablets_by_strength", "takeable_above", "takeable_below",
    "takeable_strength",
]
