"""Seeding for the HIS-versus-pharmacy tests: a patient in both sources, linked directly
(the linking pages are tested on their own), and prescriptions or dispensings."""

import uuid
from datetime import date
from decimal import Decimal

from patients.models import ImportBatch, Patient, PatientLink, Prescription, Substance

from ..factories import PatientFactory

OXAZEPAM = "N05BA04"
TEMAZEPAM = "N05CD07"


def batch_for(practice, source: str) -> ImportBatch:
    batch, _created = ImportBatch.objects.get_or_create(
        practice=practice, file_name=f"{source}.csv",
        defaults={"checksum": "0" * 64, "status": ImportBatch.Status.DONE, "layout": source})
    return batch


def give(patient: Patient, day: date, *, atc: str = OXAZEPAM, units: int = 30,
         strength: str = "10", prescriber: str = "", line: int = 0) -> Prescription:
    """One prescription (HIS patient) or dispensing (pharmacy patient)."""
    return Prescription.objects.create(
        patient=patient, date=day, atc=atc, description=f"Product {atc} {strength} mg",
        strength_mg=Decimal(strength), units=units, dosage="1 dd 1", prescriber=prescriber,
        substance=Substance.objects.filter(atc=atc).first(), row_key=uuid.uuid4(),
        batch=batch_for(patient.practice, patient.source), line=line)


def person(practice, *, his_number: str = "100001", pharmacy_number: str = "A-77",
           surname: str = "Jansen", initials: str = "P.", gp: str = "Dr. Visser",
           linked: bool = True) -> tuple[Patient, Patient]:
    """One person as the HIS and the pharmacy know them, linked unless ``linked=False``."""
    fields = {"practice": practice, "surname": surname, "prefix": "", "initials": initials,
              "birth_date": date(1950, 4, 1), "postcode": "6874 JC"}
    his = PatientFactory(source=Patient.Source.HIS, number=his_number, gp_name=gp, **fields)
    pharmacy = PatientFactory(source=Patient.Source.APOTHEEK, number=pharmacy_number, **fields)
    if linked:
        PatientLink.objects.create(practice=practice, his_patient=his, pharmacy_patient=pharmacy)
    return his, pharmacy
