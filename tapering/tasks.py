"""Reminder e-mail: one digest per user per day (docs/domain.md#timed-steps)."""

from datetime import date
from functools import partial
from smtplib import SMTPException

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .selectors import digest_lines
from .services import digest_send


@shared_task(name="tapering.tasks.queue_digests")
def queue_digests() -> int:
    """Queue today's digest for every active user with an e-mail address."""
    day = timezone.localdate().isoformat()
    users = list(get_user_model().objects.filter(is_active=True, memberships__isnull=False)
                 .exclude(email="").distinct().values_list("pk", flat=True))
    for user_id in users:
        transaction.on_commit(partial(send_digest.delay, user_id, day))
    return len(users)


@shared_task(name="tapering.tasks.send_digest", autoretry_for=(SMTPException, OSError),
             retry_backoff=60, retry_backoff_max=3600, max_retries=5, acks_late=True)
def send_digest(user_id: int, day: str) -> bool:
    """Send one user's digest for ``day`` (ISO date); a repeat for the same day sends nothing."""
    user = get_user_model().objects.get(pk=user_id)
    when = date.fromisoformat(day)
    return digest_send(user=user, day=when, lines=digest_lines(user=user, today=when))
