"""Writes for phone notes, call-backs and reminders (docs/domain.md, steps 5 and 6, "Timed
steps")."""

import logging
from datetime import date, datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from letters.services import LettersRefused, letter_resend
from patients.audit import audit_log
from patients.dates import add_working_days, call_again_on
from patients.models import AuditEvent, DueItem, Participation
from patients.services import ScreeningError, list_transfer, plan_callbacks_check
from patients.workflow import (
    due_item_schedule,
    due_items_cancel,
    participation_move,
    participation_note,
)

from .due import enter_callback_list
from .models import CallAttempt, DigestSent, PhoneNote

log = logging.getLogger(__name__)
S = Participation.Status
A = CallAttempt
# Statuses from which a phone call of the patient puts them in the call-back list.
WAITING = {S.LETTER_SENT, S.NOT_REACHED, S.CALL_LATER, S.DECLINED}
# After the letter: who may phone in (and be noted) at all.
AFTER_LETTER = WAITING | {S.CALLBACK_DUE, S.CONSULT_PLANNED, S.TAPERING}
WAIT_KINDS = {DueItem.Kind.WAIT_ENDS, DueItem.Kind.CALL_LATER, DueItem.Kind.ASK_AGAIN}

# The next step each response of docs/domain.md, step 6 leads to, as pre-filled on the screen.
NEXT_FOR_RESPONSE = {
    A.Response.NOT_RECEIVED: A.Next.RESEND,
    A.Response.NOT_WANT: A.Next.CONSULT,
    A.Response.CANNOT: A.Next.CONSULT,
    A.Response.TRIED: A.Next.CONSULT,
    A.Response.ALREADY: A.Next.CONSULT,
    A.Response.NOT_NOW: A.Next.CALL_LATER,
    A.Response.AGREES: A.Next.CONSULT,
}


class CallError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@transaction.atomic
def phone_note_create(*, participation: Participation, user, called_at: datetime, caller: str,
                      wish: str, note: str = "", callback_phone: str = "") -> PhoneNote:
    """The assistant notes an incoming call; the patient is in the call-back list at once."""
    locked = Participation.objects.select_for_update().get(pk=participation.pk)
    if locked.status not in AFTER_LETTER:
        raise CallError(_("This patient has not been sent a letter in this project."))
    phone_note = PhoneNote.objects.create(
        participation=locked, called_at=called_at, caller=caller, wish=wish,
        note=note.strip()[:500], callback_phone=callback_phone.strip()[:50], noted_by=user)
    today = timezone.localdate()
    if locked.status in WAITING:
        due_items_cancel(participation=locked, kinds=WAIT_KINDS)
        enter_callback_list(participation=locked, user=user, on=today, expected=WAITING,
                            what=_("patient phoned: call back (spontaneous response)"))
    else:
        participation_note(participation=locked, user=user, what=_("patient phoned: call back"))
    fields: dict[str, object] = {"responded_at": locked.responded_at or called_at}
    if locked.status == S.CALLBACK_DUE:
        fields["next_call_on"] = min(filter(None, [locked.next_call_on, today]))
    Participation.objects.filter(pk=locked.pk).update(**fields)
    audit_log(user=user, action=AuditEvent.Action.CREATE, obj=phone_note,
              patient=locked.patient, practice=locked.project.practice,
              detail=f"phone note: {wish}")
    return phone_note


def _attempts_since_entering(participation: Participation) -> int:
    """Unanswered calls since the patient last entered the call-back list."""
    since = participation.status_changed_at or participation.created_at
    return participation.call_attempts.filter(
        called_at__gte=since, outcome__in=[A.Outcome.NOT_REACHED, A.Outcome.MESSAGE]).count()


@transaction.atomic
def call_attempt_log(*, participation: Participation, user, outcome: str, today: date,
                     response: str = "", next_step: str = "", agreed_on: date | None = None,
                     consult_at: datetime | None = None, note: str = "",
                     minutes: int | None = None) -> CallAttempt:
    """Log one call of the POH-GGZ and take the step it leads to (docs/domain.md, step 6)."""
    locked = Participation.objects.select_for_update().select_related("project").get(
        pk=participation.pk)
    project = locked.project
    if locked.status != S.CALLBACK_DUE and not locked.phone_notes.filter(
            handled_at__isnull=True).exists():
        raise CallError(_("This patient is not in the call-back list."))
    reached = outcome == A.Outcome.REACHED
    if reached and (not response or not next_step):
        raise CallError(_("Choose the patient's response and the next step."))
    attempt = CallAttempt.objects.create(
        participation=locked, called_by=user, outcome=outcome,
        response=response if reached else "", next_step=next_step if reached else "",
        agreed_on=agreed_on, note=note.strip()[:1000], minutes=minutes)
    locked.phone_notes.filter(handled_at__isnull=True).update(handled_at=timezone.now())
    audit_log(user=user, action=AuditEvent.Action.CREATE, obj=attempt, patient=locked.patient,
              practice=project.practice, detail=f"call: {outcome} {response} {next_step}")
    if locked.status != S.CALLBACK_DUE:
        participation_note(participation=locked, user=user, what=_("called back: %(outcome)s")
                           % {"outcome": A.Outcome(outcome).label})
        return attempt
    if not reached:
        if _attempts_since_entering(locked) >= project.call_attempts_max:
            participation_move(participation=locked, to=S.NOT_REACHED, user=user,
                               what=_("not reached after %(n)s calls")
                               % {"n": project.call_attempts_max},
                               fields={"next_call_on": None})
            plan_callbacks_check(project=project, on=today)  # the list may be empty now
        else:
            retry = add_working_days(today, project.call_retry_workdays)
            Participation.objects.filter(pk=locked.pk).update(next_call_on=retry)
            participation_note(participation=locked, user=user,
                               what=_("not reached; call again on %(day)s")
                               % {"day": f"{retry:%d-%m-%Y}"})
        return attempt
    _next_step(locked, user=user, response=response, next_step=next_step, today=today,
               agreed_on=agreed_on, consult_at=consult_at)
    plan_callbacks_check(project=project, on=today)  # docs/domain.md, step 1
    return attempt


def _next_step(participation: Participation, *, user, response: str, next_step: str,
               today: date, agreed_on: date | None, consult_at: datetime | None) -> None:
    project = participation.project
    later = agreed_on or call_again_on(today, project.call_later_months)
    what = _("reached: %(response)s") % {"response": A.Response(response).label}
    if next_step == A.Next.RESEND:
        # The letters app sends it again, moves the patient back to 'letter sent' and
        # starts the wait period again from today.
        try:
            letter_resend(participation=participation, user=user,
                          reason=_("%(what)s (told by phone)") % {"what": what})
        except LettersRefused as error:
            raise CallError(error.message) from None
    elif next_step == A.Next.CONSULT:
        if consult_at is None:
            raise CallError(_("Give the date and time of the consult."))
        when = timezone.localtime(consult_at)
        participation_move(participation=participation, to=S.CONSULT_PLANNED, user=user,
                           what=_("%(what)s; consult on %(when)s") % {"what": what,
                                                                "when": f"{when:%d-%m-%Y %H:%M}"},
                           fields={"consult_at": consult_at, "next_call_on": None})
        # The invitation letter goes out with the next invitation print run (letters app).
    elif next_step == A.Next.CALL_LATER:
        participation_move(participation=participation, to=S.CALL_LATER, user=user,
                           what=_("%(what)s; call again on %(day)s") % {"what": what,
                                                                "day": f"{later:%d-%m-%Y}"},
                           fields={"next_call_on": None})
        due_item_schedule(kind=DueItem.Kind.CALL_LATER, participation=participation,
                          due_on=later, assigned_to=project.lead)
    elif next_step == A.Next.DECLINED:
        participation_move(participation=participation, to=S.DECLINED, user=user,
                           what=_("%(what)s; not now, ask again on %(day)s") % {
                               "what": what, "day": f"{later:%d-%m-%Y}"},
                           fields={"next_call_on": None})
        due_item_schedule(kind=DueItem.Kind.ASK_AGAIN, participation=participation,
                          due_on=later, assigned_to=project.lead)
    else:
        raise CallError(_("Unknown next step."))


@transaction.atomic
def reserve_replace(*, participation: Participation, user, reserve: Participation | None
                    ) -> Participation | None:
    """A patient was not reached: take a reserve in their place (or decline the offer)."""
    locked = Participation.objects.select_for_update().get(pk=participation.pk)
    if locked.status != S.NOT_REACHED or locked.reserve_handled_at is not None:
        raise CallError(_("The reserve for this patient has already been dealt with."))
    if reserve is not None:
        try:
            list_transfer(participation=reserve, user=user, to=S.MAILING)
        except ScreeningError as error:
            raise CallError(error.message) from None
    Participation.objects.filter(pk=locked.pk).update(reserve_handled_at=timezone.now())
    participation_note(participation=locked, user=user,
                       what=_("reserve taken instead: %(name)s")
                       % {"name": reserve.patient.display_name} if reserve
                       else _("no reserve taken"))
    return reserve


@transaction.atomic
def due_item_done(*, item: DueItem, user) -> bool:
    """A reminder (the end of a project) done by hand; a second click changes nothing."""
    done = DueItem.objects.filter(pk=item.pk, done_at__isnull=True).update(
        done_at=timezone.now())
    if done:
        audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=item.project,
                  detail=f"reminder done: {item.kind} {item.due_on}")
    return bool(done)


def digest_send(*, user, day: date, lines: list[str]) -> bool:
    """E-mail ``user`` the day's due items once; False when already sent for ``day``.

    The row and the mail go together: a mail that fails rolls the row back, so
    the task's retry sends it; a second call for the same day sends nothing.
    """
    if not lines or not user.email:
        return False
    try:
        with transaction.atomic():
            DigestSent.objects.create(user=user, day=day, items=len(lines))
            body = "\n".join([
                _("Good morning %(name)s,") % {"name": user.get_full_name() or user.username},
                "", _("These are due today or earlier in Benzoreductie:"), "",
                *[f"- {line}" for line in lines], "",
                _("Open the app to deal with them: %(url)s") % {"url": settings.SITE_URL}])
            send_mail(_("Benzoreductie: your tasks for %(day)s") % {"day": f"{day:%d-%m-%Y}"},
                      body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except IntegrityError:
        return False
    return True
