"""The dashboard on the start page of the POH-GGZ and the GPs: one link per current
project (benzoproject.startpage; registered in MonitoringConfig.ready)."""

from datetime import date

from benzoproject.startpage import NOTHING, Panel, StartItems, startpage_source
from patients.models import Practice, Project
from patients.selectors import projects_for_practice

from .dashboard_views import DASHBOARD_VIEWERS


@startpage_source("monitoring.dashboard", order=12, roles=DASHBOARD_VIEWERS)
def dashboards(*, user, practice: Practice, role: str, today: date) -> StartItems:
    """A link to the dashboard of each project of the practice that is not closed, in the
    side column (an aid, not work to do)."""
    projects = list(projects_for_practice(practice=practice)
                    .exclude(status=Project.Status.CLOSED))
    if not projects:
        return NOTHING
    return StartItems(panel=Panel("monitoring/dashboard/_start.html", {"projects": projects},
                                  task=False, side=True))


