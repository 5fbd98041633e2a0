"""Groslijst arithmetic without the database (docs/domain.md, step 2).

Windows are calendar months counted back from the reference date ``R``; a
day that does not exist in the target month becomes that month's last day
(``relativedelta`` does exactly this). Only prescriptions dated on or before
``R`` count.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from dateutil.relativedelta import relativedelta
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .clinical import is_over_ddd_threshold

DAYS_PER_YEAR = 365
HUNDREDTHS = Decimal("0.01")


@lru_cache(maxsize=4096)
def months_back(reference: date, months: int) -> date:
    # Kept per process: relativedelta is slow, and the evaluation of a dashboard's patient
    # table asks the same few dates thousands of times (docs/security.md#under-load).
    return reference - relativedelta(months=months)


@dataclass(frozen=True)
class Windows:
    reference: date
    recent_start: date  # [R − 2 months, R]
    past_start: date  # [R − 8 months, R − 7 months]
    past_end: date
    year_start: date  # (R − 12 months, R]: this day itself is outside

    @classmethod
    def for_reference(cls, reference: date) -> "Windows":
        return cls(
            reference=reference,
            recent_start=months_back(reference, 2),
            past_start=months_back(reference, 8),
            past_end=months_back(reference, 7),
            year_start=months_back(reference, 12),
        )


def ddd_per_day(ddd_total: Decimal | float | None) -> Decimal:
    """Sum of units × strength ÷ DDD over the year, per day, to 2 decimals (half up)."""
    if not ddd_total:
        return Decimal("0.00")
    return (Decimal(str(ddd_total)) / DAYS_PER_YEAR).quantize(HUNDREDTHS, ROUND_HALF_UP)


@dataclass
class GroslijstRow:
    patient_id: int
    patient_uuid: str
    number: str
    name: str
    gp_name: str
    birth_date: date | None
    recent_and_past: bool
    over_90_units: bool
    units_12m: int
    ddd_per_day: Decimal
    ddd_unknown: bool
    complex_comedication: bool
    last_date: date | None
    ddd_threshold: int = 1
    substances: list[str] = field(default_factory=list)
    last_description: str = ""
    last_dosage: str = ""
    last_units: int | None = None

    @property
    def over_ddd_threshold(self) -> bool:
        return is_over_ddd_threshold(self.ddd_per_day, self.ddd_threshold)

    def meets(self, criterion: str) -> bool:
        """Whether the patient is a chronic user under the project's criterion."""
        if criterion == "recent_and_past":
            return self.recent_and_past
        if criterion == "over_90_units":
            return self.over_90_units
        return self.recent_and_past or self.over_90_units

    def why(self) -> list[str]:
        """Short reasons, in the user's language, for this patient being on the list."""
        reasons = []
        if self.recent_and_past:
            reasons.append(_("prescribed in the last 2 months and 7 to 8 months ago"))
        if self.over_90_units:
            reasons.append(_("%(units)s units in 12 months, more than 90")
                           % {"units": self.units_12m})
        if not reasons:
            reasons.append(_("%(units)s units in 12 months; meets neither criterion")
                           % {"units": self.units_12m})
        if self.over_ddd_threshold:
            reasons.append(_("%(ddd)s DDD per day, above %(limit)s: unlikely to stop alone")
                           % {"ddd": number_format(self.ddd_per_day, 2),
                              "limit": self.ddd_threshold})
        if self.ddd_unknown:
            reasons.append(_("DDD unknown for a substance: check the use yourself"))
        if self.complex_comedication:
            reasons.append(_("complex comedication: as a rule no letter"))
        return reasons


CSV_COLUMNS = ["patient_number", "recent_and_past", "over_90_units", "units_12m",
               "ddd_per_day", "complex_comedication"]


def csv_record(row: GroslijstRow) -> list[str]:
    """The command line's exact columns (docs/domain.md#command-line)."""
    def flag(value: bool) -> str:
        return "true" if value else "false"

    return [row.number, flag(row.recent_and_past), flag(row.over_90_units), str(row.units_12m),
            f"{row.ddd_per_day:.2f}", flag(row.complex_comedication)]
