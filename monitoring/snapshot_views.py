"""The monthly snapshots page of a project and the POH-GGZ's recompute button
(docs/domain.md#snapshots): one month, or every month, computed again at once."""

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benzoproject.access import get_project_for_user, practice_view
from patients.models import Role

from .measures import BY_KEY
from .snapshots import (
    month_recomputable,
    recompute_months,
    snapshots_of,
    snapshots_recompute,
)

# The project lead (POH-GGZ) looks after the evaluation and recomputes its months.
SNAPSHOT_USERS = (Role.POH_GGZ,)
# A few headline figures per month on the page (the dashboard draws them all).
HEADLINE = ("funnel_mailed", "stopped", "stopped_share", "reduced_share", "ddd_after")


class MonthConverter:
    """``YYYY-MM`` in a URL, as the first day of that month."""

    regex = r"[0-9]{4}-(0[1-9]|1[0-2])"

    def to_python(self, value: str) -> date:
        return date(int(value[:4]), int(value[5:7]), 1)

    def to_url(self, value: date | str) -> str:
        return value if isinstance(value, str) else f"{value:%Y-%m}"


@practice_view(roles=SNAPSHOT_USERS)
def snapshots(request, project_uuid):
    """The project's months (those "recompute all" takes: from the planned start through
    today's or the planned end's month, and any stored since): as of, computed on, a few
    headline values, recompute."""
    project = get_project_for_user(request, project_uuid)
    today = timezone.localdate()
    stored = {s.month: s for s in snapshots_of(project=project)}
    months = sorted(recompute_months(project=project, today=today), reverse=True)
    rows = [(month, stored.get(month), [stored[month].values.get(key) if month in stored
                                        else None for key in HEADLINE])
            for month in months]
    return render(request, "monitoring/snapshots/list.html", {
        "project": project, "rows": rows, "today": today,
        "headline": [BY_KEY[key] for key in HEADLINE]})


@practice_view(roles=SNAPSHOT_USERS)
@require_POST
def snapshot_recompute(request, project_uuid, month: date | None = None):
    """Recompute one month (``month``) or all; back to ``next`` (a page of this site, such
    as the dashboard) or to the snapshots page. A second click recomputes the same rows
    again: still one row per month."""
    project = get_project_for_user(request, project_uuid)
    today = timezone.localdate()
    if month is not None and not month_recomputable(project=project, month=month, today=today):
        messages.error(request, _("%(month)s cannot be computed: it lies before the project's "
                                  "start or in the future.") % {"month": f"{month:%Y-%m}"})
    else:
        done = snapshots_recompute(user=request.user, project=project, month=month,
                                   today=today)
        if month is not None:
            messages.success(request, _("The figures of %(month)s have been computed again.")
                             % {"month": f"{month:%Y-%m}"})
        else:
            messages.success(request, _("The figures of all %(n)s months have been computed "
                                        "again.") % {"n": len(done)})
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect("monitoring:snapshots", project_uuid=project.uuid)
