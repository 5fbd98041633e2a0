"""The POH-GGZ plans the project's capacity (Debian's Chromium, PostgreSQL): from the project
page to the planner, hours and minutes in, a plan chosen, and the project's letter target
changed on the project page (docs/domain.md#capacity-planning)."""

import importlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect

from patients.models import Participation, Role
from tapering.models import CallAttempt
from tests.browser.test_poh_journey import _password_and_code
from tests.factories import PatientFactory

pytestmark = pytest.mark.browser


def test_poh_chooses_a_plan_and_the_letter_target_follows(
        transactional_db, live_server, page: Page, users, project, artifacts_dir):
    # The ratios are reference figures loaded by a migration: a transactional test before
    # this one may have emptied that table, so they are loaded again.
    importlib.import_module("monitoring.migrations.0001_measures").load_figures(apps, None)
    poh = users[Role.POH_GGZ]
    parts = [Participation.objects.create(
        project=project, patient=PatientFactory(practice=project.practice),
        reference_date=date(2026, 9, 15), created_by=poh) for _i in range(150)]
    for minutes in (11, 13):  # the practice's calls so far: 12 minutes on average
        CallAttempt.objects.create(participation=parts[0], called_by=poh, outcome="reached",
                                   minutes=minutes,
                                   called_at=datetime(2026, 10, 5, 10,
                                                      tzinfo=ZoneInfo("Europe/Amsterdam")))
    assert project.letter_target == 10

    page.goto(f"{live_server.url}/")
    _password_and_code(page, poh.username, "geheim-wachtwoord-123")
    expect(page.get_by_role("heading", name="Mijn taken")).to_be_visible()
    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    expect(page.locator("#brieven-doel")).to_have_text("10 brieven + 10 reserves")
    page.locator("#naar-capaciteit").click()

    expect(page.get_by_role("heading", name="Capaciteitsplanning", exact=True)).to_be_visible()
    expect(page.locator("#nog-geen-plan")).to_be_visible()
    # The form starts from the minutes recorded so far.
    expect(page.get_by_label("Minuten per telefoontje")).to_have_value("12")
    page.get_by_label("Uren per week voor het project").fill("4")
    page.get_by_label("Minuten per telefoontje").fill("10")
    page.get_by_label("Minuten per consult").fill("30")
    page.get_by_role("button", name="Voorstellen tonen").click()

    # The worked example: 1,040 minutes a month, 25 a letter, 41 letters a month fit.
    expect(page.locator("#brieven-passen")).to_contain_text("41")
    expect(page.locator("#voorstel-1")).to_contain_text("41 brieven per verzending")
    steady = page.locator("#voorstel-2")
    expect(steady).to_contain_text("20 brieven per verzending")
    expect(steady).to_contain_text("1000 van de 1040 minuten per maand")
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=artifacts_dir / f"capacity-proposals-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    asked = []

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    steady.get_by_role("button", name="Kies dit plan").click()
    expect(page.get_by_text("Plan gekozen")).to_be_visible()
    assert asked == ["Het aantal brieven van het project op 20 per verzending zetten?"]
    expect(page.locator("#gekozen-plan")).to_contain_text("2 keer per maand 20 brieven")
    expect(page.locator("#per-maand")).to_be_visible()
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=artifacts_dir / f"capacity-chosen-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name=project.name).first.click()
    expect(page.locator("#brieven-doel")).to_have_text("20 brieven + 10 reserves")
    project.refresh_from_db()
    assert project.letter_target == 20
    assert project.capacity_plans.get().chosen_by == poh
