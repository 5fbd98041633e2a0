"""The password rule against common words (docs/security.md#two-factors), without the ORM.

Django's ``CommonPasswordValidator`` refuses only an exact entry of its list, so
"Wachtwoord1" and "Welkom2026!" passed. :class:`CommonWordValidator` also refuses a word
of Django's list or of the Dutch list (``data/common_passwords_nl.txt``) with digits or
symbols added before or after it, in capitals, in l33t spelling ("W3lk0m"), doubled
("welkomwelkom") or joined to one other listed word ("zomerwinter"). A passphrase of a few
ordinary words passes.
"""

import gzip
from functools import cached_property
from pathlib import Path
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DUTCH_LIST = Path(__file__).resolve().parent / "data" / "common_passwords_nl.txt"
# A part of a joined password counts when it is a listed word of at least this many
# letters (shorter entries, "kat" or "abc", are refused only on their own).
MIN_PART = 4
LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                      "8": "b", "@": "a", "$": "s", "€": "e", "!": "i", "|": "l"})


def _letters(text: str) -> str:
    return "".join(ch for ch in text if ch.isalpha())


def cores(password: str) -> set[str]:
    """The words a password may hide: its letters alone, and its letters read as l33t
    after digits and symbols at either end are taken off ("W@chtw00rd!" -> "wachtwoord")."""
    lower = password.lower()
    start, end = 0, len(lower)
    while start < end and not lower[start].isalpha() and lower[start] not in "@$€|":
        start += 1
    while end > start and not lower[end - 1].isalpha():
        end -= 1
    return {c for c in (_letters(lower), _letters(lower[start:end].translate(LEET))) if c}


def read_list(path: Path) -> set[str]:
    """The entries of a password list (gzipped or plain), lower case, without comments."""
    opener: Any = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return {line.strip().lower() for line in f
                if line.strip() and not line.startswith("#")}


class CommonWordValidator(CommonPasswordValidator):
    """Refuses Django's common passwords and the Dutch list, also with additions."""

    def __init__(self, dutch_list_path: Path | str = DUTCH_LIST) -> None:
        super().__init__()
        self.passwords = self.passwords | read_list(Path(dutch_list_path))

    @cached_property
    def words(self) -> frozenset[str]:
        """Every entry of both lists by its letters alone ("welkom01" -> "welkom")."""
        return frozenset(w for w in map(_letters, self.passwords) if w)

    def is_common(self, password: str) -> bool:
        if password.lower().strip() in self.passwords:
            return True
        return any(self._listed(core) for core in cores(password))

    def _listed(self, core: str) -> bool:
        if core in self.words:
            return True
        # Two listed words joined (or one doubled): "welkomwelkom", "zomerwinter".
        return any(core[:i] in self.words and core[i:] in self.words
                   for i in range(MIN_PART, len(core) - MIN_PART + 1))

    def validate(self, password: str, user: Any = None) -> None:
        if self.is_common(password):
            raise ValidationError(self.get_error_message(), code="password_too_common")

    def get_error_message(self) -> str:
        return _("This password is a common word or password, perhaps with digits, symbols "
                 "or capitals added. Such passwords are guessed first. Choose a sentence of "
                 "a few words instead, for example “cycling home in the rain”.")

    def get_help_text(self) -> str:
        return _("Your password can’t be a common word or password, not even with digits, "
                 "symbols or capitals added.")
