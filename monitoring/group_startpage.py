"""The monitor's part of the start page: the way to the FTO group's view (registered in
MonitoringConfig.ready through benzoproject.startpage)."""

from datetime import date

from benzoproject.startpage import Panel, StartItems, startpage_source
from patients.models import Practice, Role


@startpage_source("monitoring.group", order=5, roles=(Role.MONITOR,))
def group_view_link(*, user, practice: Practice, role: str, today: date) -> StartItems:
    return StartItems(panel=Panel("monitoring/group/_start_group.html",
                                  {"group": practice.fto_group, "today": today}))
