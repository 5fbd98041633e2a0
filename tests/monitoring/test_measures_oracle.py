"""Oracle: seeded random projects, several measures recomputed here in plain Python from the
same rows, written apart from the product's queries (STYLE.md, oracle tests)."""

import calendar
import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest

from monitoring.measures import measures_compute

from .scenario import Builder, at

pytestmark = pytest.mark.django_db

GPS = ["Dr A", "Dr B", "Dr C"]
AS_OF = [date(2026, 3, 31), date(2026, 6, 15), date(2026, 9, 30), date(2026, 12, 31)]


def shift(day: date, months: int) -> date:
    """``months`` calendar months later (earlier when negative), clamped at the month end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def month_ends(start: date, end: date):
    day = date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
    while day <= end:
        yield day
        day = shift(day.replace(day=1), 1)
        day = day.replace(day=calendar.monthrange(day.year, day.month)[1])


def is_stopped(letter: date, on: date, dates: list[date]) -> bool:
    return on >= shift(letter, 3) and not any(shift(on, -3) < d <= on for d in dates)


def pct(part: int, whole: int):
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


@pytest.fixture
def world(practice, project, users):
    rng = random.Random(14)
    b = Builder(practice, users["poh_ggz"])
    people = []
    for n in range(40):
        patient = b.patient(f"5{n:03}", rng.choice(GPS))
        letter = date(2026, 1, 1) + timedelta(days=rng.randrange(90)) if rng.random() < 0.8 \
            else None
        part = b.participation(project, patient, created=at(2025, 12, 1),
                               letter_sent_on=letter)
        dates = sorted({date(2025, 1, 1) + timedelta(days=rng.randrange(730))
                        for _ in range(rng.randrange(0, 9))})
        for d in dates:
            b.rx(patient, d)
        left = None
        if rng.random() < 0.15:
            left = date(2026, 1, 1) + timedelta(days=rng.randrange(365))
            part.outcome, part.outcome_on = rng.choice(["died", "moved", "left_practice"]), left
            part.save()
        calls = []
        for _ in range(rng.randrange(0, 4)):
            when = at(2026, 1, 1) + timedelta(days=rng.randrange(365), minutes=rng.randrange(600))
            minutes = rng.choice([None, 3, 5, 12])
            b.call(part, when, rng.choice(["reached", "not_reached"]), minutes=minutes)
            calls.append((when, minutes))
        scores = []
        for _ in range(rng.randrange(0, 4)):
            taken = date(2026, 1, 1) + timedelta(days=rng.randrange(365))
            if taken in {t for t, _ in scores}:
                continue
            total = rng.randrange(0, 41)
            b.bwsq(part, taken, total)
            scores.append((taken, total))
        people.append({"gp": patient.gp_name, "letter": letter, "dates": dates, "left": left,
                       "calls": calls, "scores": sorted(scores)})
    return project, people


@pytest.mark.parametrize("as_of", AS_OF)
def test_measures_match_an_independent_computation(world, as_of):
    project, people = world
    mailed = [p for p in people if p["letter"] and p["letter"] <= as_of]
    evaluated = [p for p in mailed if not (p["left"] and p["left"] <= as_of)]
    stopped = [p for p in evaluated
               if is_stopped(p["letter"], as_of, [d for d in p["dates"] if d <= as_of])]
    restarts = 0
    for p in evaluated:
        known = [d for d in p["dates"] if d <= as_of]
        if any(is_stopped(p["letter"], m, known) and any(m < d for d in known)
               for m in month_ends(p["letter"], as_of)):
            restarts += 1
    letters = {gp: 0 for gp in {p["gp"] for p in people}}
    for p in mailed:
        letters[p["gp"]] += 1
    end = at(as_of.year, as_of.month, as_of.day, 0) + timedelta(days=1)
    calls = [c for p in people for c in p["calls"] if c[0] < end]
    changes = []
    for p in people:
        seen = [s for s in p["scores"] if s[0] <= as_of]
        if len(seen) >= 2:
            changes.append(seen[-1][1] - seen[0][1])
    mean_change = (Decimal(sum(changes)) / len(changes)).quantize(
        Decimal("0.1"), ROUND_HALF_UP) if changes else None

    values = measures_compute(project, as_of, keys=[
        "funnel_mailed", "evaluated", "left", "stopped", "stopped_share", "restarts",
        "letters_per_gp", "calls_count", "minutes_calls", "bwsq_change", "bwsq_pairs"])
    assert values == {
        "funnel_mailed": len(mailed), "evaluated": len(evaluated),
        "left": len(mailed) - len(evaluated), "stopped": len(stopped),
        "stopped_share": pct(len(stopped), len(evaluated)), "restarts": restarts,
        "letters_per_gp": dict(sorted(letters.items())), "calls_count": len(calls),
        "minutes_calls": sum(m or 0 for _, m in calls), "bwsq_change": mean_change,
        "bwsq_pairs": len(changes),
    }
