"""The audit trail (NEN 7513)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .clinical_data import Patient
from .organisation import Practice


class AuditEvent(models.Model):
    """Append-only log of who opened or changed what (NEN 7513).

    Rows are never updated or deleted: the application only inserts, and on
    PostgreSQL a trigger refuses UPDATE and DELETE, and the app's database role may only
    insert and read (docs/security.md). Each row carries ``hash``, chained to the row
    before it (``prev_hash``; patients/auditchain.py), so that a change made past all that
    is found by ``manage.py audit_verify``.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        CREATE = "create", _("created")
        CHANGE = "change", _("changed")
        DELETE = "delete", _("deleted")
        EXPORT = "export", _("exported")
        LOGIN = "login", _("logged in")
        LOGOUT = "logout", _("logged out")
        LOGIN_FAILED = "login_failed", _("login failed")
        LOCKOUT = "lockout", _("locked out")

    # Set by patients/audit.py before the hash is taken (auto_now_add would set it later).
    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                             related_name="+")
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=64, blank=True)
    practice = models.ForeignKey(Practice, null=True, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, null=True, on_delete=models.PROTECT, related_name="+")
    detail = models.CharField(max_length=300, blank=True)
    client_address = models.GenericIPAddressField(null=True)
    # The role the user acted in (their membership of the practice at the time); empty for
    # events outside a practice (the admin, a command, a failed login).
    role = models.CharField(max_length=20, blank=True)
    # The hash chain (patients/auditchain.py): SHA-256 hex of this event's content and
    # prev_hash, the hash of the event before it.
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["patient", "at"]), models.Index(fields=["practice", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        if not self.hash:
            # An event outside the chain would show as a break at the next verification.
            raise ValueError("Audit events are written through patients.audit.audit_log.")
        super().save(*args, **kwargs)


class AuditEventPatient(models.Model):
    """A patient a list, search, export or merged PDF showed: one row per patient per event.

    A page about one patient names it on the event itself (``AuditEvent.patient``); a page
    that shows many names each here, so "who has seen this record" finds list views too.
    Append-only like the events.
    """

    event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="shown")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("patient shown")
        verbose_name_plural = _("patients shown")
        indexes = [models.Index(fields=["patient", "event"])]

    def __str__(self) -> str:
        return f"{self.event_id} {self.patient_id}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)


class AuditCheckpoint(models.Model):
    """The chain verified up to an event: its id, its hash and the number of events up to it.

    Written by the daily verification when the chain is intact; append-only like the log. A
    later verification checks that every checkpoint's event is still there with the same
    hash, so removing the newest events (which no later link covers) is found too.
    """

    at = models.DateTimeField(default=timezone.now)
    # No foreign key: a removed event must leave its checkpoint behind as evidence.
    last_event_id = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    events = models.BigIntegerField()

    class Meta:
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")
        ordering = ["-last_event_id"]

    def __str__(self) -> str:
        return f"{self.last_event_id} {self.hash[:12]}"


class AuditChainAlert(models.Model):
    """A break in the access log's chain found by the daily check: shown to the beheerder
    on the start page until one of them acknowledges it."""

    found_at = models.DateTimeField(default=timezone.now)
    event_id = models.BigIntegerField(null=True)  # the first event whose link is broken
    problem = models.CharField(max_length=300)
    acknowledged_at = models.DateTimeField(null=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                        on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("audit chain alert")
        verbose_name_plural = _("audit chain alerts")
        ordering = ["-found_at"]

    def __str__(self) -> str:
        return f"{self.found_at:%Y-%m-%d} {self.problem}"
