"""Sending a patient's stop letter again, with a short cover letter (docs/domain.md,
step 6)."""

import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patients.audit import audit_log
from patients.dates import wait_period_end
from patients.models import AuditEvent, Participation
from patients.workflow import due_item_schedule, participation_move, participation_note

from .. import pdf, text
from ..models import Letter, LetterKind
from ..render import document_html, letter_render
from ..selectors import letter_data_for, letter_text_for, project_gps
from .shared import LettersRefused

S = Participation.Status


def resend_problem(participation: Participation) -> str:
    """Why this patient's stop letter cannot be sent again ('' when it can)."""
    if participation.letter_sent_on is None:
        return _("This patient has not been sent a stop letter yet. The letter goes with a "
                 "print run of the mailing list.")
    if participation.status == S.LEFT:
        return _("This patient is no longer with the practice.")
    return ""


@transaction.atomic
def letter_resend(*, participation: Participation, reason: str, user) -> Letter:
    """Send the stop letter again, with a short cover letter (e.g. 'never received it').

    The letter counts as mailed today. The wait period starts again from today:
    a participation waiting for its call-back goes back to 'letter sent' (the
    call-back screen calls this after 'letter not received', docs/domain.md, step 6).
    """
    reason = " ".join(reason.split())
    if not reason:
        raise LettersRefused(_("Give a reason, e.g. “never received the letter”."))
    participation = (Participation.objects.select_for_update()
                     .select_related("project__practice", "project__lead", "patient")
                     .get(pk=participation.pk))
    problem = resend_problem(participation)
    if problem:
        raise LettersRefused(problem)
    project, practice = participation.project, participation.project.practice
    today = timezone.localdate()
    gps = project_gps(project)
    if not gps:
        raise LettersRefused(_("This project has no GP to sign the letter."))
    cover_text = letter_text_for(practice=practice, kind=LetterKind.RESEND)
    stop_text = letter_text_for(practice=practice, kind=LetterKind.STOP)
    text.check_placeholders(cover_text.subject, cover_text.body, stop_text.subject,
                            stop_text.body)
    [data] = letter_data_for(project=project, participations=[participation], letter_date=today)
    fragments = [letter_render(kind=LetterKind.RESEND, letter_text=cover_text, data=data,
                               anchor="letter-0"),
                 letter_render(kind=LetterKind.STOP, letter_text=stop_text, data=data,
                               anchor="letter-1")]
    rendered = pdf.render_letters(
        fragments, document=lambda f: document_html(f, practice=data.practice),
        multipage=lambda i: letter_render(
            kind=(LetterKind.RESEND, LetterKind.STOP)[i],
            letter_text=(cover_text, stop_text)[i], data=data, anchor=f"letter-{i}",
            multipage=True))
    letter = Letter(uuid=uuid.uuid4(), participation=participation, kind=LetterKind.RESEND,
                    page_count=sum(rendered.page_counts), signer_name=data.signer_name,
                    mailed_on=today, resend_reason=reason[:300], created_by=user)
    letter.pdf.save(f"{letter.uuid}.pdf", ContentFile(rendered.pdf), save=False)
    try:
        letter.save()
        what = _("stop letter sent again: %(reason)s") % {"reason": reason}
        if participation.status == S.CALLBACK_DUE:
            participation_move(participation=participation, to=S.LETTER_SENT, user=user,
                               what=what, expected={S.CALLBACK_DUE})
        else:
            participation_note(participation=participation, user=user, what=what)
        if participation.status == S.LETTER_SENT:
            due_item_schedule(kind="wait_ends", participation=participation,
                              due_on=wait_period_end(today, project.wait_days),
                              assigned_to=project.lead)
        audit_log(user=user, action=AuditEvent.Action.CREATE, obj=letter,
                  patient=participation.patient, practice=practice,
                  detail=f"stop letter sent again: {reason}")
    except Exception:
        letter.pdf.delete(save=False)  # the transaction rolls back; the file goes too
        raise
    return letter
