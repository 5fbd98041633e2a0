"""The queries behind the measures (docs/domain.md#measures): one small function per figure.

Each takes a ``Scope`` (``monitoring/scope.py``: a project and an as-of date E) and
respects E strictly: nothing dated after E counts.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.fields.json import KT
from django.utils import timezone

from letters.models import Letter, LetterKind, LetterRun
from patients.groslijst import GroslijstRow
from patients.models import (
    Participation,
    Prescription,
    ScreeningDecision,
)
from patients.queries import benzo_filter
from tapering.models import (
    CallAttempt,
    Consultation,
    QuestionnaireResponse,
    TaperScheduleVersion,
)

from .evaluation import Prescribed, evaluate
from .scope import ONE_DECIMAL, Scope, mean, percent

# --- The funnel ---------------------------------------------------------------------------


def _standing_decision(scope: Scope, **filters: Any) -> Exists:
    """A screening decision taken before the end of E and not undone by then."""
    return Exists(ScreeningDecision.objects.filter(
        participation=OuterRef("pk"), decided_at__lt=scope.end, **filters,
    ).filter(Q(undone_at__isnull=True) | Q(undone_at__gte=scope.end)))


@dataclass(frozen=True)
class FunnelCounts:
    groslijst: int
    screened: int
    excluded: int
    mailed: int
    responded: int
    reached: int
    consult: int
    schedule: int


def funnel(scope: Scope) -> FunnelCounts:
    """Each stage counts the participations that got at least that far by E (one query)."""
    if "funnel" not in scope.cache:
        mailed = Q(letter_sent_on__lte=scope.as_of)
        reached = Exists(CallAttempt.objects.filter(
            participation=OuterRef("pk"), outcome=CallAttempt.Outcome.REACHED,
            called_at__lt=scope.end))
        consult = Exists(Consultation.objects.filter(
            participation=OuterRef("pk"), status=Consultation.Status.HELD, at__lt=scope.end))
        schedule = Exists(TaperScheduleVersion.objects.filter(
            schedule__participation=OuterRef("pk"), made_at__lt=scope.end,
            start__lte=scope.as_of))
        counts = scope.participations.aggregate(
            groslijst=Count("id"),
            # A patient mailed without a decision here (a round imported from a
            # spreadsheet) was screened outside the app.
            screened=Count("id", filter=Q(_standing_decision(scope)) | mailed),
            excluded=Count("id", filter=Q(_standing_decision(
                scope, decision=ScreeningDecision.Decision.EXCLUDE))),
            mailed=Count("id", filter=mailed),
            responded=Count("id", filter=Q(responded_at__lt=scope.end)),
            reached=Count("id", filter=Q(reached)),
            consult=Count("id", filter=Q(consult)),
            schedule=Count("id", filter=Q(schedule)),
        )
        scope.cache["funnel"] = counts
    return FunnelCounts(**scope.cache["funnel"])


def approached_share(scope: Scope) -> Decimal | None:
    counts = funnel(scope)
    return percent(counts.screened - counts.excluded, counts.screened)


def consult_share(scope: Scope) -> Decimal | None:
    counts = funnel(scope)
    return percent(counts.consult, counts.mailed)


def excluded_by_reason(scope: Scope) -> dict[str, int]:
    """Standing exclusions at E per reason code, most frequent first."""
    rows = (ScreeningDecision.objects
            .filter(participation__in=scope.participations, decided_at__lt=scope.end,
                    decision=ScreeningDecision.Decision.EXCLUDE)
            .filter(Q(undone_at__isnull=True) | Q(undone_at__gte=scope.end))
            .values_list("reason").annotate(n=Count("id")).order_by("-n", "reason"))
    return dict(rows.values_list("reason", "n"))


# --- Process figures: counts and first and last dates ----------------------------------------


def _span(scope: Scope, key: str, queryset: QuerySet[Any], on: str) -> dict[str, Any]:
    """Count, first and last of ``on`` over ``queryset`` (cached per key); datetimes become
    the practice's local dates."""
    if key not in scope.cache:
        span = queryset.aggregate(count=Count("pk"), first=Min(on), last=Max(on))
        for end in ("first", "last"):
            if isinstance(span[end], datetime):
                span[end] = timezone.localdate(span[end])
        scope.cache[key] = span
    return scope.cache[key]


def stop_letters(scope: Scope) -> dict[str, Any]:
    """Stop letters: participations with a letter date on or before E (one per patient)."""
    return _span(scope, "stop_letters", Participation.objects.filter(
        project=scope.project, letter_sent_on__lte=scope.as_of), "letter_sent_on")


def letters_of_kind(scope: Scope, kind: str) -> dict[str, Any]:
    """Letters of one kind (invitation, re-send) mailed on or before E."""
    return _span(scope, f"letters_{kind}", Letter.objects.filter(
        participation__project=scope.project, kind=kind, mailed_on__lte=scope.as_of),
        "mailed_on")


def invitations(scope: Scope) -> dict[str, Any]:
    return letters_of_kind(scope, LetterKind.INVITATION)


def resends(scope: Scope) -> dict[str, Any]:
    return letters_of_kind(scope, LetterKind.RESEND)


def consultations_held(scope: Scope) -> dict[str, Any]:
    """Consultations held (any kind) that took place before the end of E."""
    return _span(scope, "consultations", Consultation.objects.filter(
        participation__project=scope.project, status=Consultation.Status.HELD,
        at__lt=scope.end), "at")


def calls(scope: Scope) -> dict[str, Any]:
    """Call attempts (reached or not) made before the end of E."""
    return _span(scope, "calls", CallAttempt.objects.filter(
        participation__project=scope.project, called_at__lt=scope.end), "called_at")


# --- Time spent -------------------------------------------------------------------------------


def minutes_letters(scope: Scope) -> int:
    return LetterRun.objects.filter(
        project=scope.project, mailed_on__lte=scope.as_of,
    ).aggregate(m=Sum("minutes"))["m"] or 0


def minutes_calls(scope: Scope) -> int:
    return CallAttempt.objects.filter(
        participation__project=scope.project, called_at__lt=scope.end,
    ).aggregate(m=Sum("minutes"))["m"] or 0


def minutes_consultations(scope: Scope) -> int:
    return Consultation.objects.filter(
        participation__project=scope.project, status=Consultation.Status.HELD,
        at__lt=scope.end,
    ).aggregate(m=Sum("minutes"))["m"] or 0


# --- Stopped, reduced and DDD per day ------------------------------------------------------


def stopped_count(scope: Scope) -> int:
    return sum(1 for r in scope.evaluated if r.stopped)


def reduced_count(scope: Scope) -> int:
    return sum(1 for r in scope.evaluated if r.reduced)


def evaluated_count(scope: Scope) -> int:
    return len(scope.evaluated)


def left_count(scope: Scope) -> int:
    return len(scope.rows) - len(scope.evaluated)


def stopped_share(scope: Scope) -> Decimal | None:
    return percent(stopped_count(scope), evaluated_count(scope))


def reduced_share(scope: Scope) -> Decimal | None:
    return percent(reduced_count(scope), evaluated_count(scope))


def ddd_before_mean(scope: Scope) -> Decimal | None:
    return mean([r.ddd_before for r in scope.evaluated])


def ddd_after_mean(scope: Scope) -> Decimal | None:
    return mean([r.ddd_after for r in scope.evaluated])


def ddd_change(scope: Scope) -> Decimal | None:
    """Change of the summed DDD per day, after against before, in percent (unrounded sums)."""
    before = sum((r.ddd_before for r in scope.evaluated), Decimal(0))
    after = sum((r.ddd_after for r in scope.evaluated), Decimal(0))
    return percent(after - before, before)


# --- Restarts --------------------------------------------------------------------------------


def _month_ends(first: date, last: date) -> list[date]:
    """The last day of every month from the month of ``first`` up to ``last`` included."""
    ends: list[date] = []
    year, month = first.year, first.month
    while True:
        nxt = date(year + month // 12, month % 12 + 1, 1)
        end = nxt - timedelta(days=1)
        if end > last:
            return ends
        if end >= first:
            ends.append(end)
        year, month = nxt.year, nxt.month


def restarts(scope: Scope) -> int:
    """Participations counted stopped at a month's end M on or before E (the evaluation's own
    rule, as of M) with a benzodiazepine prescription dated in (M, E]."""
    rows = scope.evaluated
    dates: dict[int, list[date]] = {}
    for patient_id, on in (Prescription.objects
                           .filter(benzo_filter(), patient_id__in={r.patient_id for r in rows},
                                   date__lte=scope.as_of)
                           .values_list("patient_id", "date")):
        dates.setdefault(patient_id, []).append(on)
    count = 0
    for row in rows:
        days = dates.get(row.patient_id, [])
        if not days:
            continue
        last = max(days)
        for month_end in _month_ends(row.letter_date, scope.as_of):
            if month_end >= last:
                break  # nothing is dated after this month's end
            if evaluate(letter_date=row.letter_date, as_of=month_end,
                        prescriptions=_dated(days)).stopped:
                count += 1
                break
    return count


def _dated(days: list[date]) -> list[Prescribed]:
    return [Prescribed(on=d, ddd=None) for d in days]


# --- Per GP and chronic users --------------------------------------------------------------


def letters_per_gp(scope: Scope) -> dict[str, int]:
    """Stop letters by E per GP as the export names the patient's GP; every GP with a
    patient in the project is listed, also with 0."""
    rows = (scope.participations.values_list("patient__gp_name")
            .annotate(n=Count("id", filter=Q(letter_sent_on__lte=scope.as_of)))
            .order_by("patient__gp_name"))
    return dict(rows.values_list("patient__gp_name", "n"))


def _per_gp(rows: list[GroslijstRow]) -> dict[str, int]:
    return dict(sorted(Counter(r.gp_name for r in rows).items()))


def chronic_start_per_gp(scope: Scope) -> dict[str, int]:
    return _per_gp(scope.chronic_start)


def chronic_now_per_gp(scope: Scope) -> dict[str, int]:
    return _per_gp(scope.chronic_now)


def chronic_start(scope: Scope) -> int:
    return len(scope.chronic_start)


def chronic_now(scope: Scope) -> int:
    return len(scope.chronic_now)


def chronic_change(scope: Scope) -> Decimal | None:
    return percent(chronic_now(scope) - chronic_start(scope), chronic_start(scope))


def per_thousand(scope: Scope, count: int) -> Decimal | None:
    """Per 1,000 registered patients (the practice's list size); None when not set."""
    size = scope.project.practice.list_size
    if not size:
        return None
    return (Decimal(count) * 1000 / size).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def chronic_start_per_1000(scope: Scope) -> Decimal | None:
    return per_thousand(scope, chronic_start(scope))


def chronic_now_per_1000(scope: Scope) -> Decimal | None:
    return per_thousand(scope, chronic_now(scope))


# --- Questionnaires --------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreChange:
    participations: int  # with at least two answer sets by E
    mean_change: Decimal | None  # last total minus first, averaged


def score_change(scope: Scope, code: str) -> ScoreChange:
    """First against last total of questionnaire ``code`` per participation, by E."""
    key = f"score_{code}"
    if key not in scope.cache:
        answers = QuestionnaireResponse.objects.filter(
            participation=OuterRef("pk"), definition__code=code, taken_on__lte=scope.as_of)
        total = KT("scores__total")
        pairs = (Participation.objects.filter(project=scope.project)
                 .annotate(n=Count("questionnaire_responses", filter=Q(
                     questionnaire_responses__definition__code=code,
                     questionnaire_responses__taken_on__lte=scope.as_of)))
                 .filter(n__gte=2)
                 .annotate(first=Subquery(answers.order_by("taken_on", "entered_at", "id")
                                          .annotate(t=total).values("t")[:1]),
                           last=Subquery(answers.order_by("-taken_on", "-entered_at", "-id")
                                         .annotate(t=total).values("t")[:1]))
                 .values_list("first", "last"))
        changes = [Decimal(last) - Decimal(first) for first, last in pairs
                   if first is not None and last is not None]
        scope.cache[key] = ScoreChange(participations=len(changes),
                                        mean_change=mean(changes, ONE_DECIMAL))
    return scope.cache[key]  # type: ignore[no-any-return]
