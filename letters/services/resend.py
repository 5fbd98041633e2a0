"""Sending a patient's stop letter again, with a short cover letter (docs/domain.md,
steps 4 and 6).

A re-send is a request first: who asked, why and when (``letter_resend``). The letter
goes into the assistant's next print run of re-sends (``runs.py``, kind ``resend``),
and counts as mailed, with the wait period starting again, only when that run is
marked mailed (``resend_letters_mailed``).
"""

from collections.abc import Callable, Sequence
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from benzoproject.formats import format_date
from patients.audit import audit_log
from patients.models import AuditEvent, DueItem, Participation
from patients.services import wait_schedule
from patients.workflow import (
    due_items_cancel,
    participation_move,
    participation_note,
)

from ..models import Letter, LetterKind, ResendRequest
from ..render import LetterData, LetterText, letter_render
from ..selectors import letter_text_for, project_gps
from .shared import LettersRefused

S = Participation.Status
# The two letters a re-send is made of, in print order: the cover letter, then the stop letter.
RESEND_PARTS = (LetterKind.RESEND, LetterKind.STOP)


def resend_problem(participation: Participation) -> str:
    """Why this patient's stop letter cannot be sent again ('' when it can)."""
    if participation.letter_sent_on is None:
        return _("This patient has not been sent a stop letter yet. The letter goes with a "
                 "print run of the mailing list.")
    if participation.status == S.LEFT:
        return _("This patient is no longer with the practice.")
    return ""


@transaction.atomic
def letter_resend(*, participation: Participation, reason: str,
                  user) -> tuple[ResendRequest, bool]:
    """Ask for the stop letter to be sent again, with a short cover letter (e.g. 'never
    received it'). Returns the request and whether it is new.

    The request waits for the assistant's next print run of re-sends; nothing counts as
    mailed yet. A participation waiting for its call-back goes back to 'letter sent'
    (the call-back screen calls this after 'letter not received', docs/domain.md,
    step 6), and an open wait end is cancelled: the wait starts again from the day the
    re-sent letter is mailed. A second request while one is waiting changes nothing
    (the existing request is returned, with False).
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
    waiting = ResendRequest.objects.filter(participation=participation,
                                           mailed_on__isnull=True).first()
    if waiting is not None:
        return waiting, False
    if not project_gps(participation.project):
        raise LettersRefused(_("This project has no GP to sign the letter."))
    request = ResendRequest.objects.create(participation=participation, reason=reason[:300],
                                           requested_by=user)
    what = _("re-send of the stop letter requested: %(reason)s") % {"reason": reason}
    if participation.status == S.CALLBACK_DUE:
        participation_move(participation=participation, to=S.LETTER_SENT, user=user,
                           what=what, expected={S.CALLBACK_DUE}, fields={"next_call_on": None})
    else:
        participation_note(participation=participation, user=user, what=what)
    due_items_cancel(participation=participation, kinds=[DueItem.Kind.WAIT_ENDS])
    audit_log(user=user, action=AuditEvent.Action.CREATE, obj=request,
              patient=participation.patient, practice=participation.project.practice,
              detail=f"re-send of the stop letter requested: {reason}"[:300])
    return request, True


def resend_texts(practice) -> tuple[LetterText, LetterText]:
    """The cover letter's text and the stop letter's text, as a re-send prints them."""
    cover, stop = (letter_text_for(practice=practice, kind=kind) for kind in RESEND_PARTS)
    return cover, stop


def resend_fragments(texts: Sequence[LetterText], data: Sequence[LetterData], *,
                     multipage: bool = False, offset: int = 0) -> list[str]:
    """Two HTML fragments per patient (cover letter, stop letter), anchored
    ``letter-<n>`` from ``offset`` on."""
    result = []
    for i, d in enumerate(data):
        for j, (kind, letter_text) in enumerate(zip(RESEND_PARTS, texts, strict=True)):
            result.append(letter_render(kind=kind, letter_text=letter_text, data=d,
                                        anchor=f"letter-{offset + 2 * i + j}",
                                        multipage=multipage))
    return result


def resend_multipage(texts: Sequence[LetterText],
                     data: Sequence[LetterData]) -> Callable[[int], str]:
    """Fragment ``i`` of :func:`resend_fragments` again, with page numbers."""

    def again(i: int) -> str:
        kind = RESEND_PARTS[i % 2]
        return letter_render(kind=kind, letter_text=texts[i % 2], data=data[i // 2],
                             anchor=f"letter-{i}", multipage=True)

    return again


def resend_letters_mailed(*, letters: Sequence[Letter], user, mailed_on: date) -> int:
    """The re-sent letters of a print run went to the post on ``mailed_on`` (called by
    ``letter_run_mark_mailed`` in the caller's transaction).

    Each request counts as mailed; for a participation still in 'letter sent' the wait
    period starts again from ``mailed_on``. Returns how many wait periods started.
    """
    ids = [letter.participation_id for letter in letters]
    participations = {p.pk: p for p in Participation.objects.select_for_update()
                      .select_related("project__lead").filter(pk__in=ids)}
    # The letters' own audit events (written by the caller) name each patient.
    ResendRequest.objects.filter(letter__in=letters, mailed_on__isnull=True).update(
        mailed_on=mailed_on)
    started = 0
    for letter in letters:
        participation = participations[letter.participation_id]
        participation_note(participation=participation, user=user,
                           what=_("stop letter sent again, mailed on %(day)s")
                           % {"day": format_date(mailed_on)})
        if participation.status == S.LETTER_SENT:
            wait_schedule(participation=participation, mailed_on=mailed_on)
            started += 1
    return started
