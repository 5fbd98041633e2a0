"""Stored files (a run's PDFs, the logo, a signature) are removed only once the change
commits: when the transaction rolls back after all, the row still names its file and
the file is still there."""

from pathlib import Path

import pytest
from django.db import transaction

from letters.models import GpSignature, LetterRun
from letters.services import (
    gp_signature_remove,
    gp_signature_set,
    letter_run_cancel,
    letter_run_create,
    letter_run_start,
    practice_logo_remove,
    practice_logo_set,
)
from patients.models import AuditEvent, Practice

from .helpers import jpeg_bytes, on_mailing_list, png_bytes


class Rollback(Exception):
    """Raised after the service returned, inside an outer transaction."""


def rolled_back(write) -> None:
    """Run ``write`` in a transaction that fails afterwards (a later step of the request)."""
    with pytest.raises(Rollback), transaction.atomic():
        write()
        raise Rollback


@pytest.fixture
def run(letter_project, gp, assistant) -> LetterRun:
    on_mailing_list(letter_project, gp, rank=1, surname="Berg")
    on_mailing_list(letter_project, gp, rank=2, surname="Vries")
    run = letter_run_create(project=letter_project, user=assistant)
    letter_run_start(run=run)
    run.refresh_from_db()
    return run


def run_files(run: LetterRun) -> list[Path]:
    fields = [x.pdf for x in run.letters.all()] + [run.merged_pdf, run.labels_pdf]
    return [Path(f.path) for f in fields]


def test_a_cancelled_run_keeps_its_pdfs_when_the_transaction_rolls_back(
        run, assistant, django_capture_on_commit_callbacks):
    files = run_files(run)
    assert len(files) == 4 and all(f.exists() for f in files)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rolled_back(lambda: letter_run_cancel(run=run, user=assistant))
    assert callbacks == []  # the deletion went with the rollback
    run.refresh_from_db()
    assert run.status == LetterRun.Status.READY and run.letters.count() == 2
    assert all(f.exists() for f in files) and run_files(run) == files


def test_a_cancelled_run_loses_its_pdfs_when_the_transaction_commits(
        run, assistant, django_capture_on_commit_callbacks):
    files = run_files(run)
    letters = {str(x.uuid): x.participation.patient_id for x in run.letters.all()}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert letter_run_cancel(run=run, user=assistant)
    assert all(f.exists() for f in files)  # not before the commit
    for callback in callbacks:
        callback()
    assert not any(f.exists() for f in files)
    run.refresh_from_db()
    assert run.status == LetterRun.Status.CANCELLED
    assert not run.merged_pdf and not run.labels_pdf
    # One audit event per removed letter, naming its patient.
    removed = AuditEvent.objects.filter(action="delete", object_type="letter")
    assert {e.object_id: e.patient_id for e in removed} == letters
    assert {(e.user, e.practice_id, e.detail) for e in removed} == {
        (assistant, run.project.practice_id, f"letter of cancelled print run {run.uuid}")}


def test_a_replaced_logo_stays_when_the_transaction_rolls_back(
        practice, users, poh, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        practice_logo_set(practice=practice, data=png_bytes(), user=poh)
    practice.refresh_from_db()
    old = Path(practice.logo.path)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rolled_back(lambda: practice_logo_set(practice=practice, data=jpeg_bytes(), user=poh))
        rolled_back(lambda: practice_logo_remove(practice=practice, user=poh))
    assert callbacks == []
    practice.refresh_from_db()
    assert Path(practice.logo.path) == old and old.exists()


def test_a_replaced_or_removed_logo_goes_when_the_transaction_commits(
        practice, poh, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        practice_logo_set(practice=practice, data=png_bytes(), user=poh)
    practice.refresh_from_db()
    first = Path(practice.logo.path)
    with django_capture_on_commit_callbacks(execute=True):
        practice_logo_set(practice=practice, data=jpeg_bytes(), user=poh)
    practice.refresh_from_db()
    second = Path(practice.logo.path)
    assert not first.exists() and second.exists() and second.suffix == ".jpg"
    with django_capture_on_commit_callbacks(execute=True):
        assert practice_logo_remove(practice=practice, user=poh)
    practice.refresh_from_db()
    assert not practice.logo and not second.exists()


def test_a_replaced_signature_stays_when_the_transaction_rolls_back(
        practice, gp, django_capture_on_commit_callbacks):
    gp_signature_set(practice=practice, user=gp, data=png_bytes())
    old = Path(GpSignature.objects.get(user=gp).image.path)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rolled_back(lambda: gp_signature_set(practice=practice, user=gp, data=jpeg_bytes()))
        rolled_back(lambda: gp_signature_remove(practice=practice, user=gp))
    assert callbacks == []
    assert Path(GpSignature.objects.get(user=gp).image.path) == old and old.exists()


def test_a_replaced_or_removed_signature_goes_when_the_transaction_commits(
        practice, gp, django_capture_on_commit_callbacks):
    gp_signature_set(practice=practice, user=gp, data=png_bytes())
    first = Path(GpSignature.objects.get(user=gp).image.path)
    with django_capture_on_commit_callbacks(execute=True):
        gp_signature_set(practice=practice, user=gp, data=jpeg_bytes())
    second = Path(GpSignature.objects.get(user=gp).image.path)
    assert not first.exists() and second.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert gp_signature_remove(practice=practice, user=gp)
    assert not GpSignature.objects.exists() and not second.exists()


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_real_rollback_keeps_the_logo_and_a_real_commit_removes_it(
        practice, poh):
    """The same, with real transactions (no test transaction around them)."""
    practice_logo_set(practice=practice, data=png_bytes(), user=poh)
    old = Path(Practice.objects.get(pk=practice.pk).logo.path)
    rolled_back(lambda: practice_logo_set(practice=practice, data=jpeg_bytes(), user=poh))
    assert Path(Practice.objects.get(pk=practice.pk).logo.path) == old and old.exists()
    practice_logo_set(practice=practice, data=jpeg_bytes(), user=poh)
    new = Path(Practice.objects.get(pk=practice.pk).logo.path)
    assert new != old and new.exists() and not old.exists()
