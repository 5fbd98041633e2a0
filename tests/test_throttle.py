"""Login throttling stops password spraying (docs/security.md#throttling-of-logins).

Limits per address across user names and per user name across addresses, a cool-off, and
device cookies that keep a practice's shared address usable for colleagues who logged in
from their browser before.
"""

import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from benzoproject import throttle
from patients.models import AuditEvent, Role

PASSWORD = "geheim-wachtwoord-123"  # tests/factories.py
SHARED = "192.0.2.10"  # the practice's one address towards the internet
ELSEWHERE = "198.51.100.7"
# On a window's start, so the sliding window's previous part weighs nothing.
MORNING = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _password_only(settings):
    # Throttling guards the password step; the second factor has tests of its own. (With
    # TWO_FACTOR_REQUIRED the device cookie follows the code step: test_session_limits.py.)
    settings.TWO_FACTOR_REQUIRED = False


@pytest.fixture
def frozen():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


def _try(client, username, password="fout-wachtwoord", address=SHARED):
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR=address)


def _spray(count, *, address=SHARED, prefix="gok"):
    """``count`` failed logins from ``address``, each with another user name."""
    client = Client()
    return [_try(client, f"{prefix}{i}", address=address).status_code for i in range(count)]


def _fail_user(username, count):
    """``count`` failed logins for ``username``, each from another address."""
    return [_try(Client(), username, address=f"203.0.113.{i + 1}").status_code
            for i in range(count)]


def _with_device_cookie(user, address=SHARED):
    """A browser in which ``user`` logged in once (and out again): it holds a device cookie."""
    client = Client()
    assert _try(client, user.username, PASSWORD, address).status_code == 302
    assert settings.LOGIN_DEVICE_COOKIE_NAME in client.cookies
    client.post(reverse("logout"))
    return client


def test_56_tries_over_14_user_names_from_one_address_are_blocked(users, frozen):
    limit = settings.LOGIN_THROTTLE_ADDRESS_LIMIT
    client = Client()
    statuses = [_try(client, f"medewerker{name}", f"Wachtwoord{guess}!").status_code
                for name in range(14) for guess in range(4)]
    # Wrong passwords until the limit; the failure that reaches it shows the lock page.
    assert statuses[: limit - 1] == [200] * (limit - 1)
    assert statuses[limit - 1:] == [429] * (56 - limit + 1)
    # A real user without a device cookie is refused from that address before any password
    # check, and logs in from another address.
    poh = users[Role.POH_GGZ]
    assert _try(Client(), poh.username, PASSWORD).status_code == 429
    assert _try(Client(), poh.username, PASSWORD, ELSEWHERE).status_code == 302


@pytest.mark.parametrize(("edge", "expected"), [(-1, 302), (0, 429)])
def test_the_address_locks_at_its_limit(users, frozen, edge, expected):
    _spray(settings.LOGIN_THROTTLE_ADDRESS_LIMIT + edge)
    assert _try(Client(), users[Role.HUISARTS].username, PASSWORD).status_code == expected


@pytest.mark.parametrize(("edge", "expected"), [(-1, 302), (0, 429)])
def test_a_locked_user_cannot_log_in_from_another_address(users, frozen, edge, expected):
    user = users[Role.HUISARTS]
    _fail_user(user.username, settings.LOGIN_THROTTLE_USERNAME_LIMIT + edge)
    assert _try(Client(), user.username, PASSWORD, ELSEWHERE).status_code == expected


def test_a_locked_user_logs_in_from_a_browser_with_a_device_cookie(users, frozen):
    user = users[Role.HUISARTS]
    own_browser = _with_device_cookie(user, address="10.1.1.1")
    _fail_user(user.username, settings.LOGIN_THROTTLE_USERNAME_LIMIT)
    assert _try(Client(), user.username, PASSWORD, ELSEWHERE).status_code == 429
    assert _try(own_browser, user.username, PASSWORD, ELSEWHERE).status_code == 302


def test_a_colleague_with_a_device_cookie_logs_in_from_the_blocked_shared_address(
        users, frozen):
    colleague, newcomer = users[Role.POH_GGZ], users[Role.ASSISTENT]
    browser = _with_device_cookie(colleague)
    _spray(settings.LOGIN_THROTTLE_ADDRESS_LIMIT)
    assert _try(browser, colleague.username, PASSWORD).status_code == 302
    # The cookie names the colleague only: another user in the same browser is refused.
    browser.post(reverse("logout"))
    assert _try(browser, newcomer.username, PASSWORD).status_code == 429


def test_a_device_cookie_names_its_user_and_is_signed(users, frozen):
    user, other = users[Role.HUISARTS], users[Role.POH_GGZ]
    browser = _with_device_cookie(user)
    _spray(settings.LOGIN_THROTTLE_ADDRESS_LIMIT)
    cookie = settings.LOGIN_DEVICE_COOKIE_NAME
    forged = Client()
    forged.cookies[cookie] = browser.cookies[cookie].value[:-2] + "xx"
    assert _try(forged, user.username, PASSWORD).status_code == 429
    assert _try(browser, other.username, PASSWORD).status_code == 429


@pytest.mark.parametrize(("edge", "expected"), [(-1, 302), (0, 429)])
def test_a_known_device_counts_on_its_own_and_is_unknown_at_its_limit(
        users, frozen, edge, expected):
    user = users[Role.HUISARTS]
    browser = _with_device_cookie(user)
    _spray(settings.LOGIN_THROTTLE_ADDRESS_LIMIT)
    for _ in range(settings.LOGIN_THROTTLE_DEVICE_LIMIT + edge):
        _try(browser, user.username)
    # Below its limit the device still passes the locked address; at it, the browser is
    # treated as unknown until the cool-off ends, so the address lock applies.
    assert _try(browser, user.username, PASSWORD).status_code == expected


def test_the_lock_ends_after_the_cool_off(users, frozen):
    user = users[Role.HUISARTS]
    _spray(settings.LOGIN_THROTTLE_ADDRESS_LIMIT)
    cooloff = settings.LOGIN_THROTTLE_COOLOFF_SECONDS
    frozen.move_to(MORNING + timedelta(seconds=cooloff - 1))
    assert _try(Client(), user.username, PASSWORD).status_code == 429
    frozen.move_to(MORNING + timedelta(seconds=cooloff))
    assert _try(Client(), user.username, PASSWORD).status_code == 302


def test_the_lock_page_says_when_and_not_whether_the_user_exists(users, frozen):
    _spray(settings.LOGIN_THROTTLE_ADDRESS_LIMIT)
    known = _try(Client(), users[Role.HUISARTS].username, PASSWORD)
    unknown = _try(Client(), "bestaat-niet", PASSWORD)
    assert known.status_code == unknown.status_code == 429
    assert known.content == unknown.content
    until = MORNING + timedelta(seconds=settings.LOGIN_THROTTLE_COOLOFF_SECONDS)
    page = known.content.decode()
    assert "Er is te vaak geprobeerd in te loggen" in page
    assert until.astimezone(throttle.timezone.get_default_timezone()).strftime("%H:%M") in page
    assert known["Retry-After"] == str(settings.LOGIN_THROTTLE_COOLOFF_SECONDS)


def test_failed_logins_and_the_lockout_are_audited_with_user_name_and_address(db, frozen):
    limit = settings.LOGIN_THROTTLE_ADDRESS_LIMIT
    _spray(limit + 2)
    failed = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).order_by("id")
    assert [e.username for e in failed] == [f"gok{i}" for i in range(limit + 2)]
    assert {e.client_address for e in failed} == {SHARED}
    assert [e.detail.startswith("refused") for e in failed] == [False] * limit + [True] * 2
    lockout = AuditEvent.objects.get(action=AuditEvent.Action.LOCKOUT)
    assert (lockout.username, lockout.client_address) == (f"gok{limit - 1}", SHARED)
    assert lockout.detail.startswith("address locked")


def test_an_unreachable_cache_neither_locks_out_nor_crashes_the_login(
        users, frozen, settings, caplog):
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}}
    user = users[Role.HUISARTS]
    with caplog.at_level(logging.ERROR, logger="benzoproject.throttle"):
        assert _try(Client(), user.username).status_code == 200
        assert _try(Client(), user.username, PASSWORD).status_code == 302
    assert "Login throttling unavailable" in caplog.text
    # The failure is still in the audit log.
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED,
                                     username=user.username).count() == 1


def test_the_sliding_window_weighs_the_previous_window(db, frozen):
    scope = throttle.address_scope("192.0.2.99")
    window = settings.LOGIN_THROTTLE_WINDOW_SECONDS
    start = MORNING.timestamp()
    for _ in range(4):
        throttle.record_failure(scope, start)
    # A quarter into the next window three quarters of the previous one still count.
    assert throttle.failures(scope, start + window + window / 4) == 3
    assert throttle.failures(scope, start + 2 * window) == 0


def test_behind_a_trusted_proxy_the_forwarded_client_address_counts(users, frozen, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for i in range(settings.LOGIN_THROTTLE_ADDRESS_LIMIT):
        proxy.post(reverse("login"), {"username": f"gok{i}", "password": "fout"},
                   HTTP_X_FORWARDED_FOR=SHARED)
    user = users[Role.HUISARTS]
    credentials = {"username": user.username, "password": PASSWORD}
    assert proxy.post(reverse("login"), credentials,
                      HTTP_X_FORWARDED_FOR=SHARED).status_code == 429
    # Another practice behind the same proxy is not locked.
    assert Client(REMOTE_ADDR="10.0.0.1").post(
        reverse("login"), credentials, HTTP_X_FORWARDED_FOR=ELSEWHERE).status_code == 302


def test_a_forged_forwarded_header_does_not_dodge_the_address_lock(users, frozen):
    client = Client()
    for i in range(settings.LOGIN_THROTTLE_ADDRESS_LIMIT):
        client.post(reverse("login"), {"username": f"gok{i}", "password": "fout"},
                    REMOTE_ADDR=SHARED, HTTP_X_FORWARDED_FOR=f"203.0.113.{i + 1}")
    assert _try(Client(), users[Role.HUISARTS].username, PASSWORD).status_code == 429


def test_failed_logins_of_a_member_are_in_the_practice_log_and_not_another(
        users, other_users, practice, other_practice, frozen):
    from patients.audit_selectors import LogFilters, log_events

    user = users[Role.HUISARTS]
    _fail_user(user.username, settings.LOGIN_THROTTLE_USERNAME_LIMIT)
    filters = LogFilters(username=user.username)
    actions = [e.action for e in log_events(practice=practice, filters=filters)]
    assert actions.count(AuditEvent.Action.LOGIN_FAILED) == settings.LOGIN_THROTTLE_USERNAME_LIMIT
    assert actions.count(AuditEvent.Action.LOCKOUT) == 1
    assert not log_events(practice=other_practice, filters=filters).exists()
