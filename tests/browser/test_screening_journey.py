"""The GP screens sample patients with the keyboard and fills the lists (real browser)."""

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from patients.importing.load import import_file
from patients.models import Participation, Role
from patients.selectors import groslijst_rows
from patients.services import participations_from_groslijst
from tests.conftest import make_project

from .test_poh_journey import _log_in

pytestmark = pytest.mark.browser
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "his_voorschriften.csv"
R = date(2026, 9, 15)
S = Participation.Status


@pytest.fixture
def ten_to_screen(practice, users):
    poh = users[Role.POH_GGZ]
    import_file(practice=practice, user=poh, data=SAMPLE.read_bytes(), file_name="his.csv")
    project = make_project(practice, poh, name="Ronde najaar", letter_target=5,
                           reserve_target=5)
    project.gps.set([users[Role.HUISARTS]])
    chronic = [r for r in groslijst_rows(practice=practice, reference_date=R)
               if r.meets("recent_and_past")][:10]
    patients = list(practice.patients.filter(pk__in=[r.patient_id for r in chronic]))
    participations_from_groslijst(user=poh, project=project, patients=patients,
                                  reference_date=R)
    return project


def press(page: Page, key: str) -> None:
    """A shortcut key, once the page's script listens (it loads at the end of the body)."""
    page.wait_for_load_state("load")
    page.keyboard.press(key)


def test_gp_screens_ten_with_the_keyboard_and_promotes_a_reserve(
        transactional_db, live_server, page: Page, users, ten_to_screen, artifacts_dir):
    project = ten_to_screen
    _log_in(page, live_server, users[Role.HUISARTS].username)
    expect(page.locator("#open-werk")).to_contain_text("10 patiënten te beoordelen")
    page.screenshot(path=artifacts_dir / "home-gp-open-work.png", full_page=True)
    page.get_by_role("link", name="Projecten").click()
    page.get_by_role("link", name="Ronde najaar").click()
    page.get_by_role("link", name="Screening (nog 10)").click()

    progress = page.locator("#screening-voortgang")
    expect(progress).to_contain_text("0 van 10 beoordeeld")
    expect(page.locator("#comedicatie")).to_be_visible()
    page.screenshot(path=artifacts_dir / "screening-screen.png", full_page=True)

    excluded = []
    for n in range(10):
        name = page.locator("#patient-naam").inner_text()
        if n in (2, 6):
            # 1 = other indication, 4 = language: a digit picks the reason, N confirms.
            press(page, "1" if n == 2 else "4")
            press(page, "n")
            excluded.append(name)
        else:
            press(page, "b")
        expect(progress).to_contain_text(f"{n + 1} van 10 beoordeeld")

    expect(page.locator("#screening-klaar")).to_contain_text(
        "Iedereen in dit project is beoordeeld")
    expect(page.locator("#screening-klaar")).to_contain_text("8 benaderen, 2 niet benaderen")

    # Undo the last decision with Z, then decide again.
    press(page, "z")
    expect(progress).to_contain_text("9 van 10 beoordeeld")
    press(page, "b")
    expect(progress).to_contain_text("10 van 10 beoordeeld")

    page.get_by_role("link", name="Naar de verzendlijst en reservelijst").click()
    page.get_by_role("button", name="Verdelen over verzendlijst en reservelijst").click()
    expect(page.locator("#lijst-verzendlijst tbody tr")).to_have_count(5)
    expect(page.locator("#lijst-reservelijst tbody tr")).to_have_count(3)

    first_reserve = page.locator("#lijst-reservelijst tbody tr").first
    promoted = first_reserve.locator("a").inner_text()
    first_reserve.get_by_role("button", name="Naar verzendlijst").click()
    expect(page.locator("#lijst-verzendlijst tbody tr")).to_have_count(6)
    expect(page.locator("#lijst-verzendlijst")).to_contain_text(promoted)
    page.screenshot(path=artifacts_dir / "screening-lists.png", full_page=True)

    statuses = dict(project.participations.values_list("patient__number", "status"))
    assert sorted(statuses.values()).count(S.EXCLUDED) == 2
    assert list(statuses.values()).count(S.MAILING) == 6
    assert list(statuses.values()).count(S.RESERVE) == 2
    reasons = set(project.participations.filter(status=S.EXCLUDED)
                  .values_list("decisions__reason", flat=True))
    assert reasons == {"other_indication", "language"}

    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    expect(page.locator("#trechter")).to_contain_text("andere indicatie dan slapen of angst")
    page.screenshot(path=artifacts_dir / "project-funnel.png", full_page=True)
