"""The script of a demo practice's earlier round, without the ORM: who was in it, what
happened to each patient on which day, and the benzodiazepine prescriptions that go with
it (docs/development.md#the-demo).

Every date is counted from ``today``, so the demo stays about a year old whenever it
is loaded, and one ``random.Random(seed)`` makes the same round for the same day.
"""

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from patients.dates import add_working_days, is_working_day, wait_period_end

# The course of one participation. "restarted" is a stopper who gets a prescription again
# months later; "already_stopped" tells at the consult that they stopped after the letter.
KINDS = ("excluded", "died", "moved", "not_reached", "declined", "not_now", "referred",
         "already_stopped", "stopped", "restarted", "reduced", "unchanged")
# Courses that reach a consult, and those that start a tapering schedule there.
CONSULTED = frozenset({"not_now", "referred", "already_stopped", "stopped", "restarted",
                       "reduced", "unchanged"})
TAPERING = frozenset({"stopped", "restarted", "reduced", "unchanged"})
# Courses whose prescriptions go on after the round as before.
GOING_ON = frozenset({"excluded", "not_reached", "declined", "not_now", "referred",
                      "unchanged"})

HIS_COLUMNS = ("patientnummer", "achternaam", "tussenvoegsel", "voorletters", "geslacht",
               "geboortedatum", "straat", "huisnummer", "postcode", "woonplaats", "telefoon",
               "huisarts", "voorschrijfdatum", "atc", "omschrijving", "sterkte", "eenheid",
               "aantal", "gebruiksvoorschrift")


@dataclass(frozen=True)
class Product:
    atc: str
    description: str  # as the HIS writes it: "Temazepam 10mg capsule"
    strength: str  # mg, with a decimal comma as in the export
    dosage: str


PRODUCTS = (
    Product("N05CD07", "Temazepam 10mg capsule", "10", "1 x per dag 1 capsule a.n."),
    Product("N05BA04", "Oxazepam 10mg tablet", "10", "1 dd 1 tablet"),
    Product("N05BA01", "Diazepam 5mg tablet", "5", "1 dd 1 tablet"),
    Product("N05BA06", "Lorazepam 1mg tablet", "1", "zo nodig 1 tablet, max 1 per dag"),
    Product("N05CF02", "Zolpidem 10mg tablet", "10", "1 tablet voor de nacht"),
)
SURNAMES = ("Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer",
            "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen",
            "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer",
            "Kok", "Jacobs", "de Haan", "Vermeulen", "van der Heijden", "Schouten", "Willems")
STREETS = ("Beukenlaan", "Kastanjelaan", "Weverstraat", "Bosweg", "Utrechtseweg", "Dorpsstraat",
           "Heidelaan", "Graaf van Rechterenweg", "Hoofdstraat", "Molenweg")


@dataclass
class Course:
    """One patient of the round and what happens to them, day by day."""

    number: str
    surname: str
    prefix: str
    initials: str
    sex: str
    birth: date
    street: str
    house_number: str
    postcode: str
    city: str
    gp: str
    product: Product
    kind: str
    letter_on: date | None = None
    phoned_on: date | None = None  # phoned the practice after the letter, before the call
    calls: list[date] = field(default_factory=list)
    consult_on: date | None = None
    outcome_on: date | None = None
    # (date, units) of every benzodiazepine prescription, oldest first.
    prescriptions: list[tuple[date, int]] = field(default_factory=list)


@dataclass
class Round:
    start: date  # the project's planned start, the first of a month
    end: date  # its planned end
    imported_on: date  # the export before the round
    screened_on: date
    letters_on: tuple[date, ...]  # the two print runs
    reimports_on: tuple[date, ...]  # the exports imported after the letters
    courses: list[Course]


def known(day: date | None) -> date:
    """A day the course's kind is sure to have (a consult day of a consulted course...)."""
    assert day is not None, "this course has no such day"  # nosec B101 - narrowing, demo
    return day


def working_day_from(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def round_script(*, today: date, counts: dict[str, int], gps: tuple[str, ...], city: str,
                 postcode: str, first_number: int, seed: int) -> Round:
    """The earlier round: letters 12-13 months before ``today``, the project closed since."""
    rng = random.Random(seed)  # nosec B311 - repeatable demo data, not a secret
    # Two print runs, 13 months and a little over 12 months ago, in month 5 of the project
    # as the default plan of approach has it (patients/plan_defaults.py).
    letters_on = (working_day_from(today - relativedelta(months=13)),
                  working_day_from(today - relativedelta(months=12, days=7)))
    start = (letters_on[0] - relativedelta(months=4)).replace(day=1)
    end = start + relativedelta(months=11, day=31)
    imported_on = working_day_from(start + timedelta(days=4))
    kinds = [kind for kind in KINDS for _ in range(counts.get(kind, 0))]
    rng.shuffle(kinds)
    courses = []
    for index, kind in enumerate(kinds):
        surname = rng.choice(SURNAMES)
        prefix, _space, rest = surname.rpartition(" ") if " " in surname else ("", "", surname)
        course = Course(
            number=str(first_number + index), surname=rest, prefix=prefix,
            initials=f"{rng.choice('ABCDEGHJKLMPRSTW')}.", sex=rng.choice("MV"),
            birth=date(rng.randint(1938, 1975), rng.randint(1, 12), rng.randint(1, 28)),
            street=rng.choice(STREETS), house_number=str(rng.randint(1, 120)),
            postcode=f"{postcode[:4]} {rng.choice('ABCDEFGHKLMN')}{rng.choice('ABDEGHKLRSTX')}",
            city=city, gp=gps[index % len(gps)], product=rng.choice(PRODUCTS), kind=kind)
        _plan(course, rng, letter_on=None if kind == "excluded" else letters_on[index % 2],
              today=today, first_import=imported_on)
        courses.append(course)
    last_letter = letters_on[-1]
    return Round(start=start, end=end, imported_on=imported_on,
                 screened_on=working_day_from(letters_on[0] - timedelta(days=21)),
                 letters_on=letters_on,
                 reimports_on=(working_day_from(last_letter + relativedelta(months=6)),
                              working_day_from(today - timedelta(days=16))),
                 courses=courses)


def _plan(course: Course, rng: random.Random, *, letter_on: date | None, today: date,
          first_import: date) -> None:
    """Fill in the course's days and prescriptions."""
    kind = course.kind
    units = 30
    # A prescription a month for more than a year before the round.
    day = first_import - relativedelta(months=14) + timedelta(days=rng.randint(0, 20))
    stop = letter_on or first_import + relativedelta(months=3)
    if kind == "already_stopped":
        stop = stop - timedelta(days=40)
    while day <= stop:
        course.prescriptions.append((day, units))
        day += timedelta(days=rng.choice((28, 30, 30, 31, 35)))
    if letter_on is None:  # excluded: goes on as before
        _going_on(course, day, units, today)
        return
    course.letter_on = letter_on
    if kind == "died":
        course.outcome_on = letter_on + timedelta(days=18)
        return
    if kind == "moved":
        course.outcome_on = letter_on + timedelta(days=24)
        return
    wait_end = wait_period_end(letter_on, 30)
    if kind in CONSULTED and rng.random() < 0.35:  # some phone in after the letter
        course.phoned_on = working_day_from(letter_on + timedelta(days=rng.randint(8, 20)))
        first_call = add_working_days(course.phoned_on, 1)
    else:
        first_call = working_day_from(wait_end + timedelta(days=rng.randint(0, 6)))
    course.calls = [first_call]
    if kind == "not_reached":  # three counted attempts, three working days apart
        course.calls += [add_working_days(first_call, 3), add_working_days(first_call, 6)]
    course.outcome_on = course.calls[-1]
    consult_on = add_working_days(first_call, rng.randint(5, 10))
    if kind in CONSULTED:
        course.consult_on = course.outcome_on = consult_on
    if kind in TAPERING:
        taper_pack = consult_on + timedelta(days=1)
        course.prescriptions.append((taper_pack, 40))
        course.outcome_on = consult_on + timedelta(days=rng.randint(70, 95))
        if kind == "reduced":  # half the dose from then on
            _going_on(course, taper_pack + timedelta(days=45), units // 2, today)
        elif kind == "unchanged":
            _going_on(course, taper_pack + timedelta(days=30), units, today)
        elif kind == "restarted":  # stopped, then prescribed again some months later
            again = consult_on + relativedelta(months=7)
            _going_on(course, again, units, min(today, again + relativedelta(months=2)))
    elif kind in GOING_ON:
        _going_on(course, day, units, today)


def _going_on(course: Course, day: date, units: int, until: date) -> None:
    while day <= until:
        course.prescriptions.append((day, units))
        day += timedelta(days=30)


def his_export(courses: list[Course], *, up_to: date) -> bytes:
    """The HIS export (docs/formats.md) of the courses' prescriptions dated up to ``up_to``."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HIS_COLUMNS)
    for c in courses:
        for day, units in c.prescriptions:
            if day <= up_to:
                writer.writerow([
                    c.number, c.surname, c.prefix, c.initials, c.sex,
                    c.birth.strftime("%d-%m-%Y"), c.street, c.house_number, c.postcode,
                    c.city, "", c.gp, day.strftime("%d-%m-%Y"), c.product.atc,
                    c.product.description, c.product.strength, "mg", units, c.product.dosage])
    return out.getvalue().encode("cp1252")
