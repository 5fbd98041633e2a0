"""Writes for practices, projects, screening and the lists (services, as in
docs/architecture.md#house-style)."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from benzoproject.formats import format_date

from .audit import audit_log, audit_log_many
from .dates import next_month_start, wait_period_end
from .groslijst import months_back
from .groslijst_cache import groslijst_forget
from .models import (
    OUTCOMES_NEEDING_REASON,
    AuditEvent,
    DueItem,
    ExclusionReason,
    GpNameMapping,
    ImportBatch,
    Participation,
    ParticipationOutcome,
    Patient,
    PlanMilestone,
    PlanStep,
    Practice,
    Project,
    Role,
    ScreeningDecision,
)
from .plan_defaults import DEFAULT_PLAN
from .selectors import gp_name_rows
from .workflow import (
    OUTCOME_STATUS,
    MoveRefused,
    due_item_schedule,
    may_move,
    participation_move,
    participation_note,
)


@transaction.atomic
def project_create(*, user, practice: Practice, data: dict, gps=(), assistants=()) -> Project:
    """Create a project with the default plan of approach (docs/domain.md, step 1)."""
    project = Project.objects.create(practice=practice, **data)
    project.gps.set(gps)
    project.assistants.set(assistants)
    PlanStep.objects.bulk_create(
        PlanStep(project=project, month=step.month, what=step.what, how=step.how,
                 who=step.who, milestone=step.milestone)
        for step in DEFAULT_PLAN
    )
    audit_log(user=user, action=AuditEvent.Action.CREATE, obj=project, detail=project.name)
    if project.status != Project.Status.CLOSED:  # a round entered afterwards: nothing due
        due_item_schedule(kind=DueItem.Kind.FINAL_EVALUATION, project=project,
                          due_on=final_evaluation_due(project), assigned_to=project.lead)
    monthly_snapshot_ensure(project=project, today=timezone.localdate())
    return project


def final_evaluation_due(project: Project) -> date:
    """The day the final evaluation is due: the planned start + 9 or 12 calendar months,
    clamped at the month's end (31 May + 9 months is the last day of February)."""
    return months_back(project.planned_start, -project.evaluation_months)


def _project_items(project: Project, kind: str):
    return DueItem.objects.filter(project=project, participation__isnull=True, kind=kind,
                                  done_at__isnull=True, cancelled_at__isnull=True)


def _final_evaluation_reschedule(project: Project) -> None:
    """Move the open final-evaluation reminder to the project's (new) date and lead; one
    already marked done stays done (no second reminder)."""
    _project_items(project, DueItem.Kind.FINAL_EVALUATION).update(
        due_on=final_evaluation_due(project), assigned_to=project.lead)


def monthly_snapshot_ensure(*, project: Project, today: date) -> DueItem | None:
    """Give a project that is not closed its open ``monthly_snapshot`` item, due on the
    next 1st, unless it has one (an overdue one stays as it is: the sweep catches up the
    months it missed). docs/domain.md#timed-steps."""
    if project.status == Project.Status.CLOSED:
        return None
    item = _project_items(project, DueItem.Kind.MONTHLY_SNAPSHOT).first()
    return item or due_item_schedule(kind=DueItem.Kind.MONTHLY_SNAPSHOT, project=project,
                                     due_on=next_month_start(today))


@transaction.atomic
def project_update(*, user, project: Project, data: dict, gps=(), assistants=()) -> Project:
    stored = Project.objects.select_for_update().get(pk=project.pk)
    changed = [name for name, value in data.items() if getattr(stored, name) != value]
    for name, value in data.items():
        setattr(project, name, value)
    project.save()
    project.gps.set(gps)
    project.assistants.set(assistants)
    audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=project,
              detail="fields: " + ", ".join(changed) if changed else "no field changed")
    _final_evaluation_reschedule(project)
    monthly_snapshot_ensure(project=project, today=timezone.localdate())
    return project


def plan_step_may_check(*, role: str, step: PlanStep) -> bool:
    """The project lead checks off any step; others only the steps of their own role."""
    return role == Role.POH_GGZ or role == step.who


@transaction.atomic
def plan_step_set_done(*, user, step: PlanStep, done_on: date | None) -> PlanStep:
    """Check a step off on ``done_on``, or open it again with ``None``."""
    step = PlanStep.objects.select_for_update().get(pk=step.pk)
    if step.done_on == done_on:
        return step  # a second click changes nothing
    step.done_on = done_on
    step.done_by = user if done_on else None
    step.save(update_fields=["done_on", "done_by"])
    audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=step,
              detail=f"done on {done_on:%Y-%m-%d}" if done_on else "reopened")
    return step


@transaction.atomic
def plan_milestone_reached(*, project: Project, milestone: str, on: date) -> int:
    """The app saw ``milestone`` happen on ``on``: check off the project's open steps that
    carry it, as done by the app (docs/domain.md, step 1, "Steps the app checks off").

    Idempotent: a step already done keeps its date and who did it, so a second call
    changes nothing. A step reopened by hand stays open until the milestone happens
    again. A closed project is left alone. Returns how many steps were checked off.
    """
    if project.status == Project.Status.CLOSED:
        return 0
    steps = list(PlanStep.objects.select_for_update()
                 .filter(project=project, milestone=milestone, done_on__isnull=True))
    for step in steps:
        step.done_on, step.done_by = on, None
        step.save(update_fields=["done_on", "done_by"])
        audit_log(user=None, action=AuditEvent.Action.CHANGE, obj=step,
                  practice=project.practice,
                  detail=f"done on {on:%Y-%m-%d} by the app ({milestone})")
    return len(steps)


def plan_callbacks_check(*, project: Project, on: date) -> int:
    """Check off the call-back steps when the call-back list of the project has emptied:
    letters went out, and nobody is still waiting for the call-back or due for one
    (docs/domain.md, step 1). The call-back app calls this after each logged call."""
    S = Participation.Status
    participations = project.participations
    if not participations.filter(letter_sent_on__isnull=False).exists():
        return 0
    if participations.filter(status__in=(S.LETTER_SENT, S.CALLBACK_DUE)).exists():
        return 0
    return plan_milestone_reached(project=project, milestone=PlanMilestone.CALLED, on=on)


@transaction.atomic
def plan_step_save(*, user, project: Project, data: dict, step: PlanStep | None = None) -> PlanStep:
    """Add a step to the plan, or change one."""
    if step is None:
        step = PlanStep.objects.create(project=project, **data)
        action = AuditEvent.Action.CREATE
    else:
        for name, value in data.items():
            setattr(step, name, value)
        step.save()
        action = AuditEvent.Action.CHANGE
    audit_log(user=user, action=action, obj=step, detail=step.what)
    return step


@transaction.atomic
def plan_step_delete(*, user, step: PlanStep) -> None:
    audit_log(user=user, action=AuditEvent.Action.DELETE, obj=step, detail=step.what)
    step.delete()


@transaction.atomic
def participations_from_groslijst(*, user, project: Project, patients: list[Patient],
                                  reference_date: date) -> int:
    """Put chosen groslijst patients into the project's screening queue (status: to screen).

    Patients already in the project are left as they are; returns how many were added.
    """
    existing = set(Participation.objects.filter(project=project, patient__in=patients)
                   .values_list("patient_id", flat=True))
    new = [Participation(project=project, patient=p, reference_date=reference_date,
                         created_by=user) for p in patients if p.pk not in existing]
    Participation.objects.bulk_create(new)
    audit_log_many(user=user, action=AuditEvent.Action.CREATE, practice=project.practice,
                   objs=new, detail=f"to screening in {project.name}")
    if new:  # the groslijst is made: its patients are in screening (docs/domain.md, step 1)
        plan_milestone_reached(project=project, milestone=PlanMilestone.GROSLIJST,
                               on=timezone.localdate())
    return len(new)


@transaction.atomic
def import_batch_done(*, batch: ImportBatch) -> None:
    """What follows a successful import (called by the importer, inside its transaction):
    the open projects' "prescriptions imported" steps are checked off, and the GP names the
    import brought for the first time get a row on the mapping page (docs/domain.md,
    steps 1 and 4). The practice's cached groslijsts are forgotten
    (docs/security.md#under-load)."""
    practice = batch.practice
    groslijst_forget(practice=practice)
    on = timezone.localdate(batch.finished_at) if batch.finished_at else timezone.localdate()
    for project in Project.objects.filter(practice=practice).exclude(
            status=Project.Status.CLOSED):
        plan_milestone_reached(project=project, milestone=PlanMilestone.IMPORTED, on=on)
    known = set(practice.gp_names.values_list("export_name", flat=True))
    names = (Patient.objects.filter(practice=practice).exclude(gp_name="")
             .values_list("gp_name", flat=True).distinct())
    GpNameMapping.objects.bulk_create(
        [GpNameMapping(practice=practice, export_name=name, first_seen_batch=batch)
         for name in sorted(set(names) - known)], ignore_conflicts=True)


# --- The GP names of the exports (docs/domain.md, step 4, the signer) -----------------

@transaction.atomic
def gp_name_confirm(*, user, mapping: GpNameMapping, gp) -> GpNameMapping:
    """The POH-GGZ confirms which GP user an export's name stands for (``gp`` None: none
    of the practice's GPs, e.g. a locum). The form offers only the practice's GPs."""
    mapping = GpNameMapping.objects.select_for_update().get(pk=mapping.pk)
    mapping.user = gp
    mapping.confirmed_at, mapping.confirmed_by = timezone.now(), user
    mapping.save(update_fields=["user", "confirmed_at", "confirmed_by"])
    audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=mapping,
              detail=f"{mapping.export_name} → {gp.get_username() if gp else 'no GP user'}")
    return mapping


@transaction.atomic
def gp_names_confirm_suggestions(*, user, practice: Practice) -> int:
    """Confirm every unconfirmed name that has a suggested GP; returns how many."""
    confirmed = 0
    for row in gp_name_rows(practice=practice):
        if not row.mapping.confirmed and row.suggested is not None:
            gp_name_confirm(user=user, mapping=row.mapping, gp=row.suggested)
            confirmed += 1
    return confirmed


def import_batch_discard(*, user, batch: ImportBatch) -> bool:
    """Drop an upload that was previewed but not imported (its file goes too)."""
    if batch.status != ImportBatch.Status.PENDING:
        return False
    audit_log(user=user, action=AuditEvent.Action.DELETE, obj=batch, detail=batch.file_name)
    batch.file.delete(save=False)
    batch.delete()
    return True


@transaction.atomic
def participation_letter_mailed(*, participation: Participation, user,
                                mailed_on: date, schedule_wait: bool = True) -> bool:
    """The stop letter went out on ``mailed_on``: the wait period starts (docs/domain.md,
    steps 4-5).

    Sets the letter date once; a second call for the same participation changes
    nothing and returns False. Schedules the end of the wait period for the
    project lead, unless ``schedule_wait`` is False (a letter of an earlier round
    whose wait ended long ago: docs/domain.md#cli-import-project-letters).
    """
    try:
        moved = participation_move(
            participation=participation, to=Participation.Status.LETTER_SENT, user=user,
            what=_("stop letter mailed on %(day)s") % {"day": format_date(mailed_on)},
            expected={Participation.Status.MAILING}, fields={"letter_sent_on": mailed_on})
    except MoveRefused:
        return False
    if schedule_wait:
        wait_schedule(participation=moved, mailed_on=mailed_on)
    return True


def wait_schedule(*, participation: Participation, mailed_on: date) -> DueItem:
    """The wait after a letter mailed on ``mailed_on`` (the first, or one sent again):
    its end is due for the project lead; an open wait is moved, not doubled."""
    project = participation.project
    return due_item_schedule(kind=DueItem.Kind.WAIT_ENDS, participation=participation,
                             due_on=wait_period_end(mailed_on, project.wait_days),
                             assigned_to=project.lead)


# --- A patient's postal address corrected in the app (docs/domain.md, step 6) ----------

ADDRESS_FIELDS = ("street", "house_number", "postcode", "city")


@transaction.atomic
def patient_address_correct(*, patient: Patient, user, street: str, house_number: str,
                            postcode: str, city: str,
                            participation: Participation | None = None) -> bool:
    """Correct the patient's postal address (asked on the phone: "klopt uw adres nog?").

    The address is marked as corrected in the app (who, when): from then on an import
    keeps it and lists a different address from the file on its page (docs/formats.md).
    Returns False, changing nothing, when the address is the same as stored. With
    ``participation`` the change also goes on that participation's timeline.
    """
    locked = Patient.objects.select_for_update().get(pk=patient.pk)
    new = {"street": street, "house_number": house_number, "postcode": postcode,
           "city": city}
    if all(getattr(locked, name) == value for name, value in new.items()):
        return False
    before = locked.address_line
    for name, value in new.items():
        setattr(locked, name, value)
    locked.address_corrected_at = timezone.now()
    locked.address_corrected_by = user
    locked.save(update_fields=[*ADDRESS_FIELDS, "address_corrected_at",
                               "address_corrected_by"])
    for name in (*ADDRESS_FIELDS, "address_corrected_at", "address_corrected_by"):
        setattr(patient, name, getattr(locked, name))
    if participation is not None:
        participation_note(participation=participation, user=user,
                           what=_("address corrected: %(address)s")
                           % {"address": locked.address_line})
    audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=locked, patient=locked,
              practice=locked.practice,
              detail=f"address corrected in the app (was: {before})")
    return True


# --- Screening and the lists (docs/domain.md, step 3) ---------------------------------

UNDOABLE = frozenset({Participation.Status.EXCLUDED, Participation.Status.APPROVED,
                      Participation.Status.MAILING, Participation.Status.RESERVE})
LISTS = (Participation.Status.MAILING, Participation.Status.RESERVE)


class ScreeningError(Exception):
    """A screening step that cannot be taken now; ``message`` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@transaction.atomic
def screening_decide(*, participation: Participation, user, decision: str, reason: str = "",
                     note: str = "") -> ScreeningDecision:
    """The GP approaches or excludes one patient (only a huisarts calls this)."""

    if decision == ScreeningDecision.Decision.EXCLUDE and not reason:
        raise ScreeningError(_("Choose a reason for not approaching this patient."))
    if reason == ExclusionReason.OTHER and not note.strip():
        raise ScreeningError(_("Describe the other reason in the note."))
    approach = decision == ScreeningDecision.Decision.APPROACH
    to = Participation.Status.APPROVED if approach else Participation.Status.EXCLUDED
    what = (_("screened: approach") if approach else
            _("screened: do not approach (%(reason)s)") % {"reason": ExclusionReason(reason).label})
    try:
        participation_move(participation=participation, to=to, user=user, what=what,
                           expected={Participation.Status.TO_SCREEN})
    except MoveRefused:
        raise ScreeningError(_("This patient has already been screened.")) from None
    decided = ScreeningDecision.objects.create(
        participation=participation, decision=decision, reason="" if approach else reason,
        note=note.strip()[:500], decided_by=user)
    project = participation.project
    if not project.participations.filter(status=Participation.Status.TO_SCREEN).exists():
        # Nobody left to screen: screening is finished (docs/domain.md, step 1).
        plan_milestone_reached(project=project, milestone=PlanMilestone.SCREENED,
                               on=timezone.localdate())
    return decided


@transaction.atomic
def screening_propose(*, participation: Participation, user, proposal: str, reason: str = "",
                      note: str = "") -> Participation:
    """The POH-GGZ prepares a proposal for the GP; the status does not change."""

    locked = Participation.objects.select_for_update().get(pk=participation.pk)
    if locked.status != Participation.Status.TO_SCREEN:
        raise ScreeningError(_("This patient has already been screened."))
    if proposal == ScreeningDecision.Decision.EXCLUDE and not reason:
        raise ScreeningError(_("Choose a reason for not approaching this patient."))
    locked.proposal = proposal
    locked.proposal_reason = reason if proposal == ScreeningDecision.Decision.EXCLUDE else ""
    locked.proposal_note = note.strip()[:500]
    locked.proposal_by = user
    locked.save(update_fields=["proposal", "proposal_reason", "proposal_note", "proposal_by"])
    participation_note(participation=locked, user=user,
                       what=_("proposal for the GP: %(proposal)s") % {
                           "proposal": ScreeningDecision.Decision(proposal).label})
    audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=locked,
              detail=f"proposal {proposal} {locked.proposal_reason}".strip())
    return locked


@transaction.atomic
def screening_undo(*, participation: Participation, user) -> ScreeningDecision:
    """Take back the standing decision: the patient is to screen again (off any list)."""

    standing = (ScreeningDecision.objects.select_for_update()
                .filter(participation=participation, undone_at__isnull=True).first())
    if standing is None:
        raise ScreeningError(_("There is no decision to undo."))
    try:
        participation_move(participation=participation, to=Participation.Status.TO_SCREEN,
                           user=user, what=_("screening decision undone"), expected=UNDOABLE,
                           fields={"rank": None})
    except MoveRefused:
        raise ScreeningError(_("The letter has already gone out; the decision stands.")) from None
    standing.undone_at = timezone.now()
    standing.save(update_fields=["undone_at"])
    _renumber(participation.project, set(LISTS))
    return standing


def _renumber(project: Project, statuses: set[str]) -> None:
    """Ranks 1..n per list, keeping the order."""
    for status in statuses:
        parts = list(project.participations.filter(status=status)
                     .order_by(F("rank").asc(nulls_last=True), "id"))
        for place, part in enumerate(parts, start=1):
            if part.rank != place:
                part.rank = place
                part.save(update_fields=["rank"])


@transaction.atomic
def lists_split(*, project: Project, user, today: date) -> tuple[int, int]:
    """Put approached patients on the mailing list up to the target, the rest on reserve.

    Most promising first (lowest DDD per day, then shortest use: the FTO
    module's advice); they join the end of each list. Returns (mailing, reserve).
    """
    from .screening import promise_key, split_sizes
    from .selectors import project_list_entries

    Project.objects.select_for_update().get(pk=project.pk)  # one split at a time
    S = Participation.Status
    entries = project_list_entries(project=project, status=S.APPROVED)
    entries.sort(key=lambda e: promise_key(e.row.ddd_per_day if e.row else Decimal(0),
                                           e.first_use, today))
    # The letter target is per batch (docs/domain.md#capacity-planning): letters already
    # mailed belonged to earlier batches and leave the next batch its full size.
    on_mailing = project.participations.filter(status=S.MAILING).count()
    to_mailing, _to_reserve = split_sizes(len(entries),
                                          letters_free=project.letter_target - on_mailing)
    next_rank = {s: (project.participations.filter(status=s).aggregate(m=Max("rank"))["m"] or 0)
                 for s in LISTS}
    for index, entry in enumerate(entries):
        status = S.MAILING if index < to_mailing else S.RESERVE
        next_rank[status] += 1
        participation_move(participation=entry.participation, to=status, user=user,
                           what=_("placed on the %(list)s")
                           % {"list": Participation.Status(status).label},
                           expected={S.APPROVED}, fields={"rank": next_rank[status]})
    return to_mailing, len(entries) - to_mailing


@transaction.atomic
def lists_refill(*, project: Project, user) -> int:
    """Fill the mailing list up to the letter target (per batch) from the reserve list, in
    the reserve list's order: the next batch (docs/domain.md#capacity-planning). Returns
    how many moved; 0 when the mailing list is full or there are no reserves, so a second
    click changes nothing."""
    # One refill at a time, against the target in force (a plan may have changed it).
    project = Project.objects.select_for_update().get(pk=project.pk)
    S = Participation.Status
    free = project.letter_target - project.participations.filter(status=S.MAILING).count()
    if free <= 0:
        return 0
    reserves = list(project.participations.select_for_update().filter(status=S.RESERVE)
                    .order_by(F("rank").asc(nulls_last=True), "id")[:free])
    last = project.participations.filter(status=S.MAILING).aggregate(m=Max("rank"))["m"] or 0
    for place, part in enumerate(reserves, start=last + 1):
        participation_move(participation=part, to=S.MAILING, user=user,
                           what=_("promoted to the mailing list"), expected={S.RESERVE},
                           fields={"rank": place})
    _renumber(project, set(LISTS))
    return len(reserves)


@transaction.atomic
def list_move(*, participation: Participation, user, up: bool) -> bool:
    """Swap a patient with the one above (or below) on the same list."""
    locked = Participation.objects.select_for_update().get(pk=participation.pk)
    if locked.status not in LISTS:
        return False
    _renumber(locked.project, {locked.status})
    locked.refresh_from_db()
    if locked.rank is None:  # renumbered above, so every patient on a list has a place
        return False
    neighbour = (locked.project.participations.select_for_update()
                 .filter(status=locked.status, rank=locked.rank + (-1 if up else 1)).first())
    if neighbour is None:
        return False
    locked.rank, neighbour.rank = neighbour.rank, locked.rank
    locked.save(update_fields=["rank"])
    neighbour.save(update_fields=["rank"])
    audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=locked,
              detail=f"moved {'up' if up else 'down'} to place {locked.rank} on {locked.status}")
    return True


@transaction.atomic
def list_transfer(*, participation: Participation, user, to: str) -> Participation:
    """Promote a reserve to the end of the mailing list, or put a mailing patient on reserve."""

    other: dict[str, str] = {Participation.Status.MAILING: Participation.Status.RESERVE,
                             Participation.Status.RESERVE: Participation.Status.MAILING}
    if to not in other:
        raise ScreeningError(_("Unknown list."))
    last = (participation.project.participations.filter(status=to)
            .aggregate(m=Max("rank"))["m"] or 0)
    try:
        moved = participation_move(
            participation=participation, to=to, user=user,
            what=_("promoted to the mailing list") if to == Participation.Status.MAILING
            else _("moved to the reserve list"),
            expected={other[to]}, fields={"rank": last + 1})
    except MoveRefused:
        raise ScreeningError(_("This patient is no longer on that list.")) from None
    _renumber(participation.project, {other[to]})
    return moved


class OutcomeError(Exception):
    """An outcome that cannot be recorded; ``message`` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class OutcomeUnchanged(OutcomeError):
    """The same outcome, date and reason are recorded already (a second click)."""


@transaction.atomic
def participation_outcome_set(*, participation: Participation, user, outcome: str, on: date,
                              reason: str = "", today: date) -> bool:
    """Record (or change) how the participation ended (docs/domain.md#outcomes).

    The outcome, its date and reason are stored on the participation with a timeline entry
    and an audit event. When ``OUTCOME_STATUS`` names a status for the outcome and
    ``TRANSITIONS`` allows the move from the current status, the status moves with it;
    otherwise only the outcome is recorded. Returns whether the status moved. Refuses a
    date after ``today``, a missing reason where one is needed, and the same outcome twice.
    """
    outcome = ParticipationOutcome(outcome)
    reason = reason.strip()
    if on > today:
        raise OutcomeError(_("The date of the outcome cannot be in the future."))
    if outcome in OUTCOMES_NEEDING_REASON and not reason:
        raise OutcomeError(_("Give a reason for this outcome."))
    locked = Participation.objects.select_for_update().get(pk=participation.pk)
    if (locked.outcome, locked.outcome_on, locked.outcome_reason) == (outcome, on, reason):
        raise OutcomeUnchanged(_("This outcome is already recorded."))
    fields = {"outcome": outcome, "outcome_on": on, "outcome_reason": reason,
              "outcome_by": user}
    what = _("Outcome: %(outcome)s on %(date)s") % {"outcome": outcome.label,
                                                     "date": format_date(on)}
    if reason:
        what = f"{what} ({reason})"
    target = OUTCOME_STATUS.get(outcome)
    if target is not None and locked.status != target and may_move(locked, target):
        participation_move(participation=participation, to=target, user=user, what=what,
                           fields=fields)
        return True
    for name, value in fields.items():
        setattr(locked, name, value)
        setattr(participation, name, value)
    locked.save(update_fields=["outcome", "outcome_on", "outcome_reason", "outcome_by"])
    participation_note(participation=locked, user=user, what=what)
    audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=locked, detail=what)
    return False
