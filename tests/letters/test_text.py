"""Pure letter text helpers (no database): salutation, placeholders, readability."""

import re
from datetime import date
from decimal import Decimal

import pytest

from letters import text
from letters.defaults import DEFAULTS, STOP


@pytest.mark.parametrize(("sex", "initials", "prefix", "surname", "expected"), [
    ("V", "T.", "van den", "Berg", "Geachte mevrouw Van den Berg"),
    ("M", "J.", "de", "Vries", "Geachte heer De Vries"),
    ("V", "", "", "Öztürk", "Geachte mevrouw Öztürk"),
    ("M", "P.", "van 't", "Hof", "Geachte heer Van 't Hof"),
    ("M", "", "VAN DER", "Laan", "Geachte heer Van der Laan"),
    # Sex unknown: no 'heer' or 'mevrouw'; after initials the prefix stays lower case.
    ("X", "T.", "van den", "Berg", "Geachte T. van den Berg"),
    ("X", "", "van den", "Berg", "Geachte heer/mevrouw Van den Berg"),
    ("V", "A.", "", "", "Geachte mevrouw"),
    ("X", "", "", "", "Geachte heer/mevrouw"),
])
def test_salutation_follows_the_dutch_rules(sex, initials, prefix, surname, expected):
    assert text.salutation(sex, initials, prefix, surname) == expected


def test_the_prefix_is_lower_case_after_initials_and_capitalised_without():
    assert text.full_name("T.", "Van den", "Berg") == "T. van den Berg"
    assert text.full_name("", "van den", "Berg") == "Van den Berg"
    assert text.addressee("V", "T.", "van den", "Berg") == "Mevrouw T. van den Berg"
    assert text.addressee("M", "J.", "", "Jansen") == "De heer J. Jansen"
    assert text.addressee("X", "J.", "", "Jansen") == "J. Jansen"


@pytest.mark.parametrize(("strength", "expected"), [
    (Decimal("20.0000"), "20 mg"), (Decimal("0.5000"), "0,5 mg"), (Decimal("2.5"), "2,5 mg"),
    (Decimal("7.5000"), "7,5 mg"), (Decimal("0.25"), "0,25 mg"), (Decimal("100"), "100 mg"),
    (None, ""), (Decimal("0"), ""),
])
def test_strength_has_a_decimal_comma_and_no_trailing_zeros(strength, expected):
    assert text.strength_nl(strength) == expected


def test_dates_are_written_in_dutch():
    assert text.date_nl(date(2026, 11, 3)) == "3 november 2026"
    assert text.weekday_date_nl(date(2026, 11, 3)) == "dinsdag 3 november 2026"


@pytest.mark.parametrize(("name", "key"), [
    ("M. Öztürk", "öztürk"), ("dr. S. van Dam", "dam"), ("Van Dam, S.", "dam"),
    ("H. de Jong", "jong"), ("", ""), ("Öztürk", "öztürk"),
])
def test_surname_key_finds_the_surname_in_free_text(name, key):
    assert text.surname_key(name) == key


def test_an_unknown_placeholder_is_refused_with_a_dutch_message_naming_it():
    with pytest.raises(text.UnknownPlaceholders) as refused:
        text.check_placeholders("Beste {voornaam}, uw {middel} en {bsn} {voornaam}")
    assert refused.value.names == ["voornaam", "bsn"]
    assert refused.value.message.startswith("Onbekende invulvelden: {voornaam}, {bsn}.")
    assert "{aanhef}" in refused.value.message  # says what may be used
    with pytest.raises(text.UnknownPlaceholders, match=r"^Onbekend invulveld: \{patient\.bsn\}"):
        text.body_html("{patient.bsn}", {})


def test_django_template_syntax_is_refused_not_run():
    # Anything between curly brackets that is not a placeholder of ours is refused.
    for source in ("{{ patient.practice.memberships }}", "{% load static %}",
                   "{{ settings.SECRET_KEY }}"):
        with pytest.raises(text.UnknownPlaceholders):
            text.check_placeholders(source)
    # Brackets that hold no placeholder are plain text.
    assert text.body_html("Een { los haakje en 100% zeker", {}) == \
        "<p>Een { los haakje en 100% zeker</p>"


def test_values_and_text_are_html_escaped():
    html = text.body_html("<b>Let op</b> {naam}", {"naam": "<script>alert(1)</script>"})
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Let op&lt;/b&gt;" in html


def test_body_html_makes_paragraphs_headings_and_lists():
    html = text.body_html("{aanhef},\n\n# Kopje\nEen regel.\nNog een.\n\n- een\n- twee\n",
                          {"aanhef": "Geachte heer Jansen"})
    assert html == ("<p>Geachte heer Jansen,</p>\n<h2>Kopje</h2>\n"
                    "<p>Een regel.<br>Nog een.</p>\n<ul><li>een</li><li>twee</li></ul>")


def test_fill_plain_fills_the_subject():
    assert text.fill_plain("Uw gebruik van {middel}", {"middel": "oxazepam"}) == \
        "Uw gebruik van oxazepam"


def test_readability_counts_sentences_words_and_long_words():
    result = text.readability("Dit is kort. Uw praktijkondersteuner belt u. Prima!")
    assert result.sentences == 3
    assert result.words == 8
    assert result.average_sentence_words == 2.7
    assert result.long_words == ["praktijkondersteuner"]
    assert result.level == "hard"  # one long word in eight is too many
    long_sentence = " ".join(["woord"] * 20) + "."
    assert text.readability(long_sentence).level == "hard"
    assert text.readability("Ik slaap slecht. Ik bel de dokter.").level == "good"


def test_placeholders_count_as_one_short_word():
    result = text.readability("{aanhef}, u gebruikt {middel}.")
    assert result.words == 4 and result.long_words == []


@pytest.mark.parametrize("kind", DEFAULTS)
def test_default_texts_use_only_known_placeholders_and_read_at_b1(kind):
    default = DEFAULTS[kind]
    text.check_placeholders(default.subject, default.body)
    result = text.readability(default.body)
    assert result.average_sentence_words <= 12, result
    assert result.longest_sentence_words <= 20, result


def test_the_default_stop_letter_covers_every_point_of_step_4_and_the_model_letter():
    body = STOP.body
    for placeholder in ("{aanhef}", "{middel_en_sterkte}", "{poh}", "{telefoon}"):
        assert placeholder in body
    assert "{middel}" in STOP.subject
    lowered = body.lower()
    for point in ("bedoeld voor korte tijd",  # meant for short use only
                  "afhankelijk", "stoppen is niet altijd makkelijk",  # dependence
                  "went aan", "minder goed",  # the body gets used to it, works less well
                  "valt", "ongeluk", "geheugen",  # falls, accidents, memory
                  "klachten", "angstig", "gaan vanzelf weer over",  # temporary complaints
                  "ik raad u aan",  # the GP's own advice, in the GP's voice
                  "u kunt het ook",  # encouragement
                  "neem een week lang elke dag een kwart tablet minder dan nu",
                  "capsule", "samen kijken we wat bij u past",
                  "over ongeveer een maand"):  # the POH-GGZ invites in about a month
        assert point in lowered, point
    assert "kijkt u" not in lowered
    # Only placeholders that always have a value: no sentence can show a gap.
    assert not re.search(r"\{(?!aanhef|middel_en_sterkte|poh|telefoon)", body)
