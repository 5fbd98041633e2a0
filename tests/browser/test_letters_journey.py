"""The assistant prints a run of stop letters, downloads it and marks it mailed; a letter
not received goes with the next print run of re-sends (real browser).

Page 1 of the downloaded PDF is saved as a PNG (pdftoppm) in test-artifacts/, to look at:
it must look like a letter a practice would send.
"""

import re
import subprocess
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from letters.models import Letter, LetterKind, LetterRun, ResendRequest
from letters.services import gp_signature_set, practice_logo_set
from patients.models import DueItem, Participation, Role
from patients.services import participation_letter_mailed
from patients.workflow import participation_move
from tests.letters.helpers import (
    on_mailing_list,
    pdf_pages_text,
    practice_logo_png,
    signature_png,
)

from .test_poh_journey import _log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def mailing_list(practice, users, project):
    practice.street, practice.postcode, practice.city = "Lindelaan 12", "6871 AB", "Renkum"
    practice.phone, practice.email = "0317-123456", "info@delinde.example"
    practice.save()
    gp, poh = users[Role.HUISARTS], users[Role.POH_GGZ]
    gp.first_name, gp.last_name = "Mehmet", "Öztürk"
    gp.save()
    poh.first_name, poh.last_name = "Sanne", "Visser"
    poh.save()
    project.gps.set([gp])
    practice_logo_set(practice=practice, data=practice_logo_png(), user=poh)
    gp_signature_set(practice=practice, user=gp, data=signature_png())
    return [
        on_mailing_list(project, gp, rank=1, sex="V", initials="T.", prefix="van den",
                        surname="Berg", gp_name="M. Öztürk", atc="N05CD07", strength="20"),
        on_mailing_list(project, gp, rank=2, sex="M", initials="H.J.", prefix="de",
                        surname="Vries", street="Kerkstraat", house_number="3",
                        postcode="6871 CD", city="Renkum", atc="N05BA04", strength="10"),
        on_mailing_list(project, gp, rank=3, sex="V", initials="A.", prefix="",
                        surname="Bakker", street="Dorpsweg", house_number="117a",
                        postcode="6874 AA", city="Zevenaar", atc="N05BA06", strength="0.5"),
    ]


def test_assistant_prints_downloads_and_marks_a_run_mailed(
        transactional_db, live_server, page: Page, users, project, mailing_list,
        artifacts_dir, tmp_path):
    _log_in(page, live_server, users[Role.ASSISTENT].username)
    page.get_by_role("link", name="Brieven", exact=True).click()
    page.get_by_role("link", name=re.compile(project.name)).click()
    expect(page.locator("#verzendlijst tbody tr")).to_have_count(3)
    expect(page.locator("#verzendlijst")).to_contain_text("M. Öztürk")
    page.screenshot(path=artifacts_dir / "letters-mailing-list.png", full_page=True)

    page.get_by_role("button", name="Printrun maken (3 brieven)").click()
    expect(page.locator("#printrun-status")).to_have_text("klaar om te printen")
    expect(page.locator("#brieven tbody tr")).to_have_count(3)
    with page.expect_download() as download_info:
        page.locator("#download-brieven").click()
    download = download_info.value
    assert re.fullmatch(r"brieven-\d{8}-\d{4}\.pdf", download.suggested_filename)
    pdf_path = tmp_path / download.suggested_filename
    download.save_as(pdf_path)
    pages = pdf_pages_text(pdf_path.read_bytes())
    assert len(PdfReader(pdf_path).pages) == 3 == len(pages)
    assert "Geachte mevrouw Van den Berg," in pages[0] and "temazepam 20 mg" in pages[0]
    assert "Geachte heer De Vries," in pages[1] and "oxazepam 10 mg" in pages[1]
    assert "Geachte mevrouw Bakker," in pages[2] and "lorazepam 0,5 mg" in pages[2]
    # Page 1 as an image, to look at (the letter a patient gets).
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf_path), str(artifacts_dir / "letter-page-1")], check=True)
    assert (artifacts_dir / "letter-page-1.png").stat().st_size > 10_000
    page.screenshot(path=artifacts_dir / "letters-run-ready.png", full_page=True)

    page.get_by_label("Verstuurd op").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Verstuurd", exact=True).click()
    expect(page.get_by_text(re.compile(r"Gemarkeerd als verstuurd op"))).to_be_visible()
    expect(page.locator("#verstuurd-op")).to_contain_text("Verstuurd op")
    page.screenshot(path=artifacts_dir / "letters-run-mailed.png", full_page=True)
    run = LetterRun.objects.get()
    assert run.mailed_on == timezone.localdate() and run.mailed_by == users[Role.ASSISTENT]
    for participation in Participation.objects.all():
        assert participation.status == "letter_sent"
        assert participation.letter_sent_on == timezone.localdate()

    # Every letter is on the patient's record, with its PDF.
    page.get_by_role("link", name=re.compile(r"T\. van den Berg")).first.click()
    expect(page.locator("#brieven-patient")).to_contain_text("Stopbrief")
    expect(page.locator("#brieven-patient")).to_contain_text("verstuurd")
    page.screenshot(path=artifacts_dir / "letters-patient-record.png", full_page=True)


def test_poh_edits_the_letter_text_with_preview_and_refused_placeholder(
        transactional_db, live_server, page: Page, users, project, mailing_list, artifacts_dir):
    _log_in(page, live_server, users[Role.POH_GGZ].username)
    page.goto(f"{live_server.url}/brieven/teksten/")
    page.get_by_role("link", name=re.compile("^Stopbrief Onderwerp")).click()
    expect(page.locator("#voorbeeld")).to_contain_text("Geachte mevrouw De Vries,")
    page.get_by_label("Voorbeeld voor").select_option(label=f"T. van den Berg – {project.name}")
    page.get_by_role("button", name="Voorbeeld", exact=True).click()
    expect(page.locator("#voorbeeld")).to_contain_text("Geachte mevrouw Van den Berg,")
    expect(page.locator("#leesbaarheid")).to_contain_text("woorden per zin")
    page.screenshot(path=artifacts_dir / "letters-text-editor.png", full_page=True)
    body = page.get_by_label("Tekst", exact=True)
    body.fill(body.input_value() + "\nGroeten van {assistente}.")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#tekst-fout")).to_contain_text("Onbekend invulveld: {assistente}.")
    page.screenshot(path=artifacts_dir / "letters-text-refused.png", full_page=True)


def test_without_a_phone_number_the_assistant_is_told_why_nothing_prints(
        transactional_db, live_server, page: Page, users, project, practice, mailing_list,
        artifacts_dir):
    practice.phone = ""
    practice.save()
    _log_in(page, live_server, users[Role.ASSISTENT].username)
    page.get_by_role("link", name="Brieven", exact=True).click()
    page.get_by_role("link", name=re.compile(project.name)).click()
    expect(page.locator("#geen-telefoon")).to_contain_text(
        "De praktijk heeft nog geen telefoonnummer")
    expect(page.get_by_role("button", name="Printrun maken (3 brieven)")).to_be_disabled()
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=artifacts_dir / "letters-no-phone-375.png", full_page=True)
    assert not LetterRun.objects.exists()


AMS = ZoneInfo("Europe/Amsterdam")
CALLED = date(2026, 11, 2)  # a Monday
PRINTED = date(2026, 11, 4)


@pytest.fixture
def waiting_for_call(practice, users, project):
    """J. Jansen, mailed on 1 October 2026 and due for the call-back on 2 November."""
    practice.street, practice.postcode, practice.city = "Lindelaan 12", "6871 AB", "Renkum"
    practice.phone = "0317-123456"
    practice.save()
    gp = users[Role.HUISARTS]
    project.gps.set([gp])
    participation = on_mailing_list(project, gp, number="500001", sex="M", initials="J.",
                                    prefix="", surname="Jansen", phone="06-12341234",
                                    atc="N05BA04", strength="10")
    participation_letter_mailed(participation=participation, user=users[Role.ASSISTENT],
                                mailed_on=date(2026, 10, 1))
    participation_move(participation=participation, to=Participation.Status.CALLBACK_DUE,
                       user=None, what="wait over", fields={"next_call_on": CALLED})
    return participation


def test_a_letter_not_received_goes_with_the_next_print_run_and_the_wait_restarts_when_mailed(
        transactional_db, live_server, page: Page, users, project, waiting_for_call,
        artifacts_dir):
    # The POH-GGZ calls: the patient moved and never got the letter.
    with time_machine.travel(datetime(2026, 11, 2, 10, 0, tzinfo=AMS)):
        _log_in(page, live_server, users[Role.POH_GGZ].username)
        page.goto(live_server.url + reverse(
            "tapering:call", args=[project.uuid, waiting_for_call.uuid]))
        expect(page.locator("#adres-regel")).to_have_text("Molenlaan 64-2, 6874 JC Zevenaar")
        page.get_by_text("Adres aanpassen").click()
        page.get_by_label("Straat").fill("Kerkstraat")
        page.get_by_label("Huisnummer").fill("3")
        page.get_by_label("Postcode").fill("6871cd")
        page.get_by_label("Plaats").fill("Renkum")
        page.get_by_role("button", name="Adres opslaan").click()
        expect(page.get_by_text("Adres opgeslagen: Kerkstraat 3, 6871 CD Renkum.")).to_be_visible()
        expect(page.locator("#adres-aangepast")).to_have_text("aangepast in de app")
        page.get_by_label("bereikt", exact=True).check()
        page.get_by_label("brief niet ontvangen").check()
        page.screenshot(path=artifacts_dir / "resend-call.png", full_page=True)
        page.get_by_role("button", name="Gesprek opslaan").click()
        expect(page.get_by_text("Gesprek met J. Jansen vastgelegd.")).to_be_visible()
    waiting_for_call.refresh_from_db()
    assert waiting_for_call.status == Participation.Status.LETTER_SENT
    assert not Letter.objects.filter(kind=LetterKind.RESEND).exists()  # nothing mailed yet
    assert not _open_wait(waiting_for_call)

    # Two days later the assistant finds it on the start page, prints it and posts it.
    with time_machine.travel(datetime(2026, 11, 4, 9, 0, tzinfo=AMS)):
        page.context.clear_cookies()
        _log_in(page, live_server, users[Role.ASSISTENT].username)
        task = page.get_by_role("link", name="1 brief opnieuw te versturen")
        expect(task).to_be_visible()
        page.screenshot(path=artifacts_dir / "resend-start-page.png", full_page=True)
        task.click()
        expect(page.locator("#opnieuw-lijst")).to_contain_text("J. Jansen")
        expect(page.locator("#opnieuw-lijst")).to_contain_text("Kerkstraat 3")
        expect(page.locator("#opnieuw-lijst")).to_contain_text("aangepast in de app")
        page.screenshot(path=artifacts_dir / "resend-mailing.png", full_page=True)
        page.get_by_role("button", name="Opnieuw te versturen afdrukken (1)").click()
        expect(page.locator("#printrun-status")).to_have_text("klaar om te printen")
        expect(page.locator("#brieven")).to_contain_text("Kerkstraat 3, 6871 CD Renkum")
        run = LetterRun.objects.get(kind=LetterKind.RESEND)
        with run.merged_pdf.open("rb") as handle:
            cover, stop = pdf_pages_text(handle.read())
        assert "Kerkstraat 3" in cover and "Nogmaals onze brief over oxazepam" in cover
        assert "oxazepam 10 mg" in stop
        assert not _open_wait(waiting_for_call)  # printed, not mailed: no wait yet
        expect(page.get_by_label("Verstuurd op")).to_have_value(PRINTED.isoformat())
        page.get_by_role("button", name="Verstuurd", exact=True).click()
        expect(page.get_by_text(re.compile(r"Gemarkeerd als verstuurd op"))).to_be_visible()
        page.screenshot(path=artifacts_dir / "resend-run-mailed.png", full_page=True)
    wait = _open_wait(waiting_for_call)
    assert wait.due_on == PRINTED + timedelta(days=project.wait_days)
    request = ResendRequest.objects.get()
    assert request.mailed_on == PRINTED and request.requested_by == users[Role.POH_GGZ]


def _open_wait(participation):
    return DueItem.objects.filter(participation=participation, kind=DueItem.Kind.WAIT_ENDS,
                                  done_at__isnull=True, cancelled_at__isnull=True).first()
