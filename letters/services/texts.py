"""A practice's letter texts: save, back to the default, and the editor's preview."""

from django.db import transaction
from django.utils import timezone

from patients.audit import audit_log
from patients.models import AuditEvent, Participation, Practice

from .. import pdf, text
from ..models import LetterTemplate
from ..render import LetterData, LetterText, document_html, letter_render
from ..selectors import letter_data_for


@transaction.atomic
def letter_template_save(*, practice: Practice, kind: str, subject: str, body: str,
                         user) -> LetterTemplate:
    """Store the practice's text for ``kind``; raises text.UnknownPlaceholders."""
    text.check_placeholders(subject, body)
    template, created = LetterTemplate.objects.update_or_create(
        practice=practice, kind=kind,
        defaults={"subject": subject, "body": body, "updated_by": user})
    audit_log(user=user, action=AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
              obj=template, practice=practice, detail=f"letter text {kind}")
    return template


@transaction.atomic
def letter_template_reset(*, practice: Practice, kind: str, user) -> bool:
    """Back to the default text; False when the practice had none of its own."""
    deleted, _per_model = LetterTemplate.objects.filter(practice=practice, kind=kind).delete()
    if deleted:
        audit_log(user=user, action=AuditEvent.Action.DELETE, practice=practice,
                  object_type="lettertemplate", detail=f"letter text {kind} back to default")
    return bool(deleted)


def letter_preview_data(*, participation: Participation, user, as_pdf: bool) -> LetterData:
    """What a real patient's letter would say today; opening it is logged (NEN 7513), as
    an export when it leaves as a PDF."""
    audit_log(user=user, obj=participation,
              action=AuditEvent.Action.EXPORT if as_pdf else AuditEvent.Action.VIEW,
              detail="letter preview as PDF" if as_pdf else "letter preview")
    [data] = letter_data_for(project=participation.project, participations=[participation],
                             letter_date=timezone.localdate())
    return data


def letter_preview_html(*, kind: str, letter_text: LetterText, data: LetterData) -> str:
    return letter_render(kind=kind, letter_text=letter_text, data=data)


def letter_preview_pdf(*, kind: str, letter_text: LetterText, data: LetterData) -> bytes:
    fragment = letter_render(kind=kind, letter_text=letter_text, data=data)
    return pdf.html_to_pdf(document_html([fragment], practice=data.practice))
