"""The rule that suggests a HIS patient and a pharmacy patient as one person, without a
database (patients/linkrules.py; docs/domain.md#his-and-pharmacy)."""

from datetime import date

import pytest

from patients.linkrules import (
    LinkPerson,
    link_key,
    normal_postcode,
    normal_surname,
    suggested_pairs,
)

BORN = date(1952, 12, 25)


def his(**fields) -> LinkPerson:
    return LinkPerson(**{"id": 1, "birth_date": BORN, "postcode": "6874 JC",
                         "surname": "Meer", "prefix": "van der", **fields})


def pharmacy(**fields) -> LinkPerson:
    return LinkPerson(**{"id": 101, "birth_date": BORN, "postcode": "6874JC",
                         "surname": "van der Meer", "prefix": "", **fields})


def test_a_pair_is_suggested_when_all_three_fields_agree():
    assert suggested_pairs([his()], [pharmacy()]) == [(1, 101)]


def test_a_pair_with_another_birth_date_is_not_suggested():
    assert suggested_pairs([his()], [pharmacy(birth_date=date(1952, 12, 26))]) == []


def test_a_pair_with_another_postcode_is_not_suggested():
    assert suggested_pairs([his()], [pharmacy(postcode="6874 JD")]) == []


def test_a_pair_with_another_surname_is_not_suggested():
    assert suggested_pairs([his()], [pharmacy(surname="van der Mee")]) == []


@pytest.mark.parametrize("field", ["birth_date", "postcode", "surname"])
def test_a_patient_missing_a_field_is_never_suggested(field):
    empty = None if field == "birth_date" else ""
    assert link_key(his(**{field: empty, "prefix": ""})) is None
    assert suggested_pairs([his(**{field: empty, "prefix": ""})], [pharmacy()]) == []
    assert suggested_pairs([his()], [pharmacy(**{field: empty})]) == []


@pytest.mark.parametrize("written", ["6874 JC", "6874JC", "6874 jc", " 6874  jc ", "6874\tJC"])
def test_postcodes_agree_without_case_and_spaces(written):
    assert normal_postcode(written) == "6874JC"


def test_a_postcode_with_another_letter_stays_another_postcode():
    assert normal_postcode("6874 JC") != normal_postcode("6874 JD")


@pytest.mark.parametrize(("surname", "prefix"), [
    ("Meer", "van der"),  # the pharmacy list's name split by patients/importing/names.py
    ("van der Meer", ""),  # the whole name in the surname
    ("Van Der Meer", ""),
    ("  meer ", "Van  der"),
    ("vanderMeer", ""),
])
def test_the_prefix_is_folded_into_the_surname(surname, prefix):
    assert normal_surname(surname, prefix) == "vandermeer"


@pytest.mark.parametrize(("one", "other"), [
    (("Öztürk", ""), ("Ozturk", "")),  # accents left out
    (("Hart", "'t"), ("Hart", "t")),
    (("Jansen-de Vries", ""), ("Jansen de Vries", "")),
])
def test_accents_and_punctuation_do_not_count(one, other):
    assert normal_surname(*one) == normal_surname(*other)


def test_a_different_prefix_is_a_different_surname():
    assert normal_surname("Berg", "van den") != normal_surname("Berg", "van der")
    assert normal_surname("Berg", "van den") != normal_surname("Berg", "")


def test_a_rejected_pair_is_not_suggested_but_another_pair_is():
    twins = [his(id=1), his(id=2)]
    pairs = suggested_pairs(twins, [pharmacy(id=101), pharmacy(id=102)],
                            rejected={(1, 101)})
    assert pairs == [(1, 102), (2, 101), (2, 102)]


def test_pairs_follow_the_order_of_the_his_side():
    pairs = suggested_pairs([his(id=3, surname="Aa"), his(id=1)],
                            [pharmacy(id=101), pharmacy(id=102, surname="Aa", prefix="van der")])
    assert pairs == [(3, 102), (1, 101)]
