"""The privacy officer's journey in a real browser: from the start page to the access log,
filtered for one patient, who has seen that record, and the export for the archive
(docs/security.md#reading-the-access-log). Screenshots at 1280 and 375 px wide."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from patients.audit import audit_log
from patients.models import Membership, Role
from tests.factories import PatientFactory

from .test_poh_journey import _log_in

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 812}


def _seed(practice, users):
    """A morning in the practice: the POH-GGZ opens the groslijst (three patients) and one
    patient's page, the assistant notes a call of another patient."""
    poh, assistant = users[Role.POH_GGZ], users[Role.ASSISTENT]
    poh.first_name, poh.last_name = "Sanne", "de Vries"
    poh.save()
    target = PatientFactory(practice=practice, number="400123", initials="J.",
                            prefix="", surname="Vermeulen")
    others = [PatientFactory(practice=practice, number=f"40020{n}", surname=name)
              for n, name in enumerate(("Bakker", "Smit"))]
    start = timezone.now() - timedelta(hours=3)
    for minutes, kwargs in (
            (0, {"user": poh, "object_type": "patients:groslijst",
                 "detail": "patients:groslijst", "patients": [target, *others],
                 "role": Role.POH_GGZ}),
            (20, {"user": poh, "object_type": "participation", "detail": "tapering:timeline",
                  "patient": target, "role": Role.POH_GGZ}),
            (40, {"user": assistant, "object_type": "participation",
                  "detail": "tapering:phone-note", "patient": others[0],
                  "role": Role.ASSISTENT})):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            audit_log(action="view", practice=practice, **kwargs)
    return target


def test_the_privacy_officer_filters_the_log_for_a_patient_and_downloads_it(
        transactional_db, live_server, page: Page, practice, users, artifacts_dir, tmp_path):
    target = _seed(practice, users)
    officer = users[Role.BEHEERDER]
    Membership.objects.filter(user=officer).update(privacy_officer=True)

    _log_in(page, live_server, officer.username)
    expect(page.locator("#toegangslog-start")).to_contain_text(
        "functionaris gegevensbescherming")
    page.screenshot(path=artifacts_dir / "audit-log-start.png", full_page=True)
    page.get_by_role("link", name="Toegangslog openen").click()
    expect(page.get_by_role("heading", name="Toegangslog")).to_be_visible()

    page.get_by_label("Patiënt").fill("Vermeulen")
    page.get_by_role("button", name="Toon").click()
    expect(page.locator("#gevonden-patienten")).to_contain_text("J. Vermeulen (400123)")
    table = page.locator("#toegangslog")
    # The patient's own page, the groslijst that showed them and the officer's own first
    # look at the log, which named them; not the assistant's call of another patient.
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table).to_contain_text("Sanne de Vries")
    expect(table).to_contain_text("Toegangslog")
    expect(table).to_contain_text("3 patiënten in een lijst")
    expect(table).not_to_contain_text("Telefoontjes")
    assert "patient=Vermeulen" in page.url  # the filters are in the address
    page.screenshot(path=artifacts_dir / "audit-log-filtered.png", full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Deze selectie downloaden (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"toegangslog-{practice.code}-")
    path = tmp_path / "log.csv"
    download.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "tijdstip"
    details = {row[7]: row for row in rows[1:]}
    assert details["patients:groslijst"][10:12] == ["3", "400123 400200 400201"]
    assert details["tapering:timeline"][8:10] == ["400123", "J. Vermeulen"]
    assert "tapering:phone-note" not in details
    # The export is in the log it exports, with the filter it was made with.
    assert details["patients:audit-log-export ?patient=Vermeulen"][4] == "geëxporteerd"

    page.get_by_role("link", name="3 patiënten in een lijst").click()
    expect(page.locator("#getoonde-patienten li")).to_have_count(3)
    page.get_by_role("link", name="J. Vermeulen").click()
    expect(page.get_by_role("heading", name="Wie heeft dit dossier ingezien")).to_be_visible()
    # Both earlier events, the officer's own look at the log that named the patient, the
    # export and this visit.
    expect(page.locator("#inzage")).to_contain_text("eigen pagina van deze patiënt")
    expect(page.locator("#inzage")).to_contain_text("in een lijst van 3 patiënten")
    page.screenshot(path=artifacts_dir / "audit-log-patient.png", full_page=True)

    page.set_viewport_size(PHONE)
    page.screenshot(path=artifacts_dir / "audit-log-patient-375.png", full_page=True)
    page.goto(f"{live_server.url}/toegangslog/?patient=400123")
    expect(page.locator("#toegangslog")).to_be_visible()
    page.screenshot(path=artifacts_dir / "audit-log-filtered-375.png", full_page=True)
    assert target.number in page.content()
