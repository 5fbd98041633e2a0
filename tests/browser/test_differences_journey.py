"""The POH-GGZ and the HIS-versus-pharmacy differences (Debian's Chromium, PostgreSQL): two
people linked across the two sources, the practice page with a filter, and the screening
screen of one of them with that person's differences (docs/domain.md#his-and-pharmacy).

The links are made directly here; the linking pages have a journey of their own."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from patients.models import Participation, Role
from tests.browser.test_phone_width import PHONE, assert_readable_on_a_phone
from tests.browser.test_poh_journey import _password_and_code
from tests.patients.his_pharmacy import TEMAZEPAM, give, person

pytestmark = pytest.mark.browser


def seed_two_linked_people(practice, project, poh, *, linked: bool = True):
    """Jansen (Dr. Visser): one oxazepam prescription collected, one dispensing by a
    psychiatrist without a HIS prescription, one prescription never collected; in the
    project's screening queue. De Wit (Dr. Kaya): a temazepam dispensing by the
    out-of-hours service. Paracetamol rows set the period both sources cover:
    01-01-2026 to 31-08-2026. ``linked=False``: the two people are in both sources but
    not linked yet (the app suggests each pair)."""
    jansen, jansen_ph = person(practice, his_number="100100", pharmacy_number="A-100",
                               surname="Jansen", gp="Dr. Visser", linked=linked)
    wit, wit_ph = person(practice, his_number="100200", pharmacy_number="A-200",
                         surname="Wit", gp="Dr. Kaya", linked=linked)
    give(jansen, date(2026, 1, 1), atc="N02BE01")
    give(jansen, date(2026, 9, 1), atc="N02BE01")
    give(jansen_ph, date(2026, 1, 1), atc="N02BE01")
    give(jansen_ph, date(2026, 8, 31), atc="N02BE01")
    give(jansen, date(2026, 3, 1))
    give(jansen_ph, date(2026, 3, 4))  # its collection: no difference
    give(jansen_ph, date(2026, 5, 12), prescriber="Dr. Bos, psychiater")
    give(jansen, date(2026, 6, 1))  # never collected
    give(wit_ph, date(2026, 7, 1), atc=TEMAZEPAM, prescriber="Huisartsenpost")
    part = Participation.objects.create(project=project, patient=jansen,
                                        reference_date=date(2026, 9, 15), created_by=poh)
    return part


def test_poh_filters_the_differences_and_sees_them_on_the_screening_screen(
        transactional_db, live_server, page: Page, users, project, artifacts_dir):
    poh = users[Role.POH_GGZ]
    seed_two_linked_people(project.practice, project, poh)
    page.goto(f"{live_server.url}/")
    _password_and_code(page, poh.username, "geheim-wachtwoord-123")
    expect(page.get_by_role("heading", name="Mijn taken")).to_be_visible()

    page.goto(f"{live_server.url}/groslijst/")
    page.get_by_role("link", name="Verschillen HIS en apotheek").click()
    expect(page.get_by_role("heading", name="Verschillen HIS en apotheek")).to_be_visible()
    expect(page.locator("#vergeleken-periode")).to_contain_text("01-01-2026 tot en met 31-08-2026")
    table = page.locator("#verschillen-tabel")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table).to_contain_text("Huisartsenpost")
    page.screenshot(path=artifacts_dir / "differences-1280.png", full_page=True)
    page.set_viewport_size(PHONE)  # one block per difference, nothing cut off or overlapping
    assert_readable_on_a_phone(page, artifacts_dir, "differences")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Soort").select_option(label="meegegeven zonder voorschrift in het HIS")
    page.get_by_label("Huisarts").select_option("Dr. Visser")
    page.get_by_role("button", name="Toon").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("Dr. Bos, psychiater")
    expect(table).not_to_contain_text("Huisartsenpost")
    expect(page.locator("#verschillen-aantal")).to_contain_text("1 verschil")

    table.get_by_role("link", name="Screeningsscherm").click()
    expect(page.locator("#patient-naam")).to_have_text("P. Jansen")
    section = page.locator("#verschillen-apotheek")
    expect(section).to_contain_text("Gekoppeld aan apotheekpatiënt A-100.")
    expect(section.locator("#verschillen-lijst li")).to_have_count(2)
    expect(section).to_contain_text("Dr. Bos, psychiater")
    expect(section).to_contain_text("voorgeschreven in het HIS, nooit opgehaald")
    expect(section).not_to_contain_text("Huisartsenpost")
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=artifacts_dir / f"screening-differences-{width}.png",
                        full_page=True)
