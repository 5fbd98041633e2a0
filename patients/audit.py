"""Writing the audit log (NEN 7513): who opened or changed what, of which patient.

Its own module so that every layer (the access helper, services, the workflow)
can write an event without importing the services that use it.
"""

from collections.abc import Iterable

from django.db.models import Model

from benzoproject.middleware import audit_role, client_address, request_audited

from .models import AuditEvent, AuditEventPatient, Patient, Practice

# The role of events written in the Django admin, where nobody acts in a practice's role.
ADMIN_ROLE = "admin"


def audit_log(
    *,
    user,
    action: str,
    practice: Practice | None = None,
    obj: Model | None = None,
    object_type: str | None = None,
    object_id: str = "",
    patient: Patient | None = None,
    patients: Iterable[Patient | int] = (),
    detail: str = "",
    role: str | None = None,
) -> AuditEvent:
    """Append one audit event; the object's patient and practice are found when not given.

    ``patients`` are the patients a list, search, export or merged PDF showed (objects or
    primary keys), each kept as an :class:`AuditEventPatient` of the event. ``role`` is
    the role the user acted in; by default the one of the current request. ``object_id``
    names an object given by ``object_type`` only (one deleted in the admin, say).
    """
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
    authenticated = user is not None and user.is_authenticated
    request_audited.set(True)
    event = AuditEvent.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        action=action,
        object_type=object_type or "",
        object_id=object_id,
        practice=practice,
        patient=patient,
        detail=detail[:300],
        client_address=client_address.get(),
        role=audit_role.get() if role is None else role,
    )
    shown = sorted({p if isinstance(p, int) else p.pk for p in patients})
    if shown:
        AuditEventPatient.objects.bulk_create(
            AuditEventPatient(event=event, patient_id=pk) for pk in shown)
    return event


def audit_log_many(*, user, action: str, practice: Practice, objs, detail: str) -> None:
    """One audit event per object of a bulk step (each names its patient), in one query."""
    authenticated = user is not None and user.is_authenticated
    request_audited.set(True)
    AuditEvent.objects.bulk_create(
        AuditEvent(user=user if authenticated else None,
                   username=user.get_username() if authenticated else "",
                   action=action, object_type=obj._meta.model_name,
                   object_id=str(getattr(obj, "uuid", None) or obj.pk), practice=practice,
                   patient=getattr(obj, "patient", None), detail=detail[:300],
                   client_address=client_address.get(), role=audit_role.get())
        for obj in objs)

