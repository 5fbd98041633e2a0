"""Questionnaires as data (docs/domain.md#questionnaires): the built-in definitions loaded by
the migration, scored by the one generic function against hand-worked examples, bounds and
cut-offs on both sides of each edge, and a new instrument defined only as data."""

import pytest
from django.utils import translation

from tapering.models import QuestionnaireDefinition
from tapering.questionnaire_selectors import definition
from tapering.questionnaires import ScoreError, definition_from_dict, score

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


def bwsq_answers(**chosen: int) -> dict[str, int]:
    """Every BWSQ item answered "no" except the ones given as q<number>=score."""
    answers = {str(n): 0 for n in range(1, 21)}
    answers.update({key[1:]: value for key, value in chosen.items()})
    return answers


def test_the_built_in_instruments_are_loaded_and_only_the_bwsq_has_items():
    rows = {d.code: d for d in QuestionnaireDefinition.objects.all()}
    assert set(rows) == {"bwsq", "bendep-srq", "4dkl", "isi"}
    assert rows["bwsq"].shows_items and rows["bwsq"].items.count() == 20
    for code in ("bendep-srq", "4dkl", "isi"):
        assert not rows[code].shows_items
        assert rows[code].items.count() == 0
    bwsq = definition("bwsq")
    assert all([o.score for o in item.options] == [0, 1, 2] for item in bwsq.items)
    assert len({item.text for item in bwsq.items}) == 20


def test_bwsq_hand_worked_total():
    bwsq = definition("bwsq")
    # 3 items "some" (1) and 4 items "severe" (2): 3 + 8 = 11.
    answers = bwsq_answers(q1=1, q5=1, q20=1, q2=2, q9=2, q13=2, q19=2)
    assert score(bwsq, answers).scores == {"total": 11}
    assert score(bwsq, bwsq_answers()).scores == {"total": 0}
    assert score(bwsq, {str(n): 2 for n in range(1, 21)}).scores == {"total": 40}


def test_bwsq_refuses_missing_and_unknown_answers():
    bwsq = definition("bwsq")
    answers = bwsq_answers()
    del answers["7"]
    with pytest.raises(ScoreError) as missing:
        score(bwsq, answers)
    assert "Vraag 7" in str(missing.value)
    for wrong in (3, -1, "x"):
        with pytest.raises(ScoreError):
            score(bwsq, bwsq_answers(q4=0) | {"4": wrong})


def test_bendep_srq_scales_are_typed_and_counts_below_zero_refused():
    bendep = definition("bendep-srq")
    typed = {"problematic_use": 3, "preoccupation": 0, "lack_of_compliance": 1,
             "withdrawal": 7}
    assert score(bendep, typed).scores == typed
    with pytest.raises(ScoreError) as below:
        score(bendep, typed | {"preoccupation": -1})
    assert "Bezig zijn met de beschikbaarheid" in str(below.value)
    # The highest scale scores are not confirmed: nothing above zero is refused.
    assert score(bendep, typed | {"withdrawal": 25}).scores["withdrawal"] == 25
    with pytest.raises(ScoreError):
        score(bendep, {"problematic_use": 3})


@pytest.mark.parametrize(("scale", "low", "high", "moderate", "strong"), [
    ("distress", 0, 32, 11, 21),
    ("depression", 0, 12, 3, 6),
    ("anxiety", 0, 24, 4, 10),
    ("somatisation", 0, 32, 11, 21),
])
def test_4dkl_bounds_and_cut_offs_on_both_sides(scale, low, high, moderate, strong):
    dkl = definition("4dkl")
    base = {"distress": 0, "depression": 0, "anxiety": 0, "somatisation": 0}

    def category(value: int) -> str:
        return score(dkl, base | {scale: value}).categories[scale]

    assert category(low) == "niet verhoogd"
    assert category(moderate - 1) == "niet verhoogd"
    assert category(moderate) == "matig verhoogd"
    assert category(strong - 1) == "matig verhoogd"
    assert category(strong) == "sterk verhoogd"
    assert category(high) == "sterk verhoogd"
    for outside in (low - 1, high + 1):
        with pytest.raises(ScoreError) as refused:
            score(dkl, base | {scale: outside})
        assert f"tussen {low} en {high}" in str(refused.value)


def test_4dkl_hand_worked_example():
    dkl = definition("4dkl")
    result = score(dkl, {"distress": 14, "depression": 2, "anxiety": 10, "somatisation": 8})
    assert result.scores == {"distress": 14, "depression": 2, "anxiety": 10,
                             "somatisation": 8}
    assert result.categories == {"distress": "matig verhoogd", "depression": "niet verhoogd",
                                 "anxiety": "sterk verhoogd", "somatisation": "niet verhoogd"}


@pytest.mark.parametrize(("total", "expected"), [
    (0, "geen slapeloosheid die klinisch telt"),
    (7, "geen slapeloosheid die klinisch telt"),
    (8, "slapeloosheid onder de drempel"),
    (14, "slapeloosheid onder de drempel"),
    (15, "matige slapeloosheid"),
    (21, "matige slapeloosheid"),
    (22, "ernstige slapeloosheid"),
    (28, "ernstige slapeloosheid"),
])
def test_isi_categories_on_both_sides_of_each_edge(total, expected):
    result = score(definition("isi"), {"isi_total": total})
    assert result.scores == {"isi_total": total}
    assert result.categories == {"isi_total": expected}


@pytest.mark.parametrize("total", [-1, 29])
def test_isi_refuses_totals_outside_0_to_28(total):
    with pytest.raises(ScoreError) as refused:
        score(definition("isi"), {"isi_total": total})
    assert "tussen 0 en 28" in str(refused.value)


def test_a_new_questionnaire_defined_only_as_data_is_scored():
    """Two scales of items with their own options, a total with categories: no code."""
    new = definition_from_dict({
        "code": "new", "name": "Nieuwe lijst", "instruction": "", "shows_items": True,
        "higher_is_worse": False,
        "scales": [{"code": "a", "name": "A", "minimum": 0, "maximum": 6},
                   {"code": "b", "name": "B", "minimum": 0, "maximum": 3}],
        "items": [
            {"number": 1, "text": "een", "scale": "a",
             "options": [{"score": 0, "label": "nooit"}, {"score": 3, "label": "vaak"}]},
            {"number": 2, "text": "twee", "scale": "a",
             "options": [{"score": 0, "label": "nooit"}, {"score": 3, "label": "vaak"}]},
            {"number": 3, "text": "drie", "scale": "b",
             "options": [{"score": 1, "label": "soms"}, {"score": 3, "label": "altijd"}]},
        ],
        "total": {"name": "Totaal", "minimum": 1, "maximum": 9,
                  "bands": [{"lower": 1, "label": "laag"}, {"lower": 5, "label": "hoog"}]},
    })
    result = score(new, {"1": 3, "2": 0, "3": 1})
    assert result.scores == {"a": 3, "b": 1, "total": 4}
    assert result.categories == {"total": "laag"}
    assert score(new, {"1": 3, "2": 0, "3": 3}).categories == {"total": "hoog"}
    with pytest.raises(ScoreError):
        score(new, {"1": 1, "2": 0, "3": 1})  # 1 is not an option of item 1
    # The same, typed in only: no items, scale scores from paper.
    typed = definition_from_dict({
        "code": "paper", "name": "Papier", "shows_items": False,
        "scales": [{"code": "x", "name": "X", "minimum": 2, "maximum": 4,
                    "bands": [{"lower": 2, "label": "laag"}, {"lower": 4, "label": "hoog"}]}],
    })
    assert score(typed, {"x": "3"}).categories == {"x": "laag"}
    assert score(typed, {"x": 4}).categories == {"x": "hoog"}
    for outside in (1, 5):
        with pytest.raises(ScoreError):
            score(typed, {"x": outside})
