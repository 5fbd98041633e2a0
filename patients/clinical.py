"""Clinical rules of the project, without the ORM (docs/domain.md, step 2).

The one home of each rule. Python code that needs a rule on rows in memory
calls these functions; queries are built from the same definitions in
``patients/queries.py``.
"""

from collections.abc import Iterable
from decimal import Decimal

# Benzodiazepines and the Z-drugs: ATC groups N05BA, N05CD and N05CF.
BENZO_ATC_PREFIXES: tuple[str, ...] = ("N05BA", "N05CD", "N05CF")

# The pharmacy route's criterion: more than this many benzodiazepine units in
# the year (R − 12 months, R]; exactly this many does not count.
OVER_UNITS_LINE = 90

# Complex comedication: treatment of a serious condition beside the
# benzodiazepine. Defaults of the practice setting (ATC codes move, so each
# practice may change them): these prefixes, except quinine and codeine
# combined with non-opioid painkillers (N02AA59, the older code, and
# N02AJ06 to N02AJ09).
COMPLEX_ATC_PREFIXES: tuple[str, ...] = ("L", "M03", "M09A", "N02A", "N03", "N05A")
COMPLEX_ATC_EXCEPTIONS: tuple[str, ...] = (
    "M09AA01", "N02AA59", "N02AJ06", "N02AJ07", "N02AJ08", "N02AJ09")

# A project flags patients above 1 or 2 DDD per day (its choice): those are
# unlikely to stop on their own.
DDD_THRESHOLDS: tuple[int, ...] = (1, 2)
DDD_THRESHOLD_CHOICES: list[tuple[int, str]] = [(n, str(n)) for n in DDD_THRESHOLDS]


def is_benzodiazepine(atc: str) -> bool:
    return atc.startswith(BENZO_ATC_PREFIXES)


def is_over_units_line(units: int) -> bool:
    """Whether a year's benzodiazepine units meet the pharmacy route's criterion."""
    return units > OVER_UNITS_LINE


def is_complex(atc: str, prefixes: Iterable[str] = COMPLEX_ATC_PREFIXES,
               exceptions: Iterable[str] = COMPLEX_ATC_EXCEPTIONS) -> bool:
    """Whether ``atc`` is complex comedication under the given prefixes and exceptions."""
    atc = atc.upper()
    return atc not in set(exceptions) and any(atc.startswith(p) for p in prefixes)


def ddd_of_prescription(units: int, strength_mg: Decimal | None,
                        ddd_mg: Decimal | None) -> Decimal | None:
    """The DDDs one prescription provides: units × strength (mg) ÷ WHO DDD (mg).

    None when the substance has no WHO DDD (or the strength is unknown): such a
    prescription adds nothing to a sum, and the patient is marked "DDD unknown".
    """
    if ddd_mg is None or strength_mg is None:
        return None
    return units * strength_mg / ddd_mg


def is_over_ddd_threshold(ddd_per_day: Decimal, threshold: int) -> bool:
    """Above the project's DDD-per-day limit; exactly the limit is not above it."""
    return ddd_per_day > threshold
