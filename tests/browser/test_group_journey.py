"""The monitor's journey in a real browser (issue 14, point 7): on the demo data the monitor
logs in, opens the FTO group view from the start page and picks a month; screenshots at
1280 and 375 px wide; on a phone the page itself needs no sideways scrolling."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from patients.models import Project
from tests.browser.test_poh_journey import _password_and_code
from tests.tapering.schedule_helpers import reference_table_load

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "demo-benzo-2026"


def _log_in_as_monitor(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/inloggen/\?next=/$"))
    _password_and_code(page, "monitor", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Mijn taken")).to_be_visible()


@pytest.mark.parametrize("width", [1280, 375])
def test_the_monitor_opens_the_group_view_and_picks_a_month(
        transactional_db, live_server, page: Page, artifacts_dir, width):
    reference_table_load()  # a transactional test before may have flushed it
    call_command("demo", stdout=StringIO())
    page.set_viewport_size({"width": width, "height": 900})
    _log_in_as_monitor(page, live_server)
    page.screenshot(path=artifacts_dir / f"group-start-{width}.png", full_page=True)

    page.get_by_role("link", name="Open het overzicht van de FTO-groep").click()
    expect(page).to_have_url(re.compile(r"/monitoring/groep/$"))
    table = page.locator("#groep-tabel")
    expect(table).to_contain_text("Huisartsenpraktijk De Linde")
    expect(table).to_contain_text("Huisartsenpraktijk De Brink")
    expect(table).to_contain_text("FTO-groep")

    # The earlier rounds of a year back, as of the end of their tenth month.
    linde = Project.objects.get(practice__code="DELINDE", status=Project.Status.CLOSED)
    brink = Project.objects.get(practice__code="DEBRINK", status=Project.Status.CLOSED)
    month = f"{linde.planned_start.year + (linde.planned_start.month + 8) // 12}-" \
            f"{(linde.planned_start.month + 8) % 12 + 1:02d}"
    page.get_by_label("Project van Huisartsenpraktijk De Linde").select_option(str(linde.uuid))
    page.get_by_label("Project van Huisartsenpraktijk De Brink").select_option(str(brink.uuid))
    page.get_by_label("Maand").select_option(month)
    page.get_by_role("button", name="Toon").click()
    expect(page).to_have_url(re.compile(rf"maand={month}"))
    expect(page.locator("#rij-funnel_mailed")).not_to_contain_text("–  –  –")
    cells = page.locator("#groep-tabel td").all_inner_texts()
    assert not [c for c in cells if re.fullmatch(r"\s*[1-9]\s*", c)]
    assert any(c.strip() not in ("", "0", "–", "<10") for c in cells)
    page.screenshot(path=artifacts_dir / f"group-view-{width}.png", full_page=True)

    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= width, page_width
