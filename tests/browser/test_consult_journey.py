"""The POH-GGZ opens the consult booked on the call-back screen from the start page on its day,
reads the patient in short, and records it with the next step "start a tapering schedule";
the schedule form opens, and the timeline shows the consult (issue 12, point 1). The
schedule itself is made in test_schedule_journey.py."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Page, expect

from patients.models import Participation, Role
from tapering.models import CallAttempt, Consultation
from tapering.services import call_attempt_log
from tests.conftest import make_project
from tests.factories import PatientFactory

from .test_poh_journey import _log_in

pytestmark = pytest.mark.browser
S = Participation.Status
AMS = ZoneInfo("Europe/Amsterdam")
CONSULT_DAY = datetime(2026, 12, 7, 8, 30, tzinfo=AMS)  # a Monday


@pytest.fixture
def booked(practice, users, prescribe):
    """A temazepam user reached on the call-back screen a week before, consult on 7 December."""
    project = make_project(practice, users[Role.POH_GGZ], name="Ronde najaar")
    patient = PatientFactory(practice=practice, number="610001", surname="Visser", prefix="",
                             initials="A.", phone="06-33334444")
    prescribe(patient, date(2026, 10, 20), atc="N05CD07", strength="20", units=30)
    part = Participation.objects.create(project=project, patient=patient,
                                        reference_date=date(2026, 9, 15),
                                        status=S.CALLBACK_DUE, next_call_on=date(2026, 11, 30),
                                        created_by=users[Role.POH_GGZ])
    call_attempt_log(participation=part, user=users[Role.POH_GGZ],
                     outcome=CallAttempt.Outcome.REACHED, today=date(2026, 11, 30),
                     response=CallAttempt.Response.TRIED, next_step=CallAttempt.Next.CONSULT,
                     consult_at=datetime(2026, 12, 7, 10, 30, tzinfo=AMS), minutes=6)
    part.refresh_from_db()
    return part


def test_the_poh_records_the_booked_consult_from_the_start_page(
        transactional_db, live_server, page: Page, users, booked, artifacts_dir):
    with time_machine.travel(CONSULT_DAY):
        _log_in(page, live_server, users[Role.POH_GGZ].username)
        today = page.locator("#consulten-vandaag")
        expect(today).to_contain_text("Consulten vandaag")
        expect(today).to_contain_text("10:30")
        expect(today).to_contain_text("Evaluatiegesprek")
        page.screenshot(path=artifacts_dir / "consult-start-page.png", full_page=True)
        today.get_by_role("link", name=re.compile("A. Visser")).click()

        expect(page.locator("#patient-naam")).to_have_text("A. Visser")
        expect(page.locator("#consult-kop")).to_contain_text("07-12-2026 10:30")
        expect(page.locator("#medicatie")).to_contain_text("N05CD07 20 mg")
        expect(page.locator("#terugbelgeschiedenis")).to_contain_text("eerder geprobeerd")

        # The details of a next step show only when it is chosen (they all show without JS).
        expect(page.locator("#vraag-opnieuw")).to_be_hidden()
        page.get_by_label("nu niet: op een dag opnieuw vragen").check()
        expect(page.locator("#vraag-opnieuw")).to_be_visible()
        page.get_by_label("doorverwijzen").check()
        expect(page.locator("#verwijzing")).to_be_visible()
        expect(page.locator("#vraag-opnieuw")).to_be_hidden()

        page.get_by_label("Bestede minuten").fill("35")
        page.get_by_label("Er waren naasten bij").check()
        page.get_by_label("Wie er meekwam").fill("partner")
        page.get_by_label("Aantekeningen").fill("Slaapt slecht sinds de verhuizing.\n"
                                                 "Wil in stappen afbouwen.")
        page.get_by_label("starten met een afbouwschema").check()
        expect(page.locator("#verwijzing")).to_be_hidden()
        page.screenshot(path=artifacts_dir / "consult-page.png", full_page=True)

        page.emulate_media(media="print")
        expect(page.locator("#patient-naam")).to_be_visible()
        expect(page.locator("#consult-form")).to_be_hidden()
        page.screenshot(path=artifacts_dir / "consult-page-print.png", full_page=True)
        page.emulate_media(media="screen")

        page.set_viewport_size({"width": 375, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.screenshot(path=artifacts_dir / "consult-page-375.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})

        page.get_by_role("button", name="Consult opslaan").click()

        # "Start a schedule" opens the schedule form (test_schedule_journey.py goes on).
        expect(page).to_have_url(re.compile(
            rf"/afbouw/afbouwschema/{booked.project.uuid}/{booked.uuid}/maken/$"))
        expect(page.get_by_text("Consult met A. Visser vastgelegd: starten met een "
                                "afbouwschema.")).to_be_visible()
        page.goto(f"{live_server.url}/afbouw/tijdlijn/{booked.project.uuid}/{booked.uuid}/")
        consults = page.locator("#consulten")
        expect(consults).to_contain_text("07-12-2026 10:30")
        expect(consults).to_contain_text("gehouden")
        expect(consults).to_contain_text("starten met een afbouwschema")
        expect(consults).to_contain_text("Slaapt slecht")
        expect(page.locator("#tijdlijn")).to_contain_text(
            "evaluatiegesprek op 07-12-2026 10:30 gehouden door")
        page.screenshot(path=artifacts_dir / "consult-timeline.png", full_page=True)
        page.set_viewport_size({"width": 375, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.screenshot(path=artifacts_dir / "consult-timeline-375.png", full_page=True)

        # Back on the start page the consult is done: nothing left to record today.
        page.goto(f"{live_server.url}/")
        expect(page.locator("#consulten-vandaag")).to_have_count(0)

    booked.refresh_from_db()
    assert booked.status == S.TAPERING
    consult = booked.consultations.get()
    assert consult.status == Consultation.Status.HELD and consult.minutes == 35
    assert consult.relatives_who == "partner"
