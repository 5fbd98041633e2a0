"""The POH-GGZ after an import (Debian's Chromium, PostgreSQL): the import result names the
new GP names, the mapping page confirms them, and the plan shows the step the app checked
off (docs/domain.md, steps 1 and 4)."""

import re

import pytest
from playwright.sync_api import Page, expect

from patients.importing.load import import_file
from patients.models import Role
from tests.browser.test_poh_journey import _password_and_code

pytestmark = pytest.mark.browser

EXPORT = (
    "patientnummer;achternaam;tussenvoegsel;voorletters;geslacht;geboortedatum;straat;"
    "huisnummer;postcode;woonplaats;telefoon;huisarts;voorschrijfdatum;atc;omschrijving;"
    "sterkte;eenheid;aantal;gebruiksvoorschrift\r\n"
    "100001;Berg;van den;T.;V;25-12-1952;Molenlaan;64-2;6874 JC;Zevenaar;06-1;M. Öztürk;"
    "07-07-2026;N05CD07;Temazepam 20mg capsule;20;mg;30;1 dd 1\r\n"
    "100002;Vries;de;J.;M;01-02-1950;Dorpsstraat;3;6874 AB;Zevenaar;06-2;E. Kramer;"
    "07-07-2026;N05BA04;Oxazepam 10mg;10;mg;30;1 dd 1\r\n"
).encode("cp1252")


def _log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/")
    _password_and_code(page, username, "geheim-wachtwoord-123")
    expect(page.get_by_role("heading", name="Mijn taken")).to_be_visible()


def test_poh_confirms_the_new_gp_names_and_sees_the_plan_move(
        transactional_db, live_server, page: Page, users, project, artifacts_dir):
    gp = users[Role.HUISARTS]
    gp.first_name, gp.last_name = "Mehmet", "Öztürk"
    gp.save()
    batch = import_file(practice=project.practice, user=users[Role.POH_GGZ], data=EXPORT,
                        file_name="his.csv")
    _log_in(page, live_server, users[Role.POH_GGZ].username)

    page.goto(f"{live_server.url}/import/{batch.uuid}/")
    block = page.locator("#nieuwe-huisartsnamen")
    expect(block).to_contain_text("M. Öztürk")
    expect(block).to_contain_text("voorstel: Mehmet Öztürk")
    expect(block).to_contain_text("E. Kramer")
    page.screenshot(path=artifacts_dir / "import-new-gp-names.png", full_page=True)
    block.get_by_role("link", name="Huisartsnamen bevestigen").click()

    expect(page.get_by_role("heading", name="Huisartsnamen in de exports")).to_be_visible()
    mapping = project.practice.gp_names.get(export_name="M. Öztürk")
    row = page.locator(f"#naam-{mapping.uuid}")
    expect(row.get_by_label("Huisarts bij “M. Öztürk”")).to_have_value(str(gp.pk))
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=artifacts_dir / f"gp-names-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    row.get_by_role("button", name="Bevestigen").click()

    expect(page.get_by_text("“M. Öztürk” is bevestigd.")).to_be_visible()
    expect(page.locator(f"#naam-{mapping.uuid}")).to_contain_text("bevestigd op")
    expect(page.locator("#namen-open")).to_have_text("Nog 1 naam te bevestigen.")
    mapping.refresh_from_db()
    assert mapping.user == gp and mapping.confirmed

    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    step = project.plan_steps.get(milestone="imported")
    expect(page.locator(f"#stap-{step.id}")).to_contain_text("door de app")
    expect(page.locator("#plan-voortgang")).to_have_text(
        re.compile(rf"^1 van {project.plan_steps.count()} stappen klaar$"))
    page.screenshot(path=artifacts_dir / "project-plan-by-the-app.png", full_page=True)
