"""Sending a stop letter again, and a patient's letters with their PDFs."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from letters.models import Letter, LetterKind
from letters.services import (
    LettersRefused,
    letter_resend,
    letter_run_create,
    letter_run_mark_mailed,
    letter_run_start,
)
from patients.models import AuditEvent, DueItem, Participation, ParticipationEvent
from patients.workflow import participation_move

from .helpers import on_mailing_list, pdf_pages_text

S = Participation.Status


@pytest.fixture
def mailed(letter_project, gp, assistant):
    participation = on_mailing_list(letter_project, gp, sex="M", initials="J.", prefix="de",
                                    surname="Vries", atc="N05BA04", strength="10")
    run = letter_run_create(project=letter_project, user=assistant)
    letter_run_start(run=run)
    mailed_on = timezone.localdate()
    letter_run_mark_mailed(run=run, user=assistant, mailed_on=mailed_on)
    participation.refresh_from_db()
    return participation


def test_a_resent_letter_has_a_cover_and_the_stop_letter_and_restarts_the_wait(
        mailed, assistant, letter_project):
    participation_move(participation=mailed, to=S.CALLBACK_DUE, user=None, what="wait ended")
    letter = letter_resend(participation=mailed, reason="  brief nooit   ontvangen ",
                           user=assistant)
    assert (letter.kind, letter.run, letter.resend_reason) == (LetterKind.RESEND, None,
                                                               "brief nooit ontvangen")
    today = timezone.localdate()
    assert letter.mailed_on == today and letter.page_count == 2
    with letter.pdf.open("rb") as handle:
        cover, stop = pdf_pages_text(handle.read())
    assert "Betreft: Nogmaals onze brief over oxazepam" in cover
    assert "Geachte heer De Vries," in cover and "Bijlage: onze brief over oxazepam" in cover
    assert "gebruikt u al lange tijd oxazepam 10 mg" in stop
    mailed.refresh_from_db()
    assert mailed.status == S.LETTER_SENT
    assert mailed.letter_sent_on == today  # the first mailing date stays
    wait = DueItem.objects.get(participation=mailed, kind="wait_ends", done_at__isnull=True,
                               cancelled_at__isnull=True)
    assert wait.due_on == today + timedelta(days=letter_project.wait_days)
    event = ParticipationEvent.objects.filter(participation=mailed).latest("id")
    assert event.what == "stopbrief opnieuw verstuurd: brief nooit ontvangen"
    audit = AuditEvent.objects.filter(object_type="letter", action="create").latest("id")
    assert audit.patient == mailed.patient and audit.object_id == str(letter.uuid)


def test_resending_needs_a_reason_and_a_letter_that_was_mailed(letter_project, gp, mailed,
                                                               assistant):
    with pytest.raises(LettersRefused, match="Geef een reden op"):
        letter_resend(participation=mailed, reason="   ", user=assistant)
    waiting = on_mailing_list(letter_project, gp, rank=5, surname="Wacht")
    with pytest.raises(LettersRefused, match="heeft nog geen stopbrief gekregen"):
        letter_resend(participation=waiting, reason="kwijt", user=assistant)
    assert not Letter.objects.filter(kind=LetterKind.RESEND).exists()


def test_the_patient_page_lists_every_letter_with_its_pdf_and_resends(client_for, assistant,
                                                                      mailed):
    client = client_for(assistant)
    url = reverse("letters:patient-letters", args=[mailed.patient.uuid])
    page = client.get(url).content.decode()
    stop = Letter.objects.get(kind=LetterKind.STOP)
    assert "Stopbrief" in page and reverse("letters:letter-pdf", args=[stop.uuid]) in page
    assert "Stopbrief opnieuw versturen" in page
    resend_url = reverse("letters:letter-resend", args=[mailed.project.uuid, mailed.uuid])
    page = client.post(resend_url, {"reason": ""}, follow=True).content.decode()
    assert "Geef een reden op" in page
    response = client.post(resend_url, {"reason": "verhuisd, nieuw adres"}, follow=True)
    page = response.content.decode()
    assert "klaar om opnieuw te versturen" in page
    assert "Stopbrief opnieuw verstuurd" in page and "verhuisd, nieuw adres" in page
    again = Letter.objects.get(kind=LetterKind.RESEND)
    pdf = client.get(reverse("letters:letter-pdf", args=[again.uuid]))
    assert pdf["Content-Type"] == "application/pdf" and "inline" in pdf["Content-Disposition"]
    assert len(pdf_pages_text(b"".join(pdf.streaming_content))) == 2
    export = AuditEvent.objects.filter(action="export").latest("id")
    assert export.patient == mailed.patient and export.object_id == str(again.uuid)


def test_a_gp_sees_the_letters_but_cannot_resend(client_for, gp, mailed):
    client = client_for(gp)
    page = client.get(reverse("letters:patient-letters", args=[mailed.patient.uuid])
                      ).content.decode()
    assert "Stopbrief" in page and "Opnieuw versturen" not in page
    response = client.post(reverse("letters:letter-resend",
                                   args=[mailed.project.uuid, mailed.uuid]),
                           {"reason": "kwijt"})
    assert response.status_code == 403
