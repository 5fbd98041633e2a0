"""When a HIS patient and a pharmacy patient are suggested as one person, without the ORM
(docs/domain.md#his-and-pharmacy, "Linking patients").

The HIS and the pharmacy number their patients each in their own way, so a person is
recognised by what both exports hold: the date of birth, the postcode and the surname.
A pair is *suggested* only when all three agree after normalising; a person confirms it.

- **Date of birth**: the same day. A patient without one is never suggested.
- **Postcode**: upper case, every space left out: "6874 jc", "6874JC" and "6874 JC"
  agree. A patient without one is never suggested.
- **Surname**: the prefix put back in front of the surname, then case, accents and
  everything that is no letter or digit left out: "van der Meer" (all in the surname),
  prefix "van der" + "Meer" and "Van Der Meer" agree, and so do "Öztürk" and "Ozturk"
  (a pharmacy system or an export's encoding may drop accents), "'t Hart" and "t Hart",
  "Jansen-de Vries" and "Jansen de Vries". Leaving that much out is safe because the
  date of birth and the postcode must agree as well, and a person still confirms.

Two people with the same key (twins at one address) give every pair of them as a
suggestion; the person confirming tells them apart by initials and sex, and once one
pair is linked the other pairs with those patients are no longer suggested.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

NOT_LETTERS = re.compile(r"[^0-9a-z]+")
SPACES = re.compile(r"\s+")


class LinkPerson(NamedTuple):
    """What the rule reads of one patient: its id and the three fields (a tuple: made
    20,000 times a request, ten times faster than a frozen dataclass)."""

    id: int
    birth_date: date | None
    postcode: str
    surname: str
    prefix: str = ""


def normal_postcode(postcode: str) -> str:
    """'6874 jc' → '6874JC': upper case, no spaces."""
    return SPACES.sub("", postcode or "").upper()


def normal_surname(surname: str, prefix: str = "") -> str:
    """'van der', 'Meer' → 'vandermeer': the prefix in front, without case, accents or
    anything that is no letter or digit."""
    whole = f"{prefix or ''} {surname or ''}"
    decomposed = unicodedata.normalize("NFKD", whole)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return NOT_LETTERS.sub("", bare)


def link_key(person: LinkPerson) -> tuple[date, str, str] | None:
    """The key two patients must share to be suggested; None when a field is missing."""
    postcode = normal_postcode(person.postcode)
    surname = normal_surname(person.surname, person.prefix)
    if person.birth_date is None or not postcode or not surname:
        return None
    return person.birth_date, postcode, surname


def suggested_pairs(his: Iterable[LinkPerson], pharmacy: Iterable[LinkPerson], *,
                    rejected: set[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """(HIS id, pharmacy id) of every pair whose keys agree, in the order of ``his`` and
    then ``pharmacy``; pairs in ``rejected`` are left out. The caller passes only
    patients that are not linked yet. One pass over each side: grouped by key."""
    rejected = rejected or set()
    by_key: dict[tuple[date, str, str], list[int]] = defaultdict(list)
    for person in pharmacy:
        key = link_key(person)
        if key is not None:
            by_key[key].append(person.id)
    pairs = []
    for person in his:
        key = link_key(person)
        if key is None:
            continue
        for pharmacy_id in by_key.get(key, ()):
            if (person.id, pharmacy_id) not in rejected:
                pairs.append((person.id, pharmacy_id))
    return pairs
