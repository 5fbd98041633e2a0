"""The assistant notes a call, the POH-GGZ calls back (opening line on the screen) and finds
the patient on the agreed day; a patient not yet due is called only through "Toch nu bellen"."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import Page, expect

from patients.models import Participation, Role
from patients.services import participation_letter_mailed
from tests.conftest import make_project
from tests.factories import PatientFactory

from .test_poh_journey import _log_in

pytestmark = pytest.mark.browser
S = Participation.Status


@pytest.fixture
def letter_sent(practice, users):
    project = make_project(practice, users[Role.POH_GGZ], name="Ronde najaar")
    patient = PatientFactory(practice=practice, number="600001", surname="Hendriks", prefix="",
                             initials="J.", phone="06-11112222", city="Renkum")
    part = Participation.objects.create(project=project, patient=patient,
                                        reference_date=date(2026, 9, 15), status=S.MAILING,
                                        created_by=users[Role.POH_GGZ])
    participation_letter_mailed(participation=part, user=users[Role.ASSISTENT],
                                mailed_on=date(2026, 11, 2))
    return part


def test_a_call_noted_at_the_desk_is_called_back_and_found_again_on_the_agreed_day(
        transactional_db, live_server, page: Page, users, letter_sent, artifacts_dir):
    _log_in(page, live_server, users[Role.ASSISTENT].username)
    page.get_by_role("link", name="Telefoontje noteren").first.click()
    page.get_by_label("Zoeken").fill("Hendriks")
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_role("link", name=re.compile("J. Hendriks")).click()
    expect(page.locator("#balie-antwoord")).to_contain_text("zal u snel terugbellen")
    page.get_by_label("wil teruggebeld worden").check()
    page.get_by_label("Toelichting").fill("liefst na 14 uur")
    page.screenshot(path=artifacts_dir / "phone-note.png", full_page=True)
    page.get_by_role("button", name="Telefoontje noteren").click()
    expect(page.get_by_text("Telefoontje van J. Hendriks genoteerd")).to_be_visible()

    page.context.clear_cookies()
    _log_in(page, live_server, users[Role.POH_GGZ].username)
    page.locator("#terugbellen-taak").click()
    due = page.locator("#terugbellen-vandaag")
    expect(due).to_contain_text("J. Hendriks")
    expect(due).to_contain_text("zelf gebeld")
    expect(due).to_contain_text("liefst na 14 uur")
    page.screenshot(path=artifacts_dir / "callbacks.png", full_page=True)

    due.get_by_role("link", name="J. Hendriks").click()
    poh = users[Role.POH_GGZ].get_full_name()
    expect(page.locator("#openingszin")).to_be_visible()
    expect(page.locator("#openingszin")).to_contain_text(
        f"u spreekt met {poh}, praktijkondersteuner bij Huisartsenpraktijk De Linde")
    expect(page.locator("#nog-niet-aan-de-beurt")).to_have_count(0)  # phoned: due at once
    page.get_by_label("bereikt", exact=True).check()
    page.get_by_label("wil wel, maar niet nu").check()
    expect(page.get_by_text("wat het op dit moment moeilijk maakt")).to_be_visible()
    expect(page.get_by_label("op een afgesproken dag opnieuw bellen")).to_be_checked()
    page.get_by_label("Afgesproken dag om opnieuw te bellen of te vragen").fill("2027-01-18")
    page.get_by_label("Minuten", exact=True).fill("6")
    page.screenshot(path=artifacts_dir / "call-screen.png", full_page=True)
    page.get_by_role("button", name="Gesprek opslaan").click()

    expect(page.get_by_text("Gesprek met J. Hendriks vastgelegd.")).to_be_visible()
    expect(page.locator("#terugbellen-vandaag")).not_to_contain_text("J. Hendriks")
    expect(page.locator("#terugbellen-afgesproken")).to_contain_text("18-01-2027")

    call_command("run_due_steps", "--now", "2027-01-18")
    letter_sent.refresh_from_db()
    assert letter_sent.status == S.CALLBACK_DUE

    # On the agreed day the POH-GGZ starts a new working day (yesterday's session has expired).
    with time_machine.travel(datetime(2027, 1, 18, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))):
        page.context.clear_cookies()
        _log_in(page, live_server, users[Role.POH_GGZ].username)
        expect(page.locator("#terugbellen-taak")).to_contain_text("1 patiënt om vandaag terug")
        page.locator("#terugbellen-taak").click()
        expect(page.locator("#terugbellen-vandaag")).to_contain_text("J. Hendriks")
        page.screenshot(path=artifacts_dir / "callbacks-on-agreed-day.png", full_page=True)

        # No answer: logged, and the patient moves to "Binnenkort" (three working days on).
        page.locator("#terugbellen-vandaag").get_by_role("link", name="J. Hendriks").click()
        page.get_by_label("niet bereikt", exact=True).check()
        page.get_by_role("button", name="Gesprek opslaan").click()
        expect(page.get_by_text("Gesprek met J. Hendriks vastgelegd.")).to_be_visible()
        upcoming = page.locator("#terugbellen-later")
        expect(upcoming).to_contain_text("J. Hendriks")
        expect(upcoming).to_contain_text("21-01-2027")

        # Calling again the same day asks for "Toch nu bellen" and refuses without it.
        upcoming.get_by_role("link", name="J. Hendriks").click()
        expect(page.locator("#nog-niet-aan-de-beurt")).to_contain_text(
            "Nog niet aan de beurt")
        expect(page.locator("#pogingen-geteld")).to_contain_text("1 van 3")
        page.get_by_label("niet bereikt", exact=True).check()
        page.get_by_role("button", name="Gesprek opslaan").click()
        expect(page.get_by_role("alert")).to_contain_text("Vink dan ‘Toch nu bellen’ aan")
        page.screenshot(path=artifacts_dir / "call-not-yet-due.png", full_page=True)
        page.set_viewport_size({"width": 375, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.screenshot(path=artifacts_dir / "call-not-yet-due-375.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.get_by_label("niet bereikt", exact=True).check()
        page.get_by_label("Toch nu bellen").check()
        page.get_by_role("button", name="Gesprek opslaan").click()
        expect(page.get_by_text("Gesprek met J. Hendriks vastgelegd.")).to_be_visible()
        expect(page.locator("#terugbellen-later")).to_contain_text("21-01-2027")  # unchanged

        page.locator("#terugbellen-later").get_by_role("link", name="J. Hendriks").click()
        attempts = page.locator("#eerdere-pogingen")
        expect(attempts).to_contain_text("toch nu gebeld")
        expect(attempts).to_contain_text("telde niet mee voor het maximum")
        expect(page.locator("#pogingen-geteld")).to_contain_text("1 van 3")
        page.get_by_role("link", name="Tijdlijn").click()
        expect(page.get_by_text("toch nu gebeld, vóór de geplande dag 21-01-2027")).to_be_visible()
