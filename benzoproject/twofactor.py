"""Two factors for every user (docs/security.md#two-factors).

After the password a user passes a second factor: a six-digit code from an authenticator
app (TOTP, django-otp's ``TOTPDevice``) or one of ten recovery codes (django-otp's
``StaticDevice``; each works once). A session that has passed only the password reaches
the code step, the setup step and the logout, nothing else: :class:`TwoFactorMiddleware`
enforces that for every URL, the admin's included.

This module holds the writes and reads of the second factor, the middleware, and the
helpers that make a verified session without typing a code (tests, the demo, the load
benchmark): :func:`totp_device_for`, :func:`totp_code`, :func:`totp_next_code`,
:func:`session_verify` and :func:`verified_session`.
"""

import secrets
import time
from base64 import b32encode
from collections.abc import Callable
from typing import Any

import segno
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY, verify_token
from django_otp import login as otp_login
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from patients.audit import audit_log
from patients.models import AuditEvent

DEVICE_NAME = "Authenticator-app"
RECOVERY_DEVICE_NAME = "Herstelcodes"
RECOVERY_CODE_COUNT = 10
# The alphabet of recovery codes: no 0/o, 1/l/i that are mixed up on paper.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 10  # about 49 bits each

# The URL names a session that passed only the password may still open.
PENDING_ALLOWED = frozenset({"login", "login-code", "login-setup", "logout"})


# --- Reads -------------------------------------------------------------------------------

def two_factor_required() -> bool:
    """Whether logging in asks a second factor (always, unless a first look switched it off)."""
    return bool(settings.TWO_FACTOR_REQUIRED)


def confirmed_device(user) -> TOTPDevice | None:
    """The user's authenticator app, once set up; None before (or after a reset)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def is_verified(request: HttpRequest) -> bool:
    """Whether this session passed the second factor (OTPMiddleware set ``is_verified``)."""
    user = request.user
    return bool(user.is_authenticated and getattr(user, "is_verified", lambda: False)())


def pending_step_url(user, next_url: str = "") -> str:
    """Where a session that passed only the password goes: the code step, or the setup
    step when the user has no authenticator app yet; ``next_url`` travels along."""
    name = "login-code" if confirmed_device(user) else "login-setup"
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def safe_next(request: HttpRequest, fallback: str = "/") -> str:
    """The ``next`` of the request when it stays on this site, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def totp_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code an authenticator app shows for ``device`` at Unix time ``at`` (now)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def totp_next_code(device: TOTPDevice, *, at: float | None = None) -> str | None:
    """A code ``device`` accepts at ``at`` (now) that no earlier login used: the one the app
    shows, or the next window's when that one was used already (a test logging in twice
    within 30 seconds); None when both were used (wait for the next window)."""
    now = time.time() if at is None else at
    current = int((now - device.t0) // device.step) + device.drift
    for counter in (current, current + 1):
        if counter > device.last_t:
            return f"{hotp(device.bin_key, counter, device.digits):0{device.digits}d}"
    return None


def secret_for_typing(device: TOTPDevice) -> str:
    """The device's key in base32 as apps ask it when typed in, in groups of four."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The setup link as an inline SVG QR code (no script, no external image: fits the CSP)."""
    # A viewBox and no fixed size: the stylesheet sets the width (static/css/app.css).
    return segno.make(device.config_url, error="m").svg_inline(
        border=2, omitsize=True, title=_("QR code for the authenticator app"))


# --- Writes ------------------------------------------------------------------------------

def totp_device_for(user, confirmed: bool = True) -> TOTPDevice:
    """The user's authenticator device, created when missing.

    ``confirmed=True``: the device in use (tests, the demo and the load benchmark make
    one this way to log in without the setup step). ``confirmed=False``: the device being
    set up, whose key the setup page shows until a code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=confirmed)
    return device


def _recovery_hash(code: str) -> str:
    """What is stored of a recovery code: a keyed hash (16 hex digits fit django-otp's
    token column), so the table alone does not give the codes away."""
    normal = "".join(ch for ch in code.lower() if ch.isalnum())
    return salted_hmac("benzoproject.twofactor.recovery", normal).hexdigest()[:16]


def _format_recovery(code: str) -> str:
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


@transaction.atomic
def recovery_codes_new(*, user, audit: bool = True) -> list[str]:
    """Ten new recovery codes for ``user``; the old ones stop working. Returns the codes
    (shown once; only their hashes are kept)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
             for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=_recovery_hash(code)) for code in codes)
    if audit:
        audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=user, object_type="account",
                  detail="new recovery codes made")
    return [_format_recovery(code) for code in codes]


class SecondFactorRefused(Exception):
    """The code was wrong, used before, or too many wrong codes came in a row."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _check_allowed(device) -> None:
    """Refuses while django-otp's throttle holds the device (1, 2, 4, … seconds after
    each wrong code in a row)."""
    allowed, _why = device.verify_is_allowed()
    if not allowed:
        raise SecondFactorRefused(_("Too many wrong codes in a row. Wait a minute and try "
                                    "again."))


def totp_setup_confirm(*, user, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the device being set up with a code from the app: the device is in use and
    ten recovery codes are made (returned, to show once). Raises
    :class:`SecondFactorRefused` when the code is wrong."""
    if device.user_id != user.pk or device.confirmed:
        raise SecondFactorRefused(_("This set-up has already been finished. Log in again."))
    _check_allowed(device)
    # Outside a transaction: a wrong code's throttle step must be kept.
    if not device.verify_token("".join(code.split())):
        raise SecondFactorRefused(_("This code is not right. Type the six digits the app "
                                    "shows now for Benzoreductie."))
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = recovery_codes_new(user=user, audit=False)
        audit_log(user=user, action=AuditEvent.Action.CREATE, obj=user,
                  object_type="account",
                  detail="two-factor authentication set up, recovery codes made")
    return codes


def second_factor_check(*, user, code: str):
    """The device that accepts ``code``: six digits are checked against the authenticator
    app, anything else as a recovery code (which then stops working). Raises
    :class:`SecondFactorRefused` with a Dutch message otherwise. Passed and refused tries
    both go into the access log (a refused one may be someone who has the password)."""
    typed = "".join(code.split())
    if typed.isdigit() and len(typed) == 6:
        device = confirmed_device(user)
        token = typed
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
        token = _recovery_hash(typed)
    try:
        if device is None:
            raise SecondFactorRefused(_("This code is not right. Type the six digits your app "
                                        "shows now, or one of your recovery codes."))
        _check_allowed(device)
        verified = verify_token(user, device.persistent_id, token)
        if verified is None:
            raise SecondFactorRefused(_("This code is not right, or it was used already. Type "
                                        "the six digits your app shows now, or one of your "
                                        "recovery codes."))
    except SecondFactorRefused:
        _log_second_factor(user, "second factor refused")
        raise
    if isinstance(verified, StaticDevice):
        _log_second_factor(user, f"recovery code used, {recovery_codes_left(user)} left")
    else:
        _log_second_factor(user, "second factor passed")
    return verified


def _log_second_factor(user, detail: str) -> None:
    audit_log(user=user, action=AuditEvent.Action.LOGIN, obj=user, object_type="account",
              detail=detail)


def session_pass(request: HttpRequest, device) -> None:
    """Mark this session as having passed the second factor (a new session key, so an
    identifier seen before the code step is worth nothing after it)."""
    request.session.cycle_key()
    otp_login(request, device)


@transaction.atomic
def two_factor_reset(*, user, by) -> None:
    """Remove ``user``'s authenticator app and recovery codes (the beheerder, when a phone
    is lost): at the next login the user sets the app up again. Sessions that passed the
    second factor with the removed device fall back to the code step."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_log(user=by, action=AuditEvent.Action.CHANGE, obj=user, object_type="account",
              detail=f"two-factor authentication reset for {user.get_username()}")


# --- Helpers for tests, the demo and the load benchmark ----------------------------------

def session_verify(client_or_session: Any, device) -> None:
    """Mark a logged-in test client's session (``django.test.Client`` after
    ``force_login``), or a session store, as having passed ``device``."""
    session = (client_or_session if isinstance(client_or_session, SessionBase)
               else client_or_session.session)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def verified_session(user) -> SessionBase:
    """A stored session of ``user`` that passed the password and the second factor, for a
    client outside Django's test client (send its ``session_key`` as the session cookie)."""
    from importlib import import_module

    store: SessionBase = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session_verify(store, totp_device_for(user))
    return store


# --- Enforcement -------------------------------------------------------------------------

class TwoFactorMiddleware:
    """A session that passed only the password reaches the code step (or the setup step)
    and the logout, nothing else: pages are redirected there (a GET keeps its address as
    ``next``), htmx requests get 403 with ``HX-Redirect``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (two_factor_required() and request.user.is_authenticated
                and not is_verified(request) and not _pending_allowed(request)):
            next_url = request.get_full_path() if request.method == "GET" else ""
            target = pending_step_url(request.user, next_url)
            if request.headers.get("HX-Request") == "true":
                return HttpResponse(status=403, headers={"HX-Redirect": target})
            return HttpResponseRedirect(target)
        return self.get_response(request)


def _pending_allowed(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.view_name in PENDING_ALLOWED


def two_factor_context(request: HttpRequest) -> dict[str, bool]:
    """Template context: ``two_factor_off`` puts the first-look banner on every page."""
    return {"two_factor_off": not two_factor_required()}
