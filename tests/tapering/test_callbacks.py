"""Timed steps and the call-back list, walked through with a frozen clock (docs/domain.md, steps
5-6)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from patients.dates import add_working_days, dutch_holidays
from patients.due import due_items_sweep
from patients.models import DueItem, Participation, ParticipationEvent, Role
from patients.services import participation_letter_mailed
from tapering import services
from tapering.forms import CallAttemptForm
from tapering.models import CallAttempt, DigestSent, PhoneNote
from tapering.selectors import callback_list, digest_lines, reserve_for
from tapering.tasks import send_digest
from tests.conftest import make_project
from tests.factories import PatientFactory

S = Participation.Status
A = CallAttempt
AMS = ZoneInfo("Europe/Amsterdam")
MAILED = date(2026, 10, 1)  # a Thursday; 30 wait days end on Saturday 31 October
WAIT_END = date(2026, 10, 31)


@pytest.fixture
def project(practice, users):
    return make_project(practice, users[Role.POH_GGZ], letter_target=3, reserve_target=2)


def mailed(project, users, number="400001", status=S.MAILING, **fields):
    patient = PatientFactory(practice=project.practice, number=number, surname=f"P{number}",
                             phone="06-12345678")
    part = Participation.objects.create(project=project, patient=patient,
                                        reference_date=date(2026, 9, 15), status=status,
                                        created_by=users[Role.POH_GGZ], **fields)
    if status == S.MAILING:
        participation_letter_mailed(participation=part, user=users[Role.ASSISTENT],
                                    mailed_on=MAILED)
        part.refresh_from_db()
    return part


def sweep(day: date) -> int:
    return len(due_items_sweep(today=day))


def log(part, users, outcome, today, **kwargs):
    return services.call_attempt_log(participation=part, user=users[Role.POH_GGZ],
                                     outcome=outcome, today=today, **kwargs)


def status(part) -> str:
    part.refresh_from_db()
    return part.status


# --- The wait period -------------------------------------------------------------------


def test_wait_end_moves_on_its_day_not_before_and_only_once(project, users):
    part = mailed(project, users)
    assert sweep(date(2026, 10, 30)) == 0 and status(part) == S.LETTER_SENT
    assert sweep(WAIT_END) == 1 and status(part) == S.CALLBACK_DUE
    assert part.next_call_on == WAIT_END
    assert sweep(WAIT_END) == 0  # a second sweep changes nothing
    assert ParticipationEvent.objects.filter(participation=part,
                                             to_status=S.CALLBACK_DUE).count() == 1
    event = ParticipationEvent.objects.get(participation=part, to_status=S.CALLBACK_DUE)
    assert event.by is None  # moved by the timed step


def test_run_due_steps_twice_changes_nothing_the_second_time(project, users, capsys):
    part = mailed(project, users)
    call_command("run_due_steps", "--now", "2026-11-02")
    assert "1 getimede stap verwerkt op 02-11-2026." in capsys.readouterr().out
    call_command("run_due_steps", "--now", "2026-11-02")
    assert "0 getimede stappen verwerkt" in capsys.readouterr().out
    assert status(part) == S.CALLBACK_DUE


def test_run_due_steps_refuses_a_bad_date(project):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="geen datum"):
        call_command("run_due_steps", "--now", "2026-02-31")


def test_a_patient_who_phoned_is_called_back_at_once_and_the_wait_end_does_nothing(
        project, users):
    part = mailed(project, users)
    with time_machine.travel(datetime(2026, 10, 12, 9, 30, tzinfo=AMS), tick=False):
        services.phone_note_create(participation=part, user=users[Role.ASSISTENT],
                                   called_at=datetime(2026, 10, 12, 9, 15, tzinfo=AMS),
                                   caller="patient", wish="not_reduce", note="boos")
        lists = callback_list(practice=project.practice, today=date(2026, 10, 12))
    assert status(part) == S.CALLBACK_DUE and part.responded_at is not None
    assert [r.participation for r in lists.due] == [part] and lists.due[0].spontaneous
    assert not DueItem.objects.filter(participation=part, done_at__isnull=True,
                                      cancelled_at__isnull=True).exists()
    assert sweep(WAIT_END) == 0


def test_weekly_limit_spreads_the_call_backs_over_the_weeks(project, users):
    project.callbacks_per_week = 2
    project.save()
    parts = [mailed(project, users, number=str(400010 + n)) for n in range(3)]
    assert sweep(WAIT_END) == 3  # two entered, one postponed (a move of its due date)
    assert sorted(status(p) for p in parts).count(S.CALLBACK_DUE) == 2
    waiting = next(p for p in parts if p.status == S.LETTER_SENT)
    item = DueItem.objects.get(participation=waiting, done_at__isnull=True)
    assert item.due_on == date(2026, 11, 2)  # the next Monday
    assert sweep(date(2026, 11, 1)) == 0
    assert sweep(date(2026, 11, 2)) == 1 and status(waiting) == S.CALLBACK_DUE


# --- Call attempts: every branch of step 6 ---------------------------------------------


@pytest.fixture
def in_list(project, users):
    part = mailed(project, users)
    sweep(WAIT_END)
    part.refresh_from_db()
    return part


def test_working_days_skip_the_weekend():
    assert add_working_days(date(2026, 11, 2), 3) == date(2026, 11, 5)  # Mon -> Thu
    assert add_working_days(date(2026, 11, 5), 3) == date(2026, 11, 10)  # Thu -> Tue


@pytest.mark.parametrize(("start", "days", "expected"), [
    (date(2026, 12, 23), 1, date(2026, 12, 24)),  # the day before Christmas is a working day
    (date(2026, 12, 24), 1, date(2026, 12, 28)),  # Christmas Day and Boxing Day (Fri, Sat)
    (date(2027, 3, 25), 1, date(2027, 3, 26)),  # Good Friday is a working day
    (date(2027, 3, 26), 1, date(2027, 3, 30)),  # Easter Monday 2027 is skipped
    (date(2027, 4, 26), 1, date(2027, 4, 28)),  # King's Day, a Tuesday
    (date(2026, 5, 13), 1, date(2026, 5, 15)),  # Ascension Day 2026 (Thursday)
    (date(2026, 5, 22), 1, date(2026, 5, 26)),  # Whit Monday 2026
    (date(2026, 5, 4), 1, date(2026, 5, 5)),  # Liberation Day 2026 is a working day
    (date(2025, 5, 2), 1, date(2025, 5, 6)),  # ... but not in 2025, a fifth year
    (date(2026, 12, 31), 1, date(2027, 1, 4)),  # New Year's Day, then a weekend
])
def test_working_days_skip_dutch_holidays(start, days, expected):
    assert add_working_days(start, days) == expected


def test_kings_day_on_a_sunday_is_kept_the_saturday_before():
    assert date(2025, 4, 26) in dutch_holidays(2025)  # 27 April 2025 was a Sunday
    assert date(2025, 4, 27) not in dutch_holidays(2025)
    assert date(2026, 4, 27) in dutch_holidays(2026)


def test_not_reached_is_retried_after_working_days_then_offered_a_reserve(project, users,
                                                                          in_list):
    reserve = mailed(project, users, number="400099", status=S.RESERVE, rank=1)
    log(in_list, users, A.Outcome.NOT_REACHED, date(2026, 11, 2))
    in_list.refresh_from_db()
    assert in_list.status == S.CALLBACK_DUE and in_list.next_call_on == date(2026, 11, 5)
    assert callback_list(practice=project.practice, today=date(2026, 11, 4)).upcoming
    log(in_list, users, A.Outcome.MESSAGE, date(2026, 11, 5))
    assert status(in_list) == S.CALLBACK_DUE
    log(in_list, users, A.Outcome.NOT_REACHED, date(2026, 11, 10))
    assert status(in_list) == S.NOT_REACHED
    lists = callback_list(practice=project.practice, today=date(2026, 11, 10))
    assert [r.participation for r in lists.not_reached] == [in_list]
    assert lists.first_reserve[project.pk] == reserve
    services.reserve_replace(participation=in_list, user=users[Role.POH_GGZ], reserve=reserve)
    assert status(reserve) == S.MAILING
    assert not callback_list(practice=project.practice, today=date(2026, 11, 10)).not_reached
    with pytest.raises(services.CallError):
        services.reserve_replace(participation=in_list, user=users[Role.POH_GGZ], reserve=None)



def test_only_a_reserve_of_the_same_project_can_take_the_place(project, users, in_list,
                                                                 other_project, other_users):
    reserve = mailed(project, users, number="400098", status=S.RESERVE, rank=1)
    elsewhere = mailed(other_project, other_users, number="400097", status=S.RESERVE, rank=1)
    assert reserve_for(participation=in_list, reserve_uuid=str(reserve.uuid)) == reserve
    assert reserve_for(participation=in_list, reserve_uuid=str(elsewhere.uuid)) is None
    assert reserve_for(participation=in_list, reserve_uuid=str(in_list.uuid)) is None
    assert reserve_for(participation=in_list, reserve_uuid="geen-uuid") is None


def test_replacing_by_an_unknown_reserve_is_not_found(project, users, in_list, client_for):
    url = reverse("tapering:reserve-replace", kwargs={
        "project_uuid": project.uuid, "participation_uuid": in_list.uuid})
    response = client_for(users[Role.POH_GGZ]).post(url, {"reserve": "geen-uuid"})
    assert response.status_code == 404


def test_letter_not_received_queues_it_and_the_wait_restarts_only_when_mailed(
        project, users, in_list):
    from letters.models import Letter, LetterKind, ResendRequest
    from letters.services import letter_run_create, letter_run_mark_mailed, letter_run_start

    project.gps.add(users[Role.HUISARTS])  # the signer of the letter
    with time_machine.travel(datetime(2026, 11, 2, 10, 0, tzinfo=AMS), tick=False):
        log(in_list, users, A.Outcome.REACHED, date(2026, 11, 2),
            response=A.Response.NOT_RECEIVED, next_step=A.Next.RESEND)
    assert status(in_list) == S.LETTER_SENT and in_list.next_call_on is None
    assert in_list.letter_sent_on == MAILED  # the first mailing date stays
    request = ResendRequest.objects.get(participation=in_list)
    assert "telefonisch" in request.reason and request.requested_by == users[Role.POH_GGZ]
    # Nothing is mailed yet: no letter, no wait, and the sweep does not bring them back.
    assert not Letter.objects.filter(kind=LetterKind.RESEND).exists()
    assert not DueItem.objects.filter(participation=in_list, kind=DueItem.Kind.WAIT_ENDS,
                                      done_at__isnull=True, cancelled_at__isnull=True).exists()
    assert sweep(date(2026, 12, 2)) == 0 and status(in_list) == S.LETTER_SENT
    # The assistant prints it on 4 November and posts it on 5 November.
    with time_machine.travel(datetime(2026, 11, 4, 9, 0, tzinfo=AMS), tick=False):
        run = letter_run_create(project=project, user=users[Role.ASSISTENT],
                                kind=LetterKind.RESEND)
        letter_run_start(run=run)
    with time_machine.travel(datetime(2026, 11, 5, 16, 0, tzinfo=AMS), tick=False):
        letter_run_mark_mailed(run=run, user=users[Role.ASSISTENT],
                               mailed_on=date(2026, 11, 5))
    item = DueItem.objects.get(participation=in_list, kind=DueItem.Kind.WAIT_ENDS,
                               done_at__isnull=True, cancelled_at__isnull=True)
    assert item.due_on == date(2026, 12, 5)
    assert sweep(date(2026, 12, 4)) == 0 and status(in_list) == S.LETTER_SENT
    assert sweep(date(2026, 12, 5)) == 1 and status(in_list) == S.CALLBACK_DUE


def test_letter_not_received_while_a_re_send_waits_makes_no_second_one(project, users,
                                                                      in_list):
    from letters.models import ResendRequest
    from letters.services import letter_resend

    project.gps.add(users[Role.HUISARTS])
    letter_resend(participation=in_list, reason="kwijt", user=users[Role.ASSISTENT])
    # The patient phones in before the letter was printed: back in the call-back list.
    services.phone_note_create(participation=in_list, user=users[Role.ASSISTENT],
                               called_at=datetime(2026, 11, 2, 9, 0, tzinfo=AMS),
                               caller="patient", wish="question")
    assert status(in_list) == S.CALLBACK_DUE
    log(in_list, users, A.Outcome.REACHED, date(2026, 11, 2),
        response=A.Response.NOT_RECEIVED, next_step=A.Next.RESEND)
    assert status(in_list) == S.LETTER_SENT and ResendRequest.objects.count() == 1
    event = ParticipationEvent.objects.filter(participation=in_list).latest("id")
    assert "wacht al om opnieuw verstuurd te worden" in event.what


def test_a_resend_that_cannot_be_made_leaves_the_call_unlogged(project, users, in_list):
    # No GP in the project: no one to sign the letter, so nothing of the call is kept.
    with pytest.raises(services.CallError, match="huisarts"):
        log(in_list, users, A.Outcome.REACHED, date(2026, 11, 2),
            response=A.Response.NOT_RECEIVED, next_step=A.Next.RESEND)
    assert status(in_list) == S.CALLBACK_DUE and not in_list.call_attempts.exists()


@pytest.mark.parametrize("response", [A.Response.NOT_WANT, A.Response.CANNOT, A.Response.TRIED,
                                      A.Response.ALREADY, A.Response.AGREES])
def test_responses_that_invite_book_a_consult(project, users, in_list, response):
    assert services.NEXT_FOR_RESPONSE[response] == A.Next.CONSULT
    consult = datetime(2026, 11, 16, 10, 30, tzinfo=AMS)
    log(in_list, users, A.Outcome.REACHED, date(2026, 11, 2), response=response,
        next_step=A.Next.CONSULT, consult_at=consult, minutes=12)
    assert status(in_list) == S.CONSULT_PLANNED and in_list.consult_at == consult
    assert in_list.call_attempts.get().minutes == 12


def test_wants_but_not_now_is_called_again_after_two_months_by_default(project, users,
                                                                       in_list):
    log(in_list, users, A.Outcome.REACHED, date(2026, 11, 2), response=A.Response.NOT_NOW,
        next_step=A.Next.CALL_LATER)
    assert status(in_list) == S.CALL_LATER
    item = DueItem.objects.get(participation=in_list, kind=DueItem.Kind.CALL_LATER)
    assert item.due_on == date(2027, 1, 2)
    assert sweep(date(2027, 1, 1)) == 0
    assert sweep(date(2027, 1, 2)) == 1 and status(in_list) == S.CALLBACK_DUE
    assert in_list.next_call_on == date(2027, 1, 2)


def test_not_now_with_an_agreed_moment_to_ask_again(project, users, in_list):
    log(in_list, users, A.Outcome.REACHED, date(2026, 11, 2), response=A.Response.NOT_WANT,
        next_step=A.Next.DECLINED, agreed_on=date(2027, 3, 1))
    assert status(in_list) == S.DECLINED
    lists = callback_list(practice=project.practice, today=date(2026, 11, 2))
    assert [(r.participation, r.due_on) for r in lists.agreed] == [(in_list,
                                                                     date(2027, 3, 1))]
    assert sweep(date(2027, 3, 1)) == 1 and status(in_list) == S.CALLBACK_DUE


def test_a_reached_call_needs_response_and_next_step(users, in_list):
    with pytest.raises(services.CallError):
        log(in_list, users, A.Outcome.REACHED, date(2026, 11, 2))
    assert not in_list.call_attempts.exists()


def test_a_call_for_a_patient_not_in_the_list_is_refused(project, users):
    part = mailed(project, users)
    with pytest.raises(services.CallError):
        log(part, users, A.Outcome.NOT_REACHED, date(2026, 10, 5))


def test_call_form_rules():
    today = date(2026, 11, 2)
    reached = {"outcome": "reached"}
    assert not CallAttemptForm(reached, today=today).is_valid()
    past = CallAttemptForm({**reached, "response": "agrees", "next_step": "consult",
                            "consult_date": "2026-11-01", "consult_time": "10:00"}, today=today)
    assert not past.is_valid() and "consult_date" in past.errors
    ok = CallAttemptForm({**reached, "response": "agrees", "next_step": "consult",
                          "consult_date": "2026-11-02", "consult_time": "10:00"}, today=today)
    assert ok.is_valid() and ok.cleaned_data["consult_at"].hour == 10
    later = CallAttemptForm({**reached, "response": "not_now", "next_step": "call_later",
                             "agreed_on": "2026-11-02"}, today=today)
    assert not later.is_valid() and "agreed_on" in later.errors
    assert CallAttemptForm({"outcome": "not_reached"}, today=today).is_valid()


# --- Atomicity of the sweep ------------------------------------------------------------


def test_the_call_back_handlers_are_tapering_s_registered_with_the_sweep():
    # patients never imports tapering: the handlers join the sweep when the app is ready.
    from patients import due
    from tapering import due as tapering_due

    for kind in (DueItem.Kind.WAIT_ENDS, DueItem.Kind.CALL_LATER, DueItem.Kind.ASK_AGAIN):
        assert due.HANDLERS[kind].__module__ == tapering_due.__name__


def test_a_sweep_stopped_after_its_first_item_leaves_the_rest(project, users):
    parts = [mailed(project, users, number=str(400020 + n)) for n in range(3)]
    assert len(due_items_sweep(today=WAIT_END, limit=1)) == 1
    assert sorted(status(p) for p in parts).count(S.CALLBACK_DUE) == 1
    assert sweep(WAIT_END) == 2
    assert all(status(p) == S.CALLBACK_DUE for p in parts)


def test_an_item_that_fails_halfway_is_rolled_back_whole(project, users, monkeypatch):
    from patients import due

    parts = [mailed(project, users, number=str(400030 + n)) for n in range(2)]
    original = due.HANDLERS[DueItem.Kind.WAIT_ENDS]
    calls = []

    def crash_on_second(item, today):
        calls.append(item.pk)
        what = original(item, today)  # the move is written ...
        if len(calls) == 2:
            raise RuntimeError("worker killed")  # ... and lost with the transaction
        return what

    monkeypatch.setitem(due.HANDLERS, DueItem.Kind.WAIT_ENDS, crash_on_second)
    with pytest.raises(RuntimeError):
        due_items_sweep(today=WAIT_END)
    moved = [p for p in parts if status(p) == S.CALLBACK_DUE]
    untouched = [p for p in parts if p.status == S.LETTER_SENT]
    assert len(moved) == 1 and len(untouched) == 1
    assert not ParticipationEvent.objects.filter(participation=untouched[0],
                                                 to_status=S.CALLBACK_DUE).exists()
    assert DueItem.objects.get(participation=untouched[0]).done_at is None
    monkeypatch.setitem(due.HANDLERS, DueItem.Kind.WAIT_ENDS, original)
    assert sweep(WAIT_END) == 1 and status(untouched[0]) == S.CALLBACK_DUE


# --- Reminders -------------------------------------------------------------------------


def test_final_evaluation_is_a_reminder_for_the_lead_that_follows_the_project(project, users):
    # Replaces the project-end reminder: due 12 months after the planned start (1 Sept).
    assert not DueItem.objects.filter(project=project, kind=DueItem.Kind.PROJECT_END).exists()
    item = DueItem.objects.get(project=project, kind=DueItem.Kind.FINAL_EVALUATION)
    assert (item.due_on, item.assigned_to) == (date(2027, 9, 1), users[Role.POH_GGZ])
    from patients.services import project_update

    project_update(user=users[Role.POH_GGZ], project=project, data={"evaluation_months": 9})
    item.refresh_from_db()
    assert item.due_on == date(2027, 6, 1)
    moved = due_items_sweep(today=date(2027, 6, 2)).moved
    assert DueItem.Kind.FINAL_EVALUATION not in {kind for _id, kind, _what in moved}
    item.refresh_from_db()
    assert item.done_at is None  # a reminder stays open until done by hand
    assert services.due_item_done(item=item, user=users[Role.POH_GGZ])
    assert not services.due_item_done(item=item, user=users[Role.POH_GGZ])


def test_digest_goes_once_a_day_with_the_due_items(project, users, in_list, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    poh = users[Role.POH_GGZ]
    poh.email = "poh@example.nl"
    poh.save()
    lines = digest_lines(user=poh, today=date(2026, 11, 2))
    assert lines == ["Huisartsenpraktijk De Linde: 1 patiënt om terug te bellen"]
    assert send_digest(poh.pk, "2026-11-02") is True
    assert send_digest(poh.pk, "2026-11-02") is False
    assert len(mail.outbox) == 1 and "1 patiënt om terug te bellen" in mail.outbox[0].body
    assert DigestSent.objects.filter(user=poh).count() == 1
    assert send_digest(poh.pk, "2026-11-03") is True  # the next day, again


def test_a_failed_digest_mail_leaves_no_trace_so_the_retry_sends_it(project, users, in_list,
                                                                    monkeypatch):
    from smtplib import SMTPException

    poh = users[Role.POH_GGZ]
    poh.email = "poh@example.nl"
    poh.save()

    def broken(*args, **kwargs):
        raise SMTPException("server away")

    monkeypatch.setattr(services.callbacks, "send_mail", broken)
    with pytest.raises(SMTPException):
        services.digest_send(user=poh, day=date(2026, 11, 2), lines=["x"])
    assert not DigestSent.objects.exists()


# --- Pages -----------------------------------------------------------------------------


def test_the_assistant_notes_a_call_and_the_poh_sees_it_in_the_list(project, users,
                                                                    client_for):
    part = mailed(project, users)
    assistant = client_for(users[Role.ASSISTENT])
    search = assistant.get(reverse("tapering:phone-note-search"), {"zoek": "P400001"})
    assert "P400001" in search.content.decode()
    url = reverse("tapering:phone-note", kwargs={"project_uuid": project.uuid,
                                                "participation_uuid": part.uuid})
    page = assistant.get(url).content.decode()
    assert "zal u snel terugbellen" in page  # the suggested desk reply
    assert "oxazepam" not in page.lower()
    response = assistant.post(url, {"called_at": "2026-10-12T09:15", "caller": "patient",
                                    "wish": "call_back", "note": "graag na 14 uur"})
    assert response.status_code == 302
    assert PhoneNote.objects.get(participation=part).noted_by == users[Role.ASSISTENT]
    html = client_for(users[Role.POH_GGZ]).get(reverse("tapering:callbacks")).content.decode()
    assert "P400001" in html and "graag na 14 uur" in html and "zelf gebeld" in html


@pytest.mark.parametrize(("query", "found"), [
    ("P400001", True), ("p4000", True), ("400001", True), ("6874 JC", True), ("6874jc", True),
    ("12345678", True), ("6874 JD", False), ("Jansen", False)])
def test_the_assistant_finds_a_patient_by_name_number_postcode_or_phone(project, users, query,
                                                                        found):
    from tapering.selectors import phone_note_candidates

    part = mailed(project, users)
    part.patient.postcode = "6874 JC"
    part.patient.save()
    results = phone_note_candidates(practice=project.practice, query=query)
    assert (results == [part]) is found


def test_the_search_leaves_out_patients_without_a_letter(project, users):
    from tapering.selectors import phone_note_candidates

    mailed(project, users, number="400077", status=S.RESERVE)
    assert phone_note_candidates(practice=project.practice, query="P400077") == []


def test_a_phone_note_in_the_future_is_refused(project, users, client_for):
    part = mailed(project, users)
    url = reverse("tapering:phone-note", kwargs={"project_uuid": project.uuid,
                                                "participation_uuid": part.uuid})
    tomorrow = timezone.localtime() + timedelta(days=1)
    response = client_for(users[Role.ASSISTENT]).post(
        url, {"called_at": f"{tomorrow:%Y-%m-%dT%H:%M}", "caller": "patient",
              "wish": "question"})
    assert response.status_code == 400
    assert "kan niet in de toekomst" in response.content.decode()
    # Past the app's outer range of dates, that range is what the page says.
    response = client_for(users[Role.ASSISTENT]).post(
        url, {"called_at": "2099-01-01T10:00", "caller": "patient", "wish": "question"})
    assert response.status_code == 400
    assert "Kies een datum van 01-01-2000 tot en met" in response.content.decode()
    assert not PhoneNote.objects.exists()


def test_call_page_shows_replies_and_voicemail_and_logs_a_call(project, users, in_list,
                                                               client_for):
    client = client_for(users[Role.POH_GGZ])
    url = reverse("tapering:call", kwargs={"project_uuid": project.uuid,
                                          "participation_uuid": in_list.uuid})
    html = client.get(url).content.decode()
    assert "over de brief van uw huisarts" in html  # voicemail, no medicine named
    assert "u het wel wilt, maar dat het nu niet goed uitkomt" in html
    response = client.post(url, {"outcome": "reached", "response": "not_now",
                                 "next_step": "call_later", "agreed_on": "2027-02-01"})
    assert response.status_code == 302
    assert status(in_list) == S.CALL_LATER
    timeline = client.get(reverse("tapering:timeline", kwargs={
        "project_uuid": project.uuid, "participation_uuid": in_list.uuid})).content.decode()
    assert "wachtperiode voorbij" in timeline and "01-02-2027" in timeline


def test_the_start_page_counts_call_backs_and_lists_reminders(project, users, in_list,
                                                              client_for):
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=AMS), tick=False):
        html = client_for(users[Role.POH_GGZ]).get(reverse("home")).content.decode()
    assert "1 patiënt om vandaag terug te bellen" in html
