"""The ORM-facing side of the schedule engine (``tapering.schedule``): which
``Substance`` rows (patients/data/benzo_reference.csv, loaded by a migration) become
the engine's ``Product``. Used by the command ``taper_schedule`` and the schedule pages.
"""

from patients.models import Substance

from .schedule import DIAZEPAM_ATC, Product, product_from_reference


def product_from_substance(substance: Substance) -> Product:
    """A substance as the engine sees it; not on the Dutch market: no strengths."""
    return product_from_reference(
        atc=substance.atc, name=substance.name_nl, nl_marketed=substance.nl_marketed,
        nl_strengths_mg=substance.nl_strengths_mg,
        ashton_mg=substance.diazepam_10mg_equivalent_mg, ddd_mg=substance.ddd_mg)


def product_for_atc(atc: str) -> Product | None:
    """The product with this ATC code (any case, spaces around ignored); None when unknown."""
    substance = Substance.objects.filter(atc=atc.strip().upper()).first()
    return product_from_substance(substance) if substance else None


def diazepam() -> Product:
    """Diazepam, the product switched to (``Substance.DoesNotExist`` if the table lacks it)."""
    return product_from_substance(Substance.objects.get(atc=DIAZEPAM_ATC))
