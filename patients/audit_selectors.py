"""Reading the access log (NEN 7513): the practice's log with its filters, one patient's
"who has seen this record", and the rows of the archive export.

Only reads: the log is written by :mod:`patients.audit` and never changed or deleted
(docs/security.md#reading-the-access-log). Each function takes the practice or patient it
is scoped to.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from urllib.parse import unquote_plus

from django.apps import apps
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit_pages import page_name
from .models import AuditEvent, AuditEventPatient, Membership, Patient, Practice, Role

# The object type the log's own views and exports are logged under.
AUDIT_LOG_OBJECT = "auditlog"
# A name search that matches more patients than this asks for more of the name.
PATIENT_MATCH_LIMIT = 20


@dataclass(frozen=True)
class LogFilters:
    """What the log viewer filters on; ``None`` or empty: no filter."""

    username: str = ""
    patients: tuple[Patient, ...] | None = None  # None: any patient; empty: none matched
    since: date | None = None
    until: date | None = None  # inclusive
    action: str = ""
    role: str = ""


def _practice_scope(practice: Practice) -> Q:
    """The practice's events, and the events outside any practice (logging in and out, failed
    logins and lockouts under their user name) of the users who work in it."""
    members = Membership.objects.filter(practice=practice)
    return (Q(practice=practice)
            | Q(practice__isnull=True, user_id__in=members.values("user_id"))
            | Q(practice__isnull=True, user__isnull=True,
                username__in=members.values("user__username")))


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _showing(patients) -> Q:
    """Events about one of ``patients``, or that showed one of them in a list."""
    listed = AuditEventPatient.objects.filter(patient__in=patients).values("event_id")
    return Q(patient__in=patients) | Q(pk__in=listed)


def _filtered(practice: Practice, filters: LogFilters) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(_practice_scope(practice))
    if filters.username:
        events = events.filter(username=filters.username)
    if filters.patients is not None:
        events = events.filter(_showing([p.pk for p in filters.patients]))
    if filters.since:
        events = events.filter(at__gte=_start_of(filters.since))
    if filters.until:
        events = events.filter(at__lt=_start_of(filters.until + timedelta(days=1)))
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.role:
        events = events.filter(role=filters.role)
    return events


def _with_shown_count(events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    """Newest first, with the number of patients each event showed (``shown_count``),
    counted per row shown rather than grouped over the whole log."""
    count = (AuditEventPatient.objects.filter(event=OuterRef("pk")).order_by()
             .values("event").annotate(n=Count("*")).values("n"))
    return (events.select_related("user", "patient")
            .annotate(shown_count=Coalesce(Subquery(count), 0)).order_by("-at", "-id"))


def log_events(*, practice: Practice, filters: LogFilters) -> QuerySet[AuditEvent]:
    """The practice's log as the filters narrow it (see :func:`_with_shown_count`)."""
    return _with_shown_count(_filtered(practice, filters))


def log_patient_ids(*, practice: Practice, filters: LogFilters) -> list[int]:
    """The patients the filtered log names: each event's patient and those it showed
    (what an export of it holds, for the export's own log entry)."""
    events = _filtered(practice, filters).values("pk")
    about = _filtered(practice, filters).exclude(patient=None).values("patient_id")
    listed = AuditEventPatient.objects.filter(event__in=events).values("patient_id")
    return list(Patient.objects.filter(Q(pk__in=about) | Q(pk__in=listed))
                .values_list("pk", flat=True))


def patient_access_events(*, patient: Patient) -> QuerySet[AuditEvent]:
    """Every event about ``patient`` or that showed them in a list, search or export,
    newest first: "who has seen this record"."""
    return _with_shown_count(AuditEvent.objects.filter(_showing([patient.pk])))


def log_event_for_practice(*, practice: Practice, event_id: int) -> AuditEvent | None:
    return (AuditEvent.objects.filter(_practice_scope(practice), pk=event_id)
            .select_related("user", "patient").first())


def patients_shown(*, event: AuditEvent) -> list[Patient]:
    return list(Patient.objects.filter(pk__in=event.shown.values("patient_id"))
                .order_by("surname", "number"))


def log_usernames(*, practice: Practice) -> list[tuple[str, str]]:
    """(username, name) of everyone in the practice's log or working in it now, by name."""
    from django.contrib.auth import get_user_model

    in_log = AuditEvent.objects.filter(practice=practice).values("user_id")
    members = Membership.objects.filter(practice=practice).values("user_id")
    users = get_user_model().objects.filter(Q(pk__in=in_log) | Q(pk__in=members))
    named = [(u.get_username(), u.get_full_name() or u.get_username()) for u in users]
    return sorted(named, key=lambda pair: (pair[1].lower(), pair[0]))


def patients_matching(*, practice: Practice, text: str) -> list[Patient]:
    """The practice's patients with this exact patient number, else those whose name holds
    ``text`` (at most ``PATIENT_MATCH_LIMIT`` + 1, so the caller sees there were more)."""
    text = text.strip()
    patients = Patient.objects.filter(practice=practice)
    by_number = list(patients.filter(number=text))
    if by_number:
        return by_number
    query = Q()
    for word in text.split():
        query &= Q(surname__icontains=word) | Q(prefix__iexact=word) | Q(initials__iexact=word)
    return list(patients.filter(query).order_by("surname", "number")[:PATIENT_MATCH_LIMIT + 1])


def log_years(*, practice: Practice) -> list[tuple[int, date, date]]:
    """(year, first day, last day) of each year the practice's log has events in, newest
    first, the current year up to today: the periods of the archive per year."""
    first = AuditEvent.objects.filter(practice=practice).order_by("at").values("at").first()
    today = timezone.localdate()
    start = timezone.localtime(first["at"]).year if first else today.year
    return [(year, date(year, 1, 1), min(today, date(year, 12, 31)))
            for year in range(today.year, start - 1, -1)]


@cache
def _model_names() -> dict:
    return {model._meta.model_name: model._meta.verbose_name
            for model in apps.get_models() if model._meta.model_name}


def event_object_label(event: AuditEvent) -> tuple[str, str]:
    """What the event was about, in words, and a second line: the page it happened on
    ("Tijdlijn") with the kind of record ("deelname"), the filters of a look at the log, or
    the service's own detail ("status → ...")."""
    page = page_name(event.detail)
    extra = event.detail.split(" ", 1)[1] if page and " " in event.detail else ""
    if event.object_type == AUDIT_LOG_OBJECT:
        if extra.startswith("?"):  # the filters it was opened with, as "van=…, patient=…"
            extra = _("filters: %(filters)s") % {
                "filters": unquote_plus(extra[1:]).replace("&", ", ")}
        return page or _("access log"), extra
    if event.object_type == "session":
        return _("session"), event.detail
    kind = _model_names().get(event.object_type)
    if kind is None:  # a page without an object: its URL name is the object type
        return page or event.detail or event.object_type, extra
    if page:
        return page, str(kind)
    return str(kind), event.detail


def role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def described(events) -> list[AuditEvent]:
    """``events`` with what a page shows of each in words: ``what`` and ``what_detail``
    (see :func:`event_object_label`) and ``role_name`` (the role the user acted in)."""
    rows = list(events)
    for event in rows:
        event.what, event.what_detail = event_object_label(event)  # type: ignore[attr-defined]
        event.role_name = role_label(event.role)  # type: ignore[attr-defined]
    return rows


EXPORT_HEADER = ["tijdstip", "gebruikersnaam", "naam gebruiker", "rol", "actie", "soort",
                 "object", "pagina of omschrijving", "patiëntnummer", "patiënt",
                 "aantal getoonde patiënten", "getoonde patiëntnummers", "adres"]


EXPORT_CHUNK = 2000
_EXPORT_FIELDS = ("pk", "at", "username", "user__first_name", "user__last_name", "role",
                  "action", "object_type", "object_id", "detail", "patient_id",
                  "client_address")


def _chunks(rows: Iterator[tuple], size: int) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def export_rows(*, practice: Practice, filters: LogFilters) -> Iterator[list]:
    """The rows of the archive CSV, one per event of the filtered log (EXPORT_HEADER),
    newest first. Streamed: the events are read as plain values in chunks, with each
    chunk's patients in two queries, so a year of the log (~10^5 rows) needs neither the
    memory nor the time of one model object per row."""
    actions = {value: str(label) for value, label in AuditEvent.Action.choices}
    roles = {value: str(label) for value, label in Role.choices}
    events = (_filtered(practice, filters).order_by("-at", "-id")
              .values_list(*_EXPORT_FIELDS).iterator(chunk_size=EXPORT_CHUNK))
    for chunk in _chunks(events, EXPORT_CHUNK):
        ids = [row[0] for row in chunk]
        patients = Patient.objects.in_bulk({row[10] for row in chunk if row[10]})
        shown: dict[int, list[str]] = {}
        for event_id, number in (AuditEventPatient.objects.filter(event_id__in=ids)
                                 .values_list("event_id", "patient__number")):
            shown.setdefault(event_id, []).append(number)
        for (pk, at, username, first, last, role, action, object_type, object_id, detail,
             patient_id, address) in chunk:
            patient = patients.get(patient_id)
            numbers = sorted(shown.get(pk, []))
            yield [
                timezone.localtime(at).strftime("%d-%m-%Y %H:%M:%S"),
                username,
                f"{first} {last}".strip() or username,
                roles.get(role, role),
                actions.get(action, action),
                object_type,
                object_id,
                detail,
                patient.number if patient else "",
                patient.display_name if patient else "",
                len(numbers),
                " ".join(numbers),
                address or "",
            ]
