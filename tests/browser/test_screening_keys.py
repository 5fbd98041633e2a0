"""The screening keys around "other" (9): the note needs typing, the shortcuts stay usable
(issue 11, point 13; real browser)."""

import pytest
from playwright.sync_api import Page, expect

from patients.models import Participation, Role

from .test_poh_journey import _log_in
from .test_screening_journey import press, ten_to_screen  # noqa: F401 - a fixture

pytestmark = pytest.mark.browser
S = Participation.Status


def _focused(page: Page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.tagName")


def _open_screening(page: Page, live_server, users, project) -> None:
    _log_in(page, live_server, users[Role.HUISARTS].username)
    page.goto(f"{live_server.url}/projecten/{project.uuid}/screening/")
    expect(page.locator("#screening-voortgang")).to_contain_text("0 van 10 beoordeeld")


def test_nine_chooses_other_without_taking_the_next_key(
        transactional_db, live_server, page: Page, users, ten_to_screen):  # noqa: F811
    project = ten_to_screen
    _open_screening(page, live_server, users, project)
    progress = page.locator("#screening-voortgang")
    press(page, "9")
    expect(page.locator("#reden-other")).to_be_checked()
    assert _focused(page) == "reden-other"  # not the note: N is still a shortcut
    # N with "other" and no note: nothing is sent, the cursor goes to the note.
    press(page, "n")
    expect(page.locator("#id_note")).to_be_focused()
    expect(progress).to_contain_text("0 van 10 beoordeeld")
    # Now the user types in the note (an n included), and Ctrl+Enter sends it.
    page.keyboard.type("woont in Spanje")
    expect(page.locator("#id_note")).to_have_value("woont in Spanje")
    page.keyboard.press("Control+Enter")
    expect(progress).to_contain_text("1 van 10 beoordeeld")
    decision = Participation.objects.get(project=project, status=S.EXCLUDED).decisions.get()
    assert (decision.reason, decision.note) == ("other", "woont in Spanje")


def test_nine_then_another_choice_and_escape_keep_the_keys_working(
        transactional_db, live_server, page: Page, users, ten_to_screen):  # noqa: F811
    project = ten_to_screen
    _open_screening(page, live_server, users, project)
    progress = page.locator("#screening-voortgang")
    press(page, "9")
    press(page, "4")  # language after all: no note needed
    press(page, "n")
    expect(progress).to_contain_text("1 van 10 beoordeeld")
    # A note typed by choice, then Esc: B approaches the next patient.
    page.locator("#id_note").click()
    page.keyboard.type("b")
    page.keyboard.press("Escape")
    press(page, "b")
    expect(progress).to_contain_text("2 van 10 beoordeeld")
    assert sorted(project.participations.exclude(status=S.TO_SCREEN)
                  .values_list("status", flat=True)) == [S.APPROVED, S.EXCLUDED]
