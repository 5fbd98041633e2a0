"""The two export layouts of docs/formats.md, declared as data.

Each layout names its columns (after folding case, accents and spaces), its
date format, and where the strength comes from. ``parse`` reads a file with
whichever layout its header matches.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Layout:
    code: str  # Patient.Source value
    label: str | Promise  # for messages
    delimiter: str
    date_format: str  # strptime format of the prescription and birth dates
    date_hint: str | Promise  # the same, as a person reads it
    columns: tuple[str, ...]  # every column the header must have (folded names)
    number: str
    date: str
    atc: str
    description: str
    units: str
    dosage: str
    birth_date: str


HIS = Layout(
    code="his",
    label=_("HIS export (prescriptions)"),
    delimiter=";",
    date_format="%d-%m-%Y",
    date_hint=_("dd-mm-yyyy"),
    columns=("patientnummer", "achternaam", "tussenvoegsel", "voorletters", "geslacht",
             "geboortedatum", "straat", "huisnummer", "postcode", "woonplaats", "telefoon",
             "huisarts", "voorschrijfdatum", "atc", "omschrijving", "sterkte", "eenheid",
             "aantal", "gebruiksvoorschrift"),
    number="patientnummer",
    date="voorschrijfdatum",
    atc="atc",
    description="omschrijving",
    units="aantal",
    dosage="gebruiksvoorschrift",
    birth_date="geboortedatum",
)

APOTHEEK = Layout(
    code="apotheek",
    label=_("pharmacy list (dispensings)"),
    delimiter=",",
    date_format="%Y-%m-%d",
    date_hint=_("yyyy-mm-dd"),
    columns=("patientnummer", "naam", "geboortedatum", "adres", "postcode", "woonplaats",
             "voorschrijver", "afleverdatum", "atc", "artikel", "aantal", "dosering"),
    number="patientnummer",
    date="afleverdatum",
    atc="atc",
    description="artikel",
    units="aantal",
    dosage="dosering",
    birth_date="geboortedatum",
)

LAYOUTS = (HIS, APOTHEEK)
