from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaperingConfig(AppConfig):
    name = "tapering"
    verbose_name = _("Tapering")
