"""The GP records an agreement for a new starter (Debian's Chromium, PostgreSQL): the start
page counts the GP's new starters without an agreement, the list opens on them, the GP
records the agreement and sees it listed (docs/domain.md#new-starters, issue 16 point 1)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from patients.models import GpNameMapping, Role, StarterAgreement
from tests.browser.test_poh_journey import _password_and_code
from tests.factories import PatientFactory

pytestmark = pytest.mark.browser


def test_the_gp_records_an_agreement_for_a_new_starter(
        transactional_db, live_server, page: Page, users, practice, prescribe, artifacts_dir):
    gp = users[Role.HUISARTS]
    GpNameMapping.objects.create(practice=practice, export_name="E. Jansen", user=gp,
                                 confirmed_at=timezone.now())
    today = timezone.localdate()
    starter = PatientFactory(practice=practice, surname="Verhoeven", prefix="", initials="L.",
                             gp_name="E. Jansen")
    prescribe(starter, today - timedelta(days=12), atc="N05CD07")
    chronic = PatientFactory(practice=practice, surname="Langgebruik", gp_name="E. Jansen")
    prescribe(chronic, today - timedelta(days=200))
    prescribe(chronic, today - timedelta(days=12))

    page.goto(f"{live_server.url}/")
    _password_and_code(page, gp.username, "geheim-wachtwoord-123")
    expect(page.get_by_role("heading", name="Mijn taken")).to_be_visible()
    task = page.locator("#nieuwe-starters-taak")
    expect(task).to_contain_text("1 nieuwe starter zonder afspraak")
    expect(task).not_to_contain_text("Verhoeven")  # the start page names no patient
    page.screenshot(path=artifacts_dir / "new-starters-start-page.png", full_page=True)
    task.get_by_role("link", name="1 nieuwe starter zonder afspraak").click()

    expect(page.get_by_role("heading", name="Nieuwe starters")).to_be_visible()
    table = page.locator("#nieuwe-starters-tabel")
    expect(table).to_contain_text("L. Verhoeven")
    expect(table).not_to_contain_text("Langgebruik")  # used before: no new starter
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=artifacts_dir / f"new-starters-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    table.get_by_role("link", name="Afspraak vastleggen").click()

    expect(page.get_by_role("heading", name="L. Verhoeven")).to_be_visible()
    form = page.locator("#afspraak-formulier")
    review_on = today + timedelta(days=16)
    form.get_by_label("Bedoelde duur in weken").fill("2")
    form.get_by_role("radio", name="evaluatiedatum").check()
    form.get_by_role("textbox", name="Stop- of evaluatiedatum").fill(review_on.isoformat())
    form.get_by_label("adviezen over slaaphygiëne").check()
    form.get_by_label("gesprek met de POH-GGZ").check()
    form.get_by_label("Toelichting").fill(
        "Slaapt slecht sinds de verhuizing; over twee weken samen kijken.")
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=artifacts_dir / f"new-starter-form-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    form.get_by_role("button", name="Afspraak opslaan").click()

    expect(page.get_by_text("De afspraak is opgeslagen.")).to_be_visible()
    agreement_block = page.locator("#afspraak")
    expect(agreement_block).to_contain_text("2 weken")
    expect(agreement_block).to_contain_text(review_on.strftime("%d-%m-%Y"))
    expect(agreement_block).to_contain_text("adviezen over slaaphygiëne, gesprek met de POH-GGZ")
    page.screenshot(path=artifacts_dir / "new-starter-agreement.png", full_page=True)
    agreement = StarterAgreement.objects.get()
    assert agreement.gp == gp and agreement.end_on == review_on
    assert agreement.started_on == today - timedelta(days=12)

    page.get_by_role("navigation").get_by_role("link", name="Nieuwe starters").first.click()
    row = page.locator("#nieuwe-starters-tabel tr", has_text="L. Verhoeven")
    expect(row).to_contain_text(f"evaluatiedatum: {review_on.strftime('%d-%m-%Y')}")
    expect(row).not_to_contain_text("nog geen afspraak")
    expect(page.locator("#nieuwe-starters-tabel")).not_to_contain_text("nog geen afspraak")
    page.goto(f"{live_server.url}/")
    expect(page.locator("#nieuwe-starters-taak")).to_have_count(0)


def test_the_dashboard_shows_new_starters_per_gp_per_month(
        transactional_db, live_server, page: Page, users, practice, project, prescribe,
        artifacts_dir):
    today = timezone.localdate()
    # Data reaching back over a year, so the months count (docs/domain.md#new-starters).
    prescribe(PatientFactory(practice=practice, gp_name="E. Jansen"),
              today - timedelta(days=800))
    for gp_name, days in (("E. Jansen", 3), ("E. Jansen", 40), ("S. de Boer", 70)):
        prescribe(PatientFactory(practice=practice, gp_name=gp_name, surname="Dashstarter"),
                  today - timedelta(days=days))
    page.goto(f"{live_server.url}/")
    _password_and_code(page, users[Role.HUISARTS].username, "geheim-wachtwoord-123")
    page.goto(f"{live_server.url}{_dashboard_path(project)}")
    section = page.locator("#nieuwe-starters")
    expect(section.get_by_role("heading")).to_have_text("Nieuwe starters per huisarts per maand")
    expect(section).to_contain_text("E. Jansen")
    expect(section).not_to_contain_text("Dashstarter")
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        section.screenshot(path=artifacts_dir / f"dashboard-new-starters-{width}.png")


def _dashboard_path(project) -> str:
    from django.urls import reverse

    return reverse("monitoring:dashboard", kwargs={"project_uuid": project.uuid})
