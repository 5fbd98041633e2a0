"""Call attempts are spaced by working day, and a patient not yet due is called only through
"call now anyway" (docs/domain.md, step 6, "Retries" and "Not yet due")."""

from datetime import date, datetime, timedelta
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.urls import reverse

from patients.models import Participation, ParticipationEvent, Role
from tapering import services
from tapering.forms import CallAttemptForm
from tapering.models import CallAttempt, PhoneNote
from tapering.selectors import callback_list
from tests.tapering.test_callbacks import WAIT_END, mailed, sweep

S = Participation.Status
A = CallAttempt
AMS = ZoneInfo("Europe/Amsterdam")
MON, TUE, FRI, SAT, SUN = (date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 6),
                           date(2026, 11, 7), date(2026, 11, 8))


@pytest.fixture
def project(practice, users):
    from tests.conftest import make_project

    return make_project(practice, users[Role.POH_GGZ], letter_target=3, reserve_target=2)


@pytest.fixture
def in_list(project, users):
    part = mailed(project, users)
    sweep(WAIT_END)
    part.refresh_from_db()
    assert part.status == S.CALLBACK_DUE and part.next_call_on == WAIT_END
    return part


def unanswered(part, users, today, outcome=A.Outcome.NOT_REACHED, call_now=True):
    return services.call_attempt_log(participation=part, user=users[Role.POH_GGZ],
                                     outcome=outcome, today=today, call_now=call_now)


def refreshed(part) -> Participation:
    part.refresh_from_db()
    return part


def notes(part) -> list[str]:
    return list(ParticipationEvent.objects.filter(participation=part).order_by("at", "id")
                .values_list("what", flat=True))


# --- The rule, without the database ----------------------------------------------------


@pytest.mark.parametrize(("previous", "day", "counts"), [
    (None, MON, True),  # the first unanswered call always counts
    (MON, MON, False),  # same day
    (MON, TUE, True),  # the next working day
    (FRI, SAT, False),  # the weekend after it: no working day has begun
    (FRI, SUN, False),
    (FRI, date(2026, 11, 9), True),  # Monday after the weekend
    (date(2026, 12, 24), date(2026, 12, 25), False),  # Christmas Day
    (date(2026, 12, 24), date(2026, 12, 27), False),  # ... Boxing Day, then Sunday
    (date(2026, 12, 24), date(2026, 12, 28), True),  # the Monday after
    (date(2027, 3, 26), date(2027, 3, 29), False),  # Good Friday (open) -> Easter Monday
    (date(2027, 3, 26), date(2027, 3, 30), True),  # ... the Tuesday after counts
    (date(2027, 3, 25), date(2027, 3, 26), True),  # Good Friday is a working day
])
def test_an_unanswered_call_counts_only_on_a_later_working_day(previous, day, counts):
    assert services.attempt_counts(day=day, previous=previous) is counts


# --- Spacing in the service ------------------------------------------------------------


def test_three_unanswered_calls_in_one_minute_count_once(project, users, in_list):
    assert project.call_attempts_max == 3
    first = unanswered(in_list, users, MON, call_now=False)
    second = unanswered(in_list, users, MON)
    third = unanswered(in_list, users, MON, outcome=A.Outcome.MESSAGE)
    assert [a.counted_on for a in (first, second, third)] == [MON, None, None]
    part = refreshed(in_list)
    assert part.status == S.CALLBACK_DUE  # not "not reached" at once
    assert part.next_call_on == date(2026, 11, 5)  # the retry of the counted one stays
    assert services.attempts_counted(part) == 1
    assert in_list.call_attempts.count() == 3  # every call is logged ...
    logged = notes(in_list)
    assert "niet bereikt (belpoging 1 van 3); opnieuw bellen op 05-11-2026" in logged
    assert logged.count(  # ... and on the timeline
        "weer niet bereikt vóór de volgende werkdag: telt niet als nieuwe belpoging; "
        "opnieuw bellen op 05-11-2026") == 2


def test_calls_on_three_working_days_make_the_patient_not_reached(project, users, in_list):
    for day in (MON, TUE):
        unanswered(in_list, users, day)
        assert refreshed(in_list).status == S.CALLBACK_DUE
    attempt = unanswered(in_list, users, date(2026, 11, 4))
    assert attempt.counted_on == date(2026, 11, 4)
    assert refreshed(in_list).status == S.NOT_REACHED
    assert callback_list(practice=project.practice, today=date(2026, 11, 4)).not_reached


@pytest.mark.parametrize(("second", "counted"), [(SAT, False), (SUN, False),
                                                 (date(2026, 11, 9), True)])
def test_a_second_call_after_a_friday(project, users, in_list, second, counted):
    unanswered(in_list, users, FRI, call_now=False)
    attempt = unanswered(in_list, users, second)
    assert (attempt.counted_on == second) is counted
    assert services.attempts_counted(refreshed(in_list)) == (2 if counted else 1)


@pytest.mark.parametrize(("second", "counted"), [(date(2026, 12, 25), False),
                                                 (date(2026, 12, 28), True)])
def test_a_second_call_over_christmas(project, users, in_list, second, counted):
    unanswered(in_list, users, date(2026, 12, 24))
    attempt = unanswered(in_list, users, second)
    assert (attempt.counted_on is not None) is counted


def test_counting_starts_again_when_the_patient_enters_the_list_again(project, users,
                                                                       in_list):
    unanswered(in_list, users, MON, call_now=False)
    unanswered(in_list, users, TUE)
    services.call_attempt_log(participation=in_list, user=users[Role.POH_GGZ],
                              outcome=A.Outcome.REACHED, today=date(2026, 11, 4),
                              response=A.Response.NOT_NOW, next_step=A.Next.CALL_LATER,
                              agreed_on=date(2027, 1, 4), call_now=True)
    assert sweep(date(2027, 1, 4)) == 1
    part = refreshed(in_list)
    assert part.status == S.CALLBACK_DUE and services.attempts_counted(part) == 0
    # The same day as nothing counted since entering: this one counts.
    assert unanswered(part, users, date(2027, 1, 4), call_now=False).counted_on is not None


# --- Not yet due: "call now anyway" ----------------------------------------------------


@pytest.mark.parametrize(("planned", "refused"), [(MON, False), (TUE, True)])
def test_due_today_is_called_and_due_tomorrow_is_refused(project, users, in_list, planned,
                                                         refused):
    Participation.objects.filter(pk=in_list.pk).update(next_call_on=planned)
    in_list.refresh_from_db()
    assert (services.call_due_from(participation=in_list, today=MON) == planned) is refused
    if refused:
        with pytest.raises(services.CallError, match="staat pas op 03-11-2026") as error:
            unanswered(in_list, users, MON, call_now=False)
        assert "Toch nu bellen" in error.value.message
        assert not in_list.call_attempts.exists()
        assert refreshed(in_list).next_call_on == planned
    else:
        attempt = unanswered(in_list, users, MON, call_now=False)
        assert not attempt.called_early


def test_call_now_anyway_is_recorded_in_the_attempt_and_on_the_timeline(project, users,
                                                                         in_list):
    Participation.objects.filter(pk=in_list.pk).update(next_call_on=TUE)
    in_list.refresh_from_db()
    consult = datetime(2026, 11, 16, 10, 0, tzinfo=AMS)
    attempt = services.call_attempt_log(
        participation=in_list, user=users[Role.POH_GGZ], outcome=A.Outcome.REACHED,
        today=MON, response=A.Response.AGREES, next_step=A.Next.CONSULT, consult_at=consult,
        call_now=True)
    assert attempt.called_early and attempt.counted_on is None
    assert "toch nu gebeld, vóór de geplande dag 03-11-2026" in notes(in_list)
    assert refreshed(in_list).status == S.CONSULT_PLANNED


def test_call_now_ticked_for_a_due_patient_is_not_recorded_as_early(project, users, in_list):
    attempt = unanswered(in_list, users, MON, call_now=True)
    assert not attempt.called_early
    assert not any("toch nu gebeld" in what for what in notes(in_list))


def test_an_open_phone_note_makes_a_patient_due_at_once(project, users, in_list):
    Participation.objects.filter(pk=in_list.pk).update(next_call_on=TUE)
    PhoneNote.objects.create(participation=in_list, caller="patient", wish="call_back",
                             noted_by=users[Role.ASSISTENT])
    in_list.refresh_from_db()
    assert services.call_due_from(participation=in_list, today=MON) is None
    assert not unanswered(in_list, users, MON, call_now=False).called_early


def test_the_form_refuses_a_patient_not_yet_due_without_call_now():
    data = {"outcome": "not_reached"}
    refused = CallAttemptForm(data, today=MON, due_from=TUE)
    assert not refused.is_valid()
    assert "staat pas op 03-11-2026" in " ".join(refused.non_field_errors())
    assert CallAttemptForm({**data, "call_now": "on"}, today=MON, due_from=TUE).is_valid()
    assert CallAttemptForm(data, today=MON, due_from=None).is_valid()


# --- The call page ---------------------------------------------------------------------


def call_url(part) -> str:
    return reverse("tapering:call", kwargs={"project_uuid": part.project.uuid,
                                            "participation_uuid": part.uuid})


def test_the_call_page_of_a_patient_not_yet_due_asks_for_call_now(project, users, in_list,
                                                                   client_for):
    from django.utils import timezone
    from django.utils.formats import date_format

    tomorrow = timezone.localdate() + timedelta(days=1)
    Participation.objects.filter(pk=in_list.pk).update(next_call_on=tomorrow)
    client = client_for(users[Role.POH_GGZ])
    page = client.get(call_url(in_list)).content.decode()
    assert 'id="nog-niet-aan-de-beurt"' in page and "Toch nu bellen" in page
    refused = client.post(call_url(in_list), {"outcome": "not_reached"})
    assert refused.status_code == 400
    assert f"staat pas op {date_format(tomorrow)}" in refused.content.decode()
    assert not in_list.call_attempts.exists()
    done = client.post(call_url(in_list), {"outcome": "not_reached", "call_now": "on"})
    assert done.status_code == 302
    assert in_list.call_attempts.get().called_early


def test_the_call_page_of_a_due_patient_has_no_call_now(project, users, in_list, client_for):
    page = client_for(users[Role.POH_GGZ]).get(call_url(in_list)).content.decode()
    assert 'id="nog-niet-aan-de-beurt"' not in page
    assert "Belpogingen zonder gehoor die meetellen: 0 van 3." in page


def test_the_call_page_marks_attempts_that_did_not_count(project, users, in_list,
                                                         client_for):
    unanswered(in_list, users, MON, call_now=False)
    unanswered(in_list, users, MON)
    page = client_for(users[Role.POH_GGZ]).get(call_url(in_list)).content.decode()
    assert page.count("telde niet mee voor het maximum") == 1
    assert page.count("toch nu gebeld") == 1
    assert "Belpogingen zonder gehoor die meetellen: 1 van 3." in page


# --- Existing attempts get counted by the migration ------------------------------------


def test_the_migration_counts_existing_attempts_by_the_same_rule(project, users, in_list):
    migration = import_module("tapering.migrations.0003_call_attempt_counted")
    moments = [datetime(2026, 11, 6, 9, 0, tzinfo=AMS), datetime(2026, 11, 6, 9, 1, tzinfo=AMS),
               datetime(2026, 11, 7, 10, 0, tzinfo=AMS), datetime(2026, 11, 9, 8, 0, tzinfo=AMS),
               datetime(2026, 11, 10, 0, 30, tzinfo=AMS)]  # 23:30 UTC on the 9th
    for when in moments:
        CallAttempt.objects.create(participation=in_list, called_by=users[Role.POH_GGZ],
                                   outcome=A.Outcome.NOT_REACHED, called_at=when)
    CallAttempt.objects.create(participation=in_list, called_by=users[Role.POH_GGZ],
                               outcome=A.Outcome.REACHED, called_at=moments[-1])
    migration.count_existing(apps, None)
    counted = list(in_list.call_attempts.order_by("called_at", "id")
                   .values_list("counted_on", flat=True))
    assert counted == [FRI, None, None, date(2026, 11, 9), date(2026, 11, 10), None]
