"""Reads for the capacity planner (docs/domain.md#capacity-planning): the reference ratios,
the practice's recorded minutes, the project's groslijst and the numbers per month."""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from patients.models import Participation, Practice, Project
from tapering.models import CallAttempt, Consultation

from .capacity import PlanPeriod
from .models import CapacityPlan, ReferenceFigure

# The reference figures the planner uses (loaded by migration 0001): about 2/3 of chronic
# users eligible for a letter, about 1/2 of those mailed coming to a consult.
ELIGIBLE_KEY = "ivm-eligible"
CONSULT_KEY = "ivm-consult"
# When the practice has recorded no minutes yet (stated on the page).
DEFAULT_MINUTES_PER_CALL = 10
DEFAULT_MINUTES_PER_CONSULT = 30
MAX_MONTHS = 24  # the comparison table's longest span


@dataclass(frozen=True)
class Ratio:
    value: Decimal  # a fraction: 0.5, not 50
    percent: Decimal
    text: str  # how the source writes it: "ongeveer 1/2"
    label: str
    source: str


def capacity_ratios() -> tuple[Ratio | None, Ratio | None]:
    """(eligible, consult) from the reference figures; None for one that is missing."""
    figures = {f.key: f for f in ReferenceFigure.objects.filter(
        key__in=[ELIGIBLE_KEY, CONSULT_KEY])}

    def ratio(key: str) -> Ratio | None:
        figure = figures.get(key)
        if figure is None:
            return None
        return Ratio(value=figure.value / 100, percent=figure.value,
                     text=figure.value_text, label=figure.label, source=figure.source)

    return ratio(ELIGIBLE_KEY), ratio(CONSULT_KEY)


@dataclass(frozen=True)
class RecordedMinutes:
    """The practice's mean minutes per call and per consult held, with how many records."""

    per_call: int | None
    calls: int
    per_consult: int | None
    consults: int

    @property
    def call_default(self) -> int:
        return self.per_call or DEFAULT_MINUTES_PER_CALL

    @property
    def consult_default(self) -> int:
        return self.per_consult or DEFAULT_MINUTES_PER_CONSULT


def _whole(value) -> int | None:
    if value is None:
        return None
    return max(1, int(Decimal(value).quantize(Decimal(1), ROUND_HALF_UP)))


def recorded_minutes(*, practice: Practice) -> RecordedMinutes:
    """Mean minutes of the practice's calls and held consults that have minutes recorded
    (more than 0), in every project, rounded half up to whole minutes."""
    calls = CallAttempt.objects.filter(participation__project__practice=practice,
                                       minutes__gt=0).aggregate(n=Count("id"), m=Avg("minutes"))
    consults = Consultation.objects.filter(
        participation__project__practice=practice, status=Consultation.Status.HELD,
        minutes__gt=0).aggregate(n=Count("id"), m=Avg("minutes"))
    return RecordedMinutes(per_call=_whole(calls["m"]), calls=calls["n"],
                           per_consult=_whole(consults["m"]), consults=consults["n"])


def project_groslijst_size(*, project: Project) -> int:
    """The project's groslijst: the patients put into its screening (under the project's
    criterion and source at the time)."""
    return Participation.objects.filter(project=project).count()


def project_letters_mailed(*, project: Project) -> int:
    return Participation.objects.filter(project=project, letter_sent_on__isnull=False).count()


def capacity_plans(*, project: Project) -> list[CapacityPlan]:
    """Every plan chosen for the project, newest first."""
    return list(CapacityPlan.objects.filter(project=project)
                .select_related("chosen_by").order_by("-chosen_at", "-id"))


def plan_periods(plans: list[CapacityPlan]) -> list[PlanPeriod]:
    """The plans as periods: each from the month it was chosen in; of two chosen in one
    month the later one counts."""
    by_month: dict[date, CapacityPlan] = {}
    for plan in sorted(plans, key=lambda p: (p.chosen_at, p.id)):
        by_month[timezone.localdate(plan.chosen_at).replace(day=1)] = plan
    return [PlanPeriod(starts=month, letters_per_month=plan.letters_per_month,
                       eligible=plan.eligible, calls_per_letter=plan.calls_per_letter,
                       consult_ratio=plan.consult_ratio / 100,
                       minutes_per_call=plan.minutes_per_call,
                       minutes_per_consult=plan.minutes_per_consult)
            for month, plan in sorted(by_month.items())]


def month_span(first: date, last: date) -> list[date]:
    """First days of the months from ``first``'s month to ``last``'s, at most MAX_MONTHS
    (the latest ones)."""
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months[-MAX_MONTHS:]


@dataclass(frozen=True)
class ActualMonth:
    month: date
    letters: int
    calls: int
    consults: int
    minutes: int  # minutes recorded with those calls and consults


def actual_by_month(*, project: Project, months: list[date]) -> list[ActualMonth]:
    """Stop letters mailed (by letter date), call attempts made and consults held, per month
    of ``months``, with the minutes recorded on the calls and consults."""
    letters = Counter(
        d.replace(day=1) for d in Participation.objects.filter(
            project=project, letter_sent_on__isnull=False).values_list(
            "letter_sent_on", flat=True) if d is not None)

    def per_month(queryset, on: str) -> dict[date, tuple[int, int]]:
        rows = (queryset.annotate(m=TruncMonth(on)).values("m")
                .annotate(n=Count("id"), minutes=Sum("minutes")).order_by("m"))
        return {_first_day(r["m"]): (r["n"], r["minutes"] or 0) for r in rows}

    calls = per_month(CallAttempt.objects.filter(participation__project=project), "called_at")
    consults = per_month(Consultation.objects.filter(
        participation__project=project, status=Consultation.Status.HELD), "at")
    return [ActualMonth(month=m, letters=letters.get(m, 0), calls=calls.get(m, (0, 0))[0],
                        consults=consults.get(m, (0, 0))[0],
                        minutes=calls.get(m, (0, 0))[1] + consults.get(m, (0, 0))[1])
            for m in months]


def _first_day(value) -> date:
    day = timezone.localtime(value).date() if hasattr(value, "hour") else value
    return day.replace(day=1)
