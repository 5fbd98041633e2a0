"""Letter data → HTML (no database): the letter layout of ``templates/letters/``.

``letter_render`` fills a practice's text (``letters/text.py``) and the layout
for one letter; ``document_html`` puts letters into one HTML document for
WeasyPrint (``letters/pdf.py``), each starting on a new page.
"""

import base64
from dataclasses import dataclass, field
from datetime import date

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from . import text
from .defaults import DEFAULTS


@dataclass(frozen=True)
class LetterText:
    """A practice's text for one kind of letter (or the default)."""

    subject: str
    body: str

    @classmethod
    def default(cls, kind: str) -> "LetterText":
        return cls(subject=DEFAULTS[kind].subject, body=DEFAULTS[kind].body)


@dataclass(frozen=True)
class Image:
    """An image to embed in a letter as a data: URL (so WeasyPrint fetches nothing)."""

    content_type: str
    data: bytes

    @property
    def data_url(self) -> str:
        return f"data:{self.content_type};base64,{base64.b64encode(self.data).decode('ascii')}"


@dataclass(frozen=True)
class PracticeData:
    name: str
    street: str = ""
    postcode: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    logo: Image | None = None

    @property
    def address_line(self) -> str:
        place = " ".join(p for p in (self.postcode, self.city) if p)
        return ", ".join(p for p in (self.street, place) if p)


@dataclass(frozen=True)
class Medicine:
    """One benzodiazepine the patient uses, as the letter names it."""

    substance: str  # Dutch name, e.g. 'temazepam'
    strength: str = ""  # '20 mg', or '' when unknown
    capsule: bool = False  # cannot be broken into quarters (docs/domain.md, step 4)

    @property
    def phrase(self) -> str:
        return " ".join(p for p in (self.substance, self.strength) if p)


@dataclass(frozen=True)
class LetterData:
    """Everything a letter says about its patient, practice and people."""

    practice: PracticeData
    sex: str
    initials: str
    prefix: str
    surname: str
    street: str
    house_number: str
    postcode: str
    city: str
    medicines: tuple[Medicine, ...]  # each benzodiazepine the patient uses; () when unknown
    poh_name: str
    signer_name: str
    letter_date: date
    signature: Image | None = None
    appointment: str = ""  # invitation: 'dinsdag 3 november 2026 om 10.30 uur'
    extra: dict = field(default_factory=dict)

    @property
    def address_lines(self) -> list[str]:
        street = " ".join(p for p in (self.street, self.house_number) if p)
        # As PostNL asks: the place name in capitals on the last line.
        place = " ".join(p for p in (self.postcode, self.city.upper()) if p)
        lines = [text.addressee(self.sex, self.initials, self.prefix, self.surname), street, place]
        return [line for line in lines if line]

    @property
    def name(self) -> str:
        return text.full_name(self.initials, self.prefix, self.surname)

    @property
    def substance(self) -> str:
        """'temazepam', 'temazepam en oxazepam'; '' when unknown."""
        return text.join_nl([m.substance for m in self.medicines])

    @property
    def strength(self) -> str:
        """The strength of the one medicine; '' when unknown or when there are several
        (a strength next to two names would be ambiguous)."""
        return self.medicines[0].strength if len(self.medicines) == 1 else ""

    @property
    def medicines_phrase(self) -> str:
        """'temazepam 10 mg en oxazepam 10 mg'. A medicine whose strength is unknown
        comes last, so no strength seems to belong to it."""
        known = [m for m in self.medicines if m.strength]
        unknown = [m for m in self.medicines if not m.strength]
        return text.join_nl([m.phrase for m in known + unknown])

    @property
    def conditions(self) -> dict[str, bool]:
        """The conditions of ``text.CONDITIONS`` for this patient."""
        capsules = any(m.capsule for m in self.medicines)
        return {"capsules": capsules, "tabletten": not capsules}


NO_APPOINTMENT = "U hebt nog geen afspraak. Bel ons, dan maken we samen een afspraak."
NO_SUBSTANCE = "uw slaapmiddel of kalmeringsmiddel"


def placeholder_values(data: LetterData) -> dict[str, str]:
    """The value of every placeholder of ``text.PLACEHOLDERS`` for one letter."""
    street = " ".join(p for p in (data.street, data.house_number) if p)
    place = " ".join(p for p in (data.postcode, data.city) if p)
    values = {
        "aanhef": text.salutation(data.sex, data.initials, data.prefix, data.surname),
        "naam": data.name,
        "adres": ", ".join(p for p in (street, place) if p),
        "middel": data.substance or NO_SUBSTANCE,
        "sterkte": data.strength,
        "poh": data.poh_name,
        "huisarts": data.signer_name,
        "praktijk": data.practice.name,
        "praktijkadres": data.practice.address_line,
        "telefoon": data.practice.phone,
        "plaats": data.practice.city,
        "datum": text.date_nl(data.letter_date),
        "afspraak": data.appointment or NO_APPOINTMENT,
        "middel_en_sterkte": data.medicines_phrase or NO_SUBSTANCE,
    }
    assert set(values) == set(text.PLACEHOLDERS)  # nosec B101 - invariant of the placeholders
    return values


def letter_render(*, kind: str, letter_text: LetterText, data: LetterData, anchor: str = "",
                  multipage: bool = False) -> str:
    """One letter as an HTML fragment (``<article>``); raises text.UnknownPlaceholders."""
    values = placeholder_values(data)
    body = text.body_html(letter_text.body, values, data.conditions)
    subject = text.fill_plain(letter_text.subject, values)
    place_date = ", ".join(p for p in (data.practice.city, text.date_nl(data.letter_date)) if p)
    return render_to_string(f"letters/{kind}.html", {
        "anchor": anchor,
        "multipage": multipage,
        "practice": data.practice,
        "address_lines": data.address_lines,
        "place_date": place_date,
        "subject": subject,
        "body": mark_safe(body),  # noqa: S308 # nosec B308, B703 - escaped parts (text.body_html)
        "signer_name": data.signer_name,
        "signature": data.signature,
        "values": values,
    })


def css_string(value: str) -> str:
    """``value`` safe inside a double-quoted CSS string (and inside an HTML <style>)."""
    out = []
    for char in value:
        if char in '"\\<>&' or ord(char) < 0x20 or ord(char) == 0x7f:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return "".join(out)


def footer_text(practice: PracticeData) -> str:
    parts = [practice.name, practice.address_line,
             f"telefoon {practice.phone}" if practice.phone else "", practice.email]
    return " · ".join(p for p in parts if p)


def document_html(fragments: list[str], *, practice: PracticeData,
                  title: str = "Brief") -> str:
    """Letters of one practice as one HTML document for WeasyPrint, each from a new page."""
    return render_to_string("letters/document.html", {
        "title": title,
        "letters": [mark_safe(f) for f in fragments],  # noqa: S308 # nosec B308, B703 - our HTML
        "footer_css": mark_safe(  # noqa: S308 # nosec B308, B703 - escaped by css_string
            css_string(footer_text(practice)))})


@dataclass(frozen=True)
class Label:
    lines: list[str]
    left: int = 0  # mm from the left of the sheet
    top: int = 0  # mm from the top of the sheet


def labels_html(labels: list[Label]) -> str:
    """Address labels, A4 with 3 × 8 labels of 70 × 37 mm, in mailing order (row by row).
    Placed absolutely: cheaper for WeasyPrint than a grid, and exact."""
    per_sheet, columns, width, height = 24, 3, 70, 37
    placed = [Label(label.lines, left=width * (i % columns),
                    top=height * ((i % per_sheet) // columns))
              for i, label in enumerate(labels)]
    sheets = [placed[i:i + per_sheet] for i in range(0, len(placed), per_sheet)] or [[]]
    return render_to_string("letters/labels.html", {"sheets": sheets})
