from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaperingConfig(AppConfig):
    name = "tapering"
    verbose_name = _("Tapering")

    def ready(self) -> None:
        # Registers the call-back handlers with the sweep (patients.due) and the start
        # page's call-backs and reminders (benzoproject.startpage).
        from . import due, startpage  # noqa: F401
