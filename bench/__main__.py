"""Benchmark the import, the groslijst, print runs of letters and the dashboards
(docs/domain.md#quality-bars).

    python -m bench [--only import|letters|printout|dashboard|load] [--patients 100000]
                    [--seed 1] [--keep] [--letters 200] [--repeat 3] [--practices 50]
                    [--requests 200] [--snapshots all|last] [--users 20] [--seconds 60]
                    [--base-seconds 20] [--warm-up 10] [--think 1] [--workers N]
                    [--load-practices 5] [--load-patients 20000]

Generates a synthetic HIS export (``bench/generate.py``) under ``bench/out/``
(``--keep`` reuses it when it is already there), then, each in a fresh child
process against the scratch database ``benzoreductie_bench`` (created and
migrated when needed; the server is the one ``DATABASE_URL`` names):

1. PostgreSQL ``COPY`` of the file into a table of text columns (the baseline);
2. the app's ``import_file`` of the same file, into an empty practice BENCH:
   time (limit 3× the COPY) and the process's peak memory (limit 1 GiB);
   these two ``--repeat`` times (default 3), a COPY right before each import; the
   table shows medians, and the ratio is the median of each import against its
   own COPY;
3. the app's ``groslijst_rows`` at the generator's reference date (limit 10 s),
   after the last import.

Letters (``--only letters`` runs only these), against the scratch database
``benzoreductie_bench_letters`` and a scratch media folder under ``bench/out/``:

4. WeasyPrint alone rendering the HTML of N stop letters (default 200) as one
   document to one PDF (the baseline);
5. the app's print run of the same letters (``letter_run_create`` + render: one
   PDF per letter, the merged PDF, the labels): time (limit 1.5× the baseline),
   time per letter, and the process's peak memory (limit 1 GiB).
Each is run ``--repeat`` times (default 3), each time in a fresh process, a
baseline right before each run; the table shows medians, and the ratio is the
median of each run against its own baseline.

The patient's printout of a tapering schedule (``--only printout`` runs only these;
no database):

6. WeasyPrint alone rendering a plain document of as many pages (the baseline);
7. ``schedule_pdf`` of a year-long schedule (73 pages): time (limit 15 s, what a
   POH-GGZ waits for the download) and peak memory (limit 1 GiB); medians of
   ``--repeat`` runs, the ratio against the baseline shown beside it.

The dashboards (``--only dashboard`` runs only these; ``bench/dashboard.py``), against the
scratch database ``benzoreductie_bench_dashboard`` (``BENCH_DASHBOARD_DATABASE`` picks
another):

8. an FTO group of ``--practices`` practices sharing ``--patients`` patients, five years
   of prescriptions, a project per practice and every month's snapshot (``--keep`` reuses
   the group when it is there);
9. the practice's dashboard and the group's view, ``--requests`` times each (default 200):
   what the pages read from the snapshots, and the pages themselves through Django's test
   client once their URLs exist: p95 (limit 200 ms), p50 and the slowest, beside the time
   ``measures_compute`` takes for the same figures live (one practice; every practice).

Under load (``--only load`` runs only these; ``bench/load.py``), against the scratch
database ``benzoreductie_bench_load`` (``BENCH_LOAD_DATABASE`` picks another):

10. the dashboard's scenario for ``--load-practices`` practices sharing ``--load-patients``
    patients, an assistant in each, and a session made on the server for each of
    ``--users`` users (POH-GGZ, GPs, assistant; ``--keep`` reuses the data);
11. gunicorn as the Dockerfile starts it, ``DEBUG`` off; locust headless: the base (every
    user opening the login page for ``--base-seconds``), then every user opening its
    pages in turn (start page, groslijst, screening, mailing list, letters, call-back
    list, timelines, dashboard) for ``--seconds``, ``--think`` seconds between pages,
    the first ``--warm-up`` seconds of each not counted: p50 and p95 per page and over
    all pages (limit: p95 300 ms), beside the base.

Prints a table with PASS/FAIL per line. Exits 0 also on FAIL (it is a report);
2 when it cannot measure at all (no PostgreSQL, a failed migration).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .dashboard import BUDGET_SECONDS, DASHBOARD_DATABASE, LIMIT_MS, WARM_UP
from .generate import REFERENCE, Stats, generate_stats
from .letters import LETTERS_DATABASE
from .load import LIMIT_MS as LOAD_LIMIT_MS
from .load import LOAD_DATABASE
from .steps import BENCH_DATABASE, RESULT

REPO = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/benzoreductie"
IMPORT_LIMIT_TIMES_COPY = 3
MEMORY_LIMIT_MIB = 1024
GROSLIJST_LIMIT_SECONDS = 10
LETTERS_LIMIT_TIMES_WEASYPRINT = 1.5
LETTERS_MEMORY_LIMIT_MIB = 1024
PRINTOUT_LIMIT_SECONDS = 15
PRINTOUT_MEMORY_LIMIT_MIB = 1024


@dataclass
class Child:
    returncode: int
    output: str
    result: dict | None
    maxrss_mib: float

    def failure(self) -> str:
        """The last lines of the child's output, for a step that failed."""
        lines = [line for line in self.output.splitlines() if line.strip()]
        return "\n".join("    " + line for line in lines[-8:])


def run_child(args: list[str], env: dict[str, str], echo: bool = False) -> Child:
    """Run one step in a fresh Python; its own peak RSS comes from wait4, not RUSAGE_CHILDREN
    (which is the maximum over every child so far, not this one). ``echo``: show the
    child's progress lines as they come."""
    proc = subprocess.Popen([sys.executable, *args], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if echo:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if not line.startswith(RESULT):
                print(line, end="", flush=True)
        output = "".join(lines)
    else:
        output = proc.stdout.read()
    proc.stdout.close()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    result = None
    for line in output.splitlines():
        if line.startswith(RESULT):
            result = json.loads(line[len(RESULT):])
    return Child(proc.returncode, output, result, usage.ru_maxrss / 1024)  # KiB on Linux


def bench_database_url(base: str, name: str = BENCH_DATABASE) -> str:
    parts = urlsplit(base)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(f"python -m bench needs PostgreSQL; DATABASE_URL is {base!r}.")
    return urlunsplit(parts._replace(path="/" + name))


def ensure_database(url: str, name: str = BENCH_DATABASE) -> None:
    import psycopg2
    from psycopg2 import sql

    server = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    try:
        connection = psycopg2.connect(server)
    except psycopg2.OperationalError as error:
        sys.exit(f"Cannot reach PostgreSQL at {server}: {error}".strip())
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"Created database {name}.")
    finally:
        connection.close()


def scratch_database(name: str, what: str, **extra: str) -> dict[str, str] | None:
    """The environment of a child working in scratch database ``name`` (created and
    migrated when needed) on the server DATABASE_URL names; None when migrating failed."""
    url = bench_database_url(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), name)
    env = {**os.environ, "DATABASE_URL": url, **extra}
    ensure_database(url, name)
    print(f"Migrating {name} ...", flush=True)
    migrate = run_child(["manage.py", "migrate", "--noinput"], env)
    if migrate.returncode:
        print(f"migrate into the {what} benchmark database failed:\n" + migrate.failure())
        return None
    return env


def export_file(patients: int, seed: int, keep: bool) -> tuple[Path, Stats]:
    """The generated HIS export and what the generator put in it (cached beside it)."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"his_{patients}p_seed{seed}.csv"
    sidecar = path.with_suffix(".json")
    if keep and path.exists() and sidecar.exists():
        saved = json.loads(sidecar.read_text())
        print(f"Reusing {path.relative_to(REPO)} (--keep).")
        return path, Stats(**{**saved, "damaged": Counter(saved["damaged"])})
    print(f"Generating {path.relative_to(REPO)} ({patients:,} patients) ...", flush=True)
    sidecar.unlink(missing_ok=True)  # written again only once the file is complete
    started = time.perf_counter()
    stats = generate_stats(path, layout="his", patients=patients, seed=seed, reference=REFERENCE)
    sidecar.write_text(json.dumps({**asdict(stats), "damaged": dict(stats.damaged)}))
    print(f"  {stats.rows:,} rows, {path.stat().st_size / 2**20:.0f} MiB, "
          f"in {time.perf_counter() - started:.1f} s")
    return path, stats


@dataclass
class Table:
    lines: list[tuple[str, str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, step: str, figure: str, limit: str = "–", result: str = "–") -> None:
        self.lines.append((step, figure, limit, result))

    def print(self) -> None:
        print()
        print(f"{'step':<33}{'time':<11}{'limit':<14}result")
        for step, figure, limit, result in self.lines:
            print(f"{step:<33}{figure:<11}{limit:<14}{result}")
        for note in self.notes:
            print(note)


def verdict(ok: bool, extra: str = "") -> str:
    return ("PASS" if ok else "FAIL  <<<") + (f" ({extra})" if extra else "")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=["import", "letters", "printout", "dashboard", "load"],
                        help="run only the import and groslijst, the letters, the printout, "
                             "the dashboards or the load test")
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true",
                        help="reuse the generated export in bench/out/ when it is there")
    parser.add_argument("--letters", type=int, default=200, help="letters in the print run")
    parser.add_argument("--repeat", type=int, default=3,
                        help="times each measured step runs (the median is shown)")
    parser.add_argument("--practices", type=int, default=50,
                        help="practices of the dashboard's FTO group (sharing --patients)")
    parser.add_argument("--requests", type=int, default=200,
                        help="requests to each dashboard")
    parser.add_argument("--snapshots", choices=["all", "last"], default="all",
                        help="dashboard scenario: take every month's snapshot, or the last "
                             "month's and copy it to the earlier months")
    parser.add_argument("--users", type=int, default=20, help="load test: concurrent users")
    parser.add_argument("--seconds", type=float, default=60,
                        help="load test: seconds the users open pages (after the warm-up)")
    parser.add_argument("--base-seconds", type=float, default=20,
                        help="load test: seconds the users open the login page (the base)")
    parser.add_argument("--warm-up", type=float, default=10,
                        help="load test: seconds at the start of each run not counted")
    parser.add_argument("--think", type=float, default=1.0,
                        help="load test: seconds a user waits between two pages")
    parser.add_argument("--workers", type=int, default=0,
                        help="load test: gunicorn workers (0, the default: the Dockerfile's)")
    parser.add_argument("--load-practices", type=int, default=5,
                        help="load test: practices (four users each)")
    parser.add_argument("--load-patients", type=int, default=20_000,
                        help="load test: patients of all those practices together")
    args = parser.parse_args()
    table = Table()
    if args.only in (None, "import"):
        status = bench_import(args, table)
        if status:
            return status
    if args.only in (None, "letters"):
        status = bench_letters(args, table)
        if status:
            return status
    if args.only in (None, "printout"):
        bench_printout(args, table)
    if args.only in (None, "dashboard"):
        status = bench_dashboard(args, table)
        if status:
            return status
    if args.only in (None, "load"):
        status = bench_load(args, table)
        if status:
            return status
    table.print()
    return 0


def bench_import(args, table: Table) -> int:
    url = bench_database_url(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    env = {**os.environ, "DATABASE_URL": url}
    path, stats = export_file(args.patients, args.seed, args.keep)
    ensure_database(url)
    print(f"Migrating {BENCH_DATABASE} ...", flush=True)
    migrate = run_child(["manage.py", "migrate", "--noinput"], env)
    if migrate.returncode:
        print("migrate into the benchmark database failed:\n" + migrate.failure())
        return 2

    copies, imports = [], []
    for attempt in range(1, args.repeat + 1):
        print(f"Measuring ({attempt}/{args.repeat}): COPY baseline, import_file ...", flush=True)
        copy = run_child(["-m", "bench.steps", "copy", str(path)], env)
        if copy.result is None:
            print("COPY baseline failed:\n" + copy.failure())
            return 2
        setup = run_child(["-m", "bench.steps", "setup"], env)
        if setup.result is None:
            table.add("import_file", "ERROR", "", "FAIL  <<< (setup of practice BENCH failed)")
            table.notes.append("setup failed:\n" + setup.failure())
            break
        imported = run_child(["-m", "bench.steps", "import", str(path)], env)
        if imported.result is None:
            table.add("import_file", "ERROR", "", "FAIL  <<< (see below)")
            table.notes.append("import_file failed:\n" + imported.failure())
            break
        copies.append(copy)
        imports.append(imported)
    if imports and len(imports) == args.repeat:
        _import_lines(table, path, stats, copies, imports)

    print("Measuring: groslijst_rows ...", flush=True)
    groslijst = run_child(["-m", "bench.steps", "groslijst", REFERENCE.isoformat()], env)
    label = f"groslijst (R={REFERENCE.isoformat()})"
    if groslijst.result is not None:
        seconds = groslijst.result["seconds"]
        table.add(label, f"{seconds:.2f} s", f"≤ {GROSLIJST_LIMIT_SECONDS} s",
                  verdict(seconds <= GROSLIJST_LIMIT_SECONDS,
                          f"{groslijst.result['rows']:,} patients"))
    else:
        table.add(label, "ERROR", "", "FAIL  <<< (see below)")
        table.notes.append("groslijst_rows failed:\n" + groslijst.failure())

    table.notes.append(f"File: {path.relative_to(REPO)}, {stats.patients:,} patients, "
                       f"{stats.rows:,} rows, {path.stat().st_size / 2**20:.0f} MiB; "
                       f"database {BENCH_DATABASE}.")
    return 0


def bench_letters(args, table: Table) -> int:
    """WeasyPrint alone against the app's print run of the same letters (medians)."""
    media = OUT / "letters-media"
    media.mkdir(parents=True, exist_ok=True)
    env = scratch_database(LETTERS_DATABASE, "letters", MEDIA_ROOT=str(media))
    if env is None:
        return 2
    setup = ["-m", "bench.letters", "setup", str(args.letters)]
    baselines, runs = [], []
    for attempt in range(1, args.repeat + 1):
        print(f"Measuring letters ({attempt}/{args.repeat}): WeasyPrint alone, print run ...",
              flush=True)
        for step, results in ((["baseline"], baselines), (["run"], runs)):
            prepared = run_child(setup, env)
            if prepared.result is None:
                print("setup of the letters benchmark failed:\n" + prepared.failure())
                return 2
            child = run_child(["-m", "bench.letters", *step], env)
            if child.result is None:
                table.add(f"letters {step[0]}", "ERROR", "", "FAIL  <<< (see below)")
                table.notes.append(f"letters {step[0]} failed:\n" + child.failure())
                return 0
            results.append(child)
    count = runs[0].result["letters"]
    base = statistics.median(c.result["seconds"] for c in baselines)
    app = statistics.median(c.result["seconds"] for c in runs)
    # Each run is measured right after its own baseline: the median of those paired
    # ratios is steadier than the ratio of medians on a machine with other work.
    ratio = statistics.median(r.result["seconds"] / b.result["seconds"]
                              for b, r in zip(baselines, runs, strict=True))
    limit = LETTERS_LIMIT_TIMES_WEASYPRINT
    table.add(f"WeasyPrint alone, {count} letters", f"{base:.2f} s", "–",
              f"{1000 * base / count:.0f} ms per letter (base)")
    table.add(f"print run, {count} letters", f"{app:.2f} s", f"≤ {limit}× base",
              verdict(ratio <= limit, f"{ratio:.2f}× WeasyPrint, "
                                      f"{1000 * app / count:.0f} ms per letter"))
    peak = statistics.median(c.maxrss_mib for c in runs)
    base_peak = statistics.median(c.maxrss_mib for c in baselines)
    table.add("print run peak memory", f"{peak:.0f} MiB", f"< {LETTERS_MEMORY_LIMIT_MIB} MiB",
              verdict(peak < LETTERS_MEMORY_LIMIT_MIB,
                      f"WeasyPrint alone {base_peak:.0f} MiB"))
    table.notes.append(
        f"letters: medians of {args.repeat} runs each in a fresh process (the ratio: median of "
        f"each run against the baseline measured just before it); every run: "
        + ", ".join(f"{c.result['seconds']:.2f}" for c in runs) + " s; WeasyPrint alone: "
        + ", ".join(f"{c.result['seconds']:.2f}" for c in baselines) + " s; "
        f"{runs[0].result['pages']} pages; database {LETTERS_DATABASE}.")
    return 0




def bench_printout(args, table: Table) -> None:
    """The patient's printout of a year-long schedule against WeasyPrint alone (medians)."""
    baselines, runs = [], []
    for attempt in range(1, args.repeat + 1):
        print(f"Measuring the printout ({attempt}/{args.repeat}): WeasyPrint alone, "
              "schedule_pdf ...", flush=True)
        run = run_child(["-m", "bench.printout", "run"], dict(os.environ))
        if run.result is None:
            table.add("schedule printout", "ERROR", "", "FAIL  <<< (see below)")
            table.notes.append("printout failed:\n" + run.failure())
            return
        base = run_child(["-m", "bench.printout", "baseline", "--pages",
                          str(run.result["pages"])], dict(os.environ))
        if base.result is None:
            table.notes.append("printout baseline failed:\n" + base.failure())
            return
        runs.append(run)
        baselines.append(base)
    pages = runs[0].result["pages"]
    base = statistics.median(c.result["seconds"] for c in baselines)
    seconds = statistics.median(c.result["seconds"] for c in runs)
    ratio = statistics.median(r.result["seconds"] / b.result["seconds"]
                              for b, r in zip(baselines, runs, strict=True))
    table.add(f"WeasyPrint, {pages} pages", f"{base:.2f} s", "–", "(base)")
    table.add(f"printout, {runs[0].result['weeks']} weeks",
              f"{seconds:.2f} s", f"≤ {PRINTOUT_LIMIT_SECONDS} s",
              verdict(seconds <= PRINTOUT_LIMIT_SECONDS, f"{ratio:.1f}× WeasyPrint alone"))
    peak = statistics.median(c.maxrss_mib for c in runs)
    table.add("printout peak memory", f"{peak:.0f} MiB", f"< {PRINTOUT_MEMORY_LIMIT_MIB} MiB",
              verdict(peak < PRINTOUT_MEMORY_LIMIT_MIB))


def bench_dashboard(args, table: Table) -> int:
    """The two dashboards read from the stored snapshots, against the limit and against the
    same figures computed live from the prescriptions (bench/dashboard.py)."""
    env = scratch_database(DASHBOARD_DATABASE, "dashboard")
    if env is None:
        return 2
    setup = run_child(["-m", "bench.dashboard", "setup", "--practices", str(args.practices),
                       "--patients", str(args.patients), "--seed", str(args.seed),
                       "--snapshots", args.snapshots, *(["--keep"] if args.keep else [])],
                      env, echo=True)
    if setup.result is None:
        table.add("dashboard scenario", "ERROR", "", "FAIL  <<< (see below)")
        table.notes.append("dashboard setup failed:\n" + setup.failure())
        return 0
    print(f"Measuring the dashboards ({args.requests} requests each) ...", flush=True)
    measured = run_child(["-m", "bench.dashboard", "measure", "--requests",
                          str(args.requests)], env)
    if measured.result is None:
        table.add("dashboards", "ERROR", "", "FAIL  <<< (see below)")
        table.notes.append("dashboard measurement failed:\n" + measured.failure())
        return 0
    _dashboard_lines(table, setup.result, measured.result)
    return 0


def bench_load(args, table: Table) -> int:
    """20 users with sessions over the main pages against gunicorn (bench/load.py): p50 and
    p95 per page and over all pages, beside the base (the login page under the same load)."""
    env = scratch_database(LOAD_DATABASE, "load")
    if env is None:
        return 2
    setup = run_child(["-m", "bench.load", "setup", "--practices", str(args.load_practices),
                       "--patients", str(args.load_patients), "--seed", str(args.seed),
                       "--users", str(args.users), *(["--keep"] if args.keep else [])],
                      env, echo=True)
    if setup.result is None:
        table.add("load scenario", "ERROR", "", "FAIL  <<< (see below)")
        table.notes.append("load setup failed:\n" + setup.failure())
        return 0
    print(f"Load test: {args.users} users, {args.base_seconds:.0f} s on the login page, then "
          f"{args.seconds:.0f} s over the pages (each after {args.warm_up:.0f} s warm-up) ...",
          flush=True)
    load_before = os.getloadavg()[0]
    run = run_child(["-m", "bench.load", "run", "--users", str(args.users),
                     "--seconds", str(args.seconds), "--base-seconds", str(args.base_seconds),
                     "--warm-up", str(args.warm_up), "--think", str(args.think),
                     "--workers", str(args.workers)], env)
    if run.result is None:
        table.add("load test", "ERROR", "", "FAIL  <<< (see below)")
        table.notes.append("load run failed:\n" + run.failure())
        return 0
    load_lines(table, run.result)
    table.notes.append(
        f"load: {run.result['users']} users of {run.result['practices']} practices "
        f"({', '.join(run.result['roles'])}), {run.result['think']:.0f} s between pages, "
        f"{run.result['seconds']:.0f} s counted after {run.result['warm_up']:.0f} s warm-up; "
        f"gunicorn {run.result['command'].split(' ', 1)[1]}, DEBUG off; database "
        f"{LOAD_DATABASE}; machine load average {load_before:.1f} before the run, "
        f"{os.getloadavg()[0]:.1f} after (other work on the machine slows every page).")
    return 0


def load_lines(table: Table, result: dict) -> None:
    """The base, each page and all pages: p95 with p50 and the count beside it."""
    base, load = result["base"], result["load"]

    def line(label: str, figures: dict | None, limit: str = "–", verdict_of=None) -> None:
        if not figures:
            table.add(label, "NONE", limit, "FAIL  <<< (no answer counted)")
            return
        extra = f"p50 {_ms(figures['p50'])}, max {_ms(figures['max'])}, {figures['count']} requests"
        table.add(label, _ms(figures["p95"]), limit,
                  verdict_of(figures, extra) if verdict_of else extra)

    for label, figures in sorted(base["pages"].items()):
        line(f"{label} p95 (base)", figures)
    for label, figures in sorted(load["pages"].items()):
        line(f"{label} p95", figures)
    failures = sum(load["failures"].values()) + sum(base["failures"].values())
    line("all pages p95", load["all"], f"≤ {LOAD_LIMIT_MS} ms",
         lambda f, extra: verdict(f["p95"] <= LOAD_LIMIT_MS and not failures,
                                  extra + (f"; {failures} answers not 200" if failures
                                           else "")))
    for what, count in sorted({**base["failures"], **load["failures"]}.items()):
        table.notes.append(f"load: {count} answers {what} (not 200)")


def _ms(value: float) -> str:
    """Milliseconds as the table shows them: seconds from 10 s up."""
    return f"{value:.1f} ms" if value < 10_000 else f"{value / 1000:.1f} s"


def _dashboard_lines(table: Table, scenario: dict, figures: dict) -> None:
    practice, group = figures["practice_live_seconds"], figures["group_live_seconds"]
    table.add(f"live, practice {figures['practice']}", f"{practice:.2f} s", "–",
              f"measures_compute {figures['month']} (base)")
    table.add(f"live, group ×{figures['practices']}", f"{group:.2f} s", "–",
              f"measures_compute per practice {figures['month']} (base)")
    table.add("targets, practice (live)", f"{figures['practice_targets_seconds']:.2f} s", "–",
              "project_target_progress: not stored, computed per request")
    table.add(f"targets, group ×{figures['practices']} (live)",
              f"{figures['group_targets_seconds']:.2f} s", "–",
              "project_target_progress per practice")
    if "snapshot_one_seconds" in scenario:
        table.add("snapshot_take, one month", f"{scenario['snapshot_one_seconds']:.2f} s", "–",
                  f"{scenario['snapshots_computed']:,} computed, "
                  f"{scenario['seconds_snapshots']:.0f} s in all")
    for key, label, live in (("practice_selectors", "practice dashboard, reads", practice),
                             ("group_selectors", "group dashboard, reads", group),
                             ("practice_http", "practice dashboard, HTTP", practice),
                             ("group_http", "group dashboard, HTTP", group)):
        line = figures[key]
        if "skipped" in line:
            table.add(label, "SKIPPED", f"≤ {LIMIT_MS} ms", line["skipped"])
            continue
        if "error" in line:
            table.add(label, "ERROR", f"≤ {LIMIT_MS} ms", f"FAIL  <<< ({line['error']})")
            continue
        extra = f"p50 {_ms(line['p50'])}, max {_ms(line['max'])}; live {live:.2f} s"
        if line["count"] < figures["requests"]:
            extra += f"; {line['count']} requests ({BUDGET_SECONDS} s budget)"
        if line.get("problem"):
            extra += f"; {line['problem']}"
        table.add(f"{label} p95", _ms(line["p95"]), f"≤ {LIMIT_MS} ms",
                  verdict(line["p95"] <= LIMIT_MS and not line.get("problem"), extra))
    kept = " (kept from an earlier run, --keep)" if scenario.get("kept") else (
        f": {scenario['patients']:,} patients, {scenario['prescriptions']:,} prescriptions, "
        f"{scenario['participations']:,} participations, {scenario['letters']:,} letters, "
        f"{scenario['snapshots']:,} snapshots; built in "
        f"{scenario['seconds_data'] + scenario['seconds_snapshots']:.0f} s")
    table.notes.append(
        f"dashboards: {figures['group']}{kept}; month {figures['month']}, "
        f"{figures['requests']} requests each after {WARM_UP} warm-up ones; reads = what the "
        f"pages read (snapshots), HTTP = Django's test client logged in as the POH-GGZ / "
        f"the monitor; live = every measure computed from the prescriptions; database "
        f"{DASHBOARD_DATABASE}.")


def _import_lines(table: Table, path: Path, stats: Stats, copies: list[Child],
                  imports: list[Child]) -> None:
    """Medians of the COPY and import times; the ratio is the median of each import against
    the COPY measured just before it; the highest peak memory of the imports."""
    copy_seconds = statistics.median(c.result["seconds"] for c in copies)
    seconds = statistics.median(i.result["seconds"] for i in imports)
    ratio = statistics.median(i.result["seconds"] / c.result["seconds"]
                              for c, i in zip(copies, imports, strict=True))
    table.add("COPY into text table (base)", f"{copy_seconds:.2f} s")
    table.add("import_file", f"{seconds:.2f} s", f"≤ {IMPORT_LIMIT_TIMES_COPY}× COPY",
              verdict(ratio <= IMPORT_LIMIT_TIMES_COPY, f"{ratio:.1f}× COPY"))
    peak = max(i.maxrss_mib for i in imports)
    table.add("import peak memory", f"{peak:.0f} MiB", f"< {MEMORY_LIMIT_MIB} MiB",
              verdict(peak < MEMORY_LIMIT_MIB))
    table.notes.append(_counts_note(stats, imports[-1].result, copies[-1].result["rows"]))
    table.notes.append(
        f"import: medians of {len(imports)} pairs, each a COPY and then an import, each in a "
        "fresh process; every import: "
        + ", ".join(f"{i.result['seconds']:.2f}" for i in imports) + " s; every COPY: "
        + ", ".join(f"{c.result['seconds']:.2f}" for c in copies) + " s; peak memory the "
        "highest of the imports.")
    before = imports[-1].result.get("rss_before_mib")
    if before:
        table.notes.append(
            f"memory: {before:.0f} MiB in use when import_file was called (Python, Django, "
            f"pandas and the file's {path.stat().st_size / 2**20:.0f} MiB of bytes); peak of "
            "the whole child process as above.")


def _counts_note(stats: Stats, figures: dict, copied: int) -> str:
    """The app's counts against what the generator wrote (a check, not a limit)."""
    expected = {"rows_total": stats.rows, "rows_rejected": stats.damaged_rows,
                "rows_present": stats.duplicates,
                "rows_new": stats.rows - stats.damaged_rows - stats.duplicates}
    found = {k: figures[k] for k in expected}
    state = ("as generated" if found == expected
             else "DIFFERENT from the generator's " + ", ".join(
                 f"{k} {v:,}" for k, v in expected.items()))
    return (f"counts: COPY {copied:,} rows; import {found['rows_total']:,} rows, "
            f"{found['rows_new']:,} new, {found['rows_present']:,} present, "
            f"{found['rows_rejected']:,} rejected — {state}")


if __name__ == "__main__":
    sys.exit(main())
