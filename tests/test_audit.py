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
