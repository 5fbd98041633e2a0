"""Letter refusals go through Django i18n: English in the code, Dutch in locale/nl."""

from functools import partial

import pytest
from django.utils import translation

from letters.images import LOGO_MAX_BYTES, ImageRefused, image_check
from letters.services import LettersRefused, letter_run_create

from .helpers import png_bytes


def refusal(action) -> str:
    with pytest.raises((ImageRefused, LettersRefused)) as refused:
        action()
    assert type(refused.value.message) is str  # translated when made, never lazy
    return refused.value.message


def test_refusals_follow_the_active_language(letter_project, assistant):
    empty = partial(image_check, b"", kind="logo", max_bytes=LOGO_MAX_BYTES)
    too_large = partial(image_check, png_bytes() + b"\0" * LOGO_MAX_BYTES, kind="signature",
                        max_bytes=LOGO_MAX_BYTES)
    nobody_waiting = partial(letter_run_create, project=letter_project, user=assistant)
    with translation.override("en"):
        assert refusal(empty) == "The file is empty."
        assert refusal(too_large) == ("The signature is too large (1.0 MB); it may be at "
                                      "most 1.0 MB.")
        assert refusal(nobody_waiting) == "There are no patients left who are to get a letter."
    assert refusal(empty) == "Het bestand is leeg."
    assert refusal(too_large) == ("De handtekening is te groot (1,0 MB); deze mag hoogstens "
                                  "1,0 MB zijn.")
    assert refusal(nobody_waiting) == "Er zijn geen patiënten die nog een brief moeten krijgen."
