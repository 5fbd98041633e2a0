"""Patients linked across the two sources: the HIS's patient and the pharmacy's patient
confirmed by a person to be the same person (docs/domain.md#his-and-pharmacy)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .clinical_data import Patient
from .organisation import Practice


class PatientLinkDecision(models.TextChoices):
    LINKED = "linked", _("the same person")
    REJECTED = "rejected", _("not the same person")


class PatientLink(models.Model):
    """A person's decision on one HIS patient and one pharmacy patient of a practice.

    ``linked``: the two are the same person, so the pharmacy's dispensings are compared
    with the HIS's prescriptions and may be combined in the groslijst. ``rejected``: a
    suggested pair that is not the same person; it is not suggested again. A decision is
    undone by setting ``undone_at`` (the row is kept, so the history stays readable); only
    decisions not undone count, and a patient has at most one such link.
    """

    Decision = PatientLinkDecision

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT,
                                 related_name="patient_links")
    his_patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("patient in the HIS"))
    pharmacy_patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+",
                                         verbose_name=_("patient at the pharmacy"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices,
                                default=Decision.LINKED)
    decided_at = models.DateTimeField(_("decided on"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    undone_at = models.DateTimeField(_("undone on"), null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("patient link")
        verbose_name_plural = _("patient links")
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["his_patient"],
                                    condition=Q(decision="linked", undone_at__isnull=True),
                                    name="one_link_per_his_patient"),
            models.UniqueConstraint(fields=["pharmacy_patient"],
                                    condition=Q(decision="linked", undone_at__isnull=True),
                                    name="one_link_per_pharmacy_patient"),
            models.UniqueConstraint(fields=["his_patient", "pharmacy_patient"],
                                    condition=Q(undone_at__isnull=True),
                                    name="one_decision_per_pair"),
            models.CheckConstraint(condition=Q(decision__in=PatientLinkDecision.values),
                                   name="patientlink_decision_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.his_patient} ~ {self.pharmacy_patient} ({self.get_decision_display()})"

    @property
    def decided_by_name(self) -> str:
        """Who decided, for the history; "—" when nobody is recorded (made outside the app)."""
        return _name(self.decided_by)

    @property
    def undone_by_name(self) -> str:
        return _name(self.undone_by)


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else "—"
