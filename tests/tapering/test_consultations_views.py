"""The consult pages, the consults on the timeline, the start page's "Consulten vandaag" and the
daily e-mail (docs/domain.md, step 7), with a frozen clock."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from patients.models import AuditEvent, Participation, Role
from patients.workflow import participation_move
from tapering import services
from tapering.models import Consultation, PhoneNote
from tapering.selectors import digest_lines
from tapering.services import Outcome

from .consult_helpers import (
    AMS,
    NOW,
    TODAY,
    at,
    book,
    frozen_clock,  # noqa: F401  (a fixture)
    in_callback_list,
    refreshed,
)
from .schedule_helpers import reference_table_load

S = Participation.Status
C = Consultation
pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def consult(project, users, prescribe) -> Consultation:
    consult = book(project, users)
    patient = consult.participation.patient
    prescribe(patient, date(2026, 6, 1), atc="N05CD07", strength="10", units=30)
    prescribe(patient, date(2026, 10, 1), atc="N05CD07", strength="20", units=30)
    services.phone_note_create(participation=consult.participation, user=users[Role.ASSISTENT],
                               called_at=NOW - timedelta(hours=1), caller="patient",
                               wish="question", note="vraagt naar de afspraak")
    return refreshed(consult)


def url(name, consult, **extra):
    part = consult.participation
    return reverse(name, args=[part.project.uuid, part.uuid, consult.uuid])


def part_url(name, part):
    return reverse(name, args=[part.project.uuid, part.uuid])


def html(response) -> str:
    return response.content.decode()


def test_the_consult_page_shows_the_patient_in_short_and_the_form(users, client_for, consult):
    page = html(client_for(users[Role.POH_GGZ]).get(url("tapering:consult", consult)))
    patient = consult.participation.patient
    assert patient.display_name in page and patient.number in page and "06-12345678" in page
    assert "consult gepland" in page  # the participation's status
    assert "N05CD07 20 mg" in page and "01-10-2026" in page  # the latest prescription
    assert "N05CD07 10 mg" not in page
    assert "bereikt — wil graag een gesprek" in page  # the call-back in short
    assert "vraagt naar de afspraak" in page  # the phone note
    assert 'id="consult-form"' in page and 'name="next_step" value="start"' in page
    assert 'value="continue"' not in page  # not offered before a schedule started
    assert 'id="niet-gekomen"' in page and 'id="annuleren"' in page
    assert "Geen." in page[page.index('id="eerdere-consulten"'):]  # no earlier consults


def test_the_consult_page_is_logged_with_the_consult_and_the_patient(users, client_for,
                                                                    consult):
    client_for(users[Role.HUISARTS]).get(url("tapering:consult", consult))
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == "view" and event.object_id == str(consult.uuid)
    assert event.patient == consult.participation.patient


def test_recording_start_a_schedule_opens_the_schedule_form(users, client_for, consult):
    reference_table_load()  # the form offers the marketed products
    client = client_for(users[Role.POH_GGZ])
    response = client.post(url("tapering:consult", consult), {
        "held_by": users[Role.POH_GGZ].pk, "minutes": "30", "next_step": "start",
        "notes": "wil rustig afbouwen", "relatives_present": "on", "relatives_who": "partner"})
    part = consult.participation
    assert response.status_code == 302
    assert response.url == part_url("tapering:schedule-new", part)
    assert refreshed(part).status == S.TAPERING
    page = html(client.get(response.url))
    assert "Consult met" in page and "vastgelegd: starten met een afbouwschema" in page
    timeline = html(client.get(part_url("tapering:timeline", part)))
    assert "wil rustig afbouwen" in timeline  # notes on the timeline's consult list, for the POH


def test_recording_not_now_ends_on_the_timeline(users, client_for, consult):
    response = client_for(users[Role.POH_GGZ]).post(url("tapering:consult", consult), {
        "held_by": users[Role.POH_GGZ].pk, "next_step": "not_now"})
    assert response.status_code == 302
    assert response.url == part_url("tapering:timeline", consult.participation)


def test_the_second_submit_shows_the_outcome_and_keeps_the_unsaved_notes(users, client_for,
                                                                        consult):
    client = client_for(users[Role.POH_GGZ])
    data = {"held_by": users[Role.POH_GGZ].pk, "next_step": "not_now", "notes": "eerste"}
    assert client.post(url("tapering:consult", consult), data).status_code == 302
    response = client.post(url("tapering:consult", consult), {**data, "notes": "tweede"})
    page = html(response)
    assert response.status_code == 200
    assert "Dit consult is al vastgelegd als" in page and "Er is niets veranderd" in page
    assert 'id="consult-uitkomst"' in page and 'id="consult-form"' not in page
    assert 'id="niet-opgeslagen"' in page and "tweede" in page
    assert refreshed(consult).notes == "eerste"


def test_a_record_without_next_step_is_refused_with_its_message(users, client_for, consult):
    response = client_for(users[Role.POH_GGZ]).post(url("tapering:consult", consult),
                                                    {"held_by": users[Role.POH_GGZ].pk})
    assert response.status_code == 400
    assert "Kies de afgesproken volgende stap." in html(response)
    assert refreshed(consult).status == C.Status.PLANNED


def test_a_referral_without_where_to_is_refused_on_the_page(users, client_for, consult):
    response = client_for(users[Role.POH_GGZ]).post(url("tapering:consult", consult), {
        "held_by": users[Role.POH_GGZ].pk, "next_step": "refer", "refer_note": "x"})
    assert response.status_code == 400 and "Kies waarnaar" in html(response)


def test_a_consult_of_a_later_day_cannot_be_recorded_yet(project, users, client_for):
    later = book(project, users, when=at(TODAY + timedelta(days=2)), number="500030")
    page = html(client_for(users[Role.POH_GGZ]).get(url("tapering:consult", later)))
    assert 'id="nog-niet"' in page and "18-11-2026" in page
    assert 'id="consult-form"' not in page and 'id="niet-gekomen"' not in page
    assert 'id="annuleren"' in page  # it can still be cancelled


def test_no_show_with_a_new_date_rebooks_and_opens_the_new_consult(users, client_for,
                                                                   consult):
    response = client_for(users[Role.POH_GGZ]).post(url("tapering:consult-no-show", consult), {
        "rebook_date": "2026-11-23", "rebook_time": "09:15"})
    new = Consultation.objects.get(rebooked_from=consult)
    assert response.status_code == 302 and response.url == url("tapering:consult", new)
    assert refreshed(consult).status == C.Status.NO_SHOW
    page = html(client_for(users[Role.POH_GGZ]).get(response.url))
    assert "opnieuw gepland nadat de patiënt op 16-11-2026 10:30 niet kwam" in page
    earlier = page[page.index('id="eerdere-consulten"'):]
    assert "16-11-2026 10:30" in earlier and "niet gekomen" in earlier


def test_no_show_without_a_date_then_rebook_from_the_consult_page(users, client_for, consult):
    client = client_for(users[Role.POH_GGZ])
    response = client.post(url("tapering:consult-no-show", consult), {})
    assert response.url == url("tapering:consult", consult)
    page = html(client.get(response.url))
    assert 'id="opnieuw-plannen"' in page and "niet gekomen" in page
    response = client.post(url("tapering:consult-no-show", consult),
                           {"rebook_date": "2026-11-23", "rebook_time": "09:15"}, follow=True)
    assert "al vastgelegd als" in html(response)  # a second click: refused, said
    assert not Consultation.objects.filter(rebooked_from=consult).exists()
    response = client.post(url("tapering:consult-rebook", consult),
                           {"rebook_date": "2026-11-23", "rebook_time": "09:15"})
    new = Consultation.objects.get(rebooked_from=consult)
    assert response.url == url("tapering:consult", new)
    assert 'id="opnieuw-gepland"' in html(client.get(url("tapering:consult", consult)))


def test_rebook_with_half_a_date_is_refused_on_the_page(users, client_for, consult):
    response = client_for(users[Role.POH_GGZ]).post(url("tapering:consult-no-show", consult),
                                                    {"rebook_date": "2026-11-23"})
    assert response.status_code == 400 and "datum én de tijd" in html(response)
    assert refreshed(consult).status == C.Status.PLANNED


def test_cancel_needs_a_reason_on_the_page(users, client_for, consult):
    client = client_for(users[Role.POH_GGZ])
    response = client.post(url("tapering:consult-cancel", consult), {"reason": ""})
    assert response.status_code == 400 and "Geef de reden van het afzeggen." in html(response)
    response = client.post(url("tapering:consult-cancel", consult), {"reason": "ziek"})
    assert response.url == part_url("tapering:timeline", consult.participation)
    page = html(client.get(response.url))
    assert "Consult van 16-11-2026 10:30 afgezegd." in page and "afgezegd" in page


def test_the_assistant_has_no_consult_page_and_never_sees_consult_notes(users, client_for,
                                                                        consult):
    services.consultation_record(consultation=consult, user=users[Role.POH_GGZ], today=TODAY,
                                 outcome=Outcome(next_step=C.Next.START,
                                                 notes="GEHEIM-klinisch"))
    assistant = client_for(users[Role.ASSISTENT])
    part = consult.participation
    for address in (url("tapering:consult", consult), part_url("tapering:timeline", part),
                    part_url("tapering:consult-plan", part)):
        assert assistant.get(address).status_code == 403
    page = html(assistant.get(part_url("tapering:phone-note", part)))
    assert part.patient.display_name in page and "GEHEIM" not in page
    assert "GEHEIM" not in html(assistant.get(reverse("home")))


def test_a_user_of_another_practice_gets_404(other_users, client_for, consult):
    client = client_for(other_users[Role.POH_GGZ])
    assert client.get(url("tapering:consult", consult)).status_code == 404
    assert client.post(url("tapering:consult-cancel", consult), {"reason": "x"}
                       ).status_code == 404
    assert refreshed(consult).status == C.Status.PLANNED


def test_a_consult_of_another_participation_is_not_found(project, users, client_for, consult):
    other = book(project, users, number="500031")
    part = other.participation
    wrong = reverse("tapering:consult", args=[part.project.uuid, part.uuid, consult.uuid])
    assert client_for(users[Role.POH_GGZ]).get(wrong).status_code == 404


# --- Planning and recording a contact ----------------------------------------------------


def test_plan_a_monitoring_contact_from_the_timeline(users, client_for, consult):
    client = client_for(users[Role.POH_GGZ])
    services.consultation_record(consultation=consult, user=users[Role.POH_GGZ], today=TODAY,
                                 outcome=Outcome(next_step=C.Next.START))
    part = consult.participation
    timeline = html(client.get(part_url("tapering:timeline", part)))
    assert part_url("tapering:consult-plan", part) in timeline
    page = html(client.get(part_url("tapering:consult-plan", part)))
    assert 'value="monitoring_phone"' in page and 'value="monitoring_visit"' in page
    response = client.post(part_url("tapering:consult-plan", part), {
        "kind": "monitoring_phone", "consult_date": "2026-11-30", "consult_time": "09:00",
        "held_by": users[Role.HUISARTS].pk})
    assert response.status_code == 302
    contact = part.consultations.get(status=C.Status.PLANNED)
    assert contact.held_by == users[Role.HUISARTS] and contact.kind == C.Kind.MONITORING_PHONE
    page = html(client.get(response.url))
    assert "Controlegesprek per telefoon gepland op 30-11-2026 09:00." in page
    assert "controlegesprek per telefoon gepland op 30-11-2026 09:00 bij" in page  # timeline


def test_planning_in_the_past_is_refused_on_the_page(users, client_for, consult):
    part = consult.participation
    response = client_for(users[Role.POH_GGZ]).post(part_url("tapering:consult-plan", part), {
        "kind": "evaluation", "consult_date": "2026-11-15", "consult_time": "09:00",
        "held_by": users[Role.POH_GGZ].pk})
    assert response.status_code == 400 and "in het verleden" in html(response)


def test_planning_for_a_patient_not_yet_at_the_consult_says_why(project, users, client_for):
    part = in_callback_list(project, users, number="500032")
    page = html(client_for(users[Role.POH_GGZ]).get(part_url("tapering:consult-plan", part)))
    assert 'id="niet-te-plannen"' in page and "terugbellen" in page
    timeline = html(client_for(users[Role.POH_GGZ]).get(part_url("tapering:timeline", part)))
    assert "Nog geen consulten." in timeline
    assert part_url("tapering:consult-plan", part) not in timeline


def test_record_a_phone_contact_just_now(users, client_for, consult):
    services.consultation_record(consultation=consult, user=users[Role.POH_GGZ], today=TODAY,
                                 outcome=Outcome(next_step=C.Next.START))
    part = consult.participation
    client = client_for(users[Role.POH_GGZ])
    page = html(client.get(part_url("tapering:consult-record-contact", part)))
    assert 'value="2026-11-16"' in page and 'value="08:30"' in page  # now, by default
    response = client.post(part_url("tapering:consult-record-contact", part), {
        "kind": "monitoring_phone", "contact_date": "2026-11-16", "contact_time": "08:15",
        "held_by": users[Role.POH_GGZ].pk, "minutes": "7", "next_step": "continue",
        "notes": "slaapt wat slechter"})
    assert response.status_code == 302
    assert response.url == part_url("tapering:timeline", part)
    contact = part.consultations.get(kind=C.Kind.MONITORING_PHONE)
    assert contact.status == C.Status.HELD and contact.at == at(TODAY, 8, 15)
    assert "Gesprek met" in html(client.get(response.url))


def test_a_contact_in_the_future_is_refused_on_the_page(users, client_for, consult):
    part = consult.participation
    response = client_for(users[Role.POH_GGZ]).post(
        part_url("tapering:consult-record-contact", part), {
            "kind": "evaluation", "contact_date": "2026-11-17", "contact_time": "08:15",
            "held_by": users[Role.POH_GGZ].pk, "next_step": "start"})
    assert response.status_code == 400 and "niet in de toekomst" in html(response)
    assert refreshed(part).status == S.CONSULT_PLANNED


# --- The timeline -------------------------------------------------------------------------


def test_the_timeline_lists_the_consults_with_who_status_minutes_and_next_step(
        users, client_for, consult):
    services.consultation_record(consultation=consult, user=users[Role.POH_GGZ], today=TODAY,
                                 outcome=Outcome(next_step=C.Next.START, minutes=35,
                                                 held_by=users[Role.HUISARTS]))
    page = html(client_for(users[Role.HUISARTS]).get(
        part_url("tapering:timeline", consult.participation)))
    section = page[page.index('id="consulten"'):page.index('id="tijdlijn"')]
    assert "16-11-2026 10:30" in section and "Evaluatiegesprek" in section
    assert users[Role.HUISARTS].get_full_name() in section and "(Huisarts)" in section
    assert "gehouden" in section and ">35<" in section
    assert "starten met een afbouwschema" in section
    assert url("tapering:consult", consult) in section


# --- Start page and daily e-mail ---------------------------------------------------------


def _home(client_for, user) -> str:
    return html(client_for(user).get(reverse("home")))


def test_the_poh_finds_today_s_consult_on_the_start_page_on_the_day_not_before(
        project, users, client_for):
    consult = book(project, users, when=at(date(2026, 11, 18), 9, 45))
    poh = users[Role.POH_GGZ]
    assert "Consulten vandaag" not in _home(client_for, poh)  # the day before: not yet
    with time_machine.travel(datetime(2026, 11, 18, 8, 0, tzinfo=AMS), tick=False):
        page = _home(client_for, poh)
    panel = page[page.index('id="consulten-vandaag"'):]
    assert "09:45" in panel and consult.participation.patient.display_name in panel
    assert "evaluatiegesprek" in panel.lower() and url("tapering:consult", consult) in panel
    assert "nog vastleggen" not in panel


def test_a_consult_never_recorded_stays_on_the_start_page_as_still_to_record(
        project, users, client_for):
    consult = book(project, users, when=at(TODAY, 9))
    with time_machine.travel(datetime(2026, 11, 19, 8, 0, tzinfo=AMS), tick=False):
        page = _home(client_for, users[Role.POH_GGZ])
        assert "nog vastleggen" in page and url("tapering:consult", consult) in page
        assert "Vandaag staan er geen consulten." in page
        services.consultation_record(consultation=consult, user=users[Role.POH_GGZ],
                                     today=date(2026, 11, 19),
                                     outcome=Outcome(next_step=C.Next.START))
        assert "Consulten vandaag" not in _home(client_for, users[Role.POH_GGZ])


def test_a_no_show_waiting_for_a_new_date_is_on_the_start_page_until_rebooked(
        users, client_for, consult):
    services.consultation_no_show(consultation=consult, user=users[Role.POH_GGZ], today=TODAY)
    page = _home(client_for, users[Role.POH_GGZ])
    assert "opnieuw inplannen" in page and "niet gekomen op 16-11-2026 10:30" in page
    services.consultation_rebook(consultation=consult, user=users[Role.POH_GGZ],
                                 at=at(date(2026, 11, 25)), today=TODAY)
    assert "opnieuw inplannen" not in _home(client_for, users[Role.POH_GGZ])


def test_a_gp_sees_only_the_consults_they_hold_and_the_assistant_none(
        project, users, client_for, consult):
    gp = users[Role.HUISARTS]
    assert "Consulten vandaag" not in _home(client_for, gp)  # the POH holds this one
    part = book(project, users, when=at(TODAY, 14), number="500040").participation
    services.consultation_plan(participation=part, user=users[Role.POH_GGZ], at=at(TODAY, 16),
                               kind=C.Kind.EVALUATION, held_by=gp, today=TODAY)
    page = _home(client_for, gp)
    panel = page[page.index('id="consulten-vandaag"'):]
    assert "16:00" in panel and "14:00" not in panel and "10:30" not in panel
    poh_page = _home(client_for, users[Role.POH_GGZ])
    assert all(t in poh_page for t in ("10:30", "14:00", "16:00"))  # the POH sees them all
    assert "Consulten vandaag" not in _home(client_for, users[Role.ASSISTENT])


def test_the_digest_names_today_s_consults_and_those_still_to_record(project, users, consult):
    poh = users[Role.POH_GGZ]
    practice = project.practice.name

    def consult_lines(user, day):
        return [line for line in digest_lines(user=user, today=day) if "consult" in line]

    assert consult_lines(poh, TODAY - timedelta(days=1)) == []
    assert consult_lines(poh, TODAY) == [f"{practice}: 1 consult vandaag"]
    assert consult_lines(poh, TODAY + timedelta(days=1)) == [
        f"{practice}: 1 consult van een eerdere dag nog vast te leggen"]
    assert consult_lines(users[Role.HUISARTS], TODAY) == []  # the POH holds it


def test_a_phone_note_of_a_referred_patient_is_a_timeline_note(users, consult):
    services.consultation_record(consultation=consult, user=users[Role.POH_GGZ], today=TODAY,
                                 outcome=Outcome(next_step=C.Next.REFER,
                                                 refer_to=C.Referral.ADDICTION))
    part = consult.participation
    services.phone_note_create(participation=part, user=users[Role.ASSISTENT], called_at=NOW,
                               caller="relative", wish="question")
    assert refreshed(part).status == S.REFERRED
    assert PhoneNote.objects.filter(participation=part).count() == 2



def test_a_consult_of_a_patient_who_left_offers_no_next_step_only_cancel(users, client_for,
                                                                         consult):
    participation_move(participation=consult.participation, to=S.LEFT,
                       user=users[Role.POH_GGZ], what="verhuisd")
    client = client_for(users[Role.POH_GGZ])
    page = html(client.get(url("tapering:consult", consult)))
    assert 'id="geen-volgende-stap"' in page and 'name="next_step"' not in page
    response = client.post(url("tapering:consult", consult), {
        "held_by": users[Role.POH_GGZ].pk, "next_step": "start"})
    assert "past niet bij" in html(response)
    assert refreshed(consult).status == C.Status.PLANNED
