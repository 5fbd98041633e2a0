"""Questionnaires, the relapse-prevention plan and the outcome in a real browser (issue 13's
journey; docs/domain.md#questionnaires, #relapse-plan, #outcomes): the POH-GGZ records a
BWSQ at two contacts a week apart, sees the trend and the suggestion to hold the step,
holds it, makes and prints a relapse-prevention plan, and records the outcome "stopped"."""

import io
import re
import subprocess
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from patients.models import Participation, Role
from tapering.models import QuestionnaireResponse, RelapsePlan, TaperSchedule
from tests.conftest import make_project
from tests.tapering.schedule_helpers import (
    START,
    consult_planned,
    make,
    reference_table,  # noqa: F401 - an autouse fixture
)

from .test_poh_journey import _log_in

pytestmark = pytest.mark.browser
S = Participation.Status
AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def tapering_patient(practice, users, prescribe):
    """A temazepam user whose NHG schedule (a week of diazepam, then step 1) began on START."""
    project = make_project(practice, users[Role.POH_GGZ], name="Ronde voorjaar")
    part = consult_planned(project, users, prescribe=prescribe)
    make(part, users, today=START)
    part.refresh_from_db()
    assert part.status == S.TAPERING
    return part


def _at(day: date, hour: int = 10):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=AMS))


def _fill_bwsq(page: Page, scores: dict[int, int]) -> None:
    """Open the BWSQ from the timeline and answer every symptom (0 unless given)."""
    page.locator("#vragenlijsten-knop").click()
    expect(page.get_by_role("heading", name="Vragenlijsten")).to_be_visible()
    page.locator("#vragenlijst-keuze").get_by_role("link", name="BWSQ").click()
    for number in range(1, 21):
        page.locator(f"#id_item_{number}_{scores.get(number, 0)}").check()
    page.get_by_role("button", name="Opslaan").click()


def test_bwsq_twice_trend_hold_relapse_plan_and_outcome_stopped(
        transactional_db, live_server, page: Page, users, tapering_patient, artifacts_dir):
    part = tapering_patient
    timeline = f"{live_server.url}/afbouw/tijdlijn/{part.project.uuid}/{part.uuid}/"

    # First contact, in the diazepam week: a few mild complaints.
    with _at(START + timedelta(days=2)):
        _log_in(page, live_server, users[Role.POH_GGZ].username)
        page.goto(timeline)
        _fill_bwsq(page, {1: 1, 5: 1})
        expect(page.locator(".alert-success")).to_contain_text("is opgeslagen")
        answers = page.locator("#vragenlijst-antwoorden tbody tr")
        expect(answers).to_have_count(1)
        expect(answers.first).to_contain_text("2/40")
        expect(page.locator("#verloop-bwsq svg circle")).to_have_count(1)

    # Second contact, a week later in step 1: worse.
    with _at(START + timedelta(days=9)):
        page.context.clear_cookies()
        _log_in(page, live_server, users[Role.POH_GGZ].username)
        page.goto(timeline)
        _fill_bwsq(page, {1: 2, 2: 2, 5: 1, 7: 2, 12: 1})
        expect(page.locator(".alert-success")).to_contain_text("is opgeslagen")
        trend = page.locator("#verloop-bwsq")
        expect(trend.locator("svg circle")).to_have_count(2)
        expect(trend.locator("svg")).to_contain_text("stap 1")
        expect(trend.locator("svg text", has_text=re.compile(r"^8$"))).to_have_count(1)
        page.screenshot(path=artifacts_dir / "questionnaires-trend.png", full_page=True)
        page.set_viewport_size({"width": 375, "height": 800})
        page.screenshot(path=artifacts_dir / "questionnaires-trend-375.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.set_viewport_size({"width": 1280, "height": 900})

        # The schedule page suggests holding the step, and shows the same trend.
        page.goto(timeline)
        page.locator("#afbouwschema-knop").click()
        suggestion = page.locator("#bwsq-suggestie")
        expect(suggestion).to_contain_text("met 6 punten")
        expect(suggestion).to_contain_text("van 2 naar 8")
        expect(page.locator("#bwsq-verloop svg circle")).to_have_count(2)
        page.screenshot(path=artifacts_dir / "schedule-bwsq-suggestion.png", full_page=True)
        suggestion.get_by_role("button", name="Houd deze stap 7 dagen langer vast").click()
        expect(page.get_by_text("Uw besluit is vastgelegd.")).to_be_visible()
        expect(page.locator("#bwsq-suggestie")).to_have_count(0)
        expect(page.locator("#versies")).to_contain_text("BWSQ")

        # The relapse-prevention plan, made with the patient and printed for them.
        page.goto(timeline)
        page.locator("#terugvalplan-knop").click()
        expect(page.locator("#geen-plan")).to_be_visible()
        page.locator("#plan-bewerken").click()
        stable, early, worse = (page.locator(f"#fase-{key}")
                                for key in ("stable", "early", "worse"))
        stable.get_by_label("Gedachten").fill("Ik kan het aan.")
        stable.get_by_label("Wat helpt").fill("Elke ochtend wandelen met de hond.")
        early.get_by_label("Lichaam").fill("Twee nachten slecht slapen.")
        early.get_by_label("Wat helpt").fill("Ontspanningsoefening voor het slapen.")
        early.get_by_label("Wie bel ik, en wanneer").fill("De POH-GGZ bellen binnen een week.")
        worse.get_by_label("Gevoelens").fill("Paniek, overal tegenop zien.")
        worse.get_by_label("Wie bel ik, en wanneer").fill("Dezelfde dag de huisarts bellen.")
        page.get_by_label("Veiligheidsafspraken").fill("Geen extra tabletten in huis.")
        page.locator("#id_people-0-name").fill("Marieke Smit")
        page.locator("#id_people-0-relation").fill("dochter")
        page.locator("#id_people-0-role").fill("belt als het slechter gaat")
        page.locator("#id_people-0-may_contact").check()
        page.locator("#plan-opslaan").click()
        expect(page.get_by_text("Terugvalpreventieplan opgeslagen: versie 1.")).to_be_visible()
        expect(page.locator("#fase-early")).to_contain_text("Twee nachten slecht slapen.")
        expect(page.locator("#mensen")).to_contain_text("Marieke Smit")
        pdf = page.request.get(live_server.url
                               + page.locator("#plan-afdrukken").get_attribute("href"))
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
        for expected in ("Elke ochtend wandelen", "Twee nachten slecht slapen",
                         "Dezelfde dag de huisarts bellen", "Geen extra tabletten in huis",
                         "Marieke Smit"):
            assert expected in " ".join(text.split())
        pdf_path = artifacts_dir / "journey-relapse-plan.pdf"
        pdf_path.write_bytes(pdf.body())
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                        str(pdf_path), str(artifacts_dir / "journey-relapse-plan-page-1")],
                       check=True)

    # Weeks later the patient has stopped: the outcome is recorded.
    stopped_on = START + timedelta(days=60)
    with _at(stopped_on):
        page.context.clear_cookies()
        _log_in(page, live_server, users[Role.POH_GGZ].username)
        page.goto(timeline)
        page.locator("#uitkomst-knop").click()
        page.locator("#uitkomst-stopped").check()
        page.get_by_label("Datum").fill(stopped_on.isoformat())
        page.get_by_role("button", name="Uitkomst opslaan").click()
        expect(page.get_by_text("Uitkomst vastgelegd: gestopt.")).to_be_visible()
        page.goto(timeline)
        expect(page.locator("#uitkomst-knop")).to_have_text("Uitkomst wijzigen")
        expect(page.get_by_text("gestopt").first).to_be_visible()
        page.screenshot(path=artifacts_dir / "timeline-outcome-stopped.png", full_page=True)

    part.refresh_from_db()
    assert part.outcome == "stopped" and part.outcome_on == stopped_on
    totals = list(QuestionnaireResponse.objects.filter(participation=part)
                  .order_by("taken_on").values_list("scores__total", "step"))
    assert totals == [(2, 0), (8, 1)]
    schedule = TaperSchedule.objects.get(participation=part)
    assert schedule.current.change == "hold"
    assert RelapsePlan.objects.get(participation=part).versions.count() == 1
