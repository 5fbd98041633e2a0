from django.apps import AppConfig


class BenzoprojectConfig(AppConfig):
    name = "benzoproject"
    verbose_name = "Benzoreductie"

    def ready(self) -> None:
        from . import session_limits, throttle  # noqa: F401  (their signal receivers)
        from .celery import ensure_filesystem_broker_folders

        ensure_filesystem_broker_folders()
