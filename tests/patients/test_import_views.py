"""The upload journey: choose → preview → import → result → history (issue: import pages)."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from patients.models import AuditEvent, ImportBatch, Prescription, Role
from patients.tasks import import_batch, progress_key

HEADER = ("patientnummer;achternaam;tussenvoegsel;voorletters;geslacht;geboortedatum;straat;"
          "huisnummer;postcode;woonplaats;telefoon;huisarts;voorschrijfdatum;atc;omschrijving;"
          "sterkte;eenheid;aantal;gebruiksvoorschrift\r\n")


def his(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\r\n" for r in rows)).encode("cp1252")


GOOD = "100001;Berg;van den;T.;V;25-12-1952;Molenlaan;64-2;6874 JC;Zevenaar;06-1;M. Öztürk;" \
       "07-07-2026;N05CD07;Temazepam 20mg capsule;20;mg;30;1 dd 1"
GOOD2 = "100002;Visser;;A.;M;01-02-1950;Dorpsstraat;1;6874 JC;Zevenaar;;S. van Dam;" \
        "08-07-2026;N05BA01;Diazepam 5mg tablet;5;mg;60;2 dd 1"
BAD_DATE = "100003;=HYPERLINK(\"x\");;B.;V;01-02-1950;Dorpsstraat;2;6874 JC;Zevenaar;;" \
           "S. van Dam;31-02-2026;N05BA01;Diazepam 5mg tablet;5;mg;60;2 dd 1"


def _upload(client, data: bytes, name="export.csv"):
    return client.post(reverse("patients:import-upload"),
                       {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


@pytest.fixture
def poh(users, client_for):
    return client_for(users[Role.POH_GGZ])


def test_upload_shows_a_preview_and_saves_nothing_yet(poh):
    response = _upload(poh, his(GOOD, GOOD2, BAD_DATE))
    batch = ImportBatch.objects.get()
    assert response.url == reverse("patients:import-preview", kwargs={"import_uuid": batch.uuid})
    html = poh.get(response.url).content.decode()
    assert "HIS-export (voorschriften)" in html
    assert "3 regels inlezen" in html
    assert "Temazepam 20mg capsule" in html
    assert batch.status == ImportBatch.Status.PENDING
    assert not Prescription.objects.exists()


def test_importing_a_small_file_shows_every_row_accounted_for(poh):
    _upload(poh, his(GOOD, GOOD2, BAD_DATE, GOOD))
    batch = ImportBatch.objects.get()
    response = poh.post(reverse("patients:import-start", kwargs={"import_uuid": batch.uuid}),
                        follow=True)
    html = response.content.decode()
    assert "4 regels gelezen: 2 ingelezen, 1 al aanwezig, 1 geweigerd." in html
    assert "datum 31-02-2026 bestaat niet" in html
    batch.refresh_from_db()
    assert (batch.status, batch.rows_new, batch.rows_present, batch.rows_rejected) == (
        "done", 2, 1, 1)
    assert Prescription.objects.count() == 2


def test_rejected_rows_download_as_csv_with_formulas_neutralised(poh):
    _upload(poh, his(GOOD, BAD_DATE))
    batch = ImportBatch.objects.get()
    poh.post(reverse("patients:import-start", kwargs={"import_uuid": batch.uuid}))
    response = poh.get(reverse("patients:import-rejections-csv",
                               kwargs={"import_uuid": batch.uuid}))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["regel", "reden", "regel zoals in het bestand"]
    assert rows[1][:2] == ["3", "datum 31-02-2026 bestaat niet"]
    assert "100003" in rows[1][2]
    assert AuditEvent.objects.filter(action="export", object_id=str(batch.uuid)).exists()


def test_the_rejected_rows_file_is_named_in_amsterdam_time(poh):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    _upload(poh, his(GOOD, BAD_DATE))
    batch = ImportBatch.objects.get()
    # 23:05 UTC on 31 December is 00:05 on New Year's Day in Amsterdam (winter time).
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=datetime(2026, 12, 31, 23, 5, tzinfo=ZoneInfo("UTC")))
    response = poh.get(reverse("patients:import-rejections-csv",
                               kwargs={"import_uuid": batch.uuid}))
    assert 'filename="geweigerde-regels-20270101-0005.csv"' in response["Content-Disposition"]


def test_a_refused_file_gets_a_dutch_message_and_nothing_is_kept(poh):
    response = _upload(poh, b"naam,leeftijd\r\nJan,40\r\n")
    html = response.content.decode()
    assert response.status_code == 200
    assert "De kopregel past bij geen van beide indelingen" in html
    assert not ImportBatch.objects.exists()


def test_an_empty_upload_is_refused(poh):
    response = _upload(poh, b"")
    assert "Het verstuurde bestand is leeg." in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_previewed_file_can_be_cancelled(poh):
    _upload(poh, his(GOOD))
    batch = ImportBatch.objects.get()
    poh.post(reverse("patients:import-discard", kwargs={"import_uuid": batch.uuid}))
    assert not ImportBatch.objects.exists()


def test_a_large_file_is_queued_for_the_worker_with_progress(poh, settings,
                                                            django_capture_on_commit_callbacks,
                                                            monkeypatch):
    settings.IMPORT_SYNC_MAX_BYTES = 10
    queued = []
    monkeypatch.setattr(import_batch, "delay", lambda batch_id: queued.append(batch_id))
    _upload(poh, his(GOOD, GOOD2))
    batch = ImportBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        poh.post(reverse("patients:import-start", kwargs={"import_uuid": batch.uuid}))
    assert queued == [batch.pk]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.QUEUED
    detail = reverse("patients:import-detail", kwargs={"import_uuid": batch.uuid})
    assert "Wachten op de achtergrondverwerking" in poh.get(detail).content.decode()
    progress = reverse("patients:import-progress", kwargs={"import_uuid": batch.uuid})
    assert 'role="progressbar"' in poh.get(progress).content.decode()

    import_batch(batch.pk)  # what the worker runs
    import_batch(batch.pk)  # a redelivered message changes nothing
    batch.refresh_from_db()
    assert (batch.status, batch.rows_new) == ("done", 2)
    assert Prescription.objects.count() == 2
    from django.core.cache import cache
    assert cache.get(progress_key(batch.pk)) is not None
    finished = poh.get(progress)
    assert finished.status_code == 204 and finished["HX-Refresh"] == "true"


def test_a_second_click_on_import_imports_once(poh):
    _upload(poh, his(GOOD))
    batch = ImportBatch.objects.get()
    url = reverse("patients:import-start", kwargs={"import_uuid": batch.uuid})
    poh.post(url)
    poh.post(url)
    assert Prescription.objects.count() == 1
    assert AuditEvent.objects.filter(action="create", object_type="importbatch").count() == 1


def test_history_lists_who_when_file_and_counts(poh, users):
    _upload(poh, his(GOOD, BAD_DATE), name="his-september.csv")
    batch = ImportBatch.objects.get()
    poh.post(reverse("patients:import-start", kwargs={"import_uuid": batch.uuid}))
    html = poh.get(reverse("patients:import-list")).content.decode()
    assert "his-september.csv" in html
    assert users[Role.POH_GGZ].get_full_name() in html
    assert ">2</td>" in html and ">1</td>" in html


def test_history_of_another_practice_is_not_shown(poh, other_users, client_for):
    other = client_for(other_users[Role.POH_GGZ])
    _upload(other, his(GOOD), name="andere-praktijk.csv")
    assert "andere-praktijk.csv" not in poh.get(reverse("patients:import-list")).content.decode()


def test_reference_data_is_shown_read_only(poh):
    html = poh.get(reverse("patients:substance-list")).content.decode()
    assert "N05BA06" in html and "lorazepam" in html
    assert "<form" not in html.split('id="inhoud"')[1]
