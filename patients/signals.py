"""Logins, logouts and changes of access go into the audit log with the rest (NEN 7513).

Memberships are written by the admin (its own form and the practice's inline), by commands
and by the demo, not by one service: a signal on the model is the one place that sees every
grant, change and removal (docs/security.md#least-privilege)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from benzoproject.middleware import acting_user

from .audit import audit_log
from .membership_log import membership_change_log
from .models import AuditEvent, Membership, Practice

STORED = "_stored_before_save"


@receiver(user_logged_in)
def _log_login(sender, request, user, **kwargs) -> None:
    audit_log(user=user, action=AuditEvent.Action.LOGIN, object_type="session")


@receiver(user_logged_out)
def _log_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_log(user=user, action=AuditEvent.Action.LOGOUT, object_type="session")


@receiver(pre_save, sender=Membership)
def _membership_before(sender, instance: Membership, raw: bool, **kwargs) -> None:
    """Remember the row as stored, so the change can name the role it had."""
    stored = None if raw or instance.pk is None else (
        Membership.objects.filter(pk=instance.pk)
        .values("user__username", "user_id", "practice_id", "role").first())
    setattr(instance, STORED, stored)


@receiver(post_save, sender=Membership)
def _membership_saved(sender, instance: Membership, created: bool, raw: bool,
                      **kwargs) -> None:
    if raw:  # loaddata: the rows' users and practices may not be there yet
        return
    stored = getattr(instance, STORED, None)
    user = acting_user()
    old_role = None
    if stored is not None:
        if (stored["user_id"], stored["practice_id"]) == (instance.user_id,
                                                           instance.practice_id):
            old_role = stored["role"]
        else:  # moved to another user or practice: removed there, granted here
            membership_change_log(
                user=user, membership=instance,
                practice=Practice.objects.get(pk=stored["practice_id"]),
                member=stored["user__username"], old_role=stored["role"], new_role=None)
    membership_change_log(user=user, membership=instance, practice=instance.practice,
                          member=instance.user.get_username(), old_role=old_role,
                          new_role=instance.role)


@receiver(post_delete, sender=Membership)
def _membership_deleted(sender, instance: Membership, **kwargs) -> None:
    membership_change_log(user=acting_user(), membership=instance, practice=instance.practice,
                          member=instance.user.get_username(), old_role=instance.role,
                          new_role=None)
