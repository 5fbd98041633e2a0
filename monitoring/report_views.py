"""The evaluation page (the practice's reflection), the dashboard's exports and the PDF
evaluation report (docs/domain.md#evaluation-report, SPEC step 9).

The POH-GGZ and the GPs write the reflection and download; the other roles get 403.
The month is chosen in the query string as on the dashboard.
"""

import calendar
from datetime import date

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from benzoproject.access import get_project_for_user, practice_view
from patients.audit import audit_log
from patients.models import AuditEvent, Role

from . import report_services as services
from .report import report_pdf
from .report_forms import ReflectionForm

REPORT_USERS = (Role.POH_GGZ, Role.HUISARTS)


def _initial(reflection) -> dict:
    return {**{name: getattr(reflection, name) for name in reflection.TEXT_FIELDS},
            "another_round": reflection.another_round, "version": reflection.version}


def as_of_from_query(query, today: date) -> date:
    """The as-of date of ``?maand=JJJJ-MM``: the month's last day, today at the latest
    (also without a month or with one that cannot be read)."""
    try:
        year, month = (int(part) for part in query.get("maand", "").split("-"))
        last = date(year, month, calendar.monthrange(year, month)[1])
    except ValueError:
        return today
    return min(last, today)


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
                return redirect("monitoring:evaluation", project_uuid=project.uuid)
        else:
            status = 400
    else:
        form = ReflectionForm(initial=_initial(reflection))
    today = timezone.localdate()
    return render(request, "monitoring/report/evaluation.html", {
        "project": project, "form": form, "reflection": reflection,
        "as_of": as_of_from_query(request.GET, today), "today": today,
        "query": request.GET.urlencode(),
    }, status=status)


def _file_name(project, as_of: date, what: str, extension: str) -> str:
    """E.g. ``evaluatierapport-benzo-2026-de-linde-2026-11.pdf``: the project and the month."""
    return f"{what}-{slugify(project.name) or 'project'}-{as_of:%Y-%m}.{extension}"


@practice_view(roles=REPORT_USERS)
def report_download(request, project_uuid):
    project = get_project_for_user(request, project_uuid)
    as_of = as_of_from_query(request.GET, timezone.localdate())
    pdf = report_pdf(project=project, as_of=as_of)
    audit_log(user=request.user, action=AuditEvent.Action.EXPORT, obj=project,
              practice=project.practice,
              detail=f"evaluation report (PDF) as of {as_of.isoformat()}")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{_file_name(project, as_of, "evaluatierapport", "pdf")}"')
    return response
