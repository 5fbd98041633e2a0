from celery import shared_task
from django.utils import timezone

from .models import WorkerHeartbeat


@shared_task(name="benzoproject.tasks.heartbeat")
def heartbeat(name: str = "beat") -> str:
    """Record that a worker is alive; beat schedules it every minute."""
    worker = heartbeat.request.hostname or ""
    WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"seen_at": timezone.now(), "worker": worker}
    )
    return worker
