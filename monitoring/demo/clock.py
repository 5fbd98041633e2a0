"""Historic moments for a demo round played through the services today.

The services stamp their events with ``timezone.now()`` (timeline entries, call
attempts, audit events, ``created_at``...). The demo runs each step of an earlier round
inside ``clock.at(moment)``; ``clock.restamp()``, in the same transaction, then gives
every time stamp written during a step that step's moment, so the round reads as if it
happened a year ago. Dates the services take as arguments (``today``, ``mailed_on``)
are passed historic to begin with.
"""

from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time

from django.apps import apps
from django.db import models
from django.utils import timezone

# The apps whose rows the demo's services write.
APPS = ("patients", "letters", "tapering")
# The audit log is append-only (a database trigger refuses changes): its events keep the
# moment the demo wrote them, which is the truth.
KEEP = ("patients.auditevent",)


def moment(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """An aware datetime on ``day`` in the practice's time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class Clock:
    def __init__(self) -> None:
        self.steps: list[tuple[datetime, datetime]] = []  # (real start, historic moment)

    @contextmanager
    def at(self, when: datetime) -> Iterator[None]:
        """Everything stamped from now until the next step belongs to ``when``."""
        self.steps.append((timezone.now(), when))
        yield

    def restamp(self) -> int:
        """Give each time stamp written since the first step its step's moment; returns how
        many rows changed. Rows written before the first step are left alone."""
        if not self.steps:
            return 0
        starts = [real for real, _when in self.steps]
        end = timezone.now()
        changed = 0
        for model in apps.get_models():
            if model._meta.app_label not in APPS or model._meta.label_lower in KEEP:
                continue
            for field in model._meta.concrete_fields:
                if not isinstance(field, models.DateTimeField):
                    continue
                rows = list(model._base_manager.filter(
                    **{f"{field.name}__gte": starts[0], f"{field.name}__lte": end})
                    .only("pk", field.name))
                for row in rows:
                    step = bisect_right(starts, getattr(row, field.attname)) - 1
                    setattr(row, field.attname, self.steps[step][1])
                model._base_manager.bulk_update(rows, [field.name], batch_size=500)
                changed += len(rows)
        self.steps.clear()
        return changed
