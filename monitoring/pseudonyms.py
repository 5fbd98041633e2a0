"""Pseudonyms and small-count suppression for the FTO group's view (docs/domain.md, "The
FTO group's view"). Plain Python, no ORM: the rules are tested on their own.

- ``pseudonym``: a keyed hash (HMAC-SHA256) of some parts, for anything that must link rows
  without naming them; the key lives outside the database (setting ``PSEUDONYM_KEY``).
- ``gp_labels``: "Huisarts A", "Huisarts B", ... per practice, stable from month to month.
- ``show_count`` and ``protect_line``: counts from 1 to 9 are shown as "<10"; a total that
  would give such a count away by subtraction makes more cells (or the total) hidden.
"""

import hmac
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from hashlib import sha256

SMALL_MAX = 9  # counts from 1 up to this are shown as "<10"
SMALL_TEXT = "<10"
HIDDEN_TEXT = "–"


def pseudonym(key: str, *parts: str) -> str:
    """The keyed hash of ``parts`` (hex): the same parts and key give the same pseudonym,
    another key another one; without the key it cannot be recomputed from the parts."""
    if not key:
        raise ValueError("a pseudonym needs a key")
    message = "\x1f".join(parts).encode()
    return hmac.new(key.encode(), message, sha256).hexdigest()


def _letters(number: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, ..."""
    text = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        text = string.ascii_uppercase[rest] + text
    return text


def gp_labels(key: str, practice_id: str, known: Sequence[str],
              names: Iterable[str]) -> dict[str, str]:
    """A letter per GP name of one practice: "A", "B", ...

    ``known`` are the practice's GP names in the order the practice first met them (its
    name mapping, oldest first): they keep their letter when a new GP comes. Names not in
    ``known`` follow in the order of their keyed hash, so neither order gives the names'
    alphabet away.
    """
    wanted = set(names)
    ordered = [n for n in dict.fromkeys(known)]
    rest = sorted(wanted - set(ordered), key=lambda n: pseudonym(key, practice_id, n))
    return {name: _letters(i) for i, name in enumerate([*ordered, *rest]) if name in wanted}


def is_small(count: int | None) -> bool:
    return count is not None and 1 <= count <= SMALL_MAX


def show_count(count: int | None) -> str:
    """A count as the monitor sees it: 0 and 10 or more as they are, 1 to 9 as "<10"."""
    if count is None:
        return HIDDEN_TEXT
    return SMALL_TEXT if is_small(count) else str(count)


@dataclass(frozen=True)
class Shown:
    """One figure as the monitor sees it: ``value`` when shown exactly, else None with the
    text ("<10" or "–"); ``protecting``: hidden only so that a small count stays hidden."""

    value: int | None
    text: str
    protecting: bool = False

    @property
    def exact(self) -> bool:
        return self.value is not None


def shown(count: int | None) -> Shown:
    if count is None:
        return Shown(None, HIDDEN_TEXT)
    return Shown(None, SMALL_TEXT) if is_small(count) else Shown(count, str(count))


HIDDEN = Shown(None, HIDDEN_TEXT, protecting=True)


def _safe(small: list[int], hidden_large: list[int], shown_large: list[int]) -> bool:
    """Whether the total, known with the shown cells, tells nothing more about any small
    cell than "from 1 to 9".

    The hidden sum s is known. Each small cell lies in 1..9; each cell hidden to protect
    them lies at or above ``floor`` (the larger of 10 and the largest cell still shown,
    since the largest cells are hidden first) and has no upper bound. A small cell can
    then be anything from 1 to 9 exactly when s - (other small cells at 1) - (hidden
    large cells at their floor) is at least 9, and, with no large cell hidden, when
    s - (other small cells at 9) is at most 1.
    """
    if not small:
        return True
    total = sum(small) + sum(hidden_large)
    others = len(small) - 1
    if hidden_large:
        floor = max([10, *shown_large])
        return total - others - floor * len(hidden_large) >= SMALL_MAX
    return total - others >= SMALL_MAX and total - SMALL_MAX * others <= 1


@dataclass(frozen=True)
class Line:
    cells: list[Shown]
    total: Shown


def protect_line(cells: Sequence[int], total: int | None = None) -> Line:
    """The cells of one line (a measure across the practices, or letters across one
    practice's GPs) and their total (their sum unless given), as the monitor sees them.

    Cells from 1 to 9 show "<10". When the total is shown exactly and subtraction could
    tell such a cell's value closer than "1 to 9", the largest cells still shown are
    hidden ("–") one by one until it cannot; if even that is not enough, the total is
    hidden instead.
    """
    total = sum(cells) if total is None else total
    small = [c for c in cells if is_small(c)]
    result = [shown(c) for c in cells]
    total_shown = shown(total)
    if not total_shown.exact or not small:
        return Line(result, total_shown)
    large = sorted(((c, i) for i, c in enumerate(cells) if c > SMALL_MAX), reverse=True)
    hidden: list[int] = []
    while not _safe(small, hidden, [c for c, _ in large]):
        if not large:
            return Line(result, HIDDEN)
        count, index = large.pop(0)
        hidden.append(count)
        result[index] = HIDDEN
    return Line(result, total_shown)
