from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self) -> None:
        # The dashboard's link and the monitor's panel on the start page
        # (benzoproject.startpage), and the deployment check of PSEUDONYM_KEY.
        from . import checks, group_startpage, startpage  # noqa: F401
