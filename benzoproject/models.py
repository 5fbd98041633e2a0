from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """Last time a Celery worker ran the beat's heartbeat task.

    Lets the beheerder see on the start page that worker and beat are alive,
    which matters because every timed step of a project depends on them.
    """

    name = models.CharField(max_length=50, primary_key=True)
    seen_at = models.DateTimeField()
    worker = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("worker heartbeat")

    def __str__(self) -> str:
        return f"{self.name} @ {self.seen_at:%Y-%m-%d %H:%M}"
