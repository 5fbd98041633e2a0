"""Dashboard benchmark steps (issue 14), each run by ``python -m bench`` in a fresh child process.

    python -m bench.dashboard setup [--practices 50] [--patients 100000] [--seed 1] [--keep]
                                    [--snapshots all|last]
    python -m bench.dashboard measure [--requests 200]

``setup`` builds the scenario in the dashboard's scratch database (it refuses any other:
it empties tables): one FTO group of N practices sharing the patients, five years of
prescriptions, a running project per practice with its participations, screening
decisions, stop letters, calls, consultations and outcomes, and the monthly snapshots of
every project. ``measure`` reads the two dashboards (the practice's and the group's) the
way their pages do, through Django's test client when their URLs exist, and computes the
same figures live from the prescriptions (``measures_compute``). Each step prints one
``BENCH-RESULT {json}`` line.

``scenario_build`` and ``measure`` are plain functions as well: the test of this module
(``tests/bench/test_dashboard_bench.py``) runs them on a tiny scenario in the test database.
"""

import argparse
import io
import math
import os
import random
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from .generate import COMEDICATION, GPS, INITIALS, PLAIN_SURNAMES, STREETS, _benzo_choices
from .steps import report

DASHBOARD_DATABASE = os.environ.get("BENCH_DASHBOARD_DATABASE", "benzoreductie_bench_dashboard")
GROUP_PREFIX = "Benchmark FTO"
CODE_PREFIX = "FTO"
# Five years of prescriptions up to LAST_DAY; every project runs the twelve months up to it.
LAST_DAY = date(2026, 11, 30)
FIRST_DAY = date(2021, 12, 1)
PROJECT_START = date(2025, 12, 1)
MONTH = date(2026, 11, 1)  # the month both dashboards are asked for (?maand=2026-11)
LIMIT_MS = 200
# The pages (issue 14, point 4 and point 7): the POH-GGZ's dashboard of one project, and
# the monitor's view of the FTO group; both take ?maand=YYYY-MM.
PRACTICE_PAGE = "monitoring:dashboard"
GROUP_PAGE = "monitoring:group"
WARM_UP = 3  # requests before the timed ones (the first ones fill Django's caches)
BUDGET_SECONDS = 120  # per page: a page far over the limit is measured fewer times
# A benzodiazepine of the reference table without a WHO DDD (ketazolam), on the Dutch
# market in no strength the table knows: its rows count as prescriptions, not as DDD.
NO_DDD = ("N05BA10", "Ketazolam", ("15", "30"))

TABLES_EMPTIED = ("patients_prescription", "patients_patient", "patients_importbatch",
                  "patients_auditevent", "patients_practice", "patients_ftogroup", "auth_user")


@dataclass
class Scenario:
    """What ``scenario_build`` wrote (counts), and how long it took."""

    group: str
    practices: int
    patients: int
    prescriptions: int
    participations: int
    letters: int
    decisions: int
    calls: int
    consultations: int
    outcomes: int
    targets: int
    snapshots: int = 0
    seconds_data: float = 0.0
    seconds_snapshots: float = 0.0
    snapshot_one_seconds: float = 0.0  # snapshot_take of one practice-month, the real thing
    snapshots_computed: int = 0  # snapshot rows computed by snapshot_take (the rest copied)


def group_name(practices: int, patients: int, seed: int) -> str:
    return f"{GROUP_PREFIX} ({practices} practices, {patients} patients, seed {seed})"


# --- COPY -------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return (str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


def _copy(cursor, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY ``rows`` into ``table`` (text format) through the Django connection's cursor, so
    it runs in the caller's transaction (the test's too)."""
    buffer, count = io.StringIO(), 0
    for row in rows:
        buffer.write("\t".join(_text(v) for v in row))
        buffer.write("\n")
        count += 1
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer, 1 << 20)
    return count


def _ids(cursor, table: str, count: int) -> list[int]:
    """``count`` ids from the table's own sequence, so later inserts do not collide."""
    cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
                   "FROM generate_series(1, %s)", [count])
    return [row[0] for row in cursor.fetchall()]


# --- The scenario -----------------------------------------------------------------------------


@dataclass
class _Use:
    """A patient's benzodiazepine use as a plan: monthly from ``start`` to ``end``."""

    atc: str
    name: str
    strength: str
    units: int
    start: date
    end: date


def _months(first: date, last: date, rng: random.Random) -> list[date]:
    """A prescription about every month (28 to 35 days apart) from ``first`` to ``last``."""
    days, day = [], first
    while day <= last:
        days.append(day)
        day += timedelta(days=rng.randint(28, 35))
    return days


class _Practice:
    """One practice's patients and prescriptions, and what its project did to them."""

    def __init__(self, rng: random.Random, index: int, patients: int, benzos, weights):
        self.rng, self.index, self.size = rng, index, patients
        self.benzos, self.weights = benzos, weights
        self.code = f"{CODE_PREFIX}{index:02d}"
        self.gp_names = rng.sample(GPS, rng.randint(2, 4))
        self.no_ddd_given = False
        self.enrolled: list[dict] = []  # chronic users on the project's groslijst

    def benzo(self) -> tuple[str, str, str]:
        if self.rng.random() < 0.02:
            atc, name, strengths = NO_DDD
        else:
            atc, name, strengths = self.rng.choices(self.benzos, self.weights)[0]
        return atc, name, self.rng.choice(strengths)

    def person(self, number: int) -> dict:
        rng = self.rng
        return {
            "number": f"{self.index:02d}{number:06d}", "surname": rng.choice(PLAIN_SURNAMES),
            "initials": f"{rng.choice(INITIALS)}.", "sex": rng.choice("MV"),
            "birth_date": LAST_DAY - timedelta(days=int(rng.triangular(18, 98, 60) * 365.25)),
            "street": rng.choice(STREETS), "house_number": str(rng.randint(1, 200)),
            "postcode": f"{rng.randint(6800, 6999)} AB", "city": "Arnhem",
            "gp_name": rng.choice(self.gp_names),
        }

    def use(self) -> tuple[str, _Use | None]:
        """'chronic' (monthly for months to years), 'occasional' or 'none' (other medicines)."""
        rng = self.rng
        kind = rng.random()
        if kind < 0.045:
            atc, name, strength = self.benzo()
            start = FIRST_DAY + relativedelta(months=rng.randint(-24, 54))
            start = max(start, FIRST_DAY + timedelta(days=rng.randint(0, 30)))
            end = (start + relativedelta(months=rng.randint(4, 40)) if rng.random() < 0.3
                   else LAST_DAY)
            return "chronic", _Use(atc, name, strength, rng.choice((30, 30, 30, 60, 90)),
                                   start, min(end, LAST_DAY))
        return ("occasional" if kind < 0.16 else "none"), None


    def chronic_rows(self, person: dict, use: _Use) -> list[tuple[date, int, tuple]]:
        """A chronic user's monthly prescriptions; one on the project's groslijst (using
        for half a year at its start) is enrolled, mailed a letter, and then stops, reduces
        (half the units), stays or leaves; some stoppers start again months later."""
        rng = self.rng
        effect, letter, restart = "", None, None
        if (use.start <= PROJECT_START - relativedelta(months=6)
                and use.end >= PROJECT_START):
            letter = PROJECT_START + timedelta(days=rng.randint(35, 110))
            effect = rng.choices(("stopped", "reduced", "unchanged", "left"), (25, 15, 56, 4))[0]
            if effect == "stopped" and rng.random() < 0.15:
                restart = letter + relativedelta(months=rng.randint(5, 7))
            person["effect"] = (effect, letter)
            self.enrolled.append(person)
        rows = []
        for day in _months(use.start, use.end, rng):
            units = use.units
            if letter is not None and day > letter + timedelta(days=45):
                if effect in ("stopped", "left") and (restart is None or day < restart):
                    continue
                if effect == "reduced":
                    units = max(10, units // 2)
            product = ((use.atc, use.name, use.strength) if rng.random() < 0.9
                       else self.benzo())
            rows.append((day, units, product))
        return rows


def _comedication(rng: random.Random) -> tuple[str, str, str]:
    atc, name, strengths, _form, _weight = rng.choices(COMEDICATION,
                                                       [c[4] for c in COMEDICATION])[0]
    return atc, name, rng.choice(strengths) if strengths else ""


def _strength(text: str) -> Decimal | None:
    if not text:
        return None
    return Decimal(text.split("/")[0].replace(",", "."))


def scenario_build(*, practices: int = 50, patients: int = 100_000, seed: int = 1,
                   snapshots: str = "all", say=print) -> Scenario:
    """Write the scenario into the current database; the caller empties it first if need be.

    Patients and prescriptions go in by COPY, the rest by ``bulk_create``. Snapshots:
    ``all`` takes every month of every project with ``snapshot_take``; ``last`` takes the
    last month of each project with it and copies those values to the project's earlier
    months (the dashboards read the rows, not their history).
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from patients.models import FtoGroup, Substance

    started = time.perf_counter()
    rng = random.Random(seed)
    benzos, weights = _benzo_choices()
    substances = dict(Substance.objects.values_list("atc", "id"))
    sizes = [patients // practices + (1 if i < patients % practices else 0)
             for i in range(practices)]
    counts: Counter = Counter()
    with transaction.atomic(), connection.cursor() as cursor:
        group = FtoGroup.objects.create(name=group_name(practices, patients, seed))
        monitor = get_user_model().objects.create(
            username=f"{CODE_PREFIX.lower()}-monitor", first_name="Mia", last_name="Monitor",
            password=make_password(None))
        for index, size in enumerate(sizes, start=1):
            p = _Practice(rng, index, size, benzos, weights)
            people = _organisation(p, group, monitor)
            prescribed = _patients_write(cursor, p, people, substances)
            counts["prescriptions"] += prescribed
            counts.update(_project_steps(p, people))
            counts["targets"] += 2
            say(f"  {p.code}: {size:,} patients, {prescribed:,} prescriptions, "
                f"{len(p.enrolled)} participations")
    with connection.cursor() as cursor:
        for table in ("patients_patient", "patients_prescription", "patients_participation"):
            cursor.execute(f"ANALYZE {table}")
    scenario = Scenario(group=group.name, practices=practices, patients=patients,
                        **{k: counts[k] for k in ("prescriptions", "participations", "letters",
                                                  "decisions", "calls", "consultations",
                                                  "outcomes", "targets")},
                        seconds_data=time.perf_counter() - started)
    snapshots_fill(scenario, all_months=(snapshots == "all"), say=say)
    return scenario


def _organisation(p: "_Practice", group, monitor) -> dict:
    """The practice, its POH-GGZ (the project lead), GPs (their export names confirmed),
    the monitor's membership, an import batch, the running project and its targets."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from monitoring.models import ResultTarget
    from patients.models import GpNameMapping, ImportBatch, Membership, Practice, Project, Role

    User = get_user_model()
    unusable = make_password(None)
    practice = Practice.objects.create(code=p.code, name=f"Huisartsenpraktijk {p.code}",
                                       list_size=p.size, fto_group=group)
    poh = User.objects.create(username=f"{p.code.lower()}-poh", password=unusable,
                              first_name="Sanne", last_name=f"POH {p.code}")
    gps = [User.objects.create(username=f"{p.code.lower()}-gp{k}", password=unusable,
                               first_name=name, last_name="GP")
           for k, name in enumerate(p.gp_names, start=1)]
    Membership.objects.bulk_create(
        [Membership(user=poh, practice=practice, role=Role.POH_GGZ),
         Membership(user=monitor, practice=practice, role=Role.MONITOR)]
        + [Membership(user=gp, practice=practice, role=Role.HUISARTS) for gp in gps])
    GpNameMapping.objects.bulk_create(
        [GpNameMapping(practice=practice, export_name=name, user=gp,
                       confirmed_at=timezone.now(), confirmed_by=poh)
         for name, gp in zip(p.gp_names, gps, strict=True)])
    project = Project.objects.create(
        practice=practice, name=f"Afbouwproject {p.code} 2026", lead=poh,
        planned_start=PROJECT_START, planned_end=LAST_DAY, status=Project.Status.RUNNING,
        letter_target=60)
    project.gps.set(gps)
    # The targets set at the start (SPEC step 9's examples): chronic users down a quarter
    # by the end, and every GP 15 letters within three months.
    ResultTarget.objects.bulk_create([
        ResultTarget(project=project, measure="chronic_change", value=Decimal(-25),
                     deadline=LAST_DAY, created_by=poh),
        ResultTarget(project=project, measure="letters_per_gp", value=Decimal(15), per_gp=True,
                     deadline=PROJECT_START + relativedelta(months=3), created_by=poh)])
    batch = ImportBatch.objects.create(practice=practice, file_name="bench-dashboard",
                                       status=ImportBatch.Status.DONE, layout="his",
                                       checksum=uuid.uuid4().hex)
    return {"practice": practice, "poh": poh, "gp_of": dict(zip(p.gp_names, gps, strict=True)),
            "project": project, "batch": batch}


def _patients_write(cursor, p: "_Practice", people: dict, substances: dict) -> int:
    """The practice's patients and five years of their prescriptions, by COPY; the
    chronic users on the project's groslijst are kept in ``p.enrolled``. Returns the
    number of prescriptions."""
    rng = p.rng
    batch_id, rows, persons = people["batch"].pk, [], []

    def prescribe(pid, day, product, units, dosage):
        atc, name, strength = product
        rows.append((pid, uuid.UUID(int=rng.getrandbits(128), version=4), day, atc,
                     f"{name} {strength}mg tablet" if strength else f"{name} tablet",
                     _strength(strength), units, dosage, "", substances.get(atc), batch_id,
                     len(rows) + 1))

    for n, pid in enumerate(_ids(cursor, "patients_patient", p.size), start=1):
        person = p.person(n) | {"id": pid}
        persons.append(person)
        kind, use = p.use()
        for _ in range(rng.randint(0 if kind != "none" else 1, 8)):
            prescribe(pid, FIRST_DAY + timedelta(days=rng.randint(0, 1825)), _comedication(rng),
                      rng.choice((28, 30, 60, 90)), "1 dd 1")
        if kind == "occasional":
            for _ in range(rng.randint(1, 6)):
                product = p.benzo()
                if not p.no_ddd_given:  # every practice has the DDD-less substance
                    product, p.no_ddd_given = (NO_DDD[0], NO_DDD[1], NO_DDD[2][0]), True
                prescribe(pid, FIRST_DAY + timedelta(days=rng.randint(0, 1825)), product,
                          rng.choice((10, 15, 20, 30)), "zo nodig 1 tablet")
        if use is not None:
            for day, units, product in p.chronic_rows(person, use):
                prescribe(pid, day, product, units, "1 dd 1 tablet")
    _copy(cursor, "patients_patient",
          ("id", "uuid", "practice_id", "source", "number", "surname", "prefix", "initials",
           "sex", "birth_date", "street", "house_number", "postcode", "city", "phone",
           "gp_name"),
          ((x["id"], uuid.UUID(int=rng.getrandbits(128), version=4), people["practice"].pk,
            "his", x["number"], x["surname"], "", x["initials"], x["sex"], x["birth_date"],
            x["street"], x["house_number"], x["postcode"], x["city"], "", x["gp_name"])
           for x in persons))
    copied = _copy(cursor, "patients_prescription",
                   ("patient_id", "row_key", "date", "atc", "description", "strength_mg",
                    "units", "dosage", "prescriber", "substance_id", "batch_id", "line"), rows)
    type(people["batch"]).objects.filter(pk=batch_id).update(
        rows_total=copied, rows_new=copied, patients_new=p.size)
    return copied


def _project_steps(p: "_Practice", people: dict) -> Counter:
    """Every chronic user on the groslijst in the project, screened by a GP, most
    approached and mailed; calls, consultations and outcomes for some."""
    from django.utils import timezone

    from patients.models import (
        ExclusionReason,
        Participation,
        ParticipationOutcome,
        Role,
        ScreeningDecision,
    )
    from tapering.models import CallAttempt, Consultation

    rng, poh, project = p.rng, people["poh"], people["project"]
    tz = timezone.get_current_timezone()

    def moment(day: date) -> datetime:
        return datetime(day.year, day.month, day.day, 10, rng.randint(0, 59), tzinfo=tz)

    participations, plans = [], []
    for person in p.enrolled:
        effect, letter = person["effect"]
        screened = rng.random() < 0.9
        excluded = screened and rng.random() < 0.2
        mailed = screened and not excluded
        part = Participation(project=project, patient_id=person["id"], created_by=poh,
                             reference_date=PROJECT_START,
                             status=(Participation.Status.TO_SCREEN if not screened
                                     else Participation.Status.EXCLUDED if excluded
                                     else Participation.Status.LETTER_SENT),
                             letter_sent_on=letter if mailed else None)
        if mailed and rng.random() < 0.1:
            part.responded_at = moment(letter + timedelta(days=rng.randint(3, 20)))
        outcome_on = (letter + relativedelta(months=6)) if mailed else None
        if mailed and effect == "left":
            part.outcome = rng.choice((ParticipationOutcome.DIED, ParticipationOutcome.MOVED,
                                       ParticipationOutcome.LEFT_PRACTICE))
            part.outcome_on = letter + timedelta(days=rng.randint(20, 120))
            part.status = Participation.Status.LEFT
        elif mailed and outcome_on <= LAST_DAY and rng.random() < 0.6:
            part.outcome = ParticipationOutcome(effect)
            part.outcome_on = outcome_on
            part.outcome_reason = "wil niet afbouwen" if effect == "unchanged" else ""
            part.status = Participation.Status(effect)
        participations.append(part)
        plans.append((screened, excluded, mailed, letter, people["gp_of"][person["gp_name"]]))
    Participation.objects.bulk_create(participations)
    Participation.objects.filter(project=project).update(created_at=moment(PROJECT_START))
    decisions, calls, consultations = [], [], []
    for part, (screened, excluded, mailed, letter, gp) in zip(participations, plans,
                                                               strict=True):
        if screened:
            decisions.append(ScreeningDecision(
                participation=part, decided_by=gp,
                decided_at=moment(PROJECT_START + timedelta(days=rng.randint(5, 25))),
                decision="exclude" if excluded else "approach",
                reason=rng.choice(ExclusionReason.values) if excluded else ""))
        if mailed and rng.random() < 0.5:
            for attempt in range(rng.randint(1, 2)):
                calls.append(CallAttempt(
                    participation=part, called_at=moment(letter + timedelta(days=31 + 3 * attempt)),
                    called_by=poh, outcome=rng.choice(("reached", "reached", "not_reached")),
                    minutes=rng.randint(3, 15)))
        if mailed and rng.random() < 0.3:
            held = moment(letter + timedelta(days=50))
            consultations.append(Consultation(
                participation=part, at=held, status=Consultation.Status.HELD, held_by=poh,
                held_by_role=Role.POH_GGZ, minutes=rng.randint(15, 30),
                next_step=rng.choice(("start", "not_now", "stopped")), planned_by=poh,
                planned_at=moment(letter + timedelta(days=35)), recorded_by=poh,
                recorded_at=held))
    ScreeningDecision.objects.bulk_create(decisions)
    CallAttempt.objects.bulk_create(calls)
    Consultation.objects.bulk_create(consultations)
    return Counter(participations=len(participations), decisions=len(decisions),
                   letters=sum(1 for x in participations if x.letter_sent_on),
                   calls=len(calls), consultations=len(consultations),
                   outcomes=sum(1 for x in participations if x.outcome))


def snapshots_fill(scenario: Scenario, *, all_months: bool, say=print) -> None:
    """Every project's monthly snapshots up to MONTH (see ``scenario_build``)."""
    from monitoring.models import MonthlySnapshot
    from monitoring.snapshots import month_end, project_months, snapshot_take
    from patients.models import Project

    started = time.perf_counter()
    projects = list(Project.objects.filter(practice__fto_group__name=scenario.group)
                    .select_related("practice").order_by("practice__code"))
    rows, computed, one = [], 0, None
    for project in projects:
        months = project_months(project, LAST_DAY)
        taken = time.perf_counter()
        last = snapshot_take(project=project, month=months[-1], today=LAST_DAY)
        one = one or time.perf_counter() - taken
        computed += 1
        for month in months[:-1]:
            if all_months:
                snapshot_take(project=project, month=month, today=LAST_DAY)
                computed += 1
            else:
                rows.append(MonthlySnapshot(project=project, month=month,
                                            as_of=month_end(month), values=last.values))
    MonthlySnapshot.objects.bulk_create(rows)
    scenario.snapshots = MonthlySnapshot.objects.filter(project__in=projects).count()
    scenario.snapshots_computed = computed
    scenario.snapshot_one_seconds = one or 0.0
    scenario.seconds_snapshots = time.perf_counter() - started
    say(f"  snapshots: {scenario.snapshots} ({computed} computed by snapshot_take) in "
        f"{scenario.seconds_snapshots:.1f} s")


# --- Measuring ---------------------------------------------------------------------------------


@dataclass
class Timings:
    """Milliseconds of repeated requests (or reads): p50, p95 (nearest rank) and the slowest."""

    count: int
    p50: float
    p95: float
    max: float

    @classmethod
    def of(cls, seconds: list[float]) -> "Timings":
        ms = sorted(1000 * s for s in seconds)
        rank = max(1, math.ceil(0.95 * len(ms)))
        return cls(len(ms), statistics.median(ms), ms[rank - 1], ms[-1])


def _timed(call, count: int, warm_up: int = WARM_UP, budget: float = BUDGET_SECONDS) -> Timings:
    """``count`` timed calls after ``warm_up`` untimed ones; stops early (at least one timed
    call) once ``budget`` seconds have gone by, so a page far over its limit does not hold
    the run for an hour (``Timings.count`` then says how many were made)."""
    begun = time.perf_counter()
    for _ in range(min(warm_up, count)):
        call()
    seconds: list[float] = []
    while len(seconds) < count and (not seconds or time.perf_counter() - begun < budget):
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
    return Timings.of(seconds)


def practice_read(project_uuid, month: date) -> dict:
    """What the practice's dashboard reads: the project, its stored months (the lines)
    and the month asked for (the funnel, the figures, per GP)."""
    from monitoring.measures import MEASURES
    from monitoring.models import ReferenceFigure
    from monitoring.snapshots import series_of, snapshots_of
    from patients.models import Project

    project = Project.objects.select_related("practice").get(uuid=project_uuid)
    snapshots = snapshots_of(project=project)
    current = next(s for s in snapshots if s.month == month)
    lines = [series_of(snapshots, m.key) for m in MEASURES]
    references = list(ReferenceFigure.objects.all())
    return {"values": current.values, "lines": lines, "references": references}


def group_read(group_id: int, month: date) -> dict:
    """What the group's view reads: the month's snapshot of every practice's project, and
    the group's totals of the counts."""
    from monitoring.measures import MEASURES, Kind
    from monitoring.models import MonthlySnapshot

    rows = list(MonthlySnapshot.objects.filter(project__practice__fto_group_id=group_id,
                                               month=month)
                .select_related("project__practice").order_by("project__practice__name"))
    totals = {m.key: sum(r.values.get(m.key) or 0 for r in rows)
              for m in MEASURES if m.kind == Kind.COUNT}
    return {"practices": [(r.project.practice.name, r.values) for r in rows], "totals": totals}


def _url(name: str, candidates: list[dict]) -> str | None:
    """The URL of ``name`` with the first argument set that fits; None when there is none
    (the page is not built yet)."""
    from django.urls import NoReverseMatch, reverse

    for kwargs in candidates:
        try:
            return reverse(name, kwargs=kwargs or None)
        except NoReverseMatch:
            continue
    return None


def _http(url: str, user, count: int) -> tuple[Timings | None, str]:
    from django.test import Client

    from benzoproject.twofactor import session_verify, totp_device_for

    client = Client()
    client.force_login(user)
    session_verify(client, totp_device_for(user))  # past the second factor (docs/security.md)
    status = client.get(url).status_code
    if status != 200:
        return None, f"GET {url} answered {status}"
    problems = []

    def call():
        response = client.get(url)
        if response.status_code != 200:
            problems.append(response.status_code)

    timings = _timed(call, count, warm_up=WARM_UP - 1)  # the request above was the first
    return timings, (f"{len(problems)} answers not 200" if problems else "")


def measure(*, requests: int = 200, live_repeat: int = 3, group: str | None = None) -> dict:
    """The two dashboards read ``requests`` times each (selectors, then HTTP when the pages
    exist) and the same figures computed live; a dict for ``BENCH-RESULT``."""
    from django.contrib.auth import get_user_model

    from monitoring.measures import measures_compute
    from monitoring.snapshots import month_end
    from monitoring.targets import project_target_progress
    from patients.models import FtoGroup, Project

    group_row = (FtoGroup.objects.get(name=group) if group
                 else FtoGroup.objects.filter(name__startswith=GROUP_PREFIX).get())
    projects = list(Project.objects.filter(practice__fto_group=group_row)
                    .select_related("practice").order_by("practice__code"))
    project = projects[0]
    as_of = month_end(MONTH)
    result: dict = {"group": group_row.name, "practice": project.practice.code,
                    "practices": len(projects), "month": f"{MONTH:%Y-%m}", "requests": requests}

    result["practice_selectors"] = asdict(_timed(lambda: practice_read(project.uuid, MONTH),
                                                 requests))
    result["group_selectors"] = asdict(_timed(lambda: group_read(group_row.pk, MONTH), requests))

    live = []
    for _ in range(live_repeat):
        started = time.perf_counter()
        measures_compute(project, as_of)
        live.append(time.perf_counter() - started)
    result["practice_live_seconds"] = statistics.median(live)
    started = time.perf_counter()
    for each in projects:
        measures_compute(each, as_of)
    result["group_live_seconds"] = time.perf_counter() - started
    # The result targets' progress (monitoring.targets) is computed from the prescriptions,
    # not stored: what a page showing it adds to each request.
    started = time.perf_counter()
    project_target_progress(project=project, as_of=as_of)
    result["practice_targets_seconds"] = time.perf_counter() - started
    started = time.perf_counter()
    for each in projects:
        project_target_progress(project=each, as_of=as_of)
    result["group_targets_seconds"] = time.perf_counter() - started

    User = get_user_model()
    query = f"?maand={MONTH:%Y-%m}"
    pages = {
        "practice_http": (PRACTICE_PAGE, project.lead,
                          [{"project_uuid": project.uuid}, {"uuid": project.uuid}]),
        "group_http": (GROUP_PAGE, User.objects.get(username=f"{CODE_PREFIX.lower()}-monitor"),
                       [{}, {"group_id": group_row.pk}, {"pk": group_row.pk}]),
    }
    for key, (name, user, candidates) in pages.items():
        url = _url(name, candidates)
        if url is None:
            result[key] = {"skipped": f"URL {name} does not resolve (page not built yet)"}
            continue
        timings, problem = _http(url + query, user, requests)
        result[key] = ({"error": problem} if timings is None
                       else {**asdict(timings), "url": url + query, "problem": problem})
    return result


# --- The child process --------------------------------------------------------------------------


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benzoproject.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log: as in production


def _scratch_only() -> None:
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if name != DASHBOARD_DATABASE:
        sys.exit(f"refusing to empty tables in {name!r}: only {DASHBOARD_DATABASE!r} is scratch")


def step_setup(args) -> None:
    _django()
    from django.db import connection

    from patients.models import FtoGroup

    _scratch_only()
    name = group_name(args.practices, args.patients, args.seed)
    if args.keep and FtoGroup.objects.filter(name=name).exists():
        report(kept=True, group=name)
        return
    with connection.cursor() as cursor:
        # The audit log refuses DELETE but not TRUNCATE; only in the scratch database.
        cursor.execute(f"TRUNCATE {', '.join(TABLES_EMPTIED)} CASCADE")
    print(f"Building the dashboard scenario: {name} ...", flush=True)
    scenario = scenario_build(practices=args.practices, patients=args.patients, seed=args.seed,
                              snapshots=args.snapshots,
                              say=lambda text: print(text, flush=True))
    report(kept=False, **asdict(scenario))


def step_measure(args) -> None:
    _django()
    from django.test.utils import setup_test_environment

    # The test client's host, and DEBUG off (no query log), as in production.
    setup_test_environment(debug=False)
    from django.conf import settings

    if not getattr(settings, "PSEUDONYM_KEY", ""):
        # The group view needs a key outside the database; the scratch data's own.
        settings.PSEUDONYM_KEY = "benchmark-scratch-data-only"
    report(**measure(requests=args.requests))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    steps = parser.add_subparsers(dest="step", required=True)
    setup = steps.add_parser("setup")
    setup.add_argument("--practices", type=int, default=50)
    setup.add_argument("--patients", type=int, default=100_000)
    setup.add_argument("--seed", type=int, default=1)
    setup.add_argument("--keep", action="store_true")
    setup.add_argument("--snapshots", choices=["last", "all"], default="all")
    steps.add_parser("measure").add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    if args.step == "setup":
        step_setup(args)
    else:
        step_measure(args)


if __name__ == "__main__":
    main()
