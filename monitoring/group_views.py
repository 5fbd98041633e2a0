"""The FTO group's view for the monitor (docs/domain.md, "The FTO group's view"): the
measures per practice and for the group side by side, with a CSV and an Excel download.
Aggregate and pseudonymous: no patient is named or counted one by one on these pages."""

import logging

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from benzoproject.access import practice_view
from benzoproject.exports import csv_response, file_stamp, xlsx_response
from patients.audit import audit_log
from patients.models import AuditEvent, Role

from .group import (
    PseudonymKeyMissing,
    build_table,
    columns_for,
    load_figures,
    monitored_practices,
    month_choices,
    parse_month,
    pseudonym_key,
    target_lines,
)
from .snapshots import month_end

logger = logging.getLogger(__name__)

# Only the monitor: the pharmacist, GP, POH-GGZ and assistant work inside one practice and
# see its figures on the practice's own pages (docs/domain.md, "The FTO group's view").
GROUP_VIEWERS = (Role.MONITOR,)

KEY_MISSING = ("The FTO group view is switched off: no PSEUDONYM_KEY is set. Ask the "
               "administrator to set it (see .env.example).")


def _table(request):
    """The table and its context for the page and the downloads."""
    key = pseudonym_key()
    today = timezone.localdate()
    month = parse_month(request.GET.get("maand"), today)
    practices = monitored_practices(user=request.user, practice=request.practice)
    if not practices:
        raise PermissionDenied
    columns = columns_for(practices, request.GET.getlist("project"))
    load_figures(columns, month, today)
    table = build_table(columns, key)
    as_of = min(month_end(month), today)
    return {"table": table, "columns": columns, "month": month, "as_of": as_of,
            "today": today, "months": month_choices(columns, today),
            "group": request.practice.fto_group}


def _key_missing(request):
    logger.error("PSEUDONYM_KEY is not set: the FTO group view refused to open")
    return render(request, "monitoring/group/key_missing.html", {"message": _(KEY_MISSING)},
                  status=503)


@practice_view(roles=GROUP_VIEWERS)
def group(request):
    try:
        context = _table(request)
    except PseudonymKeyMissing:
        return _key_missing(request)
    context["targets"] = target_lines(context["columns"], context["as_of"], context["table"])
    context["query"] = request.GET.urlencode()
    return render(request, "monitoring/group/group.html", context)


def _export_rows(context):
    table = context["table"]
    header = [_("Measure"), *[c.practice.name for c in table.columns], _("FTO group")]
    rows = []
    for section in table.sections:
        for row in section.rows:
            rows.append([f"{section.title}: {row.label}",
                         *[cell.text if cell.number is None else cell.number
                           for cell in row.cells],
                         row.total.text if row.total.number is None else row.total.number])
    for column, letters in table.gp_letters:
        index = table.columns.index(column)
        for label, cell in letters:
            line = [""] * len(table.columns)
            line[index] = cell.text if cell.number is None else cell.number
            rows.append([f"{_('Stop letters per GP')}: {label}", *line, ""])
    note = _("<10: a count from 1 to 9. –: not shown, so that no small count can be "
             "worked out.")
    rows.append([note, *[""] * (len(table.columns) + 1)])
    projects = [c.project.name if c.project else _("no project") for c in table.columns]
    rows.append([_("Project counted"), *projects, ""])
    return header, rows


def _download(request, kind: str):
    try:
        context = _table(request)
    except PseudonymKeyMissing:
        return _key_missing(request)
    header, rows = _export_rows(context)
    month = context["month"]
    name = f"fto-groep-{month:%Y-%m}-{file_stamp(timezone.now())}"
    audit_log(user=request.user, action=AuditEvent.Action.EXPORT, practice=request.practice,
              object_type=request.resolver_match.view_name, detail=f"{kind} {month:%Y-%m}")
    if kind == "csv":
        return csv_response(f"{name}.csv", header, rows)
    title = _("FTO group %(month)s") % {"month": date_format(month, "YEAR_MONTH_FORMAT")}
    return xlsx_response(f"{name}.xlsx", title, header, rows)


@practice_view(roles=GROUP_VIEWERS)
def group_csv(request):
    return _download(request, "csv")


@practice_view(roles=GROUP_VIEWERS)
def group_xlsx(request):
    return _download(request, "xlsx")
