"""Logins and logouts go into the audit log with the rest (NEN 7513)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from .audit import audit_log
from .models import AuditEvent


@receiver(user_logged_in)
def _log_login(sender, request, user, **kwargs) -> None:
    audit_log(user=user, action=AuditEvent.Action.LOGIN, object_type="session")


@receiver(user_logged_out)
def _log_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_log(user=user, action=AuditEvent.Action.LOGOUT, object_type="session")
