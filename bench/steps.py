"""One benchmark step, run by ``python -m bench`` in a fresh child process.

    python -m bench.steps copy FILE          PostgreSQL COPY of FILE into a text table
    python -m bench.steps setup              practice BENCH, its data emptied
    python -m bench.steps import FILE        the app's import_file of FILE for BENCH
    python -m bench.steps groslijst DATE     the app's groslijst_rows for BENCH

``DATABASE_URL`` names the benchmark database; ``setup`` refuses any other
(it empties tables). Each step prints one ``BENCH-RESULT {json}`` line, its
time measured around the measured call only, so Python and Django start-up
do not count. The parent measures the peak memory from outside (wait4).
"""

import argparse
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

PRACTICE_CODE = "BENCH"
# BENCH_DATABASE in the environment picks another scratch database (one per worktree, so two
# people benchmarking on one server do not empty each other's tables mid-run).
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "benzoreductie_bench")
RESULT = "BENCH-RESULT "


def report(**figures) -> None:
    print(RESULT + json.dumps(figures), flush=True)


def memory_mib(field: str) -> float | None:
    """VmRSS / VmHWM of this process from /proc, in MiB (None where there is no /proc)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def step_copy(file: Path) -> None:
    """The baseline: the same file into a table of text columns, by PostgreSQL alone."""
    import csv

    import psycopg2
    from psycopg2 import sql

    with file.open(encoding="cp1252", newline="") as handle:
        header = next(csv.reader(handle, delimiter=";"))
    table = sql.Identifier("bench_copy_baseline")
    columns = sql.SQL(", ").join(sql.SQL("{} text").format(sql.Identifier(c)) for c in header)
    connection = psycopg2.connect(os.environ["DATABASE_URL"])
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table))
            cursor.execute(sql.SQL("CREATE TABLE {} ({})").format(table, columns))
            connection.commit()
            command = sql.SQL(
                "COPY {} FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true, "
                "ENCODING 'WIN1252')").format(table).as_string(cursor)
            started = time.perf_counter()
            with file.open("rb") as data:
                cursor.copy_expert(command, data, size=1 << 20)
            rows = cursor.rowcount
            connection.commit()
            seconds = time.perf_counter() - started
            cursor.execute(sql.SQL("DROP TABLE {}").format(table))
            connection.commit()
    finally:
        connection.close()
    report(seconds=seconds, rows=rows)


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benzoproject.settings")
    import django

    django.setup()


def step_setup() -> None:
    """Practice BENCH exists and has no patients, prescriptions, imports or audit events."""
    _django()
    from django.db import connection

    from patients.models import Practice

    name = connection.settings_dict["NAME"]
    if name != BENCH_DATABASE:
        sys.exit(f"refusing to empty tables in {name!r}: only {BENCH_DATABASE!r} is scratch")
    practice, _ = Practice.objects.get_or_create(
        code=PRACTICE_CODE, defaults={"name": "Benchmark (synthetic data)"})
    with connection.cursor() as cursor:
        # The audit log refuses DELETE (NEN 7513 trigger) but not TRUNCATE; it refers
        # to patients, so it goes too. Only ever in the scratch database (checked above).
        cursor.execute("TRUNCATE patients_prescription, patients_importbatch, patients_patient, "
                       "patients_auditevent CASCADE")
    report(practice=practice.pk)


def step_import(file: Path) -> None:
    _django()
    from patients.importing import import_file
    from patients.models import Practice

    practice = Practice.objects.get(code=PRACTICE_CODE)
    started = time.perf_counter()
    data = file.read_bytes()
    before = memory_mib("VmRSS")
    batch = import_file(practice=practice, user=None, data=data, file_name=file.name)
    seconds = time.perf_counter() - started
    report(seconds=seconds, rss_before_mib=before, hwm_mib=memory_mib("VmHWM"),
           rows_total=batch.rows_total, rows_new=batch.rows_new,
           rows_present=batch.rows_present, rows_rejected=batch.rows_rejected)


def step_groslijst(reference: date) -> None:
    _django()
    from patients.models import Practice
    from patients.selectors import groslijst_rows

    practice = Practice.objects.get(code=PRACTICE_CODE)
    started = time.perf_counter()
    rows = groslijst_rows(practice=practice, reference_date=reference)
    seconds = time.perf_counter() - started
    report(seconds=seconds, rows=len(rows))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.steps", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    steps = parser.add_subparsers(dest="step", required=True)
    steps.add_parser("copy").add_argument("file", type=Path)
    steps.add_parser("setup")
    steps.add_parser("import").add_argument("file", type=Path)
    steps.add_parser("groslijst").add_argument("reference", type=date.fromisoformat)
    args = parser.parse_args()
    if args.step == "copy":
        step_copy(args.file)
    elif args.step == "setup":
        step_setup()
    elif args.step == "import":
        step_import(args.file)
    else:
        step_groslijst(args.reference)


if __name__ == "__main__":
    main()
