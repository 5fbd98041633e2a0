"""The timed steps of the project workflow: due items, swept by a beat job
(docs/domain.md#timed-steps)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .projects import Participation, Project


class DueItemKind(models.TextChoices):
    WAIT_ENDS = "wait_ends", _("wait period ends")
    CALL_LATER = "call_later", _("call again later, as agreed")
    ASK_AGAIN = "ask_again", _("ask again whether the patient wants to reduce")
    # No longer made: replaced by FINAL_EVALUATION (migration 0021 turned the open ones
    # into final evaluations); kept so earlier, done items keep their label.
    PROJECT_END = "project_end", _("project ends: evaluation due")
    # Swept: takes the monthly snapshot of the month that just ended and moves on to the
    # next 1st (monitoring/snapshot_due.py; docs/domain.md#snapshots).
    MONTHLY_SNAPSHOT = "monthly_snapshot", _("monthly evaluation snapshot")
    # A reminder for the project lead at the planned start + 9 or 12 months.
    FINAL_EVALUATION = "final_evaluation", _("final evaluation due")
    # A tapering schedule's next step begins (swept: it makes the reminder below and moves
    # on to the step after; docs/domain.md#tapering-schedules).
    TAPER_STEP = "taper_step", _("next step of the tapering schedule")
    # A reminder for the project lead: contact the patient about the step just begun.
    MONITOR_CONTACT = "monitor_contact", _("monitoring contact: step of the tapering schedule")


# The project-level kinds of which a project has at most one open item.
PROJECT_DUE_KINDS = [DueItemKind.MONTHLY_SNAPSHOT.value, DueItemKind.FINAL_EVALUATION.value]


class DueItem(models.Model):
    """Something that waits for time: a due date on a row, swept by a beat job.

    docs/domain.md#timed-steps: the database row is the queue. A sweep claims a row
    (``SELECT ... FOR UPDATE SKIP LOCKED``), moves it on and sets ``done_at`` in
    one transaction, so a second sweep finds nothing left to do.
    """

    Kind = DueItemKind

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    due_on = models.DateField(_("due on"))
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="due_items")
    participation = models.ForeignKey(Participation, null=True, blank=True,
                                      on_delete=models.CASCADE, related_name="due_items")
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="due_items")
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("due item")
        verbose_name_plural = _("due items")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["due_on"], condition=Q(done_at__isnull=True,
                                                              cancelled_at__isnull=True),
                                name="dueitem_open_by_date")]
        constraints = [
            # One open item of a kind per participation: scheduling twice is harmless.
            models.UniqueConstraint(fields=["participation", "kind"],
                                    condition=Q(done_at__isnull=True, cancelled_at__isnull=True),
                                    name="one_open_due_item_per_kind"),
            # And one open monthly snapshot and final evaluation per project (the NULL
            # participation above never collides), so scheduling them twice is harmless.
            models.UniqueConstraint(fields=["project", "kind"],
                                    condition=Q(participation__isnull=True, done_at__isnull=True,
                                                cancelled_at__isnull=True,
                                                kind__in=PROJECT_DUE_KINDS),
                                    name="one_open_project_due_item_per_kind"),
            models.CheckConstraint(condition=Q(kind__in=DueItemKind.values),
                                   name="dueitem_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.due_on} {self.get_kind_display()}"
