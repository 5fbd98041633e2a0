"""A HIS prescription and the pharmacy's dispensing of it (docs/domain.md#his-and-pharmacy).

No database: the rule on plain values, so it is tested without one.

A dispensing matches a prescription when

- the two patients are linked (the same person in the HIS and at the pharmacy),
- the ATC codes are equal, and
- the dispensing is dated on the prescription's date or up to ``MATCH_DAYS`` days after it:
  ``P <= D <= P + 14``, both ends included.

Why 14 days: a prescription is usually collected the same day or within a few days, but
a patient who still has tablets at home, a pharmacy that has to order the product, or a
prescription sent just before a weekend or a holiday takes longer. Two weeks holds those
and is shorter than the shortest usual repeat interval of a benzodiazepine (a month), so a
dispensing is not taken for the collection of the *next* prescription. A dispensing dated
before its prescription cannot be its collection (a pharmacy may hand out ahead of the
prescription, but then the two are a difference worth seeing).

One to one: a prescription matches at most one dispensing and a dispensing at most one
prescription. Per linked person and ATC code, prescriptions are taken in date order
(earliest first) and each gets the earliest dispensing still free within its 14 days.
Rows of the same date keep the order in which they were read (import, then line in its
file): the ``order`` each item carries. As every prescription's window has the same
length, this earliest-first pairing matches as many pairs as any pairing could.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

MATCH_DAYS = 14


@dataclass(frozen=True)
class Item:
    """A prescription or a dispensing: its key, its patient, ATC code and date; ``order``
    tells items of one date apart (the order they were read)."""

    key: Hashable
    patient_id: int
    atc: str
    day: date
    order: tuple[int, ...] = ()


def matches(prescription_day: date, dispensing_day: date) -> bool:
    """Whether the dispensing date falls in the prescription's window ``[P, P + 14]``."""
    return prescription_day <= dispensing_day <= prescription_day + timedelta(days=MATCH_DAYS)


def match(*, prescriptions: Iterable[Item], dispensings: Iterable[Item],
          links: Mapping[int, int]) -> list[tuple[Item, Item]]:
    """The (prescription, dispensing) pairs, one to one.

    ``links`` maps a pharmacy patient's id to the HIS patient's id; a dispensing of a
    patient not in it matches nothing.
    """
    def sort_key(item: Item) -> tuple[date, tuple[int, ...]]:
        return item.day, item.order

    wanted: dict[tuple[int, str], list[Item]] = defaultdict(list)
    for rx in prescriptions:
        wanted[(rx.patient_id, rx.atc)].append(rx)
    given: dict[tuple[int, str], list[Item]] = defaultdict(list)
    for disp in dispensings:
        his_id = links.get(disp.patient_id)
        if his_id is not None:
            given[(his_id, disp.atc)].append(disp)
    pairs = []
    for group, rxs in wanted.items():
        free = sorted(given.get(group, []), key=sort_key)
        for rx in sorted(rxs, key=sort_key):
            for i, disp in enumerate(free):
                if matches(rx.day, disp.day):
                    pairs.append((rx, free.pop(i)))
                    break
                # ``free`` is in date order: a dispensing before P is too early for this
                # prescription and every later one; one after P + 14 ends the search.
                if disp.day > rx.day + timedelta(days=MATCH_DAYS):
                    break
    return pairs


@dataclass(frozen=True)
class Coverage:
    """The dates each source covers: the HIS export's first and last prescription, the
    pharmacy list's first and last dispensing (None when the source has no rows)."""

    his_first: date | None
    his_last: date | None
    pharmacy_first: date | None
    pharmacy_last: date | None

    @property
    def complete(self) -> bool:
        return None not in (self.his_first, self.his_last, self.pharmacy_first,
                            self.pharmacy_last)

    @property
    def start(self) -> date | None:
        """The first day both sources cover."""
        if self.his_first is None or self.pharmacy_first is None:
            return None
        return max(self.his_first, self.pharmacy_first)

    @property
    def end(self) -> date | None:
        """The last day both sources cover."""
        if self.his_last is None or self.pharmacy_last is None:
            return None
        return min(self.his_last, self.pharmacy_last)

    def prescription_judged(self, day: date) -> bool:
        """A prescription can be called *never dispensed* only when the pharmacy list covers
        the whole of its 14 days: from its date up to 14 days after it. A later one may
        still be collected; an earlier one was dispensed before the list begins."""
        if not self.complete or self.pharmacy_first is None or self.pharmacy_last is None:
            return False
        return (self.pharmacy_first <= day
                and day + timedelta(days=MATCH_DAYS) <= self.pharmacy_last)

    def dispensing_judged(self, day: date) -> bool:
        """A dispensing can be called *without a HIS prescription* only when the HIS export
        covers the whole of the 14 days before it, where its prescription would be."""
        if not self.complete or self.his_first is None or self.his_last is None:
            return False
        return self.his_first + timedelta(days=MATCH_DAYS) <= day <= self.his_last
