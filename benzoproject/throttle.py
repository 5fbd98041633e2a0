"""Login throttling that stops password spraying (docs/security.md#throttling-of-logins).

Failed logins are counted in Django's cache (Redis in production) in three scopes:

- per client address, across user names: ``LOGIN_THROTTLE_ADDRESS_LIMIT`` failures lock the
  address for attempts without a device cookie;
- per user name, across addresses: ``LOGIN_THROTTLE_USERNAME_LIMIT`` failures lock the user
  name for attempts without a device cookie;
- per user and device: after a complete login the browser holds a signed device cookie naming
  that user (OWASP "device cookies"). Its attempts for that user count in their own scope
  (``LOGIN_THROTTLE_DEVICE_LIMIT``) and are not stopped by the address or user name lock, so
  the colleagues behind a practice's shared address keep logging in while it is locked. A
  device that reaches its own limit is treated as unknown until the cool-off ends.

A lock lasts ``LOGIN_THROTTLE_COOLOFF_SECONDS``. The counters are sliding windows of
``LOGIN_THROTTLE_WINDOW_SECONDS``: an atomic increment of the current window's counter plus the
previous window's count, weighted by how much of it still overlaps. Locks store their end time,
so the cool-off ends by the clock, not by the cache's expiry. When the cache cannot be reached
the login goes on without throttling (fail open) and an error is logged: an outage of Redis
must not lock every practice out. Each failed login and each lockout is written to the audit
log with the user name tried and the client address.

The check runs in ``ThrottleBackend`` (first in AUTHENTICATION_BACKENDS, so it sees every
``authenticate()`` that has a request: the login page and the admin's), the counting in the
``user_login_failed`` receiver, and ``LoginThrottleMiddleware`` turns a refused attempt into the
lock page and hands out the device cookie once the login is complete (after the second factor
when one is required).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core import signing
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from .middleware import client_ip

logger = logging.getLogger(__name__)

_ATTEMPT = "_login_attempt"  # the request attribute the backend, receiver and middleware share
_PENDING = "_login_device_pending"  # session key: user name whose device cookie is due
_DEVICE_SALT = "benzoproject.throttle.device"


@dataclass(frozen=True)
class Scope:
    """One counter of failed logins: its kind, a hash of what it counts, and its limit."""

    kind: str
    ident: str
    limit: int

    def count_key(self, window: int) -> str:
        return f"{settings.LOGIN_THROTTLE_KEY_PREFIX}:{self.kind}:{self.ident}:{window}"

    @property
    def lock_key(self) -> str:
        return f"{settings.LOGIN_THROTTLE_KEY_PREFIX}:lock:{self.kind}:{self.ident}"


def _digest(*parts: str) -> str:
    # Keys carry no user name or address in the clear and stay valid for any cache backend.
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]


def address_scope(address: str) -> Scope:
    return Scope("address", _digest(address), settings.LOGIN_THROTTLE_ADDRESS_LIMIT)


def username_scope(username: str) -> Scope:
    return Scope("username", _digest(username.casefold()),
                 settings.LOGIN_THROTTLE_USERNAME_LIMIT)


def device_scope(username: str, nonce: str) -> Scope:
    return Scope("device", _digest(username, nonce), settings.LOGIN_THROTTLE_DEVICE_LIMIT)


@contextmanager
def _cache_or_open(what: str) -> Iterator[None]:
    """Run a cache step; when the cache fails, log it and go on as if nothing was counted."""
    try:
        yield
    except Exception:  # any cache backend's failure: throttling fails open
        logger.exception("Login throttling unavailable (%s): the login goes on unthrottled", what)


def _cache() -> Any:
    return caches[settings.LOGIN_THROTTLE_CACHE]


def locked_until(scope: Scope, now: float) -> float | None:
    """The end of the scope's lock when it is locked at ``now``; None when it is not."""
    until = _cache().get(scope.lock_key)
    return float(until) if until is not None and float(until) > now else None


def failures(scope: Scope, now: float) -> float:
    """Failures in the sliding window ending at ``now``."""
    length = settings.LOGIN_THROTTLE_WINDOW_SECONDS
    window = int(now // length)
    cache = _cache()
    current = cache.get(scope.count_key(window)) or 0
    previous = cache.get(scope.count_key(window - 1)) or 0
    return current + previous * (1 - (now % length) / length)


def record_failure(scope: Scope, now: float) -> float | None:
    """Count one failure; returns the lock's end when this failure locked the scope."""
    length = settings.LOGIN_THROTTLE_WINDOW_SECONDS
    window = int(now // length)
    cache = _cache()
    key = scope.count_key(window)
    cache.add(key, 0, timeout=2 * length)
    try:
        cache.incr(key)  # INCR on Redis: atomic across web processes
    except ValueError:  # the key expired between add and incr
        cache.add(key, 1, timeout=2 * length)
    if failures(scope, now) < scope.limit:
        return None
    until = now + settings.LOGIN_THROTTLE_COOLOFF_SECONDS
    cache.set(scope.lock_key, until, timeout=settings.LOGIN_THROTTLE_COOLOFF_SECONDS + 60)
    # After the cool-off the scope starts afresh.
    cache.delete_many([key, scope.count_key(window - 1)])
    return until


def forget(scope: Scope, now: float) -> None:
    """Clear a scope's counters (a complete login of that user)."""
    window = int(now // settings.LOGIN_THROTTLE_WINDOW_SECONDS)
    _cache().delete_many([scope.count_key(window), scope.count_key(window - 1)])


# --- Device cookies ---------------------------------------------------------

def _device_entries(request: HttpRequest, now: float) -> list[tuple[str, str, float]]:
    """The (user name, nonce, issued) entries of the request's valid device cookie."""
    raw = request.COOKIES.get(settings.LOGIN_DEVICE_COOKIE_NAME)
    if not raw:
        return []
    max_age = settings.LOGIN_DEVICE_COOKIE_SECONDS
    try:
        entries = signing.loads(raw, salt=_DEVICE_SALT, max_age=max_age)
    except signing.BadSignature:
        return []
    valid = []
    for entry in entries if isinstance(entries, list) else []:
        if (isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], str)
                and isinstance(entry[1], str) and isinstance(entry[2], int | float)
                and now - entry[2] < max_age):
            valid.append((entry[0], entry[1], float(entry[2])))
    return valid


def device_cookie_value(request: HttpRequest, username: str, now: float) -> str:
    """A device cookie that adds (or renews) ``username`` to the browser's known users."""
    others = [[u, n, t] for u, n, t in _device_entries(request, now) if u != username]
    entries = [[username, secrets.token_urlsafe(16), int(now)], *others]
    # A shared practice computer knows a handful of colleagues; the cookie stays small.
    return signing.dumps(entries[: settings.LOGIN_DEVICE_COOKIE_USERS], salt=_DEVICE_SALT,
                         compress=True)


# --- One attempt --------------------------------------------------------------

@dataclass
class Attempt:
    """A login attempt: who was tried from where, the scopes it counts in, and its lock."""

    username: str
    address: str
    trusted: bool
    scopes: list[Scope] = field(default_factory=list)
    locked_until: float | None = None


def attempt_for(request: HttpRequest, username: str) -> Attempt:
    """Classify an attempt (device cookie or not) and find whether it is locked."""
    now = time.time()
    # X-Forwarded-For only through TRUSTED_PROXIES: a client cannot pick its own address.
    address = client_ip(request) or "unknown"
    nonce = next((n for u, n, _ in _device_entries(request, now) if u == username), None)
    attempt = Attempt(username=username, address=address, trusted=False)
    attempt.scopes = [address_scope(address), username_scope(username)]
    with _cache_or_open("check"):
        if nonce is not None:
            device = device_scope(username, nonce)
            if locked_until(device, now) is None:
                attempt.trusted, attempt.scopes = True, [device]
        ends = [end for scope in attempt.scopes if (end := locked_until(scope, now))]
        attempt.locked_until = max(ends, default=None)
    return attempt


def _audit(username: str, detail: str, *, lockout: bool = False) -> None:
    """A failed login (or a lockout) in the audit log, naming the user name tried."""
    # Imported when used: this module is loaded by the core's AppConfig.ready, which must not
    # need the patients app to be importable (tests/test_platform.py runs bare settings).
    from patients.audit import audit_log
    from patients.models import AuditEvent

    action = AuditEvent.Action.LOCKOUT if lockout else AuditEvent.Action.LOGIN_FAILED
    audit_log(user=None, username=username, action=action, object_type="session",
              detail=detail)


def _local(moment: float) -> str:
    return timezone.localtime(datetime.fromtimestamp(moment, tz=UTC)).strftime("%H:%M")


class ThrottleBackend:
    """Refuses a locked attempt before any password is checked; authenticates nobody.

    Deliberately without ``get_user``: Django (and the test client's ``force_login``) then
    never picks this backend to load a session's user.
    """

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> None:
        if request is None or username is None:
            return None
        attempt = attempt_for(request, username)
        setattr(request, _ATTEMPT, attempt)
        if attempt.locked_until is not None:
            raise PermissionDenied  # stops the backends; Django then sends user_login_failed
        return None


@receiver(user_login_failed)
def _count_failure(sender: object, credentials: dict[str, Any],
                   request: HttpRequest | None = None, **kwargs: Any) -> None:
    username = str(credentials.get("username") or "")
    if request is None:
        return
    attempt = getattr(request, _ATTEMPT, None)
    if attempt is None or attempt.username != username:
        attempt = attempt_for(request, username)
        setattr(request, _ATTEMPT, attempt)
    if attempt.locked_until is not None:
        _audit(username, f"refused: locked until {_local(attempt.locked_until)}")
        return
    _audit(username, "wrong user name or password"
           + (" (known device)" if attempt.trusted else ""))
    now = time.time()
    with _cache_or_open("count"):
        for scope in attempt.scopes:
            until = record_failure(scope, now)
            if until is None:
                continue
            attempt.locked_until = max(until, attempt.locked_until or until)
            logger.warning("Login lockout (%s) after %s failures", scope.kind, scope.limit)
            _audit(username, f"{scope.kind} locked until {_local(until)} after "
                             f"{scope.limit} failed logins", lockout=True)


@receiver(user_logged_in)
def _forget_failures(sender: object, request: HttpRequest | None, user: Any,
                     **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    username = user.get_username()
    now = time.time()
    with _cache_or_open("reset"):
        forget(username_scope(username), now)
        attempt = getattr(request, _ATTEMPT, None)
        if attempt is not None and attempt.trusted:
            for scope in attempt.scopes:
                forget(scope, now)
    # The device cookie follows when the login is complete (LoginThrottleMiddleware).
    request.session[_PENDING] = username


def _login_complete(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if not getattr(settings, "TWO_FACTOR_REQUIRED", False):
        return True
    is_verified = getattr(user, "is_verified", None)  # django-otp's OTPMiddleware
    return bool(is_verified()) if callable(is_verified) else False


def lock_response(request: HttpRequest, until: float) -> HttpResponse:
    """The Dutch lock page: when to try again, never whether the user name exists."""
    response = TemplateResponse(request, "registration/locked.html", {
        "until": timezone.localtime(datetime.fromtimestamp(until, tz=UTC)),
        "minutes": max(1, -int(-(until - time.time()) // 60)),
    }, status=429)
    response["Retry-After"] = str(max(1, int(until - time.time())))
    return response.render()


class LoginThrottleMiddleware:
    """Shows the lock page for a refused attempt; gives the device cookie after a login."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        attempt = getattr(request, _ATTEMPT, None)
        if attempt is not None and attempt.locked_until is not None:
            return lock_response(request, attempt.locked_until)
        session = getattr(request, "session", None)
        if session is not None and session.get(_PENDING) and _login_complete(request):
            username = session.pop(_PENDING)
            if username == request.user.get_username():
                response.set_cookie(
                    settings.LOGIN_DEVICE_COOKIE_NAME,
                    device_cookie_value(request, username, time.time()),
                    max_age=settings.LOGIN_DEVICE_COOKIE_SECONDS, path="/",
                    secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax")
        return response
