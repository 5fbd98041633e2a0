"""The products of patients/data/benzo_reference.csv as the schedule engine sees them,
read straight from the file (no database), for the engine's tests."""

import csv
from decimal import Decimal
from pathlib import Path

from tapering.schedule import Product, product_from_reference

REFERENCE = Path(__file__).resolve().parents[2] / "patients" / "data" / "benzo_reference.csv"


def _decimal(text: str) -> Decimal | None:
    return Decimal(text) if text.strip() else None


def _read() -> dict[str, Product]:
    with REFERENCE.open(encoding="utf-8", newline="") as handle:
        return {row["atc"]: product_from_reference(
            atc=row["atc"], name=row["substance_nl"], nl_marketed=row["nl_marketed"] == "yes",
            nl_strengths_mg=row["nl_strengths_mg"],
            ashton_mg=_decimal(row["ashton_mg_equal_to_10mg_diazepam"]),
            ddd_mg=_decimal(row["ddd_mg"])) for row in csv.DictReader(handle)}


PRODUCTS = _read()
MARKETED = [product for product in PRODUCTS.values() if product.strengths_mg]
DIAZEPAM = PRODUCTS["N05BA01"]
TEMAZEPAM = PRODUCTS["N05CD07"]
OXAZEPAM = PRODUCTS["N05BA04"]
LORAZEPAM = PRODUCTS["N05BA06"]
