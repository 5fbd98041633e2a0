"""A few new starters in the demo practice (docs/domain.md#new-starters), so the page
*Nieuwe starters* and the GP's start page are not empty on a first look: four patients
whose first benzodiazepine prescription lies in the last eight weeks, imported as a small
HIS export of their own, and one agreement recorded by their GP."""

from collections.abc import Callable
from datetime import date, timedelta

from patients.importing.load import import_file
from patients.models import Practice, StarterAgreement
from patients.prevention_services import starter_agreement_save

from .script import PRODUCTS, Course, his_export

EXPORT_NAME = "demo-nieuwe-starters.csv"
FIRST_NUMBER = 980001
# (surname, prefix, initials, sex, days before today of the first prescription, product)
STARTERS = (
    ("Hendriks", "", "J.", "V", 40, 0),
    ("Brouwer", "", "K.", "M", 20, 4),
    ("Dijkstra", "", "A.", "V", 9, 1),
    ("Wal", "van der", "R.", "M", 3, 3),
)


def new_starters_load(*, practice: Practice, importer, gps: dict[str, object], today: date,
                      say: Callable[[str], None]) -> bool:
    """Import the new starters once (``gps``: export name → GP user) and record an agreement
    for the first; returns whether anything changed."""
    if practice.imports.filter(file_name=EXPORT_NAME).exists() or not gps:
        return False
    names = list(gps)
    courses = []
    for index, (surname, prefix, initials, sex, days, product) in enumerate(STARTERS):
        first = today - timedelta(days=days)
        courses.append(Course(
            number=str(FIRST_NUMBER + index), surname=surname, prefix=prefix,
            initials=initials, sex=sex, birth=date(1960 + 5 * index, 3 + index, 12),
            street="Dorpsstraat", house_number=str(10 + index), postcode="6871 AC",
            city=practice.city or "Renkum", gp=names[index % len(names)],
            product=PRODUCTS[product], kind="new_starter",
            prescriptions=[(first, 20)] + ([(first + timedelta(days=14), 20)]
                                           if days > 14 else [])))
    import_file(practice=practice, user=importer, data=his_export(courses, up_to=today),
                file_name=EXPORT_NAME)
    agreed = courses[0]
    patient = practice.patients.get(number=agreed.number)
    started = agreed.prescriptions[0][0]
    if not StarterAgreement.objects.filter(patient=patient).exists():
        starter_agreement_save(
            user=gps[agreed.gp], practice=practice, patient=patient, started_on=started,
            data={"duration_weeks": 4, "duration_text": "", "end_kind": "review",
                  "end_on": started + timedelta(weeks=4), "offered_sleep_hygiene": True,
                  "offered_cbti": True, "offered_poh_consult": False, "offered_other": "",
                  "note": "Slaapproblemen na verhuizing; na vier weken samen afbouwen."})
    say(f"Imported {len(courses)} new starters into {practice.name}, one with an agreement.")
    return True
