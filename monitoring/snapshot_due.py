"""The monthly snapshot as a timed step (docs/domain.md#timed-steps, #snapshots;
docs/architecture.md#due-items).

Every project that is not closed has one open ``monthly_snapshot`` item, due on a 1st. On
its day the sweep (``patients.due``) runs the handler below, which takes the month that has
just ended, every month missed while no worker ran, and any earlier month of the project
that has no snapshot yet; it then moves the item on to the next 1st, so the item stays
open. The sweep claims the row, runs the handler and saves it in one transaction: a second
sweep on the same day finds nothing due, two workers never take the same row, and a worker
killed halfway leaves the row due and no month half stored.

A project in preparation gets nothing computed (the item moves on); a closed project gets
its last months and the item is done, with no next one. The running month is not taken:
a row as of the 1st would stand for that month for a whole month while saying little
(the dashboard computes today's figures live, and the POH-GGZ can recompute a month).
``MonitoringConfig.ready()`` imports this module to register the handler.
"""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

from patients.dates import next_month_start
from patients.due import handles
from patients.models import DueItem, Project

from .models import MonthlySnapshot
from .snapshots import month_start, snapshot_take


def months_due(*, planned_start: date, due_on: date, today: date,
               taken: set[date]) -> list[date]:
    """The months (first days) a sweep on ``today`` takes for an item due on ``due_on``:
    from the month before ``due_on``'s through the month before ``today``'s (the months
    that ended since the item fell due, so a month missed while no worker ran is caught
    up), plus any earlier month from the planned start's on that is not in ``taken``."""
    last = month_start(today) - relativedelta(months=1)
    since = month_start(due_on) - relativedelta(months=1)
    months, month = [], month_start(planned_start)
    while month <= last:
        if month >= since or month not in taken:
            months.append(month)
        month += relativedelta(months=1)
    return months


@handles(DueItem.Kind.MONTHLY_SNAPSHOT)
def _monthly_snapshot(item: DueItem, today: date) -> str:
    project: Project = item.project
    if project.status == Project.Status.PREPARING:
        item.due_on = next_month_start(today)
        item.note = ""
        return _("no snapshot: the project is in preparation")
    taken = set(MonthlySnapshot.objects.filter(project=project)
                .values_list("month", flat=True))
    months = months_due(planned_start=project.planned_start, due_on=item.due_on,
                        today=today, taken=taken)
    memo: dict = {}
    for month in months:
        snapshot_take(project=project, month=month, today=today, groslijst_memo=memo)
    names = ", ".join(f"{month:%Y-%m}" for month in months)
    what = (_("monthly snapshot taken: %(months)s") % {"months": names} if months
            else _("no month to take yet"))
    if project.status != Project.Status.CLOSED:
        item.due_on = next_month_start(today)  # later than today: the item stays open
    item.note = what[:300]
    return what
