"""Takeable doses (docs/domain.md#tapering-schedules): a dose is a whole number (at
least one) of quarter tablets of one strength; which strength to use; rounding a step's
target to a takeable dose strictly below the previous one."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from .core import QUARTER


def split_level(dose_mg: Decimal, strength_mg: Decimal) -> int | None:
    """0 for whole tablets, 1 for halves, 2 for quarters; None when not takeable."""
    if dose_mg <= 0 or strength_mg <= 0:
        return None
    for level, parts in enumerate((1, 2, 4)):
        if (dose_mg * parts) % strength_mg == 0:  # exact for finite decimals
            return level
    return None


def is_takeable(dose_mg: Decimal, strengths_mg: tuple[Decimal, ...]) -> bool:
    """``dose_mg`` is a whole number (at least 1) of quarter tablets of one of the strengths."""
    return any(split_level(dose_mg, strength) is not None for strength in strengths_mg)


def takeable_strength(dose_mg: Decimal, strengths_mg: tuple[Decimal, ...],
                      prefer: Decimal | None = None) -> Decimal | None:
    """The strength with which ``dose_mg`` is a whole number of quarter tablets, or None.

    ``prefer`` when the dose can be taken with it; otherwise the strength that needs
    the least splitting (whole before half before quarter tablets), then the larger.
    """
    if prefer is not None and split_level(dose_mg, prefer) is not None:
        return prefer
    options = [(level, -strength, strength) for strength in strengths_mg
               if (level := split_level(dose_mg, strength)) is not None]
    return min(options)[2] if options else None


def nearest_takeable(target: Decimal, strengths_mg: tuple[Decimal, ...]) -> Decimal:
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


def step_round(target: Decimal, previous: Decimal, strengths_mg: tuple[Decimal, ...]) -> Decimal:
    """A step's target made takeable and strictly below the previous dose (or 0)."""
    if target <= 0:
        return Decimal(0)
    dose = nearest_takeable(target, strengths_mg)
    return dose if dose < previous else takeable_below(previous, strengths_mg)
