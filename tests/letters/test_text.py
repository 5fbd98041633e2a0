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
    # 't, 's and d' are written in lower case, also at the start (issue 11, point 8).
    ("M", "P.", "'t", "Hart", "Geachte heer 't Hart"),
    ("M", "", "'T", "Hart", "Geachte heer 't Hart"),
    ("V", "", "’t", "Hart", "Geachte mevrouw ’t Hart"),
    ("M", "", "'s", "Gravesande", "Geachte heer 's Gravesande"),
    ("V", "E.", "d'", "Ancona", "Geachte mevrouw d'Ancona"),
    ("V", "", "D'", "Ancona", "Geachte mevrouw d'Ancona"),
    ("X", "", "d'", "Ancona", "Geachte heer/mevrouw d'Ancona"),
    # Everything else as before: only these prefixes stay lower case.
    ("V", "", "de", "Ancona", "Geachte mevrouw De Ancona"),
    ("M", "", "van 't", "Hart", "Geachte heer Van 't Hart"),
    ("M", "", "in 't", "Veld", "Geachte heer In 't Veld"),
    ("M", "", "d", "Ancona", "Geachte heer D Ancona"),
])
def test_salutation_follows_the_dutch_rules(sex, initials, prefix, surname, expected):
    assert text.salutation(sex, initials, prefix, surname) == expected


def test_the_prefix_is_lower_case_after_initials_and_capitalised_without():
    assert text.full_name("T.", "Van den", "Berg") == "T. van den Berg"
    assert text.full_name("", "van den", "Berg") == "Van den Berg"
    assert text.addressee("V", "T.", "van den", "Berg") == "Mevrouw T. van den Berg"
    assert text.addressee("M", "J.", "", "Jansen") == "De heer J. Jansen"
    assert text.addressee("X", "J.", "", "Jansen") == "J. Jansen"
    assert text.addressee("V", "E.", "D'", "Ancona") == "Mevrouw E. d'Ancona"
    assert text.full_name("", "'t", "Hart") == "'t Hart"


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
                  "afhankelijk", "is stoppen niet altijd makkelijk",  # dependence
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


VALUES = {"middel": "temazepam", "sterkte": "", "telefoon": "0317-123456", "plaats": ""}


@pytest.mark.parametrize(("source", "values", "expected"), [
    # An optional part is printed when its values are known ...
    ("u gebruikt {middel}[ van {sterkte}].", {**VALUES, "sterkte": "20 mg"},
     "u gebruikt temazepam van 20 mg."),
    # ... and left out, with the space before it, when one is not.
    ("u gebruikt {middel} [van {sterkte}].", VALUES, "u gebruikt temazepam."),
    ("[Bel {telefoon} of ]kom langs in {praktijk}.", {"praktijk": "De Linde"},
     "kom langs in De Linde."),
    # Square brackets without a placeholder are plain text.
    ("Zie [bijlage].", VALUES, "Zie [bijlage]."),
    # The last guard: an empty value leaves no gap ("temazepam ." never appears).
    ("Volgens ons gebruikt u {middel} {sterkte}.", VALUES,
     "Volgens ons gebruikt u temazepam."),
    ("Volgens ons gebruikt u {middel} {sterkte}.", {**VALUES, "sterkte": "20 mg"},
     "Volgens ons gebruikt u temazepam 20 mg."),
])
def test_a_missing_value_never_leaves_a_gap(source, values, expected):
    assert text.fill_plain(source, values) == expected
    assert text.fill_html(source, values) == expected


def test_an_optional_part_still_checks_its_placeholders():
    with pytest.raises(text.UnknownPlaceholders):
        text.fill_plain("[van {bsn}]", {})


def test_a_line_with_a_condition_is_printed_only_when_it_holds():
    source = ("# Hoe?\n[tabletten] Neem een kwart tablet minder.\n"
              "[capsules] Bespreek het met {poh}.\n\n"
              "[tabletten] - stap een\n[tabletten] - stap twee")
    tablets = text.body_html(source, {"poh": "Sanne"}, {"tabletten": True, "capsules": False})
    assert tablets == ("<h2>Hoe?</h2>\n<p>Neem een kwart tablet minder.</p>\n"
                       "<ul><li>stap een</li><li>stap twee</li></ul>")
    capsules = text.body_html(source, {"poh": "Sanne"}, {"tabletten": False, "capsules": True})
    assert capsules == "<h2>Hoe?</h2>\n<p>Bespreek het met Sanne.</p>"
    # An unknown condition is plain text, so a typing error shows in the preview.
    assert text.body_html("[tablet] Neem minder.", {}, {}) == "<p>[tablet] Neem minder.</p>"


def test_readability_ignores_conditions_and_the_brackets_of_optional_parts():
    plain = text.readability("Ik slaap slecht. Ik bel de dokter op {telefoon}.")
    marked = text.readability("[capsules] Ik slaap slecht. Ik bel de dokter[ op {telefoon}].")
    assert (marked.words, marked.sentences) == (plain.words, plain.sentences)


@pytest.mark.parametrize(("items", "expected"), [
    ([], ""), (["temazepam"], "temazepam"), (["temazepam", "oxazepam"], "temazepam en oxazepam"),
    (["a", "b", "c"], "a, b en c"), (["a", ""], "a"),
])
def test_join_nl(items, expected):
    assert text.join_nl(items) == expected


@pytest.mark.parametrize(("substance", "description", "dosage", "capsule"), [
    ("temazepam", "Temazepam 20mg capsule", "", True),
    ("temazepam", "TEMAZEPAM 10 MG CAPS", "", True),
    ("oxazepam", "Oxazepam 10", "1 dd 1 capsule", True),
    ("temazepam", "Temazepam 10 mg tablet", "", False),
    ("oxazepam", "Oxazepam 10mg tablet", "", False),
    ("oxazepam", "N05BA04", "", False),
    # No word for the form: temazepam is sold mostly as capsules, the others as tablets.
    ("temazepam", "N05CD07", "1 dd 1", True),
    ("lorazepam", "Lorazepam 1 mg", "1 dd 1", False),
])
def test_is_capsule(substance, description, dosage, capsule):
    assert text.is_capsule(substance, description, dosage) is capsule
