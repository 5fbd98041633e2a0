"""Writes for practices, projects and the audit log (STYLE.md: services)."""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Model

from benzoproject.middleware import client_address, request_audited

from .models import (
    AuditEvent,
    ImportBatch,
    Participation,
    Patient,
    PlanStep,
    Practice,
    Project,
    Role,
)
from .plan_defaults import DEFAULT_PLAN


def audit_log(
    *,
    user,
    action: str,
    practice: Practice | None = None,
    obj: Model | None = None,
    object_type: str | None = None,
    patient: Patient | None = None,
    detail: str = "",
) -> AuditEvent:
    """Append one audit event; the object's patient and practice are found when not given."""
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = str(getattr(obj, "uuid", None) or obj.pk)
        if patient is None and isinstance(obj, Patient):
            patient = obj
        if patient is None:
            patient = getattr(obj, "patient", None)
        if practice is None:
            practice = getattr(obj, "practice", None) or getattr(
                getattr(obj, "project", None), "practice", None)
    else:
        object_id = ""
    authenticated = user is not None and user.is_authenticated
    request_audited.set(True)
    return AuditEvent.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        action=action,
        object_type=object_type or "",
        object_id=object_id,
        practice=practice,
        patient=patient,
        detail=detail[:300],
        client_address=client_address.get(),
    )


@transaction.atomic
def project_create(*, user, practice: Practice, data: dict, gps=(), assistants=()) -> Project:
    """Create a project with the default plan of approach (SPEC.md step 1)."""
    project = Project.objects.create(practice=practice, **data)
    project.gps.set(gps)
    project.assistants.set(assistants)
    PlanStep.objects.bulk_create(
        PlanStep(project=project, month=month, what=what, how=how, who=who)
        for month, what, how, who in DEFAULT_PLAN
    )
    audit_log(user=user, action=AuditEvent.Action.CREATE, obj=project, detail=project.name)
    return project


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
    AuditEvent.objects.bulk_create(
        AuditEvent(user=user, username=user.get_username(), action=AuditEvent.Action.CREATE,
                   object_type="participation", object_id=str(p.uuid),
                   practice=project.practice, patient=p.patient,
                   detail=f"to screening in {project.name}"[:300],
                   client_address=client_address.get())
        for p in new)
    return len(new)


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
                                mailed_on: date) -> bool:
    """The stop letter went out on ``mailed_on``: the wait period starts (SPEC.md steps 4-5).

    Sets the letter date once; a second call for the same participation changes
    nothing and returns False. Schedules the end of the wait period for the
    project lead.
    """
    from .workflow import MoveRefused, due_item_schedule, participation_move

    project = participation.project
    try:
        moved = participation_move(
            participation=participation, to=Participation.Status.LETTER_SENT, user=user,
            what=f"stop letter mailed on {mailed_on:%Y-%m-%d}",
            expected={Participation.Status.MAILING}, fields={"letter_sent_on": mailed_on})
    except MoveRefused:
        return False
    due_item_schedule(kind="wait_ends", participation=moved,
                      due_on=mailed_on + timedelta(days=project.wait_days),
                      assigned_to=project.lead)
    return True
