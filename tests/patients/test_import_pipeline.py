"""The import pipeline's own rules (patients/importing/README.md): threads end with the
import, the connection has one user at a time, the collector comes back as it was, and
one service decides between importing now and the worker."""

import gc
import threading

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from patients.importing import import_batch_start, import_file, load, postgres, readers
from patients.importing.background import import_batch
from patients.importing.load import collector_paused, import_batch_prepare
from patients.importing.selectors import import_batch_reader, substances_all
from patients.models import ImportBatch, Patient, Prescription, Substance

from .exports import his, his_row

pytestmark = pytest.mark.django_db


def import_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("import-")]


def test_the_collector_is_back_as_it_was_also_after_an_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()


@pytest.mark.parametrize("rows", [
    [his_row(), his_row(patientnummer="100002")],
    # A row wider than the header: Arrow gives up half-way, the csv module reads it again.
    [his_row(), list(his_row(patientnummer="100002").values()) + ["extra"]],
])
def test_no_thread_of_the_import_outlives_it(practice, rows):
    batch = import_file(practice=practice, user=None, data=his(*rows), file_name="a.csv")
    assert batch.status == ImportBatch.Status.DONE
    assert import_threads() == []


def test_no_thread_outlives_a_failed_import(practice, monkeypatch):
    def broken(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(postgres.PostgresLoader, "patients", broken)
    monkeypatch.setattr(load.BulkLoader, "patients", broken)
    with pytest.raises(RuntimeError):
        import_file(practice=practice, user=None, data=his(his_row()), file_name="a.csv")
    assert import_threads() == []
    assert (Patient.objects.count(), Prescription.objects.count()) == (0, 0)


def test_an_error_while_arrow_still_reads_stops_the_reading(practice, monkeypatch):
    # Small blocks, one waiting at most: Arrow's reader is blocked on a full queue when the
    # first chunk fails; leaving must stop it rather than wait for it forever.
    monkeypatch.setattr(readers, "ARROW_BLOCK", 2048)
    monkeypatch.setattr(readers, "READ_AHEAD", 1)
    monkeypatch.setattr(load, "FIRST_CHUNK", 5)

    def broken(self, rows):
        raise RuntimeError("disk full")

    monkeypatch.setattr(postgres.PostgresLoader, "add", broken)
    monkeypatch.setattr(load.BulkLoader, "add", broken)
    rows = [his_row(patientnummer=str(100000 + i)) for i in range(300)]
    with pytest.raises(RuntimeError):
        import_file(practice=practice, user=None, data=his(*rows), file_name="a.csv")
    assert import_threads() == []
    assert not ImportBatch.objects.exists()


def test_the_orm_may_not_use_the_connection_while_the_import_has_lent_it(practice):
    if connection.vendor != "postgresql":
        pytest.skip("only the PostgreSQL loader lends the connection to a thread")
    with postgres.lent(), pytest.raises(postgres.ConnectionLent):
        Patient.objects.count()
    assert Patient.objects.count() == 0  # given back on leaving


def prepared(practice, user=None) -> ImportBatch:
    batch, _reader = import_batch_prepare(practice=practice, user=user,
                                          data=his(his_row(), his_row(patientnummer="100002")),
                                          file_name="export.csv")
    return batch


def test_a_small_file_is_imported_at_once(practice, settings):
    settings.IMPORT_SYNC_MAX_BYTES = 10_000_000
    batch = prepared(practice)
    assert import_batch_start(batch=batch) is False
    batch.refresh_from_db()
    assert (batch.status, batch.rows_new) == (ImportBatch.Status.DONE, 2)
    assert import_batch_start(batch=batch) is False  # done: starting again does nothing
    assert Prescription.objects.count() == 2


def test_a_large_file_goes_to_the_worker_once_the_transaction_commits(
        practice, settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.IMPORT_SYNC_MAX_BYTES = 10
    sent = []
    monkeypatch.setattr(import_batch, "delay", sent.append)
    batch = prepared(practice)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert import_batch_start(batch=batch) is True
        assert import_batch_start(batch=batch) is True  # queued already: not sent twice
    assert sent == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert sent == [batch.pk]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.QUEUED
    assert not Prescription.objects.exists()


def test_selectors_for_the_import_pages(practice):
    assert list(substances_all()) == list(Substance.objects.all())
    batch = prepared(practice)
    reader = import_batch_reader(batch=batch)
    assert [row["patientnummer"] for row in reader.preview()] == ["100001", "100002"]
    batch.file.save("other.csv", ContentFile(his(his_row(patientnummer="7"))), save=True)
    assert [row["patientnummer"] for row in import_batch_reader(batch=batch).preview()] == ["7"]
