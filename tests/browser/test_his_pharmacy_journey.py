"""The issue's journey across the two sources (Debian's Chromium, PostgreSQL;
docs/domain.md#his-and-pharmacy): the POH-GGZ links a HIS patient to the same person in
the pharmacy's list on the links page, and then sees that person's differences on the
screening screen. Before the link, the screen only says the patient is not linked."""

import pytest
from playwright.sync_api import Page, expect

from patients.models import Patient, PatientLink, Role
from tests.browser.test_differences_journey import seed_two_linked_people
from tests.browser.test_poh_journey import _password_and_code

pytestmark = pytest.mark.browser


def test_poh_links_two_patients_and_sees_the_differences_on_the_screening_screen(
        transactional_db, live_server, page: Page, users, project, artifacts_dir):
    poh = users[Role.POH_GGZ]
    # Jansen's oxazepam: one prescription collected, one dispensing by a psychiatrist the
    # HIS has no prescription for, one prescription never collected; in the screening queue.
    part = seed_two_linked_people(project.practice, project, poh, linked=False)
    his = part.patient
    pharmacy = Patient.objects.get(practice=project.practice, number="A-100")
    page.goto(f"{live_server.url}/")
    _password_and_code(page, poh.username, "geheim-wachtwoord-123")
    expect(page.get_by_role("heading", name="Mijn taken")).to_be_visible()

    # Not linked yet: the screening screen says so, and the practice has no differences.
    page.goto(f"{live_server.url}/projecten/{project.uuid}/screening/{part.uuid}/")
    expect(page.locator("#niet-gekoppeld")).to_have_text("Niet gekoppeld aan de apotheeklijst.")
    expect(page.locator("#verschillen-lijst")).to_have_count(0)
    page.goto(f"{live_server.url}/groslijst/")
    page.get_by_role("link", name="Verschillen HIS en apotheek").click()
    expect(page.locator("#verschillen-tabel")).to_have_count(0)

    # The start page's task leads to the suggestion; the POH-GGZ confirms it.
    page.goto(f"{live_server.url}/")
    page.locator("#koppelingen-taak").click()
    card = page.locator(f"#voorstel-{his.uuid}-{pharmacy.uuid}")
    expect(card).to_contain_text("100100")
    expect(card).to_contain_text("A-100")
    card.get_by_role("button", name="Zelfde persoon", exact=True).click()
    expect(page.get_by_text("HIS-patiënt 100100 en apotheekpatiënt A-100 zijn "
                            "gekoppeld.")).to_be_visible()
    link = PatientLink.objects.get(undone_at__isnull=True)
    assert (link.his_patient, link.pharmacy_patient, link.decided_by) == (his, pharmacy, poh)

    # From the groslijst to the differences and on to the patient's screening screen.
    page.goto(f"{live_server.url}/groslijst/")
    page.get_by_role("link", name="Verschillen HIS en apotheek").click()
    table = page.locator("#verschillen-tabel")
    expect(table.locator("tbody tr")).to_have_count(2)  # Jansen's two; De Wit is not linked
    table.get_by_role("link", name="Screeningsscherm").first.click()
    expect(page.locator("#patient-naam")).to_have_text("P. Jansen")
    section = page.locator("#verschillen-apotheek")
    expect(section).to_contain_text("Gekoppeld aan apotheekpatiënt A-100.")
    expect(section.locator("#verschillen-lijst li")).to_have_count(2)
    expect(section).to_contain_text("Dr. Bos, psychiater")
    expect(section).to_contain_text("voorgeschreven in het HIS, nooit opgehaald")
    page.screenshot(path=artifacts_dir / "his-pharmacy-screening-1280.png", full_page=True)
