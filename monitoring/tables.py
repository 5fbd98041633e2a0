"""The dashboard's tables as plain rows (docs/domain.md#dashboard, SPEC steps 8 and 9).

``dashboard_tables`` gives every table of a project's dashboard as a ``Table``: a key, a
Dutch title, Dutch column headings and rows of plain values (str, int, Decimal, date,
bool, None). The dashboard page draws them; the exports (CSV, Excel, the PDF report) write
them as they are. ``DashboardFilters`` is what the query string asks for, checked, with a
Dutch message for every value it could not use (the default is used instead).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from patients.models import (
    ExclusionReason,
    Participation,
    ParticipationOutcome,
    ParticipationStatus,
    Project,
)
from tapering.models import Consultation, TaperScheduleVersion

from .measures import BY_KEY, MEASURES
from .models import MonthlySnapshot
from .scope import Scope, day_end, percent
from .snapshots import month_end, month_start, snapshots_of
from .targets import project_target_progress

PAGE_SIZE = 50  # patients per page of the monitoring table
OPEN = "open"  # the outcome filter's value for "no outcome recorded yet"


@dataclass(frozen=True)
class Table:
    key: str  # e.g. "funnel", "months", "per_gp", "targets", "process", "patients"
    title: str  # Dutch, for headings and sheet names
    columns: list[str]  # Dutch column headings
    rows: list[list[Any]]  # plain values: str, int, Decimal, date, bool, None


# --- Filters ------------------------------------------------------------------------------


def parse_month(text: str) -> date | None:
    """``YYYY-MM`` as the first day of that month; None when it is not such a month."""
    parts = text.strip().split("-")
    if len(parts) != 2 or len(parts[0]) != 4 or len(parts[1]) != 2:
        return None
    if not (parts[0].isdigit() and parts[1].isdigit()):
        return None
    year, month = int(parts[0]), int(parts[1])
    if not 1 <= month <= 12 or year < 1900:
        return None
    return date(year, month, 1)


def project_gp_names(project: Project) -> list[str]:
    """The GP names (as the export writes them) of the project's patients, sorted."""
    return sorted(set(Participation.objects.filter(project=project)
                      .values_list("patient__gp_name", flat=True)))


@dataclass(frozen=True)
class DashboardFilters:
    """The dashboard's choices from the query string (every filter lives in the URL).

    ``month``: the first day of the month shown (``maand=YYYY-MM``); the figures are as of
    its last day, or as of today for the running month. ``gp``, ``status``, ``outcome``
    (``huisarts``, ``status``, ``uitkomst``) and ``page`` (``pagina``) filter the patient
    table; ``outcome`` is an outcome code or ``open``. ``errors``: a Dutch message for each
    value that could not be used (its default was used instead).
    """

    month: date
    today: date
    gp: str = ""
    status: str = ""
    outcome: str = ""
    page: int = 1
    errors: tuple[str, ...] = field(default=())

    @property
    def as_of(self) -> date:
        """The as-of date: the month's last day, or today while the month runs."""
        return min(month_end(self.month), self.today)

    @property
    def running_month(self) -> bool:
        return self.month == month_start(self.today)

    def query(self, **changes: Any) -> str:
        """The query string of these filters with ``changes`` (page 1 unless given)."""
        values = {"maand": f"{self.month:%Y-%m}", "huisarts": self.gp, "status": self.status,
                  "uitkomst": self.outcome, "pagina": 1}
        values.update(changes)
        return urlencode({k: v for k, v in values.items()
                          if v not in ("", None) and not (k == "pagina" and v == 1)})

    @property
    def month_query(self) -> str:
        """The query string of the month alone (the patient filters cleared)."""
        return urlencode({"maand": f"{self.month:%Y-%m}"})

    @classmethod
    def from_query(cls, query: Mapping[str, Any], project: Project,
                   today: date) -> "DashboardFilters":
        errors: list[str] = []
        current = month_start(today)
        month = current
        text = (query.get("maand") or "").strip()
        if text:
            parsed = parse_month(text)
            if parsed is None:
                errors.append(_("The month '%(value)s' is not a month: write it as year and "
                                "month, for example %(example)s.")
                              % {"value": text, "example": f"{current:%Y-%m}"})
            elif parsed > current:
                errors.append(_("The month %(value)s has not begun yet; the running month is "
                                "shown.") % {"value": text})
            else:
                month = parsed
        gp = (query.get("huisarts") or "").strip()
        if gp and gp not in project_gp_names(project):
            errors.append(_("No patient of this project has the GP '%(value)s'; all GPs are "
                            "shown.") % {"value": gp})
            gp = ""
        status = (query.get("status") or "").strip()
        if status and status not in ParticipationStatus.values:
            errors.append(_("'%(value)s' is not a status; all statuses are shown.")
                          % {"value": status})
            status = ""
        outcome = (query.get("uitkomst") or "").strip()
        if outcome and outcome != OPEN and outcome not in ParticipationOutcome.values:
            errors.append(_("'%(value)s' is not an outcome; all outcomes are shown.")
                          % {"value": outcome})
            outcome = ""
        page = 1
        page_text = (query.get("pagina") or "").strip()
        if page_text:
            if page_text.isdigit() and int(page_text) >= 1:
                page = int(page_text)
            else:
                errors.append(_("The page '%(value)s' is not a page number; page 1 is shown.")
                              % {"value": page_text})
        return cls(month=month, today=today, gp=gp, status=status, outcome=outcome,
                   page=page, errors=tuple(errors))

    def with_error(self, message: str, **changes: Any) -> "DashboardFilters":
        return replace(self, errors=(*self.errors, message), **changes)


# --- The per-patient monitoring table (SPEC step 8) -------------------------------------------


@dataclass(frozen=True)
class PatientRow:
    """One participation as the monitoring table shows it, as of a date."""

    participation_id: int
    patient_id: int
    number: str
    name: str
    gp_name: str
    status: str  # as it stands today: the participation keeps no status history to read
    status_label: str
    on_groslijst: bool  # a chronic user under the project's criterion at its start
    included: bool  # on the mailing list or sent a stop letter by the as-of date
    letter_date: date | None
    ddd_before: Decimal | None
    letters: int
    calls: int
    consultations: int
    schedule: bool
    questionnaires: int
    ddd_after: Decimal | None
    evaluation: str  # stopped / reduced / not (yet) by the evaluation rule, '' without letter
    outcome: str  # recorded with a date on or before the as-of date, else ''
    outcome_label: str


def _two(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def measure_values(scope: Scope) -> dict[str, Any]:
    """Every measure over ``scope``: ``measures_compute``'s result, with the scope's shared
    parts (evaluation rows, groslijsts) kept for the patient table."""
    return {m.key: m.compute(scope) for m in MEASURES}


def patient_rows(*, project: Project, as_of: date, filters: DashboardFilters | None = None,
                 scope: Scope | None = None) -> list[PatientRow]:
    """Every participation of the project as of ``as_of`` (those made by then or with a
    letter by then), filtered by GP, status and outcome, sorted by GP, then number.
    ``scope``: the same project and date with what the measures computed already."""
    if scope is None or scope.project.pk != project.pk or scope.as_of != as_of:
        scope = Scope(project=project, as_of=as_of)
    end = day_end(as_of)
    queryset = scope.participations.select_related("patient").annotate(
        n_letters=Count("letters", filter=Q(letters__mailed_on__lte=as_of), distinct=True),
        n_calls=Count("call_attempts", filter=Q(call_attempts__called_at__lt=end),
                      distinct=True),
        n_questionnaires=Count("questionnaire_responses",
                               filter=Q(questionnaire_responses__taken_on__lte=as_of),
                               distinct=True),
    ).annotate(
        n_consultations=Count("consultations", filter=Q(
            consultations__status=Consultation.Status.HELD, consultations__at__lt=end),
            distinct=True),
        has_schedule=Exists(TaperScheduleVersion.objects.filter(
            schedule__participation=OuterRef("pk"), made_at__lt=end, start__lte=as_of)),
    )
    if filters is not None:
        if filters.gp:
            queryset = queryset.filter(patient__gp_name=filters.gp)
        if filters.status:
            queryset = queryset.filter(status=filters.status)
        # An outcome counts from its date: one recorded after as_of is still open then.
        if filters.outcome == OPEN:
            queryset = queryset.filter(Q(outcome="") | Q(outcome_on__gt=as_of))
        elif filters.outcome:
            queryset = queryset.filter(outcome=filters.outcome, outcome_on__lte=as_of)
    evaluated = {r.participation_id: r for r in scope.rows}  # letter dates up to as_of
    chronic = {r.patient_id for r in scope.chronic_start}
    rows = []
    for p in queryset:
        ev = evaluated.get(p.pk)
        outcome = p.outcome if p.outcome_on is not None and p.outcome_on <= as_of else ""
        if ev is None:
            verdict = ""
        elif scope.left_by_as_of(ev):
            verdict = _("out of the evaluation")
        elif ev.stopped:
            verdict = _("stopped")
        elif ev.reduced:
            verdict = _("reduced")
        else:
            verdict = _("not stopped or reduced")
        rows.append(PatientRow(
            participation_id=p.pk, patient_id=p.patient_id, number=p.patient.number,
            name=p.patient.display_name,
            gp_name=p.patient.gp_name, status=p.status, status_label=p.get_status_display(),
            on_groslijst=p.patient_id in chronic,
            included=ev is not None or p.status == ParticipationStatus.MAILING,
            letter_date=ev.letter_date if ev else None,
            ddd_before=_two(ev.ddd_before) if ev else None,
            letters=p.n_letters, calls=p.n_calls, consultations=p.n_consultations,
            schedule=p.has_schedule, questionnaires=p.n_questionnaires,
            ddd_after=_two(ev.ddd_after) if ev else None, evaluation=verdict,
            outcome=outcome,
            outcome_label=str(ParticipationOutcome(outcome).label) if outcome else ""))
    rows.sort(key=lambda r: (r.gp_name, r.number.encode(), r.participation_id))
    return rows


def patient_columns(*, with_names: bool) -> list[str]:
    names = [_("Name")] if with_names else []
    return [_("Patient number"), *names, _("GP"), _("Status"), _("On the groslijst"),
            _("Included"), _("Letter date"), _("DDD/day before"), _("Letters"), _("Calls"),
            _("Consultations"), _("Tapering schedule"), _("Questionnaires"),
            _("DDD/day after"), _("Evaluation"), _("Outcome")]


def patient_values(row: PatientRow, *, with_names: bool) -> list[Any]:
    names = [row.name] if with_names else []
    return [row.number, *names, row.gp_name, row.status_label, row.on_groslijst,
            row.included, row.letter_date, row.ddd_before, row.letters, row.calls,
            row.consultations, row.schedule, row.questionnaires, row.ddd_after,
            row.evaluation, row.outcome_label]


def patients_table(rows: list[PatientRow], *, with_names: bool = True) -> Table:
    return Table(key="patients", title=_("Patients"),
                 columns=patient_columns(with_names=with_names),
                 rows=[patient_values(r, with_names=with_names) for r in rows])


# --- The figures' tables ------------------------------------------------------------------


def as_decimal(value: Any) -> Decimal | None:
    """A stored or computed number as a Decimal (snapshots keep Decimals as text)."""
    return None if value is None else Decimal(str(value))


def _share(part: int, whole: int) -> Decimal | None:
    return percent(part, whole)


def funnel_table(values: Mapping[str, Any]) -> Table:
    """The funnel: each stage's count and its share of the groslijst; stopped and reduced
    as shares of the evaluated participations (SPEC step 9)."""
    groslijst = values["funnel_groslijst"] or 0
    rows: list[list[Any]] = [
        [_("On the groslijst"), groslijst, _share(groslijst, groslijst), _("groslijst")],
        [_("Screened"), values["funnel_screened"],
         _share(values["funnel_screened"], groslijst), _("groslijst")],
        [_("Excluded"), values["funnel_excluded"],
         _share(values["funnel_excluded"], groslijst), _("groslijst")],
    ]
    for reason, count in (values["excluded_by_reason"] or {}).items():
        label = (ExclusionReason(reason).label if reason in ExclusionReason.values
                 else reason)
        rows.append([_("Excluded: %(reason)s") % {"reason": label}, count,
                     _share(count, groslijst), _("groslijst")])
    for key, label in (("funnel_mailed", _("Sent a stop letter")),
                       ("funnel_responded", _("Responded on their own")),
                       ("funnel_reached", _("Reached by phone")),
                       ("funnel_consult", _("Came to a consult")),
                       ("funnel_schedule", _("Tapering schedule started"))):
        rows.append([label, values[key], _share(values[key], groslijst), _("groslijst")])
    evaluated = values["evaluated"] or 0
    rows.append([_("Stopped"), values["stopped"], as_decimal(values["stopped_share"]),
                 _("evaluated")])
    rows.append([_("Reduced"), values["reduced"], as_decimal(values["reduced_share"]),
                 _("evaluated")])
    rows.append([_("Evaluated"), evaluated, None, ""])
    return Table(key="funnel", title=_("Funnel"),
                 columns=[_("Stage"), _("Count"), _("Share (%)"), _("Share of")], rows=rows)


MONTH_KEYS = ("funnel_mailed", "evaluated", "stopped", "stopped_share", "reduced",
              "reduced_share", "ddd_before", "ddd_after", "ddd_change", "chronic_now")


def months_table(snapshots: list[MonthlySnapshot]) -> Table:
    """The stored months, oldest first."""
    rows: list[list[Any]] = []
    for snap in snapshots:
        v = snap.values
        rows.append([f"{snap.month:%Y-%m}", snap.as_of, v.get("funnel_mailed"),
                     v.get("evaluated"), v.get("stopped"), as_decimal(v.get("stopped_share")),
                     v.get("reduced"), as_decimal(v.get("reduced_share")),
                     as_decimal(v.get("ddd_before")), as_decimal(v.get("ddd_after")),
                     as_decimal(v.get("ddd_change")), v.get("chronic_now")])
    return Table(key="months", title=_("Month by month"),
                 columns=[_("Month"), _("As of"), _("Stop letters"), _("Evaluated"),
                          _("Stopped"), _("Stopped (%)"), _("Reduced"), _("Reduced (%)"),
                          _("DDD/day before"), _("DDD/day after"), _("DDD change (%)"),
                          _("Chronic users")], rows=rows)


def per_gp_table(values: Mapping[str, Any]) -> Table:
    """Letters and chronic users per GP, with the practice's total (and per 1,000 registered
    patients there, when the practice's list size is set)."""
    letters = values["letters_per_gp"] or {}
    start = values["chronic_start_per_gp"] or {}
    now = values["chronic_now_per_gp"] or {}
    rows: list[list[Any]] = []
    for gp in sorted(set(letters) | set(start) | set(now)):
        rows.append([gp or _("(no GP in the export)"), letters.get(gp, 0), start.get(gp, 0),
                     now.get(gp, 0), None, None])
    rows.append([_("Practice total"), sum(letters.values()), values["chronic_start"],
                 values["chronic_now"], as_decimal(values["chronic_start_per_1000"]),
                 as_decimal(values["chronic_now_per_1000"])])
    return Table(key="per_gp", title=_("Per GP"),
                 columns=[_("GP"), _("Stop letters"), _("Chronic users at the start"),
                          _("Chronic users now"), _("Per 1,000 patients at the start"),
                          _("Per 1,000 patients now")], rows=rows)


def targets_table(*, project: Project, as_of: date) -> Table:
    rows: list[list[Any]] = []
    for progress in project_target_progress(project=project, as_of=as_of):
        target = progress.target
        rows.append([str(BY_KEY[target.measure].name), target.value, target.per_gp,
                     target.deadline, progress.current, progress.measured_on,
                     progress.reached, progress.days_left])
    return Table(key="targets", title=_("Result targets"),
                 columns=[_("Measure"), _("Target value"), _("Every GP"), _("Deadline"),
                          _("Value"), _("Measured on"), _("Reached"), _("Days left")],
                 rows=rows)


def process_table(values: Mapping[str, Any]) -> Table:
    """Counts, first and last dates and minutes of each kind of work (SPEC step 8)."""
    rows: list[list[Any]] = [
        [_("Stop letters"), values["stop_letters_count"], values["stop_letters_first"],
         values["stop_letters_last"], None],
        [_("Stop letters sent again"), values["resends_count"], None, None, None],
        [_("Consult invitations"), values["invitations_count"], values["invitations_first"],
         values["invitations_last"], None],
        [_("Print runs mailed (all letters)"), None, None, None, values["minutes_letters"]],
        [_("Call attempts"), values["calls_count"], values["calls_first"],
         values["calls_last"], values["minutes_calls"]],
        [_("Consultations held"), values["consultations_count"],
         values["consultations_first"], values["consultations_last"],
         values["minutes_consultations"]],
    ]
    return Table(key="process", title=_("Process"),
                 columns=[_("Activity"), _("Count"), _("First date"), _("Last date"),
                          _("Minutes")], rows=rows)


def dashboard_tables(*, project: Project, as_of: date, filters: DashboardFilters,
                     with_names: bool = True, values: Mapping[str, Any] | None = None,
                     snapshots: list[MonthlySnapshot] | None = None) -> list[Table]:
    """Every table of the project's dashboard as of ``as_of``: the funnel, the months, per
    GP, the result targets, the process figures and the patients (all of them that pass
    ``filters``' GP, status and outcome; the page number is the page's business).

    ``values`` (``measures_compute``'s result for ``as_of``) and ``snapshots`` may be
    passed when the caller has them already.
    """
    scope = Scope(project=project, as_of=as_of)
    values = values if values is not None else measure_values(scope)
    if snapshots is None:  # the stored months up to the as-of date's own
        snapshots = [s for s in snapshots_of(project=project) if s.month <= as_of]
    return [
        funnel_table(values),
        months_table(snapshots),
        per_gp_table(values),
        targets_table(project=project, as_of=as_of),
        process_table(values),
        patients_table(patient_rows(project=project, as_of=as_of, filters=filters,
                                    scope=scope), with_names=with_names),
    ]


