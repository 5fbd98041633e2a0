"""Writes of the result targets (docs/domain.md#result-targets), in a module of their own
beside the evaluation's writes."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from patients.audit import audit_log
from patients.models import AuditEvent, Project

from .models import ResultTarget


@transaction.atomic
def result_target_add(*, user, project: Project, measure: str, value: Decimal,
                      deadline: date, per_gp: bool) -> ResultTarget:
    """Add a result target to the project (the form has checked the measure and per_gp)."""
    target = ResultTarget.objects.create(project=project, measure=measure, value=value,
                                         deadline=deadline, per_gp=per_gp, created_by=user)
    audit_log(user=user, action=AuditEvent.Action.CREATE, obj=target, detail=str(target))
    return target


@transaction.atomic
def result_target_delete(*, user, target: ResultTarget) -> None:
    audit_log(user=user, action=AuditEvent.Action.DELETE, obj=target, detail=str(target))
    target.delete()
