"""The audit log is append-only and records logins, views and changes (NEN 7513)."""

import pytest
from django.db import IntegrityError, InternalError, connection, transaction
from django.urls import reverse

from patients.audit import audit_log
from patients.models import AuditEvent, Role


def test_changing_a_saved_audit_event_is_refused_by_the_model(users, practice):
    event = audit_log(user=users[Role.POH_GGZ], action=AuditEvent.Action.VIEW, practice=practice,
                      object_type="test")
    event.detail = "herschreven"
    with pytest.raises(ValueError):
        event.save()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize("statement", [
    "UPDATE patients_auditevent SET detail = 'herschreven'",
    "DELETE FROM patients_auditevent",
])
def test_the_database_refuses_update_and_delete_of_audit_rows(statement, users, practice):
    audit_log(user=users[Role.POH_GGZ], action=AuditEvent.Action.VIEW, practice=practice,
              object_type="test")
    with (pytest.raises((InternalError, IntegrityError)), transaction.atomic(),
          connection.cursor() as cursor):
        cursor.execute(statement)
    assert AuditEvent.objects.filter(object_type="test").count() == 1


def test_queryset_update_is_refused_too(users, practice):
    audit_log(user=users[Role.POH_GGZ], action=AuditEvent.Action.VIEW, practice=practice,
              object_type="test")
    if connection.vendor != "postgresql":
        pytest.skip("only the PostgreSQL trigger guards bulk updates")
    with pytest.raises((InternalError, IntegrityError)), transaction.atomic():
        AuditEvent.objects.update(detail="herschreven")


def test_login_and_logout_are_logged(client, users):
    user = users[Role.HUISARTS]
    response = client.post(reverse("login"),
                           {"username": user.username, "password": "geheim-wachtwoord-123"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(user=user, action=AuditEvent.Action.LOGIN).count() == 1
    client.post(reverse("logout"))
    assert AuditEvent.objects.filter(user=user, action=AuditEvent.Action.LOGOUT).count() == 1


def test_a_change_is_logged_with_who_what_and_which_object(users, client_for, project):
    poh = users[Role.POH_GGZ]
    step = project.plan_steps.first()
    client_for(poh).post(
        reverse("patients:plan-step-done", kwargs={"project_uuid": project.uuid,
                                                   "step_uuid": step.uuid}),
        {"done_on": "2026-09-03"}, REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.filter(action=AuditEvent.Action.CHANGE).latest("id")
    assert (event.user, event.object_type, event.object_id) == (poh, "planstep", str(step.uuid))
    assert event.practice == project.practice
    assert event.detail == "done on 2026-09-03"
    assert event.client_address == "10.1.2.3"


def test_project_creation_is_logged(project, users):
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="project")
    assert event.object_id == str(project.uuid)
    assert event.user == users[Role.POH_GGZ]


def test_an_event_keeps_the_role_the_user_acted_in(users, client_for, project):
    gp = users[Role.HUISARTS]
    client_for(gp).get(reverse("home"))
    event = AuditEvent.objects.filter(user=gp, action=AuditEvent.Action.VIEW).latest("id")
    assert event.role == Role.HUISARTS


def test_an_event_outside_a_request_has_no_role_unless_given(users, practice):
    event = audit_log(user=users[Role.POH_GGZ], action=AuditEvent.Action.VIEW,
                      practice=practice, object_type="test")
    assert event.role == ""
    given = audit_log(user=users[Role.POH_GGZ], action=AuditEvent.Action.VIEW,
                      practice=practice, object_type="test", role=Role.POH_GGZ)
    assert given.role == Role.POH_GGZ


def test_an_event_names_each_patient_a_list_showed_once(users, practice):
    from tests.factories import PatientFactory

    first, second = PatientFactory(practice=practice), PatientFactory(practice=practice)
    event = audit_log(user=users[Role.POH_GGZ], action=AuditEvent.Action.VIEW,
                      practice=practice, object_type="list",
                      patients=[first, second.pk, first])
    assert sorted(event.shown.values_list("patient_id", flat=True)) == sorted(
        [first.pk, second.pk])
    empty = audit_log(user=users[Role.POH_GGZ], action=AuditEvent.Action.VIEW,
                      practice=practice, object_type="list")
    assert not empty.shown.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize("statement", [
    "UPDATE patients_auditeventpatient SET patient_id = patient_id",
    "DELETE FROM patients_auditeventpatient",
])
def test_the_database_refuses_changes_to_the_patients_shown(statement, users, practice):
    from tests.factories import PatientFactory

    audit_log(user=users[Role.POH_GGZ], action=AuditEvent.Action.VIEW, practice=practice,
              object_type="list", patients=[PatientFactory(practice=practice)])
    with (pytest.raises((InternalError, IntegrityError)), transaction.atomic(),
          connection.cursor() as cursor):
        cursor.execute(statement)


@pytest.mark.parametrize(("remote", "forwarded", "expected"), [
    ("10.0.0.5", "", "10.0.0.5"),                       # no proxy
    ("10.0.0.5", "203.0.113.9", "10.0.0.5"),            # not a trusted proxy: header ignored
    ("192.0.2.1", "203.0.113.9", "203.0.113.9"),        # the trusted proxy's header
    ("192.0.2.1", "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # a client's own header is skipped
    ("192.0.2.1", "203.0.113.9, 192.0.2.2", "203.0.113.9"),  # two proxies in the network
    ("192.0.2.1", "", "192.0.2.1"),                      # a proxy without a header
    ("192.0.2.1", "niet-een-adres", "192.0.2.1"),        # a malformed header
])
def test_the_client_address_comes_from_x_forwarded_for_only_through_a_trusted_proxy(
        rf, settings, remote, forwarded, expected):
    from benzoproject.middleware import client_ip

    settings.TRUSTED_PROXIES = ["192.0.2.0/29"]
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_the_access_log_takes_the_address_behind_a_trusted_proxy(users, client_for, project,
                                                                 settings):
    settings.TRUSTED_PROXIES = ["192.0.2.1"]
    poh = users[Role.POH_GGZ]
    client_for(poh).get(reverse("home"), REMOTE_ADDR="192.0.2.1",
                        HTTP_X_FORWARDED_FOR="203.0.113.9")
    client_for(poh).get(reverse("home"), REMOTE_ADDR="198.51.100.7",
                        HTTP_X_FORWARDED_FOR="203.0.113.9")
    first, second = AuditEvent.objects.filter(
        user=poh, action=AuditEvent.Action.VIEW).order_by("-id")[:2][::-1]
    assert first.client_address == "203.0.113.9"
    assert second.client_address == "198.51.100.7"
