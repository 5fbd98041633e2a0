"""The Celery app: settings come from Django's, prefixed ``CELERY_``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benzoproject.settings")

app = Celery("benzoproject")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()



def ensure_filesystem_broker_folders() -> None:
    """kombu's filesystem transport needs its folders before the first message."""
    from django.conf import settings

    if not settings.CELERY_BROKER_URL.startswith("filesystem"):
        return
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        os.makedirs(str(settings.CELERY_BROKER_TRANSPORT_OPTIONS[key]), exist_ok=True)
    os.makedirs(settings.CELERY_DATA_DIR / "results", exist_ok=True)
