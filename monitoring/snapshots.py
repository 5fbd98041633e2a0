"""Monthly snapshots: every measure of a project as of each month's last day, stored so the
dashboard draws month-by-month lines without recomputing them (docs/domain.md#snapshots).

A month is recomputed whole, in one transaction (delete and insert), so any month can be
computed again after a late import or a correction and a reader never sees half of it.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from patients.audit import audit_log
from patients.models import AuditEvent, Project

from .measures import BY_KEY, Kind, measures_compute
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


def snapshot_take(*, project: Project, month: date, today: date | None = None,
                  groslijst_memo: dict | None = None) -> MonthlySnapshot:
    """Compute every measure of ``project`` as of the end of ``month`` (or as of ``today``
    while that month is not over yet) and store it, replacing the month's earlier row.
    Several months taken together share ``groslijst_memo`` (measures_compute)."""
    first = month_start(month)
    today = today or timezone.localdate()
    as_of = min(month_end(first), today)
    values = _as_json(measures_compute(project, as_of, groslijst_memo=groslijst_memo))
    with transaction.atomic():
        # One writer per project at a time: two recomputes of the same month at once (a
        # double click, the sweep beside the button) would otherwise both delete nothing
        # and the second insert would break the one-row-per-month constraint.
        Project.objects.select_for_update().filter(pk=project.pk).exists()
        MonthlySnapshot.objects.filter(project=project, month=first).delete()
        return MonthlySnapshot.objects.create(project=project, month=first, as_of=as_of,
                                              values=values)


def snapshots_rebuild(*, project: Project, today: date | None = None) -> int:
    """Recompute every month of ``project`` from its planned start through ``today``'s
    month (or its planned end's, when that is earlier); returns how many."""
    today = today or timezone.localdate()
    months = project_months(project, min(today, month_end(project.planned_end)))
    memo: dict = {}
    for month in months:
        snapshot_take(project=project, month=month, today=today, groslijst_memo=memo)
    return len(months)


def recompute_months(*, project: Project, today: date) -> list[date]:
    """The months "recompute all" takes: those ``snapshots_rebuild`` takes, and every month
    already stored up to today's (the sweep keeps a running project's months past its
    planned end), oldest first."""
    months = set(project_months(project, min(today, month_end(project.planned_end))))
    months |= set(MonthlySnapshot.objects.filter(project=project, month__lte=today)
                  .values_list("month", flat=True))
    return sorted(months)


def month_recomputable(*, project: Project, month: date, today: date) -> bool:
    """A month may be recomputed from the planned start's month through today's."""
    return month_start(project.planned_start) <= month_start(month) <= month_start(today)


def snapshots_recompute(*, user, project: Project, month: date | None = None,
                        today: date | None = None) -> list[date]:
    """Recompute one month of ``project`` (or, with ``month`` None, every month of
    :func:`recompute_months`) at a user's request; audit-logged. Returns the months."""
    today = today or timezone.localdate()
    if month is not None and not month_recomputable(project=project, month=month, today=today):
        raise ValueError(f"month {month:%Y-%m} is outside the project")
    months = [month_start(month)] if month is not None else recompute_months(
        project=project, today=today)
    memo: dict = {}
    for first in months:
        snapshot_take(project=project, month=first, today=today, groslijst_memo=memo)
    audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=project,
              detail="monthly snapshots recomputed: "
              + (f"{months[0]:%Y-%m}" if month is not None else f"all ({len(months)})"))
    return months


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


# --- Reading the stored figures back ----------------------------------------------------------

DECIMAL_KINDS = frozenset({Kind.PERCENT, Kind.DDD, Kind.PER_1000, Kind.SCORE})


def decode_values(values: dict[str, Any]) -> dict[str, Any]:
    """A snapshot's JSON values back to the types ``measures_compute`` gives (Decimals and
    dates are stored as text)."""
    decoded: dict[str, Any] = {}
    for key, value in values.items():
        measure = BY_KEY.get(key)
        if value is None or measure is None:
            decoded[key] = value
        elif measure.kind in DECIMAL_KINDS:
            decoded[key] = Decimal(str(value))
        elif measure.kind == Kind.DATE:
            decoded[key] = date.fromisoformat(value)
        else:
            decoded[key] = value
    return decoded


def stored_figures(*, project: Project, as_of: date) -> MonthlySnapshot | None:
    """The snapshot computed as of exactly ``as_of`` (a month's last day, or the running
    month's figures stored that day), or None."""
    return MonthlySnapshot.objects.filter(project=project, month=month_start(as_of),
                                          as_of=as_of).first()


def figures(project: Project, as_of: date, keys: Iterable[str] | None = None, *,
            snapshot: MonthlySnapshot | None = None) -> dict[str, Any]:
    """The measures of ``project`` as of ``as_of`` (all, or those of ``keys``): read from the
    snapshot stored as of that very date when there is one, else computed live. The pages
    read figures this way, so a finished month costs one row instead of its queries.
    ``snapshot``: a row the caller has read already (used when it is that project's and
    date's; otherwise the row is looked up)."""
    wanted = None if keys is None else list(keys)
    if snapshot is None or snapshot.project_id != project.pk or snapshot.as_of != as_of:
        snapshot = stored_figures(project=project, as_of=as_of)
    if snapshot is not None and (wanted is None or all(k in snapshot.values for k in wanted)):
        stored = snapshot.values if wanted is None else {k: snapshot.values[k] for k in wanted}
        return decode_values(stored)
    return measures_compute(project, as_of, wanted)
