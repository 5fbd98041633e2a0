"""Letter pages: the mailing screen and print runs, patients' letters, texts, logo and
signature (docs/domain.md, step 4)."""

from collections.abc import Iterable

from django.http import FileResponse, Http404

from patients.audit import audit_log
from patients.models import AuditEvent


def pdf_download(request, field, *, filename: str, obj, detail: str,
                 inline: bool = False, patients: Iterable[int] = ()) -> FileResponse:
    """A stored PDF as a download; logged as an export (NEN 7513) naming ``patients``,
    the patients a merged PDF holds."""
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    audit_log(user=request.user, action=AuditEvent.Action.EXPORT, obj=obj,
              practice=request.practice, detail=detail, patients=patients)
    return FileResponse(handle, as_attachment=not inline, filename=filename,
                        content_type="application/pdf")
