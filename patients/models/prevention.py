"""Prevention: the agreement a GP makes with a new starter (docs/domain.md#new-starters).

A new starter is computed from the prescriptions (``patients/new_starters.py``); only the
agreement is stored. The agreement row is also the queue of its own reminder: the sweep
of timed steps claims a row whose stop or review date has come and that has not been
reminded (``reminded_at``), e-mails the GP and sets ``reminded_at`` in one transaction
(``patients/prevention_services.py``, docs/architecture.md#due-items). New starters are
outside any project, so the project-bound ``DueItem`` is not used.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .clinical_data import Patient
from .organisation import Practice

DURATION_WEEKS_MAX = 104


class AgreementEnd(models.TextChoices):
    STOP = "stop", _("stop date")
    REVIEW = "review", _("review date")


class StarterAgreement(models.Model):
    """What the GP agreed with a new starter when the benzodiazepine was started: how long,
    when it stops or is reviewed, what else was offered, and a note."""

    End = AgreementEnd

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT,
                                 related_name="starter_agreements")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT,
                                related_name="starter_agreements")
    # The first prescription the agreement is about (the new start the list showed).
    started_on = models.DateField(_("first prescription on"))
    duration_weeks = models.PositiveSmallIntegerField(_("intended duration in weeks"),
                                                      null=True, blank=True)
    duration_text = models.CharField(_("intended duration in words"), max_length=100,
                                     blank=True)
    end_kind = models.CharField(_("agreed"), max_length=10, choices=End.choices,
                                default=End.REVIEW)
    end_on = models.DateField(_("stop or review date"))
    offered_sleep_hygiene = models.BooleanField(_("sleep hygiene advice"), default=False)
    offered_cbti = models.BooleanField(_("CBT for insomnia or an online course"),
                                       default=False)
    offered_poh_consult = models.BooleanField(_("consult with the POH-GGZ"), default=False)
    offered_other = models.CharField(_("something else offered"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    # The GP responsible: the one who recorded it; the reminder goes to them.
    gp = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                           related_name="starter_agreements")
    recorded_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    # Set by the sweep on (or after) ``end_on``: the reminder has gone out.
    reminded_at = models.DateTimeField(null=True, blank=True)
    review_done_at = models.DateTimeField(_("review done on"), null=True, blank=True)
    review_done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("agreement with a new starter")
        verbose_name_plural = _("agreements with new starters")
        ordering = ["end_on", "id"]
        indexes = [models.Index(fields=["end_on"],
                                condition=Q(reminded_at__isnull=True,
                                            review_done_at__isnull=True),
                                name="starteragreement_to_remind")]
        constraints = [
            models.UniqueConstraint(fields=["patient", "started_on"],
                                    name="one_agreement_per_start"),
            models.CheckConstraint(condition=Q(end_kind__in=AgreementEnd.values),
                                   name="starteragreement_end_kind_valid"),
            models.CheckConstraint(condition=Q(end_on__gt=F("started_on")),
                                   name="starteragreement_end_after_start"),
            models.CheckConstraint(
                condition=~Q(duration_text="") | Q(duration_weeks__isnull=False),
                name="starteragreement_duration_given"),
            models.CheckConstraint(
                condition=Q(duration_weeks__isnull=True)
                | Q(duration_weeks__gte=1, duration_weeks__lte=DURATION_WEEKS_MAX),
                name="starteragreement_duration_weeks_range"),
        ]

    def __str__(self) -> str:
        return f"{self.patient} {self.started_on} → {self.end_on}"

    @property
    def offered(self) -> list[str]:
        """What else was offered, in words."""
        names = [str(field.verbose_name) for field in self._meta.concrete_fields
                 if field.name in ("offered_sleep_hygiene", "offered_cbti",
                                   "offered_poh_consult") and getattr(self, field.name)]
        return names + ([self.offered_other] if self.offered_other else [])

    @property
    def review_open(self) -> bool:
        return self.review_done_at is None
