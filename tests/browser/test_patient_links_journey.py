"""The POH-GGZ links a HIS patient to the same person in the pharmacy's list (Debian's
Chromium, PostgreSQL; docs/domain.md#his-and-pharmacy): the start page says a suggestion
waits, the links page shows both patients side by side, the POH-GGZ confirms, sees the
link in force, undoes it after a confirmation, and confirms it again.

``seed_two_sources`` imports the two files; a later journey (the differences on the
screening screen) can start from it."""

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from patients.importing.load import import_file
from patients.models import Patient, PatientLink, Role
from tests.browser.test_poh_journey import _password_and_code
from tests.patients.exports import apotheek, apotheek_row, his, his_row

pytestmark = pytest.mark.browser


def seed_two_sources(practice, user) -> SimpleNamespace:
    """A HIS export and a pharmacy list of one practice, with one person in both: HIS
    100001 "van den Berg" and pharmacy P106026 "Van den Berg, T.", born 25-12-1952 at
    6874 JC (written "6874JC" by the pharmacy), each with a temazepam prescription or
    dispensing on 07-07-2026; and a pharmacy patient who is nobody in the HIS."""
    import_file(practice=practice, user=user, file_name="his.csv", data=his(
        his_row(patientnummer="100001", achternaam="Berg", tussenvoegsel="van den",
                geboortedatum="25-12-1952", postcode="6874 JC", voorschrijfdatum="07-07-2026"),
    ))
    import_file(practice=practice, user=user, file_name="apotheek.csv", data=apotheek(
        apotheek_row(patientnummer="P106026", naam="Van den Berg, T.",
                     geboortedatum="1952-12-25", adres="Molenlaan 64-2", postcode="6874JC",
                     woonplaats="Zevenaar", afleverdatum="2026-07-07", atc="N05CD07",
                     artikel="TEMAZEPAM 20MG CAPSULE", aantal="30", dosering="1 dd 1"),
        apotheek_row(patientnummer="P200001"),  # "Dekker, P.": only at the pharmacy
    ))
    return SimpleNamespace(
        his=Patient.objects.get(practice=practice, source="his", number="100001"),
        pharmacy=Patient.objects.get(practice=practice, source="apotheek", number="P106026"))


def _log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/")
    _password_and_code(page, username, "geheim-wachtwoord-123")
    expect(page.get_by_role("heading", name="Mijn taken")).to_be_visible()


def _shots(page: Page, artifacts_dir, name: str) -> None:
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=artifacts_dir / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_poh_confirms_a_suggested_link_undoes_it_and_confirms_again(
        transactional_db, live_server, page: Page, users, project, artifacts_dir):
    poh = users[Role.POH_GGZ]
    seeded = seed_two_sources(project.practice, poh)
    _log_in(page, live_server, poh.username)

    task = page.locator("#koppelingen-taak")
    expect(task).to_contain_text("1 voorgestelde koppeling tussen HIS en apotheek")
    task.click()

    expect(page.get_by_role("heading", name="Patiënten van HIS en apotheek")).to_be_visible()
    card = page.locator(f"#voorstel-{seeded.his.uuid}-{seeded.pharmacy.uuid}")
    expect(card).to_contain_text("100001")
    expect(card).to_contain_text("P106026")
    expect(card).to_contain_text("25-12-1952")
    expect(card).to_contain_text("Molenlaan 64-2")
    _shots(page, artifacts_dir, "links-suggestions")
    card.get_by_role("button", name="Zelfde persoon", exact=True).click()

    expect(page.get_by_text("HIS-patiënt 100001 en apotheekpatiënt P106026 zijn "
                            "gekoppeld.")).to_be_visible()
    expect(page.locator("#geen-voorstellen")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Gekoppeld")).click()
    link = PatientLink.objects.get(undone_at__isnull=True)
    linked = page.locator(f"#koppeling-{link.uuid}")
    expect(linked).to_contain_text("besloten op")
    _shots(page, artifacts_dir, "links-in-force")

    linked.get_by_role("link", name="Ongedaan maken").click()
    expect(page.get_by_text("Deze koppeling ongedaan maken?")).to_be_visible()
    _shots(page, artifacts_dir, "link-undo")
    page.get_by_role("button", name="Ja, ongedaan maken").click()
    expect(page.get_by_text("Het besluit is ongedaan gemaakt.")).to_be_visible()
    expect(page.locator(f"#koppeling-{link.uuid}")).to_have_count(0)
    assert not PatientLink.objects.filter(undone_at__isnull=True).exists()

    page.get_by_role("link", name=re.compile(r"^Geschiedenis")).click()
    expect(page.locator(f"#koppeling-{link.uuid}")).to_contain_text("ongedaan gemaakt op")
    page.get_by_role("link", name=re.compile(r"^Voorstellen")).click()
    card.get_by_role("button", name="Zelfde persoon", exact=True).click()
    expect(page.get_by_text("zijn gekoppeld.")).to_be_visible()
    again = PatientLink.objects.get(undone_at__isnull=True)
    assert (again.his_patient, again.pharmacy_patient) == (seeded.his, seeded.pharmacy)
    assert again.decided_by == poh

    page.get_by_role("link", name="Handmatig koppelen").click()
    page.get_by_label("Nummer, achternaam of geboortedatum (dd-mm-jjjj)").fill("100001")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.locator("#koppel-gevonden")).to_contain_text("Geen HIS-patiënt gevonden")
    _shots(page, artifacts_dir, "link-manual")
