"""Letters to patients: templates, print runs and the letters kept on a patient's record
(docs/domain.md, step 4)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from patients.models import Participation, Practice, Project


class LetterKind(models.TextChoices):
    STOP = "stop", _("stop letter")
    INVITATION = "invitation", _("consult invitation")
    RESEND = "resend", _("stop letter sent again")


class LetterTemplate(models.Model):
    """A practice's own text for one kind of letter; without a row the default is used
    (``letters/defaults.py``). The text is data with a few placeholders, never a
    Django template (``letters/text.py``)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE,
                                 related_name="letter_templates")
    kind = models.CharField(_("kind"), max_length=20, choices=LetterKind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), max_length=20000)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        constraints = [models.UniqueConstraint(fields=["practice", "kind"],
                                               name="one_template_per_kind")]

    def __str__(self) -> str:
        return f"{self.practice} – {self.get_kind_display()}"


def signature_path(instance: "GpSignature", filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"signatures/{instance.practice_id}/{uuid.uuid4().hex}.{extension}"


class GpSignature(models.Model):
    """A GP's scanned signature, printed above their name on letters they sign."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    image = models.FileField(_("signature"), upload_to=signature_path)
    uploaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("GP signature")
        verbose_name_plural = _("GP signatures")
        constraints = [models.UniqueConstraint(fields=["practice", "user"],
                                               name="one_signature_per_gp")]

    def __str__(self) -> str:
        return f"{self.user} ({self.practice})"


class LetterRun(models.Model):
    """A print run: the letters of a project's mailing list, rendered together.

    The row is the queue for large runs (docs/architecture.md#house-style): a worker
    claims it by moving ``queued`` to ``rendering`` with a conditional update before it
    renders.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RENDERING = "rendering", _("being made")
        READY = "ready", _("ready to print")
        MAILED = "mailed", _("mailed")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="letter_runs")
    kind = models.CharField(_("kind"), max_length=20, choices=LetterKind.choices,
                            default=LetterKind.STOP)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    letter_date = models.DateField(_("date on the letters"))
    letter_count = models.PositiveIntegerField(_("letters"), default=0)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    merged_pdf = models.FileField(upload_to="letters/runs/", blank=True)
    labels_pdf = models.FileField(upload_to="letters/runs/", blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # When a process took the run to render it; a claim older than the task time limit
    # is stale (that worker died) and the run may be claimed again.
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Who has the claim (the Celery task id), when the run was last sent to the worker,
    # and how many times it was started (benzoproject/background.py).
    claim = models.CharField(max_length=64, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set once, by letter_run_mark_mailed; the wait period counts from it (docs/domain.md, step 5).
    mailed_on = models.DateField(_("mailed on"), null=True, blank=True)
    mailed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    mailed_at = models.DateTimeField(null=True, blank=True)
    # The time the run took (printing, folding, stamping, mailing), noted when it is marked
    # mailed: the evaluation's time spent on letters (docs/domain.md#measures).
    minutes = models.PositiveSmallIntegerField(_("minutes spent"), null=True, blank=True)

    class Meta:
        verbose_name = _("print run")
        verbose_name_plural = _("print runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project} {self.created_at:%Y-%m-%d} ({self.get_status_display()})"

    @property
    def open(self) -> bool:
        """Made or being made, not mailed or cancelled: its letters are spoken for."""
        return self.status in (self.Status.QUEUED, self.Status.RENDERING, self.Status.READY)


def letter_path(instance: "Letter", filename: str) -> str:
    return f"letters/{instance.participation.project.practice_id}/{instance.uuid}.pdf"


class Letter(models.Model):
    """One letter to one patient, kept with its PDF on the patient's record."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participation = models.ForeignKey(Participation, on_delete=models.PROTECT,
                                      related_name="letters")
    kind = models.CharField(_("kind"), max_length=20, choices=LetterKind.choices)
    # Empty for a letter sent on its own (a re-send).
    run = models.ForeignKey(LetterRun, null=True, blank=True, on_delete=models.PROTECT,
                            related_name="letters")
    position = models.PositiveIntegerField(default=0)  # order in the run
    pdf = models.FileField(upload_to=letter_path, blank=True)
    page_count = models.PositiveSmallIntegerField(default=0)
    signer_name = models.CharField(_("signed by"), max_length=150, blank=True)
    mailed_on = models.DateField(_("mailed on"), null=True, blank=True)
    resend_reason = models.CharField(_("reason for sending again"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["created_at", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "participation"], name="one_letter_per_run"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.participation.patient}"

    # The audit log names a letter's patient and practice through these.
    @property
    def patient(self):
        return self.participation.patient

    @property
    def project(self):
        return self.participation.project


class ResendRequest(models.Model):
    """A request to send a patient's stop letter again (docs/domain.md, step 4, "Re-send").

    Who asked, why and when. The letter itself goes into the assistant's next print
    run of re-sends: ``letter`` is the letter in that run (empty while it waits, and
    again when the run is cancelled, so the request is back in the queue). It counts
    as mailed, and the wait period starts again, only when that run is marked mailed
    (``mailed_on``). A participation has at most one request not yet mailed.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participation = models.ForeignKey(Participation, on_delete=models.PROTECT,
                                      related_name="resend_requests")
    reason = models.CharField(_("reason for sending again"), max_length=300)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    letter = models.OneToOneField(Letter, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="resend_request")
    mailed_on = models.DateField(_("mailed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("re-send request")
        verbose_name_plural = _("re-send requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["participation"],
                                    condition=models.Q(mailed_on__isnull=True),
                                    name="one_open_resend_per_participation"),
        ]

    def __str__(self) -> str:
        return f"{self.participation.patient} ({self.requested_at:%Y-%m-%d})"

    # The audit log names the request's patient and practice through these.
    @property
    def patient(self):
        return self.participation.patient

    @property
    def project(self):
        return self.participation.project

    @property
    def run(self) -> "LetterRun | None":
        """The print run that holds the letter, unless it was cancelled or failed."""
        run = self.letter.run if self.letter is not None else None
        if run is None or run.status in (LetterRun.Status.CANCELLED, LetterRun.Status.FAILED):
            return None
        return run
