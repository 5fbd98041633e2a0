"""Pseudonyms and small-count suppression (monitoring/pseudonyms.py, docs/domain.md, "The
FTO group's view")."""

import pytest

from monitoring.pseudonyms import (
    gp_labels,
    protect_line,
    pseudonym,
    show_count,
)


def test_a_pseudonym_is_keyed_and_stable():
    first = pseudonym("key-one", "practice", "900001")
    assert first == pseudonym("key-one", "practice", "900001")
    assert first != pseudonym("key-two", "practice", "900001")
    assert first != pseudonym("key-one", "practice", "900002")
    assert "900001" not in first and len(first) == 64


def test_a_pseudonym_needs_a_key():
    with pytest.raises(ValueError):
        pseudonym("", "practice", "900001")


def test_parts_are_kept_apart():
    assert pseudonym("k", "ab", "c") != pseudonym("k", "a", "bc")


@pytest.mark.parametrize(("count", "text"), [
    (0, "0"), (1, "<10"), (9, "<10"), (10, "10"), (123, "123"), (None, "–")])
def test_counts_from_1_to_9_show_as_under_10(count, text):
    assert show_count(count) == text


def test_gp_letters_follow_the_mapping_order_and_stay_when_a_gp_comes():
    labels = gp_labels("k", "p1", ["Dr Zwart", "Dr Aalbers"], ["Dr Aalbers", "Dr Zwart"])
    assert labels == {"Dr Zwart": "A", "Dr Aalbers": "B"}
    later = gp_labels("k", "p1", ["Dr Zwart", "Dr Aalbers", "Dr Mol"],
                      ["Dr Aalbers", "Dr Zwart", "Dr Mol"])
    assert later == {"Dr Zwart": "A", "Dr Aalbers": "B", "Dr Mol": "C"}


def test_unmapped_gp_names_are_ordered_by_their_keyed_hash():
    names = [f"Dr {n}" for n in "ABCDEFGH"]
    one = gp_labels("key-one", "p1", [], names)
    assert one == gp_labels("key-one", "p1", [], list(reversed(names)))  # stable
    assert sorted(one.values()) == list("ABCDEFGH")
    assert one != gp_labels("key-two", "p1", [], names)  # another key, another order


def test_a_line_without_small_counts_is_shown_whole():
    line = protect_line([0, 10, 25])
    assert [c.text for c in line.cells] == ["0", "10", "25"] and line.total.text == "35"


def test_one_small_cell_hides_the_largest_other_so_subtraction_gives_nothing():
    line = protect_line([40, 5])
    assert [c.text for c in line.cells] == ["–", "<10"]
    assert line.total.text == "45"


def test_a_small_cell_beside_zeros_hides_the_total():
    # 0 + x = total: the total would be x itself; here it is small anyway.
    line = protect_line([0, 5])
    assert [c.text for c in line.cells] == ["0", "<10"] and line.total.text == "<10"


def test_when_hiding_cells_is_not_enough_the_total_is_hidden():
    line = protect_line([12, 11, 3])
    assert [c.text for c in line.cells] == ["–", "–", "<10"]
    assert line.total.text == "–" and line.total.value is None


def test_a_hidden_cell_is_chosen_so_the_small_one_can_be_anything_from_1_to_9():
    # 30 hidden, 20 still shown: the hidden one is at least 20, so 3 + 30 = 33 leaves the
    # small one at most 13: anything from 1 to 9.
    line = protect_line([30, 20, 3])
    assert [c.text for c in line.cells] == ["–", "20", "<10"] and line.total.text == "53"


@pytest.mark.parametrize(("cells", "total_shown"), [
    ([5, 5], True),  # x + y = 10: each can be 1..9
    ([5, 6], False),  # x + y = 11: each at least 2, so the total goes
    ([1, 1], False),  # 2: both 1, and the total is small anyway
])
def test_two_small_cells_keep_the_total_only_when_it_tells_nothing(cells, total_shown):
    line = protect_line(cells)
    assert [c.text for c in line.cells] == ["<10", "<10"]
    assert (line.total.value is not None) == total_shown


@pytest.mark.parametrize("small", [1, 9])
def test_the_edges_of_small_are_hidden_and_10_is_not(small):
    assert protect_line([small, 10, 50]).cells[0].text == "<10"
    assert protect_line([10, 0]).cells[0].text == "10"
    assert protect_line([0, 10]).cells[0].text == "0"
