"""The dashboard of a project for the POH-GGZ and the GPs of the practice
(docs/domain.md#dashboard, SPEC steps 8 and 9): the funnel, the month-by-month charts
with the literature's reference lines, per GP, the result targets, the process figures and
the per-patient monitoring table. Every filter is in the URL; the patients a page of the
table shows are written to the access log, each by name."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from benzoproject.access import get_project_for_user, practice_view
from patients.audit import audit_log, audit_log_many
from patients.models import AuditEvent, Participation, ParticipationOutcome, Role
from patients.models import ParticipationStatus as Status

from .dashboard import dashboard_data, patient_page
from .scope import Scope
from .tables import OPEN, DashboardFilters, patient_rows, project_gp_names

# The POH-GGZ and the GPs see everything of the practice's projects, patients' names too.
DASHBOARD_VIEWERS = (Role.POH_GGZ, Role.HUISARTS)
PAGE = "monitoring:dashboard"


@practice_view(roles=DASHBOARD_VIEWERS)
def dashboard(request, project_uuid):
    project = get_project_for_user(request, project_uuid)
    filters = DashboardFilters.from_query(request.GET, project, timezone.localdate())
    scope = Scope(project=project, as_of=filters.as_of)  # shared by figures and table
    context = dashboard_data(project=project, filters=filters, scope=scope)
    rows = patient_rows(project=project, as_of=filters.as_of, filters=filters, scope=scope)
    page, filters = patient_page(rows, filters)
    # NEN 7513: each patient this page of the table shows, then the page itself (the
    # project), which is the last entry.
    shown = Participation.objects.filter(
        pk__in=[r.participation_id for r in page.rows]).select_related("patient")
    audit_log_many(user=request.user, action=AuditEvent.Action.VIEW, practice=request.practice,
                   objs=shown, detail=PAGE)
    audit_log(user=request.user, action=AuditEvent.Action.VIEW, practice=request.practice,
              obj=project, detail=PAGE)
    context.update({
        "project": project, "filters": filters, "page": page,
        "gp_names": project_gp_names(project), "statuses": Status.choices,
        "outcomes": [(OPEN, _("no outcome yet")), *ParticipationOutcome.choices],
        "with_names": True,
        # The POH-GGZ may compute a month's stored figures again (monitoring:snapshots).
        "may_recompute": request.membership.role == Role.POH_GGZ,
    })
    return render(request, "monitoring/dashboard/dashboard.html", context)
