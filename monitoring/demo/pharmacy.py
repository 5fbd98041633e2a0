"""The pharmacy's dispensing list in the demo practice (docs/domain.md#his-and-pharmacy),
so the pages *Patiënten van HIS en apotheek* and *Verschillen HIS en apotheek* are not
empty on a first look.

Five of the practice's HIS patients with benzodiazepine prescriptions (chronic users of
the GP's screening queue first) as the pharmacy knows them: the same date of birth,
postcode and surname, so the app suggests each pair; the name written "Surname, I." with
its prefix and the postcode without its space. Each HIS prescription of the last six
months is dispensed on its date or a few days after it (a match), except one; two
patients also got a benzodiazepine from another prescriber (a psychiatrist, the
out-of-hours service) that the HIS never prescribed. The first three links are
confirmed by the POH-GGZ, the others left as suggestions.
"""

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from patients.importing.load import import_file
from patients.link_services import patient_link_confirm
from patients.linkrules import LinkPerson, link_key
from patients.models import Patient, Practice, Prescription, Project
from patients.queries import benzo_filter

EXPORT_NAME = "demo-apotheek-afleveringen.csv"
COLUMNS = ("Patiëntnummer", "Naam", "Geboortedatum", "Adres", "Postcode", "Woonplaats",
           "Voorschrijver", "Afleverdatum", "ATC", "Artikel", "Aantal", "Dosering")
PATIENTS = 5
CONFIRMED = 3  # the first three pairs are linked, the rest stay suggestions
MONTHS = 6  # the list covers the last six months
OFFSETS = (0, 1, 3, 0, 2, 5, 1, 0, 4)  # days from a prescription to its dispensing


@dataclass(frozen=True)
class Other:
    """A dispensing by another prescriber, with no HIS prescription."""

    prescriber: str
    days_ago: int
    products: tuple[tuple[str, str], ...]  # (ATC, article): the first the patient lacks
    units: int
    dosage: str


# Of the first and second patient (both confirmed, so the differences show them).
OTHERS = (
    Other("K. Janssen (psychiater)", 75,
          (("N05BA06", "LORAZEPAM 1MG TABLET"), ("N05BA04", "OXAZEPAM 10MG TABLET")),
          30, "2 dd 1 tablet"),
    Other("Huisartsenpost Renkum", 40,
          (("N05CD07", "TEMAZEPAM 10MG CAPSULE"), ("N05CF02", "ZOLPIDEM 10MG TABLET")),
          5, "zo nodig 1 voor de nacht"),
)


@dataclass(frozen=True)
class Dispensing:
    patient: Patient
    day: date
    atc: str
    article: str
    units: int
    dosage: str
    prescriber: str


def pharmacy_load(*, practice: Practice, importer, today: date,
                  say: Callable[[str], None]) -> bool:
    """Import the pharmacy list once and confirm the first links as ``importer`` (the
    POH-GGZ); returns whether anything changed."""
    if practice.imports.filter(file_name=EXPORT_NAME).exists():
        return False
    start = today - relativedelta(months=MONTHS)
    chosen = _patients(practice, start, today)
    if not chosen:
        return False
    rows: list[Dispensing] = []
    for index, (patient, prescriptions) in enumerate(chosen):
        skip = _left_undispensed(prescriptions, today) if index == CONFIRMED - 1 else None
        for number, rx in enumerate(prescriptions):
            if rx is skip:
                continue
            rows.append(Dispensing(
                patient, min(rx.date + timedelta(days=OFFSETS[number % len(OFFSETS)]), today),
                rx.atc, _article(rx), rx.units, rx.dosage, rx.prescriber))
        if index < len(OTHERS):
            other = OTHERS[index]
            own = {rx.atc for rx in prescriptions}
            atc, article = next(p for p in other.products if p[0] not in own)
            rows.append(Dispensing(patient, today - timedelta(days=other.days_ago), atc,
                                   article, other.units, other.dosage, other.prescriber))
    batch = import_file(practice=practice, user=importer, data=pharmacy_list(rows),
                        file_name=EXPORT_NAME)
    for patient, _prescriptions in chosen[:CONFIRMED]:
        patient_link_confirm(
            user=importer, practice=practice, his_patient=patient,
            pharmacy_patient=practice.patients.get(source=Patient.Source.APOTHEEK,
                                                   number=_number(patient)))
    say(f"Imported {batch.rows_new} pharmacy dispensings of {len(chosen)} patients into "
        f"{practice.name}; linked {min(CONFIRMED, len(chosen))}, the others suggested.")
    return True


def _patients(practice: Practice, start: date,
              today: date) -> list[tuple[Patient, list[Prescription]]]:
    """The HIS patients the pharmacy knows, with their benzodiazepine prescriptions since
    ``start``: regular users up to lately, with a GP of the practice, whose date of birth,
    postcode and surname no other HIS patient shares; the screening queue first."""
    gps = set(practice.gp_names.filter(user__isnull=False).values_list("export_name",
                                                                        flat=True))
    his = practice.patients.filter(source=Patient.Source.HIS, birth_date__isnull=False,
                                   gp_name__in=gps).exclude(postcode="").exclude(surname="")
    keys: dict[object, int] = {}
    for row in his.values_list("id", "birth_date", "postcode", "surname", "prefix"):
        key = link_key(LinkPerson(*row))
        keys[key] = keys.get(key, 0) + 1
    running = practice.projects.exclude(status=Project.Status.CLOSED).first()
    queued = set(running.participations.values_list("patient_id", flat=True)) if running \
        else set()
    by_patient: dict[int, list[Prescription]] = {}
    for rx in (Prescription.objects.filter(patient__in=his, date__gte=start, date__lte=today)
               .filter(benzo_filter()).order_by("patient_id", "date", "batch_id", "line")):
        by_patient.setdefault(rx.patient_id, []).append(rx)
    fit = [pid for pid, rxs in by_patient.items()
           if len(rxs) >= 4 and rxs[-1].date >= today - timedelta(days=30)
           and len({rx.date for rx in rxs}) == len(rxs)]
    people = {p.pk: p for p in his.filter(pk__in=fit)}
    chosen = sorted((p for p in people.values()
                     if keys.get(link_key(LinkPerson(p.pk, p.birth_date, p.postcode,
                                                     p.surname, p.prefix))) == 1),
                    key=lambda p: (p.pk not in queued, p.number))[:PATIENTS]
    return [(p, by_patient[p.pk]) for p in chosen]


def _left_undispensed(prescriptions: list[Prescription], today: date) -> Prescription | None:
    """A prescription in the middle of the period that the pharmacy never dispensed: well
    inside the list's dates, and the next one of its ATC more than 14 days later (so
    that one's dispensing is not taken for it)."""
    judged = []
    for index, rx in enumerate(prescriptions):
        later = [r.date for r in prescriptions[index + 1:] if r.atc == rx.atc]
        if rx.date <= today - timedelta(days=30) and rx is not prescriptions[0] and \
                (not later or later[0] > rx.date + timedelta(days=14)):
            judged.append(rx)
    return judged[len(judged) // 2] if judged else None


def _number(patient: Patient) -> str:
    return f"P{patient.number}"


def _article(rx: Prescription) -> str:
    """The article as the pharmacy writes it, the strength in mg inside it."""
    article = rx.description.upper()
    if re.search(r"\d\s*MG", article) or rx.strength_mg is None:
        return article
    mg = format(Decimal(rx.strength_mg).normalize(), "f").replace(".", ",")
    return f"{article} {mg}MG"


def pharmacy_list(rows: list[Dispensing]) -> bytes:
    """The pharmacy's list (layout ``apotheek``, docs/formats.md): commas,
    UTF-8 with a byte-order mark, dates ``jjjj-mm-dd``, oldest first."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=",", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for d in sorted(rows, key=lambda d: (d.day, d.patient.number)):
        p = d.patient
        name = " ".join(part for part in (p.prefix, p.surname) if part)
        writer.writerow([
            _number(p), f"{name}, {p.initials}", p.birth_date.isoformat() if p.birth_date
            else "", f"{p.street} {p.house_number}".strip(), p.postcode.replace(" ", ""),
            p.city, d.prescriber, d.day.isoformat(), d.atc, d.article, d.units, d.dosage])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
