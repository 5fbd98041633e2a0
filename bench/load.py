"""Load benchmark steps (issue 15, point 10), each run by ``python -m bench`` in a fresh child.

    python -m bench.load setup [--practices 5] [--patients 20000] [--seed 1] [--keep]
    python -m bench.load run [--users 20] [--seconds 60] [--warm-up 10] [--think 1]
                             [--base-seconds 20] [--workers N]

``setup`` builds the dashboard benchmark's scenario (``bench/dashboard.py``: practices with
five years of prescriptions, a running project, screening, letters, calls, outcomes and
the last month's snapshot) in the load test's scratch database (it refuses any other: it
empties tables), adds an assistant to every practice, and writes the *plan*
(``bench/out/load-plan.json``): one entry per simulated user with its role, a session
made on the server, and the pages it opens in turn.

``run`` starts gunicorn the way the Dockerfile's ``CMD`` does (its workers, on a free port
of 127.0.0.1) with ``DEBUG`` off, and runs locust headless (``bench/locustfile.py``) twice:
the base, every user opening the login page; then the plan, every user opening its pages
one after another with ``--think`` seconds between them. Requests of the first ``--warm-up``
seconds of each run are not counted. It prints one ``BENCH-RESULT {json}`` line: per page
(and over all pages) the count, p50, p95 and slowest in milliseconds, and every answer
that was not a 200.

The sessions are made server-side, as ``Client.force_login`` makes them and marked as past
the second factor, so locust never posts a password or a code (the login flow and its
throttling are not what is measured).
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

from .dashboard import CODE_PREFIX, TABLES_EMPTIED, Timings, group_name, scenario_build
from .steps import report

LOAD_DATABASE = os.environ.get("BENCH_LOAD_DATABASE", "benzoreductie_bench_load")
REPO = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
PLAN = OUT / "load-plan.json"
# The key of the scratch data's sessions when SECRET_KEY is not set (it must be the same
# for setup, which makes the sessions, and the server, which checks them).
SCRATCH_SECRET = "benchmark-scratch-data-only-" * 2
LIMIT_MS = 300  # p95 over all pages (issue 15, point 10)
BASE_PAGE = "login page"
# What each kind of user opens, in turn, over and over: the pages users open most
# (docs/security.md#under-load). A label appears twice where a user opens it twice as often.
PERSONAS = {
    "poh_ggz": ["start page", "groslijst", "call-back list", "timeline", "dashboard",
                "start page", "mailing list", "timeline"],
    "huisarts": ["start page", "screening", "groslijst", "timeline", "start page",
                 "screening"],
    "assistent": ["start page", "letters", "mailing list", "phone-note search"],
}
# Four users a practice (the POH-GGZ, two GPs, the assistant): 20 users fill five practices.
TEAM = ("poh_ggz", "huisarts", "huisarts", "assistent")
ROUNDS = 20  # rounds in a user's walk (then it starts again); patients a timeline walks


def _django() -> None:
    # The sessions' hashes are keyed by SECRET_KEY: setup and the server must share it.
    os.environ.setdefault("SECRET_KEY", SCRATCH_SECRET)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benzoproject.settings")
    import django

    django.setup()


def _scratch_only() -> None:
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if name != LOAD_DATABASE:
        sys.exit(f"refusing to empty tables in {name!r}: only {LOAD_DATABASE!r} is scratch")


# --- The plan -----------------------------------------------------------------------------------


def session_for(user, practice) -> str:
    """A logged-in session of ``user`` working in ``practice``, made on the server as
    ``Client.force_login`` makes it and marked as having passed the second factor
    (``benzoproject.twofactor.verified_session``: with ``DEBUG`` off the second factor is
    required); returns the session key (the cookie's value)."""
    from benzoproject.access import SESSION_PRACTICE_KEY
    from benzoproject.twofactor import verified_session

    store = verified_session(user)
    store[SESSION_PRACTICE_KEY] = str(practice.uuid)
    store.save()
    return store.session_key


def _assistant(practice):
    """The practice's assistant (made once; the dashboard's scenario has none)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from patients.models import Membership, Role

    user, created = get_user_model().objects.get_or_create(
        username=f"{practice.code.lower()}-assistent",
        defaults={"first_name": "Anouk", "last_name": f"Assistent {practice.code}",
                  "password": make_password(None)})
    if created:
        Membership.objects.create(user=user, practice=practice, role=Role.ASSISTENT)
    return user


def _urls(project, participations: list, reference) -> dict[str, list[str]]:
    """Each page's URLs; a page about one patient has one URL per participant, which
    the users open in turn."""
    from django.urls import reverse

    project_kwargs = {"project_uuid": project.uuid}
    return {
        "start page": [reverse("home")],
        "groslijst": [f"{reverse('patients:groslijst')}?peildatum={reference.isoformat()}"],
        "screening": [reverse("patients:screening", kwargs=project_kwargs)],
        "mailing list": [reverse("letters:mailing", kwargs=project_kwargs)],
        "letters": [reverse("letters:index")],
        "call-back list": [reverse("tapering:callbacks")],
        "phone-note search": [reverse("tapering:phone-note-search")],
        "dashboard": [reverse("monitoring:dashboard", kwargs=project_kwargs)],
        "timeline": [reverse("tapering:timeline", kwargs={
            **project_kwargs, "participation_uuid": p.uuid}) for p in participations],
    }


def plan_build(*, users: int = 20) -> dict:
    """The plan for ``users`` simulated users over the benchmark group's practices (four
    a practice: POH-GGZ, two GPs, assistant), each with a fresh session."""
    from django.conf import settings
    from django.urls import reverse

    from patients.models import Participation, Project

    from .dashboard import LAST_DAY

    projects = list(Project.objects.filter(practice__code__startswith=CODE_PREFIX)
                    .select_related("practice", "lead").prefetch_related("gps")
                    .order_by("practice__code"))
    entries = []
    for index in range(users):
        project = projects[(index // len(TEAM)) % len(projects)]
        role = TEAM[index % len(TEAM)]
        if role == "poh_ggz":
            user = project.lead
        elif role == "huisarts":
            gps = sorted(project.gps.all(), key=lambda u: u.username)
            user = gps[(index % len(TEAM) - 1) % len(gps)]
        else:
            user = _assistant(project.practice)
        participations = list(Participation.objects.filter(project=project)
                              .order_by("patient__number")[:ROUNDS])
        urls = _urls(project, participations, LAST_DAY)
        # Round after round through the persona's pages; a page about one patient opens
        # the next patient each round, and users of one practice start at different ones.
        pages = [[label, urls[label][(index + round_) % len(urls[label])]]
                 for round_ in range(ROUNDS) for label in PERSONAS[role]]
        entries.append({"username": user.username, "role": role,
                        "practice": project.practice.code,
                        "session": session_for(user, project.practice), "pages": pages})
    return {"cookie": settings.SESSION_COOKIE_NAME, "users": entries,
            "base": [[BASE_PAGE, reverse("login")]]}



def step_setup(args) -> None:
    _django()
    from django.db import connection

    from patients.models import FtoGroup

    _scratch_only()
    name = group_name(args.practices, args.patients, args.seed)
    kept = args.keep and FtoGroup.objects.filter(name=name).exists()
    if not kept:
        with connection.cursor() as cursor:
            # The audit log refuses DELETE but not TRUNCATE; only in the scratch database.
            cursor.execute(f"TRUNCATE {', '.join(TABLES_EMPTIED)}, django_session CASCADE")
        print(f"Building the load scenario: {name} ...", flush=True)
        scenario = asdict(scenario_build(practices=args.practices, patients=args.patients,
                                         seed=args.seed, snapshots="last",
                                         say=lambda text: print(text, flush=True)))
    else:
        scenario = {"group": name}
    plan = plan_build(users=args.users)
    OUT.mkdir(exist_ok=True)
    PLAN.write_text(json.dumps(plan, indent=1))
    report(kept=kept, plan=str(PLAN), users=len(plan["users"]), **scenario)


# --- The run ------------------------------------------------------------------------------------


def gunicorn_command(port: int, workers: int | None = None) -> list[str]:
    """The Dockerfile's ``CMD`` (its workers and options), bound to 127.0.0.1:``port``;
    ``workers`` in place of the Dockerfile's number, to try another."""
    for line in (REPO / "Dockerfile").read_text().splitlines():
        if line.startswith("CMD "):
            command = json.loads(line[len("CMD "):])
            break
    else:
        raise RuntimeError("the Dockerfile has no CMD line")
    if command[0] != "gunicorn":
        raise RuntimeError(f"the Dockerfile's CMD does not start gunicorn: {command}")
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    if workers:
        command[command.index("--workers") + 1] = str(workers)
    return [sys.executable, "-m", "gunicorn", *command[1:]]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    from urllib.error import URLError
    from urllib.request import urlopen

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start (exit {server.returncode})")
        try:
            with urlopen(url, timeout=5) as answer:  # noqa: S310 (our own server, http)
                if answer.status == 200:
                    return
        except (URLError, OSError):
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer {url} within {seconds:.0f} s")


def _locust(host: str, plan: Path, kind: str, users: int, seconds: float, warm_up: float,
            think: float) -> dict:
    """One headless locust run; the timings each page's answers took (after the warm-up)."""
    times = OUT / f"load-times-{kind}.json"
    times.unlink(missing_ok=True)
    env = {**os.environ, "BENCH_LOAD_PLAN": str(plan), "BENCH_LOAD_KIND": kind,
           "BENCH_LOAD_TIMES": str(times), "BENCH_LOAD_WARM_UP": str(warm_up),
           "BENCH_LOAD_THINK": str(think)}
    command = [sys.executable, "-m", "locust", "-f", str(REPO / "bench" / "locustfile.py"),
               "--headless", "--only-summary", "--loglevel", "WARNING",
               "--users", str(users), "--spawn-rate", str(users), "--host", host,
               "--run-time", f"{int(round(warm_up + seconds))}s", "--stop-timeout", "30",
               "--exit-code-on-error", "0"]
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                          check=False)
    if not times.exists():
        raise RuntimeError("locust wrote no timings:\n" + (done.stderr or done.stdout)[-2000:])
    return json.loads(times.read_text())


def summarise(recorded: dict) -> dict:
    """Per page and over all pages: count, p50, p95 (nearest rank) and slowest, in ms; and
    how many answers were not a 200 (by page and status)."""
    pages = {label: asdict(Timings.of(seconds)) for label, seconds in recorded["times"].items()
             if seconds}
    every = [s for seconds in recorded["times"].values() for s in seconds]
    return {"pages": pages, "all": asdict(Timings.of(every)) if every else None,
            "failures": recorded["failures"]}


def step_run(args) -> None:
    from urllib.parse import urlsplit, urlunsplit

    plan = json.loads(PLAN.read_text())
    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    OUT.mkdir(exist_ok=True)
    url = os.environ["DATABASE_URL"]
    if urlsplit(url).path.lstrip("/") != LOAD_DATABASE:
        url = urlunsplit(urlsplit(url)._replace(path="/" + LOAD_DATABASE))
    # Production settings, served over plain HTTP on the loopback (TLS ends at a proxy in a
    # deployment, which this run has not): the second factor required, HTTPS off. The .env of
    # a first look (read into this process's environment) switches the factor off.
    env = {**os.environ, "DEBUG": "false", "DATABASE_URL": url,
           "ALLOWED_HOSTS": "127.0.0.1", "TWO_FACTOR_REQUIRED": "true", "HTTPS": "false",
           "SECRET_KEY": os.environ.get("SECRET_KEY") or SCRATCH_SECRET}
    log = (OUT / "load-gunicorn.log").open("w")
    server = subprocess.Popen(gunicorn_command(port, args.workers), cwd=REPO, env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    try:
        _wait_for(host + plan["base"][0][1], server)
        started = time.perf_counter()
        base = _locust(host, PLAN, "base", args.users, args.base_seconds, args.warm_up,
                       args.think)
        pages = _locust(host, PLAN, "pages", args.users, args.seconds, args.warm_up,
                        args.think)
        seconds = time.perf_counter() - started
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    report(users=args.users, seconds=args.seconds, base_seconds=args.base_seconds,
           warm_up=args.warm_up, think=args.think,
           command=" ".join(gunicorn_command(port, args.workers)[2:]),
           base=summarise(base), load=summarise(pages), wall_seconds=seconds,
           roles=sorted({u["role"] for u in plan["users"]}),
           practices=len({u["practice"] for u in plan["users"]}))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    steps = parser.add_subparsers(dest="step", required=True)
    setup = steps.add_parser("setup")
    setup.add_argument("--practices", type=int, default=5)
    setup.add_argument("--patients", type=int, default=20_000)
    setup.add_argument("--seed", type=int, default=1)
    setup.add_argument("--users", type=int, default=20)
    setup.add_argument("--keep", action="store_true")
    run = steps.add_parser("run")
    run.add_argument("--users", type=int, default=20)
    run.add_argument("--seconds", type=float, default=60)
    run.add_argument("--base-seconds", type=float, default=20)
    run.add_argument("--warm-up", type=float, default=10)
    run.add_argument("--think", type=float, default=1.0)
    run.add_argument("--workers", type=int, default=0,
                     help="gunicorn workers (0: the Dockerfile's)")
    args = parser.parse_args()
    if args.step == "setup":
        step_setup(args)
    else:
        step_run(args)


if __name__ == "__main__":
    main()
