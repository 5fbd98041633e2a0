"""The evaluation page (the practice's reflection), the dashboard's exports and the PDF
evaluation report (docs/domain.md#evaluation-report, SPEC step 9).

The POH-GGZ and the GPs write the reflection and download; the other roles get 403.
The month is chosen in the query string as on the dashboard.
"""

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from benzoproject.access import get_project_for_user, practice_view
from benzoproject.exports import csv_response, xlsx_response, xlsx_workbook_response
from patients.audit import audit_log
from patients.models import AuditEvent, Participation, Role

from . import report_services as services
from .report import report_pdf
from .report_forms import ReflectionForm
from .tables import DashboardFilters, Table, dashboard_tables

REPORT_USERS = (Role.POH_GGZ, Role.HUISARTS)


def _initial(reflection) -> dict:
    return {**{name: getattr(reflection, name) for name in reflection.TEXT_FIELDS},
            "another_round": reflection.another_round, "version": reflection.version}


def _filters(request, project) -> DashboardFilters:
    """The dashboard's filters from the query string (the month: ``maand=JJJJ-MM``)."""
    return DashboardFilters.from_query(request.GET, project, timezone.localdate())


@practice_view(roles=REPORT_USERS)
def evaluation(request, project_uuid):
    project = get_project_for_user(request, project_uuid)
    reflection = services.reflection_of(project)
    status = 200
    if request.method == "POST":
        form = ReflectionForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.reflection_save(user=request.user, project=project,
                                         expected_version=data.pop("version"), **data)
            except services.ReflectionStale as stale:
                messages.error(request, stale.message)
                # What was typed stays on the page, which now carries the version in
                # force: saving again (after reading the current text) replaces it.
                posted = request.POST.copy()
                posted["version"] = str(reflection.version)
                form = ReflectionForm(posted)
                status = 409
            else:
                messages.success(request, _("Reflection saved."))
                back = reverse("monitoring:evaluation", kwargs={"project_uuid": project.uuid})
                query = request.GET.urlencode()  # the month chosen stays chosen
                return redirect(f"{back}?{query}" if query else back)
        else:
            status = 400
    else:
        form = ReflectionForm(initial=_initial(reflection))
    filters = _filters(request, project)
    for error in filters.errors:  # a month that could not be used: the running month
        messages.warning(request, error)
    return render(request, "monitoring/report/evaluation.html", {
        "project": project, "form": form, "reflection": reflection,
        "as_of": filters.as_of, "today": filters.today, "query": filters.query(),
        "workbook_url": reverse("monitoring:dashboard-workbook",
                                kwargs={"project_uuid": project.uuid}),
    }, status=status)


def _file_name(project, as_of: date, what: str, extension: str) -> str:
    """E.g. ``evaluatierapport-benzo-2026-de-linde-2026-11.pdf``: the project and the month."""
    return f"{what}-{slugify(project.name) or 'project'}-{as_of:%Y-%m}.{extension}"


@practice_view(roles=REPORT_USERS)
def report_download(request, project_uuid):
    project = get_project_for_user(request, project_uuid)
    as_of = _filters(request, project).as_of
    pdf = report_pdf(project=project, as_of=as_of)
    audit_log(user=request.user, action=AuditEvent.Action.EXPORT, obj=project,
              practice=project.practice,
              detail=f"evaluation report (PDF) as of {as_of.isoformat()}")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{_file_name(project, as_of, "evaluatierapport", "pdf")}"')
    return response


# --- The dashboard's exports ---------------------------------------------------------------

FORMATS = ("csv", "xlsx")


def _plain(value):
    """A cell as the export writes it: yes/no in words, everything else as it is."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def _rows(table: Table) -> list[list]:
    return [[_plain(v) for v in row] for row in table.rows]


def _log_export(request, project, tables: list[Table], what: str, as_of: date) -> None:
    """One export event of the project naming what was exported and each patient of the
    patient table (if exported)."""
    patients = next((t for t in tables if t.key == "patients"), None)
    shown: list[int] = []
    if patients is not None and patients.rows:
        # The table's first column is the patient number (monitoring.tables).
        numbers = {row[0] for row in patients.rows}
        shown = list(Participation.objects.filter(
            project=project, patient__number__in=numbers).values_list("patient_id", flat=True))
    audit_log(user=request.user, action=AuditEvent.Action.EXPORT, obj=project,
              practice=project.practice, patients=shown,
              detail=f"dashboard export {what} as of {as_of.isoformat()}, "
                     f"{len(set(shown))} patients")


def _tables(request, project) -> tuple[DashboardFilters, list[Table]]:
    filters = _filters(request, project)
    return filters, dashboard_tables(project=project, as_of=filters.as_of, filters=filters)


@practice_view(roles=REPORT_USERS)
def dashboard_export(request, project_uuid, key):
    """One table of the dashboard as CSV or Excel (``formaat=csv|xlsx``), with the
    dashboard's filters from the query string."""
    project = get_project_for_user(request, project_uuid)
    fmt = request.GET.get("formaat", "csv")
    if fmt not in FORMATS:
        return HttpResponseBadRequest(_("Choose the format csv or xlsx."))
    filters, tables = _tables(request, project)
    table = next((t for t in tables if t.key == key), None)
    if table is None:
        raise Http404
    _log_export(request, project, [table], f"{key} ({fmt})", filters.as_of)
    name = _file_name(project, filters.as_of, slugify(table.title) or key, fmt)
    if fmt == "csv":
        return csv_response(name, table.columns, _rows(table))
    return xlsx_response(name, table.title, table.columns, _rows(table))


@practice_view(roles=REPORT_USERS)
def dashboard_workbook(request, project_uuid):
    """Every table of the dashboard in one Excel workbook, a sheet per table."""
    project = get_project_for_user(request, project_uuid)
    filters, tables = _tables(request, project)
    _log_export(request, project, tables, "workbook (xlsx)", filters.as_of)
    return xlsx_workbook_response(
        _file_name(project, filters.as_of, "dashboard", "xlsx"),
        [(t.title, t.columns, _rows(t)) for t in tables])
