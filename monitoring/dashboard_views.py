"""The dashboard of a project for the POH-GGZ and the GPs of the practice
(docs/domain.md#dashboard, SPEC steps 8 and 9): the funnel, the month-by-month charts
with the literature's reference lines, per GP, the result targets, the process figures and
the per-patient monitoring table. Every filter is in the URL; the page's access-log entry
names the project and each patient its page of the table shows."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from benzoproject.access import audit_shown, get_project_for_user, practice_view
from patients.models import ParticipationOutcome, Role
from patients.models import ParticipationStatus as Status

from .dashboard import dashboard_data, patient_page
from .scope import Scope
from .tables import OPEN, DashboardFilters, patient_rows, project_gp_names

# The POH-GGZ and the GPs see everything of the practice's projects, patients' names too.
DASHBOARD_VIEWERS = (Role.POH_GGZ, Role.HUISARTS)

@practice_view(roles=DASHBOARD_VIEWERS)
def dashboard(request, project_uuid):
    project = get_project_for_user(request, project_uuid)
    filters = DashboardFilters.from_query(request.GET, project, timezone.localdate())
    scope = Scope(project=project, as_of=filters.as_of)  # shared by figures and table
    context = dashboard_data(project=project, filters=filters, scope=scope)
    rows = patient_rows(project=project, as_of=filters.as_of, filters=filters, scope=scope)
    page, filters = patient_page(rows, filters)
    audit_shown(request, [r.patient_id for r in page.rows])  # NEN 7513
    context.update({
        "project": project, "filters": filters, "page": page,
        "gp_names": project_gp_names(project), "statuses": Status.choices,
        "outcomes": [(OPEN, _("no outcome yet")), *ParticipationOutcome.choices],
        "with_names": True,
        # The POH-GGZ may compute a month's stored figures again (monitoring:snapshots).
        "may_recompute": request.membership.role == Role.POH_GGZ,
    })
    return render(request, "monitoring/dashboard/dashboard.html", context)
