"""Writes for consultations: plan, record as held, no-show and rebook, cancel (docs/domain.md,
step 7, "Consultations").

A consult is planned (booked from the call-back screen, or planned on the timeline),
then recorded once: held, with the agreed next step that moves the participation on;
not attended (no-show), perhaps rebooked; or cancelled. Each write locks the
participation and the consult, checks that the consult is still planned (a second
click or a stale page changes nothing and says so), writes a timeline entry and an
audit event, and keeps ``Participation.consult_at`` on the next planned consult
(the invitation letter and the screening's "consult less than a month ago" read it).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benzoproject.formats import format_date, format_datetime
from patients.audit import audit_log
from patients.dates import call_again_on
from patients.models import AuditEvent, DueItem, Membership, Participation, Practice
from patients.workflow import due_item_schedule, participation_move, participation_note

from ..models import CONSULT_HOLDER_ROLES, Consultation
from .schedules import monitoring_contact_done

S = Participation.Status
C = Consultation

# Booking limits: not before today, at most a year ahead (a later date is a typing error).
BOOK_AHEAD_DAYS = 366
# A contact that took place may be recorded afterwards, up to this many days back.
RECORD_BACK_DAYS = 90
# "Not now": the day to ask again lies after today and within two years.
ASK_AGAIN_AHEAD_DAYS = 2 * 366
# A contact "just now" may be a few minutes ahead of the server's clock.
CLOCK_SLACK = timedelta(minutes=5)

# The kinds of contact that fit a participation's status: the evaluation consult before
# a schedule, monitoring contacts while tapering (docs/domain.md, step 7).
KINDS_FOR_STATUS: dict[str, tuple[str, ...]] = {
    S.CONSULT_PLANNED: (C.Kind.EVALUATION,),
    S.TAPERING: (C.Kind.MONITORING_VISIT, C.Kind.MONITORING_PHONE, C.Kind.EVALUATION),
}
# The next steps a consult may agree, by the participation's status.
NEXT_FOR_STATUS: dict[str, tuple[str, ...]] = {
    S.CONSULT_PLANNED: (C.Next.START, C.Next.NOT_NOW, C.Next.REFER, C.Next.STOPPED),
    S.TAPERING: (C.Next.CONTINUE, C.Next.STOPPED),
}
# Where each next step moves the participation (CONTINUE: nowhere).
MOVE_FOR_NEXT: dict[str, str] = {
    C.Next.START: S.TAPERING,
    C.Next.NOT_NOW: S.DECLINED,
    C.Next.REFER: S.REFERRED,
    C.Next.STOPPED: S.STOPPED,
}


class ConsultError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Outcome:
    """What a held consult recorded: who held it, the time it took, who came along, the
    notes and the agreed next step with its details."""

    next_step: str
    held_by: Any = None  # a user; None keeps the planned holder
    minutes: int | None = None
    relatives_present: bool = False
    relatives_who: str = ""
    notes: str = ""
    ask_again_on: date | None = None
    refer_to: str = ""
    refer_note: str = ""


def kinds_for(status: str) -> tuple[str, ...]:
    return KINDS_FOR_STATUS.get(status, ())


def next_steps_for(status: str) -> tuple[str, ...]:
    return NEXT_FOR_STATUS.get(status, ())


def booking_problem(*, at: datetime, today: date) -> str:
    """Why a consult cannot be booked at ``at`` ('' when it can)."""
    day = timezone.localdate(at)
    if day < today:
        return _("A consult cannot be booked in the past.")
    if day > today + timedelta(days=BOOK_AHEAD_DAYS):
        return _("A consult can be booked at most a year ahead. Check the date.")
    return ""


def contact_time_problem(*, at: datetime, now: datetime) -> str:
    """Why a contact that took place cannot be recorded at ``at`` ('' when it can)."""
    if at > now + CLOCK_SLACK:
        return _("A contact that took place cannot be in the future. To book one, plan it.")
    if timezone.localdate(at) < timezone.localdate(now) - timedelta(days=RECORD_BACK_DAYS):
        return _("A contact can be recorded up to %(days)s days afterwards. Check the date.") % {
            "days": RECORD_BACK_DAYS}
    return ""


def ask_again_problem(*, day: date, today: date) -> str:
    if day <= today:
        return _("The day to ask again must be after today.")
    if day > today + timedelta(days=ASK_AGAIN_AHEAD_DAYS):
        return _("The day to ask again can be at most two years ahead. Check the date.")
    return ""


def holder_role(*, user, practice: Practice) -> str:
    """The role ``user`` has in ``practice`` now ('' without a membership)."""
    return (Membership.objects.filter(user=user, practice=practice)
            .values_list("role", flat=True).first()) or ""


def _person(user) -> str:
    return user.get_full_name() or user.username


def _checked_holder(user, practice: Practice) -> str:
    role = holder_role(user=user, practice=practice)
    if role not in CONSULT_HOLDER_ROLES:
        raise ConsultError(_("%(name)s cannot hold consults here: only a POH-GGZ or a GP of "
                             "the practice can.") % {"name": _person(user)})
    return role


def _lock(participation: Participation) -> Participation:
    locked: Participation = (Participation.objects.select_for_update()
                             .select_related("project__practice", "patient")
                             .get(pk=participation.pk))
    return locked


def _check_kind(participation: Participation, kind: str) -> None:
    if kind in kinds_for(participation.status):
        return
    if participation.status in KINDS_FOR_STATUS:
        raise ConsultError(_("A %(kind)s follows a tapering schedule that has started; this "
                             "patient has not started one.") % {"kind": C.Kind(kind).label})
    raise ConsultError(_("A consult can be planned for a patient with a consult planned or "
                         "tapering; this patient's status is now '%(status)s'.")
                       % {"status": participation.get_status_display()})


def consult_at_sync(participation: Participation) -> None:
    """``consult_at`` follows the next planned consult; without one, the last held."""
    consults = Consultation.objects.filter(participation=participation)
    when = (consults.filter(status=C.Status.PLANNED).order_by("at").values_list("at", flat=True)
            .first()
            or consults.filter(status=C.Status.HELD).order_by("-at")
            .values_list("at", flat=True).first())
    if participation.consult_at != when:
        Participation.objects.filter(pk=participation.pk).update(consult_at=when)
        participation.consult_at = when


def _planned_create(participation: Participation, *, user, at: datetime, kind: str, held_by,
                    rebooked_from: Consultation | None = None) -> Consultation:
    """A planned consult of a locked participation; a moment booked twice is refused."""
    practice = participation.project.practice
    role = holder_role(user=held_by, practice=practice)
    try:
        with transaction.atomic():
            consult = Consultation.objects.create(
                participation=participation, at=at, kind=kind, held_by=held_by,
                held_by_role=role, planned_by=user, rebooked_from=rebooked_from)
    except IntegrityError:
        # The unique constraints: the same moment already planned, or the no-show rebooked.
        raise ConsultError(_("This consult is already planned (perhaps a second click); "
                             "nothing was added.")) from None
    audit_log(user=user, action=AuditEvent.Action.CREATE, obj=consult, practice=practice,
              patient=participation.patient,
              detail=f"consult planned: {kind} {at.isoformat()}")
    consult_at_sync(participation)
    return consult


def consultation_book_from_call(*, participation: Participation, user, at: datetime,
                                today: date) -> Consultation:
    """The evaluation consult booked on the call-back screen (docs/domain.md, step 6), held
    by the project lead (who holds a consult can be changed when it is recorded). Called
    inside ``call_attempt_log``'s transaction, after the move to *consult planned*, whose
    timeline entry names the consult."""
    problem = booking_problem(at=at, today=today)
    if problem:
        raise ConsultError(problem)
    return _planned_create(participation, user=user, at=at, kind=C.Kind.EVALUATION,
                           held_by=participation.project.lead)


@transaction.atomic
def consultation_plan(*, participation: Participation, user, at: datetime, kind: str, held_by,
                      today: date) -> Consultation:
    """Plan a consult or monitoring contact for a patient with a consult planned or tapering."""
    locked = _lock(participation)
    _check_kind(locked, kind)
    problem = booking_problem(at=at, today=today)
    if problem:
        raise ConsultError(problem)
    _checked_holder(held_by, locked.project.practice)
    consult = _planned_create(locked, user=user, at=at, kind=kind, held_by=held_by)
    participation_note(participation=locked, user=user, what=_(
        "%(kind)s planned on %(when)s with %(who)s") % {
        "kind": C.Kind(kind).label, "when": format_datetime(at), "who": _person(held_by)})
    participation.consult_at = locked.consult_at
    return consult


def _locked_consult(consult: Consultation) -> tuple[Participation, Consultation]:
    """Lock the participation, then the consult (the order every write takes)."""
    participation = _lock(consult.participation)
    locked: Consultation = Consultation.objects.select_for_update().get(pk=consult.pk)
    locked.participation = participation
    return participation, locked


def _not_planned_any_more(consult: Consultation) -> ConsultError:
    who = _person(consult.recorded_by) if consult.recorded_by else "–"
    when = format_datetime(consult.recorded_at) if consult.recorded_at else "–"
    return ConsultError(_("This consult was already recorded as '%(status)s' (%(who)s, "
                          "%(when)s). Nothing was changed.") % {
        "status": consult.get_status_display(), "who": who, "when": when})


def _check_on_or_after_its_day(consult: Consultation, today: date) -> None:
    day = timezone.localdate(consult.at)
    if day > today:
        raise ConsultError(_("This consult is planned for %(day)s and can be recorded from that "
                             "day on. If the patient came earlier, cancel it and record the "
                             "contact that took place.") % {"day": format_date(day)})


@transaction.atomic
def consultation_record(*, consultation: Consultation, user, today: date,
                        outcome: Outcome) -> Consultation:
    """Record a planned consult as held, and take the agreed next step."""
    participation, consult = _locked_consult(consultation)
    if not consult.is_planned:
        raise _not_planned_any_more(consult)
    _check_on_or_after_its_day(consult, today)
    _held(participation, consult, user=user, today=today, outcome=outcome)
    return consult


@transaction.atomic
def consultation_record_contact(*, participation: Participation, user, at: datetime, kind: str,
                                today: date, outcome: Outcome) -> Consultation:
    """Record a contact that already took place (a phone call just now) in one step."""
    locked = _lock(participation)
    _check_kind(locked, kind)
    problem = contact_time_problem(at=at, now=timezone.now())
    if problem:
        raise ConsultError(problem)
    if locked.consultations.filter(status=C.Status.HELD, at=at, kind=kind).exists():
        raise ConsultError(_("This contact has already been recorded (perhaps a second click); "
                             "nothing was added."))
    held_by = outcome.held_by or user
    consult = Consultation(participation=locked, at=at, kind=kind, held_by=held_by,
                           planned_by=user)
    _held(locked, consult, user=user, today=today, outcome=outcome)
    return consult


def _held(participation: Participation, consult: Consultation, *, user, today: date,
          outcome: Outcome) -> None:
    """Store the held consult and take its next step (the caller holds the locks)."""
    step = outcome.next_step
    if step not in next_steps_for(participation.status):
        raise ConsultError(_("'%(step)s' does not fit a %(kind)s of a patient whose status is "
                             "'%(status)s'. Choose another next step.") % {
            "step": C.Next(step).label if step in C.Next.values else step,
            "kind": C.Kind(consult.kind).label, "status": participation.get_status_display()})
    practice = participation.project.practice
    held_by = outcome.held_by or consult.held_by
    consult.held_by_role = _checked_holder(held_by, practice)
    consult.held_by = held_by
    consult.status = C.Status.HELD
    consult.minutes = outcome.minutes
    consult.relatives_present = outcome.relatives_present
    consult.relatives_who = outcome.relatives_who.strip()[:200] if outcome.relatives_present \
        else ""
    consult.notes = outcome.notes.strip()
    consult.next_step = step
    consult.ask_again_on = None
    consult.refer_to, consult.refer_note = "", ""
    consult.recorded_by, consult.recorded_at = user, timezone.now()
    agreed = _agreed(consult, outcome, participation=participation, today=today)
    consult.save()
    what = _("%(kind)s on %(when)s held by %(who)s: %(agreed)s") % {
        "kind": C.Kind(consult.kind).label, "when": format_datetime(consult.at),
        "who": _person(held_by), "agreed": agreed}
    to = MOVE_FOR_NEXT.get(step)
    if to is None:
        participation_note(participation=participation, user=user, what=what)
    else:
        participation_move(participation=participation, to=to, user=user, what=what,
                           expected=(participation.status,))
    if step == C.Next.NOT_NOW and consult.ask_again_on is not None:
        # The sweep puts the patient back in the call-back list on that day (tapering/due.py).
        due_item_schedule(kind=DueItem.Kind.ASK_AGAIN, participation=participation,
                          due_on=consult.ask_again_on, assigned_to=participation.project.lead)
    if step in (C.Next.NOT_NOW, C.Next.REFER, C.Next.STOPPED):
        _cancel_the_rest(participation, consult, user=user, agreed=agreed)
    # Any consult held while tapering is the contact the schedule's step asked for: its
    # reminder is done (none open: nothing happens).
    monitoring_contact_done(participation=participation, user=user)
    audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=consult, practice=practice,
              patient=participation.patient, detail=f"consult held: {step}")
    consult_at_sync(participation)


def _agreed(consult: Consultation, outcome: Outcome, *, participation: Participation,
            today: date) -> str:
    """Fill in the next step's details on ``consult``; return what was agreed, for the
    timeline."""
    step = outcome.next_step
    if step == C.Next.NOT_NOW:
        day = outcome.ask_again_on or call_again_on(today,
                                                    participation.project.call_later_months)
        problem = ask_again_problem(day=day, today=today)
        if problem:
            raise ConsultError(problem)
        consult.ask_again_on = day
        return _("not now, ask again on %(day)s") % {"day": format_date(day)}
    if step == C.Next.REFER:
        if outcome.refer_to not in C.Referral.values:
            raise ConsultError(_("Choose where the patient is referred to."))
        note = outcome.refer_note.strip()[:500]
        if outcome.refer_to == C.Referral.OTHER and not note:
            raise ConsultError(_("Say where the patient is referred to."))
        consult.refer_to, consult.refer_note = outcome.refer_to, note
        label = str(C.Referral(outcome.refer_to).label)
        return (_("referred to %(where)s (%(note)s)") % {"where": label, "note": note} if note
                else _("referred to %(where)s") % {"where": label})
    return str(C.Next(step).label)


def _cancel_the_rest(participation: Participation, consult: Consultation, *, user,
                     agreed: str) -> None:
    """Other planned consults are not needed once the patient declined, was referred or
    stopped."""
    rest = list(participation.consultations.filter(status=C.Status.PLANNED)
                .exclude(pk=consult.pk).select_for_update())
    for other in rest:
        _cancelled(other, user=user, reason=_("no longer needed: %(agreed)s") % {"agreed": agreed})
        participation_note(participation=participation, user=user, what=_(
            "%(kind)s of %(when)s cancelled: no longer needed") % {
            "kind": C.Kind(other.kind).label, "when": format_datetime(other.at)})


def _cancelled(consult: Consultation, *, user, reason: str) -> None:
    consult.status = C.Status.CANCELLED
    consult.cancel_reason = reason[:300]
    consult.recorded_by, consult.recorded_at = user, timezone.now()
    consult.save(update_fields=["status", "cancel_reason", "recorded_by", "recorded_at"])
    audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=consult,
              practice=consult.participation.project.practice,
              patient=consult.participation.patient, detail=f"consult cancelled: {reason}")


@transaction.atomic
def consultation_no_show(*, consultation: Consultation, user, today: date,
                         rebook_at: datetime | None = None) -> Consultation | None:
    """The patient did not come: the consult is marked so; with ``rebook_at`` a new one is
    planned in its place at once. Returns the new consult, if any."""
    participation, consult = _locked_consult(consultation)
    if not consult.is_planned:
        raise _not_planned_any_more(consult)
    _check_on_or_after_its_day(consult, today)
    if rebook_at is not None:
        problem = booking_problem(at=rebook_at, today=today)
        if problem:
            raise ConsultError(problem)
    consult.status = C.Status.NO_SHOW
    consult.recorded_by, consult.recorded_at = user, timezone.now()
    consult.save(update_fields=["status", "recorded_by", "recorded_at"])
    participation_note(participation=participation, user=user, what=_(
        "did not come to the %(kind)s of %(when)s") % {
        "kind": C.Kind(consult.kind).label, "when": format_datetime(consult.at)})
    audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=consult,
              practice=participation.project.practice, patient=participation.patient,
              detail="consult: no-show")
    consult_at_sync(participation)
    if rebook_at is None:
        return None
    return _rebooked(participation, consult, user=user, at=rebook_at, today=today)


@transaction.atomic
def consultation_rebook(*, consultation: Consultation, user, at: datetime,
                        today: date) -> Consultation:
    """Plan a new consult in place of a no-show (once)."""
    participation, consult = _locked_consult(consultation)
    if consult.status != C.Status.NO_SHOW:
        raise ConsultError(_("Only a consult the patient did not come to can be rebooked."))
    return _rebooked(participation, consult, user=user, at=at, today=today)


def _rebooked(participation: Participation, no_show: Consultation, *, user, at: datetime,
              today: date) -> Consultation:
    if Consultation.objects.filter(rebooked_from=no_show).exists():
        raise ConsultError(_("This consult has already been rebooked; nothing was added."))
    _check_kind(participation, no_show.kind)
    problem = booking_problem(at=at, today=today)
    if problem:
        raise ConsultError(problem)
    consult = _planned_create(participation, user=user, at=at, kind=no_show.kind,
                              held_by=no_show.held_by, rebooked_from=no_show)
    participation_note(participation=participation, user=user, what=_(
        "rebooked: %(kind)s on %(when)s") % {"kind": C.Kind(no_show.kind).label,
                                             "when": format_datetime(at)})
    return consult


@transaction.atomic
def consultation_cancel(*, consultation: Consultation, user, reason: str) -> Consultation:
    """Cancel a planned consult, with the reason (on the timeline)."""
    participation, consult = _locked_consult(consultation)
    if not consult.is_planned:
        raise _not_planned_any_more(consult)
    reason = reason.strip()
    if not reason:
        raise ConsultError(_("Give the reason for cancelling."))
    _cancelled(consult, user=user, reason=reason)
    participation_note(participation=participation, user=user, what=_(
        "%(kind)s of %(when)s cancelled: %(reason)s") % {
        "kind": C.Kind(consult.kind).label, "when": format_datetime(consult.at),
        "reason": reason})
    consult_at_sync(participation)
    return consult
