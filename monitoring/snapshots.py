"""Monthly snapshots: every measure of a project as of each month's last day, stored so the
dashboard draws month-by-month lines without recomputing them (docs/domain.md#snapshots).

A month is recomputed whole, in one transaction (delete and insert), so any month can be
computed again after a late import or a correction and a reader never sees half of it.
"""

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from patients.models import Project

from .measures import measures_compute
from .models import MonthlySnapshot


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    """The last day of the month ``month`` lies in."""
    return month_start(month) + relativedelta(months=1) - timedelta(days=1)


def project_months(project: Project, through: date) -> list[date]:
    """The first days of the months from the project's planned start up to and including the
    month of ``through``, oldest first."""
    months, month = [], month_start(project.planned_start)
    while month <= through:
        months.append(month)
        month += relativedelta(months=1)
    return months


def _as_json(values: dict[str, Any]) -> dict[str, Any]:
    """The values as the JSON column stores them (Decimals as text, dates as ISO)."""
    result: dict[str, Any] = json.loads(json.dumps(values, cls=DjangoJSONEncoder))
    return result


def snapshot_take(*, project: Project, month: date, today: date | None = None) -> MonthlySnapshot:
    """Compute every measure of ``project`` as of the end of ``month`` (or as of ``today``
    while that month is not over yet) and store it, replacing the month's earlier row."""
    first = month_start(month)
    today = today or timezone.localdate()
    as_of = min(month_end(first), today)
    values = _as_json(measures_compute(project, as_of))
    with transaction.atomic():
        MonthlySnapshot.objects.filter(project=project, month=first).delete()
        return MonthlySnapshot.objects.create(project=project, month=first, as_of=as_of,
                                              values=values)


def snapshots_rebuild(*, project: Project, today: date | None = None) -> int:
    """Recompute every month of ``project`` from its planned start through ``today``'s
    month (or its planned end's, when that is earlier); returns how many."""
    today = today or timezone.localdate()
    months = project_months(project, min(today, month_end(project.planned_end)))
    for month in months:
        snapshot_take(project=project, month=month, today=today)
    return len(months)


@dataclass(frozen=True)
class Series:
    """One measure month by month: (month's first day, stored value) pairs, oldest first."""

    key: str
    points: list[tuple[date, Any]]


def snapshots_of(*, project: Project) -> list[MonthlySnapshot]:
    """The project's stored months, oldest first."""
    return list(MonthlySnapshot.objects.filter(project=project).order_by("month"))


def series_of(snapshots: list[MonthlySnapshot], key: str) -> Series:
    """The stored values of measure ``key`` across ``snapshots`` (None where missing)."""
    return Series(key=key, points=[(s.month, s.values.get(key)) for s in snapshots])
