"""Writes for phone notes, call-backs and reminders (docs/domain.md, steps 5 and 6, "Timed
steps")."""

import logging
from datetime import date, datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from benzoproject.formats import format_date, format_datetime
from letters.services import LettersRefused, letter_resend
from patients.audit import audit_log
from patients.dates import add_working_days, call_again_on
from patients.models import AuditEvent, DueItem, Participation, PlanMilestone
from patients.services import (
    ScreeningError,
    list_transfer,
    plan_callbacks_check,
    plan_milestone_reached,
)
from patients.workflow import (
    due_item_schedule,
    due_items_cancel,
    participation_move,
    participation_note,
)

from ..due import enter_callback_list
from ..models import CallAttempt, DigestSent, PhoneNote
from .consultations import ConsultError, consultation_book_from_call

log = logging.getLogger(__name__)
S = Participation.Status
A = CallAttempt
# Statuses from which a phone call of the patient puts them in the call-back list.
WAITING = {S.LETTER_SENT, S.NOT_REACHED, S.CALL_LATER, S.DECLINED}
# After the letter: who may phone in (and be noted) at all.
AFTER_LETTER = WAITING | {S.CALLBACK_DUE, S.CONSULT_PLANNED, S.TAPERING, S.REFERRED, S.STOPPED}
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


def attempt_counts(*, day: date, previous: date | None) -> bool:
    """Whether an unanswered call on ``day`` counts towards the project's maximum.

    It counts when it is the first, or when the next working day after the previous
    counted attempt has come: several calls on one working day (or on the weekend
    or holiday after it) count once (docs/domain.md, step 6, "Retries").
    """
    return previous is None or day >= add_working_days(previous, 1)


def _counted_since_entering(participation: Participation):
    """Unanswered calls that counted since the patient last entered the call-back list."""
    since = participation.status_changed_at or participation.created_at
    return participation.call_attempts.filter(called_at__gte=since, counted_on__isnull=False)


def attempts_counted(participation: Participation) -> int:
    """How many unanswered calls count towards the maximum right now."""
    return _counted_since_entering(participation).count()


def call_due_from(*, participation: Participation, today: date) -> date | None:
    """The planned day of a patient who is not yet due ("Binnenkort"); None when due.

    Such a patient is called only through "call now anyway" (docs/domain.md, step 6).
    An open phone note makes the patient due at once.
    """
    planned = participation.next_call_on
    if participation.status != S.CALLBACK_DUE or planned is None or planned <= today:
        return None
    if participation.phone_notes.filter(handled_at__isnull=True).exists():
        return None
    return planned


def not_due_message(day: date) -> str:
    return _("This patient is not due to be called until %(day)s. To call now all the same, "
             "tick \"Call now anyway\".") % {"day": date_format(day)}


@transaction.atomic
def call_attempt_log(*, participation: Participation, user, outcome: str, today: date,
                     response: str = "", next_step: str = "", agreed_on: date | None = None,
                     consult_at: datetime | None = None, note: str = "",
                     minutes: int | None = None, call_now: bool = False) -> CallAttempt:
    """Log one call of the POH-GGZ and take the step it leads to (docs/domain.md, step 6).

    A patient who is not yet due is called only with ``call_now`` ("call now anyway"),
    which the attempt and the timeline record.
    """
    locked = Participation.objects.select_for_update().select_related("project").get(
        pk=participation.pk)
    project = locked.project
    if locked.status != S.CALLBACK_DUE and not locked.phone_notes.filter(
            handled_at__isnull=True).exists():
        raise CallError(_("This patient is not in the call-back list."))
    planned = call_due_from(participation=locked, today=today)
    if planned is not None and not call_now:
        raise CallError(not_due_message(planned))
    reached = outcome == A.Outcome.REACHED
    if reached and (not response or not next_step):
        raise CallError(_("Choose the patient's response and the next step."))
    counted_on = None
    if not reached and locked.status == S.CALLBACK_DUE:
        previous = _counted_since_entering(locked).order_by("-counted_on").values_list(
            "counted_on", flat=True).first()
        if attempt_counts(day=today, previous=previous):
            counted_on = today
    attempt = CallAttempt.objects.create(
        participation=locked, called_by=user, outcome=outcome,
        response=response if reached else "", next_step=next_step if reached else "",
        agreed_on=agreed_on, note=note.strip()[:1000], minutes=minutes,
        counted_on=counted_on, called_early=planned is not None)
    locked.phone_notes.filter(handled_at__isnull=True).update(handled_at=timezone.now())
    audit_log(user=user, action=AuditEvent.Action.CREATE, obj=attempt, patient=locked.patient,
              practice=project.practice,
              detail=f"call: {outcome} {response} {next_step}"
                     + (f" early (planned {planned})" if planned else ""))
    if planned is not None:
        participation_note(participation=locked, user=user,
                           what=_("called now anyway, before the planned day %(day)s")
                           % {"day": format_date(planned)})
    if locked.status != S.CALLBACK_DUE:
        participation_note(participation=locked, user=user, what=_("called back: %(outcome)s")
                           % {"outcome": A.Outcome(outcome).label})
        return attempt
    if not reached:
        _unanswered(locked, user=user, today=today, counted=counted_on is not None)
        return attempt
    _next_step(locked, user=user, response=response, next_step=next_step, today=today,
               agreed_on=agreed_on, consult_at=consult_at)
    plan_callbacks_check(project=project, on=today)  # docs/domain.md, step 1
    return attempt


def _unanswered(participation: Participation, *, user, today: date, counted: bool) -> None:
    """After an unanswered call: retry later, or 'not reached' at the project's maximum."""
    project = participation.project
    if not counted:
        # No working day begun since the previous counted attempt: logged, the plan stays.
        planned = participation.next_call_on
        participation_note(participation=participation, user=user, what=_(
            "not reached again before the next working day: does not count as another "
            "attempt; call again on %(day)s") % {"day": format_date(planned) if planned else "–"})
        return
    counted_so_far = attempts_counted(participation)
    if counted_so_far >= project.call_attempts_max:
        participation_move(participation=participation, to=S.NOT_REACHED, user=user,
                           what=_("not reached after %(n)s calls")
                           % {"n": project.call_attempts_max},
                           fields={"next_call_on": None})
        plan_callbacks_check(project=project, on=today)  # the list may be empty now
        return
    retry = add_working_days(today, project.call_retry_workdays)
    Participation.objects.filter(pk=participation.pk).update(next_call_on=retry)
    participation_note(participation=participation, user=user, what=_(
        "not reached (attempt %(n)s of %(max)s); call again on %(day)s") % {
        "n": counted_so_far, "max": project.call_attempts_max, "day": format_date(retry)})


def _next_step(participation: Participation, *, user, response: str, next_step: str,
               today: date, agreed_on: date | None, consult_at: datetime | None) -> None:
    project = participation.project
    later = agreed_on or call_again_on(today, project.call_later_months)
    what = _("reached: %(response)s") % {"response": A.Response(response).label}
    if next_step == A.Next.RESEND:
        # The letters app queues the letter for the assistant's next print run and moves
        # the patient back to 'letter sent'; the wait starts again once it is mailed.
        try:
            _request, new = letter_resend(participation=participation, user=user,
                                          reason=_("%(what)s (told by phone)") % {"what": what})
        except LettersRefused as error:
            raise CallError(error.message) from None
        if not new and participation.status == S.CALLBACK_DUE:  # one is waiting already
            participation_move(participation=participation, to=S.LETTER_SENT, user=user,
                               what=_("%(what)s; the letter is already waiting to be sent "
                                      "again") % {"what": what},
                               fields={"next_call_on": None})
    elif next_step == A.Next.CONSULT:
        if consult_at is None:
            raise CallError(_("Give the date and time of the consult."))
        when = timezone.localtime(consult_at)
        participation_move(participation=participation, to=S.CONSULT_PLANNED, user=user,
                           what=_("%(what)s; consult on %(when)s") % {"what": what,
                                                                "when": format_datetime(when)},
                           fields={"consult_at": consult_at, "next_call_on": None})
        # The planned consult itself (docs/domain.md, step 7), in this transaction; the
        # invitation letter goes out with the next invitation print run (letters app).
        try:
            consultation_book_from_call(participation=participation, user=user, at=consult_at,
                                        today=today)
        except ConsultError as error:
            raise CallError(error.message) from None
    elif next_step == A.Next.CALL_LATER:
        participation_move(participation=participation, to=S.CALL_LATER, user=user,
                           what=_("%(what)s; call again on %(day)s") % {"what": what,
                                                                "day": format_date(later)},
                           fields={"next_call_on": None})
        due_item_schedule(kind=DueItem.Kind.CALL_LATER, participation=participation,
                          due_on=later, assigned_to=project.lead)
    elif next_step == A.Next.DECLINED:
        participation_move(participation=participation, to=S.DECLINED, user=user,
                           what=_("%(what)s; not now, ask again on %(day)s") % {
                               "what": what, "day": format_date(later)},
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
    """A reminder done by hand; a second click changes nothing. The final evaluation's
    reminder done checks off the plan's *evaluated* steps (docs/domain.md#plan-milestones)."""
    done = DueItem.objects.filter(pk=item.pk, done_at__isnull=True).update(
        done_at=timezone.now())
    if done:
        audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=item.project,
                  detail=f"reminder done: {item.kind} {item.due_on}")
        if item.kind == DueItem.Kind.FINAL_EVALUATION:
            plan_milestone_reached(project=item.project, milestone=PlanMilestone.EVALUATED,
                                   on=timezone.localdate())
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
            send_mail(_("Benzoreductie: your tasks for %(day)s") % {"day": format_date(day)},
                      body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except IntegrityError:
        return False
    return True
