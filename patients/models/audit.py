"""The audit trail (NEN 7513)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .clinical_data import Patient
from .organisation import Practice


class AuditEvent(models.Model):
    """Append-only log of who opened or changed what (NEN 7513).

    Rows are never updated or deleted: the application only inserts, and on
    PostgreSQL a trigger refuses UPDATE and DELETE.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        CREATE = "create", _("created")
        CHANGE = "change", _("changed")
        DELETE = "delete", _("deleted")
        EXPORT = "export", _("exported")
        LOGIN = "login", _("logged in")
        LOGOUT = "logout", _("logged out")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                             related_name="+")
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=64, blank=True)
    practice = models.ForeignKey(Practice, null=True, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, null=True, on_delete=models.PROTECT, related_name="+")
    detail = models.CharField(max_length=300, blank=True)
    client_address = models.GenericIPAddressField(null=True)
    # The role the user acted in (their membership of the practice at the time); empty for
    # events outside a practice (the admin, a command, a failed login).
    role = models.CharField(max_length=20, blank=True)

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
