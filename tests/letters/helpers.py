"""Building blocks for letter tests: patients on a mailing list with a prescription."""

import io
import uuid
from datetime import date
from decimal import Decimal

from PIL import Image as PILImage
from PIL import ImageDraw

from bench.images import practice_logo_png, signature_png  # noqa: F401 - re-exported
from patients.models import ImportBatch, Participation, Patient, Prescription, Substance
from patients.workflow import participation_move
from tests.factories import PatientFactory

S = Participation.Status
SUBSTANCES = {
    "N05CD07": ("temazepam", "20"),
    "N05BA04": ("oxazepam", "10"),
    "N05BA06": ("lorazepam", "1"),
    "N05CF01": ("zopiclon", "7.5"),
}


def substance(atc: str) -> Substance:
    """The reference row (a transactional test has flushed the migration's data)."""
    name = SUBSTANCES.get(atc, ("middel", "1"))[0]
    found, _ = Substance.objects.get_or_create(
        atc=atc, defaults={"name_nl": name, "name_en": name, "atc_group": atc[:5],
                           "nl_marketed": True})
    return found


def prescribe(patient: Patient, atc: str, strength: str | None, on: date,
              description: str = "") -> Prescription:
    batch = ImportBatch.objects.create(practice=patient.practice, file_name="test.csv",
                                       checksum=uuid.uuid4().hex, status="done")
    return Prescription.objects.create(
        patient=patient, date=on, atc=atc, description=description or atc,
        strength_mg=Decimal(strength) if strength else None, units=30,
        substance=substance(atc) if atc.startswith(("N05BA", "N05CD", "N05CF")) else None,
        row_key=uuid.uuid4(), batch=batch)


def on_mailing_list(project, gp, *, rank: int = 1, patient: Patient | None = None,
                    atc: str = "N05CD07", strength: str | None = "20",
                    prescribed_on: date = date(2026, 7, 7), **patient_fields) -> Participation:
    """A patient with a benzodiazepine prescription, approached by ``gp`` and on the
    project's mailing list."""
    if patient is None:
        defaults = {"street": "Molenlaan", "house_number": "64-2", "postcode": "6874 JC",
                    "city": "Zevenaar", "gp_name": ""}
        patient = PatientFactory(practice=project.practice, **{**defaults, **patient_fields})
    if atc:
        prescribe(patient, atc, strength, prescribed_on)
    participation = Participation.objects.create(
        project=project, patient=patient, reference_date=date(2026, 9, 15), created_by=gp)
    participation_move(participation=participation, to=S.APPROVED, user=gp, what="approach")
    participation_move(participation=participation, to=S.MAILING, user=gp, what="mailing list",
                       fields={"rank": rank})
    return participation


def png_bytes(width: int = 400, height: int = 120, text: str = "De Linde") -> bytes:
    image = PILImage.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    if height > 20:
        draw.ellipse((8, 8, height - 8, height - 8), fill=(31, 95, 107))
        draw.text((height + 10, height // 2 - 6), text, fill=(31, 95, 107))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(width: int = 200, height: int = 80) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (200, 220, 230)).save(buffer, "JPEG")
    return buffer.getvalue()


SVG_LOGO = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
            b'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="90" '
            b'viewBox="0 0 300 90"><circle cx="45" cy="45" r="40" fill="#1f5f6b"/>'
            b'<text x="100" y="55" font-size="28" fill="#1f5f6b">De Linde</text></svg>')


def pdf_pages_text(data: bytes) -> list[str]:
    """The text of each page (pypdf, layout mode: it also reads positioned blocks), with
    runs of white space made one space."""
    from pypdf import PdfReader

    return [" ".join(page.extract_text(extraction_mode="layout").split())
            for page in PdfReader(io.BytesIO(data)).pages]


def word_boxes_mm(path) -> list[tuple[str, float, float, float, float]]:
    """Every word on page 1 with its box in mm from the top left (poppler's pdftotext)."""
    import re
    import subprocess

    html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    mm = 25.4 / 72
    return [(word, float(x0) * mm, float(y0) * mm, float(x1) * mm, float(y1) * mm)
            for x0, y0, x1, y1, word in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                r"([^<]*)</word>", html)]

