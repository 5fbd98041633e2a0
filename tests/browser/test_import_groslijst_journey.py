"""The POH-GGZ imports the sample HIS export and works with the groslijst (real browser)."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from patients.models import Participation, Role

from .test_poh_journey import _log_in

pytestmark = pytest.mark.browser
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "his_voorschriften.csv"


def test_poh_uploads_sees_rejections_and_reads_the_groslijst(
        transactional_db, live_server, page: Page, users, project, artifacts_dir):
    _log_in(page, live_server, users[Role.POH_GGZ].username)
    page.get_by_role("link", name="Import").click()
    page.get_by_label("Exportbestand").set_input_files(SAMPLE)
    page.get_by_role("button", name="Voorbeeld tonen").click()

    expect(page.locator("#voorbeeld-kenmerken")).to_contain_text("HIS-export (voorschriften)")
    expect(page.locator("#voorbeeld-kenmerken")).to_contain_text("1599")
    page.screenshot(path=artifacts_dir / "import-preview.png", full_page=True)
    page.get_by_role("button", name="1599 regels inlezen").click()

    expect(page.locator("#import-resultaat")).to_contain_text(
        "1599 regels gelezen: 1587 ingelezen, 6 al aanwezig, 6 geweigerd.")
    rejected = page.locator("#geweigerde-regels tbody tr")
    expect(rejected).to_have_count(6)
    expect(page.locator("#geweigerde-regels")).to_contain_text("datum 31-02-2026 bestaat niet")
    expect(page.locator("#geweigerde-regels")).to_contain_text("patiëntnummer ontbreekt")
    page.screenshot(path=artifacts_dir / "import-result.png", full_page=True)

    page.get_by_role("link", name="Naar de groslijst").click()
    page.get_by_label("Peildatum").fill("2026-09-15")
    page.get_by_role("button", name="Toon").click()
    chronic = page.locator("#aantal-chronisch")
    expect(chronic).to_have_text("67")
    chart = page.locator("#grafiek-per-huisarts")
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("H. de Jong")
    page.screenshot(path=artifacts_dir / "groslijst-his-route.png", full_page=False)

    page.get_by_label("Criterium", exact=True).select_option(value="over_90_units")
    page.get_by_role("button", name="Toon").click()
    expect(chronic).not_to_have_text("67")
    expect(chart).to_be_visible()
    page.screenshot(path=artifacts_dir / "groslijst-pharmacy-route.png", full_page=False)

    # Tick the first two patients and send them to the project's screening queue.
    boxes = page.locator("#groslijst-tabel tbody input[type=checkbox]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_label("Project", exact=True).select_option(label=project.name)
    page.get_by_role("button", name="Naar screening").click()
    expect(page.get_by_text("2 patiënten toegevoegd aan de screening")).to_be_visible()
    assert Participation.objects.filter(project=project).count() == 2
