"""The letter pages: mailing screen, print run, texts, logo and signature."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from letters import tasks
from letters.models import GpSignature, LetterKind, LetterRun, LetterTemplate
from patients.models import AuditEvent, Participation, Role

from .helpers import SVG_LOGO, on_mailing_list, pdf_pages_text, png_bytes

S = Participation.Status


@pytest.fixture
def mailing(letter_project, gp):
    first = on_mailing_list(letter_project, gp, rank=1, sex="V", initials="T.",
                            prefix="van den", surname="Berg", gp_name="M. Öztürk")
    # A note the GP left while screening: the assistant must never see it.
    Participation.objects.filter(pk=first.pk).update(
        proposal_note="psychiatrische voorgeschiedenis", proposal_reason="other_indication")
    second = on_mailing_list(letter_project, gp, rank=2, sex="M", initials="J.", prefix="de",
                             surname="Vries", gp_name="S. van Dam")
    return [first, second]


def action_url(name: str, kind_slug: str) -> str:
    """One of the text editor's buttons: each posts to its own view."""
    return reverse(f"letters:{name}") + f"?soort={kind_slug}"


def images_in(pdf: bytes) -> int:
    reader = PdfReader(io.BytesIO(pdf))
    return sum(len(page.images) for page in reader.pages)


def test_the_assistant_sees_names_addresses_signers_and_no_screening_notes(
        client_for, assistant, letter_project, mailing):
    response = client_for(assistant).get(reverse("letters:mailing",
                                                 args=[letter_project.uuid]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "T. van den Berg" in page and "Molenlaan 64-2" in page and "6874 JC Zevenaar" in page
    assert "M. Öztürk" in page and "S. van Dam" in page  # who signs each letter
    assert "Printrun maken (2 brieven)" in page
    assert "psychiatrische" not in page and "other_indication" not in page
    assert "temazepam" not in page  # no medication on the mailing screen


def test_print_download_and_mark_mailed_through_the_pages(client_for, assistant, letter_project,
                                                          mailing):
    client = client_for(assistant)
    response = client.post(reverse("letters:run-create", args=[letter_project.uuid]),
                           {"kind": "stop"})
    run = LetterRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("letters:run-detail",
                                                                    args=[run.uuid])
    page = client.get(response.url).content.decode()
    assert "Klaar om te printen" in page or "klaar om te printen" in page
    download = client.get(reverse("letters:run-pdf", args=[run.uuid]))
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    pages = pdf_pages_text(b"".join(download.streaming_content))
    assert len(pages) == 2 and "Geachte mevrouw Van den Berg," in pages[0]
    export = AuditEvent.objects.filter(action="export").latest("id")
    assert export.object_id == str(run.uuid) and export.user == assistant

    today = timezone.localdate()
    url = reverse("letters:run-mark-mailed", args=[run.uuid])
    response = client.post(url, {"mailed_on": today.isoformat()}, follow=True)
    assert "Verstuurd op" in response.content.decode()
    for participation in mailing:
        participation.refresh_from_db()
        assert participation.letter_sent_on == today and participation.status == S.LETTER_SENT
    response = client.post(url, {"mailed_on": (today - timedelta(days=1)).isoformat()},
                           follow=True)
    assert "al als verstuurd gemarkeerd; er is niets veranderd" in response.content.decode()
    assert {p.letter_sent_on for p in Participation.objects.all()} == {today}


def test_a_bad_mailing_date_gets_a_dutch_message(client_for, assistant, letter_project, mailing):
    from letters.services import letter_run_create, letter_run_start

    run = letter_run_create(project=letter_project, user=assistant)
    letter_run_start(run=run)
    client = client_for(assistant)
    url = reverse("letters:run-mark-mailed", args=[run.uuid])
    page = client.post(url, {"mailed_on": "31-02-2026"}, follow=True).content.decode()
    assert "Vul een geldige datum in." in page
    tomorrow = timezone.localdate() + timedelta(days=1)
    page = client.post(url, {"mailed_on": tomorrow.isoformat()}, follow=True).content.decode()
    assert "De verzenddatum ligt in de toekomst." in page
    run.refresh_from_db()
    assert run.mailed_on is None


def test_the_minutes_spent_are_kept_with_the_mailing_and_bad_minutes_refused(
        client_for, assistant, letter_project, mailing):
    from letters.services import letter_run_create, letter_run_start

    run = letter_run_create(project=letter_project, user=assistant)
    letter_run_start(run=run)
    client = client_for(assistant)
    url = reverse("letters:run-mark-mailed", args=[run.uuid])
    today = timezone.localdate().isoformat()
    for bad, message in (("-1", "niet onder 0"), ("1001", "Hoogstens 1000"),
                         ("twee", "heel getal")):
        page = client.post(url, {"mailed_on": today, "minutes": bad},
                           follow=True).content.decode()
        assert message in page
        run.refresh_from_db()
        assert run.mailed_on is None and run.minutes is None
    page = client.post(url, {"mailed_on": today, "minutes": "35"}, follow=True).content.decode()
    run.refresh_from_db()
    assert run.mailed_on is not None and run.minutes == 35
    assert "35 minuten besteed." in page


def test_a_large_run_is_made_by_the_worker_with_a_progress_bar(
        client_for, assistant, letter_project, mailing, settings, monkeypatch,
        django_capture_on_commit_callbacks):
    settings.LETTER_RUN_SYNC_MAX = 1
    monkeypatch.setattr(tasks.render_letter_run, "delay",
                        lambda run_id: tasks.render_letter_run(run_id))
    client = client_for(assistant)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("letters:run-create", args=[letter_project.uuid]), {"kind": "stop"})
    run = LetterRun.objects.get()
    assert run.status == LetterRun.Status.QUEUED and len(callbacks) == 1
    page = client.get(reverse("letters:run-detail", args=[run.uuid])).content.decode()
    assert 'hx-get="' + reverse("letters:run-progress", args=[run.uuid]) in page
    progress = client.get(reverse("letters:run-progress", args=[run.uuid]))
    assert progress.status_code == 200 and 'role="progressbar"' in progress.content.decode()
    callbacks[0]()  # the commit happens: the task runs (here in this process)
    run.refresh_from_db()
    assert run.status == LetterRun.Status.READY and run.page_count == 2
    assert cache.get(tasks.progress_key(run.pk)) == 100
    done = client.get(reverse("letters:run-progress", args=[run.uuid]))
    assert done.status_code == 204 and done["HX-Refresh"] == "true"
    tasks.render_letter_run(run.pk)  # a redelivered message does nothing
    run.refresh_from_db()
    assert run.status == LetterRun.Status.READY


def test_a_gp_may_not_print_but_may_read_the_letters(client_for, gp, letter_project, mailing):
    client = client_for(gp)
    assert client.post(reverse("letters:run-create", args=[letter_project.uuid]),
                       {"kind": "stop"}).status_code == 403
    page = client.get(reverse("letters:mailing", args=[letter_project.uuid])).content.decode()
    assert "Printrun maken" not in page and "T. van den Berg" in page


def test_the_editor_refuses_an_unknown_placeholder_and_saves_nothing(client_for, poh, practice):
    url = reverse("letters:template-save") + "?soort=stopbrief"
    response = client_for(poh).post(url, {"subject": "Uw {middel}",
                                          "body": "{aanhef},\n\nBeste {voornaam}, bel {tel}."})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Onbekende invulvelden: {voornaam}, {tel}. Gebruik alleen: {aanhef}" in page
    assert not LetterTemplate.objects.exists()


def test_the_editor_saves_previews_for_a_patient_and_shows_readability(
        client_for, gp, practice, letter_project, mailing):
    client = client_for(gp)
    url = reverse("letters:template-edit") + "?soort=uitnodiging"
    page = client.get(url).content.decode()
    assert "Uitnodiging voor een gesprek over oxazepam" in page  # example patient
    assert "woorden per zin" in page and 'id="leesbaarheid"' in page
    body = "{aanhef},\n\nWij nodigen u uit. {poh} belt u. Ons nummer is {telefoon}."
    response = client.post(action_url("template-preview", "uitnodiging"),
                           {"subject": "Gesprek", "body": body, "preview_for": mailing[1].pk})
    page = response.content.decode()
    assert "Geachte heer De Vries," in page and "Sanne Visser belt u." in page
    assert "0317-123456" in page and "Gemiddeld 3,0 woorden per zin (4 zinnen" in page
    assert not LetterTemplate.objects.exists()  # a preview saves nothing
    viewed = AuditEvent.objects.filter(action="view", detail="letter preview").get()
    assert viewed.patient == mailing[1].patient
    pdf = client.post(action_url("template-preview-pdf", "uitnodiging"),
                      {"subject": "Gesprek", "body": body, "preview_for": mailing[1].pk})
    assert pdf["Content-Type"] == "application/pdf"
    assert "Geachte heer De Vries," in pdf_pages_text(pdf.content)[0]
    client.post(action_url("template-save", "uitnodiging"), {"subject": "Gesprek", "body": body})
    stored = LetterTemplate.objects.get(practice=practice, kind=LetterKind.INVITATION)
    assert stored.body == body and stored.updated_by == gp
    client.post(action_url("template-reset", "uitnodiging"))
    assert not LetterTemplate.objects.exists()


def test_a_refused_logo_gets_a_clear_message_and_changes_nothing(client_for, poh, practice):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(poh)
    response = client.post(reverse("letters:logo"), {
        "image": SimpleUploadedFile("logo.gif", b"GIF89a\x01\x00\x01\x00", "image/gif")})
    assert "Dit is geen PNG-, JPEG- of SVG-bestand." in response.content.decode()
    big = SimpleUploadedFile("logo.png", png_bytes() + b"\0" * (1024 * 1024), "image/png")
    response = client.post(reverse("letters:logo"), {"image": big})
    assert "Het logo is te groot (1,0 MB); het mag hoogstens 1,0 MB zijn." in \
        response.content.decode()
    practice.refresh_from_db()
    assert not practice.logo


def test_the_logo_and_the_gps_signature_are_printed_on_the_letters(
        client_for, poh, gp, users, practice, letter_project, mailing, assistant,
        django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # The administrator may set the logo too.
    response = client_for(users[Role.BEHEERDER]).post(reverse("letters:logo"), {
        "image": SimpleUploadedFile("logo.svg", SVG_LOGO, "image/svg+xml")})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):  # the old logo goes on the commit
        client_for(poh).post(reverse("letters:logo"), {
            "image": SimpleUploadedFile("logo.png", png_bytes(), "image/png")})
    practice.refresh_from_db()
    assert practice.logo.name.endswith(".png")
    assert len(list((Path(practice.logo.storage.location) / "logos").iterdir())) == 1  # old gone
    client_for(gp).post(reverse("letters:signature"), {
        "image": SimpleUploadedFile("handtekening.png", png_bytes(300, 90, "MÖ"), "image/png")})
    assert GpSignature.objects.get(user=gp).image
    from letters.services import letter_run_create, letter_run_start

    run = letter_run_create(project=letter_project, user=assistant)
    letter_run_start(run=run)
    letters = {x.participation_id: x for x in run.letters.all()}
    with letters[mailing[0].pk].pdf.open("rb") as handle:
        assert images_in(handle.read()) == 2  # logo and Öztürk's signature
    with letters[mailing[1].pk].pdf.open("rb") as handle:
        assert images_in(handle.read()) == 1  # van Dam has no signature: logo only


def test_the_signature_page_is_the_gps_own(client_for, gp, second_gp, practice):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client_for(gp).post(reverse("letters:signature"), {
        "image": SimpleUploadedFile("s.png", png_bytes(), "image/png")})
    page = client_for(second_gp).get(reverse("letters:signature")).content.decode()
    assert "Geen handtekening" in page
    client_for(gp).post(reverse("letters:signature"), {"action": "remove"})
    assert not GpSignature.objects.exists()
