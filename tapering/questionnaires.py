"""Questionnaires as data (docs/domain.md#questionnaires): the plain shape of a definition and
the one scoring function over it. No ORM here: a definition is built from its database rows
(tapering/questionnaire_selectors.py) or from a plain dict (``definition_from_dict``), and a
new instrument needs only new data, never new code."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Option:
    """One answer an item allows, with the points it scores."""

    score: int
    label: str


@dataclass(frozen=True)
class Band:
    """A category that starts at ``lower`` and runs up to the next band's start."""

    lower: int
    label: str


@dataclass(frozen=True)
class Scale:
    """A score with its bounds and its categories (cut-offs), lowest band first."""

    code: str
    name: str
    minimum: int
    maximum: int | None
    bands: tuple[Band, ...] = ()


@dataclass(frozen=True)
class Item:
    """One question shown in the app; ``scale`` is empty when it only counts in the total."""

    number: int
    text: str
    options: tuple[Option, ...]
    scale: str = ""


@dataclass(frozen=True)
class Definition:
    """An instrument. ``shows_items``: the items are asked in the app; otherwise the scale
    scores are typed in from the validated paper form. ``total`` is the sum of the items (or
    of the typed scales) when the instrument has one."""

    code: str
    name: str
    instruction: str
    shows_items: bool
    higher_is_worse: bool
    scales: tuple[Scale, ...] = ()
    items: tuple[Item, ...] = ()
    total: Scale | None = None

    def scale(self, code: str) -> Scale:
        """The scale with ``code`` (or the total when ``code`` is ``"total"``)."""
        if code == TOTAL and self.total is not None:
            return self.total
        return next(s for s in self.scales if s.code == code)


TOTAL = "total"


@dataclass(frozen=True)
class Result:
    """Scores per scale code (and ``"total"``) and the category each falls in."""

    scores: dict[str, int]
    categories: dict[str, str] = field(default_factory=dict)


class ScoreError(ValueError):
    """Answers or scores the instrument does not allow; the message is for the user."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(messages))
        self.messages = messages


def category(scale: Scale, score: int) -> str:
    """The label of the band ``score`` falls in; empty when the scale has no bands."""
    found = ""
    for band in sorted(scale.bands, key=lambda b: b.lower):
        if score >= band.lower:
            found = band.label
    return found


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def score(definition: Definition, values: Mapping[str, Any]) -> Result:
    """Score one answer set. For an instrument with items, ``values`` maps each item number
    (as text) to the chosen option's score; otherwise it maps each scale code to the score
    typed from the paper form. Refuses (ScoreError, Dutch messages) a missing value, an
    answer the item does not offer and any score outside its scale's bounds."""
    errors: list[str] = []
    scores: dict[str, int] = {}
    if definition.shows_items:
        sums = {s.code: 0 for s in definition.scales}
        total = 0
        for item in definition.items:
            answer = _as_int(values.get(str(item.number)))
            allowed = {o.score for o in item.options}
            if answer is None:
                errors.append(_("Question %(n)s has no answer.") % {"n": item.number})
                continue
            if answer not in allowed:
                errors.append(_("Question %(n)s has an answer that is not on the list.")
                              % {"n": item.number})
                continue
            total += answer
            if item.scale:
                sums[item.scale] += answer
        scores.update(sums)
    else:
        total = 0
        for scale in definition.scales:
            typed = _as_int(values.get(scale.code))
            if typed is None:
                errors.append(_("Fill in a whole number for %(scale)s.") % {"scale": scale.name})
                continue
            scores[scale.code] = typed
            total += typed
    if errors:
        raise ScoreError(errors)
    if definition.total is not None:
        scores[TOTAL] = total
    for code, value in scores.items():
        scale = definition.scale(code)
        if scale.maximum is None and value < scale.minimum:
            errors.append(_("%(scale)s must be at least %(min)s; %(value)s is not possible on "
                            "the %(name)s.")
                          % {"scale": scale.name, "min": scale.minimum, "value": value,
                             "name": definition.name})
        elif scale.maximum is not None and not scale.minimum <= value <= scale.maximum:
            errors.append(_("%(scale)s must be between %(min)s and %(max)s; %(value)s is not "
                            "possible on the %(name)s.")
                          % {"scale": scale.name, "min": scale.minimum, "max": scale.maximum,
                             "value": value, "name": definition.name})
    if errors:
        raise ScoreError(errors)
    categories = {code: label for code, value in scores.items()
                  if (label := category(definition.scale(code), value))}
    return Result(scores=scores, categories=categories)


def _scale_from_dict(data: Mapping[str, Any]) -> Scale:
    return Scale(code=str(data["code"]), name=str(data["name"]),
                 minimum=int(data["minimum"]),
                 maximum=None if data.get("maximum") is None else int(data["maximum"]),
                 bands=tuple(Band(lower=int(b["lower"]), label=str(b["label"]))
                             for b in data.get("bands", ())))


def definition_from_dict(data: Mapping[str, Any]) -> Definition:
    """A definition from plain data (the shape the migration loads and JSON can carry)."""
    total = data.get("total")
    return Definition(
        code=str(data["code"]), name=str(data["name"]),
        instruction=str(data.get("instruction", "")),
        shows_items=bool(data["shows_items"]),
        higher_is_worse=bool(data.get("higher_is_worse", True)),
        scales=tuple(_scale_from_dict(s) for s in data.get("scales", ())),
        items=tuple(Item(number=int(i["number"]), text=str(i["text"]),
                         scale=str(i.get("scale", "")),
                         options=tuple(Option(score=int(o["score"]), label=str(o["label"]))
                                       for o in i["options"]))
                    for i in data.get("items", ())),
        total=_scale_from_dict({"code": TOTAL, **total}) if total else None,
    )


# A BWSQ total this many points above the previous one suggests holding the current step
# (docs/domain.md#questionnaires); a project may set BWSQ_HOLD_RISE in its settings.
HOLD_RISE_DEFAULT = 5


def hold_suggested(*, previous: int | None, latest: int, rise: int = HOLD_RISE_DEFAULT) -> bool:
    """Whether ``latest`` rose by at least ``rise`` points against ``previous``; never
    without a previous measurement. Only a suggestion: nothing is applied by it."""
    return previous is not None and latest - previous >= rise
