"""The project workflow: projects, the plan of approach, participations and screening (their
timed steps are in ``due_items.py``)."""

import uuid
from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..clinical import DDD_THRESHOLD_CHOICES
from .clinical_data import Patient
from .organisation import Practice, Role
from .outcomes import OutcomeFields, ParticipationOutcome


class ProjectCriterion(models.TextChoices):
    RECENT_AND_PAST = "recent_and_past", _("Recent and past prescription (HIS route)")
    OVER_90_UNITS = "over_90_units", _("More than 90 units in 12 months (pharmacy route)")
    EITHER = "either", _("Either criterion")


class GroslijstSource(models.TextChoices):
    """Which prescriptions the groslijst counts (docs/domain.md#his-and-pharmacy)."""

    COMBINED = "combined", _("HIS and pharmacy combined")
    HIS = "his", _("HIS prescriptions only")
    APOTHEEK = "apotheek", _("pharmacy dispensings only")


# The shortest wait period after mailing: a month (docs/domain.md, step 5).
WAIT_DAYS_MIN = 30
WAIT_DAYS_MESSAGE = _("The wait period is at least %(limit_value)s days: patients get a month "
                      "to read the letter and to start on their own.")


class ProjectStatus(models.TextChoices):
    PREPARING = "preparing", _("In preparation")
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Closed")


class EvaluationMonths(models.IntegerChoices):
    """When the final evaluation is due: project month 9 or 12 after the planned start
    (docs/domain.md#timed-steps, ``final_evaluation``)."""

    NINE = 9, _("after 9 months")
    TWELVE = 12, _("after 12 months")


class Project(models.Model):
    """A reduction project of one practice: its plan, targets and call-back rules."""

    Criterion = ProjectCriterion
    Source = GroslijstSource
    Status = ProjectStatus
    EvaluationMonths = EvaluationMonths

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="projects")
    name = models.CharField(_("name"), max_length=200)
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("project lead"),
                             on_delete=models.PROTECT, related_name="led_projects")
    gps = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("GPs"), blank=True,
                                 related_name="gp_projects")
    assistants = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("assistants"),
                                        blank=True, related_name="assistant_projects")
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    # At least a month, as the POH-GGZ guide says (docs/domain.md, step 5).
    wait_days = models.PositiveSmallIntegerField(
        _("wait period (days)"), default=30,
        validators=[MinValueValidator(WAIT_DAYS_MIN, message=WAIT_DAYS_MESSAGE)],
        help_text=_("Days between mailing the letters and the first call-back; at least 30."))
    letter_target = models.PositiveSmallIntegerField(
        _("letters"), default=10, validators=[MinValueValidator(1), MaxValueValidator(1000)])
    reserve_target = models.PositiveSmallIntegerField(
        _("reserves"), default=10, validators=[MaxValueValidator(1000)])
    criterion = models.CharField(_("groslijst criterion"), max_length=20,
                                 choices=Criterion.choices, default=Criterion.RECENT_AND_PAST)
    groslijst_source = models.CharField(
        _("groslijst from"), max_length=10, choices=GroslijstSource.choices,
        default=GroslijstSource.COMBINED,
        help_text=_("Both: a pharmacy patient linked to a HIS patient counts as that patient, "
                    "and a dispensing that matches a HIS prescription counts once."))
    ddd_threshold = models.PositiveSmallIntegerField(
        _("DDD per day flag above"), default=1, choices=DDD_THRESHOLD_CHOICES)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PREPARING)
    # Call-back rules (docs/domain.md, step 6) and the pace of consult invitations (issue #6).
    call_attempts_max = models.PositiveSmallIntegerField(
        _("call attempts before 'not reached'"), default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)])
    call_retry_workdays = models.PositiveSmallIntegerField(
        _("working days between call attempts"), default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)])
    call_later_months = models.PositiveSmallIntegerField(
        _("'call again later' after (months)"), default=2,
        validators=[MinValueValidator(1), MaxValueValidator(12)])
    callbacks_per_week = models.PositiveSmallIntegerField(
        _("call-backs per week"), default=0, validators=[MaxValueValidator(200)],
        help_text=_("Spread the call-backs (and the consult invitations that follow) over the "
                    "weeks: at most this many patients enter the call-back list per week. "
                    "0 = all at once when their wait period ends."))
    evaluation_months = models.PositiveSmallIntegerField(
        _("final evaluation"), choices=EvaluationMonths.choices,
        default=EvaluationMonths.TWELVE,
        help_text=_("The project lead gets a reminder to make the final evaluation this many "
                    "months after the planned start."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-planned_start", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ProjectStatus.values),
                                   name="project_status_valid"),
            models.CheckConstraint(condition=Q(criterion__in=ProjectCriterion.values),
                                   name="project_criterion_valid"),
            models.CheckConstraint(condition=Q(groslijst_source__in=GroslijstSource.values),
                                   name="project_groslijst_source_valid"),
            models.CheckConstraint(condition=Q(planned_end__gt=models.F("planned_start")),
                                   name="project_ends_after_start"),
            models.CheckConstraint(condition=Q(evaluation_months__in=EvaluationMonths.values),
                                   name="project_evaluation_months_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("patients:project-detail", kwargs={"project_uuid": self.uuid})

    def month_number(self, today: date) -> int:
        """Project month of ``today``: 1 in the month of the planned start."""
        start = self.planned_start
        return (today.year - start.year) * 12 + today.month - start.month + 1


class PlanMilestone(models.TextChoices):
    """What the app can see happen, so it checks off the plan steps that carry it
    (docs/domain.md, step 1, "Steps the app checks off")."""

    IMPORTED = "imported", _("prescriptions imported")
    GROSLIJST = "groslijst", _("groslijst made (patients put into screening)")
    SCREENED = "screened", _("screening finished")
    MAILED = "mailed", _("stop letters mailed")
    CALLED = "called", _("call-backs done")
    EVALUATED = "evaluated", _("final evaluation made")


class PlanStep(models.Model):
    """One line of the plan of approach: what, how, who, when (project month).

    A step with a ``milestone`` is checked off by the app when that milestone is
    reached (``done_on`` set, ``done_by`` empty); anyone allowed may still check it
    off or reopen it by hand.
    """

    Milestone = PlanMilestone

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="plan_steps")
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(15)])
    what = models.CharField(_("what"), max_length=200)
    how = models.TextField(_("how"), blank=True)
    who = models.CharField(_("who"), max_length=20, choices=Role.choices)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    milestone = models.CharField(
        _("checked off by the app when"), max_length=20, choices=Milestone.choices, blank=True,
        help_text=_("Leave empty for a step the app cannot see done."))

    class Meta:
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")
        ordering = ["month", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(who__in=Role.values), name="planstep_who_valid"),
            models.CheckConstraint(condition=Q(milestone__in=["", *PlanMilestone.values]),
                                   name="planstep_milestone_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.month}: {self.what}"

    @property
    def done_by_app(self) -> bool:
        """Checked off by the app (a milestone), not by a person."""
        return self.done_on is not None and self.done_by_id is None

    def project_url(self) -> str:
        return self.project.get_absolute_url()


class ParticipationStatus(models.TextChoices):
    TO_SCREEN = "to_screen", _("to screen")
    EXCLUDED = "excluded", _("excluded")
    APPROVED = "approved", _("approached, not on a list yet")
    MAILING = "mailing", _("mailing list")
    RESERVE = "reserve", _("reserve list")
    LETTER_SENT = "letter_sent", _("letter sent")
    CALLBACK_DUE = "callback_due", _("call back")
    NOT_REACHED = "not_reached", _("not reached")
    CALL_LATER = "call_later", _("call again later")
    CONSULT_PLANNED = "consult_planned", _("consult planned")
    DECLINED = "declined", _("does not want to reduce now")
    # Referred elsewhere after a consult (addiction care, mental-health care, ...): step 7.
    REFERRED = "referred", _("referred elsewhere")
    TAPERING = "tapering", _("tapering")
    STOPPED = "stopped", _("stopped")
    REDUCED = "reduced", _("reduced")
    UNCHANGED = "unchanged", _("unchanged")
    LEFT = "left", _("left the practice")


class Participation(OutcomeFields):
    """One patient in one project, with a status (docs/architecture.md, the participation).

    Every change of status goes through ``patients.workflow.participation_move``,
    which checks the move against ``TRANSITIONS`` there and writes a
    ``ParticipationEvent`` (the timeline) and an audit event in one transaction.
    """

    Status = ParticipationStatus

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.PROTECT,
                                related_name="participations")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT,
                                related_name="participations")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.TO_SCREEN)
    status_changed_at = models.DateTimeField(_("status since"), null=True, blank=True)
    reference_date = models.DateField(_("groslijst reference date"))
    # Place on the mailing or reserve list (1 = first); empty elsewhere.
    rank = models.PositiveIntegerField(_("place on the list"), null=True, blank=True)
    # The POH-GGZ may prepare a proposal; only a GP decides (docs/domain.md, step 3).
    proposal = models.CharField(_("proposal"), max_length=20, blank=True)
    proposal_reason = models.CharField(_("proposed reason"), max_length=30, blank=True)
    proposal_note = models.CharField(_("proposal note"), max_length=500, blank=True)
    proposal_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    # Set once, when the print run with this patient's stop letter is marked mailed;
    # the wait period counts from it (docs/domain.md, steps 4 and 5).
    letter_sent_on = models.DateField(_("letter sent on"), null=True, blank=True)
    # When the patient responded on their own (phoned after the letter).
    responded_at = models.DateTimeField(_("responded on"), null=True, blank=True)
    # The (evaluation) consult agreed with the patient.
    consult_at = models.DateTimeField(_("consult on"), null=True, blank=True)
    # In the call-back list (status call back): from this day on (docs/domain.md, step 6).
    next_call_on = models.DateField(_("call on"), null=True, blank=True)
    # Not reached: the project lead has taken a reserve in this patient's place, or declined to.
    reserve_handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["project", "patient"], name="one_participation"),
            models.CheckConstraint(condition=Q(status__in=ParticipationStatus.values),
                                   name="participation_status_valid"),
            models.CheckConstraint(condition=Q(outcome="") | Q(
                outcome__in=ParticipationOutcome.values, outcome_on__isnull=False),
                name="participation_outcome_valid"),
        ]
        indexes = [models.Index(fields=["project", "status", "rank"])]

    def __str__(self) -> str:
        return f"{self.patient} in {self.project}"

    @property
    def proposal_reason_label(self) -> str:
        return str(ExclusionReason(self.proposal_reason).label) if self.proposal_reason else ""


class ParticipationEvent(models.Model):
    """The participation's timeline: every step with when and who (docs/domain.md "each step ...
    records who did it and when")."""

    participation = models.ForeignKey(Participation, on_delete=models.CASCADE,
                                      related_name="events")
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.PROTECT, related_name="+",
                           help_text=_("Empty when the system moved it (a timed step)."))
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    what = models.CharField(_("what"), max_length=300)

    class Meta:
        verbose_name = _("participation event")
        verbose_name_plural = _("participation events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.what}"


class ExclusionReason(models.TextChoices):
    """Reasons not to approach a patient (docs/domain.md, step 3)."""

    OTHER_INDICATION = "other_indication", _(
        "other indication than sleep or anxiety (psychiatric treatment, addiction, epilepsy, "
        "serious comorbidity)")
    TERMINAL = "terminal", _("terminal illness")
    IMMOBILE = "immobile", _("immobile: cannot come to the practice")
    LANGUAGE = "language", _("insufficient command of Dutch or English")
    RECENT_CONSULT = "recent_consult", _("evaluation consult less than a month ago")
    RECENT_LETTER = "recent_letter", _("stop letter less than a year ago")
    HIGH_DDD = "high_ddd", _("more than the DDD limit per day")
    COMPLEX = "complex", _("complex comedication")
    OTHER = "other", _("other reason")


# Reasons that do not pass with time: a next project skips these patients by default.
LASTING_REASONS = frozenset({ExclusionReason.OTHER_INDICATION, ExclusionReason.TERMINAL,
                             ExclusionReason.IMMOBILE, ExclusionReason.LANGUAGE})


class ScreeningDecisionChoice(models.TextChoices):
    APPROACH = "approach", _("approach")
    EXCLUDE = "exclude", _("do not approach")


class ScreeningDecision(models.Model):
    """A GP's decision on one participation; an undone decision stays, marked undone."""

    Decision = ScreeningDecisionChoice

    participation = models.ForeignKey(Participation, on_delete=models.CASCADE,
                                      related_name="decisions")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = models.CharField(_("reason"), max_length=30, choices=ExclusionReason.choices,
                              blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("screening decision")
        verbose_name_plural = _("screening decisions")
        ordering = ["decided_at", "id"]
        constraints = [
            # At most one standing decision per participation.
            models.UniqueConstraint(fields=["participation"], condition=Q(undone_at__isnull=True),
                                    name="one_standing_decision"),
            models.CheckConstraint(condition=Q(decision__in=ScreeningDecisionChoice.values),
                                   name="screeningdecision_decision_valid"),
            models.CheckConstraint(condition=Q(reason__in=["", *ExclusionReason.values]),
                                   name="screeningdecision_reason_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.reason}".strip()

    @property
    def lasting(self) -> bool:
        return self.decision == self.Decision.EXCLUDE and self.reason in LASTING_REASONS
