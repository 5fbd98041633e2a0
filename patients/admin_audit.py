"""Changes made in the Django admin go into the access log (NEN 7513; docs/security.md).

Every add, change and delete in the admin leaves Django's ``LogEntry``; each becomes an
audit event naming the object and the change message, in the role ``admin``. A single
entry is saved (``post_save``); the admin's "delete selected" action writes several at once
(``bulk_create``, no signal), so that action is wrapped to log what it wrote.

Memberships are left out here: their own signals log every change to them, made in the
admin or anywhere else (object type ``membership``), so an entry is never written twice.
"""

from django.contrib import admin
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db.models.signals import post_save
from django.dispatch import receiver

from .audit import ADMIN_ROLE, audit_log
from .models import AuditEvent, Practice

LEFT_TO_THEIR_OWN_SIGNALS = {"membership"}
ACTIONS = {ADDITION: AuditEvent.Action.CREATE, CHANGE: AuditEvent.Action.CHANGE,
           DELETION: AuditEvent.Action.DELETE}


def audit_admin_entry(entry: LogEntry) -> AuditEvent | None:
    """The audit event of one admin log entry (None for a membership: logged elsewhere)."""
    model = entry.content_type.model if entry.content_type is not None else ""
    if model in LEFT_TO_THEIR_OWN_SIGNALS:
        return None
    practice = None
    if model == Practice._meta.model_name and entry.action_flag != DELETION:
        practice = Practice.objects.filter(pk=entry.object_id or 0).first()
    message = entry.get_change_message() or entry.object_repr
    return audit_log(user=entry.user, action=ACTIONS.get(entry.action_flag, "change"),
                     practice=practice, object_type=model or "admin",
                     object_id=str(entry.object_id or "")[:64], role=ADMIN_ROLE,
                     detail=f"admin: {entry.object_repr}: {message}")


@receiver(post_save, sender=LogEntry)
def _log_admin_entry(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    if created:
        audit_admin_entry(instance)


@admin.action(permissions=["delete"],
              description=delete_selected.short_description)  # type: ignore[attr-defined]
def delete_selected_logged(modeladmin, request, queryset):
    """Django's "delete selected", whose several log entries (written in one query, without
    a signal) become audit events too. One entry was saved alone and is logged already."""
    last = LogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = delete_selected(modeladmin, request, queryset)
    entries = list(LogEntry.objects.filter(id__gt=last, user_id=request.user.pk,
                                           action_flag=DELETION)
                   .select_related("content_type", "user"))
    if len(entries) > 1:
        for entry in entries:
            audit_admin_entry(entry)
    return response


admin.site.add_action(delete_selected_logged, "delete_selected")
