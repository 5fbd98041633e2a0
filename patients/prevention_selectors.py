"""Reads for prevention: the new starters of a practice, their agreements, the flags and
the counts per month (docs/domain.md#new-starters). The rule itself is in
``patients/new_starters.py``; these build it in SQL and apply it."""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from dateutil.relativedelta import relativedelta
from django.db.models import Max, Min, Q

from .groslijst import months_back
from .groslijst_cache import cached_under_generation
from .links import linked_pairs
from .models import Patient, Practice, Prescription, StarterAgreement
from .new_starters import (
    LOOKBACK_MONTHS,
    MonthCount,
    continues_past,
    history_covers,
    new_start_as_of,
    starts,
    window_start,
)
from .queries import benzo_filter
from .selectors import gp_user_ids

NO_GP = 0  # the GP filter's value for patients whose export GP name is not a GP user
CACHE_VERSION = 1
T = TypeVar("T")
KEEP_SECONDS = 3600  # a bound only: an import makes the old answers unreachable


def _cached(practice: Practice, name: str, compute: Callable[[], T]) -> T:
    """``compute()``, kept in the cache under the practice's generation (replaced by every
    import and link decision, patients/groslijst_cache.py): the start page asks for the
    new starters on every visit of a GP, and only an import changes the answer."""
    return cached_under_generation(
        practice=practice, what="new starters", seconds=KEEP_SECONDS, compute=compute,
        key=lambda generation: (f"newstarters:v{CACHE_VERSION}:{practice.uuid}:"
                                f"{generation}:{name}"))


@dataclass
class StarterRow:
    """One line of the new-starters page: a new starter (``started_on`` in the window) or a
    patient whose agreement still needs the GP (review open, or use past its date)."""

    patient: Patient
    gp_user_id: int | None
    started_on: date  # the start the row is about
    new_starter: bool  # the start lies in the last eight weeks
    agreement: StarterAgreement | None
    last_prescription: date | None
    today: date

    @property
    def flagged(self) -> bool:
        """Use continues past the agreed stop or review date."""
        return self.agreement is not None and continues_past(self.agreement.end_on,
                                                             self.last_prescription)

    @property
    def review_due(self) -> bool:
        return (self.agreement is not None and self.agreement.review_open
                and self.agreement.end_on <= self.today)

    @property
    def without_agreement(self) -> bool:
        return self.agreement is None


def new_starter_starts(*, practice: Practice, today: date) -> dict[int, date]:
    """Every new starter of the practice as of ``today``: patient id → start date (kept
    in the cache until the practice's next import)."""
    return _cached(practice, f"starts:{today.isoformat()}",
                   lambda: _new_starter_starts(practice=practice, today=today))


def history_starts_late(*, practice: Practice, today: date) -> date | None:
    """The practice's earliest benzodiazepine prescription when its data do not reach a full
    look-back year before the start window: a patient whose first prescription in the
    data lies in the window may then have used before (``history_covers``). None when the
    data reach far enough, or when there are none."""
    earliest = (Prescription.objects.filter(patient__practice=practice).filter(benzo_filter())
                .aggregate(first=Min("date"))["first"])
    if earliest is None or history_covers(window_start(today), earliest):
        return None
    return earliest


def _either(a: date | None, b: date | None, pick: Callable[[date, date], date]) -> date | None:
    """``pick(a, b)``, or whichever of the two is known."""
    if a is None or b is None:
        return a or b
    return pick(a, b)


def _with_partners(ids: Iterable[int], pairs: dict[int, int]) -> set[int]:
    """``ids`` and the patients of the other source linked to them."""
    result = set(ids)
    for pharmacy, his in pairs.items():
        if pharmacy in result or his in result:
            result |= {pharmacy, his}
    return result


def _new_starter_starts(*, practice: Practice, today: date) -> dict[int, date]:
    """One aggregate over the patients with a benzodiazepine prescription in the window
    (and the patients of the other source linked to them): their first one in the window
    and their last one before it, taken together per person (the HIS patient's id)."""
    start = window_start(today)
    in_window = (Prescription.objects.filter(patient__practice=practice, date__gte=start,
                                             date__lte=today)
                 .filter(benzo_filter()).values_list("patient_id", flat=True).distinct())
    pairs = linked_pairs(practice=practice)
    rows = (Prescription.objects.filter(patient_id__in=_with_partners(in_window, pairs),
                                        date__lte=today)
            .filter(benzo_filter()).values("patient_id")
            .annotate(first=Min("date", filter=Q(date__gte=start)),
                      previous=Max("date", filter=Q(date__lt=start)))
            .values_list("patient_id", "first", "previous"))
    people: dict[int, tuple[date | None, date | None]] = {}
    for patient_id, first, previous in rows:
        person = pairs.get(patient_id, patient_id)
        known_first, known_previous = people.get(person, (None, None))
        people[person] = (_either(known_first, first, min), _either(known_previous, previous,
                                                                     max))
    result = {}
    for person, (first, previous) in people.items():
        started = new_start_as_of(first, previous, today)
        if started is not None:
            result[person] = started
    return result


def last_benzo_prescriptions(*, practice: Practice, patient_ids: Iterable[int],
                             today: date) -> dict[int, date]:
    """Each patient's latest benzodiazepine prescription up to ``today``, that of a linked
    pharmacy patient counted as the HIS patient's."""
    pairs = linked_pairs(practice=practice)
    result: dict[int, date] = {}
    for patient_id, last in (
            Prescription.objects.filter(patient__practice=practice, date__lte=today,
                                        patient_id__in=_with_partners(patient_ids, pairs))
            .filter(benzo_filter()).values("patient_id").annotate(last=Max("date"))
            .values_list("patient_id", "last")):
        person = pairs.get(patient_id, patient_id)
        result[person] = max(last, result.get(person, last))
    return result


def latest_agreements(*, practice: Practice) -> dict[int, StarterAgreement]:
    """The latest agreement (by its start) of each patient of the practice."""
    result: dict[int, StarterAgreement] = {}
    for agreement in (StarterAgreement.objects.filter(practice=practice)
                      .select_related("gp").order_by("patient_id", "started_on", "id")):
        result[agreement.patient_id] = agreement
    return result


def starter_rows(*, practice: Practice, today: date) -> list[StarterRow]:
    """The new starters as of ``today`` and the patients whose latest agreement still needs
    the GP (review not done, or use past its date), newest start first."""
    new = new_starter_starts(practice=practice, today=today)
    agreements = latest_agreements(practice=practice)
    ids = set(new) | set(agreements)
    last = last_benzo_prescriptions(practice=practice, patient_ids=ids, today=today)
    patients = Patient.objects.in_bulk(list(ids))
    gps = gp_user_ids(practice_id=practice.pk)
    rows = []
    for patient_id in ids:
        patient = patients[patient_id]
        agreement = agreements.get(patient_id)
        started = new.get(patient_id)
        if started is not None and agreement is not None and agreement.started_on < started:
            agreement = None  # an agreement about an earlier start says nothing of this one
        row = StarterRow(patient=patient, gp_user_id=gps.get(patient.gp_name),
                         started_on=started or (agreement.started_on if agreement else today),
                         new_starter=started is not None, agreement=agreement,
                         last_prescription=last.get(patient_id), today=today)
        if row.new_starter or row.review_due or row.flagged or (
                agreement is not None and agreement.review_open):
            rows.append(row)
    rows.sort(key=lambda r: (-r.started_on.toordinal(), r.patient.number))
    return rows


def rows_for_gp(rows: list[StarterRow], gp: int | None) -> list[StarterRow]:
    """The rows of one GP user (``NO_GP``: patients without a GP user; None: all)."""
    if gp is None:
        return rows
    if gp == NO_GP:
        return [r for r in rows if r.gp_user_id is None]
    return [r for r in rows if r.gp_user_id == gp]


@dataclass(frozen=True)
class GpWork:
    """A GP's start-page counts."""

    without_agreement: int
    reviews_due: int
    flagged: int
    unknown_gp: int  # new starters without agreement whose GP is no GP user of the practice


def gp_work(*, practice: Practice, user, today: date) -> GpWork:
    rows = starter_rows(practice=practice, today=today)
    own = [r for r in rows if r.gp_user_id == user.pk
           or (r.agreement is not None and r.agreement.gp_id == user.pk)]
    return GpWork(
        without_agreement=sum(1 for r in own if r.new_starter and r.without_agreement),
        reviews_due=sum(1 for r in own if r.review_due),
        flagged=sum(1 for r in own if r.flagged),
        unknown_gp=sum(1 for r in rows if r.gp_user_id is None and r.new_starter
                       and r.without_agreement))


def starter_month_counts(*, practice: Practice, first_month: date,
                         last_month: date) -> list[MonthCount]:
    """:func:`starter_month_counts_computed`, kept in the cache until the next import or
    until an agreement changes (its count is part of the key)."""
    agreements = StarterAgreement.objects.filter(practice=practice)
    stamp = f"{agreements.count()}:{agreements.aggregate(m=Max('pk'))['m']}"
    name = f"months:{first_month.isoformat()}:{last_month.isoformat()}:{stamp}"
    return _cached(practice, name, lambda: starter_month_counts_computed(
        practice=practice, first_month=first_month, last_month=last_month))


def starter_month_counts_computed(*, practice: Practice, first_month: date,
                                  last_month: date) -> list[MonthCount]:
    """New starters per month and GP (the export's GP name) from ``first_month`` through
    ``last_month`` (first days of months), and how many have an agreement about that start.

    A start counts only when the practice's data reaches a full year before it
    (``history_covers``): before that, an export's first prescription would look new."""
    until = last_month + relativedelta(months=1)
    since = months_back(first_month, LOOKBACK_MONTHS)
    earliest = (Prescription.objects.filter(patient__practice=practice).filter(benzo_filter())
                .aggregate(first=Min("date"))["first"])
    pairs = linked_pairs(practice=practice)  # a linked pharmacy patient is the HIS patient
    dates: dict[int, list[date]] = {}
    for patient_id, day in (Prescription.objects
                            .filter(patient__practice=practice, date__gte=since, date__lt=until)
                            .filter(benzo_filter()).values_list("patient_id", "date")):
        dates.setdefault(pairs.get(patient_id, patient_id), []).append(day)
    gp_names = dict(Patient.objects.filter(pk__in=list(dates)).values_list("id", "gp_name"))
    agreed = set(StarterAgreement.objects.filter(practice=practice)
                 .values_list("patient_id", "started_on"))
    starters: Counter[tuple[date, str]] = Counter()
    with_agreement: Counter[tuple[date, str]] = Counter()
    for patient_id, days in dates.items():
        for day in starts(days):
            if day < first_month or not history_covers(day, earliest):
                continue
            key = (day.replace(day=1), gp_names.get(patient_id, ""))
            starters[key] += 1
            with_agreement[key] += (patient_id, day) in agreed
    return [MonthCount(month=m, gp=gp, starters=n, with_agreement=with_agreement[(m, gp)])
            for (m, gp), n in sorted(starters.items())]
