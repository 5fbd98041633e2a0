"""Uploaded exports on disk (docs/security.md#least-privilege): readable by the app only,
deleted once the import has finished (imported or failed) unless kept encrypted for
UPLOAD_KEEP_DAYS, still there for the worker that takes over an interrupted import."""

import os
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings as django_settings
from django.utils import timezone

from patients.importing.background import import_batch, purge_upload_files
from patients.importing.files import PENDING_DAYS, upload_files_purge
from patients.importing.load import import_batch_claim, import_batch_prepare, import_batch_run
from patients.importing.selectors import import_batch_reader
from patients.models import ImportBatch, Prescription, Role
from tests.test_access import SMALL_HIS

DONE, FAILED = ImportBatch.Status.DONE, ImportBatch.Status.FAILED


@pytest.fixture
def prepare(practice, users):
    def make() -> tuple[ImportBatch, Path]:
        batch, _reader = import_batch_prepare(practice=practice, user=users[Role.POH_GGZ],
                                              data=SMALL_HIS, file_name="his.csv")
        return batch, Path(batch.file.path)

    return make


def _run(batch, capture):
    with capture(execute=True):
        import_batch_run(batch_id=batch.pk, claim=import_batch_claim(batch_id=batch.pk))
    batch.refresh_from_db()
    return batch


def test_an_upload_waits_on_disk_readable_by_the_app_user_only(prepare):
    batch, path = prepare()
    assert path.read_bytes() == SMALL_HIS  # no UPLOAD_KEY: as uploaded, for the preview
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert django_settings.FILE_UPLOAD_PERMISSIONS == 0o600


def test_the_file_is_deleted_once_the_import_is_done(prepare,
                                                     django_capture_on_commit_callbacks):
    batch, path = prepare()
    batch = _run(batch, django_capture_on_commit_callbacks)
    assert batch.status == DONE and Prescription.objects.count() == 1
    assert not path.exists() and batch.file.name == ""
    assert batch.rows_rejected == 1 and "Kloosterboer" in batch.rejections[0]["raw"]


def test_the_file_is_deleted_when_the_import_fails(prepare, django_capture_on_commit_callbacks):
    batch, path = prepare()
    path.write_bytes(b"\x00\x01 not an export")  # refused when read again on the worker
    with pytest.raises(Exception):  # noqa: B017 - the run raises what failed, as recorded
        _run(batch, django_capture_on_commit_callbacks)
    batch.refresh_from_db()
    assert batch.status == FAILED and not path.exists() and batch.file.name == ""


def test_an_interrupted_import_keeps_its_file_for_the_worker_that_takes_over(
        prepare, django_capture_on_commit_callbacks):
    batch, path = prepare()
    # The worker claimed it and was killed before the import's transaction committed.
    assert import_batch_claim(batch_id=batch.pk, task_id="task-1") == "task-1"
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        import_batch.apply(args=[batch.pk], task_id="task-1")  # the message delivered again
    batch.refresh_from_db()
    assert (batch.status, batch.attempts) == (DONE, 2)
    assert Prescription.objects.count() == 1 and not path.exists()


def test_kept_files_are_encrypted_and_deleted_after_the_days(prepare, settings,
                                                             django_capture_on_commit_callbacks):
    settings.UPLOAD_KEEP_DAYS = 3
    settings.UPLOAD_KEY = Fernet.generate_key().decode()
    batch, path = prepare()
    assert path.name.endswith(".csv.fernet")
    assert b"Vlietstra" not in path.read_bytes()  # not readable on disk
    assert b"Vlietstra" in b"".join(
        r.encode() for row in import_batch_reader(batch=batch).preview(5) for r in row.values())
    batch = _run(batch, django_capture_on_commit_callbacks)
    assert batch.status == DONE and path.exists()  # kept for three days
    finished = batch.finished_at
    with django_capture_on_commit_callbacks(execute=True):
        assert upload_files_purge(now=finished + timedelta(days=3, seconds=-1)) == 0
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert upload_files_purge(now=finished + timedelta(days=3)) == 1
    batch.refresh_from_db()
    assert not path.exists() and batch.file.name == ""


def test_beat_deletes_the_file_of_an_import_given_up_after_crashes(prepare,
                                                                  django_capture_on_commit_callbacks):
    batch, path = prepare()
    ImportBatch.objects.filter(pk=batch.pk).update(status=FAILED,
                                                   finished_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_upload_files.apply().get() == 1
    assert not path.exists()


def test_a_preview_never_started_is_removed_after_a_week(prepare,
                                                        django_capture_on_commit_callbacks):
    batch, path = prepare()
    now = batch.created_at + timedelta(days=PENDING_DAYS)
    assert upload_files_purge(now=now - timedelta(seconds=1)) == 0
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert upload_files_purge(now=now) == 1
    assert not path.exists() and not ImportBatch.objects.filter(pk=batch.pk).exists()


def _start_settings(**env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DEBUG": "true", "ENV_FILE": "/dev/null",
                   "SECRET_KEY": "x" * 50, **env}
    environment.pop("UPLOAD_KEY", None) if "UPLOAD_KEY" not in env else None
    return subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']="
         "'benzoproject.settings'; django.setup()"],
        env=environment, capture_output=True, text=True,
        cwd=django_settings.BASE_DIR, timeout=60)


def test_keeping_files_without_a_key_stops_the_start():
    refused = _start_settings(UPLOAD_KEEP_DAYS="2")
    assert refused.returncode != 0 and "set UPLOAD_KEY" in refused.stderr
    assert _start_settings(UPLOAD_KEEP_DAYS="2",
                           UPLOAD_KEY=Fernet.generate_key().decode()).returncode == 0
