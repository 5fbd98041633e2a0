"""Each participation's outcome (docs/domain.md#outcomes): the service with its status moves,
the refusals, the evaluation's denominator, the page, the timeline section and the badges."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from patients import services
from patients.models import (
    OUTCOMES_OUT_OF_DENOMINATOR,
    AuditEvent,
    Participation,
    ParticipationEvent,
    ParticipationOutcome,
    Role,
)
from tests.factories import PatientFactory

S = Participation.Status
O = ParticipationOutcome  # noqa: E741
TODAY = date(2026, 11, 16)


def make_part(project, users, status, number="600001") -> Participation:
    patient = PatientFactory(practice=project.practice, number=number, surname=f"P{number}")
    return Participation.objects.create(
        project=project, patient=patient, reference_date=date(2026, 9, 15), status=status,
        next_call_on=TODAY, created_by=users[Role.POH_GGZ])


def set_outcome(part, users, outcome, reason="", on=TODAY - timedelta(days=1)) -> bool:
    return services.participation_outcome_set(
        participation=part, user=users[Role.POH_GGZ], outcome=outcome, on=on, reason=reason,
        today=TODAY)


@pytest.mark.parametrize(("before", "outcome", "after", "moved"), [
    (S.TAPERING, O.STOPPED, S.STOPPED, True),
    (S.TAPERING, O.REDUCED, S.REDUCED, True),
    (S.TAPERING, O.UNCHANGED, S.UNCHANGED, True),
    (S.CONSULT_PLANNED, O.REFERRED, S.REFERRED, True),
    (S.TAPERING, O.DIED, S.LEFT, True),
    (S.CALLBACK_DUE, O.MOVED, S.LEFT, True),
    (S.LETTER_SENT, O.LEFT_PRACTICE, S.LEFT, True),
    (S.CALLBACK_DUE, O.DECLINED, S.CALLBACK_DUE, False),  # declined: no move
    (S.NOT_REACHED, O.NOT_REACHED, S.NOT_REACHED, False),  # not reached: no move
    (S.LETTER_SENT, O.STOPPED, S.LETTER_SENT, False),  # TRANSITIONS does not allow it
    (S.CALLBACK_DUE, O.REDUCED, S.CALLBACK_DUE, False),
    (S.STOPPED, O.STOPPED, S.STOPPED, False),  # in that status already
    (S.LEFT, O.DIED, S.LEFT, False),
])
def test_each_outcome_moves_the_status_only_where_it_fits(project, users, before, outcome,
                                                          after, moved):
    part = make_part(project, users, before)
    assert set_outcome(part, users, outcome, reason="reden") is moved
    part.refresh_from_db()
    assert part.status == after
    assert (part.outcome, part.outcome_on, part.outcome_reason) == (
        outcome, TODAY - timedelta(days=1), "reden")
    assert part.outcome_by == users[Role.POH_GGZ]
    event = ParticipationEvent.objects.filter(participation=part).get()
    assert event.what.startswith("Uitkomst: ") and "15-11-2026" in event.what
    assert (event.from_status, event.to_status) == (before, after)
    audit = AuditEvent.objects.filter(object_id=str(part.uuid), action="change").get()
    assert audit.patient == part.patient and "Uitkomst" in audit.detail


def test_a_date_in_the_future_is_refused_today_is_not(project, users):
    part = make_part(project, users, S.TAPERING)
    with pytest.raises(services.OutcomeError, match="toekomst"):
        set_outcome(part, users, O.STOPPED, on=TODAY + timedelta(days=1))
    part.refresh_from_db()
    assert part.outcome == "" and part.status == S.TAPERING
    assert set_outcome(part, users, O.STOPPED, on=TODAY)
    part.refresh_from_db()
    assert part.outcome_on == TODAY


@pytest.mark.parametrize("outcome", sorted(O.values))
def test_a_reason_is_needed_for_declined_unchanged_and_referred_only(project, users, outcome):
    part = make_part(project, users, S.TAPERING)
    needs_reason = outcome in {O.DECLINED, O.UNCHANGED, O.REFERRED}
    if needs_reason:
        with pytest.raises(services.OutcomeError, match="reden"):
            set_outcome(part, users, outcome, reason="   ")
        part.refresh_from_db()
        assert part.outcome == ""
    else:
        set_outcome(part, users, outcome)
        part.refresh_from_db()
        assert part.outcome == outcome and part.outcome_reason == ""


def test_died_moved_and_left_are_out_of_the_denominator_the_others_are_in(project, users):
    assert {O.DIED, O.MOVED, O.LEFT_PRACTICE} == OUTCOMES_OUT_OF_DENOMINATOR
    part = make_part(project, users, S.TAPERING)
    assert part.in_evaluation  # no outcome yet
    for outcome in O.values:
        part.outcome = outcome
        assert part.in_evaluation is (outcome not in {"died", "moved", "left_practice"})


def test_the_same_outcome_twice_is_refused_a_change_is_recorded(project, users):
    part = make_part(project, users, S.TAPERING)
    set_outcome(part, users, O.REDUCED)
    with pytest.raises(services.OutcomeUnchanged):
        set_outcome(part, users, O.REDUCED)
    assert ParticipationEvent.objects.filter(participation=part).count() == 1
    assert set_outcome(part, users, O.STOPPED)  # reduced -> stopped is allowed
    part.refresh_from_db()
    assert part.status == S.STOPPED and part.outcome == O.STOPPED
    assert ParticipationEvent.objects.filter(participation=part).count() == 2


def page_url(part):
    return reverse("tapering:outcome", args=[part.project.uuid, part.uuid])


def timeline_url(part):
    return reverse("tapering:timeline", args=[part.project.uuid, part.uuid])


@pytest.mark.parametrize("role", [Role.POH_GGZ, Role.HUISARTS])
def test_the_poh_and_gp_set_the_outcome_on_the_page(project, users, client_for, role):
    part = make_part(project, users, S.TAPERING)
    client = client_for(users[role])
    page = client.get(timeline_url(part)).content.decode()
    assert 'id="uitkomst"' in page and "Nog geen uitkomst vastgelegd." in page
    assert page_url(part) in page
    form = client.get(page_url(part)).content.decode()
    assert 'name="outcome" value="stopped"' in form and "Gestopt" in form
    response = client.post(page_url(part), {"outcome": "stopped",
                                            "outcome_on": timezone.localdate().isoformat()})
    assert response.status_code == 302 and response.url == timeline_url(part)
    part.refresh_from_db()
    assert part.status == S.STOPPED and part.outcome_by == users[role]
    page = client.get(timeline_url(part)).content.decode()
    section = page[page.index('id="uitkomst"'):page.index("</section>")]
    assert "Gestopt" in section and "Uitkomst wijzigen" in section
    again = client.post(page_url(part), {
        "outcome": "stopped", "outcome_on": timezone.localdate().isoformat()}, follow=True)
    assert "Deze uitkomst is al vastgelegd." in again.content.decode()


def test_the_page_refuses_a_future_date_and_a_missing_reason_with_a_dutch_message(
        project, users, client_for):
    part = make_part(project, users, S.TAPERING)
    client = client_for(users[Role.POH_GGZ])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(page_url(part), {"outcome": "stopped", "outcome_on": tomorrow})
    assert response.status_code == 400
    assert "kan niet in de toekomst liggen" in response.content.decode()
    response = client.post(page_url(part), {"outcome": "referred",
                                            "outcome_on": timezone.localdate().isoformat()})
    assert response.status_code == 400 and "Geef een reden" in response.content.decode()
    part.refresh_from_db()
    assert part.outcome == "" and part.status == S.TAPERING


def test_out_of_the_denominator_shows_on_the_timeline(project, users, client_for):
    part = make_part(project, users, S.TAPERING)
    set_outcome(part, users, O.MOVED)
    page = client_for(users[Role.POH_GGZ]).get(timeline_url(part)).content.decode()
    assert "telt niet mee in de evaluatie" in page
    other = make_part(project, users, S.TAPERING, number="600002")
    set_outcome(other, users, O.STOPPED)
    assert "telt niet mee" not in client_for(users[Role.POH_GGZ]).get(
        timeline_url(other)).content.decode()


def test_the_call_back_list_shows_the_outcome_badge(project, users, client_for):
    with_outcome = make_part(project, users, S.CALLBACK_DUE)
    without = make_part(project, users, S.CALLBACK_DUE, number="600002")
    set_outcome(with_outcome, users, O.DECLINED, reason="wil niet")
    page = client_for(users[Role.POH_GGZ]).get(reverse("tapering:callbacks")).content.decode()
    row = page[page.index(f'id="cb-{with_outcome.uuid}"'):]
    row = row[:row.index("</tr>")]
    assert "outcome-badge" in row and "Wil niet" in row
    other = page[page.index(f'id="cb-{without.uuid}"'):]
    assert "outcome-badge" not in other[:other.index("</tr>")]


def test_the_project_lists_show_the_outcome_badge(project, users, client_for):
    part = make_part(project, users, S.MAILING)
    part.rank = 1
    part.save()
    plain = make_part(project, users, S.MAILING, number="600002")
    plain.rank = 2
    plain.save()
    set_outcome(part, users, O.NOT_REACHED)
    page = client_for(users[Role.POH_GGZ]).get(
        reverse("patients:project-lists", args=[project.uuid])).content.decode()
    row = page[page.index(f'id="p-{part.uuid}"'):]
    assert "outcome-badge" in row[:row.index("</tr>")] and "Niet bereikt" in row
    row = page[page.index(f'id="p-{plain.uuid}"'):]
    assert "outcome-badge" not in row[:row.index("</tr>")]


def test_the_assistant_gets_403_another_practice_404_and_views_are_audited(
        project, users, other_users, client_for):
    part = make_part(project, users, S.TAPERING)
    assert client_for(users[Role.ASSISTENT]).get(page_url(part)).status_code == 403
    assert client_for(users[Role.ASSISTENT]).post(
        page_url(part), {"outcome": "stopped", "outcome_on": "2026-10-01"}).status_code == 403
    assert client_for(other_users[Role.POH_GGZ]).get(page_url(part)).status_code == 404
    assert client_for(other_users[Role.POH_GGZ]).post(
        page_url(part), {"outcome": "stopped", "outcome_on": "2026-10-01"}).status_code == 404
    part.refresh_from_db()
    assert part.outcome == ""
    client_for(users[Role.HUISARTS]).get(page_url(part))
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == "view" and event.object_id == str(part.uuid)
    assert event.patient == part.patient
