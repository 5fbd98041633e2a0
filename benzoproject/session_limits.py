"""Sessions end when idle, when old, and when the account is disabled.

``SessionLimitsMiddleware`` keeps the time of the login and of the last request in the
session. A session SESSION_IDLE_SECONDS after its last request, or SESSION_MAX_SECONDS after
its login, is logged out before the view runs; the view then sends the user to the login page,
where a Dutch message says why. The last request is written at most once a minute
(ACTIVITY_RESOLUTION_SECONDS), so a page does not write its session on every request; an idle
session therefore ends up to a minute early, never late. The session cookie itself ends when
the browser closes (SESSION_EXPIRE_AT_BROWSER_CLOSE).

Disabling an account (``is_active`` false, in the admin or anywhere else that saves the user)
deletes that user's session rows at once; Django's ModelBackend also refuses an inactive
user's session on its next request, which covers a bulk ``update()`` that sends no signal.
"""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

LOGIN_AT = "_login_at"
SEEN_AT = "_seen_at"
ACTIVITY_RESOLUTION_SECONDS = 60


@receiver(user_logged_in)
def _note_login(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[LOGIN_AT] = request.session[SEEN_AT] = now


def session_end_reason(session: Any, now: float) -> str | None:
    """Why the session has ended at ``now`` (Dutch), or None while it is still valid."""
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if login_at is None or seen_at is None:
        return None
    if now - login_at >= settings.SESSION_MAX_SECONDS:
        return _("You were logged out because you have been logged in for %(hours)s hours. "
                 "Log in again to continue.") % {
            "hours": round(settings.SESSION_MAX_SECONDS / 3600)}
    if now - seen_at >= settings.SESSION_IDLE_SECONDS:
        return _("You were logged out because nothing happened for %(minutes)s minutes. "
                 "Log in again to continue.") % {
            "minutes": round(settings.SESSION_IDLE_SECONDS / 60)}
    return None


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            session, now = request.session, time.time()
            reason = session_end_reason(session, now)
            if reason is not None:
                logout(request)  # flushes the session; the logout is audited
                messages.warning(request, reason)
            elif session.get(LOGIN_AT) is None:
                # A session from before these limits: they count from now.
                session[LOGIN_AT] = session[SEEN_AT] = now
            elif now - session[SEEN_AT] >= ACTIVITY_RESOLUTION_SECONDS:
                session[SEEN_AT] = now
        return self.get_response(request)


def sessions_end_for(user: Any) -> int:
    """Delete every live session row of ``user``; returns how many."""
    user_id = str(user.pk)
    keys = [s.session_key for s in Session.objects.filter(expire_date__gt=timezone.now())
            if s.get_decoded().get("_auth_user_id") == user_id]
    Session.objects.filter(session_key__in=keys).delete()
    return len(keys)


@receiver(post_save, sender=get_user_model())
def _end_sessions_of_disabled_user(sender: object, instance: Any, created: bool,
                                   update_fields: frozenset[str] | None = None,
                                   **kwargs: Any) -> None:
    # A new user has no session; a save of other fields only (last_login) changes nothing.
    if created or (update_fields is not None and "is_active" not in update_fields):
        return
    if not instance.is_active:
        sessions_end_for(instance)
