"""Reads for questionnaires (docs/domain.md#questionnaires): the definitions in use, each
turned into the plain shape tapering/questionnaires.py scores."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from patients.models import Participation

from .models import QuestionnaireDefinition, QuestionnaireResponse, TaperSchedule
from .questionnaires import HOLD_RISE_DEFAULT, Definition, definition_from_dict, hold_suggested
from .score_chart import ScoreSeries, score_trend_svg
from .stepdata import steps_from_json


def definition_data(row: QuestionnaireDefinition) -> dict[str, Any]:
    """The plain data of one definition row with its scales and items."""
    data: dict[str, Any] = {
        "code": row.code, "name": row.name, "instruction": row.instruction,
        "shows_items": row.shows_items, "higher_is_worse": row.higher_is_worse,
        "scales": [{"code": s.code, "name": s.name, "minimum": s.minimum,
                    "maximum": s.maximum, "bands": s.bands} for s in row.scales.all()],
        "items": [{"number": i.number, "text": i.text, "scale": i.scale,
                   "options": i.options} for i in row.items.all()],
    }
    if row.total_maximum is not None and row.total_minimum is not None:
        data["total"] = {"name": row.total_name, "minimum": row.total_minimum,
                         "maximum": row.total_maximum, "bands": row.total_bands}
    return data


def definitions() -> list[QuestionnaireDefinition]:
    """Every questionnaire, in the order the choice page shows them."""
    return list(QuestionnaireDefinition.objects.prefetch_related("scales", "items"))


def definition(code: str) -> Definition:
    """The scoring shape of the questionnaire ``code`` (DoesNotExist when there is none)."""
    row = QuestionnaireDefinition.objects.prefetch_related("scales", "items").get(code=code)
    return definition_from_dict(definition_data(row))


@dataclass(frozen=True)
class ScoreLine:
    name: str
    score: int
    maximum: int | None
    category: str


@dataclass(frozen=True)
class ResponseRow:
    response: QuestionnaireResponse
    lines: list[ScoreLine]


def responses_of(*, participation: Participation) -> list[ResponseRow]:
    """The participation's answer sets, newest first, each with its scores named as its
    instrument names them and the category each falls in."""
    rows = (QuestionnaireResponse.objects.filter(participation=participation)
            .select_related("definition", "entered_by")
            .prefetch_related("definition__scales", "definition__items")
            .order_by("-taken_on", "-entered_at"))
    result = []
    for response in rows:
        shape = definition_from_dict(definition_data(response.definition))
        lines = []
        for code, value in response.scores.items():
            scale = shape.scale(code)
            lines.append(ScoreLine(name=scale.name, score=int(value), maximum=scale.maximum,
                                   category=response.categories.get(code, "")))
        result.append(ResponseRow(response=response, lines=lines))
    return result


@dataclass(frozen=True)
class HoldSuggestion:
    previous: QuestionnaireResponse
    latest: QuestionnaireResponse
    rise: int


def bwsq_hold_suggestion(*, participation: Participation) -> HoldSuggestion | None:
    """A suggestion to hold the current step when the latest BWSQ total rose by at least
    ``settings.BWSQ_HOLD_RISE`` (default 5) points against the one before and nobody has
    decided on it yet; None otherwise (docs/domain.md#questionnaires)."""
    last_two = list(QuestionnaireResponse.objects.filter(
        participation=participation, definition__code="bwsq")
        .order_by("-taken_on", "-entered_at")[:2])
    if len(last_two) < 2 or last_two[0].hold_decision:
        return None
    latest, previous = last_two
    rise = int(getattr(settings, "BWSQ_HOLD_RISE", HOLD_RISE_DEFAULT))
    if not hold_suggested(previous=int(previous.scores["total"]),
                          latest=int(latest.scores["total"]), rise=rise):
        return None
    return HoldSuggestion(previous=previous, latest=latest,
                          rise=int(latest.scores["total"]) - int(previous.scores["total"]))


@dataclass(frozen=True)
class ScoreTrend:
    """One instrument's scores over time for a participation, and its chart."""

    code: str
    name: str
    series: list[ScoreSeries]
    svg: str


def score_trends(*, participation: Participation, codes: Sequence[str] = ()) -> list[ScoreTrend]:
    """Per instrument the participation has answers for (or only ``codes``), each score as a
    line across the dates filled in, with the active schedule's steps on the same axis
    (docs/domain.md#questionnaires)."""
    rows = (QuestionnaireResponse.objects.filter(participation=participation)
            .select_related("definition")
            .prefetch_related("definition__scales", "definition__items")
            .order_by("definition__position", "definition__code", "taken_on", "entered_at"))
    if codes:
        rows = rows.filter(definition__code__in=codes)
    schedule = TaperSchedule.objects.filter(participation=participation,
                                            replaced_at__isnull=True).first()
    steps = steps_from_json(schedule.current.steps) if schedule is not None else []
    by_code: dict[str, list[QuestionnaireResponse]] = {}
    for response in rows:
        by_code.setdefault(response.definition.code, []).append(response)
    trends = []
    for code, responses in by_code.items():
        shape = definition_from_dict(definition_data(responses[0].definition))
        points: dict[str, list[tuple[date, int]]] = {}
        for response in responses:
            for scale_code, value in response.scores.items():
                points.setdefault(scale_code, []).append((response.taken_on, int(value)))
        series = [ScoreSeries(name=shape.scale(scale_code).name,
                              maximum=shape.scale(scale_code).maximum,
                              points=tuple(line)) for scale_code, line in points.items()]
        title = _("%(name)s over time") % {"name": shape.name}
        trends.append(ScoreTrend(code=code, name=shape.name, series=series,
                                 svg=score_trend_svg(title, series, steps=steps,
                                                     chart_id=f"verloop-{code}")))
    return trends
