"""Writes of tapering schedules (tapering/services/schedules.py; docs/domain.md, step 7 and
#tapering-schedules): making one moves a planned consult to tapering; every change keeps the
earlier versions, with its reason on the timeline; the GP's confirmation of a switch; stale
pages and second clicks change nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest

from patients.models import AuditEvent, DueItem, Participation, ParticipationEvent, Role
from tapering import services
from tapering.models import TaperSchedule, TaperScheduleVersion
from tapering.schedule import ScheduleRefused
from tapering.stepdata import steps_from_json

from .schedule_helpers import (
    START,
    consult_planned,
    make,
    nhg_temazepam,
    reference_table,  # noqa: F401 - an autouse fixture
)

S = Participation.Status


@pytest.fixture
def part(project, users):
    return consult_planned(project, users)
V = TaperScheduleVersion.Change


def steps_of(version):
    return steps_from_json(version.steps)


def events(participation) -> list[str]:
    return list(ParticipationEvent.objects.filter(participation=participation)
                .values_list("what", flat=True))


def open_item(participation, kind=DueItem.Kind.TAPER_STEP):
    return DueItem.objects.filter(participation=participation, kind=kind, done_at__isnull=True,
                                  cancelled_at__isnull=True).first()


# --- Making a schedule ----------------------------------------------------------------------


def test_a_schedule_made_after_a_planned_consult_starts_tapering(part, users):
    schedule = make(part, users)
    part.refresh_from_db()
    assert part.status == S.TAPERING
    move = ParticipationEvent.objects.get(participation=part, to_status=S.TAPERING)
    assert move.from_status == S.CONSULT_PLANNED and move.by == users[Role.POH_GGZ]
    assert move.what.startswith("afbouwschema gestart")
    version = schedule.current
    assert (version.number, version.change, version.made_by) == (1, V.MADE, users[Role.POH_GGZ])
    assert (version.atc, version.strength_mg, version.dose_mg) == ("N05CD07", 20, 20)
    assert version.switch_diazepam and version.preset == "nhg" and version.start == START
    steps = steps_of(version)
    assert steps[0].atc == "N05BA01" and steps[0].start == START  # switched to diazepam
    assert steps[-1].daily_dose_mg == 0
    # Ashton: 20 mg temazepam equals 10 mg diazepam; the source is named.
    assert version.switched_dose_mg == Decimal(10) == steps[0].daily_dose_mg
    assert version.equivalence_mg == Decimal(20)
    assert version.equivalence_source.startswith("Ashton")
    assert version.needs_confirmation
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_id=str(schedule.uuid),
                                     patient=part.patient).exists()


def test_a_schedule_for_a_patient_already_tapering_is_noted_without_a_move(project, users):
    part = consult_planned(project, users, status=S.TAPERING)
    make(part, users)
    part.refresh_from_db()
    assert part.status == S.TAPERING
    assert not ParticipationEvent.objects.filter(participation=part).exclude(
        from_status=S.TAPERING).exists()
    assert any(what.startswith("afbouwschema gestart") for what in events(part))


@pytest.mark.parametrize("status", [S.TO_SCREEN, S.LETTER_SENT, S.CALLBACK_DUE, S.STOPPED])
def test_no_schedule_before_a_consult_or_after_the_end(project, users, status):
    part = consult_planned(project, users, status=status)
    with pytest.raises(ScheduleRefused, match="na een gesprek"):
        make(part, users)
    assert not TaperSchedule.objects.exists() and not events(part)


def test_what_the_engine_refuses_stores_nothing_and_moves_nothing(part, users):
    with pytest.raises(ScheduleRefused) as refused:
        make(part, users, nhg_temazepam(strength_mg=Decimal(15)))  # not on the Dutch market
    assert refused.value.message
    part.refresh_from_db()
    assert part.status == S.CONSULT_PLANNED
    assert not TaperSchedule.objects.exists() and not open_item(part)


def test_an_unknown_product_is_refused_in_words(part, users):
    with pytest.raises(ScheduleRefused, match="N05XX99"):
        make(part, users, nhg_temazepam(atc="N05XX99"))


def test_a_second_click_on_make_makes_no_second_schedule(part, users):
    make(part, users)
    with pytest.raises(services.ScheduleStale, match="intussen"):
        make(part, users)  # the page still said "no schedule"
    assert TaperSchedule.objects.filter(participation=part).count() == 1


def test_a_new_schedule_replaces_the_old_one_with_a_reason(part, users):
    old = make(part, users)
    assert open_item(part)
    with pytest.raises(ScheduleRefused, match="reden"):
        services.taper_schedule_make(participation=part, user=users[Role.POH_GGZ],
                                     choice=nhg_temazepam(preset="slow"), today=START,
                                     replacing=old, expected_version=1, reason=" ")
    new = services.taper_schedule_make(
        participation=part, user=users[Role.POH_GGZ],
        choice=nhg_temazepam(preset="slow", switch_diazepam=False, start=START + timedelta(7)),
        today=START, replacing=old, expected_version=1, reason="NHG ging te snel")
    old.refresh_from_db()
    assert old.replaced_at is not None and new.replaced_at is None
    assert old.versions.count() == 1  # kept, readable
    assert new.current.reason == "NHG ging te snel" and new.current.preset == "slow"
    # The old schedule's due items were cancelled; one open item for the new one.
    assert DueItem.objects.filter(participation=part, kind=DueItem.Kind.TAPER_STEP,
                                  cancelled_at__isnull=False).count() == 1
    assert open_item(part).due_on == steps_of(new.current)[1].start
    assert any("NHG ging te snel" in what for what in events(part))


def test_replacing_from_a_stale_page_is_refused(part, users):
    old = make(part, users)
    services.taper_schedule_hold(schedule=old, user=users[Role.POH_GGZ], step=0, days=3,
                                 reason="onrustig", expected_version=1, today=START)
    with pytest.raises(services.ScheduleStale):
        services.taper_schedule_make(participation=part, user=users[Role.POH_GGZ],
                                     choice=nhg_temazepam(), today=START, replacing=old,
                                     expected_version=1, reason="opnieuw")
    assert TaperSchedule.objects.filter(participation=part).count() == 1


# --- Changes: each a new version, the earlier kept -----------------------------------------


@pytest.fixture
def schedule(part, users):
    return make(part, users)


def test_a_change_makes_a_new_version_with_its_reason_and_keeps_the_first(schedule, users, part):
    first_steps = list(schedule.current.steps)
    version = services.taper_schedule_change(
        schedule=schedule, user=users[Role.HUISARTS], reason="wil langzamer",
        choice=nhg_temazepam(preset="deprescribing"), expected_version=1, today=START)
    assert (version.number, version.change, version.reason) == (2, V.CHANGED, "wil langzamer")
    assert version.made_by == users[Role.HUISARTS] and version.preset == "deprescribing"
    schedule.refresh_from_db()
    assert schedule.current_number == 2
    first = schedule.versions.get(number=1)
    assert first.steps == first_steps and first.preset == "nhg"  # unchanged
    assert len(steps_of(version)) != len(first_steps)
    entry = events(part)[-1]
    assert "versie 2" in entry and "wil langzamer" in entry


def test_a_change_needs_a_reason(schedule, users):
    with pytest.raises(ScheduleRefused, match="reden"):
        services.taper_schedule_change(schedule=schedule, user=users[Role.POH_GGZ], reason="  ",
                                       choice=nhg_temazepam(), expected_version=1, today=START)
    assert schedule.versions.count() == 1


def test_a_change_from_a_stale_page_is_refused_and_loses_nothing(schedule, users):
    services.taper_schedule_change(schedule=schedule, user=users[Role.POH_GGZ], reason="a",
                                   choice=nhg_temazepam(preset="slow"), expected_version=1,
                                   today=START)
    with pytest.raises(services.ScheduleStale):
        services.taper_schedule_change(schedule=schedule, user=users[Role.HUISARTS], reason="b",
                                       choice=nhg_temazepam(), expected_version=1, today=START)
    schedule.refresh_from_db()
    assert schedule.current_number == 2 and schedule.current.reason == "a"


def test_holding_a_step_moves_the_later_steps_and_says_why(schedule, users, part):
    before = steps_of(schedule.current)
    today = START + timedelta(days=2)
    version = services.taper_schedule_hold(schedule=schedule, user=users[Role.POH_GGZ], step=0,
                                           days=7, reason="slaapt slecht",
                                           expected_version=1, today=today)
    after = steps_of(version)
    assert (version.number, version.change, version.reason) == (2, V.HOLD, "slaapt slecht")
    assert after[0].days == before[0].days + 7
    assert [s.start for s in after[1:]] == [s.start + timedelta(7) for s in before[1:]]
    entry = events(part)[-1]
    assert "stap 0" in entry and "7 dagen" in entry and "slaapt slecht" in entry
    assert open_item(part).due_on == before[1].start + timedelta(7)


def test_repeating_a_step_adds_one(schedule, users, part):
    before = steps_of(schedule.current)
    today = before[1].start
    version = services.taper_schedule_repeat(schedule=schedule, user=users[Role.POH_GGZ],
                                             step=1, reason="onrustig", expected_version=1,
                                             today=today)
    after = steps_of(version)
    assert version.change == V.REPEAT and len(after) == len(before) + 1
    assert after[-1].start > before[-1].start
    assert "herhaald" in events(part)[-1] and "onrustig" in events(part)[-1]


def test_one_step_back_returns_to_the_dose_before(schedule, users, part):
    before = steps_of(schedule.current)
    today = before[2].start + timedelta(days=1)
    version = services.taper_schedule_back(schedule=schedule, user=users[Role.POH_GGZ], step=2,
                                           reason="angstig", expected_version=1, today=today)
    after = steps_of(version)
    assert version.change == V.BACK
    back = [s for s in after if s.start == today]
    assert back and back[0].daily_dose_mg == before[1].daily_dose_mg
    assert "stap terug" in events(part)[-1] and "angstig" in events(part)[-1]


@pytest.mark.parametrize("adjust", ["hold", "repeat", "back"])
def test_adjustments_need_a_reason_and_the_current_version(schedule, users, adjust):
    call = getattr(services, f"taper_schedule_{adjust}")
    extra = {"days": 3} if adjust == "hold" else {}
    with pytest.raises(ScheduleRefused, match="reden"):
        call(schedule=schedule, user=users[Role.POH_GGZ], step=1, reason="", expected_version=1,
             today=START + timedelta(8), **extra)
    with pytest.raises(services.ScheduleStale):
        call(schedule=schedule, user=users[Role.POH_GGZ], step=1, reason="x", expected_version=2,
             today=START + timedelta(8), **extra)
    assert schedule.versions.count() == 1


def test_a_schedule_no_longer_tapering_cannot_be_adjusted(schedule, users, part):
    Participation.objects.filter(pk=part.pk).update(status=S.STOPPED)
    with pytest.raises(ScheduleRefused, match="niet meer"):
        services.taper_schedule_hold(schedule=schedule, user=users[Role.POH_GGZ], step=0,
                                     days=3, reason="x", expected_version=1, today=START)


# --- The GP's confirmation of the switch ----------------------------------------------------


def confirm(schedule, user, version=None):
    return services.taper_schedule_confirm(schedule=schedule, user=user,
                                           expected_version=version or schedule.current_number)


def test_only_a_gp_confirms_the_switch(schedule, users):
    for role in (Role.POH_GGZ, Role.ASSISTENT, Role.APOTHEKER):
        with pytest.raises(ScheduleRefused, match="huisarts"):
            confirm(schedule, users[role])
    assert schedule.current.needs_confirmation


def test_a_gp_of_another_practice_cannot_confirm(schedule, other_users):
    with pytest.raises(ScheduleRefused):
        confirm(schedule, other_users[Role.HUISARTS])


def test_the_gp_confirms_once_and_the_timeline_says_so(schedule, users, part):
    gp = users[Role.HUISARTS]
    assert confirm(schedule, gp) is True
    version = schedule.current
    assert version.confirmed_by == gp and version.confirmed_at and not version.needs_confirmation
    entry = events(part)[-1]
    assert "bevestigd" in entry and "10 mg diazepam" in entry and "Ashton" in entry
    assert confirm(schedule, gp) is False  # a second click
    assert AuditEvent.objects.filter(user=gp, action=AuditEvent.Action.CHANGE,
                                     object_id=str(schedule.uuid)).count() == 1


def test_a_confirmation_from_a_stale_page_is_refused(schedule, users):
    services.taper_schedule_change(schedule=schedule, user=users[Role.POH_GGZ], reason="dosis",
                                   choice=nhg_temazepam(dose_mg=Decimal(10)),
                                   expected_version=1, today=START)
    with pytest.raises(services.ScheduleStale):
        confirm(schedule, users[Role.HUISARTS], version=1)
    assert schedule.current.needs_confirmation


def test_hold_repeat_and_back_keep_the_confirmation(schedule, users):
    confirm(schedule, users[Role.HUISARTS])
    steps = steps_of(schedule.current)
    services.taper_schedule_hold(schedule=schedule, user=users[Role.POH_GGZ], step=1, days=3,
                                 reason="x", expected_version=1, today=steps[1].start)
    services.taper_schedule_repeat(schedule=schedule, user=users[Role.POH_GGZ], step=1,
                                   reason="x", expected_version=2, today=steps[1].start)
    services.taper_schedule_back(schedule=schedule, user=users[Role.POH_GGZ], step=2,
                                 reason="x", expected_version=3,
                                 today=steps_of(schedule.current)[2].start)
    for version in schedule.versions.all():
        assert version.confirmed_by == users[Role.HUISARTS] and not version.needs_confirmation


def test_a_change_with_the_same_switch_keeps_it_a_new_switched_dose_needs_a_new_one(schedule,
                                                                                     users):
    confirm(schedule, users[Role.HUISARTS])
    same = services.taper_schedule_change(
        schedule=schedule, user=users[Role.POH_GGZ], reason="later beginnen",
        choice=nhg_temazepam(start=START + timedelta(days=7)), expected_version=1, today=START)
    assert not same.needs_confirmation and same.confirmed_by == users[Role.HUISARTS]
    new_dose = services.taper_schedule_change(
        schedule=schedule, user=users[Role.POH_GGZ], reason="neemt maar 10 mg",
        choice=nhg_temazepam(dose_mg=Decimal(10)), expected_version=2, today=START)
    assert new_dose.switched_dose_mg == Decimal(5)
    assert new_dose.needs_confirmation and new_dose.confirmed_by is None


def test_a_schedule_without_a_switch_needs_no_confirmation(part, users):
    schedule = make(part, users, nhg_temazepam(switch_diazepam=False))
    version = schedule.current
    assert not version.switch_diazepam and version.switched_dose_mg is None
    assert not version.needs_confirmation
    with pytest.raises(ScheduleRefused):
        confirm(schedule, users[Role.HUISARTS])


def test_a_diazepam_user_is_not_switched(part, users):
    schedule = make(part, users, nhg_temazepam(atc="N05BA01", strength_mg=Decimal(5),
                                               dose_mg=Decimal(10)))
    assert not schedule.current.switch_diazepam and not schedule.current.needs_confirmation


# --- Monitoring contact recorded -------------------------------------------------------------


def test_monitoring_contact_done_closes_the_open_reminder_once(schedule, users, part):
    DueItem.objects.create(kind=DueItem.Kind.MONITOR_CONTACT, due_on=START, project=part.project,
                           participation=part, assigned_to=users[Role.POH_GGZ])
    assert services.monitoring_contact_done(participation=part, user=users[Role.POH_GGZ]) is True
    assert open_item(part, DueItem.Kind.MONITOR_CONTACT) is None
    assert services.monitoring_contact_done(participation=part, user=users[Role.POH_GGZ]) is False
