"""Reads for the start page's side column; each scoped to the practice it shows."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from patients.models import Practice

from .models import WorkerHeartbeat

HEARTBEAT_STALE_MINUTES = 5


def beat_heartbeat() -> tuple[WorkerHeartbeat | None, bool]:
    """Beat's last sign of life and whether it is recent enough to call the worker alive."""
    beat = WorkerHeartbeat.objects.filter(name="beat").first()
    alive = bool(beat and (timezone.now() - beat.seen_at).total_seconds()
                 < HEARTBEAT_STALE_MINUTES * 60)
    return beat, alive


def group_practices(*, practice: Practice) -> QuerySet[Practice] | list[Practice]:
    """The practices of ``practice``'s FTO group (only itself when it has none)."""
    group = practice.fto_group
    return Practice.objects.filter(fto_group=group) if group else [practice]


def practice_user_count(*, practice: Practice) -> int:
    return get_user_model().objects.filter(memberships__practice=practice).count()
