"""Claims, takeover, sending again and outages of background work, in one process
(benzoproject/background.py; the process tests are tests/test_background_processes.py)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from benzoproject.background import MAX_ATTEMPTS, pause_point, stale_claim_before
from benzoproject.progress import progress_now, progress_reporter
from letters.models import Letter, LetterRun
from letters.services import (
    letter_run_cancel,
    letter_run_claim,
    letter_run_create,
    letter_run_render,
    letter_runs_to_send,
    run_may_cancel,
)
from letters.tasks import render_letter_run, requeue_stale_runs
from patients.importing.background import import_batch, requeue_stale_imports
from patients.importing.load import (
    import_batch_claim,
    import_batch_prepare,
    import_batch_run,
    import_batches_to_send,
)
from patients.models import ImportBatch, Prescription, Role
from tests.letters.helpers import on_mailing_list
from tests.test_access import SMALL_HIS

RUNNING = ImportBatch.Status.RUNNING


@pytest.fixture
def batch(practice, users):
    batch, _reader = import_batch_prepare(practice=practice, user=users[Role.POH_GGZ],
                                          data=SMALL_HIS, file_name="his.csv")
    return batch


@pytest.fixture
def run(project, practice, users):
    practice.phone = "0317-123456"
    practice.save()
    gp = users[Role.HUISARTS]
    project.gps.add(gp)
    on_mailing_list(project, gp, number="900001")
    return letter_run_create(project=project, user=users[Role.ASSISTENT])


def _claimed(model, pk, *, claim: str, ago: timedelta | None = None, at=None, **fields):
    when = at if at is not None else timezone.now() - (ago or timedelta(0))
    model.objects.filter(pk=pk).update(claim=claim, claimed_at=when, **fields)


# --- the claim --------------------------------------------------------------------------

def test_an_import_is_claimed_once_and_a_second_message_keeps_off(batch):
    first = import_batch_claim(batch_id=batch.pk, task_id="task-1")
    assert first == "task-1"
    assert import_batch_claim(batch_id=batch.pk, task_id="task-2") == ""  # another message
    assert import_batch_claim(batch_id=batch.pk) == ""  # a click in the request
    batch.refresh_from_db()
    assert (batch.status, batch.claim, batch.attempts) == (RUNNING, "task-1", 1)


def test_the_same_message_delivered_again_takes_its_import_over(batch):
    """The worker's child died: Celery delivers the message again at once, and the
    claim is fresh; the import is run again instead of left at 'running 0 %'."""
    import_batch_claim(batch_id=batch.pk, task_id="task-1")
    assert import_batch_claim(batch_id=batch.pk, task_id="task-1") == "task-1"
    batch.refresh_from_db()
    assert batch.attempts == 2


def test_a_claim_is_taken_over_only_after_the_time_limit(batch):
    at = stale_claim_before()
    _claimed(ImportBatch, batch.pk, claim="dead", at=at + timedelta(seconds=5),
             status=RUNNING, attempts=1)
    assert import_batch_claim(batch_id=batch.pk, task_id="new") == ""  # not stale yet
    assert batch.pk not in import_batches_to_send()
    _claimed(ImportBatch, batch.pk, claim="dead", at=at - timedelta(seconds=5))
    assert batch.pk in import_batches_to_send()  # beat sends it again
    assert import_batch_claim(batch_id=batch.pk, task_id="new") == "new"


def test_an_import_interrupted_too_often_is_failed_not_started_again(batch):
    _claimed(ImportBatch, batch.pk, claim="t", ago=timedelta(hours=2), status=RUNNING,
             attempts=MAX_ATTEMPTS - 1)
    assert import_batch_claim(batch_id=batch.pk, task_id="t")  # the last attempt
    _claimed(ImportBatch, batch.pk, claim="t", ago=timedelta(hours=2))
    assert import_batch_claim(batch_id=batch.pk, task_id="t") == ""
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert "3 keer onderbroken" in batch.message


def test_an_import_whose_claim_was_taken_stores_nothing(batch):
    claim = import_batch_claim(batch_id=batch.pk, task_id="old")
    _claimed(ImportBatch, batch.pk, claim="new", ago=timedelta(0))  # taken over meanwhile
    import_batch_run(batch_id=batch.pk, claim=claim)
    batch.refresh_from_db()
    assert batch.status == RUNNING and not Prescription.objects.exists()
    import_batch_run(batch_id=batch.pk, claim="new")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE and Prescription.objects.count() == 1


def test_the_redelivered_task_imports_once(batch):
    import_batch.apply(args=[batch.pk], task_id="task-9")
    import_batch.apply(args=[batch.pk], task_id="task-9")  # done: nothing happens again
    batch.refresh_from_db()
    assert (batch.status, batch.attempts) == (ImportBatch.Status.DONE, 1)
    assert Prescription.objects.count() == 1


def test_a_print_run_claim_the_same_task_and_the_time_limit(run):
    assert letter_run_claim(run_id=run.pk, task_id="a") == "a"
    assert letter_run_claim(run_id=run.pk, task_id="b") == ""
    assert letter_run_claim(run_id=run.pk, task_id="a") == "a"  # delivered again
    at = stale_claim_before()
    _claimed(LetterRun, run.pk, claim="a", at=at + timedelta(seconds=5))
    assert letter_run_claim(run_id=run.pk, task_id="b") == ""
    assert run.pk not in letter_runs_to_send()
    _claimed(LetterRun, run.pk, claim="a", at=at - timedelta(seconds=5))
    assert run.pk in letter_runs_to_send()
    assert letter_run_claim(run_id=run.pk, task_id="b") == "b"  # taken over: third start
    _claimed(LetterRun, run.pk, claim="b", at=at - timedelta(seconds=5))
    assert letter_run_claim(run_id=run.pk, task_id="c") == ""  # that was the last
    run.refresh_from_db()
    assert run.status == LetterRun.Status.FAILED and "3 keer onderbroken" in run.message


def test_the_redelivered_render_task_makes_the_run_once(run):
    render_letter_run.apply(args=[run.pk], task_id="r-1")
    render_letter_run.apply(args=[run.pk], task_id="r-1")
    run.refresh_from_db()
    assert (run.status, run.attempts) == (LetterRun.Status.READY, 1)
    assert Letter.objects.filter(run=run).count() == 1


# --- cancelling a run whose worker died ----------------------------------------------

def test_a_run_being_made_can_be_cancelled_once_its_worker_is_known_dead(run, users,
                                                                         monkeypatch):
    from letters.services import runs

    assistant = users[Role.ASSISTENT]
    claim = letter_run_claim(run_id=run.pk, task_id="a")
    at = stale_claim_before()
    _claimed(LetterRun, run.pk, claim=claim, at=at + timedelta(seconds=5))
    run.refresh_from_db()
    assert not run_may_cancel(run) and not letter_run_cancel(run=run, user=assistant)
    _claimed(LetterRun, run.pk, claim=claim, at=at - timedelta(seconds=5))
    run.refresh_from_db()
    assert run_may_cancel(run)
    # The worker was not dead after all: the run is cancelled while it makes the labels.
    labels = runs.pdf.html_to_pdf

    def cancelled_meanwhile(html):
        assert letter_run_cancel(run=LetterRun.objects.get(pk=run.pk), user=assistant)
        return labels(html)
    monkeypatch.setattr(runs.pdf, "html_to_pdf", cancelled_meanwhile)
    letter_run_render(run_id=run.pk, claim=claim)
    run.refresh_from_db()
    assert run.status == LetterRun.Status.CANCELLED and not run.merged_pdf
    assert not Letter.objects.filter(run=run).exists()
    assert not list(Path(run.merged_pdf.storage.location).rglob("*.pdf"))  # no files left
    letter_run_render(run_id=run.pk, claim=claim)  # a late message: nothing happens
    run.refresh_from_db()
    assert run.status == LetterRun.Status.CANCELLED


def test_the_run_page_tells_when_a_run_being_made_may_be_cancelled(run, users, client_for):
    client = client_for(users[Role.ASSISTENT])
    url = reverse("letters:run-detail", kwargs={"run_uuid": run.uuid})
    claimed = timezone.now() - timedelta(minutes=1)
    LetterRun.objects.filter(pk=run.pk).update(status=LetterRun.Status.RENDERING,
                                               claim="a", claimed_at=claimed, attempts=1)
    page = client.get(url).content.decode()
    assert "Wordt gemaakt sinds" in page and "Printrun annuleren" not in page
    until = timezone.localtime(claimed + (timezone.now() - stale_claim_before()))
    assert f"om {until:%H:%M} nog niet klaar" in page
    LetterRun.objects.filter(pk=run.pk).update(claimed_at=timezone.now() - timedelta(hours=1),
                                               attempts=2)
    page = client.get(url).content.decode()
    assert "gestopt tijdens het maken van deze brieven" in page
    assert "poging 2 van 3" in page and "Printrun annuleren" in page


# --- the broker down -------------------------------------------------------------------

@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    monkeypatch.setattr(import_batch, "delay", refuse)
    monkeypatch.setattr(render_letter_run, "delay", refuse)


def test_starting_an_import_with_the_broker_down_says_so_and_keeps_it_waiting(
        transactional_db, batch, users, client_for, settings, broker_down, monkeypatch):
    """No test transaction: the task is sent when the request's writes commit, as live."""
    settings.IMPORT_SYNC_MAX_BYTES = 10
    client = client_for(users[Role.POH_GGZ])
    start = reverse("patients:import-start", kwargs={"import_uuid": batch.uuid})
    page = client.post(start, follow=True).content.decode()
    assert "De achtergrondverwerking is nu niet bereikbaar" in page
    assert "Opnieuw starten" in page
    batch.refresh_from_db()
    assert (batch.status, batch.queued_at) == (ImportBatch.Status.QUEUED, None)
    assert requeue_stale_imports() == 0  # still down: beat tries again later
    assert import_batches_to_send() == [batch.pk]

    sent = []
    monkeypatch.setattr(import_batch, "delay", sent.append)  # the broker is back
    page = client.post(start, follow=True).content.decode()  # "start again"
    assert sent == [batch.pk] and "niet bereikbaar" not in page
    batch.refresh_from_db()
    assert batch.queued_at is not None and import_batches_to_send() == []
    assert "Opnieuw starten" not in page


def test_beat_sends_a_waiting_import_again_once_the_broker_is_back(batch, monkeypatch,
                                                                  settings):
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.QUEUED)
    sent = []
    monkeypatch.setattr(import_batch, "delay", sent.append)
    assert requeue_stale_imports() == 1 and sent == [batch.pk]
    assert requeue_stale_imports() == 0  # sent: not again until it has waited long
    settings.BACKGROUND_RESEND_SECONDS = 300
    ImportBatch.objects.filter(pk=batch.pk).update(
        queued_at=timezone.now() - timedelta(seconds=290))
    assert requeue_stale_imports() == 0
    ImportBatch.objects.filter(pk=batch.pk).update(
        queued_at=timezone.now() - timedelta(seconds=310))
    assert requeue_stale_imports() == 1 and sent == [batch.pk, batch.pk]


def test_making_a_large_run_with_the_broker_down_says_so_and_keeps_it_waiting(
        transactional_db, project, practice, users, client_for, settings, broker_down,
        monkeypatch):
    practice.phone = "0317-123456"
    practice.save()
    gp = users[Role.HUISARTS]
    project.gps.add(gp)
    on_mailing_list(project, gp, number="900001")
    on_mailing_list(project, gp, number="900002")
    settings.LETTER_RUN_SYNC_MAX = 1
    client = client_for(users[Role.ASSISTENT])
    page = client.post(reverse("letters:run-create", kwargs={"project_uuid": project.uuid}),
                       {"kind": "stop"}, follow=True).content.decode()
    assert "De achtergrondverwerking is nu niet bereikbaar" in page
    run = LetterRun.objects.get()
    assert (run.status, run.queued_at) == (LetterRun.Status.QUEUED, None)
    assert "Opnieuw starten" in page
    sent = []
    monkeypatch.setattr(render_letter_run, "delay", sent.append)
    assert requeue_stale_runs() == 1 and sent == [run.pk]
    run.refresh_from_db()
    assert run.queued_at is not None
    page = client.post(reverse("letters:run-restart", kwargs={"run_uuid": run.uuid}),
                       follow=True).content.decode()
    assert sent == [run.pk, run.pk]  # a second message is harmless: the claim decides
    assert "niet bereikbaar" not in page


# --- the cache down --------------------------------------------------------------------

@pytest.fixture
def cache_down(settings):
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1}}}
    yield
    cache.close()


def test_progress_falls_back_to_the_database_while_the_cache_is_down(cache_down):
    assert progress_now("import-progress-1", 42) == 42
    progress_reporter("import-progress-1")(50)  # the job goes on without reporting


def test_progress_pages_answer_while_the_cache_is_down(batch, run, users, client_for,
                                                       cache_down):
    from letters.services import letter_run_start

    letter_run_start(run=run)
    poh = client_for(users[Role.POH_GGZ])
    import_batch_claim(batch_id=batch.pk)
    for name in ("patients:import-detail", "patients:import-progress"):
        response = poh.get(reverse(name, kwargs={"import_uuid": batch.uuid}))
        assert response.status_code == 200 and "Bezig met inlezen…" in response.content.decode()
    import_batch_run(batch_id=batch.pk)
    assert poh.get(reverse("patients:import-detail",
                           kwargs={"import_uuid": batch.uuid})).status_code == 200
    assert poh.get(reverse("patients:import-progress",
                           kwargs={"import_uuid": batch.uuid})).status_code == 204
    assistant = client_for(users[Role.ASSISTENT])
    assert assistant.get(reverse("letters:run-detail",
                                 kwargs={"run_uuid": run.uuid})).status_code == 200
    assert assistant.get(reverse("letters:run-progress",
                                 kwargs={"run_uuid": run.uuid})).status_code == 204


# --- the hook and the error page ------------------------------------------------------

def test_the_pause_hook_is_inert_unless_its_setting_is_given(tmp_path, settings):
    (tmp_path / "pause").touch()
    settings.BACKGROUND_TEST_PAUSE = ""
    pause_point("x")
    assert (tmp_path / "pause").exists()
    settings.BACKGROUND_TEST_PAUSE = str(tmp_path)
    (tmp_path / "pause").unlink()
    pause_point("x")  # no pause file: goes on at once


def test_the_error_page_does_not_claim_that_nothing_was_saved():
    text = (Path(__file__).resolve().parent.parent / "templates" / "500.html").read_text()
    assert "niets opgeslagen" not in text
    assert "een deel kan al zijn opgeslagen" in text
    assert "Kijk daarom eerst" in text


def test_beats_requeue_stops_at_the_first_job_the_broker_refuses():
    from benzoproject.background import send_each

    tried = []

    def send(job_id):
        tried.append(job_id)
        return job_id != 2

    assert send_each([1, 2, 3], send) == 1 and tried == [1, 2]
    assert send_each([], send) == 0
