"""A project as of a date E, and what the measures share (docs/domain.md#measures).

E is kept strictly: a date (letter, mailing, prescription, outcome, questionnaire) counts
when it is on or before E; a moment (an aware datetime: a call, a consultation, a
decision) counts when it falls before the end of E in the practice's time zone. The scope
caches what several measures share (the evaluation rows, the groslijst at the start and
on E), so one ``measures_compute`` runs each expensive query once.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any

from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from patients.groslijst import GroslijstRow
from patients.groslijst_cache import groslijst_rows_cached
from patients.models import OUTCOMES_OUT_OF_DENOMINATOR, Participation, Project

from .selectors import EvaluationRow, evaluation_rows

ONE_DECIMAL = Decimal("0.1")
HUNDREDTHS = Decimal("0.01")


def day_end(day: date) -> datetime:
    """The first moment after ``day`` in the practice's time zone: moments before it count."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole``, one decimal, half up; None for an empty whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def mean(values: list[Decimal], places: Decimal = HUNDREDTHS) -> Decimal | None:
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(places, ROUND_HALF_UP)


@dataclass
class Scope:
    """A project as of a date, with the shared parts of the measures computed once."""

    project: Project
    as_of: date
    cache: dict[str, Any] = field(default_factory=dict)  # what several measures share
    # The groslijst per reference date, shared by the scopes of several dates (a rebuild of
    # a project's months computes the list at the project's start once, not once a month).
    groslijst_memo: dict[date, list[GroslijstRow]] = field(default_factory=dict)

    @cached_property
    def end(self) -> datetime:
        return day_end(self.as_of)

    @cached_property
    def participations(self) -> QuerySet[Participation]:
        """The project's participations as of E: made on or before E, or with a letter date
        on or before E (a round imported afterwards from a spreadsheet)."""
        return Participation.objects.filter(project=self.project).filter(
            Q(created_at__lt=self.end) | Q(letter_sent_on__lte=self.as_of))

    @cached_property
    def rows(self) -> list[EvaluationRow]:
        """The evaluation rows of participations whose letter date is on or before E."""
        return [r for r in evaluation_rows(project=self.project, as_of=self.as_of)
                if r.letter_date <= self.as_of]

    def left_by_as_of(self, row: EvaluationRow) -> bool:
        """Died, moved or left the practice, recorded with a date on or before E."""
        return (row.outcome in OUTCOMES_OUT_OF_DENOMINATOR and row.outcome_on is not None
                and row.outcome_on <= self.as_of)

    @cached_property
    def evaluated(self) -> list[EvaluationRow]:
        """The denominator of the shares: letter rows without died / moved / left by E."""
        return [r for r in self.rows if not self.left_by_as_of(r)]

    @cached_property
    def start_date(self) -> date:
        """The project's groslijst reference date: the earliest of its participations (the
        planned start without any), never after E."""
        first = (Participation.objects.filter(project=self.project)
                 .aggregate(first=Min("reference_date"))["first"])
        return min(first or self.project.planned_start, self.as_of)

    def chronic_users(self, reference: date) -> list[GroslijstRow]:
        """The groslijst on ``reference`` under the project's criterion (patients.selectors)."""
        if reference not in self.groslijst_memo:
            rows = groslijst_rows_cached(practice=self.project.practice,
                                         reference_date=reference,
                                         ddd_threshold=self.project.ddd_threshold,
                                         source=self.project.groslijst_source)
            self.groslijst_memo[reference] = [r for r in rows if r.meets(self.project.criterion)]
        return self.groslijst_memo[reference]

    @cached_property
    def chronic_start(self) -> list[GroslijstRow]:
        return self.chronic_users(self.start_date)

    @cached_property
    def chronic_now(self) -> list[GroslijstRow]:
        return self.chronic_users(self.as_of)
