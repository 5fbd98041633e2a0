from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = _("Practices and patients")

    def ready(self) -> None:
        from . import signals, startpage  # noqa: F401  (login/logout audit; start page work)
