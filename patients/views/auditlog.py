"""Reading the access log (NEN 7513; docs/security.md#reading-the-access-log).

The practice's log with filters, one event's patients and the archive export are for the
practice's privacy officer; "who has seen this record" of one patient also for the
POH-GGZ and the GPs, who answer the patient's question. Every view and export of the log
is itself logged (object type ``auditlog``).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from benzoproject.access import (
    AUDIT_LOG_READERS,
    PATIENT_ACCESS_READERS,
    get_patient_for_user,
    practice_view,
)
from benzoproject.exports import csv_streaming_response, file_stamp

from ..audit import audit_log
from ..audit_forms import LogFilterForm
from ..audit_selectors import (
    AUDIT_LOG_OBJECT,
    EXPORT_HEADER,
    described,
    export_rows,
    log_event_for_practice,
    log_events,
    log_patient_ids,
    log_years,
    patient_access_events,
    patients_shown,
)
from ..models import AuditEvent

PAGE_SIZE = 50


def _query(request) -> str:
    """The filters of this request as a query string, without the page and empty fields."""
    query = request.GET.copy()
    query.pop("pagina", None)
    for key in [key for key, values in query.lists() if not any(values)]:
        del query[key]
    return query.urlencode()


def _detail(request, query: str) -> str:
    """The log entry's detail: the page's name and the filters it was opened with."""
    return f"{request.resolver_match.view_name} ?{query}" if query else \
        request.resolver_match.view_name


@practice_view(roles=AUDIT_LOG_READERS, privacy_officer=True)
def audit_log_page(request):
    """The practice's access log, filtered, 50 events a page, newest first."""
    form = LogFilterForm(request.GET, practice=request.practice)
    query = _query(request)
    page = None
    if form.is_valid():
        events = log_events(practice=request.practice, filters=form.filters())
        page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("pagina"))
        page.object_list = described(page.object_list)
    named = {e.patient_id for e in page.object_list if e.patient_id} if page else set()
    audit_log(user=request.user, action=AuditEvent.Action.VIEW, practice=request.practice,
              obj=request.practice, object_type=AUDIT_LOG_OBJECT,
              patients=named | {p.pk for p in form.matched}, detail=_detail(request, query))
    years = [(year, urlencode({"van": first.isoformat(), "tot": last.isoformat()}))
             for year, first, last in log_years(practice=request.practice)]
    return render(request, "patients/audit_log.html", {
        "form": form, "page": page, "query": query, "years": years,
        "matched": form.matched if form.is_valid() else []})


@practice_view(roles=AUDIT_LOG_READERS, privacy_officer=True)
def audit_log_export(request):
    """The filtered log as CSV, every row, for archiving; the page's filters apply."""
    form = LogFilterForm(request.GET, practice=request.practice)
    query = _query(request)
    if not form.is_valid():
        messages.error(request, _("Correct the filters first; nothing was exported."))
        return redirect(reverse("patients:audit-log") + (f"?{query}" if query else ""))
    filters = form.filters()
    audit_log(user=request.user, action=AuditEvent.Action.EXPORT, practice=request.practice,
              obj=request.practice, object_type=AUDIT_LOG_OBJECT,
              patients=log_patient_ids(practice=request.practice, filters=filters),
              detail=_detail(request, query))
    name = f"toegangslog-{request.practice.code}-{file_stamp(timezone.now())}.csv"
    rows = export_rows(practice=request.practice, filters=filters)
    return csv_streaming_response(name, EXPORT_HEADER, rows)


@practice_view(roles=AUDIT_LOG_READERS, privacy_officer=True)
def audit_event_detail(request, event_id: int):
    """One event of the log and the patients its list, search or export showed."""
    event = log_event_for_practice(practice=request.practice, event_id=event_id)
    if event is None:
        raise Http404
    patients = patients_shown(event=event)
    described([event])
    audit_log(user=request.user, action=AuditEvent.Action.VIEW, practice=request.practice,
              obj=event, object_type=AUDIT_LOG_OBJECT, patients=patients,
              detail=request.resolver_match.view_name)
    back = request.GET.get("terug", "")  # the log's filters, to return to them
    return render(request, "patients/audit_event.html", {
        "event": event, "patients": patients, "back": back if back.startswith("?") else ""})


@practice_view(roles=PATIENT_ACCESS_READERS, privacy_officer=True)
def patient_access(request, patient_uuid):
    """Who has seen this record: every event about the patient or that showed them."""
    patient = get_patient_for_user(request, patient_uuid)
    # Logged before the list is read, so the visit is on the page it opens.
    audit_log(user=request.user, action=AuditEvent.Action.VIEW, practice=request.practice,
              obj=patient, detail=request.resolver_match.view_name)
    events = patient_access_events(patient=patient)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("pagina"))
    page.object_list = described(page.object_list)
    return render(request, "patients/patient_access.html", {
        "patient": patient, "page": page,
        "officer": request.membership.privacy_officer})
