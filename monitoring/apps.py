from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self) -> None:
        # The dashboard's link and the monitor's panel on the start page
        # (benzoproject.startpage), the deployment check of PSEUDONYM_KEY, and the monthly
        # snapshot's timed step, which registers with patients.due (snapshot_due.py).
        from . import checks, group_startpage, snapshot_due, startpage  # noqa: F401
