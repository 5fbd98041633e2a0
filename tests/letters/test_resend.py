"""Sending a stop letter again: the request, the print run of re-sends, and a patient's
letters with their PDFs (docs/domain.md, step 4, "Re-send")."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from letters.models import Letter, LetterKind, LetterRun, ResendRequest
from letters.selectors import run_candidates
from letters.services import (
    LettersRefused,
    letter_resend,
    letter_run_cancel,
    letter_run_create,
    letter_run_mark_mailed,
    letter_run_start,
)
from patients.dates import wait_period_end
from patients.models import AuditEvent, DueItem, Participation, ParticipationEvent
from patients.workflow import participation_move

from .helpers import on_mailing_list, pdf_pages_text

S = Participation.Status
AMS = ZoneInfo("Europe/Amsterdam")
FIRST_MAILED = date(2026, 10, 1)


def _at(day: date, hour: int = 10):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=AMS),
                               tick=False)


def _open_wait(participation) -> DueItem | None:
    return DueItem.objects.filter(participation=participation, kind=DueItem.Kind.WAIT_ENDS,
                                  done_at__isnull=True, cancelled_at__isnull=True).first()


@pytest.fixture
def mailed(letter_project, gp, assistant):
    """J. de Vries, whose stop letter was mailed on 1 October 2026."""
    participation = on_mailing_list(letter_project, gp, sex="M", initials="J.", prefix="de",
                                    surname="Vries", atc="N05BA04", strength="10")
    with _at(FIRST_MAILED):
        run = letter_run_create(project=letter_project, user=assistant)
        letter_run_start(run=run)
        letter_run_mark_mailed(run=run, user=assistant, mailed_on=FIRST_MAILED)
    participation.refresh_from_db()
    return participation


def _resend_run(project, user, day: date) -> LetterRun:
    with _at(day):
        run = letter_run_create(project=project, user=user, kind=LetterKind.RESEND)
        letter_run_start(run=run)
    run.refresh_from_db()
    return run


# --- The request -----------------------------------------------------------------------


def test_a_request_is_recorded_and_nothing_counts_as_mailed_yet(mailed, assistant, poh):
    participation_move(participation=mailed, to=S.CALLBACK_DUE, user=None, what="wait ended",
                       fields={"next_call_on": date(2026, 10, 31)})
    with _at(date(2026, 11, 2)):
        request, new = letter_resend(participation=mailed, reason="  brief nooit   ontvangen ",
                                     user=poh)
    assert new and request.reason == "brief nooit ontvangen" and request.requested_by == poh
    assert timezone.localtime(request.requested_at).date() == date(2026, 11, 2)
    assert request.letter is None and request.mailed_on is None
    # No letter is made or mailed; nothing waits for the wait period to end.
    assert not Letter.objects.filter(kind=LetterKind.RESEND).exists()
    assert _open_wait(mailed) is None
    mailed.refresh_from_db()
    assert mailed.status == S.LETTER_SENT and mailed.next_call_on is None
    assert mailed.letter_sent_on == FIRST_MAILED  # the first mailing date stays
    event = ParticipationEvent.objects.filter(participation=mailed).latest("id")
    assert event.what == ("opnieuw versturen van de stopbrief gevraagd: "
                          "brief nooit ontvangen")
    audit = AuditEvent.objects.filter(object_type="resendrequest").get()
    assert audit.action == "create" and audit.patient == mailed.patient
    assert audit.object_id == str(request.uuid)
    assert list(run_candidates(project=mailed.project, kind=LetterKind.RESEND)) == [mailed]


def test_a_request_during_the_wait_stops_the_old_wait_until_the_new_mailing(mailed, assistant):
    assert _open_wait(mailed).due_on == wait_period_end(FIRST_MAILED, mailed.project.wait_days)
    letter_resend(participation=mailed, reason="verhuisd", user=assistant)
    mailed.refresh_from_db()
    assert mailed.status == S.LETTER_SENT and _open_wait(mailed) is None


def test_a_second_request_while_one_waits_changes_nothing(mailed, assistant, poh):
    first, new = letter_resend(participation=mailed, reason="kwijt", user=assistant)
    events = ParticipationEvent.objects.count()
    again, new_again = letter_resend(participation=mailed, reason="nog steeds kwijt", user=poh)
    assert new and not new_again and again == first
    assert ResendRequest.objects.get().reason == "kwijt"
    assert ParticipationEvent.objects.count() == events
    # Also while it is in a print run (not mailed yet).
    run = _resend_run(mailed.project, assistant, timezone.localdate())
    assert letter_resend(participation=mailed, reason="weer", user=poh) == (first, False)
    # Once mailed, a new request may be made.
    letter_run_mark_mailed(run=run, user=assistant, mailed_on=timezone.localdate())
    third, new_third = letter_resend(participation=mailed, reason="weer kwijt", user=poh)
    assert new_third and third != first and ResendRequest.objects.count() == 2


def test_a_request_needs_a_reason_a_mailed_letter_and_a_patient_still_here(
        letter_project, gp, mailed, assistant):
    with pytest.raises(LettersRefused, match="Geef een reden op"):
        letter_resend(participation=mailed, reason="   ", user=assistant)
    waiting = on_mailing_list(letter_project, gp, rank=5, surname="Wacht")
    with pytest.raises(LettersRefused, match="heeft nog geen stopbrief gekregen"):
        letter_resend(participation=waiting, reason="kwijt", user=assistant)
    participation_move(participation=mailed, to=S.LEFT, user=assistant, what="verhuisd")
    with pytest.raises(LettersRefused, match="niet meer bij de praktijk"):
        letter_resend(participation=mailed, reason="kwijt", user=assistant)
    assert not ResendRequest.objects.exists()


# --- The print run of re-sends ---------------------------------------------------------


def test_the_print_run_holds_the_cover_and_the_stop_letter_and_the_wait_restarts_when_mailed(
        mailed, assistant, poh, letter_project):
    participation_move(participation=mailed, to=S.CALLBACK_DUE, user=None, what="wait ended")
    with _at(date(2026, 11, 2)):
        request, _ = letter_resend(participation=mailed, reason="nooit ontvangen", user=poh)
    run = _resend_run(letter_project, assistant, date(2026, 11, 4))
    assert (run.kind, run.status, run.letter_count) == (LetterKind.RESEND, "ready", 1)
    letter = run.letters.get()
    request.refresh_from_db()
    assert request.letter == letter and letter.resend_reason == "nooit ontvangen"
    assert letter.kind == LetterKind.RESEND and letter.page_count == 2
    with letter.pdf.open("rb") as handle:
        cover, stop = pdf_pages_text(handle.read())
    assert "Betreft: Nogmaals onze brief over oxazepam" in cover
    assert "Geachte heer De Vries," in cover and "Bijlage: onze brief over oxazepam" in cover
    assert "gebruikt u al lange tijd oxazepam 10 mg" in stop
    with run.merged_pdf.open("rb") as handle:
        assert len(pdf_pages_text(handle.read())) == 2
    # In a run, it is no longer waiting; not mailed yet, so no wait either.
    assert not run_candidates(project=letter_project, kind=LetterKind.RESEND).exists()
    assert _open_wait(mailed) is None and letter.mailed_on is None
    # Marked mailed on 5 November (the day before): the wait counts from that day.
    with _at(date(2026, 11, 6)):
        started = letter_run_mark_mailed(run=run, user=assistant, mailed_on=date(2026, 11, 5))
    assert started == 1
    request.refresh_from_db()
    letter.refresh_from_db()
    assert request.mailed_on == letter.mailed_on == date(2026, 11, 5)
    wait = _open_wait(mailed)
    assert wait.due_on == wait_period_end(date(2026, 11, 5), letter_project.wait_days)
    assert wait.due_on == date(2026, 12, 5)
    mailed.refresh_from_db()
    assert mailed.status == S.LETTER_SENT and mailed.letter_sent_on == FIRST_MAILED
    event = ParticipationEvent.objects.filter(participation=mailed).latest("id")
    assert event.what == "stopbrief opnieuw verstuurd op 05-11-2026"
    # A second click changes nothing.
    assert letter_run_mark_mailed(run=run, user=assistant, mailed_on=date(2026, 11, 5)) is None


def test_a_patient_who_moved_on_before_the_mailing_gets_no_new_wait(mailed, assistant, poh,
                                                                    letter_project):
    letter_resend(participation=mailed, reason="kwijt", user=poh)
    run = _resend_run(letter_project, assistant, timezone.localdate())
    # The patient phoned in meanwhile and is in the call-back list: no new wait period.
    participation_move(participation=mailed, to=S.CALLBACK_DUE, user=None, what="belde zelf")
    assert letter_run_mark_mailed(run=run, user=assistant,
                                  mailed_on=timezone.localdate()) == 0
    assert _open_wait(mailed) is None
    assert ResendRequest.objects.get().mailed_on == timezone.localdate()


def test_cancelling_the_run_puts_the_request_back_in_the_queue(mailed, assistant,
                                                               letter_project):
    request, _ = letter_resend(participation=mailed, reason="kwijt", user=assistant)
    run = _resend_run(letter_project, assistant, timezone.localdate())
    assert letter_run_cancel(run=run, user=assistant)
    request.refresh_from_db()
    assert request.letter is None and request.mailed_on is None
    assert list(run_candidates(project=letter_project, kind=LetterKind.RESEND)) == [mailed]
    assert _open_wait(mailed) is None  # still nothing mailed
    again = _resend_run(letter_project, assistant, timezone.localdate())
    request.refresh_from_db()
    assert request.letter == again.letters.get()


def test_a_failed_run_gives_the_request_back_too(mailed, assistant, letter_project):
    request, _ = letter_resend(participation=mailed, reason="kwijt", user=assistant)
    run = _resend_run(letter_project, assistant, timezone.localdate())
    LetterRun.objects.filter(pk=run.pk).update(status=LetterRun.Status.FAILED)
    assert list(run_candidates(project=letter_project, kind=LetterKind.RESEND)) == [mailed]
    request.refresh_from_db()
    assert request.run is None


def test_a_run_of_re_sends_without_requests_is_refused(letter_project, assistant, mailed):
    with pytest.raises(LettersRefused, match="geen patiënten die nog een brief"):
        letter_run_create(project=letter_project, user=assistant, kind=LetterKind.RESEND)
    assert not LetterRun.objects.filter(kind=LetterKind.RESEND).exists()


# --- Pages -----------------------------------------------------------------------------


def test_the_patient_page_queues_a_re_send_and_a_second_one_changes_nothing(
        client_for, assistant, mailed):
    client = client_for(assistant)
    url = reverse("letters:patient-letters", args=[mailed.patient.uuid])
    page = client.get(url).content.decode()
    stop = Letter.objects.get(kind=LetterKind.STOP)
    assert "Stopbrief" in page and reverse("letters:letter-pdf", args=[stop.uuid]) in page
    assert "Stopbrief opnieuw versturen" in page
    resend_url = reverse("letters:letter-resend", args=[mailed.project.uuid, mailed.uuid])
    page = client.post(resend_url, {"reason": ""}, follow=True).content.decode()
    assert "Geef een reden op" in page and not ResendRequest.objects.exists()
    page = client.post(resend_url, {"reason": "verhuisd, nieuw adres"},
                       follow=True).content.decode()
    assert "gaat mee met de volgende printrun" in page
    assert "verhuisd, nieuw adres" in page and "wacht op de volgende printrun" in page
    assert 'id="reden-' not in page  # no second form while one waits
    assert not Letter.objects.filter(kind=LetterKind.RESEND).exists()
    page = client.post(resend_url, {"reason": "nog een keer"}, follow=True).content.decode()
    assert "wacht al om opnieuw verstuurd te worden" in page and "niets veranderd" in page
    assert ResendRequest.objects.count() == 1


def test_the_mailing_page_offers_the_run_of_re_sends_and_lists_them(client_for, assistant,
                                                                    mailed, letter_project):
    letter_resend(participation=mailed, reason="nooit ontvangen", user=assistant)
    client = client_for(assistant)
    mailing = reverse("letters:mailing", args=[letter_project.uuid])
    page = client.get(mailing).content.decode()
    assert "Opnieuw te versturen afdrukken (1)" in page
    assert 'id="opnieuw-lijst"' in page and "nooit ontvangen" in page
    assert "nog niet geprint" in page
    response = client.post(reverse("letters:run-create", args=[letter_project.uuid]),
                           {"kind": "resend"}, follow=True)
    run = LetterRun.objects.get(kind=LetterKind.RESEND)
    assert response.redirect_chain[-1][0] == reverse("letters:run-detail", args=[run.uuid])
    page = response.content.decode()
    assert "stopbrief opnieuw verstuurd" in page and "klaar om te printen" in page
    page = client.get(mailing).content.decode()
    assert "Opnieuw te versturen afdrukken" not in page
    assert "geprint, nog niet verstuurd" in page
    response = client.post(reverse("letters:run-mark-mailed", args=[run.uuid]),
                           {"mailed_on": timezone.localdate().isoformat()}, follow=True)
    assert "Gemarkeerd als verstuurd" in response.content.decode()
    assert 'id="opnieuw-lijst"' not in client.get(mailing).content.decode()
    assert _open_wait(mailed).due_on == timezone.localdate() + timedelta(
        days=letter_project.wait_days)


def test_the_resent_letter_pdf_opens_from_the_patient_page(client_for, assistant, mailed,
                                                          letter_project):
    letter_resend(participation=mailed, reason="kwijt", user=assistant)
    run = _resend_run(letter_project, assistant, timezone.localdate())
    letter = run.letters.get()
    client = client_for(assistant)
    page = client.get(reverse("letters:patient-letters", args=[mailed.patient.uuid])
                      ).content.decode()
    assert "in een printrun, nog niet verstuurd" in page
    pdf = client.get(reverse("letters:letter-pdf", args=[letter.uuid]))
    assert pdf["Content-Type"] == "application/pdf" and "inline" in pdf["Content-Disposition"]
    assert len(pdf_pages_text(b"".join(pdf.streaming_content))) == 2
    export = AuditEvent.objects.filter(action="export").latest("id")
    assert export.patient == mailed.patient and export.object_id == str(letter.uuid)


def test_a_gp_sees_the_letters_but_cannot_resend(client_for, gp, mailed):
    client = client_for(gp)
    page = client.get(reverse("letters:patient-letters", args=[mailed.patient.uuid])
                      ).content.decode()
    assert "Stopbrief" in page and "Opnieuw versturen" not in page
    response = client.post(reverse("letters:letter-resend",
                                   args=[mailed.project.uuid, mailed.uuid]),
                           {"reason": "kwijt"})
    assert response.status_code == 403 and not ResendRequest.objects.exists()
