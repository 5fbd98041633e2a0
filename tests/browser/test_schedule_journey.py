"""A tapering schedule in a real browser (docs/domain.md, step 7; issue 12's journey): the
POH-GGZ opens the consult booked on the call-back screen from the start page on its day,
records it with the next step "start a schedule", and makes an NHG schedule with a switch
to diazepam for a temazepam user, watching the live preview; the GP confirms the switch;
the POH-GGZ prints it, holds a step, and on the step's date (``run_due_steps --now``)
finds the monitoring contact on the start page."""

import re
import subprocess
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from patients.models import DueItem, Participation, Role
from tapering.models import CallAttempt, Consultation, TaperSchedule
from tapering.services import call_attempt_log
from tapering.stepdata import steps_from_json
from tests.conftest import make_project
from tests.factories import PatientFactory
from tests.tapering.schedule_helpers import reference_table  # noqa: F401 - an autouse fixture

from .test_poh_journey import _log_in

pytestmark = pytest.mark.browser
S = Participation.Status
AMS = ZoneInfo("Europe/Amsterdam")
START = date(2027, 1, 4)


@pytest.fixture
def temazepam_user(practice, users, prescribe):
    """A temazepam 20 mg user reached on the call-back screen a week before, who agreed to
    an evaluation consult on the schedule's first day at 10:30."""
    project = make_project(practice, users[Role.POH_GGZ], name="Ronde najaar")
    patient = PatientFactory(practice=practice, number="800001", surname="Vermeulen",
                             prefix="", initials="H.", phone="06-33334444")
    for day in (date(2026, 10, 20), date(2026, 11, 19), date(2026, 12, 19)):
        prescribe(patient, day, atc="N05CD07", units=30, strength="20")
    part = Participation.objects.create(
        project=project, patient=patient, reference_date=date(2026, 9, 15),
        status=S.CALLBACK_DUE, next_call_on=START - timedelta(days=7),
        created_by=users[Role.POH_GGZ])
    call_attempt_log(participation=part, user=users[Role.POH_GGZ],
                     outcome=CallAttempt.Outcome.REACHED, today=START - timedelta(days=7),
                     response=CallAttempt.Response.AGREES, next_step=CallAttempt.Next.CONSULT,
                     consult_at=datetime(START.year, START.month, START.day, 10, 30,
                                         tzinfo=AMS), minutes=4)
    part.refresh_from_db()
    return part


def _at(day: date, hour: int = 9):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=AMS))


def test_nhg_schedule_with_switch_confirmed_printed_held_and_followed_up(
        transactional_db, live_server, page: Page, users, temazepam_user, artifacts_dir):
    part = temazepam_user
    base = f"{live_server.url}/afbouw"
    with _at(START):
        # On the consult's day the POH-GGZ opens it from the start page and records it.
        _log_in(page, live_server, users[Role.POH_GGZ].username)
        consults = page.locator("#consulten-vandaag")
        expect(consults).to_contain_text("10:30")
        consults.get_by_role("link", name=re.compile("H. Vermeulen")).click()
        page.get_by_label("Bestede minuten").fill("30")
        page.get_by_label("Aantekeningen").fill("Wil afbouwen, slaapt matig.")
        page.get_by_label("starten met een afbouwschema").check()
        page.get_by_role("button", name="Consult opslaan").click()
        # The schedule form opens, filled in from the prescriptions.
        expect(page).to_have_url(
            re.compile(rf"/afbouwschema/{part.project.uuid}/{part.uuid}/maken/$"))
        expect(page.get_by_label("Middel")).to_have_value("N05CD07")
        expect(page.get_by_label("Sterkte van de tablet (mg)")).to_have_value("20")
        expect(page.locator("#voorschrift-hint")).to_contain_text("ongeveer")
        expect(page.get_by_label("NHG")).to_be_checked()
        expect(page.get_by_label("Eerst overstappen op diazepam")).to_be_checked()
        expect(page.locator("#voorbeeld-leeg")).to_be_visible()
        page.get_by_label("Dosis per dag nu (mg)").fill("20")
        # The live preview follows the form.
        preview = page.locator("#voorbeeld")
        expect(preview.locator("#voorbeeld-tabel")).to_be_visible()
        expect(preview.locator("#voorbeeld-omzetting")).to_contain_text(
            "20 mg temazepam per dag wordt 10 mg diazepam per dag")
        expect(preview.locator("svg[role=img]")).to_be_visible()
        expect(preview.locator("#voorbeeld-tabel tbody tr:not(.step-note)")).to_have_count(5)
        page.get_by_label("deprescribing.org").check()
        expect(preview.locator("#voorbeeld-tabel tbody tr:not(.step-note)")).not_to_have_count(5)
        page.get_by_label("NHG").check()
        expect(preview.locator("#voorbeeld-tabel tbody tr:not(.step-note)")).to_have_count(5)
        page.screenshot(path=artifacts_dir / "schedule-form-preview.png", full_page=True)
        page.get_by_role("button", name="Schema opslaan").click()

        expect(page.get_by_text("Afbouwschema opgeslagen.")).to_be_visible()
        expect(page.locator("#omzetting-status")).to_contain_text("Wacht op bevestiging")
        expect(page.locator("#afdrukken-uit button")).to_be_disabled()
        expect(page.locator("#afdrukken")).to_have_count(0)
        expect(page.locator("#schema-tabel tr[aria-current=step]")).to_contain_text("0")
        page.screenshot(path=artifacts_dir / "schedule-waiting-for-gp.png", full_page=True)
        part.refresh_from_db()
        assert part.status == S.TAPERING
        assert part.consultations.get().status == Consultation.Status.HELD

        # The GP finds it on the start page and confirms the diazepam dose.
        page.context.clear_cookies()
        _log_in(page, live_server, users[Role.HUISARTS].username)
        waiting = page.locator("#schema-bevestigen")
        expect(waiting).to_contain_text("1 afbouwschema wacht op uw bevestiging")
        waiting.get_by_role("link", name="H. Vermeulen").click()
        expect(page.locator("#omzetting")).to_contain_text("Ashton")
        expect(page.locator("#omzetting-dosis")).to_have_text("10 mg diazepam per dag")
        page.screenshot(path=artifacts_dir / "schedule-gp-confirm.png", full_page=True)
        page.get_by_role("button", name="Bevestig 10 mg diazepam per dag").click()
        expect(page.get_by_text("Omzetting naar diazepam bevestigd.")).to_be_visible()
        expect(page.locator("#omzetting-status")).to_contain_text("Bevestigd door dr.")

        # The POH-GGZ prints it: page 1 of the PDF kept as a picture.
        page.context.clear_cookies()
        _log_in(page, live_server, users[Role.POH_GGZ].username)
        page.goto(f"{base}/afbouwschema/{part.project.uuid}/{part.uuid}/")
        printing = page.locator("#afdrukken")
        expect(printing).to_be_enabled()
        pdf = page.request.get(live_server.url + printing.get_attribute("href"))
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
        assert "afbouwschema-800001-2027-01-04.pdf" in pdf.headers["content-disposition"]
        pdf_path = artifacts_dir / "schedule-printout.pdf"
        pdf_path.write_bytes(pdf.body())
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                        str(pdf_path), str(artifacts_dir / "schedule-printout-page-1")],
                       check=True)
        assert (artifacts_dir / "schedule-printout-page-1.png").stat().st_size > 10_000

        # Withdrawal is hard: hold the step of today a week longer, with a reason.
        page.get_by_label("Deze stap langer aanhouden").check()
        page.get_by_label("Hoeveel dagen langer").fill("7")
        page.get_by_label("Reden", exact=True).fill("slaapt slecht, onrustig")
        page.get_by_role("button", name="Schema aanpassen").click()
        expect(page.get_by_text("Schema aangepast: versie 2.")).to_be_visible()
        expect(page.locator("#versies")).to_contain_text("slaapt slecht, onrustig")
        expect(page.locator("#omzetting-status")).to_contain_text("Bevestigd door dr.")
        page.screenshot(path=artifacts_dir / "schedule-held.png", full_page=True)
        page.set_viewport_size({"width": 375, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.screenshot(path=artifacts_dir / "schedule-held-375.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})

    schedule = TaperSchedule.objects.get(participation=part)
    steps = steps_from_json(schedule.current.steps)
    step_1 = steps[1].start
    assert step_1 == START + timedelta(days=14)  # a week of diazepam, held a week longer
    item = DueItem.objects.get(participation=part, kind=DueItem.Kind.TAPER_STEP,
                               done_at__isnull=True, cancelled_at__isnull=True)
    assert item.due_on == step_1

    # Not the day before; on the step's date the lead has a monitoring contact.
    call_command("run_due_steps", "--now", (step_1 - timedelta(days=1)).isoformat())
    assert not DueItem.objects.filter(kind=DueItem.Kind.MONITOR_CONTACT).exists()
    call_command("run_due_steps", "--now", step_1.isoformat())
    with _at(step_1):
        assert timezone.localdate() == step_1
        page.context.clear_cookies()
        _log_in(page, live_server, users[Role.POH_GGZ].username)
        reminders = page.locator("#herinneringen")
        expect(reminders).to_contain_text("stap 1: 7,5 mg diazepam per dag")
        expect(reminders).to_contain_text("H. Vermeulen")
        expect(reminders.get_by_role("button", name="Klaar")).to_be_visible()
        page.screenshot(path=artifacts_dir / "schedule-monitoring-contact.png", full_page=True)
        reminders.get_by_role("link", name="contactmoment").click()
        expect(page.locator("#schema-tabel tr[aria-current=step]")).to_contain_text("1")
        expect(page.locator("#vandaag")).to_contain_text("7,5 mg diazepam per dag")
