"""The literature's reference figures are data, loaded by the migration (SPEC step 9)."""

from decimal import Decimal

import pytest

from monitoring.measures import BY_KEY
from monitoring.models import ReferenceFigure

pytestmark = pytest.mark.django_db


def test_the_benzoredux_figures_are_present_with_source_window_and_group():
    figures = {f.key: f for f in ReferenceFigure.objects.all()}
    expected = {
        "gorgels-stopped-6m-letter": ("24", 6, "letter"),
        "gorgels-stopped-6m-without": ("12", 6, "without_letter"),
        "gorgels-free-21m-letter": ("13", 21, "letter"),
        "gorgels-free-21m-without": ("5", 21, "without_letter"),
        "gorgels-ddd-letter": ("-26", None, "letter"),
        "gorgels-ddd-without": ("-9", None, "without_letter"),
    }
    for key, (value, months, arm) in expected.items():
        figure = figures[key]
        assert (figure.value, figure.window_months, figure.arm) == (Decimal(value), months, arm)
        assert figure.source == "Gorgels et al. 2005 (Benzoredux)"


def test_the_ivm_module_figures_are_present():
    values = dict(ReferenceFigure.objects.filter(source__startswith="IVM")
                  .values_list("key", "value"))
    assert values == {"ivm-quoted-27": Decimal("27"), "ivm-quoted-14": Decimal("14"),
                      "ivm-eligible": Decimal("66.67"), "ivm-consult": Decimal("50")}


def test_each_figure_names_a_measure_that_exists():
    for figure in ReferenceFigure.objects.exclude(measure=""):
        assert figure.measure in BY_KEY, figure.key
