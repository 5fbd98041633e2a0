"""An import's rows only to its uploader and the POH-GGZ; another importer (the pharmacist on
the POH-GGZ's HIS export) sees its status and counts (docs/security.md#least-privilege)."""

import pytest
from django.urls import reverse

from patients.models import ImportBatch, Role

from .test_import_views import BAD_DATE, GOOD, GOOD2, _upload, his

ROW_PAGES = ("patients:import-preview", "patients:import-rejections-csv")
REFUSAL = "Alleen wie dit bestand heeft ingelezen en de POH-GGZ zien de regels"


def _uploaded_by(client) -> ImportBatch:
    _upload(client, his(GOOD, GOOD2, BAD_DATE))
    return ImportBatch.objects.latest("id")


@pytest.fixture
def clients(users, client_for):
    return {role: client_for(users[role]) for role in (Role.POH_GGZ, Role.APOTHEKER)}


def test_the_pharmacist_never_sees_the_rows_of_the_poh_ggz_upload(clients):
    poh, pharmacist = clients[Role.POH_GGZ], clients[Role.APOTHEKER]
    batch = _uploaded_by(poh)
    preview = pharmacist.get(reverse("patients:import-preview",
                                     kwargs={"import_uuid": batch.uuid}))
    assert preview.status_code == 403
    assert REFUSAL in preview.content.decode()
    assert "Berg" not in preview.content.decode()
    for name in ("patients:import-start", "patients:import-discard"):
        response = pharmacist.post(reverse(name, kwargs={"import_uuid": batch.uuid}))
        assert response.status_code == 403, name
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PENDING  # neither started nor discarded
    # The history links to the import's page: for the pharmacist its status, no preview.
    waiting = pharmacist.get(reverse("patients:import-detail",
                                     kwargs={"import_uuid": batch.uuid}))
    assert waiting.status_code == 200 and 'id="nog-niet-ingelezen"' in waiting.content.decode()
    assert "Temazepam" not in waiting.content.decode()
    poh.post(reverse("patients:import-start", kwargs={"import_uuid": batch.uuid}))
    detail = pharmacist.get(reverse("patients:import-detail",
                                    kwargs={"import_uuid": batch.uuid}))
    html = detail.content.decode()
    assert detail.status_code == 200
    assert "3 regels gelezen: 2 ingelezen, 0 al aanwezig, 1 geweigerd." in html  # the counts
    assert "HYPERLINK" not in html and "Visser" not in html  # no row
    assert 'id="regels-verborgen"' in html
    csv = pharmacist.get(reverse("patients:import-rejections-csv",
                                 kwargs={"import_uuid": batch.uuid}))
    assert csv.status_code == 403


def test_the_poh_ggz_sees_the_rows_of_the_pharmacists_upload_and_its_uploader_too(clients):
    poh, pharmacist = clients[Role.POH_GGZ], clients[Role.APOTHEKER]
    batch = _uploaded_by(pharmacist)
    for client in (pharmacist, poh):
        preview = client.get(reverse("patients:import-preview",
                                     kwargs={"import_uuid": batch.uuid}))
        assert preview.status_code == 200 and "Temazepam 20mg capsule" in preview.content.decode()
    pharmacist.post(reverse("patients:import-start", kwargs={"import_uuid": batch.uuid}))
    for client in (pharmacist, poh):
        detail = client.get(reverse("patients:import-detail", kwargs={"import_uuid": batch.uuid}))
        assert "HYPERLINK" in detail.content.decode()
        csv = client.get(reverse("patients:import-rejections-csv",
                                 kwargs={"import_uuid": batch.uuid}))
        assert csv.status_code == 200 and "HYPERLINK" in b"".join(csv).decode("utf-8-sig")


def test_the_import_list_shows_the_pharmacist_status_and_counts_only(clients):
    batch = _uploaded_by(clients[Role.POH_GGZ])
    clients[Role.POH_GGZ].post(reverse("patients:import-start",
                                       kwargs={"import_uuid": batch.uuid}))
    html = clients[Role.APOTHEKER].get(reverse("patients:import-list")).content.decode()
    assert "export.csv" in html and "Berg" not in html and "Visser" not in html
