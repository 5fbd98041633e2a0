"""Reads comparing the HIS's prescriptions with the pharmacy's dispensings per linked patient
(docs/domain.md#his-and-pharmacy). The matching rule is ``patients/matching.py``.

Benzodiazepines only. Two kinds of difference:

- *dispensed without a HIS prescription*: a dispensing of a linked pharmacy patient that
  matches none of the HIS patient's prescriptions (another prescriber: a specialist, a
  locum, the out-of-hours service; the pharmacy's prescriber is shown);
- *prescribed, never dispensed*: a prescription of a linked HIS patient that no dispensing
  matches.

Only inside the period both sources cover (``matching.Coverage``): a row the other source
could not yet or no longer show is not a difference.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.db import models
from django.db.models import Max, Min
from django.utils.translation import gettext_lazy as _

from .links import linked_pairs
from .matching import Coverage, Item, match
from .models import Patient, Practice, Prescription
from .queries import benzo_filter


class DifferenceKind(models.TextChoices):
    DISPENSED = "uitgifte", _("dispensed without a HIS prescription")
    NOT_DISPENSED = "voorschrift", _("prescribed in the HIS, never dispensed")


@dataclass(frozen=True)
class Difference:
    kind: str
    his_patient: Patient
    pharmacy_patient: Patient
    day: date
    atc: str
    substance: str
    description: str
    units: int
    dosage: str
    prescriber: str  # the pharmacy's prescriber, for a dispensing

    @property
    def kind_label(self) -> str:
        return str(DifferenceKind(self.kind).label)


@dataclass(frozen=True)
class Differences:
    coverage: Coverage
    rows: list[Difference]
    pairs: list[tuple[Patient, Patient]]  # the linked (HIS, pharmacy) patients compared

    @property
    def linked(self) -> int:
        return len(self.pairs)


def coverage(*, practice: Practice) -> Coverage:
    """The first and last date of the practice's HIS prescriptions and of its dispensings."""
    spans = {source: (first, last) for source, first, last in
             Prescription.objects.filter(patient__practice=practice)
             .values_list("patient__source").annotate(first=Min("date"), last=Max("date"))
             .values_list("patient__source", "first", "last")}
    his = spans.get(Patient.Source.HIS, (None, None))
    pharmacy = spans.get(Patient.Source.APOTHEEK, (None, None))
    return Coverage(his_first=his[0], his_last=his[1], pharmacy_first=pharmacy[0],
                    pharmacy_last=pharmacy[1])


def has_pharmacy_data(*, practice: Practice) -> bool:
    return Patient.objects.filter(practice=practice, source=Patient.Source.APOTHEEK).exists()


FIELDS = ("patient_id", "row_key", "date", "atc", "batch_id", "line", "description", "units",
          "dosage", "prescriber", "substance__name_nl")


def _benzo_items(practice: Practice, patient_ids: Iterable[int]) -> list[tuple[Item, dict]]:
    rows = (Prescription.objects.filter(patient__practice=practice,
                                        patient_id__in=list(patient_ids))
            .filter(benzo_filter()).values(*FIELDS))
    return [(Item(key=(r["patient_id"], r["row_key"]), patient_id=r["patient_id"],
                  atc=r["atc"], day=r["date"], order=(r["batch_id"], r["line"])), r)
            for r in rows]


def _matched(practice: Practice, links: dict[int, int]):
    """Every benzodiazepine row of the linked patients and the matched pairs among them."""
    rxs = _benzo_items(practice, links.values())
    disps = _benzo_items(practice, links.keys())
    pairs = match(prescriptions=[item for item, _row in rxs],
                  dispensings=[item for item, _row in disps], links=links)
    return rxs, disps, pairs


def matched_dispensing_keys(*, practice: Practice, links: dict[int, int]) -> list[UUID]:
    """The row keys of the linked patients' dispensings that match a HIS prescription
    (for the combined groslijst, which counts the prescription and not the dispensing)."""
    _rxs, _disps, pairs = _matched(practice, links)
    return [dispensing.key[1] for _rx, dispensing in pairs]


def practice_differences(*, practice: Practice,
                         his_patient_ids: Iterable[int] | None = None) -> Differences:
    """The differences of every linked patient of the practice (or of these HIS patients),
    by HIS patient number, then date."""
    links = linked_pairs(practice=practice)
    if his_patient_ids is not None:
        wanted = set(his_patient_ids)
        links = {ph: his for ph, his in links.items() if his in wanted}
    cover = coverage(practice=practice) if links else Coverage(None, None, None, None)
    if not links:
        return Differences(coverage=cover, rows=[], pairs=[])
    rxs, disps, pairs = _matched(practice, links)
    matched = {item.key for pair in pairs for item in pair}
    to_his = {his: ph for ph, his in links.items()}
    patients = Patient.objects.in_bulk([*links.keys(), *links.values()])
    found = []
    for item, row in rxs:
        if item.key not in matched and cover.prescription_judged(item.day):
            found.append(_difference(DifferenceKind.NOT_DISPENSED, row,
                                     patients[row["patient_id"]],
                                     patients[to_his[row["patient_id"]]]))
    for item, row in disps:
        if item.key not in matched and cover.dispensing_judged(item.day):
            found.append(_difference(DifferenceKind.DISPENSED, row,
                                     patients[links[row["patient_id"]]],
                                     patients[row["patient_id"]]))
    found.sort(key=lambda d: (d.his_patient.number, d.his_patient.pk, d.day, d.kind, d.atc))
    pairs = sorted(((patients[his], patients[ph]) for ph, his in links.items()),
                   key=lambda pair: (pair[0].number, pair[0].pk))
    return Differences(coverage=cover, rows=found, pairs=pairs)


def _difference(kind: str, row: dict, his: Patient, pharmacy: Patient) -> Difference:
    return Difference(kind=kind, his_patient=his, pharmacy_patient=pharmacy, day=row["date"],
                      atc=row["atc"], substance=row["substance__name_nl"] or row["atc"],
                      description=row["description"], units=row["units"],
                      dosage=row["dosage"],
                      prescriber=row["prescriber"] if kind == DifferenceKind.DISPENSED else "")


def linked_his_patient(*, patient: Patient) -> int | None:
    """The HIS patient's id of the person ``patient`` is (itself, or its linked HIS
    patient), or None when ``patient`` is not linked."""
    links = linked_pairs(practice=patient.practice)
    if patient.source == Patient.Source.APOTHEEK:
        return links.get(patient.pk)
    return patient.pk if patient.pk in links.values() else None


def patient_differences(*, patient: Patient) -> Differences | None:
    """The differences for the person in front of the GP; None when not linked."""
    his_id = linked_his_patient(patient=patient)
    if his_id is None:
        return None
    return practice_differences(practice=patient.practice, his_patient_ids=[his_id])
