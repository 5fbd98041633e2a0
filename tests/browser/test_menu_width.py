"""The main menu fits the window at every width (Debian's Chromium): the roles with the
longest menus — the POH-GGZ and a GP, both the practice's privacy officer — see no
horizontal scroll bar on their start page, from a tablet on its side to a wide screen.
Below 1200 px the menu folds behind its button; from 1200 px on it is one line."""

import pytest
from playwright.sync_api import Page, expect

from patients.models import Membership, Role
from tests.browser.test_poh_journey import _password_and_code

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("role", [Role.POH_GGZ, Role.HUISARTS])
def test_the_menu_fits_the_window(transactional_db, live_server, page: Page, users, project,
                                  role):
    Membership.objects.filter(user=users[role]).update(privacy_officer=True)
    page.goto(f"{live_server.url}/")
    _password_and_code(page, users[role].username, "geheim-wachtwoord-123")
    expect(page.get_by_role("heading", name="Mijn taken")).to_be_visible()
    for width in (1440, 1280, 1200, 1100, 992, 768):
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{role} at {width} px: the page is {scroll} px wide"
    page.set_viewport_size({"width": 1200, "height": 900})  # one line, unfolded
    expect(page.get_by_role("link", name="Groslijst", exact=True)).to_be_visible()
