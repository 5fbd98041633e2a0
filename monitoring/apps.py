from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self) -> None:
        # The monitor's start-page panel, and the deployment check of PSEUDONYM_KEY.
        from . import checks, group_startpage  # noqa: F401
