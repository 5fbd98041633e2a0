"""The relapse-prevention plan's writes (tapering/services/relapse.py;
docs/domain.md#relapse-plan): every save and review keeps the earlier versions with who
and when, a stale page or second click is refused and changes nothing, a review is
recorded with its date and reviewer, and each version is on the timeline."""

from datetime import date

import pytest

from patients.models import AuditEvent, ParticipationEvent, Role
from tapering import services
from tapering.models import RelapsePlan, RelapsePlanVersion
from tapering.relapse import PHASE_FIELDS, PHASES, Person, PlanContent, content_of

from .schedule_helpers import consult_planned

TODAY = date(2027, 1, 4)


@pytest.fixture
def part(project, users):
    return consult_planned(project, users)


def content(**overrides) -> PlanContent:
    data = {"phases": {"early": {"thoughts": "Ik pieker.", "helps": "Wandelen."}},
            "safety": "Geen oude tabletten in huis.",
            "people": (Person(name="Piet", relation="partner", role="let op",
                              may_contact=True),),
            "update_on": date(2027, 6, 1)}
    data.update(overrides)
    return PlanContent(**data)


def save(part, users, expected, role=Role.POH_GGZ, **overrides):
    return services.relapse_plan_save(participation=part, user=users[role],
                                      content=content(**overrides), expected_version=expected)


def test_the_first_save_makes_the_plan_with_version_1(part, users):
    version = save(part, users, 0)
    plan = RelapsePlan.objects.get(participation=part)
    assert (version.number, version.change, plan.current_number) == (1, "made", 1)
    assert version.made_by == users[Role.POH_GGZ]
    assert version.phases["early"] == {name: {"thoughts": "Ik pieker.",
                                               "helps": "Wandelen."}.get(name, "")
                                       for name in PHASE_FIELDS}
    assert set(version.phases) == set(PHASES)
    assert version.people == [{"name": "Piet", "relation": "partner", "role": "let op",
                               "may_contact": True}]
    assert version.update_on == date(2027, 6, 1) and version.reviewed_on is None
    assert ParticipationEvent.objects.filter(participation=part,
                                             what="Terugvalpreventieplan gemaakt.").exists()
    assert AuditEvent.objects.filter(object_id=str(plan.uuid), action="create").exists()


def test_each_save_keeps_the_earlier_version_with_who_and_when(part, users):
    save(part, users, 0)
    second = save(part, users, 1, role=Role.HUISARTS, safety="Bel Piet bij paniek.")
    plan = RelapsePlan.objects.get(participation=part)
    first = plan.versions.get(number=1)
    assert plan.current_number == 2 and plan.current == second
    assert first.safety == "Geen oude tabletten in huis." and first.made_by == users[Role.POH_GGZ]
    assert second.safety == "Bel Piet bij paniek." and second.made_by == users[Role.HUISARTS]
    assert second.change == "changed" and second.made_at >= first.made_at
    assert ParticipationEvent.objects.filter(
        participation=part, what="Terugvalpreventieplan aangepast: versie 2.").exists()
    assert AuditEvent.objects.filter(object_id=str(plan.uuid), action="change").count() == 1


@pytest.mark.parametrize("expected", [0, 2])
def test_a_stale_page_or_second_click_is_refused_and_changes_nothing(part, users, expected):
    save(part, users, 0)
    with pytest.raises(services.RelapsePlanStale) as refused:
        save(part, users, expected, safety="Iets anders.")
    assert "intussen aangepast" in refused.value.message
    assert RelapsePlanVersion.objects.filter(plan__participation=part).count() == 1
    assert RelapsePlan.objects.get(participation=part).current.safety \
        == "Geen oude tabletten in huis."


def test_a_first_save_on_a_page_that_expects_a_plan_is_refused(part, users):
    with pytest.raises(services.RelapsePlanStale):
        save(part, users, 1)
    assert not RelapsePlan.objects.filter(participation=part).exists()


def test_an_empty_plan_is_refused_and_one_signal_is_enough(part, users):
    with pytest.raises(services.RelapsePlanRefused) as refused:
        save(part, users, 0, phases={}, safety="  ", people=(Person(name=" "),))
    assert "leeg" in refused.value.message
    assert not RelapsePlan.objects.filter(participation=part).exists()
    version = save(part, users, 0, phases={"worse": {"body": "Trillen."}}, safety="",
                   people=())
    assert version.phases["worse"]["body"] == "Trillen."


def test_a_review_is_a_version_with_the_date_and_the_reviewer(part, users):
    save(part, users, 0)
    review = services.relapse_plan_review(participation=part, user=users[Role.HUISARTS],
                                          expected_version=1, today=TODAY)
    assert (review.number, review.change) == (2, "reviewed")
    assert review.reviewed_on == TODAY and review.reviewed_by == users[Role.HUISARTS]
    first = RelapsePlanVersion.objects.get(plan__participation=part, number=1)
    assert content_of(review) == content_of(first)  # the content is unchanged
    assert first.reviewed_on is None
    assert ParticipationEvent.objects.filter(
        participation=part, what="Terugvalpreventieplan besproken op 04-01-2027.").exists()


def test_a_change_after_a_review_keeps_the_last_review(part, users):
    save(part, users, 0)
    services.relapse_plan_review(participation=part, user=users[Role.POH_GGZ],
                                 expected_version=1, today=TODAY)
    changed = save(part, users, 2, safety="Nieuw.")
    assert changed.reviewed_on == TODAY and changed.reviewed_by == users[Role.POH_GGZ]


def test_a_review_of_a_stale_page_or_without_a_plan_is_refused(part, users):
    with pytest.raises(services.RelapsePlanRefused):
        services.relapse_plan_review(participation=part, user=users[Role.POH_GGZ],
                                     expected_version=0, today=TODAY)
    save(part, users, 0)
    services.relapse_plan_review(participation=part, user=users[Role.POH_GGZ],
                                 expected_version=1, today=TODAY)
    with pytest.raises(services.RelapsePlanStale):  # the second click
        services.relapse_plan_review(participation=part, user=users[Role.POH_GGZ],
                                     expected_version=1, today=TODAY)
    assert RelapsePlanVersion.objects.filter(plan__participation=part).count() == 2


def test_texts_are_trimmed_and_people_without_a_name_are_left_out(part, users):
    version = save(part, users, 0,
                   phases={"stable": {"thoughts": "  Het gaat goed.\r\nEcht.  \n\n"}},
                   people=(Person(name="  Anna   de Wit "), Person(name="")))
    assert version.phases["stable"]["thoughts"] == "Het gaat goed.\nEcht."
    assert [p["name"] for p in version.people] == ["Anna de Wit"]
