"""The password rules (docs/security.md#two-factors): at least 12 characters, and no
common word or password, not even with digits, symbols or capitals added."""

import pytest
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError

from benzoproject.passwords import DUTCH_LIST, CommonWordValidator, cores, read_list

COMMON = "veelgebruikt woord of wachtwoord"


def _refusals(password: str) -> list[str]:
    try:
        validate_password(password)
    except ValidationError as error:
        return list(error.messages)
    return []


@pytest.mark.parametrize("password", [
    "Wachtwoord1", "Welkom2026!", "Zomer2026!!", "WACHTWOORD2026", "wachtwoord!!!!",
    "Voorjaar2027!", "Huisarts12345", "#Praktijk2026", "Apotheek-2026", "Geheim123456",
    "W@chtw00rd!!", "W3lk0m2026!!", "welkomwelkom", "Zomer-Winter-2026", "Huisartspraktijk1",
    "Password1234", "iloveyou1234", "Sunshine2026!", "Amsterdam020!", "Feyenoord1908",
])
def test_a_listed_word_with_additions_is_refused_in_dutch(password):
    assert any(COMMON in message for message in _refusals(password)), password


@pytest.mark.parametrize("password", [
    "paars konijn fietst", "Groene thee met honing", "fiets door de regen naar huis",
    "blauwe lucht boven zee", "Zwarte koffie zonder suiker", "regenachtige dinsdag",
    "kwartel-lamp-oever-7",
])
def test_a_passphrase_of_twelve_or_more_characters_is_accepted(password):
    assert _refusals(password) == []


def test_twelve_characters_is_the_edge():
    assert _refusals("kwartel-lamp") == []  # 12
    eleven = _refusals("kwartel-lam")
    assert eleven == ["Dit wachtwoord is te kort. Het moet minstens 12 tekens lang zijn."]


def test_a_listed_word_inside_a_longer_sentence_is_fine():
    # Only the word alone (with additions) is refused, not a sentence that uses it.
    assert _refusals("welkom in onze nieuwe praktijk") == []
    assert _refusals("de zomer was heel erg warm") == []


def test_the_dutch_list_has_the_words_people_use_most():
    words = read_list(DUTCH_LIST)
    assert {"wachtwoord", "welkom", "zomer", "voorjaar", "huisarts", "praktijk", "apotheek",
            "geheim"} <= words
    assert all(word == word.lower().strip() and not word.startswith("#") for word in words)


def test_cores_take_off_additions_and_read_leet():
    assert cores("W@chtw00rd!") == {"wchtwrd", "wachtwoord"}
    assert "welkom" in cores("2026Welkom!")


def test_the_validator_alone_and_its_dutch_help_text():
    validator = CommonWordValidator()
    assert validator.is_common("Zomer2026!!") and not validator.is_common("paars konijn fietst")
    texts = password_validators_help_texts()
    assert "Uw wachtwoord mag geen veelgebruikt woord of wachtwoord zijn" in " ".join(texts)
    assert "Uw wachtwoord moet minstens 12 tekens lang zijn." in texts
