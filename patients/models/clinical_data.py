"""Clinical data from the exports: patients, substances, imports and prescriptions."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .organisation import Practice


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
    # Set when the practice corrects the postal address in the app (the call-back screen,
    # patients.services.patient_address_correct). The import then keeps that address and
    # lists a different one from the file on the import's page (docs/formats.md).
    # No constraint or index on the user, for the bulk writes the docstring describes.
    address_corrected_at = models.DateTimeField(_("address corrected on"), null=True,
                                                blank=True)
    address_corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                             on_delete=models.PROTECT, related_name="+",
                                             db_index=False, db_constraint=False)

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

    @property
    def address_corrected(self) -> bool:
        return self.address_corrected_at is not None


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


class ImportBatchStatus(models.TextChoices):
    PENDING = "pending", _("not imported yet")
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("importing")
    DONE = "done", _("imported")
    REFUSED = "refused", _("refused")
    FAILED = "failed", _("failed")


class ImportBatch(models.Model):
    """One uploaded export: its checksum, what was detected, and every row accounted for."""

    Status = ImportBatchStatus

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
    # Patients whose address was corrected in the app and for whom the file brought a
    # different one, which the import did not take: {"number", "kept", "file"} (the two
    # addresses on one line each).
    address_notices = models.JSONField(default=list, blank=True)
    # The row is the queue of uploads imported on the worker (benzoproject/background.py):
    # when it was last sent to the worker, who claimed it (the Celery task id) and when,
    # and how many times it was started; a stale claim is taken over.
    queued_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ImportBatchStatus.values),
                                   name="importbatch_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class Prescription(models.Model):
    """A prescription (HIS) or a dispensing (pharmacy); stored once however often imported.

    ``row_key`` is a hash of what makes two rows the same prescription
    (docs/formats.md: patient number, date, ATC, description, strength, units,
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
