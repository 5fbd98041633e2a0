"""Phone notes, call attempts, the daily digest of due items (docs/domain.md, steps 5 and 6),
consultations and the tapering schedules with their versions (step 7,
docs/domain.md#tapering-schedules) and the relapse-prevention plan."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from patients.models import Participation, Role


class PhoneNote(models.Model):
    """An incoming call after the letter, noted by the assistant (docs/domain.md, step 5)."""

    class Caller(models.TextChoices):
        PATIENT = "patient", _("the patient")
        RELATIVE = "relative", _("a relative or carer")
        OTHER = "other", _("someone else")

    class Wish(models.TextChoices):
        QUESTION = "question", _("has a question about the letter")
        CALL_BACK = "call_back", _("wants to be called back")
        APPOINTMENT = "appointment", _("wants an appointment")
        NOT_REDUCE = "not_reduce", _("does not want to reduce")
        ALREADY = "already", _("has already reduced or stopped")
        OTHER = "other", _("something else")

    participation = models.ForeignKey(Participation, on_delete=models.PROTECT,
                                      related_name="phone_notes")
    called_at = models.DateTimeField(_("called at"), default=timezone.now)
    caller = models.CharField(_("who called"), max_length=10, choices=Caller.choices,
                              default=Caller.PATIENT)
    wish = models.CharField(_("what they want"), max_length=12, choices=Wish.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    callback_phone = models.CharField(_("call back on"), max_length=50, blank=True)
    noted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    noted_at = models.DateTimeField(auto_now_add=True)
    # Set when the POH-GGZ has called back (a call attempt logged after the note).
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("phone note")
        verbose_name_plural = _("phone notes")
        ordering = ["-called_at", "-id"]

    def __str__(self) -> str:
        return f"{self.called_at:%Y-%m-%d %H:%M} {self.get_wish_display()}"


class CallAttempt(models.Model):
    """One call of the POH-GGZ to a patient (docs/domain.md, step 6)."""

    class Outcome(models.TextChoices):
        REACHED = "reached", _("reached")
        NOT_REACHED = "not_reached", _("not reached")
        MESSAGE = "message", _("voicemail or message left")

    class Response(models.TextChoices):
        NOT_RECEIVED = "not_received", _("did not receive the letter")
        NOT_WANT = "not_want", _("does not want to reduce")
        CANNOT = "cannot", _("cannot do without")
        TRIED = "tried", _("tried before and failed")
        ALREADY = "already", _("has already reduced or stopped")
        NOT_NOW = "not_now", _("wants to, but not now")
        AGREES = "agrees", _("agrees to a consult")

    class Next(models.TextChoices):
        RESEND = "resend", _("send the letter again")
        CONSULT = "consult", _("consult booked")
        CALL_LATER = "call_later", _("call again on an agreed day")
        DECLINED = "declined", _("not now: ask again on an agreed day")

    participation = models.ForeignKey(Participation, on_delete=models.PROTECT,
                                      related_name="call_attempts")
    called_at = models.DateTimeField(_("called at"), default=timezone.now)
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    response = models.CharField(_("response"), max_length=12, choices=Response.choices,
                                blank=True)
    next_step = models.CharField(_("next step"), max_length=12, choices=Next.choices,
                                 blank=True)
    agreed_on = models.DateField(_("agreed day"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    # The day an unanswered attempt counted towards the project's maximum; empty when
    # it did not count (answered, or no working day begun since the previous counted
    # attempt: docs/domain.md, step 6, "Retries").
    counted_on = models.DateField(_("counted as an attempt on"), null=True, blank=True)
    # The patient was not yet due and the POH-GGZ chose "call now anyway".
    called_early = models.BooleanField(_("called before the planned day"), default=False)

    class Meta:
        verbose_name = _("call attempt")
        verbose_name_plural = _("call attempts")
        ordering = ["called_at", "id"]

    def __str__(self) -> str:
        return f"{self.called_at:%Y-%m-%d %H:%M} {self.get_outcome_display()}"


class DigestSent(models.Model):
    """The daily e-mail of due items went to this user for this day (never twice).

    Created in ``patients`` (migration 0006) and moved here, table and rows included,
    because only the call-back digest of ``tapering`` uses it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    items = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_a_day")]

    def __str__(self) -> str:
        return f"{self.user} {self.day}"


class ConsultationKind(models.TextChoices):
    EVALUATION = "evaluation", _("evaluation consult")
    MONITORING_VISIT = "monitoring_visit", _("monitoring contact in person")
    MONITORING_PHONE = "monitoring_phone", _("monitoring contact by phone")


class ConsultationStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    NO_SHOW = "no_show", _("did not come")
    # An appointment is called off ("afgezegd"), unlike a print run ("geannuleerd").
    CANCELLED = "cancelled", pgettext_lazy("consult status", "cancelled")


class ConsultationNext(models.TextChoices):
    """The next step agreed in a consult (docs/domain.md, step 7, "Consultations")."""

    START = "start", _("start a tapering schedule")
    NOT_NOW = "not_now", _("not now: ask again on a day")
    REFER = "refer", _("refer elsewhere")
    STOPPED = "stopped", _("has already stopped")
    CONTINUE = "continue", _("continue the schedule")


class ConsultationReferral(models.TextChoices):
    ADDICTION = "addiction", _("addiction care")
    MENTAL_HEALTH = "mental_health", _("mental-health care")
    OTHER = "other", _("other care")


# The roles that hold consults (docs/domain.md#roles): the POH-GGZ, and the GP may too.
CONSULT_HOLDER_ROLES = (Role.POH_GGZ, Role.HUISARTS)


class Consultation(models.Model):
    """A consult or monitoring contact of one participation: planned, then held, not
    attended (no-show) or cancelled (docs/domain.md, step 7, "Consultations").

    Written only by ``tapering/services/consultations.py``. ``notes`` are clinical: the
    assistant never sees them (the consult pages are for the POH-GGZ and the GP only).
    """

    Kind = ConsultationKind
    Status = ConsultationStatus
    Next = ConsultationNext
    Referral = ConsultationReferral

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participation = models.ForeignKey(Participation, on_delete=models.PROTECT,
                                      related_name="consultations")
    at = models.DateTimeField(_("date and time"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices,
                            default=Kind.EVALUATION)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.PLANNED)
    held_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("held by"),
                                on_delete=models.PROTECT, related_name="+")
    # The holder's role in the practice when the consult was planned or held: a user's
    # role may change later, the record keeps what it was (empty: no membership then).
    held_by_role = models.CharField(_("role"), max_length=20, choices=Role.choices,
                                    blank=True)
    minutes = models.PositiveSmallIntegerField(_("minutes spent"), null=True, blank=True)
    relatives_present = models.BooleanField(_("relatives present"), default=False)
    relatives_who = models.CharField(_("which relatives"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    next_step = models.CharField(_("agreed next step"), max_length=12, choices=Next.choices,
                                 blank=True)
    ask_again_on = models.DateField(_("ask again on"), null=True, blank=True)
    refer_to = models.CharField(_("referred to"), max_length=20, choices=Referral.choices,
                                blank=True)
    refer_note = models.CharField(_("referral note"), max_length=500, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    # The no-show this consult replaces; a no-show is rebooked at most once.
    rebooked_from = models.OneToOneField("self", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="rebooked_as")
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    planned_at = models.DateTimeField(default=timezone.now)
    # Who recorded the outcome (held, no-show, cancelled) and when.
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ConsultationKind.values),
                                   name="consultation_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=ConsultationStatus.values),
                                   name="consultation_status_valid"),
            models.CheckConstraint(condition=Q(next_step__in=["", *ConsultationNext.values]),
                                   name="consultation_next_step_valid"),
            models.CheckConstraint(condition=Q(refer_to__in=["", *ConsultationReferral.values]),
                                   name="consultation_refer_to_valid"),
            models.CheckConstraint(condition=Q(held_by_role__in=["", *Role.values]),
                                   name="consultation_held_by_role_valid"),
            # A held consult has its agreed next step; any other has none.
            models.CheckConstraint(
                condition=(Q(status=ConsultationStatus.HELD) & ~Q(next_step=""))
                | (~Q(status=ConsultationStatus.HELD) & Q(next_step="")),
                name="consultation_next_step_when_held"),
            # A second click on "plan" cannot book the same moment twice.
            models.UniqueConstraint(fields=["participation", "at"],
                                    condition=Q(status=ConsultationStatus.PLANNED),
                                    name="one_planned_consult_per_moment"),
        ]
        indexes = [models.Index(fields=["status", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} ({self.get_status_display()})"

    # The audit log finds the patient and practice of an object through these.
    @property
    def patient(self):
        return self.participation.patient

    @property
    def project(self):
        return self.participation.project

    @property
    def is_planned(self) -> bool:
        return self.status == ConsultationStatus.PLANNED

    @property
    def is_monitoring(self) -> bool:
        return self.kind != ConsultationKind.EVALUATION


class VersionedOfParticipation:
    """What a participation's versioned record (a schedule, a relapse-prevention plan) has:
    a name with its version, and the patient and project the audit log names."""

    participation: Participation
    current_number: int

    def __str__(self) -> str:
        return f"{self.participation} v{self.current_number}"

    @property
    def patient(self):
        return self.participation.patient

    @property
    def project(self):
        return self.participation.project


class TaperSchedule(VersionedOfParticipation, models.Model):
    """A participation's personal tapering schedule (docs/domain.md#tapering-schedules).

    The plan and its steps live in :class:`TaperScheduleVersion` rows: every change
    adds a version and keeps the earlier ones. A participation has at most one active
    schedule; a new schedule may replace it (``replaced_at``), and the old one stays
    readable.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participation = models.ForeignKey(Participation, on_delete=models.PROTECT,
                                      related_name="taper_schedules")
    # The number of the version in force: a form carries it, so a stale page is refused.
    current_number = models.PositiveIntegerField(_("current version"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    replaced_at = models.DateTimeField(_("replaced on"), null=True, blank=True)

    class Meta:
        verbose_name = _("tapering schedule")
        verbose_name_plural = _("tapering schedules")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["participation"],
                                    condition=models.Q(replaced_at__isnull=True),
                                    name="one_active_taper_schedule"),
        ]


    @property
    def current(self) -> "TaperScheduleVersion":
        return self.versions.get(number=self.current_number)


class TaperScheduleVersion(models.Model):
    """One version of a schedule: the plan as chosen, the steps it gave, why it changed.

    ``steps`` is the engine's list of ``tapering.schedule.Step`` as JSON (Decimals as
    strings, dates as ISO; ``tapering.stepdata``). A switch to diazepam needs a GP's
    confirmation before the schedule can be printed; a version that keeps the same
    switch (hold, repeat, one step back) keeps it.
    """

    class Change(models.TextChoices):
        MADE = "made", _("schedule made")
        CHANGED = "changed", _("schedule changed")
        HOLD = "hold", _("step held longer")
        REPEAT = "repeat", _("step repeated")
        BACK = "back", _("one step back")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    schedule = models.ForeignKey(TaperSchedule, on_delete=models.PROTECT,
                                 related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    change = models.CharField(_("change"), max_length=10, choices=Change.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    made_at = models.DateTimeField(_("made on"), default=timezone.now)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+")
    # The plan (tapering.schedule.Plan).
    atc = models.CharField(_("ATC code"), max_length=7)
    strength_mg = models.DecimalField(_("tablet strength (mg)"), max_digits=8,
                                      decimal_places=3)
    dose_mg = models.DecimalField(_("daily dose (mg)"), max_digits=8, decimal_places=3)
    preset = models.CharField(_("preset"), max_length=20)
    start = models.DateField(_("start date"))
    switch_diazepam = models.BooleanField(_("switch to diazepam first"), default=False)
    step_percent = models.DecimalField(_("own step (percent)"), max_digits=5, decimal_places=2,
                                       null=True, blank=True)
    interval_days = models.PositiveSmallIntegerField(_("own interval (days)"), null=True,
                                                     blank=True)
    final_small_step = models.BooleanField(_("a step at 12.5 percent before stopping"),
                                           default=False)
    # What the engine made of it.
    steps = models.JSONField(_("steps"))
    switched_dose_mg = models.DecimalField(_("diazepam dose (mg)"), max_digits=8,
                                           decimal_places=3, null=True, blank=True)
    # The dose of the product equal to 10 mg diazepam, and the table it came from.
    equivalence_mg = models.DecimalField(_("equal to 10 mg diazepam (mg)"), max_digits=8,
                                         decimal_places=3, null=True, blank=True)
    equivalence_source = models.CharField(_("source of the equivalence"), max_length=50,
                                          blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("tapering schedule version")
        verbose_name_plural = _("tapering schedule versions")
        ordering = ["schedule", "number"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "number"],
                                    name="one_taper_version_per_number"),
        ]

    def __str__(self) -> str:
        return f"{self.schedule_id} v{self.number} {self.change}"

    @property
    def needs_confirmation(self) -> bool:
        """A switch to diazepam waits for a GP (docs/domain.md#tapering-schedules)."""
        return self.switch_diazepam and self.confirmed_at is None


class RelapsePlan(VersionedOfParticipation, models.Model):
    """A participation's relapse-prevention plan (docs/domain.md#relapse-plan).

    The content lives in :class:`RelapsePlanVersion` rows: every save and every review
    adds a version and keeps the earlier ones. One plan per participation.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participation = models.OneToOneField(Participation, on_delete=models.PROTECT,
                                         related_name="relapse_plan")
    # The number of the version in force: a form carries it, so a stale page is refused.
    current_number = models.PositiveIntegerField(_("current version"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = _("relapse-prevention plan")
        verbose_name_plural = _("relapse-prevention plans")


    @property
    def current(self) -> "RelapsePlanVersion":
        return self.versions.get(number=self.current_number)


class RelapsePlanVersion(models.Model):
    """One version of a relapse-prevention plan.

    ``phases`` maps each phase (``tapering.relapse.PHASES``: stable, early signals,
    deterioration) to its texts (``tapering.relapse.PHASE_FIELDS``: thoughts, behaviour,
    feelings, body, what helps, whom to contact and when). ``people`` is a list of
    ``{"name", "relation", "role", "may_contact"}``. A review adds a version with the
    same content and ``reviewed_on``/``reviewed_by`` set; an edit keeps the last review.
    """

    class Change(models.TextChoices):
        MADE = "made", _("plan made")
        CHANGED = "changed", _("plan changed")
        REVIEWED = "reviewed", _("plan reviewed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(RelapsePlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    change = models.CharField(_("change"), max_length=10, choices=Change.choices)
    made_at = models.DateTimeField(_("made on"), default=timezone.now)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+")
    phases = models.JSONField(_("phases"), default=dict)
    safety = models.TextField(_("safety agreements"), blank=True)
    people = models.JSONField(_("people around the patient"), default=list)
    update_on = models.DateField(_("update the plan on"), null=True, blank=True)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("relapse-prevention plan version")
        verbose_name_plural = _("relapse-prevention plan versions")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"],
                                    name="one_relapse_version_per_number"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number} {self.change}"


class QuestionnaireDefinition(models.Model):
    """A questionnaire as data (docs/domain.md#questionnaires); scored by the one generic
    function in tapering/questionnaires.py. ``shows_items``: the items are asked in the app
    (only instruments worded by this project); otherwise the scale scores are typed in from
    the validated paper form and no item is ever shown."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    instruction = models.TextField(_("instruction"), blank=True)
    shows_items = models.BooleanField(_("items are asked in the app"), default=False)
    higher_is_worse = models.BooleanField(_("a higher score is worse"), default=True)
    # The total: the sum of the items or of the typed scales; empty when there is none.
    total_name = models.CharField(_("name of the total"), max_length=120, blank=True)
    total_minimum = models.IntegerField(_("lowest total"), null=True, blank=True)
    total_maximum = models.IntegerField(_("highest total"), null=True, blank=True)
    # Categories of the total: [{"lower": 0, "label": "..."}, ...], lowest first.
    total_bands = models.JSONField(_("categories of the total"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class QuestionnaireScale(models.Model):
    """One scale of a questionnaire, with its bounds and categories (cut-offs) as data."""

    definition = models.ForeignKey(QuestionnaireDefinition, on_delete=models.CASCADE,
                                   related_name="scales")
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    minimum = models.IntegerField(_("lowest score"))
    # Empty when the instrument's highest score is not confirmed (the Bendep-SRQ).
    maximum = models.IntegerField(_("highest score"), null=True, blank=True)
    bands = models.JSONField(_("categories"), default=list, blank=True)

    class Meta:
        verbose_name = _("questionnaire scale")
        verbose_name_plural = _("questionnaire scales")
        ordering = ["definition", "position"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "code"],
                                    name="one_questionnaire_scale_per_code"),
        ]

    def __str__(self) -> str:
        return f"{self.definition_id} {self.code}"


class QuestionnaireItem(models.Model):
    """One item the app asks, with its answer options and their scores
    ([{"score": 0, "label": "..."}, ...])."""

    definition = models.ForeignKey(QuestionnaireDefinition, on_delete=models.CASCADE,
                                   related_name="items")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.CharField(_("text"), max_length=300)
    scale = models.SlugField(_("scale"), max_length=30, blank=True)
    options = models.JSONField(_("answer options"))

    class Meta:
        verbose_name = _("questionnaire item")
        verbose_name_plural = _("questionnaire items")
        ordering = ["definition", "number"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "number"],
                                    name="one_questionnaire_item_per_number"),
        ]

    def __str__(self) -> str:
        return f"{self.definition_id} {self.number}"


class QuestionnaireResponse(models.Model):
    """One answer set of a questionnaire for a participation, with its date, how it was
    entered, the schedule step it belongs to and the computed scores
    (docs/domain.md#questionnaires)."""

    class How(models.TextChoices):
        CONTACT = "contact", _("during a contact")
        PAPER = "paper", _("typed in from a paper form")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participation = models.ForeignKey(Participation, on_delete=models.PROTECT,
                                      related_name="questionnaire_responses")
    definition = models.ForeignKey(QuestionnaireDefinition, on_delete=models.PROTECT,
                                   related_name="responses")
    taken_on = models.DateField(_("date filled in"))
    how = models.CharField(_("how"), max_length=10, choices=How.choices)
    # The step of the tapering schedule in force on ``taken_on``; empty without one.
    step = models.PositiveSmallIntegerField(_("schedule step"), null=True, blank=True)
    values = models.JSONField(_("answers or scores entered"))
    scores = models.JSONField(_("scores"))
    categories = models.JSONField(_("categories"), default=dict, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    entered_at = models.DateTimeField(_("entered on"), default=timezone.now)
    # The decision on the hold this BWSQ suggested (docs/domain.md#questionnaires).
    hold_decision = models.CharField(_("decision on holding the step"), max_length=10,
                                     blank=True, choices=[("held", _("step held")),
                                                          ("not_now", _("not now"))])
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)

    class Meta:
        verbose_name = _("questionnaire answers")
        verbose_name_plural = _("questionnaire answers")
        ordering = ["participation", "taken_on", "entered_at"]

    def __str__(self) -> str:
        return f"{self.participation_id} {self.definition_id} {self.taken_on}"


class Relative(models.Model):
    """Someone close to the patient who is involved in the tapering (docs/domain.md#relatives).

    Removing one keeps the row (``removed_at``): the timeline and audit log still name it.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participation = models.ForeignKey(Participation, on_delete=models.PROTECT,
                                      related_name="relatives")
    name = models.CharField(_("name"), max_length=100)
    relation = models.CharField(_("relation"), max_length=60)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    may_contact = models.BooleanField(_("may be contacted"), default=False)
    added_at = models.DateTimeField(_("added on"), default=timezone.now)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    removed_at = models.DateTimeField(_("removed on"), null=True, blank=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("relative")
        verbose_name_plural = _("relatives")
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})"


class HandOut(models.Model):
    """A workbook, leaflet or other hand-out given to the patient (docs/domain.md#relatives)."""

    class Kind(models.TextChoices):
        WORKBOOK = "workbook", _("workbook")
        LEAFLET = "leaflet", _("information leaflet")
        OTHER = "other", _("other")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participation = models.ForeignKey(Participation, on_delete=models.PROTECT,
                                      related_name="hand_outs")
    kind = models.CharField(_("what"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("description"), max_length=200, blank=True)
    given_on = models.DateField(_("given on"))
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    removed_at = models.DateTimeField(_("removed on"), null=True, blank=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("hand-out")
        verbose_name_plural = _("hand-outs")
        ordering = ["given_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=["workbook", "leaflet", "other"]),
                                   name="handout_kind_valid"),
            models.CheckConstraint(condition=~models.Q(kind="other") | ~models.Q(text=""),
                                   name="handout_other_has_text"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.kind == self.Kind.OTHER:
            return self.text
        kind = capfirst(str(self.get_kind_display()))
        return f"{kind}: {self.text}" if self.text else kind
