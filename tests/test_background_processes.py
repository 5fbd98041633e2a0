"""Background work survives a crash or an outage (benzoproject/background.py,
docs/architecture.md#celery), shown with real processes on PostgreSQL and Redis.

- A worker killed with SIGKILL in the middle of an import or a print run (its child
  only, or the whole worker, which is then started again): the job is taken over and
  finishes once, with the same rows as an uninterrupted run.
- With the broker unreachable every page answers, starting an import says so in Dutch
  within seconds, and the import runs once the broker is back.

The kill lands at a known point: ``BACKGROUND_TEST_PAUSE`` (inert unless set) holds the
first process that reports progress between 0 and 100 % until the test kills it.
"""

import http.cookiejar
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from celery import current_app
from django.conf import settings

from bench.generate import generate
from letters.models import Letter, LetterRun
from letters.services import letter_run_create, letter_run_start
from patients.importing.background import import_batch_start
from patients.importing.load import import_batch_prepare, import_file
from patients.models import AuditEvent, ImportBatch, Patient, Prescription, Role
from tests.conftest import verified_client
from tests.letters.helpers import on_mailing_list

from .processes import ROOT, process_env

pytestmark = [
    pytest.mark.celery_live,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (make test sets it)"),
]

TIME_LIMIT = 45  # seconds: a claim is stale (and taken over) 46 s after it was made


def _celery(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    """A celery process in a session of its own, so the whole worker (main process and
    children) can be killed at once."""
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, "-m", "celery", "-A", "benzoproject", *args,
                                 "--loglevel", "WARNING"], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)


def _worker(env: dict, log: Path) -> subprocess.Popen:
    return _celery(["worker", "--pool", "prefork", "--concurrency", "1", "--queues",
                    env["CELERY_QUEUE"], "--without-mingle", "--without-gossip"], env, log)


def _beat(env: dict, log: Path) -> subprocess.Popen:
    return _celery(["beat", "--schedule", "/dev/null"], env, log)


def _end(*procs: subprocess.Popen) -> None:
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=20)


def _wait_for(what, timeout: float, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = what()
        if value:
            return value
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    pytest.fail(f"timed out after {timeout} s\n{tail}")


@pytest.fixture
def route_here():
    """Tasks sent from this test process go to a queue of the test's own."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    amqp = current_app.amqp
    before = current_app.conf.task_routes
    current_app.conf.task_routes = {"*": {"queue": queue}}
    amqp.flush_routes()
    amqp.__dict__.pop("router", None)
    yield queue
    current_app.conf.task_routes = before
    amqp.flush_routes()
    amqp.__dict__.pop("router", None)


@pytest.fixture
def crash_env(transactional_db, route_here, tmp_path, settings):
    """Environment of the worker and beat processes: this test's queue, database and
    files, a short task time limit, beat's sweep every second and the pause folder."""
    pause = tmp_path / "pause-points"
    pause.mkdir()
    (pause / "pause").touch()
    env = process_env(
        CELERY_QUEUE=route_here, MEDIA_ROOT=str(settings.MEDIA_ROOT),
        BACKGROUND_TEST_PAUSE=str(pause), CELERY_TASK_TIME_LIMIT=str(TIME_LIMIT),
        CELERY_TASK_SOFT_TIME_LIMIT=str(TIME_LIMIT - 5), BACKGROUND_CLAIM_GRACE_SECONDS="1",
        STALE_SWEEP_SECONDS="1", DUE_SWEEP_SECONDS="3600")
    return env, pause, tmp_path / "celery.log"


def _paused_pid(pause: Path, log: Path) -> int:
    found = _wait_for(lambda: list(pause.glob("paused-*")), 120, log)
    return int(found[0].name.rsplit("-", 1)[1])


def _kill_mid_job(how: str, env: dict, pause: Path, log: Path,
                  worker: subprocess.Popen) -> subprocess.Popen:
    """Kill the process paused in the job (the pool's child, or the whole worker, which
    is then started again); returns the worker that goes on."""
    child = _paused_pid(pause, log)
    if how == "child":
        os.kill(child, signal.SIGKILL)
        return worker
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=20)
    _wait_for(lambda: not _alive(child), 20)
    return _worker(env, log)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("how", ["child", "worker"])
def test_an_import_killed_half_way_is_taken_over_and_imported_once(
        how, crash_env, practice, other_practice, users, settings, tmp_path):
    env, pause, log = crash_env
    path = tmp_path / "export.csv"
    generate(path, layout="his", patients=4500)  # over 20,000 rows: several chunks
    data = path.read_bytes()
    poh = users[Role.POH_GGZ]
    expected = import_file(practice=other_practice, user=poh, data=data, file_name="a.csv")

    settings.IMPORT_SYNC_MAX_BYTES = 10
    beat = _beat(env, log)
    worker = _worker(env, log)
    try:
        batch, _reader = import_batch_prepare(practice=practice, user=poh, data=data,
                                              file_name="b.csv")
        assert import_batch_start(batch=batch) is True
        child = _paused_pid(pause, log)
        batch.refresh_from_db()
        # Half-way: running, the first chunk read, nothing committed.
        assert (batch.status, batch.attempts) == (ImportBatch.Status.RUNNING, 1)
        assert _alive(child)
        assert not Prescription.objects.filter(patient__practice=practice).exists()
        worker = _kill_mid_job(how, env, pause, log, worker)
        _wait_for(lambda: ImportBatch.objects.get(pk=batch.pk).status
                  == ImportBatch.Status.DONE, 150 if how == "worker" else 90, log)
    finally:
        _end(beat, worker)
    batch.refresh_from_db()
    assert batch.attempts == 2  # taken over once, imported once
    counts = ("rows_total", "rows_new", "rows_present", "rows_rejected", "patients_new")
    assert [getattr(batch, f) for f in counts] == [getattr(expected, f) for f in counts]
    mine = Prescription.objects.filter(patient__practice=practice)
    theirs = Prescription.objects.filter(patient__practice=other_practice)
    assert mine.count() == theirs.count() == expected.rows_new > 20_000
    fields = ("patient__number", "row_key", "date", "atc", "units", "line")
    assert set(mine.values_list(*fields)) == set(theirs.values_list(*fields))
    assert (set(Patient.objects.filter(practice=practice).values_list("number", "surname"))
            == set(Patient.objects.filter(practice=other_practice)
                   .values_list("number", "surname")))
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_id=str(batch.uuid),
                                     object_type="importbatch").count() == 1


@pytest.mark.parametrize("how", ["child", "worker"])
def test_a_print_run_killed_half_way_is_taken_over_and_made_once(
        how, crash_env, practice, users, settings, project):
    env, pause, log = crash_env
    gp = users[Role.HUISARTS]
    practice.phone = "0317-123456"
    practice.save()
    project.gps.add(gp)
    count = 27  # two WeasyPrint documents (25 letters each): the pause falls between them
    for i in range(count):
        on_mailing_list(project, gp, rank=i + 1, number=str(700000 + i), surname=f"Jansen{i}")
    settings.LETTER_RUN_SYNC_MAX = 2
    beat = _beat(env, log)
    worker = _worker(env, log)
    try:
        run = letter_run_create(project=project, user=users[Role.ASSISTENT])
        assert letter_run_start(run=run) is False
        child = _paused_pid(pause, log)
        run.refresh_from_db()
        assert (run.status, run.attempts) == (LetterRun.Status.RENDERING, 1)
        assert _alive(child)
        worker = _kill_mid_job(how, env, pause, log, worker)
        _wait_for(lambda: LetterRun.objects.get(pk=run.pk).status == LetterRun.Status.READY,
                  150 if how == "worker" else 120, log)
    finally:
        _end(beat, worker)
    run.refresh_from_db()
    assert run.attempts == 2
    letters = list(Letter.objects.filter(run=run).order_by("position"))
    assert len(letters) == run.letter_count == count
    assert len({x.participation_id for x in letters}) == count
    assert all(x.pdf and x.page_count >= 1 for x in letters)
    assert run.page_count == sum(x.page_count for x in letters)
    # Every file once: the rerun replaced what the killed one wrote, nothing is left over.
    media = Path(settings.MEDIA_ROOT)
    assert sorted(p.name for p in (media / "letters" / "runs").iterdir()) == sorted(
        [Path(run.merged_pdf.name).name, Path(run.labels_pdf.name).name])
    letter_files = [p for p in (media / "letters" / str(practice.pk)).iterdir()]
    assert sorted(p.name for p in letter_files) == sorted(Path(x.pdf.name).name
                                                          for x in letters)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis(port: int) -> None:
    subprocess.run(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no",
                    "--daemonize", "yes"], check=True, capture_output=True)
    _wait_for(lambda: subprocess.run(["redis-cli", "-p", str(port), "ping"],
                                     capture_output=True, text=True).stdout.strip() == "PONG", 20)


def _redis_stop(port: int) -> None:
    subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], capture_output=True)
    _wait_for(lambda: subprocess.run(["redis-cli", "-p", str(port), "ping"],
                                     capture_output=True).returncode != 0, 20)


class Browser:
    """A logged-in user of the web server process (its session is in the database)."""

    def __init__(self, base: str, user):
        client = verified_client(user)
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.session = client.cookies["sessionid"].value

    def open(self, path: str, data: dict | None = None) -> tuple[int, str, float]:
        headers = {"Cookie": f"sessionid={self.session}" + "".join(
            f"; {c.name}={c.value}" for c in self.jar)}
        body = None
        if data is not None:
            token = next(c.value for c in self.jar if c.name == "csrftoken")
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
            headers["Referer"] = self.base + path
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode(), time.monotonic() - started
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), time.monotonic() - started


def test_with_the_broker_down_pages_answer_and_an_import_waits_until_it_is_back(
        transactional_db, practice, users, project, tmp_path, settings):
    """Redis (broker, results and cache) on a port of the test's own, stopped half-way."""
    from django.urls import reverse

    port, web_port = _free_port(), _free_port()
    _redis(port)
    log = tmp_path / "processes.log"
    env = process_env(REDIS_URL=f"redis://127.0.0.1:{port}/0", MEDIA_ROOT=str(settings.MEDIA_ROOT),
                      IMPORT_SYNC_MAX_BYTES="10", STALE_SWEEP_SECONDS="1",
                      DUE_SWEEP_SECONDS="3600", CELERY_QUEUE="celery",
                      # Production settings, but served over plain HTTP on this machine.
                      ALLOWED_HOSTS="127.0.0.1", DEBUG="false", HTTPS="false")
    poh = users[Role.POH_GGZ]
    finished = import_file(practice=practice, user=poh, data=_small_his(),
                           file_name="klaar.csv")
    waiting, _reader = import_batch_prepare(practice=practice, user=poh, data=_small_his(),
                                            file_name="later.csv")
    gp = users[Role.HUISARTS]
    practice.phone = "0317-123456"
    practice.save()
    project.gps.add(gp)
    on_mailing_list(project, gp, number="800001")
    run = letter_run_create(project=project, user=users[Role.ASSISTENT])
    letter_run_start(run=run)  # one letter: made at once
    run.refresh_from_db()
    assert run.status == LetterRun.Status.READY

    with open(log, "ab") as out:
        web = subprocess.Popen([sys.executable, "manage.py", "runserver", "--noreload",
                                f"127.0.0.1:{web_port}"], cwd=ROOT, env=env, stdout=out,
                               stderr=subprocess.STDOUT, start_new_session=True)
    worker = _worker(env, log)
    beat = _beat(env, log)
    try:
        browser = Browser(f"http://127.0.0.1:{web_port}", poh)
        _wait_for(lambda: _answers(browser), 60, log)
        _redis_stop(port)
        pages = [reverse("home"), reverse("patients:import-upload"),
                 reverse("patients:import-list"),
                 reverse("patients:import-detail", kwargs={"import_uuid": finished.uuid}),
                 reverse("patients:import-preview", kwargs={"import_uuid": waiting.uuid}),
                 reverse("letters:index"),
                 reverse("letters:mailing", kwargs={"project_uuid": project.uuid}),
                 reverse("letters:run-detail", kwargs={"run_uuid": run.uuid})]
        for page in pages:
            status, _body, took = browser.open(page)
            assert (page, status) == (page, 200) and took < 5, (page, took)
        for page in (reverse("patients:import-progress", kwargs={"import_uuid": finished.uuid}),
                     reverse("letters:run-progress", kwargs={"run_uuid": run.uuid})):
            assert browser.open(page)[0] == 204  # finished: the page reloads

        status, body, took = browser.open(
            reverse("patients:import-start", kwargs={"import_uuid": waiting.uuid}), data={})
        assert status == 200 and took < 8, took
        assert "De achtergrondverwerking is nu niet bereikbaar" in body
        assert "Opnieuw starten" in body
        waiting.refresh_from_db()
        assert (waiting.status, waiting.queued_at) == (ImportBatch.Status.QUEUED, None)
        progress = reverse("patients:import-progress", kwargs={"import_uuid": waiting.uuid})
        status, body, _took = browser.open(progress)
        assert status == 200 and "niet bereikbaar" in body

        _redis(port)  # the broker is back: beat sends the waiting import, the worker runs it
        _wait_for(lambda: ImportBatch.objects.get(pk=waiting.pk).status
                  == ImportBatch.Status.DONE, 150, log)
    finally:
        _end(beat, worker, web)
        _redis_stop(port)
    waiting.refresh_from_db()
    assert waiting.rows_new == 0 and waiting.rows_present == finished.rows_new
    assert waiting.attempts == 1


def _answers(browser: Browser) -> bool:
    try:
        return browser.open("/")[0] == 200
    except (urllib.error.URLError, ConnectionError):
        return False


def _small_his() -> bytes:
    from tests.test_access import SMALL_HIS

    return SMALL_HIS

