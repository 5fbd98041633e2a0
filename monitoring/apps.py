from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self) -> None:
        # The dashboard's link on the start page (benzoproject.startpage) and the monthly
        # snapshot's timed step, which registers with patients.due (snapshot_due.py).
        from . import snapshot_due, startpage  # noqa: F401
