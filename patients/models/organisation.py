"""The organisation: practices, FTO groups, and who works where in which role."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..clinical import COMPLEX_ATC_EXCEPTIONS, COMPLEX_ATC_PREFIXES


class Role(models.TextChoices):
    POH_GGZ = "poh_ggz", _("POH-GGZ")
    HUISARTS = "huisarts", _("GP")
    ASSISTENT = "assistent", _("Assistant")
    APOTHEKER = "apotheker", _("Pharmacist")
    MONITOR = "monitor", _("Monitor")
    BEHEERDER = "beheerder", _("Administrator")


# Who may be the practice's privacy officer (docs/security.md#reading-the-access-log): the
# practice's own staff. The pharmacist and the monitor work outside the practice and see
# no names of its patients, so the flag is refused on their memberships.
PRIVACY_OFFICER_ROLES = (Role.POH_GGZ, Role.HUISARTS, Role.ASSISTENT, Role.BEHEERDER)


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
    # docs/domain.md, step 2, complex comedication: ATC prefixes that flag a patient, and
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
    # The practice's privacy officer (functionaris gegevensbescherming, NEN 7513) reads
    # the access log of the practice, whatever their role; the beheerder sets it.
    privacy_officer = models.BooleanField(
        _("privacy officer"), default=False,
        help_text=_("May read the practice's access log: who opened which patient's "
                    "record. Only for the POH-GGZ, a GP, an assistant or the administrator."))

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "practice"], name="one_role_per_practice"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values),
                                   name="membership_role_valid"),
            models.CheckConstraint(
                condition=models.Q(privacy_officer=False)
                | models.Q(role__in=PRIVACY_OFFICER_ROLES),
                name="membership_privacy_officer_role",
                violation_error_message=_(
                    "A pharmacist or monitor cannot be the practice's privacy officer.")),
        ]
        ordering = ["practice__name"]

    def __str__(self) -> str:
        return f"{self.user} – {self.practice} ({self.get_role_display()})"


class GpNameMapping(models.Model):
    """A GP's name as the practice's exports write it (``Patient.gp_name``, free text such
    as "M. Öztürk") and the practice's GP user it stands for (docs/domain.md, step 4, the
    signer).

    A row is made for every new name an import brings; the app suggests a GP user on the
    mapping page and the POH-GGZ confirms or changes it. Only a confirmed row counts: it
    names the GP (``user``) or says the name is none of the practice's GP users
    (``user`` empty, e.g. a locum), and then the project's first GP signs.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="gp_names")
    export_name = models.CharField(_("GP name in the export"), max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("GP"), null=True,
                             blank=True, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed on"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    # The import that first brought this name: its result page lists the new names.
    first_seen_batch = models.ForeignKey("patients.ImportBatch", null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("GP name in the exports")
        verbose_name_plural = _("GP names in the exports")
        ordering = ["practice", "export_name"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "export_name"],
                                    name="one_mapping_per_gp_name"),
        ]

    def __str__(self) -> str:
        return self.export_name

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None
