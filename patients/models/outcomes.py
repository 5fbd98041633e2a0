"""How a participation ended (docs/domain.md#outcomes), as data: the choices and the sets of
outcomes that need a reason or leave the evaluation's denominator. The status each outcome
moves to is in ``patients/workflow.py`` (``OUTCOME_STATUS``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ParticipationOutcome(models.TextChoices):
    """How a participation ended (docs/domain.md, outcomes); feeds the evaluation (step 9)."""

    STOPPED = "stopped", _("stopped")
    REDUCED = "reduced", _("reduced")
    UNCHANGED = "unchanged", _("unchanged")
    DECLINED = "declined", _("declined")
    NOT_REACHED = "not_reached", _("not reached")
    REFERRED = "referred", _("referred elsewhere")
    DIED = "died", _("died")
    MOVED = "moved", _("moved")
    LEFT_PRACTICE = "left_practice", _("left the practice")


# Outcomes that take the patient out of the evaluation's denominator (SPEC step 9: died,
# moved or changed practice).
OUTCOMES_OUT_OF_DENOMINATOR = frozenset({ParticipationOutcome.DIED, ParticipationOutcome.MOVED,
                                         ParticipationOutcome.LEFT_PRACTICE})
# Outcomes that need a reason (why declined, why unchanged, referred to whom).
OUTCOMES_NEEDING_REASON = frozenset({ParticipationOutcome.DECLINED,
                                     ParticipationOutcome.UNCHANGED,
                                     ParticipationOutcome.REFERRED})


class OutcomeFields(models.Model):
    """The outcome's fields of a participation (abstract; ``Participation`` has them), set
    only by ``patients.services.participation_outcome_set``; empty while it is open."""

    outcome = models.CharField(_("outcome"), max_length=20, blank=True,
                               choices=ParticipationOutcome.choices)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    outcome_reason = models.CharField(_("reason"), max_length=300, blank=True)
    outcome_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True

    @property
    def in_evaluation(self) -> bool:
        """False for died, moved and left the practice: out of the evaluation's denominator."""
        return self.outcome not in OUTCOMES_OUT_OF_DENOMINATOR
