"""Writes for tapering schedules (docs/domain.md, step 7 and #tapering-schedules).

A schedule keeps every version: making, changing, holding a step, repeating a
step and going one step back each add a version with who, when and why, and a
timeline entry with the reason. A switch to diazepam waits for a GP's
confirmation; a version that keeps the same switch keeps the confirmation.

Each form carries the version number it was shown: a stale page (someone changed
the schedule meanwhile) or a second click is refused with a message and changes
nothing. The next step's date is a ``TAPER_STEP`` due item, moved in the same
transaction as each new version (``tapering.due`` turns it into a monitoring
contact for the project lead on the day).
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benzoproject.formats import format_date
from patients.audit import audit_log
from patients.models import AuditEvent, DueItem, Membership, Participation, Role
from patients.workflow import (
    due_item_schedule,
    due_items_cancel,
    participation_move,
    participation_note,
)

from ..models import TaperSchedule, TaperScheduleVersion
from ..plans import Built, PlanChoice, plan_build, product_or_refuse
from ..schedule import (
    ScheduleRefused,
    Step,
    mg_text,
    schedule_back,
    schedule_hold,
    schedule_repeat,
)
from ..schedules import product_for_atc
from ..stepdata import next_step_after, steps_from_json, steps_to_json

S = Participation.Status
V = TaperScheduleVersion.Change
# Where a schedule may be made from (docs/architecture.md#participation-statuses).
MAKE_FROM = (S.CONSULT_PLANNED, S.TAPERING)
SCHEDULE_KINDS = (DueItem.Kind.TAPER_STEP, DueItem.Kind.MONITOR_CONTACT)


class ScheduleStale(ScheduleRefused):
    """The page was made from an earlier version (or a second click): nothing changed."""


def _stale() -> ScheduleStale:
    return ScheduleStale(_("The tapering schedule was changed in the meantime. Nothing was "
                           "saved: look at the current version and try again."))


def _reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise ScheduleRefused(_("Give the reason for the change."))
    return reason[:500]


def choice_of(version: TaperScheduleVersion) -> PlanChoice:
    """The plan a version was made from."""
    return PlanChoice(atc=version.atc, strength_mg=version.strength_mg,
                      dose_mg=version.dose_mg, preset=version.preset, start=version.start,
                      switch_diazepam=version.switch_diazepam,
                      step_percent=version.step_percent, interval_days=version.interval_days,
                      final_small_step=version.final_small_step)


def _same_switch(old: TaperScheduleVersion, built: Built) -> bool:
    """Whether the GP's confirmation of ``old`` also covers ``built``: the same product and
    dose converted to the same diazepam dose."""
    return (old.switch_diazepam and built.switched_dose_mg is not None
            and old.atc == built.choice.atc and old.dose_mg == built.choice.dose_mg
            and old.switched_dose_mg == built.switched_dose_mg)


def _built_again(version: TaperScheduleVersion, steps: list[Step]) -> Built:
    """``version``'s plan with adjusted ``steps``: the same product, switch and equivalence."""
    return Built(choice=choice_of(version), product=product_or_refuse(version.atc),
                 steps=steps, switched_dose_mg=version.switched_dose_mg,
                 equivalence_mg=version.equivalence_mg,
                 equivalence_source=version.equivalence_source)


def _locked_active(schedule: TaperSchedule, expected_version: int) -> TaperSchedule:
    """The schedule locked for a change, refused when replaced or not the page's version."""
    locked = TaperSchedule.objects.select_for_update().select_related(
        "participation__project", "participation__patient").get(pk=schedule.pk)
    if locked.replaced_at is not None or locked.current_number != expected_version:
        raise _stale()
    return locked


def _schedule_contacts(*, participation: Participation, steps: list[Step], today: date) -> None:
    """The open ``TAPER_STEP`` item on the first step that begins after today, or none.

    A schedule is made or changed during a contact with the patient, so the next
    monitoring contact is the next step after today (docs/domain.md#tapering-schedules).
    """
    upcoming = next_step_after(steps, today)
    if upcoming is None:
        due_items_cancel(participation=participation, kinds=[DueItem.Kind.TAPER_STEP])
        return
    due_item_schedule(kind=DueItem.Kind.TAPER_STEP, participation=participation,
                      due_on=upcoming.start,
                      note=_("step %(n)s begins") % {"n": upcoming.number})


def _add_version(*, schedule: TaperSchedule, user, change: str, reason: str, built: Built,
                 previous: TaperScheduleVersion | None, today: date) -> TaperScheduleVersion:
    choice, steps = built.choice, built.steps
    keep = previous is not None and _same_switch(previous, built)
    number = previous.number + 1 if previous is not None else 1
    version = TaperScheduleVersion.objects.create(
        schedule=schedule, number=number, change=change, reason=reason, made_by=user,
        atc=choice.atc, strength_mg=choice.strength_mg, dose_mg=choice.dose_mg,
        preset=choice.preset, start=choice.start, switch_diazepam=choice.switches,
        step_percent=choice.step_percent, interval_days=choice.interval_days,
        final_small_step=choice.final_small_step, steps=steps_to_json(steps),
        switched_dose_mg=built.switched_dose_mg, equivalence_mg=built.equivalence_mg,
        equivalence_source=built.equivalence_source,
        confirmed_by=previous.confirmed_by if keep and previous else None,
        confirmed_at=previous.confirmed_at if keep and previous else None)
    schedule.current_number = number
    schedule.save(update_fields=["current_number"])
    _schedule_contacts(participation=schedule.participation, steps=steps, today=today)
    audit_log(user=user, action=AuditEvent.Action.CREATE if number == 1
              else AuditEvent.Action.CHANGE, obj=schedule,
              detail=f"tapering schedule version {number}: {change}")
    return version


@transaction.atomic
def taper_schedule_make(*, participation: Participation, user, choice: PlanChoice, today: date,
                        replacing: TaperSchedule | None = None, expected_version: int = 0,
                        reason: str = "") -> TaperSchedule:
    """Make a participation's schedule; a patient with a consult planned starts tapering.

    ``replacing`` is the active schedule the page showed (None when it showed none),
    with its version number: a schedule made or changed meanwhile is refused. A new
    schedule replacing the active one needs a reason and cancels its due items.
    """
    locked = Participation.objects.select_for_update().select_related(
        "project", "patient").get(pk=participation.pk)
    if locked.status not in MAKE_FROM:
        raise ScheduleRefused(_("A tapering schedule can be made after a consult: this "
                                "patient's status is ‘%(status)s’.")
                              % {"status": locked.get_status_display()})
    active = TaperSchedule.objects.select_for_update().filter(
        participation=locked, replaced_at__isnull=True).first()
    shown = replacing.pk if replacing is not None else None
    if (active.pk if active is not None else None) != shown or (
            active is not None and active.current_number != expected_version):
        raise _stale()
    why = _reason(reason) if active is not None else " ".join(reason.split())[:500]
    built = plan_build(choice)
    if active is not None:
        active.replaced_at = timezone.now()
        active.save(update_fields=["replaced_at"])
        due_items_cancel(participation=locked, kinds=SCHEDULE_KINDS)
    schedule = TaperSchedule.objects.create(participation=locked, created_by=user)
    _add_version(schedule=schedule, user=user, change=V.MADE, reason=why, built=built,
                 previous=None, today=today)
    what = _("tapering schedule started: %(summary)s") % {"summary": summary(built.steps)}
    if active is not None:
        what = _("new tapering schedule, replacing the earlier one: %(summary)s; reason: "
                 "%(reason)s") % {"summary": summary(built.steps), "reason": why}
    if locked.status == S.CONSULT_PLANNED:
        participation_move(participation=locked, to=S.TAPERING, user=user, what=what,
                           expected={S.CONSULT_PLANNED})
        participation.status = locked.status
    else:
        participation_note(participation=locked, user=user, what=what)
    return schedule


def summary(steps: list[Step]) -> str:
    """'20 mg temazepam a day to 0 on 02-02-2027'."""
    if not steps:
        return ""
    first, last = steps[0], steps[-1]
    return _("%(dose)s mg %(substance)s a day, to 0 on %(end)s") % {
        "dose": mg_text(first.daily_dose_mg), "substance": first.substance,
        "end": format_date(last.start)}


def _tapering(locked: TaperSchedule) -> None:
    if locked.participation.status != S.TAPERING:
        raise ScheduleRefused(_("This patient is not tapering (status ‘%(status)s’): the "
                                "schedule can no longer be changed.")
                              % {"status": locked.participation.get_status_display()})


@transaction.atomic
def taper_schedule_change(*, schedule: TaperSchedule, user, choice: PlanChoice, reason: str,
                          expected_version: int, today: date) -> TaperScheduleVersion:
    """New plan parameters: a new version built from them, the earlier kept."""
    locked = _locked_active(schedule, expected_version)
    _tapering(locked)
    why = _reason(reason)
    built = plan_build(choice)
    previous = locked.current
    version = _add_version(schedule=locked, user=user, change=V.CHANGED, reason=why,
                           built=built, previous=previous, today=today)
    participation_note(participation=locked.participation, user=user, what=_(
        "tapering schedule changed (version %(n)s): %(summary)s; reason: %(reason)s") % {
        "n": version.number, "summary": summary(built.steps), "reason": why})
    schedule.current_number = locked.current_number
    return version


def _adjust(*, schedule: TaperSchedule, user, change: str, reason: str, expected_version: int,
            today: date, make, what: str) -> TaperScheduleVersion:
    """One adjustment of the current version's steps (hold, repeat, back)."""
    locked = _locked_active(schedule, expected_version)
    _tapering(locked)
    why = _reason(reason)
    previous = locked.current
    steps = make(steps_from_json(previous.steps), why)
    # The plan stays the same: the switch and its confirmation carry over.
    version = _add_version(schedule=locked, user=user, change=change, reason=why,
                           built=_built_again(previous, steps), previous=previous, today=today)
    participation_note(participation=locked.participation, user=user,
                       what=_("%(what)s (version %(n)s); reason: %(reason)s") % {
                           "what": what, "n": version.number, "reason": why})
    schedule.current_number = locked.current_number
    return version


def _step_label(step: int) -> str:
    return _("step %(n)s") % {"n": step}


@transaction.atomic
def taper_schedule_hold(*, schedule: TaperSchedule, user, step: int, days: int, reason: str,
                        expected_version: int, today: date) -> TaperScheduleVersion:
    """Stay ``days`` longer on ``step``; the later steps move on."""
    if days < 1:
        raise ScheduleRefused(_("Hold a step for at least one day."))
    return _adjust(schedule=schedule, user=user, change=V.HOLD, reason=reason,
                   expected_version=expected_version, today=today,
                   make=lambda steps, why: schedule_hold(steps, step=step, days=days,
                                                         reason=why),
                   what=_("%(step)s held %(days)s days longer") % {
                       "step": _step_label(step), "days": days})


@transaction.atomic
def taper_schedule_repeat(*, schedule: TaperSchedule, user, step: int, reason: str,
                          expected_version: int, today: date) -> TaperScheduleVersion:
    """Take ``step`` once more; the later steps move on."""
    return _adjust(schedule=schedule, user=user, change=V.REPEAT, reason=reason,
                   expected_version=expected_version, today=today,
                   make=lambda steps, why: schedule_repeat(steps, step=step, reason=why),
                   what=_("%(step)s repeated") % {"step": _step_label(step)})


@transaction.atomic
def taper_schedule_back(*, schedule: TaperSchedule, user, step: int, reason: str,
                        expected_version: int, today: date) -> TaperScheduleVersion:
    """From today back to the dose before ``step``; the later steps move on."""
    return _adjust(schedule=schedule, user=user, change=V.BACK, reason=reason,
                   expected_version=expected_version, today=today,
                   make=lambda steps, why: schedule_back(steps, step=step, on=today,
                                                         reason=why),
                   what=_("one step back from %(step)s") % {"step": _step_label(step)})


@transaction.atomic
def taper_schedule_confirm(*, schedule: TaperSchedule, user, expected_version: int) -> bool:
    """A GP confirms the switch to diazepam of the current version; False when it was
    confirmed already (a second click)."""
    locked = TaperSchedule.objects.select_for_update().select_related(
        "participation__project__practice").get(pk=schedule.pk)
    practice = locked.participation.project.practice
    if not Membership.objects.filter(user=user, practice=practice, role=Role.HUISARTS).exists():
        raise ScheduleRefused(_("Only a GP of the practice can confirm the switch."))
    if locked.replaced_at is not None or locked.current_number != expected_version:
        raise _stale()
    version = locked.current
    if not version.switch_diazepam:
        raise ScheduleRefused(_("This schedule has no switch to diazepam to confirm."))
    if version.confirmed_at is not None:
        return False
    version.confirmed_by, version.confirmed_at = user, timezone.now()
    version.save(update_fields=["confirmed_by", "confirmed_at"])
    participation_note(participation=locked.participation, user=user, what=_(
        "switch to diazepam confirmed: %(dose)s mg %(substance)s a day becomes %(diazepam)s mg "
        "diazepam a day (%(source)s)") % {
        "dose": mg_text(version.dose_mg), "substance": substance_name(version.atc),
        "diazepam": mg_text(version.switched_dose_mg or Decimal(0)),
        "source": _(version.equivalence_source)})
    audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=locked,
              detail=f"diazepam switch of version {version.number} confirmed")
    return True


def substance_name(atc: str) -> str:
    product = product_for_atc(atc)
    return product.name if product is not None else atc


def monitoring_contact_done(*, participation: Participation, user) -> bool:
    """The monitoring contact took place (a consult recorded): close its open reminder.
    False when none was open."""
    items = DueItem.objects.filter(participation=participation,
                                   kind=DueItem.Kind.MONITOR_CONTACT, done_at__isnull=True,
                                   cancelled_at__isnull=True)
    item = items.first()
    if item is None or not items.filter(pk=item.pk).update(done_at=timezone.now()):
        return False
    audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=participation,
              detail=f"monitoring contact done: {item.due_on}")
    return True


__all__ = ["MAKE_FROM", "ScheduleRefused", "ScheduleStale", "choice_of",
           "monitoring_contact_done", "summary", "taper_schedule_back", "taper_schedule_change",
           "taper_schedule_confirm", "taper_schedule_hold", "taper_schedule_make",
           "taper_schedule_repeat"]
