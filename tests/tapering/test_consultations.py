"""Consultations: booking, recording each next step, no-show and rebook, cancelling, and the
refusals (docs/domain.md, step 7, "Consultations"), with a frozen clock."""

from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError, transaction

from patients.dates import call_again_on
from patients.models import AuditEvent, DueItem, Participation, ParticipationEvent, Role
from patients.workflow import MoveRefused, may_move, participation_move
from tapering import services
from tapering.forms import CallAttemptForm
from tapering.models import Consultation
from tapering.services import ConsultError, Outcome

from .consult_helpers import (
    AT,
    NOW,
    TODAY,
    at,
    book,
    frozen_clock,  # noqa: F401  (a fixture)
    in_callback_list,
    refreshed,
)

S = Participation.Status
C = Consultation
pytestmark = pytest.mark.usefixtures("frozen_clock")


def record(consult, users, step, role=Role.POH_GGZ, today=TODAY, **fields):
    return services.consultation_record(consultation=consult, user=users[role], today=today,
                                        outcome=Outcome(next_step=step, **fields))




def last_event(part) -> ParticipationEvent:
    return ParticipationEvent.objects.filter(participation=part).order_by("-id").first()


@pytest.fixture
def consult(project, users) -> Consultation:
    return book(project, users)


@pytest.fixture
def tapering(project, users, consult) -> Participation:
    """A patient whose evaluation consult started a tapering schedule."""
    record(consult, users, C.Next.START)
    return refreshed(consult.participation)


# --- Booking from the call-back screen --------------------------------------------------


def test_booking_on_the_call_screen_plans_the_consult_held_by_the_project_lead(
        project, users, consult):
    part = refreshed(consult.participation)
    assert part.status == S.CONSULT_PLANNED and part.consult_at == AT
    assert consult.status == C.Status.PLANNED and consult.kind == C.Kind.EVALUATION
    assert consult.held_by == project.lead and consult.held_by_role == Role.POH_GGZ
    assert consult.planned_by == users[Role.POH_GGZ] and consult.at == AT
    assert AuditEvent.objects.filter(object_type="consultation", object_id=str(consult.uuid),
                                     action="create", patient=part.patient).exists()


@pytest.mark.parametrize(("days", "booked"), [(366, True), (367, False)])
def test_a_consult_is_booked_at_most_a_year_ahead_on_the_call_screen(project, users, days,
                                                                     booked):
    part = in_callback_list(project, users)
    when = at(TODAY + timedelta(days=days))
    form = CallAttemptForm({"outcome": "reached", "response": "agrees", "next_step": "consult",
                            "consult_date": when.date().isoformat(), "consult_time": "10:00"},
                           today=TODAY)
    assert form.is_valid() is booked
    if booked:
        book_it = services.call_attempt_log(participation=part, user=users[Role.POH_GGZ],
                                            outcome="reached", today=TODAY, response="agrees",
                                            next_step="consult", consult_at=when)
        assert book_it.pk and refreshed(part).status == S.CONSULT_PLANNED
        return
    assert "een jaar vooruit" in str(form.errors["consult_date"])
    with pytest.raises(services.CallError, match="een jaar vooruit"):
        services.call_attempt_log(participation=part, user=users[Role.POH_GGZ],
                                  outcome="reached", today=TODAY, response="agrees",
                                  next_step="consult", consult_at=when)
    # The whole call is rolled back: no attempt, no consult, still in the list.
    assert refreshed(part).status == S.CALLBACK_DUE
    assert not part.call_attempts.exists() and not part.consultations.exists()


# --- Recording a held consult: each next step -------------------------------------------


def test_start_a_schedule_moves_to_tapering_with_the_agreement_on_the_timeline(
        users, consult):
    record(consult, users, C.Next.START, minutes=25, notes="wil afbouwen\nslaapt slecht",
           relatives_present=True, relatives_who="dochter")
    consult = refreshed(consult)
    part = refreshed(consult.participation)
    assert part.status == S.TAPERING
    assert consult.status == C.Status.HELD and consult.next_step == C.Next.START
    assert consult.minutes == 25 and consult.relatives_who == "dochter"
    assert consult.notes == "wil afbouwen\nslaapt slecht"
    assert consult.recorded_by == users[Role.POH_GGZ] and consult.recorded_at == NOW
    event = last_event(part)
    assert event.to_status == S.TAPERING and event.from_status == S.CONSULT_PLANNED
    assert "starten met een afbouwschema" in event.what and "evaluatiegesprek" in event.what
    assert "slaapt slecht" not in event.what  # notes stay on the consult, not the timeline
    assert AuditEvent.objects.filter(object_id=str(consult.uuid), action="change",
                                     detail="consult held: start").exists()
    assert part.consult_at == AT  # the last held consult, no planned one left


def test_not_now_declines_and_asks_again_after_the_project_s_months_by_default(
        project, users, consult):
    record(consult, users, C.Next.NOT_NOW)
    part = refreshed(consult.participation)
    default = call_again_on(TODAY, project.call_later_months)
    assert default == date(2027, 1, 16)
    assert part.status == S.DECLINED and refreshed(consult).ask_again_on == default
    item = DueItem.objects.get(participation=part, kind=DueItem.Kind.ASK_AGAIN,
                               done_at__isnull=True)
    assert item.due_on == default and item.assigned_to == project.lead
    assert "nu niet, opnieuw vragen op 16-01-2027" in last_event(part).what


def test_not_now_on_a_chosen_day_returns_to_the_call_back_list_on_that_day_only(
        users, consult, capsys):
    record(consult, users, C.Next.NOT_NOW, ask_again_on=date(2027, 3, 1))
    part = consult.participation
    call_command("run_due_steps", "--now", "2027-02-28")
    assert refreshed(part).status == S.DECLINED
    call_command("run_due_steps", "--now", "2027-03-01")
    assert refreshed(part).status == S.CALLBACK_DUE and part.next_call_on == date(2027, 3, 1)
    capsys.readouterr()
    call_command("run_due_steps", "--now", "2027-03-01")  # a second sweep changes nothing
    assert "0 getimede stappen" in capsys.readouterr().out


@pytest.mark.parametrize(("day", "refused"), [(TODAY, True), (TODAY + timedelta(days=1), False),
                                              (date(2028, 11, 17), False),
                                              (date(2028, 11, 18), True)])
def test_the_day_to_ask_again_lies_after_today_and_within_two_years(users, consult, day,
                                                                     refused):
    if refused:
        with pytest.raises(ConsultError):
            record(consult, users, C.Next.NOT_NOW, ask_again_on=day)
        assert refreshed(consult).status == C.Status.PLANNED
        assert refreshed(consult.participation).status == S.CONSULT_PLANNED
    else:
        record(consult, users, C.Next.NOT_NOW, ask_again_on=day)
        assert refreshed(consult.participation).status == S.DECLINED


def test_refer_elsewhere_moves_to_referred_with_the_note(users, consult):
    record(consult, users, C.Next.REFER, refer_to=C.Referral.ADDICTION,
           refer_note="Tactus, intake aangevraagd")
    part = refreshed(consult.participation)
    consult = refreshed(consult)
    assert part.status == S.REFERRED and part.get_status_display() == "doorverwezen"
    assert consult.refer_to == C.Referral.ADDICTION
    assert consult.refer_note == "Tactus, intake aangevraagd"
    assert "verwezen naar verslavingszorg (Tactus, intake aangevraagd)" in last_event(part).what


def test_a_referral_needs_where_to_and_other_care_needs_a_note(users, consult):
    with pytest.raises(ConsultError, match="Kies waarnaar"):
        record(consult, users, C.Next.REFER)
    with pytest.raises(ConsultError, match="Schrijf op waarnaar"):
        record(consult, users, C.Next.REFER, refer_to=C.Referral.OTHER, refer_note="  ")
    assert refreshed(consult).status == C.Status.PLANNED
    record(consult, users, C.Next.REFER, refer_to=C.Referral.OTHER, refer_note="psycholoog")
    assert refreshed(consult.participation).status == S.REFERRED


def test_already_stopped_moves_to_stopped(users, consult):
    record(consult, users, C.Next.STOPPED, minutes=10)
    assert refreshed(consult.participation).status == S.STOPPED
    assert "is al gestopt" in last_event(consult.participation).what


def test_a_monitoring_contact_continues_the_schedule_without_a_status_change(
        users, tapering):
    contact = services.consultation_plan(
        participation=tapering, user=users[Role.POH_GGZ], at=at(date(2026, 11, 23), 9),
        kind=C.Kind.MONITORING_PHONE, held_by=users[Role.POH_GGZ], today=TODAY)
    events = ParticipationEvent.objects.filter(participation=tapering).count()
    record(contact, users, C.Next.CONTINUE, today=date(2026, 11, 23), minutes=5)
    assert refreshed(tapering).status == S.TAPERING
    event = last_event(tapering)
    assert ParticipationEvent.objects.filter(participation=tapering).count() == events + 1
    assert event.from_status == event.to_status == S.TAPERING
    assert "controlegesprek per telefoon" in event.what and "doorgaan met het schema" in event.what


def test_a_held_monitoring_contact_closes_the_schedules_open_reminder(users, tapering):
    # The sweep made the monitoring-contact reminder of a step (tapering/due.py).
    reminder = DueItem.objects.create(kind=DueItem.Kind.MONITOR_CONTACT, due_on=TODAY,
                                      project=tapering.project, participation=tapering,
                                      assigned_to=users[Role.POH_GGZ])
    contact = services.consultation_plan(
        participation=tapering, user=users[Role.POH_GGZ], at=at(TODAY, 15),
        kind=C.Kind.MONITORING_PHONE, held_by=users[Role.POH_GGZ], today=TODAY)
    record(contact, users, C.Next.CONTINUE, minutes=5)
    reminder.refresh_from_db()
    assert reminder.done_at is not None


def test_a_monitoring_contact_the_patient_missed_leaves_the_reminder_open(users, tapering):
    reminder = DueItem.objects.create(kind=DueItem.Kind.MONITOR_CONTACT, due_on=TODAY,
                                      project=tapering.project, participation=tapering,
                                      assigned_to=users[Role.POH_GGZ])
    contact = services.consultation_plan(
        participation=tapering, user=users[Role.POH_GGZ], at=at(TODAY, 15),
        kind=C.Kind.MONITORING_VISIT, held_by=users[Role.POH_GGZ], today=TODAY)
    services.consultation_no_show(consultation=contact, user=users[Role.POH_GGZ], today=TODAY)
    reminder.refresh_from_db()
    assert reminder.done_at is None


def test_a_monitoring_contact_may_end_in_stopped(users, tapering):
    contact = services.consultation_plan(
        participation=tapering, user=users[Role.POH_GGZ], at=at(TODAY, 15),
        kind=C.Kind.MONITORING_VISIT, held_by=users[Role.HUISARTS], today=TODAY)
    record(contact, users, C.Next.STOPPED, role=Role.HUISARTS)
    assert refreshed(tapering).status == S.STOPPED
    assert refreshed(contact).held_by_role == Role.HUISARTS


@pytest.mark.parametrize("step", [C.Next.CONTINUE])
def test_continue_does_not_fit_a_patient_who_has_not_started(users, consult, step):
    with pytest.raises(ConsultError, match="past niet bij"):
        record(consult, users, step)
    assert refreshed(consult).status == C.Status.PLANNED


@pytest.mark.parametrize("step", [C.Next.START, C.Next.NOT_NOW, C.Next.REFER])
def test_a_consult_while_tapering_cannot_start_decline_or_refer(users, tapering, step):
    contact = services.consultation_plan(
        participation=tapering, user=users[Role.POH_GGZ], at=at(TODAY, 16),
        kind=C.Kind.MONITORING_VISIT, held_by=users[Role.POH_GGZ], today=TODAY)
    with pytest.raises(ConsultError, match="past niet bij"):
        record(contact, users, step, refer_to=C.Referral.ADDICTION)
    assert refreshed(tapering).status == S.TAPERING
    assert refreshed(contact).status == C.Status.PLANNED


def test_a_monitoring_contact_cannot_be_planned_before_a_schedule_started(users, consult):
    with pytest.raises(ConsultError, match="nog niet begonnen"):
        services.consultation_plan(
            participation=consult.participation, user=users[Role.POH_GGZ],
            at=at(TODAY + timedelta(days=7)), kind=C.Kind.MONITORING_PHONE,
            held_by=users[Role.POH_GGZ], today=TODAY)


def test_the_second_submit_changes_nothing_and_says_so(users, consult):
    record(consult, users, C.Next.START)
    events = ParticipationEvent.objects.count()
    audits = AuditEvent.objects.count()
    with pytest.raises(ConsultError, match="al vastgelegd als 'gehouden'.*Er is niets veranderd"):
        record(consult, users, C.Next.START, notes="tweede keer")
    assert ParticipationEvent.objects.count() == events and AuditEvent.objects.count() == audits
    assert refreshed(consult).notes == ""


def test_a_stale_page_cannot_record_a_consult_another_user_cancelled(users, consult):
    stale = Consultation.objects.get(pk=consult.pk)
    services.consultation_cancel(consultation=consult, user=users[Role.HUISARTS],
                                 reason="patiënt belde af")
    with pytest.raises(ConsultError, match="al vastgelegd als 'afgezegd'"):
        record(stale, users, C.Next.START)
    assert refreshed(consult.participation).status == S.CONSULT_PLANNED


@pytest.mark.parametrize(("today", "allowed"), [(TODAY - timedelta(days=1), False),
                                                (TODAY, True), (TODAY + timedelta(days=3), True)])
def test_a_consult_is_recorded_from_its_day_on(users, consult, today, allowed):
    if allowed:
        record(consult, users, C.Next.START, today=today)
        assert refreshed(consult).status == C.Status.HELD
    else:
        with pytest.raises(ConsultError, match="vanaf die dag"):
            record(consult, users, C.Next.START, today=today)
        with pytest.raises(ConsultError, match="vanaf die dag"):
            services.consultation_no_show(consultation=consult, user=users[Role.POH_GGZ],
                                          today=today)
        assert refreshed(consult).status == C.Status.PLANNED


def test_only_a_poh_or_gp_of_the_practice_holds_a_consult(users, consult):
    with pytest.raises(ConsultError, match="alleen een POH-GGZ of huisarts"):
        record(consult, users, C.Next.START, held_by=users[Role.ASSISTENT])
    record(consult, users, C.Next.START, held_by=users[Role.HUISARTS])
    consult = refreshed(consult)
    assert consult.held_by == users[Role.HUISARTS] and consult.held_by_role == Role.HUISARTS


def test_the_holder_s_role_is_kept_as_it_was_then(users, consult):
    record(consult, users, C.Next.START)
    users[Role.POH_GGZ].memberships.update(role=Role.HUISARTS)
    assert refreshed(consult).get_held_by_role_display() == "POH-GGZ"


def test_relatives_who_is_kept_only_when_relatives_were_present(users, consult):
    record(consult, users, C.Next.START, relatives_present=False, relatives_who="partner")
    assert refreshed(consult).relatives_who == ""


@pytest.mark.parametrize("step", [C.Next.NOT_NOW, C.Next.REFER, C.Next.STOPPED])
def test_ending_the_route_cancels_the_other_planned_consults(users, consult, step):
    later = services.consultation_plan(
        participation=consult.participation, user=users[Role.POH_GGZ],
        at=at(TODAY + timedelta(days=14)), kind=C.Kind.EVALUATION,
        held_by=users[Role.POH_GGZ], today=TODAY)
    record(consult, users, step, refer_to=C.Referral.MENTAL_HEALTH)
    later = refreshed(later)
    assert later.status == C.Status.CANCELLED and "niet meer nodig" in later.cancel_reason
    assert refreshed(consult.participation).consult_at == AT


def test_starting_a_schedule_keeps_the_other_planned_consults(users, consult):
    later = services.consultation_plan(
        participation=consult.participation, user=users[Role.POH_GGZ],
        at=at(TODAY + timedelta(days=14)), kind=C.Kind.EVALUATION,
        held_by=users[Role.POH_GGZ], today=TODAY)
    record(consult, users, C.Next.START)
    assert refreshed(later).status == C.Status.PLANNED
    assert refreshed(consult.participation).consult_at == later.at


# --- No-show, rebook, cancel --------------------------------------------------------------


def test_a_no_show_stays_consult_planned_and_is_rebooked_once(users, consult):
    part = consult.participation
    assert services.consultation_no_show(consultation=consult, user=users[Role.POH_GGZ],
                                         today=TODAY) is None
    consult, part = refreshed(consult), refreshed(part)
    assert consult.status == C.Status.NO_SHOW and part.status == S.CONSULT_PLANNED
    assert part.consult_at is None  # no consult planned any more
    assert "niet gekomen naar het evaluatiegesprek van 16-11-2026 10:30" in last_event(part).what
    new_at = at(date(2026, 11, 30), 14)
    new = services.consultation_rebook(consultation=consult, user=users[Role.POH_GGZ],
                                       at=new_at, today=TODAY)
    assert new.rebooked_from == consult and new.status == C.Status.PLANNED
    assert new.kind == consult.kind and new.held_by == consult.held_by
    assert refreshed(part).consult_at == new_at and part.status == S.CONSULT_PLANNED
    assert "opnieuw gepland" in last_event(part).what
    with pytest.raises(ConsultError, match="al opnieuw gepland"):
        services.consultation_rebook(consultation=consult, user=users[Role.POH_GGZ],
                                     at=at(date(2026, 12, 1)), today=TODAY)
    assert part.consultations.filter(status=C.Status.PLANNED).count() == 1


def test_no_show_and_rebook_in_one_step(users, consult):
    new = services.consultation_no_show(consultation=consult, user=users[Role.POH_GGZ],
                                        today=TODAY, rebook_at=at(date(2026, 11, 23), 9))
    assert refreshed(consult).status == C.Status.NO_SHOW and new.rebooked_from == consult
    assert refreshed(consult.participation).consult_at == at(date(2026, 11, 23), 9)


def test_a_no_show_with_a_rebook_date_in_the_past_changes_nothing(users, consult):
    with pytest.raises(ConsultError, match="verleden"):
        services.consultation_no_show(consultation=consult, user=users[Role.POH_GGZ],
                                      today=TODAY, rebook_at=at(TODAY - timedelta(days=1)))
    assert refreshed(consult).status == C.Status.PLANNED


def test_only_a_no_show_is_rebooked(users, consult):
    with pytest.raises(ConsultError, match="niet kwam"):
        services.consultation_rebook(consultation=consult, user=users[Role.POH_GGZ],
                                     at=at(date(2026, 11, 30)), today=TODAY)


def test_a_no_show_twice_is_refused(users, consult):
    services.consultation_no_show(consultation=consult, user=users[Role.POH_GGZ], today=TODAY)
    with pytest.raises(ConsultError, match="al vastgelegd als 'niet gekomen'"):
        services.consultation_no_show(consultation=consult, user=users[Role.POH_GGZ],
                                      today=TODAY)


def test_cancel_needs_a_reason_and_goes_on_the_timeline(users, consult):
    with pytest.raises(ConsultError, match="reden"):
        services.consultation_cancel(consultation=consult, user=users[Role.POH_GGZ], reason=" ")
    services.consultation_cancel(consultation=consult, user=users[Role.POH_GGZ],
                                 reason="patiënt is ziek")
    consult = refreshed(consult)
    assert consult.status == C.Status.CANCELLED and consult.cancel_reason == "patiënt is ziek"
    assert consult.recorded_by == users[Role.POH_GGZ]
    assert "afgezegd: patiënt is ziek" in last_event(consult.participation).what
    assert refreshed(consult.participation).consult_at is None
    with pytest.raises(ConsultError, match="al vastgelegd"):
        services.consultation_cancel(consultation=consult, user=users[Role.POH_GGZ],
                                     reason="nog eens")


# --- Planning and recording a contact that took place -----------------------------------


@pytest.mark.parametrize(("day", "ok"), [(TODAY - timedelta(days=1), False), (TODAY, True),
                                         (TODAY + timedelta(days=366), True),
                                         (TODAY + timedelta(days=367), False)])
def test_planning_is_refused_in_the_past_and_more_than_a_year_ahead(users, tapering, day, ok):
    plan = dict(participation=tapering, user=users[Role.POH_GGZ], at=at(day, 13),
                kind=C.Kind.MONITORING_VISIT, held_by=users[Role.POH_GGZ], today=TODAY)
    if ok:
        assert services.consultation_plan(**plan).status == C.Status.PLANNED
    else:
        with pytest.raises(ConsultError):
            services.consultation_plan(**plan)
        assert not tapering.consultations.filter(status=C.Status.PLANNED).exists()


def test_planning_the_same_moment_twice_adds_one(users, tapering):
    plan = dict(participation=tapering, user=users[Role.POH_GGZ], at=at(TODAY, 14),
                kind=C.Kind.MONITORING_VISIT, held_by=users[Role.POH_GGZ], today=TODAY)
    services.consultation_plan(**plan)
    with pytest.raises(ConsultError, match="al gepland"):
        services.consultation_plan(**plan)
    assert tapering.consultations.filter(status=C.Status.PLANNED).count() == 1


def test_consult_at_follows_the_next_planned_consult(users, tapering):
    first = services.consultation_plan(
        participation=tapering, user=users[Role.POH_GGZ], at=at(date(2026, 12, 7)),
        kind=C.Kind.MONITORING_PHONE, held_by=users[Role.POH_GGZ], today=TODAY)
    second = services.consultation_plan(
        participation=tapering, user=users[Role.POH_GGZ], at=at(date(2026, 11, 30)),
        kind=C.Kind.MONITORING_VISIT, held_by=users[Role.POH_GGZ], today=TODAY)
    assert refreshed(tapering).consult_at == second.at
    services.consultation_cancel(consultation=second, user=users[Role.POH_GGZ], reason="x")
    assert refreshed(tapering).consult_at == first.at


def test_planning_needs_a_patient_with_a_consult_planned_or_tapering(project, users):
    part = in_callback_list(project, users, number="500009")
    with pytest.raises(ConsultError, match="terugbellen"):
        services.consultation_plan(participation=part, user=users[Role.POH_GGZ],
                                   at=at(TODAY, 15), kind=C.Kind.EVALUATION,
                                   held_by=users[Role.POH_GGZ], today=TODAY)


def test_a_phone_contact_just_now_is_recorded_in_one_step(users, tapering):
    contact = services.consultation_record_contact(
        participation=tapering, user=users[Role.POH_GGZ], at=NOW - timedelta(minutes=10),
        kind=C.Kind.MONITORING_PHONE, today=TODAY,
        outcome=Outcome(next_step=C.Next.CONTINUE, minutes=8, notes="gaat goed"))
    contact = refreshed(contact)
    assert contact.status == C.Status.HELD and contact.planned_by == users[Role.POH_GGZ]
    assert contact.held_by == users[Role.POH_GGZ] and contact.notes == "gaat goed"
    assert refreshed(tapering).status == S.TAPERING
    with pytest.raises(ConsultError, match="al vastgelegd"):  # a second click
        services.consultation_record_contact(
            participation=tapering, user=users[Role.POH_GGZ], at=NOW - timedelta(minutes=10),
            kind=C.Kind.MONITORING_PHONE, today=TODAY,
            outcome=Outcome(next_step=C.Next.CONTINUE))
    assert tapering.consultations.filter(status=C.Status.HELD).count() == 2  # with the first


def test_an_evaluation_by_phone_can_settle_a_no_show_with_not_now(users, consult):
    services.consultation_no_show(consultation=consult, user=users[Role.POH_GGZ], today=TODAY)
    services.consultation_record_contact(
        participation=consult.participation, user=users[Role.POH_GGZ], at=NOW,
        kind=C.Kind.EVALUATION, today=TODAY, outcome=Outcome(next_step=C.Next.NOT_NOW))
    assert refreshed(consult.participation).status == S.DECLINED


@pytest.mark.parametrize(("moment", "ok"), [
    (NOW + timedelta(minutes=4), True), (NOW + timedelta(minutes=6), False),
    (at(TODAY - timedelta(days=90), 9), True), (at(TODAY - timedelta(days=91), 23), False)])
def test_a_contact_that_took_place_is_not_in_the_future_nor_long_ago(users, tapering, moment,
                                                                      ok):
    contact = dict(participation=tapering, user=users[Role.POH_GGZ], at=moment,
                   kind=C.Kind.MONITORING_PHONE, today=TODAY,
                   outcome=Outcome(next_step=C.Next.CONTINUE))
    if ok:
        assert services.consultation_record_contact(**contact).pk
    else:
        with pytest.raises(ConsultError):
            services.consultation_record_contact(**contact)


# --- Statuses and the database ------------------------------------------------------------


def test_the_new_moves_of_step_7(project, users, consult):
    part = consult.participation
    assert may_move(part, S.STOPPED) and may_move(part, S.REFERRED)
    part.status = S.TAPERING
    assert not may_move(part, S.REFERRED) and not may_move(part, S.CONSULT_PLANNED)
    part.status = S.REFERRED
    assert may_move(part, S.TAPERING) and may_move(part, S.LEFT)
    assert not may_move(part, S.DECLINED)
    record(consult, users, C.Next.REFER, refer_to=C.Referral.MENTAL_HEALTH)
    participation_move(participation=part, to=S.TAPERING, user=users[Role.POH_GGZ],
                       what="terug na verwijzing")
    with pytest.raises(MoveRefused):
        participation_move(participation=part, to=S.REFERRED, user=users[Role.POH_GGZ],
                           what="x")


@pytest.mark.parametrize(("field", "value"), [("kind", "visit"), ("status", "done"),
                                              ("next_step", "later"), ("refer_to", "ggd"),
                                              ("held_by_role", "chef")])
def test_the_database_refuses_an_unknown_choice(consult, field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.filter(pk=consult.pk).update(**{field: value})


def test_the_database_refuses_a_held_consult_without_a_next_step_and_a_planned_one_with(
        consult):
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.filter(pk=consult.pk).update(status=C.Status.HELD)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.filter(pk=consult.pk).update(next_step=C.Next.START)


def test_patients_booked_before_consultations_existed_get_their_planned_consult(
        project, users):
    import importlib

    migration = importlib.import_module("tapering.migrations.0004_consultations")
    part = in_callback_list(project, users, number="500020")
    Participation.objects.filter(pk=part.pk).update(status=S.CONSULT_PLANNED, consult_at=AT)
    done = book(project, users, number="500021")  # has its consult already
    migration.planned_for_booked(apps, None)
    consult = part.consultations.get()
    assert consult.at == AT and consult.status == C.Status.PLANNED
    assert consult.held_by == project.lead and consult.held_by_role == Role.POH_GGZ
    assert done.participation.consultations.count() == 1
