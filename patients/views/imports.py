"""Uploading an export: choose → preview → import (with progress) → result; history."""

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from benzoproject.access import (
    IMPORTERS,
    REFERENCE_VIEWERS,
    audit_shown,
    get_import_for_user,
    get_import_rows_for_user,
    may_see_import_rows,
    practice_view,
)
from benzoproject.exports import csv_response, file_stamp
from benzoproject.progress import progress_bar, progress_now

from ..audit import audit_log
from ..forms import UploadForm
from ..importing import FileRefused, import_batch_prepare, import_batch_start
from ..importing.background import progress_key
from ..importing.load import import_batch_is_stuck
from ..importing.selectors import import_batch_reader, import_row_patients, substances_all
from ..models import AuditEvent, ImportBatch, Substance
from ..selectors import gp_name_rows, imports_for_practice
from ..services import import_batch_discard

PREVIEW_ROWS = 10
NOT_SENT = gettext_lazy("The background worker cannot be reached at the moment. The file is kept "
                 "and waits: it is imported as soon as the worker is back, or press ‘Start "
                 "again’ in a few minutes.")


@practice_view(roles=IMPORTERS)
def import_upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch, _reader = import_batch_prepare(
                practice=request.practice, user=request.user, data=upload.read(),
                file_name=upload.name)
        except FileRefused as refused:
            form.add_error("file", refused.message)
        else:
            return redirect("patients:import-preview", import_uuid=batch.uuid)
    recent = imports_for_practice(practice=request.practice)[:5]
    return render(request, "patients/import_upload.html", {"form": form, "recent": recent})


@practice_view(roles=IMPORTERS)
def import_preview(request, import_uuid):
    batch = get_import_rows_for_user(request, import_uuid)
    if batch.status != ImportBatch.Status.PENDING:
        return redirect("patients:import-detail", import_uuid=batch.uuid)
    reader = import_batch_reader(batch=batch)
    rows = [[row.get(h, "") for h in reader.header] for row in reader.preview(PREVIEW_ROWS)]
    _audit_rows(request, batch, [reader.number_of(row) for row in rows])
    return render(request, "patients/import_preview.html", {
        "batch": batch,
        "layout": reader.layout,
        "header": reader.header,
        "rows": rows,
        "record_count": sum(1 for _record in reader.records()),
    })


@practice_view(roles=IMPORTERS)
@require_POST
def import_start(request, import_uuid):
    batch = get_import_rows_for_user(request, import_uuid)
    try:
        import_batch_start(batch=batch)
    except Exception:  # recorded on the batch; the result page shows it
        messages.error(request, _("The import failed; nothing was saved."))
        return redirect("patients:import-detail", import_uuid=batch.uuid)
    batch.refresh_from_db()
    if batch.status == ImportBatch.Status.QUEUED and batch.queued_at is None:
        messages.warning(request, NOT_SENT)
    return redirect("patients:import-detail", import_uuid=batch.uuid)


@practice_view(roles=IMPORTERS)
@require_POST
def import_discard(request, import_uuid):
    batch = get_import_rows_for_user(request, import_uuid)
    if import_batch_discard(user=request.user, batch=batch):
        messages.info(request, _("The file was not imported and has been removed."))
    return redirect("patients:import-upload")


@practice_view(roles=IMPORTERS)
def import_detail(request, import_uuid):
    batch = get_import_for_user(request, import_uuid)
    show_rows = may_see_import_rows(request, batch)
    if batch.status == ImportBatch.Status.PENDING and show_rows:
        return redirect("patients:import-preview", import_uuid=batch.uuid)
    waiting = batch.status in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING)
    rejections = Paginator(batch.rejections, 100).get_page(request.GET.get("pagina"))
    if show_rows:
        _audit_rows(request, batch, [r.get("number", "") for r in rejections]
                    + [n["number"] for n in batch.address_notices])
    return render(request, "patients/import_detail.html", {
        "batch": batch, "waiting": waiting, "rejections": rejections,
        # Another importer's upload: status and counts, not the rows (access.py).
        "show_rows": show_rows,
        "progress": progress_now(progress_key(batch.pk), batch.progress),
        "new_gp_names": [] if waiting else gp_name_rows(practice=request.practice, batch=batch),
        "stuck": import_batch_is_stuck(batch),
    })


@practice_view(roles=IMPORTERS)
def import_progress(request, import_uuid):
    """The progress bar, polled by htmx; a finished import reloads the page."""
    batch = get_import_for_user(request, import_uuid)
    return progress_bar(
        request, running=batch.status in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING),
        template="patients/_import_progress.html",
        context={"batch": batch, "stuck": import_batch_is_stuck(batch),
                 "progress": progress_now(progress_key(batch.pk), batch.progress)})


@practice_view(roles=IMPORTERS)
def import_rejections_csv(request, import_uuid):
    batch = get_import_rows_for_user(request, import_uuid)
    patients, unknown = import_row_patients(
        batch=batch, numbers=[r.get("number", "") for r in batch.rejections])
    audit_log(user=request.user, action=AuditEvent.Action.EXPORT, obj=batch,
              patients=patients, detail=_unknown_numbers("rejected rows as CSV", unknown))
    return csv_response(
        f"geweigerde-regels-{file_stamp(batch.created_at)}.csv",
        [_("line"), _("reason"), _("row as in the file")],
        ([r["line"], r["reason"], r["raw"]] for r in batch.rejections))


def _audit_rows(request, batch: ImportBatch, numbers: list[str]) -> None:
    """Name the patients of the file rows a page shows in its access-log entry; the
    numbers of rows that are no patient of the app (yet) go into its detail."""
    patients, unknown = import_row_patients(batch=batch, numbers=numbers)
    audit_shown(request, patients, detail=_unknown_numbers("", unknown))


def _unknown_numbers(detail: str, unknown: list[str]) -> str:
    if not unknown:
        return detail
    note = "rows of numbers not in the app: " + ", ".join(unknown)
    return f"{detail}; {note}" if detail else note


@practice_view(roles=IMPORTERS)
def import_list(request):
    page = Paginator(imports_for_practice(practice=request.practice), 25).get_page(
        request.GET.get("pagina"))
    return render(request, "patients/import_list.html", {"page": page})


# The reference list's half-life classes (patients/data/benzo_reference.csv) in words.
HALF_LIFE = {
    "long": gettext_lazy("long-acting"),
    "intermediate": gettext_lazy("intermediate-acting"),
    "short": gettext_lazy("short-acting"),
    "unknown": pgettext_lazy("half-life", "unknown"),
}


def _mg(value: Decimal | str) -> str:
    """A dose in the active language's notation, without trailing zeros: "2,5"."""
    plain = format(Decimal(value).normalize(), "f")
    return number_format(Decimal(plain))


def _substance_row(substance: Substance) -> dict:
    strengths = [part for part in substance.nl_strengths_mg.split("|") if part.strip()]
    half_life = substance.half_life_class
    return {
        "substance": substance,
        "ddd": _mg(substance.ddd_mg) + " mg" if substance.ddd_mg is not None else "",
        "diazepam": (_mg(substance.diazepam_10mg_equivalent_mg) + " mg"
                     if substance.diazepam_10mg_equivalent_mg is not None else ""),
        "strengths": " – ".join(_mg(part.strip()) for part in strengths) + " mg"
        if strengths else "",
        "half_life": HALF_LIFE.get(half_life, half_life),
    }


@practice_view(roles=REFERENCE_VIEWERS)
def substance_list(request):
    return render(request, "patients/substance_list.html",
                  {"rows": [_substance_row(substance) for substance in substances_all()]})
