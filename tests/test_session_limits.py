"""Sessions end when idle, when old and when the account is disabled (docs/security.md)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from benzoproject.session_limits import ACTIVITY_RESOLUTION_SECONDS, sessions_end_for
from patients.models import AuditEvent, Role

LOGIN = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(LOGIN, tick=False) as traveller:
        yield traveller


def _home_after(client, clock, seconds):
    clock.move_to(LOGIN + timedelta(seconds=seconds))
    return client.get(reverse("home"))


@pytest.mark.parametrize(("edge", "logged_in"), [(-1, True), (0, False)])
def test_a_session_ends_after_the_idle_time(users, client_for, clock, edge, logged_in):
    client = client_for(users[Role.HUISARTS])
    response = _home_after(client, clock, settings.SESSION_IDLE_SECONDS + edge)
    assert (response.status_code == 200) is logged_in
    if not logged_in:
        assert response["Location"].startswith(reverse("login"))
        page = client.get(response["Location"]).content.decode()
        assert "niets is gebeurd" in page
        assert f"{settings.SESSION_IDLE_SECONDS // 60} minuten" in page


def test_activity_keeps_a_session_alive(users, client_for, clock):
    client = client_for(users[Role.HUISARTS])
    idle = settings.SESSION_IDLE_SECONDS
    assert _home_after(client, clock, idle - 1).status_code == 200
    assert _home_after(client, clock, 2 * idle - 2).status_code == 200


@pytest.mark.parametrize(("edge", "logged_in"), [(-1, True), (0, False)])
def test_a_session_ends_at_its_maximum_age_however_active(
        users, client_for, clock, settings, edge, logged_in):
    client = client_for(users[Role.HUISARTS])
    step = settings.SESSION_IDLE_SECONDS - ACTIVITY_RESOLUTION_SECONDS
    for moment in range(step, settings.SESSION_MAX_SECONDS - 1, step):
        assert _home_after(client, clock, moment).status_code == 200, moment
    response = _home_after(client, clock, settings.SESSION_MAX_SECONDS + edge)
    assert (response.status_code == 200) is logged_in
    if not logged_in:
        page = client.get(response["Location"]).content.decode()
        assert f"al {settings.SESSION_MAX_SECONDS // 3600} uur was ingelogd" in page


def test_an_ended_session_is_logged_out_and_audited(users, client_for, clock):
    user = users[Role.HUISARTS]
    client = client_for(user)
    _home_after(client, clock, settings.SESSION_IDLE_SECONDS)
    assert AuditEvent.objects.filter(user=user, action=AuditEvent.Action.LOGOUT).count() == 1
    assert _home_after(client, clock, settings.SESSION_IDLE_SECONDS + 1).status_code == 302


def test_disabling_an_account_ends_all_its_sessions_at_once(users, client_for):
    user, colleague = users[Role.HUISARTS], users[Role.POH_GGZ]
    browsers = [client_for(user), client_for(user)]
    other = client_for(colleague)
    user.is_active = False
    user.save()
    assert Session.objects.count() == 1  # the colleague's
    for browser in browsers:
        assert browser.get(reverse("home")).status_code == 302
    assert other.get(reverse("home")).status_code == 200


def test_disabling_in_the_admin_ends_the_sessions(users, client_for, admin_user):
    admin_client = client_for(admin_user)  # the admin too is behind the second factor
    user = users[Role.HUISARTS]
    browser = client_for(user)
    admin_page = reverse("admin:auth_user_change", args=[user.pk])
    form = admin_client.get(admin_page).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(is_active="", date_joined_0="01-12-2026", date_joined_1="08:00:00",
                groups=[], user_permissions=[])
    data.pop("last_login", None)
    data.pop("date_joined", None)
    response = admin_client.post(admin_page, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.is_active is False
    assert sessions_end_for(user) == 0
    assert browser.get(reverse("home")).status_code == 302


def test_the_session_cookie_ends_with_the_browser(users):
    client = Client()
    client.post(reverse("login"), {"username": users[Role.HUISARTS].username,
                                   "password": "geheim-wachtwoord-123"})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value and not cookie["max-age"] and not cookie["expires"]


def test_the_device_cookie_waits_for_the_second_factor(users, settings):
    settings.TWO_FACTOR_REQUIRED = True
    client = Client()
    response = client.post(reverse("login"), {"username": users[Role.HUISARTS].username,
                                              "password": "geheim-wachtwoord-123"})
    assert response.status_code == 302
    assert settings.LOGIN_DEVICE_COOKIE_NAME not in client.cookies


def test_disabling_with_update_fields_ends_the_sessions_too(users, client_for):
    user = users[Role.HUISARTS]
    browser = client_for(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert sessions_end_for(user) == 0
    assert browser.get(reverse("home")).status_code == 302
