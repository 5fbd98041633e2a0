"""Writing the audit log (NEN 7513): who opened or changed what, of which patient.

Its own module so that every layer (the access helper, services, the workflow)
can write an event without importing the services that use it.

Every event is chained to the one before it (patients/auditchain.py): the writer takes
the log's lock, reads the newest hash and inserts, in one transaction. On PostgreSQL the
lock is a transaction-scoped advisory lock, held until the caller's transaction ends, so
the chain stays one line however many processes write; a transaction that rolls back
takes its events with it and the next writer links to the event before them. On SQLite
(a first look) every write transaction already holds the database's one write lock
(``transaction_mode`` IMMEDIATE). The cost is one indexed query per insert.
"""

from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.db.models import Model

from benzoproject.middleware import audit_role, client_address, request_audited

from .auditchain import GENESIS, Entry, entry_hash
from .models import AuditEvent, AuditEventPatient, Patient, Practice

# The role of events written in the Django admin, where nobody acts in a practice's role.
ADMIN_ROLE = "admin"


# pg_advisory_xact_lock(AUDIT_CHAIN_LOCK): one writer of the chain at a time. (The one-key
# form; the import's two-key locks live in a key space of their own.)
AUDIT_CHAIN_LOCK = 0x61756469745F6C67  # "audit_lg"


def _chain_head() -> str:
    """Take the chain's lock (until the transaction ends) and return the newest hash."""
    if connection.vendor == "postgresql":
        # Two statements, not one: a statement reads the snapshot taken when it began, so
        # a head read in the lock's own statement could miss an event committed while it
        # waited (a fork). Under READ COMMITTED the next statement sees it.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK])
    newest = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    return newest or GENESIS


def _link(events: Sequence[AuditEvent], shown: Sequence[Sequence[int]]) -> None:
    """Give each event (in insert order) its ``prev_hash`` and ``hash``; inside atomic()."""
    prev = _chain_head()
    for event, ids in zip(events, shown, strict=True):
        event.prev_hash = prev
        event.hash = prev = entry_hash(Entry(
            at=event.at, user_id=event.user_id, username=event.username, action=event.action,
            object_type=event.object_type, object_id=event.object_id,
            practice_id=event.practice_id, patient_id=event.patient_id, detail=event.detail,
            client_address=event.client_address, role=event.role), ids, prev)


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
    username: str = "",
) -> AuditEvent:
    """Append one audit event; the object's patient and practice are found when not given.

    ``patients`` are the patients a list, search, export or merged PDF showed (objects or
    primary keys), each kept as an :class:`AuditEventPatient` of the event. ``role`` is
    the role the user acted in; by default the one of the current request. ``object_id``
    names an object given by ``object_type`` only (one deleted in the admin, say).
    ``username`` names who was tried when there is no logged-in user (a failed login).
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
    event = AuditEvent(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else username[:150],
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
    with transaction.atomic():
        _link([event], [shown])
        event.save()
        if shown:
            AuditEventPatient.objects.bulk_create(
                AuditEventPatient(event=event, patient_id=pk) for pk in shown)
    return event


def audit_log_many(*, user, action: str, practice: Practice, objs, detail: str) -> None:
    """One audit event per object of a bulk step (each names its patient), in one insert;
    each event is chained to the one before it."""
    authenticated = user is not None and user.is_authenticated
    request_audited.set(True)
    events = [
        AuditEvent(user=user if authenticated else None,
                   username=user.get_username() if authenticated else "",
                   action=action, object_type=obj._meta.model_name,
                   object_id=str(getattr(obj, "uuid", None) or obj.pk), practice=practice,
                   patient=getattr(obj, "patient", None), detail=detail[:300],
                   client_address=client_address.get(), role=audit_role.get())
        for obj in objs]
    if not events:
        return
    with transaction.atomic():
        _link(events, [()] * len(events))
        # Inserted in list order, so the ids follow the chain (PostgreSQL gives a multi-row
        # insert's ids in row order; SQLite inserts the rows one after the other).
        AuditEvent.objects.bulk_create(events)
