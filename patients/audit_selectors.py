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
from django.db.models import Count, Q, QuerySet
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
    """The practice's events, and the events outside any practice (logging in and out) of
    the users who work in it."""
    members = Membership.objects.filter(practice=practice).values("user_id")
    return Q(practice=practice) | Q(practice__isnull=True, user_id__in=members)


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


def log_events(*, practice: Practice, filters: LogFilters) -> QuerySet[AuditEvent]:
    """The practice's log as the filters narrow it, newest first, with the number of
    patients each event showed (``shown_count``)."""
    return (_filtered(practice, filters).select_related("user", "patient")
            .annotate(shown_count=Count("shown")).order_by("-at", "-id"))


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
    return (AuditEvent.objects.filter(_showing([patient.pk]))
            .select_related("user", "patient")
            .annotate(shown_count=Count("shown")).order_by("-at", "-id"))


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


def export_rows(events: QuerySet[AuditEvent]) -> Iterator[list]:
    """The rows of the archive CSV, one per event (EXPORT_HEADER), read in chunks so a
    year of the log streams without being held in memory."""
    chunked = events.prefetch_related("shown__patient").iterator(chunk_size=1000)
    for event in chunked:
        user = event.user
        shown = sorted(s.patient.number for s in event.shown.all())
        yield [
            timezone.localtime(event.at).strftime("%d-%m-%Y %H:%M:%S"),
            event.username,
            (user.get_full_name() if user else "") or event.username,
            role_label(event.role),
            event.get_action_display(),
            event.object_type,
            event.object_id,
            event.detail,
            event.patient.number if event.patient else "",
            event.patient.display_name if event.patient else "",
            len(shown),
            " ".join(shown),
            event.client_address or "",
        ]
