"""Practices, people, projects and the audit trail (SPEC.md "Users", step 1)."""

import uuid
from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .clinical import COMPLEX_ATC_EXCEPTIONS, COMPLEX_ATC_PREFIXES, DDD_THRESHOLD_CHOICES


class Role(models.TextChoices):
    POH_GGZ = "poh_ggz", _("POH-GGZ")
    HUISARTS = "huisarts", _("GP")
    ASSISTENT = "assistent", _("Assistant")
    APOTHEKER = "apotheker", _("Pharmacist")
    MONITOR = "monitor", _("Monitor")
    BEHEERDER = "beheerder", _("Administrator")


class FtoGroup(models.Model):
    """GPs and pharmacists who meet on pharmacotherapy; a monitor watches its practices."""

    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("FTO group")
        verbose_name_plural = _("FTO groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Practice(models.Model):
    """A GP practice; every query of the product is scoped to one."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(_("code"), max_length=30, unique=True,
                            help_text=_("Short code used on the command line, e.g. DELINDE."))
    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    logo = models.FileField(_("logo"), upload_to="logos/", blank=True)
    list_size = models.PositiveIntegerField(
        _("registered patients"), null=True, blank=True,
        help_text=_("Used for chronic users per 1,000 registered patients."))
    fto_group = models.ForeignKey(FtoGroup, verbose_name=_("FTO group"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="practices")
    # SPEC.md step 2, complex comedication: ATC prefixes that flag a patient, and
    # the codes excepted from them. ATC codes move, so this is a setting.
    complex_atc_prefixes = models.CharField(
        _("complex comedication: ATC prefixes"), max_length=300,
        default=" ".join(COMPLEX_ATC_PREFIXES),
        help_text=_("Separated by spaces, e.g. L M03 M09A N02A N03 N05A."))
    complex_atc_exceptions = models.CharField(
        _("complex comedication: exceptions"), max_length=300,
        default=" ".join(COMPLEX_ATC_EXCEPTIONS),
        help_text=_("Full ATC codes that do not count, e.g. quinine M09AA01."))

    class Meta:
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def complex_rule(self) -> tuple[list[str], list[str]]:
        """The complex-comedication prefixes and exceptions as lists of ATC codes."""
        prefixes, exceptions = self.complex_atc_prefixes, self.complex_atc_exceptions
        return prefixes.upper().split(), exceptions.upper().split()


class Membership(models.Model):
    """A user's role in one practice; every query is scoped through these rows."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "practice"], name="one_role_per_practice"),
        ]
        ordering = ["practice__name"]

    def __str__(self) -> str:
        return f"{self.user} – {self.practice} ({self.get_role_display()})"


class Patient(models.Model):
    """A patient as known from an export: identity is practice + layout + number.

    Patients are written in bulk too (100,000 in one import), so ``practice`` has no
    database constraint, for the reasons ``Prescription`` gives: a deferred check of
    every new row at commit took 0.3 s, and the importer takes the practice from the
    import batch, whose own foreign key to it is checked. It has no index of its own
    either: ``patient_identity`` starts with the practice and serves that lookup.
    """

    class Source(models.TextChoices):
        HIS = "his", _("GP information system")
        APOTHEEK = "apotheek", _("pharmacy")

    class Sex(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "V", _("female")
        UNKNOWN = "X", _("unknown")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="patients",
                                 db_index=False, db_constraint=False)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    number = models.CharField(_("patient number"), max_length=50)
    surname = models.CharField(_("surname"), max_length=100, blank=True)
    prefix = models.CharField(_("surname prefix"), max_length=30, blank=True)
    initials = models.CharField(_("initials"), max_length=30, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    house_number = models.CharField(_("house number"), max_length=30, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone number"), max_length=50, blank=True)
    gp_name = models.CharField(_("GP"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        constraints = [
            models.UniqueConstraint(fields=["practice", "source", "number"],
                                    name="patient_identity"),
        ]
        ordering = ["practice", "number"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        surname = " ".join(p for p in (self.prefix, self.surname) if p)
        return " ".join(p for p in (self.initials, surname) if p) or self.number

    @property
    def address_line(self) -> str:
        """'Molenlaan 64-2, 6874 JC Zevenaar', leaving out what is unknown."""
        street = " ".join(p for p in (self.street, self.house_number) if p)
        town = " ".join(p for p in (self.postcode, self.city) if p)
        return ", ".join(p for p in (street, town) if p)


class Project(models.Model):
    class Criterion(models.TextChoices):
        RECENT_AND_PAST = "recent_and_past", _("Recent and past prescription (HIS route)")
        OVER_90_UNITS = "over_90_units", _("More than 90 units in 12 months (pharmacy route)")
        EITHER = "either", _("Either criterion")

    class Status(models.TextChoices):
        PREPARING = "preparing", _("In preparation")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

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
    wait_days = models.PositiveSmallIntegerField(
        _("wait period (days)"), default=30, validators=[MinValueValidator(28)],
        help_text=_("Days between mailing the letters and the first call-back; at least 28."))
    letter_target = models.PositiveSmallIntegerField(
        _("letters"), default=10, validators=[MinValueValidator(1), MaxValueValidator(1000)])
    reserve_target = models.PositiveSmallIntegerField(
        _("reserves"), default=10, validators=[MaxValueValidator(1000)])
    criterion = models.CharField(_("groslijst criterion"), max_length=20,
                                 choices=Criterion.choices, default=Criterion.RECENT_AND_PAST)
    ddd_threshold = models.PositiveSmallIntegerField(
        _("DDD per day flag above"), default=1, choices=DDD_THRESHOLD_CHOICES)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PREPARING)
    # Call-back rules (SPEC.md step 6) and the pace of consult invitations (issue #6).
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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-planned_start", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("patients:project-detail", kwargs={"project_uuid": self.uuid})

    def month_number(self, today: date) -> int:
        """Project month of ``today``: 1 in the month of the planned start."""
        start = self.planned_start
        return (today.year - start.year) * 12 + today.month - start.month + 1


class PlanStep(models.Model):
    """One line of the plan of approach: what, how, who, when (project month)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="plan_steps")
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(15)])
    what = models.CharField(_("what"), max_length=200)
    how = models.TextField(_("how"), blank=True)
    who = models.CharField(_("who"), max_length=20, choices=Role.choices)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")
        ordering = ["month", "id"]

    def __str__(self) -> str:
        return f"{self.month}: {self.what}"

    def project_url(self) -> str:
        return self.project.get_absolute_url()


class Substance(models.Model):
    """Reference data for a benzodiazepine ATC code (patients/data/benzo_reference.csv).

    DDD from the WHO ATC/DDD index; the diazepam equivalent is Ashton's
    (other tables differ by up to several times, so the app names its source).
    """

    atc = models.CharField(_("ATC code"), max_length=7, unique=True)
    name_nl = models.CharField(_("substance"), max_length=100)
    name_en = models.CharField(_("substance (English)"), max_length=100)
    atc_group = models.CharField(_("ATC group"), max_length=5)
    ddd_mg = models.DecimalField(_("WHO DDD (mg)"), max_digits=8, decimal_places=3, null=True)
    diazepam_10mg_equivalent_mg = models.DecimalField(
        _("dose equal to 10 mg diazepam (Ashton)"), max_digits=8, decimal_places=3, null=True)
    nl_marketed = models.BooleanField(_("on the Dutch market"))
    nl_strengths_mg = models.CharField(_("Dutch tablet strengths (mg)"), max_length=100,
                                       blank=True)
    half_life_class = models.CharField(_("half-life"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("substance")
        verbose_name_plural = _("substances")
        ordering = ["atc"]

    def __str__(self) -> str:
        return f"{self.atc} {self.name_nl}"


class ImportBatch(models.Model):
    """One uploaded export: its checksum, what was detected, and every row accounted for."""

    class Status(models.TextChoices):
        PENDING = "pending", _("not imported yet")
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("importing")
        DONE = "done", _("imported")
        REFUSED = "refused", _("refused")
        FAILED = "failed", _("failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="imports")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(upload_to="imports/", blank=True)
    checksum = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    layout = models.CharField(_("layout"), max_length=10, choices=Patient.Source.choices,
                              blank=True)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.TextField(_("message"), blank=True)
    rows_total = models.PositiveIntegerField(_("rows in the file"), default=0)
    rows_new = models.PositiveIntegerField(_("new"), default=0)
    rows_present = models.PositiveIntegerField(_("already present"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rejected"), default=0)
    patients_new = models.PositiveIntegerField(default=0)
    rejections = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class Prescription(models.Model):
    """A prescription (HIS) or a dispensing (pharmacy); stored once however often imported.

    ``row_key`` is a hash of what makes two rows the same prescription
    (FORMATS.md: patient number, date, ATC, description, strength, units,
    dosage instruction), unique per patient: the primary key is (patient,
    row_key). That one index serves every lookup by patient and keeps each
    prescription once; the table has no other, so a large import stays fast.
    Substance and batch carry no index: nothing looks prescriptions up by them.
    Prescriptions of one day are told apart in the order they were read: by
    import (``batch``), then by ``line`` in its file.

    This is the bulk table: the import writes hundreds of thousands of rows at
    a time, by ``COPY`` (importing/load.py). Its foreign keys therefore have
    no constraint in the database (``db_constraint=False``, as OpenPrescribing
    does for its bulk prescribing tables): a deferred constraint checks every
    row again at commit, which cost more than the whole load (bench/README.md).
    What the constraints would guard is guaranteed where the rows are made:

    - only the importer writes prescriptions, in the transaction that creates or
      reads their patient (ids from ``patients_patient`` itself or its sequence,
      under a per-practice lock), their batch (the ``ImportBatch`` it is saving)
      and their substance (looked up in ``patients_substance`` by ATC code);
    - none of the three is ever deleted while prescriptions point to it:
      ``on_delete=PROTECT`` still holds for every delete through Django, and
      substances are reference data loaded by a migration.
    """

    pk = models.CompositePrimaryKey("patient", "row_key")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, db_index=False,
                                db_constraint=False, related_name="prescriptions")
    row_key = models.UUIDField()
    date = models.DateField(_("date"))
    atc = models.CharField(_("ATC code"), max_length=7)
    description = models.CharField(_("product"), max_length=300, blank=True)
    strength_mg = models.DecimalField(_("strength (mg)"), max_digits=12, decimal_places=4,
                                      null=True)
    units = models.PositiveIntegerField(_("units"))
    dosage = models.CharField(_("dosage instruction"), max_length=300, blank=True)
    prescriber = models.CharField(_("prescriber"), max_length=100, blank=True)
    substance = models.ForeignKey(Substance, null=True, blank=True, on_delete=models.PROTECT,
                                  db_index=False, db_constraint=False, related_name="+")
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, db_index=False,
                              db_constraint=False, related_name="+")
    line = models.PositiveIntegerField(_("line in the file"), default=0)

    class Meta:
        verbose_name = _("prescription")
        verbose_name_plural = _("prescriptions")

    def __str__(self) -> str:
        return f"{self.date} {self.atc} {self.description}"


class Participation(models.Model):
    """One patient in one project, with a status (ARCHITECTURE.md, the participation).

    Every change of status goes through ``patients.workflow.participation_move``,
    which checks the move against ``TRANSITIONS`` there and writes a
    ``ParticipationEvent`` (the timeline) and an audit event in one transaction.
    """

    class Status(models.TextChoices):
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
        TAPERING = "tapering", _("tapering")
        STOPPED = "stopped", _("stopped")
        REDUCED = "reduced", _("reduced")
        UNCHANGED = "unchanged", _("unchanged")
        LEFT = "left", _("left the practice")

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
    # The POH-GGZ may prepare a proposal; only a GP decides (SPEC.md step 3).
    proposal = models.CharField(_("proposal"), max_length=20, blank=True)
    proposal_reason = models.CharField(_("proposed reason"), max_length=30, blank=True)
    proposal_note = models.CharField(_("proposal note"), max_length=500, blank=True)
    proposal_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    # Set once, when the print run with this patient's stop letter is marked mailed;
    # the wait period counts from it (SPEC.md steps 4 and 5).
    letter_sent_on = models.DateField(_("letter sent on"), null=True, blank=True)
    # When the patient responded on their own (phoned after the letter).
    responded_at = models.DateTimeField(_("responded on"), null=True, blank=True)
    # The (evaluation) consult agreed with the patient.
    consult_at = models.DateTimeField(_("consult on"), null=True, blank=True)
    # In the call-back list (status call back): from this day on (SPEC.md step 6).
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
        ]
        indexes = [models.Index(fields=["project", "status", "rank"])]

    def __str__(self) -> str:
        return f"{self.patient} in {self.project}"

    @property
    def proposal_reason_label(self) -> str:
        return ExclusionReason(self.proposal_reason).label if self.proposal_reason else ""


class ParticipationEvent(models.Model):
    """The participation's timeline: every step with when and who (SPEC.md "each step ...
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
    """Reasons not to approach a patient (SPEC.md step 3)."""

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


class ScreeningDecision(models.Model):
    """A GP's decision on one participation; an undone decision stays, marked undone."""

    class Decision(models.TextChoices):
        APPROACH = "approach", _("approach")
        EXCLUDE = "exclude", _("do not approach")

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
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.reason}".strip()

    @property
    def lasting(self) -> bool:
        return self.decision == self.Decision.EXCLUDE and self.reason in LASTING_REASONS


class DueItem(models.Model):
    """Something that waits for time: a due date on a row, swept by a beat job.

    SPEC.md "Timed steps": the database row is the queue. A sweep claims a row
    (``SELECT ... FOR UPDATE SKIP LOCKED``), moves it on and sets ``done_at`` in
    one transaction, so a second sweep finds nothing left to do.
    """

    class Kind(models.TextChoices):
        WAIT_ENDS = "wait_ends", _("wait period ends")
        CALL_LATER = "call_later", _("call again later, as agreed")
        ASK_AGAIN = "ask_again", _("ask again whether the patient wants to reduce")
        PROJECT_END = "project_end", _("project ends: evaluation due")

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
        ]

    def __str__(self) -> str:
        return f"{self.due_on} {self.get_kind_display()}"


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


class DigestSent(models.Model):
    """The daily e-mail of due items went to this user for this day (never twice)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    items = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_a_day")]

    def __str__(self) -> str:
        return f"{self.user} {self.day}"
