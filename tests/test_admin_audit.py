"""Changes made in the admin and every view of the log are in the access log (issue 15,
point 2; patients/admin_audit.py)."""

import pytest
from django.forms import FileField
from django.urls import reverse

from patients.audit import audit_log
from patients.models import AuditEvent, FtoGroup, Membership, Role

ADDRESS = "198.51.100.20"


@pytest.fixture
def admin_client(db, django_user_model, client_for):
    admin = django_user_model.objects.create_superuser("opzet", password="x" * 12)
    return admin, client_for(admin)


def _admin_events():
    return AuditEvent.objects.filter(role="admin").order_by("id")


def test_an_object_added_in_the_admin_is_logged_with_its_name(admin_client):
    admin, client = admin_client
    response = client.post(reverse("admin:patients_ftogroup_add"), {"name": "FTO Renkum"},
                           REMOTE_ADDR=ADDRESS)
    assert response.status_code == 302
    group = FtoGroup.objects.get(name="FTO Renkum")
    [event] = _admin_events()
    assert (event.action, event.object_type, event.object_id) == (
        "create", "ftogroup", str(group.pk))
    assert (event.user, event.client_address) == (admin, ADDRESS)
    assert event.detail.startswith("admin: FTO Renkum")


def test_a_change_in_the_admin_keeps_its_change_message(admin_client):
    _admin, client = admin_client
    group = FtoGroup.objects.create(name="FTO Oud")
    client.post(reverse("admin:patients_ftogroup_change", args=[group.pk]),
                {"name": "FTO Nieuw"})
    [event] = _admin_events()
    assert (event.action, event.object_id) == ("change", str(group.pk))
    assert "FTO Nieuw" in event.detail and "Naam" in event.detail  # "Naam gewijzigd."
    # Saved without a change: Django's message says so, and it is logged as well.
    client.post(reverse("admin:patients_ftogroup_change", args=[group.pk]),
                {"name": "FTO Nieuw"})
    assert _admin_events().count() == 2


def test_a_change_to_a_practice_names_the_practice(admin_client, practice):
    _admin, client = admin_client
    url = reverse("admin:patients_practice_change", args=[practice.pk])
    form = client.get(url).context["adminform"].form
    kept = [name for name, field in form.fields.items() if not isinstance(field, FileField)]
    data = {name: form[name].value() for name in kept if form[name].value() is not None}
    data.update({"name": "Praktijk De Linde", "memberships-TOTAL_FORMS": "0",
                 "memberships-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    [event] = _admin_events()
    assert (event.action, event.practice) == ("change", practice)


def test_deleting_in_the_admin_is_logged_once_per_object(admin_client):
    _admin, client = admin_client
    one, two, three = (FtoGroup.objects.create(name=f"FTO {n}") for n in (1, 2, 3))
    client.post(reverse("admin:patients_ftogroup_delete", args=[one.pk]), {"post": "yes"})
    assert [(e.action, e.object_id) for e in _admin_events()] == [("delete", str(one.pk))]
    client.post(reverse("admin:patients_ftogroup_changelist"),
                {"action": "delete_selected", "_selected_action": [two.pk, three.pk],
                 "post": "yes"})
    assert not FtoGroup.objects.exists()
    deleted = [(e.action, e.object_id) for e in _admin_events()][1:]
    assert sorted(deleted) == [("delete", str(two.pk)), ("delete", str(three.pk))]


def test_memberships_are_left_to_their_own_log(admin_client, practice, django_user_model):
    _admin, client = admin_client
    user = django_user_model.objects.create_user("nieuw", password="x" * 12)
    client.post(reverse("admin:patients_membership_add"),
                {"user": user.pk, "practice": practice.pk, "role": Role.ASSISTENT})
    assert Membership.objects.filter(user=user).exists()
    assert not _admin_events().filter(object_type="membership").exists()


def test_every_view_of_the_log_is_logged(admin_client, users, practice):
    from tests.factories import PatientFactory

    admin, client = admin_client
    patient = PatientFactory(practice=practice)
    seen = audit_log(user=users[Role.POH_GGZ], action=AuditEvent.Action.VIEW, obj=patient)
    client.get(reverse("admin:patients_auditevent_changelist") + "?action__exact=view",
               REMOTE_ADDR=ADDRESS)
    listed = AuditEvent.objects.latest("id")
    assert (listed.action, listed.object_type, listed.user, listed.role) == (
        "view", "auditlog", admin, "admin")
    assert listed.detail == "admin: the access log (action__exact=view)"
    assert listed.client_address == ADDRESS
    client.get(reverse("admin:patients_auditevent_change", args=[seen.pk]))
    opened = AuditEvent.objects.latest("id")
    assert (opened.object_type, opened.object_id) == ("auditlog", str(seen.pk))
    assert (opened.patient, opened.practice) == (patient, practice)
    client.get(reverse("admin:patients_auditevent_history", args=[seen.pk]))
    assert AuditEvent.objects.latest("id").detail == "admin: the history of an entry"


def test_a_refused_view_of_the_log_is_not_logged_as_seen(client_for, users):
    client = client_for(users[Role.POH_GGZ])
    before = AuditEvent.objects.count()  # after the login's event
    response = client.get(reverse("admin:patients_auditevent_changelist"))
    assert response.status_code == 302  # not staff: to the admin's login
    assert AuditEvent.objects.count() == before
