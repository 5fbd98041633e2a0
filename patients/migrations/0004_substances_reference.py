"""Load the benzodiazepine reference table (ATC, WHO DDD, Ashton equivalent).

The CSV is a copy of shared/data/benzo_reference.csv kept in the app, so the
migration does not depend on anything outside the repository.
"""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import migrations

CSV = Path(__file__).resolve().parent.parent / "data" / "benzo_reference.csv"


def _decimal(value: str):
    return Decimal(value) if value.strip() else None


def load(apps, schema_editor):
    Substance = apps.get_model("patients", "Substance")
    with CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            Substance.objects.update_or_create(
                atc=row["atc"],
                defaults={
                    "name_nl": row["substance_nl"],
                    "name_en": row["substance_en"],
                    "atc_group": row["atc_group"],
                    "ddd_mg": _decimal(row["ddd_mg"]),
                    "diazepam_10mg_equivalent_mg": _decimal(row["ashton_mg_equal_to_10mg_diazepam"]),
                    "nl_marketed": row["nl_marketed"] == "yes",
                    "nl_strengths_mg": row["nl_strengths_mg"],
                    "half_life_class": row["half_life_class"],
                },
            )


class Migration(migrations.Migration):
    dependencies = [("patients", "0003_prescriptions_imports")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
