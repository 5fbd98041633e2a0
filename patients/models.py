"""Practices, people, projects and the audit trail (SPEC.md "Users", step 1)."""

import uuid
from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# SPEC.md step 2 defaults: treatment of a serious condition beside the benzodiazepine,
# except quinine and codeine combined with non-opioid painkillers.
COMPLEX_ATC_PREFIXES = ("L", "M03", "M09A", "N02A", "N03", "N05A")
COMPLEX_ATC_EXCEPTIONS = ("M09AA01", "N02AA59", "N02AJ06", "N02AJ07", "N02AJ08", "N02AJ09")


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
        _("DDD per day flag above"), default=1, choices=[(1, "1"), (2, "2")])
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PREPARING)
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
    dosage instruction), unique per patient. That one index also serves every
    lookup by patient; the table has no other, so a large import stays fast.
    Substance and batch carry no index: nothing looks prescriptions up by them.

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

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, db_index=False,
                                db_constraint=False, related_name="prescriptions")
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
    row_key = models.UUIDField()
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, db_index=False,
                              db_constraint=False, related_name="+")

    class Meta:
        verbose_name = _("prescription")
        verbose_name_plural = _("prescriptions")
        constraints = [
            models.UniqueConstraint(fields=["patient", "row_key"], name="prescription_once"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.atc} {self.description}"


class Participation(models.Model):
    """One patient in one project, with a status (ARCHITECTURE.md, the participation)."""

    class Status(models.TextChoices):
        TO_SCREEN = "to_screen", _("to screen")
        EXCLUDED = "excluded", _("excluded")
        APPROVED = "approved", _("approved")
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
    reference_date = models.DateField(_("groslijst reference date"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["project", "patient"], name="one_participation"),
        ]

    def __str__(self) -> str:
        return f"{self.patient} in {self.project}"


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
