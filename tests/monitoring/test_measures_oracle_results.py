"""Oracle for the result measures (docs/domain.md#measures): reduced, the DDD means and
their change, and the chronic users at the start and now (in total, per GP and per 1,000),
recomputed here in plain Python with fractions straight from the reference CSV and the
rules as SPEC.md words them, apart from the product's queries and its groslijst.

The seeded scenario mixes stoppers, reducers, users who carry on, patients who died or
moved, a restart, a substance without a DDD and practice patients outside the project."""

import calendar
import csv
import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from monitoring.measures import measures_compute

from .scenario import Builder, at

pytestmark = pytest.mark.django_db

REFERENCE_CSV = Path(__file__).resolve().parents[2] / "patients" / "data" / "benzo_reference.csv"
GPS = ["Dr A", "Dr B", "Dr C"]
REFERENCE = date(2025, 12, 1)  # the groslijst reference date of every participation
PRODUCTS = [("N05BA01", "5"), ("N05BA01", "10"), ("N05BA04", "10"), ("N05CD07", "20"),
            ("N05CF01", "7.5"), ("N05BA07", "1")]  # the last: adinazolam, no WHO DDD
AS_OF = [date(2026, 4, 30), date(2026, 9, 30), date(2027, 1, 31)]


def reference_ddd() -> dict[str, Fraction | None]:
    with REFERENCE_CSV.open(encoding="utf-8") as handle:
        return {row["atc"]: Fraction(row["ddd_mg"]) if row["ddd_mg"] else None
                for row in csv.DictReader(handle)}


def shift(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def half_up(value: Fraction, places: str) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal(places), ROUND_HALF_UP)


def pct(part, whole) -> Decimal | None:
    return None if not whole else half_up(Fraction(part) * 100 / Fraction(whole), "0.1")


@pytest.fixture
def world(practice, project, users):
    rng = random.Random(2005)
    ddd = reference_ddd()
    practice.list_size = 2300
    practice.save()
    b = Builder(practice, users["poh_ggz"])
    people = []
    for n in range(70):
        patient = b.patient(f"7{n:03}", rng.choice(GPS))
        in_project = n < 50
        letter = (date(2025, 12, 1) + timedelta(days=rng.randrange(120))
                  if in_project and rng.random() < 0.85 else None)
        course = rng.choice(["stop", "reduce", "carry_on", "carry_on", "occasional"])
        atc, strength = rng.choice(PRODUCTS)
        units = rng.choice([15, 30, 60, 90])
        rows = []
        day = date(2024, 6, 1) + timedelta(days=rng.randrange(40))
        pivot = (letter or date(2026, 1, 15)) + timedelta(days=rng.randrange(0, 60))
        while day <= date(2027, 1, 31):
            given = units
            if course == "stop" and day > pivot:
                if rng.random() < 0.1:  # a restart, now and then
                    rows.append((day + timedelta(days=120), atc, strength, units))
                break
            if course == "reduce" and day > pivot:
                given = max(units // 2 - 5, 5)
            if course != "occasional" or rng.random() < 0.3:
                rows.append((day, atc, strength, given))
            day += timedelta(days=rng.choice([25, 30, 31, 45]))
        for on, a, s, u in rows:
            b.rx(patient, on, units=u, atc=a, strength=s)
        left = None
        if in_project:
            part = b.participation(project, patient, created=at(2025, 11, 20),
                                   reference=REFERENCE, letter_sent_on=letter)
            if letter and rng.random() < 0.12:
                left = letter + timedelta(days=rng.randrange(30, 300))
                part.outcome, part.outcome_on = rng.choice(["died", "moved"]), left
                part.save()
        people.append({"gp": patient.gp_name, "letter": letter, "left": left,
                       "in_project": in_project,
                       "rows": [(on, a, Fraction(s), u, ddd[a]) for on, a, s, u in rows]})
    return project, people


def ddd_per_day(rows, first_excluded: date, last: date) -> Fraction:
    total = sum((u * s / d for on, _a, s, u, d in rows
                 if first_excluded < on <= last and d is not None), Fraction(0))
    return total / (last - first_excluded).days


def chronic(person, reference: date, criterion: str) -> bool:
    dates = [on for on, *_ in person["rows"] if on <= reference]
    recent = any(shift(reference, -2) <= on for on in dates)
    past = any(shift(reference, -8) <= on <= shift(reference, -7) for on in dates)
    units = sum(u for on, _a, _s, u, _d in person["rows"]
                if shift(reference, -12) < on <= reference)
    meets = {"recent_and_past": recent and past, "over_90_units": units > 90}
    return meets["recent_and_past"] or meets["over_90_units"] if criterion == "either" \
        else meets[criterion]


@pytest.mark.parametrize("criterion", ["either", "recent_and_past", "over_90_units"])
@pytest.mark.parametrize("as_of", AS_OF)
def test_result_measures_match_an_independent_computation(world, as_of, criterion):
    project, people = world
    project.criterion = criterion
    project.save()
    evaluated = [p for p in people if p["letter"] and p["letter"] <= as_of
                 and not (p["left"] and p["left"] <= as_of)]
    befores, afters, stopped, reduced = [], [], 0, 0
    for p in evaluated:
        before = ddd_per_day(p["rows"], shift(p["letter"], -12), p["letter"])
        after = ddd_per_day(p["rows"], shift(as_of, -6), as_of)
        is_stopped = as_of >= shift(p["letter"], 3) and not any(
            shift(as_of, -3) < on <= as_of for on, *_ in p["rows"])
        stopped += is_stopped
        reduced += (not is_stopped and before > 0 and after <= Fraction(3, 4) * before)
        befores.append(before)
        afters.append(after)
    start = {p["gp"]: 0 for p in people}
    now = dict(start)
    for p in people:
        start[p["gp"]] += chronic(p, REFERENCE, criterion)
        now[p["gp"]] += chronic(p, as_of, criterion)
    start_total, now_total = sum(start.values()), sum(now.values())
    expected = {
        "evaluated": len(evaluated), "stopped": stopped, "reduced": reduced,
        "reduced_share": pct(reduced, len(evaluated)),
        "ddd_before": half_up(sum(befores, Fraction(0)) / len(befores), "0.01"),
        "ddd_after": half_up(sum(afters, Fraction(0)) / len(afters), "0.01"),
        "ddd_change": pct(sum(afters, Fraction(0)) - sum(befores, Fraction(0)),
                          sum(befores, Fraction(0))),
        "chronic_start": start_total, "chronic_now": now_total,
        "chronic_change": pct(now_total - start_total, start_total),
        "chronic_start_per_gp": {gp: n for gp, n in sorted(start.items()) if n},
        "chronic_now_per_gp": {gp: n for gp, n in sorted(now.items()) if n},
        "chronic_start_per_1000": half_up(Fraction(start_total * 1000, 2300), "0.1"),
        "chronic_now_per_1000": half_up(Fraction(now_total * 1000, 2300), "0.1"),
    }
    assert len(evaluated) > 20 and stopped and reduced  # the scenario has each kind
    values = measures_compute(project, as_of, keys=list(expected))
    for per_gp in ("chronic_start_per_gp", "chronic_now_per_gp"):
        values[per_gp] = {gp: n for gp, n in sorted(values[per_gp].items()) if n}
    assert values == expected
