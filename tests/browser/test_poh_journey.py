"""The POH-GGZ's first journey in a real browser (Debian's Chromium) on PostgreSQL."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from benzoproject.twofactor import totp_device_for, totp_next_code
from patients.models import PlanStep, Project, Role

pytestmark = pytest.mark.browser


def _log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/inloggen/\?next=/$"))
    _password_and_code(page, username)
    expect(page.get_by_role("heading", name="Mijn taken")).to_be_visible()


def _password_and_code(page: Page, username: str,
                       password: str = "geheim-wachtwoord-123") -> None:
    """The login form, then the second factor: the code the user's authenticator app shows
    (a confirmed device is made for the user when missing; docs/security.md)."""
    device = totp_device_for(get_user_model().objects.get(username=username))
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(re.compile(r"/inloggen/code/"))
    deadline = time.monotonic() + 40
    while (code := totp_next_code(device)) is None:  # logged in twice within 30 s
        assert time.monotonic() < deadline, "no unused code"
        time.sleep(1)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Bevestigen").click()


def test_poh_creates_a_project_and_checks_off_a_plan_step(
        transactional_db, live_server, page: Page, users, artifacts_dir):
    _log_in(page, live_server, users[Role.POH_GGZ].username)
    page.screenshot(path=artifacts_dir / "home-poh-empty.png", full_page=True)

    page.get_by_role("link", name="Nieuw project").first.click()
    page.get_by_label("Naam").fill("Benzoreductie voorjaar 2027")
    page.get_by_label("Geplande start").fill("2026-11-02")
    page.get_by_label("Gepland einde").fill("2027-07-30")
    page.get_by_label(users[Role.HUISARTS].get_full_name()).check()
    callbacks = page.get_by_role("group", name="Terugbellen")
    expect(callbacks.get_by_label("Belpogingen voordat iemand")).to_have_value("3")
    callbacks.get_by_label("Terugbelgesprekken per week").fill("8")
    page.screenshot(path=artifacts_dir / "project-form.png", full_page=True)
    page.get_by_role("button", name="Project aanmaken").click()

    expect(page.get_by_text("is aangemaakt met het standaard plan van aanpak")).to_be_visible()
    expect(page.locator("#terugbelregels")).to_contain_text(
        "hoogstens 8 terugbelgesprekken per week")
    expect(page.get_by_role("heading", name="Plan van aanpak")).to_be_visible()
    project = Project.objects.get(name="Benzoreductie voorjaar 2027")
    assert (project.call_attempts_max, project.callbacks_per_week) == (3, 8)
    step = project.plan_steps.get(what="Groslijst opstellen")

    row = page.locator(f"#stap-{step.id}")
    row.get_by_label("Klaar op").fill("2026-11-10")
    row.get_by_role("button", name="Afvinken: Groslijst opstellen").click()

    expect(page.get_by_text("“Groslijst opstellen” is afgevinkt.")).to_be_visible()
    expect(page.locator("#plan-voortgang")).to_have_text(
        f"1 van {project.plan_steps.count()} stappen klaar")
    expect(page.locator(f"#stap-{step.id}")).to_contain_text("10-11-2026")
    page.screenshot(path=artifacts_dir / "project-plan-checked-off.png", full_page=True)

    step = PlanStep.objects.get(pk=step.pk)
    assert str(step.done_on) == "2026-11-10" and step.done_by == users[Role.POH_GGZ]

    page.get_by_role("link", name="Mijn taken").click()
    expect(page.locator("#mijn-taken")).not_to_contain_text("Groslijst opstellen")
    expect(page.locator("#mijn-taken")).to_contain_text("Projectgroep en afspraken vastleggen")
    page.screenshot(path=artifacts_dir / "home-poh-tasks.png", full_page=True)


def test_assistant_is_refused_project_editing_in_the_browser(
        transactional_db, live_server, page: Page, users, project, artifacts_dir):
    _log_in(page, live_server, users[Role.ASSISTENT].username)
    page.goto(f"{live_server.url}/projecten/{project.uuid}/bewerken/")
    expect(page.get_by_role("heading", name="Geen toegang")).to_be_visible()
    page.screenshot(path=artifacts_dir / "403-assistent.png", full_page=True)
