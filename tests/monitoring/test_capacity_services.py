"""Choosing a capacity plan, the planner's defaults and its expected-against-actual figures
(docs/domain.md#capacity-planning), on the database."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from monitoring.capacity import expected_by_month
from monitoring.capacity_selectors import (
    DEFAULT_MINUTES_PER_CALL,
    DEFAULT_MINUTES_PER_CONSULT,
    actual_by_month,
    capacity_ratios,
    month_span,
    plan_periods,
    recorded_minutes,
)
from monitoring.capacity_services import CapacityChoiceError, capacity_plan_choose
from monitoring.models import CapacityPlan, ReferenceFigure
from patients import services as patient_services
from patients.models import AuditEvent, Participation, Project, Role, ScreeningDecision
from tapering.models import CallAttempt, Consultation
from tests.conftest import make_project
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")


def fill(project, n, **fields):
    """``n`` patients in the project's screening (its groslijst)."""
    parts = []
    for _i in range(n):
        patient = PatientFactory(practice=project.practice)
        parts.append(Participation.objects.create(
            project=project, patient=patient, reference_date=date(2026, 9, 15),
            created_by=project.lead, **fields))
    return parts


def choose(project, user, **changes):
    # 4 hours, 10 and 30 minutes, groslijst 150: 41 letters a month fit (the worked
    # example); every two weeks 20 per batch.
    args = {"hours_per_week": Decimal(4), "minutes_per_call": 10, "minutes_per_consult": 30,
            "batches_per_month": 2, "letters_per_batch": 20, "groslijst_size": 150}
    return capacity_plan_choose(user=user, project=project, **{**args, **changes})


def consult(part, at, status, user, minutes):
    return Consultation.objects.create(
        participation=part, at=at, status=status, held_by=user, minutes=minutes,
        next_step=Consultation.Next.START if status == "held" else "")


@pytest.fixture
def planned(project, users):
    fill(project, 150)
    return project


def test_the_ratios_are_the_reference_figures_with_their_source():
    eligible, consult = capacity_ratios()
    assert (eligible.value, eligible.text, eligible.source) == (
        Decimal("0.6667"), "ongeveer 2/3", "IVM FTO-module benzodiazepinen, naar Benzoredux")
    assert (consult.value, consult.text) == (Decimal("0.5"), "ongeveer 1/2")
    ReferenceFigure.objects.filter(key="ivm-consult").update(value=40)
    assert capacity_ratios()[1].value == Decimal("0.4")


def test_choosing_sets_the_letter_target_and_keeps_the_plan(planned, users):
    poh = users[Role.POH_GGZ]
    assert planned.letter_target == 10
    choice = choose(planned, poh)
    planned.refresh_from_db()
    assert choice.created and planned.letter_target == 20
    plan = CapacityPlan.objects.get(project=planned)
    assert (plan.letters_per_batch, plan.batches_per_month, plan.eligible, plan.groslijst_size,
            plan.letter_target_before, plan.chosen_by) == (20, 2, 100, 150, 10, poh)
    assert (plan.eligible_ratio, plan.consult_ratio) == (Decimal("66.67"), Decimal("50"))
    assert "Benzoredux" in plan.eligible_source and "Benzoredux" in plan.consult_source
    event = AuditEvent.objects.get(action="change", object_id=str(planned.uuid))
    assert "letter target 10 -> 20" in event.detail and event.user == poh


def test_a_second_click_on_the_same_plan_changes_nothing(planned, users):
    choose(planned, users[Role.POH_GGZ])
    again = choose(planned, users[Role.POH_GGZ])
    assert not again.created
    assert CapacityPlan.objects.count() == 1
    assert AuditEvent.objects.filter(action="change", object_id=str(planned.uuid)).count() == 1


def test_the_same_plan_after_the_target_was_changed_by_hand_is_applied_again(planned, users):
    choose(planned, users[Role.POH_GGZ])
    Project.objects.filter(pk=planned.pk).update(letter_target=7)
    assert choose(planned, users[Role.POH_GGZ]).created
    planned.refresh_from_db()
    assert planned.letter_target == 20
    assert CapacityPlan.objects.count() == 2


def test_a_stale_page_is_refused_when_the_groslijst_grew(planned, users):
    fill(planned, 60)  # 210 now: 140 eligible, but the page showed 150
    with pytest.raises(CapacityChoiceError) as error:
        choose(planned, users[Role.POH_GGZ])
    assert "veranderd" in error.value.message
    planned.refresh_from_db()
    assert planned.letter_target == 10 and not CapacityPlan.objects.exists()


def test_a_proposal_that_no_longer_matches_is_refused(planned, users):
    with pytest.raises(CapacityChoiceError):
        choose(planned, users[Role.POH_GGZ], letters_per_batch=21)
    with pytest.raises(CapacityChoiceError):
        choose(planned, users[Role.POH_GGZ], batches_per_month=3)
    assert not CapacityPlan.objects.exists()


def test_too_few_hours_are_refused_with_the_planners_message(planned, users):
    with pytest.raises(CapacityChoiceError) as error:
        choose(planned, users[Role.POH_GGZ], hours_per_week=Decimal("0.09"))
    assert "geen enkele brief" in error.value.message


def test_a_closed_project_keeps_its_target(planned, users):
    Project.objects.filter(pk=planned.pk).update(status=Project.Status.CLOSED)
    planned.refresh_from_db()
    with pytest.raises(CapacityChoiceError):
        choose(planned, users[Role.POH_GGZ])
    planned.refresh_from_db()
    assert planned.letter_target == 10


def test_letters_mailed_count_against_the_patients_still_to_write_to(project, users):
    # 30 patients: 20 eligible; 15 mailed → 5 to go, so one batch of 5 a month.
    fill(project, 15)
    fill(project, 15, letter_sent_on=date(2026, 10, 1), status="letter_sent")
    choice = choose(project, users[Role.POH_GGZ], batches_per_month=1, letters_per_batch=5,
                    groslijst_size=30)
    assert choice.plan.letters_per_batch == 5


# --- Defaults from the recorded minutes -----------------------------------------------------


def test_without_recorded_minutes_the_stated_defaults_apply(practice):
    recorded = recorded_minutes(practice=practice)
    assert (recorded.per_call, recorded.calls, recorded.per_consult) == (None, 0, None)
    assert (recorded.call_default, recorded.consult_default) == (
        DEFAULT_MINUTES_PER_CALL, DEFAULT_MINUTES_PER_CONSULT) == (10, 30)


def test_the_defaults_are_the_practices_mean_minutes(project, other_project, users):
    poh = users[Role.POH_GGZ]
    [a, b] = fill(project, 2)
    at = datetime(2026, 10, 5, 10, tzinfo=AMS)
    for minutes in (6, 9, None, 0):  # no minutes and 0 are not a recorded time
        CallAttempt.objects.create(participation=a, called_at=at, called_by=poh,
                                   outcome="reached", minutes=minutes)
    for minutes, status in ((25, "held"), (40, "held"), (90, "cancelled"), (None, "held")):
        consult(b, at, status, poh, minutes)
    [other] = fill(other_project, 1)
    CallAttempt.objects.create(participation=other, called_at=at, called_by=other_project.lead,
                               outcome="reached", minutes=60)
    recorded = recorded_minutes(practice=project.practice)
    # Calls: (6 + 9) / 2 = 7.5 → 8 (half up). Consults held: (25 + 40) / 2 = 32.5 → 33.
    assert (recorded.per_call, recorded.calls, recorded.per_consult, recorded.consults) == (
        8, 2, 33, 2)
    assert (recorded.call_default, recorded.consult_default) == (8, 33)


# --- Expected against actual ------------------------------------------------------------------


def test_actual_numbers_per_month_from_the_records(project, users):
    poh = users[Role.POH_GGZ]
    parts = fill(project, 4)
    for part, day in zip(parts, (date(2026, 9, 30), date(2026, 10, 1), date(2026, 10, 31),
                                 None), strict=True):
        Participation.objects.filter(pk=part.pk).update(letter_sent_on=day)
    # The month of a call is the practice's own: 31 October 23:30 in Amsterdam is October,
    # 1 November 00:30 is November (both are the evening before in UTC).
    for when, minutes in ((datetime(2026, 10, 31, 23, 30, tzinfo=AMS), 10),
                          (datetime(2026, 11, 1, 0, 30, tzinfo=AMS), 12),
                          (datetime(2026, 11, 3, 9, tzinfo=AMS), None)):
        CallAttempt.objects.create(participation=parts[0], called_at=when, called_by=poh,
                                   outcome="not_reached", minutes=minutes)
    for status, minutes in (("held", 30), ("planned", 45), ("no_show", 15)):
        consult(parts[1], datetime(2026, 11, 20, 14, tzinfo=AMS), status, poh, minutes)
    months = month_span(date(2026, 9, 1), date(2026, 11, 30))
    rows = actual_by_month(project=project, months=months)
    assert [(r.month, r.letters, r.calls, r.consults, r.minutes) for r in rows] == [
        (date(2026, 9, 1), 1, 0, 0, 0),
        (date(2026, 10, 1), 2, 1, 0, 10),
        (date(2026, 11, 1), 0, 2, 1, 12 + 30),
    ]


def test_expected_numbers_follow_the_plans_chosen(planned, users):
    choose(planned, users[Role.POH_GGZ])  # 2 × 20 a month
    CapacityPlan.objects.update(chosen_at=datetime(2026, 9, 14, 9, tzinfo=AMS))
    Project.objects.filter(pk=planned.pk).update(letter_target=1)  # so the next one applies
    choose(planned, users[Role.POH_GGZ], batches_per_month=1, letters_per_batch=41)
    CapacityPlan.objects.filter(batches_per_month=1).update(
        chosen_at=datetime(2026, 11, 1, 0, 10, tzinfo=AMS))
    periods = plan_periods(list(CapacityPlan.objects.all()))
    months = month_span(date(2026, 9, 1), date(2026, 12, 1))
    rows = expected_by_month(periods, months)
    # September and October 40 a month; November 41 → but only 100 eligible: 100 − 80 = 20.
    assert [r.letters for r in rows] == [40, 40, 20, 0]
    # Calls a month later, one per letter; consults half; minutes 10 a call, 30 a consult.
    assert [r.calls for r in rows] == [0, 40, 40, 20]
    assert [r.consults for r in rows] == [0, 20, 20, 10]
    assert [r.minutes for r in rows] == [0, 1000, 1000, 500]


def test_month_span_covers_both_ends_and_at_most_two_years():
    assert month_span(date(2026, 11, 30), date(2027, 1, 1)) == [
        date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)]
    long = month_span(date(2020, 1, 1), date(2026, 12, 31))
    assert len(long) == 24 and long[-1] == date(2026, 12, 1)


# --- The letter target is per batch ---------------------------------------------------------


def test_the_next_batch_fills_the_mailing_list_to_the_target_again(practice, users):
    poh, gp = users[Role.POH_GGZ], users[Role.HUISARTS]
    project = make_project(practice, poh, letter_target=2, reserve_target=0)
    first = fill(project, 2, status="approved")
    for part in first:
        ScreeningDecision.objects.create(participation=part, decision="approach",
                                         decided_by=gp)
    assert patient_services.lists_split(project=project, user=gp,
                                        today=date(2026, 10, 1)) == (2, 0)
    for part in first:
        part.refresh_from_db()
        patient_services.participation_letter_mailed(participation=part, user=poh,
                                                     mailed_on=date(2026, 10, 1))
    # Two mailed in the first batch: the next batch still gets two places, not none.
    second = fill(project, 3, status="approved")
    for part in second:
        ScreeningDecision.objects.create(participation=part, decision="approach",
                                         decided_by=gp)
    assert patient_services.lists_split(project=project, user=gp,
                                        today=date(2026, 11, 1)) == (2, 1)
    # Patients waiting on the mailing list still count: a third split finds no room.
    more = fill(project, 1, status="approved")
    ScreeningDecision.objects.create(participation=more[0], decision="approach", decided_by=gp)
    assert patient_services.lists_split(project=project, user=gp,
                                        today=date(2026, 11, 2)) == (0, 1)


def test_the_next_batch_comes_from_the_reserves_in_their_order(project, users):
    gp = users[Role.HUISARTS]
    Project.objects.filter(pk=project.pk).update(letter_target=2)
    project.refresh_from_db()
    mailed = fill(project, 2, status="letter_sent", letter_sent_on=date(2026, 10, 1))
    reserves = fill(project, 3, status="reserve")
    for rank, part in zip((3, 1, 2), reserves, strict=True):
        Participation.objects.filter(pk=part.pk).update(rank=rank)
    assert patient_services.lists_refill(project=project, user=gp) == 2
    on_mailing = list(project.participations.filter(status="mailing").order_by("rank"))
    assert [p.pk for p in on_mailing] == [reserves[1].pk, reserves[2].pk]
    assert [p.rank for p in on_mailing] == [1, 2]
    left = project.participations.get(status="reserve")
    assert (left.pk, left.rank) == (reserves[0].pk, 1)
    assert all(p.status == "letter_sent" for p in Participation.objects.filter(
        pk__in=[m.pk for m in mailed]))
    # Full now: a second click moves nobody.
    assert patient_services.lists_refill(project=project, user=gp) == 0
    assert project.participations.filter(status="reserve").count() == 1
    # Each move is in the participation's timeline.
    assert on_mailing[0].events.filter(to_status="mailing").exists()


def test_a_refill_takes_only_the_places_left(project, users):
    Project.objects.filter(pk=project.pk).update(letter_target=3)
    project.refresh_from_db()
    fill(project, 2, status="mailing")
    fill(project, 4, status="reserve")
    assert patient_services.lists_refill(project=project, user=users[Role.POH_GGZ]) == 1
    assert project.participations.filter(status="mailing").count() == 3
    assert project.participations.filter(status="reserve").count() == 3
