"""Monitoring data: the literature's reference figures, each project's result targets and
its monthly snapshots (docs/domain.md#measures, #snapshots; SPEC step 9)."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patients.models import Project

from .measures import all_measure_choices, measure_choices, target_problem


class ReferenceArm(models.TextChoices):
    """Which group of a study a figure describes."""

    LETTER = "letter", _("with a stop letter")
    WITHOUT_LETTER = "without_letter", _("without a stop letter")


class ReferenceKind(models.TextChoices):
    PERCENT = "percent", _("percentage of patients")
    PERCENT_CHANGE = "percent_change", _("change in percent")


class ReferenceFigure(models.Model):
    """A figure from the literature, drawn as a reference line with its source beside it.

    Data, not code (SPEC step 9): loaded by migration 0001 and editable in the admin.
    ``measure`` names the measure of ``monitoring.measures`` the line belongs beside.
    """

    Arm = ReferenceArm
    Kind = ReferenceKind

    key = models.SlugField(_("key"), max_length=60, unique=True)
    label = models.CharField(_("label"), max_length=200)
    measure = models.CharField(_("beside the measure"), max_length=60, blank=True,
                               choices=all_measure_choices)
    value = models.DecimalField(_("value"), max_digits=6, decimal_places=2)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    value_text = models.CharField(_("value as written"), max_length=60, blank=True,
                                  help_text=_("How the source writes it, e.g. 'about 2/3'."))
    window_months = models.PositiveSmallIntegerField(_("window (months)"), null=True,
                                                     blank=True)
    window_text = models.CharField(_("window"), max_length=200, blank=True)
    arm = models.CharField(_("group"), max_length=20, choices=Arm.choices, blank=True)
    source = models.CharField(_("source"), max_length=300)
    note = models.TextField(_("note"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("reference figure")
        verbose_name_plural = _("reference figures")
        ordering = ["position", "key"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ReferenceKind.values),
                                   name="referencefigure_kind_valid"),
            models.CheckConstraint(condition=Q(arm__in=["", *ReferenceArm.values]),
                                   name="referencefigure_arm_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.value_text or self.value} ({self.source})"


class ResultTarget(models.Model):
    """A result the project aims for: a measure, a value and a deadline (SPEC step 9).

    ``per_gp``: every GP must reach the value (for example "every GP has sent at least 15
    letters within 3 months"); the measure is then one with a value per GP. Progress:
    ``monitoring.targets.target_progress``.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE,
                                related_name="result_targets")
    # The choices are the registry's (a callable: a new measure needs no migration).
    measure = models.CharField(_("measure"), max_length=60, choices=measure_choices)
    value = models.DecimalField(_("target value"), max_digits=10, decimal_places=2)
    deadline = models.DateField(_("deadline"))
    per_gp = models.BooleanField(_("every GP"), default=False,
                                 help_text=_("Each GP must reach the value, not the practice "
                                             "as a whole."))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("result target")
        verbose_name_plural = _("result targets")
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "measure", "per_gp", "deadline"],
                                    name="one_target_per_measure_and_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.get_measure_display()} {self.value} ({self.deadline})"

    def clean(self) -> None:
        problem = target_problem(self.measure, per_gp=self.per_gp)
        if problem:
            raise ValidationError({"measure": problem})


class MonthlySnapshot(models.Model):
    """Every measure of a project as of the last day of one month (SPEC step 9,
    docs/domain.md#snapshots).

    ``values`` maps each measure's key to its value as JSON (Decimals as strings, dates as
    ISO text, per-GP and per-reason values as objects). A month is recomputed whole:
    ``monitoring.snapshots.snapshot_take`` deletes the month's row and inserts a new one in
    one transaction, so the dashboard never reads half a month.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="snapshots")
    month = models.DateField(_("month"))  # the first day of the month described
    as_of = models.DateField(_("as of"))  # the last day of that month
    values = models.JSONField(_("values"), encoder=DjangoJSONEncoder)
    computed_at = models.DateTimeField(_("computed on"), default=timezone.now)

    class Meta:
        verbose_name = _("monthly snapshot")
        verbose_name_plural = _("monthly snapshots")
        ordering = ["project", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="one_snapshot_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="snapshot_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.month:%Y-%m}"


class AnotherRound(models.TextChoices):
    """The practice's answer to "shall we run another round?" in the reflection."""

    UNDECIDED = "undecided", _("not decided yet")
    YES = "yes", _("yes")
    NO = "no", _("no")


class EvaluationReflection(models.Model):
    """What the figures do not show, written down by the practice at the evaluation
    (SPEC step 9, docs/domain.md#evaluation-report): how patients reacted, awareness in
    the practice, the collaboration, the workload, and whether to run another round.

    One per project. ``version`` goes up with each save: the page carries the version it
    showed, so a save from a stale page is refused (``monitoring.report_services``).
    """

    Round = AnotherRound

    project = models.OneToOneField(Project, on_delete=models.CASCADE,
                                   related_name="reflection")
    patients_reaction = models.TextField(_("how patients reacted"), blank=True)
    awareness = models.TextField(_("awareness in the practice"), blank=True)
    collaboration = models.TextField(_("how the collaboration went"), blank=True)
    workload = models.TextField(_("the workload"), blank=True)
    another_round = models.CharField(_("another round?"), max_length=10,
                                     choices=Round.choices, default=Round.UNDECIDED)
    another_round_why = models.TextField(_("why (not) another round"), blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(_("last changed"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    TEXT_FIELDS = ("patients_reaction", "awareness", "collaboration", "workload",
                   "another_round_why")

    class Meta:
        verbose_name = _("evaluation reflection")
        verbose_name_plural = _("evaluation reflections")
        constraints = [
            models.CheckConstraint(condition=Q(another_round__in=AnotherRound.values),
                                   name="reflection_another_round_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} reflection v{self.version}"


class CapacityPlan(models.Model):
    """A capacity plan chosen for a project (docs/domain.md#capacity-planning): the inputs,
    the reference ratios used with their source, and the proposal chosen.

    Every choice is kept (the history); the newest is the plan in force. Choosing one sets
    the project's letter target to ``letters_per_batch``
    (``monitoring.capacity_services.capacity_plan_choose``).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE,
                                related_name="capacity_plans")
    hours_per_week = models.DecimalField(_("hours per week"), max_digits=5, decimal_places=2)
    minutes_per_call = models.PositiveSmallIntegerField(_("minutes per call"))
    minutes_per_consult = models.PositiveSmallIntegerField(_("minutes per consult"))
    calls_per_letter = models.DecimalField(_("calls per letter"), max_digits=4,
                                           decimal_places=2, default=1)
    groslijst_size = models.PositiveIntegerField(_("groslijst size"))
    eligible_ratio = models.DecimalField(_("share eligible for a letter (%)"),
                                         max_digits=5, decimal_places=2)
    eligible_source = models.CharField(_("source of that share"), max_length=300)
    consult_ratio = models.DecimalField(_("share coming to a consult (%)"),
                                        max_digits=5, decimal_places=2)
    consult_source = models.CharField(_("source of that share"), max_length=300)
    letters_per_batch = models.PositiveSmallIntegerField(_("letters per batch"))
    batches_per_month = models.PositiveSmallIntegerField(_("batches per month"))
    eligible = models.PositiveIntegerField(_("expected eligible patients"))
    letter_target_before = models.PositiveSmallIntegerField(_("letter target before"))
    chosen_at = models.DateTimeField(_("chosen on"), default=timezone.now)
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")

    class Meta:
        verbose_name = _("capacity plan")
        verbose_name_plural = _("capacity plans")
        ordering = ["project", "-chosen_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(letters_per_batch__gte=1),
                                   name="capacityplan_letters_positive"),
            models.CheckConstraint(condition=Q(batches_per_month__gte=1),
                                   name="capacityplan_batches_positive"),
            models.CheckConstraint(condition=Q(hours_per_week__gt=0),
                                   name="capacityplan_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.batches_per_month} × {self.letters_per_batch}"

    @property
    def letters_per_month(self) -> int:
        return self.letters_per_batch * self.batches_per_month
