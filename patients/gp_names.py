"""Matching a GP's name as an export writes it to the practice's GP users, without the ORM
(docs/domain.md, step 4, the signer).

Exports hold the GP as free text: "M. Öztürk", "dr. S. van Dam", "Van Dam, S.",
"A.J. Bakker". The app only *suggests* a user from it; the POH-GGZ confirms. A
suggestion needs the same surname (its last word, so "van Dam" and "Dam" agree)
and, when the export gives initials and the user a first name, the same first
initial. Case and accents do not count ("Ozturk" is "Öztürk"). When no user or
more than one fits, there is no suggestion.
"""

import re
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

# Words in front of a name that are no part of it.
TITLES = frozenset({"dr", "drs", "dokter", "huisarts", "arts", "mevr", "mw", "dhr", "mr"})
# Surname prefixes: a name that starts with one has no first name in front.
PREFIXES = frozenset({"van", "de", "den", "der", "het", "'t", "ten", "ter", "te", "el", "al",
                      "la", "le", "du", "da", "di", "von", "op", "in", "d'"})
BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")


class GpUser(NamedTuple):
    id: int
    first_name: str
    last_name: str


class ParsedName(NamedTuple):
    surname: str  # the last word of the surname, folded: "dam"
    initials: str  # folded initials: "s", "aj"; "" when the export gives none


def fold(text: str) -> str:
    """Lower case without accents: 'Öztürk' → 'ozturk'."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def surname_key(surname: str) -> str:
    """The last word of a surname, folded: 'van Dam' → 'dam', 'Hoekstra-de Wit' → 'wit'."""
    words = fold(surname).split()
    return words[-1].strip(".,") if words else ""


def _is_initials(word: str) -> bool:
    """'M.', 'A.J.', 'AJ' or a single letter: initials, not a name."""
    letters = word.replace(".", "")
    return bool(letters) and letters.isalpha() and ("." in word or len(letters) <= 2 and
                                                    letters.isupper() or len(letters) == 1)


def parse_export_name(name: str) -> ParsedName:
    """Surname and initials of an export's GP name ('dr. S. van Dam' → ('dam', 's'))."""
    text = BRACKETS.sub(" ", name).strip()
    if "," in text:  # 'Van Dam, S.'
        surname, rest = text.split(",", 1)
        initials = "".join(w.replace(".", "") for w in rest.split() if _is_initials(w))
        return ParsedName(surname_key(surname), fold(initials))
    words = [w for w in text.split() if fold(w).strip(".") not in TITLES]
    if not words:
        return ParsedName("", "")
    initials = ""
    while len(words) > 1 and _is_initials(words[0]):
        initials += words.pop(0).replace(".", "")
    if (not initials and len(words) > 1 and words[0][:1].isupper()
            and fold(words[0]) not in PREFIXES):
        initials = words[0][0]  # a first name written out: 'Mehmet Öztürk'
    return ParsedName(surname_key(" ".join(words)), fold(initials))


def suggest_gp(export_name: str, gps: Sequence[GpUser]) -> int | None:
    """The id of the one GP user the export's name fits, or None."""
    parsed = parse_export_name(export_name)
    if not parsed.surname:
        return None
    fits = [gp for gp in gps if surname_key(gp.last_name) == parsed.surname]
    if parsed.initials:
        fits = [gp for gp in fits
                if not gp.first_name.strip() or fold(gp.first_name.strip())[0] ==
                parsed.initials[0]]
    return fits[0].id if len(fits) == 1 else None
