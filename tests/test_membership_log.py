"""Changes of access (docs/security.md#least-privilege): every membership granted, changed or
removed, in the admin or in code, is in the audit log with who made it and shown to the
practice's project lead on the start page for 30 days."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from patients.membership_log import access_changes, membership_change_parse
from patients.models import AuditEvent, Membership, Role
from tests.factories import MembershipFactory, UserFactory


def _events(practice):
    return list(AuditEvent.objects.filter(object_type="membership", practice=practice)
                .order_by("id"))


@pytest.fixture
def staff(client_for, practice):
    admin = get_user_model().objects.create_superuser("beheer-staf", password="x" * 12)
    return admin, client_for(admin)


def test_granting_changing_and_removing_in_the_admin_is_logged_with_who_did_it(
        staff, practice):
    admin, client = staff
    newcomer = UserFactory(username="nieuw")
    client.post(reverse("admin:patients_membership_add"),
                {"user": newcomer.pk, "practice": practice.pk, "role": Role.ASSISTENT})
    membership = Membership.objects.get(user=newcomer)
    client.post(reverse("admin:patients_membership_change", args=[membership.pk]),
                {"user": newcomer.pk, "practice": practice.pk, "role": Role.HUISARTS})
    client.post(reverse("admin:patients_membership_delete", args=[membership.pk]),
                {"post": "yes"})
    events = _events(practice)
    assert [(e.action, e.detail) for e in events] == [
        ("create", "nieuw: - -> assistent"),
        ("change", "nieuw: assistent -> huisarts"),
        ("delete", "nieuw: huisarts -> -"),
    ]
    assert {(e.username, e.object_id, e.client_address) for e in events} == {
        ("beheer-staf", str(membership.pk), "127.0.0.1")}


def test_saving_without_a_change_of_role_logs_nothing_and_code_changes_are_logged(practice,
                                                                                  other_practice):
    membership = MembershipFactory(practice=practice, role=Role.POH_GGZ)
    membership.save()  # the same role: no change of access
    assert len(_events(practice)) == 1 and _events(practice)[0].username == ""  # no request
    membership.practice = other_practice
    membership.save()  # moved: removed in one practice, granted in the other
    assert _events(practice)[-1].detail.endswith(": poh_ggz -> -")
    assert _events(other_practice)[-1].detail.endswith(": - -> poh_ggz")
    membership.user.delete()  # the account goes, and its membership with it
    assert _events(other_practice)[-1].action == "delete"


def test_a_practice_is_never_deleted_in_the_admin(staff, practice):
    _admin, client = staff
    response = client.get(reverse("admin:patients_practice_delete", args=[practice.pk]))
    assert response.status_code == 403


def test_the_detail_reads_back():
    assert membership_change_parse("a: b: - -> huisarts") == ("a: b", None, "huisarts")
    assert membership_change_parse("ingelogd") is None


def test_the_project_lead_sees_the_changes_of_30_days_on_the_start_page(users, project,
                                                                       client_for, practice):
    lead = users[Role.POH_GGZ]
    assert project.lead == lead
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=30)):
        MembershipFactory(practice=practice, role=Role.MONITOR,
                          user=UserFactory(username="te-oud", first_name="Oud", last_name="X"))
    with time_machine.travel(now - timedelta(days=29)):
        MembershipFactory(practice=practice, role=Role.APOTHEKER,
                          user=UserFactory(username="recent", first_name="Piet",
                                           last_name="Recent"))
    shown = {c.username for c in access_changes(practice=practice, today=now.date())}
    assert "recent" in shown and "te-oud" not in shown
    html = client_for(lead).get(reverse("home")).content.decode()
    assert 'id="toegang-wijzigingen"' in html
    assert "Piet Recent kreeg toegang als Apotheker" in html
    assert "Oud X" not in html
    for role in (Role.HUISARTS, Role.ASSISTENT, Role.APOTHEKER, Role.MONITOR, Role.BEHEERDER):
        other = client_for(users[role]).get(reverse("home")).content.decode()
        assert 'id="toegang-wijzigingen"' not in other, role


def test_a_poh_ggz_who_leads_no_project_does_not_see_them(users, project, practice,
                                                          client_for):
    second = MembershipFactory(practice=practice, role=Role.POH_GGZ).user
    html = client_for(second).get(reverse("home")).content.decode()
    assert 'id="toegang-wijzigingen"' not in html


def test_without_any_project_every_poh_ggz_sees_them(users, client_for):
    html = client_for(users[Role.POH_GGZ]).get(reverse("home")).content.decode()
    assert 'id="toegang-wijzigingen"' in html


def test_a_membership_added_in_the_practices_inline_is_logged(staff, practice):
    _admin, client = staff
    newcomer = UserFactory(username="via-praktijk")
    response = client.post(reverse("admin:patients_practice_change", args=[practice.pk]), {
        "code": practice.code, "name": practice.name,
        "complex_atc_prefixes": practice.complex_atc_prefixes,
        "complex_atc_exceptions": practice.complex_atc_exceptions,
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": "", "memberships-0-practice": str(practice.pk),
        "memberships-0-user": str(newcomer.pk), "memberships-0-role": Role.POH_GGZ})
    assert response.status_code == 302
    event = _events(practice)[-1]
    assert (event.action, event.detail, event.username) == (
        "create", "via-praktijk: - -> poh_ggz", "beheer-staf")
