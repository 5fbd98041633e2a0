"""``evaluation`` (docs/domain.md#cli-evaluation): the CSV byte for byte, its refusals, and an
oracle — a project with stoppers, reducers, unchanged users, a death, a move, restarts and
DDD-less substances, its letters imported with ``import_project_letters``, evaluated month
by month and compared with figures computed here from the raw rows with pandas and exact
fractions, without the product's rule."""

import io
import random
import uuid
from datetime import date, timedelta
from fractions import Fraction

import pandas as pd
import pytest
from django.core.management import call_command
from django.utils import timezone

from monitoring.management.commands import evaluation as evaluation_command
from patients.models import (
    ImportBatch,
    Participation,
    ParticipationOutcome,
    Prescription,
    Role,
    Substance,
)
from patients.services import participation_outcome_set

from ..factories import PatientFactory
from ..patients.exports import BENZO_REFERENCE
from ..patients.test_commands import _keep_the_test_connection, run  # noqa: F401
from ..tapering.schedule_helpers import reference_table  # noqa: F401

pytestmark = pytest.mark.django_db

HEADER = b"patient_number,letter_date,ddd_before,ddd_after,stopped,reduced\r\n"


# --- Building a scenario -------------------------------------------------------------------

def store(practice, rows) -> None:
    """Prescriptions ``(number, date, atc, units, strength)`` of patients made as needed."""
    batch = ImportBatch.objects.create(practice=practice, file_name="oracle.csv",
                                       checksum=uuid.uuid4().hex * 2,
                                       status=ImportBatch.Status.DONE)
    substances = {s.atc: s for s in Substance.objects.all()}
    patients = {}
    for number, *_ in rows:
        if number not in patients:
            patients[number] = (practice.patients.filter(number=number).first()
                                or PatientFactory(practice=practice, number=number))
    Prescription.objects.bulk_create(
        Prescription(patient=patients[number], date=on, atc=atc, units=units,
                     strength_mg=strength, substance=substances.get(atc), row_key=uuid.uuid4(),
                     batch=batch, description=f"{atc} {strength}", line=i)
        for i, (number, on, atc, units, strength) in enumerate(rows))


def import_letters(tmp_path, practice, letters: dict[str, date], name: str = "Ronde") -> None:
    path = tmp_path / "brieven.csv"
    path.write_text("patient_number,letter_date\n" + "".join(
        f"{number},{on.isoformat()}\n" for number, on in letters.items()))
    call_command("import_project_letters", str(path), "--practice", practice.code,
                 "--project", name, stdout=io.StringIO())


def evaluate_csv(tmp_path, practice, as_of: date, name: str = "Ronde") -> bytes:
    out = tmp_path / f"evaluatie-{as_of}.csv"
    call_command("evaluation", "--practice", practice.code, "--project", name, "--as-of",
                 as_of.isoformat(), "--csv", str(out), stderr=io.StringIO())
    return out.read_bytes()


def monthly(number, first: date, last: date, atc="N05BA01", units=30, strength="10"):
    """A prescription on the 5th of every month from ``first`` to ``last``."""
    rows, on = [], first.replace(day=5)
    while on <= last:
        rows.append((number, on, atc, units, strength))
        on = (pd.Timestamp(on) + pd.DateOffset(months=1)).date()
    return rows


# --- The oracle: written from SPEC.md step 9, apart from monitoring/evaluation.py ---------

BENZO = ("N05BA", "N05CD", "N05CF")


def oracle_csv(rows, letters: dict[str, date], as_of: date) -> bytes:
    reference = pd.read_csv(BENZO_REFERENCE, dtype={"atc": str, "ddd_mg": str})
    ddd_mg = {atc: Fraction(mg) for atc, mg in zip(reference.atc, reference.ddd_mg, strict=True)
              if isinstance(mg, str)}
    frame = pd.DataFrame(rows, columns=["number", "date", "atc", "units", "strength"])
    frame = frame[frame.atc.str.startswith(BENZO)]
    frame["date"] = pd.to_datetime(frame.date)
    frame["ddd"] = [Fraction(units) * Fraction(strength) / ddd_mg[atc] if atc in ddd_mg
                    else Fraction(0) for atc, units, strength in
                    zip(frame.atc, frame.units, frame.strength, strict=True)]
    E = pd.Timestamp(as_of)

    def per_day(mine, start, end):
        inside = mine[(mine.date > start) & (mine.date <= end) & (mine.date <= E)]
        return sum(inside.ddd, Fraction(0)) / (end - start).days

    def text(value: Fraction) -> str:
        hundredths = (value * 100 + Fraction(1, 2)).__floor__()  # half up
        return f"{hundredths // 100}.{hundredths % 100:02d}"

    lines = [HEADER]
    for number in sorted(letters, key=lambda n: n.encode()):
        L = pd.Timestamp(letters[number])
        mine = frame[frame.number == number]
        before = per_day(mine, L - pd.DateOffset(months=12), L)
        after = per_day(mine, E - pd.DateOffset(months=6), E)
        recent = mine[(mine.date > E - pd.DateOffset(months=3)) & (mine.date <= E)]
        stopped = recent.empty and L + pd.DateOffset(months=3) <= E
        reduced = not stopped and before > 0 and after <= Fraction(3, 4) * before
        lines.append(",".join([number, L.date().isoformat(), text(before), text(after),
                               str(stopped).lower(), str(reduced).lower()]).encode() + b"\r\n")
    return b"".join(lines)


L1 = date(2025, 3, 10)
L2 = date(2025, 5, 31)  # a month end: three months on is 31 August


def scenario_rows():
    return [
        # Stopper: monthly diazepam until the month after the letter.
        *monthly("0001", date(2024, 1, 1), date(2025, 4, 30)),
        # Reducer: temazepam 20 mg, 30 a month, then 15 a month from the letter on.
        *monthly("0002", date(2024, 1, 1), date(2025, 3, 1), "N05CD07", 30, "20"),
        *monthly("0002", date(2025, 4, 1), date(2026, 6, 30), "N05CD07", 15, "20"),
        # Unchanged: the same every month throughout.
        *monthly("0003", date(2024, 1, 1), date(2026, 6, 30), "N05BA06", 60, "1"),
        # Died: lorazepam until the death in June 2025.
        *monthly("0004", date(2024, 6, 1), date(2025, 6, 1), "N05BA06", 30, "2.5"),
        # Moved away: oxazepam, the last one in May 2025.
        *monthly("0005", date(2024, 3, 1), date(2025, 5, 31), "N05BA04", 20, "10"),
        # Restart: stops after the letter, starts again in 2026.
        *monthly("0006", date(2024, 2, 1), date(2025, 3, 31), "N05CD08", 30, "7.5"),
        *monthly("0006", date(2026, 2, 1), date(2026, 6, 30), "N05CD08", 10, "7.5"),
        # DDD-less substances only (adinazolam, etizolam): never a DDD, not stopped while used.
        *monthly("0007", date(2024, 1, 1), date(2025, 10, 31), "N05BA07", 30, "10"),
        *monthly("0007", date(2025, 11, 1), date(2026, 2, 28), "N05BA19", 30, "1"),
        # A DDD-less substance beside diazepam: adds 0, and keeps the patient from stopping.
        *monthly("0008", date(2024, 1, 1), date(2025, 1, 31), "N05BA01", 90, "5"),
        *monthly("0008", date(2025, 2, 1), date(2026, 6, 30), "N05BA07", 30, "10"),
        # Not a benzodiazepine (sertraline): never counts.
        *monthly("0009", date(2024, 1, 1), date(2026, 6, 30), "N06AB06", 30, "50"),
        # Letter on 31 May; zolpidem, the last one on 30 August 2025: the start of the stop
        # window (E − 3 months) as of 30 November, outside it; inside as of 29 November.
        *monthly("0010", date(2024, 6, 1), date(2025, 5, 31), "N05CF02", 28, "10"),
        ("0010", date(2025, 5, 31), "N05CF02", 28, "10"),
        ("0010", date(2025, 8, 30), "N05CF02", 7, "10"),
        # Sorted as bytes: "10" after "0010", "9" last; "A7" after the digits.
        *monthly("10", date(2024, 9, 1), date(2025, 2, 28), "N05CD06", 30, "1"),
        *monthly("9", date(2024, 9, 1), date(2026, 1, 31), "N05CD06", 30, "2"),
        *monthly("A7", date(2024, 9, 1), date(2025, 12, 31), "N05BA12", 30, "0.25"),
        # No letter: no row however much is prescribed.
        *monthly("0011", date(2024, 1, 1), date(2026, 6, 30)),
    ]


SCENARIO_LETTERS = {"0001": L1, "0002": L1, "0003": L1, "0004": L1, "0005": L1, "0006": L1,
                    "0007": L1, "0008": L1, "0009": L1, "0010": L2, "10": L1, "9": L2, "A7": L2}


def month_ends(first: date, count: int) -> list[date]:
    return [(pd.Timestamp(first) + pd.offsets.MonthEnd(n)).date() for n in range(1, count + 1)]


def test_oracle_scenario_month_by_month(tmp_path, practice, users):
    rows = scenario_rows()
    store(practice, rows)
    import_letters(tmp_path, practice, SCENARIO_LETTERS)
    poh = users[Role.POH_GGZ]
    for number, outcome, on in (("0004", ParticipationOutcome.DIED, date(2025, 6, 15)),
                                ("0005", ParticipationOutcome.MOVED, date(2025, 6, 1))):
        participation_outcome_set(participation=Participation.objects.get(
            patient__number=number), user=poh, outcome=outcome, on=on,
            today=timezone.localdate())
    as_ofs = [*month_ends(date(2025, 3, 1), 16), date(2025, 8, 30), date(2025, 11, 29),
              date(2025, 12, 1), date(2025, 6, 10)]
    for as_of in as_ofs:
        assert evaluate_csv(tmp_path, practice, as_of) == oracle_csv(
            rows, SCENARIO_LETTERS, as_of), as_of
    # The scenario reaches every outcome somewhere (else the oracle proves little).
    seen = b"".join(evaluate_csv(tmp_path, practice, d) for d in as_ofs)
    for fragment in (b",true,false\r\n", b",false,true\r\n", b",false,false\r\n"):
        assert fragment in seen


def test_oracle_seeded_random_prescriptions(tmp_path, practice):
    generator = random.Random(14)
    atcs = ["N05BA01", "N05BA04", "N05BA06", "N05BA07", "N05CD07", "N05CD08", "N05CF02",
            "N05BA19", "N06AB06", "N05CD06"]
    strengths = ["0.5", "1", "2.5", "5", "7.5", "10", "20"]
    as_ofs = [*month_ends(date(2025, 4, 1), 14), date(2026, 2, 28), date(2025, 12, 31),
              date(2025, 9, 17)]
    rows, letters = [], {}

    def month_shift(day: date, months: int) -> date:
        return (pd.Timestamp(day) + pd.DateOffset(months=months)).date()

    for _patient in range(30):
        number = f"{generator.randint(1, 99999):05d}"
        letter = letters[number] = date(2025, 1, 1) + timedelta(days=generator.randint(0, 240))
        as_of = generator.choice(as_ofs)
        # Some on a window's edge or a day beside it, so that every edge is tried.
        edges = [month_shift(letter, -12), letter, month_shift(as_of, -6),
                 month_shift(as_of, -3), as_of]
        days = [edge + timedelta(days=generator.choice((-1, 0, 1))) for edge in edges]
        days += [date(2024, 1, 1) + timedelta(days=generator.randint(0, 900))
                 for _ in range(generator.randint(0, 40))]
        for on in days:
            rows.append((number, on, generator.choice(atcs), generator.randint(1, 120),
                         generator.choice(strengths)))
    store(practice, rows)
    import_letters(tmp_path, practice, letters)
    for as_of in as_ofs:
        assert evaluate_csv(tmp_path, practice, as_of) == oracle_csv(rows, letters, as_of), as_of


# --- The command's file and refusals -------------------------------------------------------

def test_csv_bytes_of_a_small_project(tmp_path, practice, capsys):
    store(practice, [("200", date(2025, 1, 5), "N05BA01", 365, "10"),  # 1 DDD/day before
                     ("200", date(2025, 6, 1), "N05BA01", 181, "5"),   # 0.5 DDD/day after
                     ("100", date(2024, 12, 1), "N05BA06", 73, "2.5")])  # 0.2 before, stopped
    import_letters(tmp_path, practice, {"200": date(2025, 1, 10), "100": date(2025, 1, 10)})
    out = tmp_path / "e.csv"
    assert run(evaluation_command, "--practice", practice.code, "--project", "Ronde",
               "--as-of", "2025-07-10", "--csv", str(out)) == 0
    assert out.read_bytes() == HEADER + (b"100,2025-01-10,0.20,0.00,true,false\r\n"
                                         b"200,2025-01-10,1.00,0.50,false,true\r\n")
    assert capsys.readouterr().err == f"2 deelnames geschreven naar {out}.\n"
    assert run(evaluation_command, "--practice", practice.code, "--project", "Ronde",
               "--as-of", "2025-07-10", "--csv", "-") == 0
    assert capsys.readouterr().out.encode() == out.read_bytes()


def test_project_without_letters_is_only_the_header(tmp_path, practice, project):
    assert evaluate_csv(tmp_path, practice, date(2026, 1, 1), name=project.name) == HEADER


@pytest.mark.parametrize("value", ["10-07-2025", "2025-02-30", "morgen", "20250710", ""])
def test_a_bad_date_is_refused_and_nothing_written(tmp_path, practice, project, capsys, value):
    out = tmp_path / "e.csv"
    assert run(evaluation_command, "--practice", practice.code, "--project", project.name,
               "--as-of", value, "--csv", str(out)) == 1
    assert capsys.readouterr().err == (
        f"CommandError: Evaluatiedatum “{value}” is geen geldige datum (verwacht JJJJ-MM-DD).\n")
    assert not out.exists()


def test_unknown_practice_or_project_is_refused_and_nothing_written(tmp_path, practice, project,
                                                                    other_project, capsys):
    out = tmp_path / "e.csv"
    assert run(evaluation_command, "--practice", "ONBEKEND", "--project", project.name,
               "--as-of", "2025-07-10", "--csv", str(out)) == 1
    assert capsys.readouterr().err == "CommandError: Praktijk “ONBEKEND” bestaat niet.\n"
    # Another practice's project is not this practice's.
    assert run(evaluation_command, "--practice", practice.code, "--project", other_project.name,
               "--as-of", "2025-07-10", "--csv", str(out)) == 1
    assert capsys.readouterr().err == (
        f"CommandError: Praktijk “{practice.code}” heeft geen project “{other_project.name}”.\n")
    assert not out.exists()


def test_an_output_folder_that_does_not_exist_is_refused(tmp_path, practice, project, capsys):
    out = tmp_path / "niet-er" / "e.csv"
    assert run(evaluation_command, "--practice", practice.code, "--project", project.name,
               "--as-of", "2025-07-10", "--csv", str(out)) == 1
    assert capsys.readouterr().err.startswith(
        f"CommandError: Bestand “{out}” kan niet worden geschreven")
