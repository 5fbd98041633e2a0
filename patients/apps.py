from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = _("Practices and patients")

    def ready(self) -> None:
        # login/logout and admin changes into the audit log; start page work
        from . import admin_audit, signals, startpage  # noqa: F401
