"""The patient's printout of the relapse-prevention plan (tapering/relapse_print.py;
docs/domain.md#relapse-plan): every section's words in the PDF, one or two A4 pages, the
practice's name and logo, and a PNG of page 1 in test-artifacts/ to look at."""

import io
import re
import subprocess
from datetime import date

import pytest
from django.utils import translation
from pypdf import PdfReader

from bench.images import practice_logo_png
from letters.render import Image, PracticeData
from tapering.relapse import Person, PlanContent
from tapering.relapse_print import relapse_pdf
from tests.conftest import ARTIFACTS

PRACTICE = PracticeData(name="Huisartsenpraktijk De Linde", street="Lindelaan 4",
                        postcode="3581 AB", city="Utrecht", phone="030-1234567",
                        logo=Image("image/png", practice_logo_png()))
PATIENT = "mevrouw J. van den Berg"

FULL = PlanContent(
    phases={
        "stable": {"thoughts": "Ik kan het aan.", "behaviour": "Ik wandel elke dag.",
                   "feelings": "Rustig en tevreden.", "body": "Ik slaap zes uur of meer.",
                   "helps": "Vaste tijden voor eten en slapen.",
                   "contact": "Niemand nodig; afspraak met de POH-GGZ over drie maanden."},
        "early": {"thoughts": "Ik pieker over mijn werk.", "behaviour": "Ik blijf binnen.",
                  "feelings": "Prikkelbaar.", "body": "Hartkloppingen, slecht slapen.",
                  "helps": "Ademoefening, praten met Piet.",
                  "contact": "Bel de POH-GGZ binnen een week als het niet beter wordt."},
        "worse": {"thoughts": "Ik wil weer een tablet.", "behaviour": "Ik zoek oude strips.",
                  "feelings": "Paniek.", "body": "Trillen en zweten.",
                  "helps": "Niet alleen blijven.",
                  "contact": "Bel dezelfde dag de huisarts: 030-1234567."},
    },
    safety="Geen oude tabletten in huis.\nBij paniek bel ik Piet of de huisartsenpost.",
    people=(Person(name="Piet van den Berg", relation="partner", role="Let op mijn slaap",
                   may_contact=True),
            Person(name="Anna de Wit", relation="buurvrouw", role="Wandelt met mij",
                   may_contact=False)),
    update_on=date(2027, 6, 1))


def render(content=FULL, practice=PRACTICE, reviewed_on=date(2027, 1, 18)) -> bytes:
    with translation.override("nl"):
        return relapse_pdf(content=content, patient_name=PATIENT, practice=practice,
                           made_on=date(2027, 1, 4), reviewed_on=reviewed_on)


def text_of(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def full_pdf() -> bytes:
    pdf = render()
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "relapse-plan.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile",
                    str(path), str(ARTIFACTS / "relapse-plan-page1")], check=True)
    return pdf


def test_the_printout_is_one_or_two_a4_pages(full_pdf):
    pages = PdfReader(io.BytesIO(full_pdf)).pages
    assert 1 <= len(pages) <= 2
    for page in pages:  # A4 in points, portrait
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) \
            == (595, 842)
    assert (ARTIFACTS / "relapse-plan-page1.png").stat().st_size > 10_000


def test_the_head_names_practice_patient_and_dates(full_pdf):
    first = text_of(full_pdf)[0]
    assert "Huisartsenpraktijk De Linde" in first and "030-1234567" in first
    assert "Mijn plan om terugval te voorkomen" in first
    assert PATIENT in first
    assert "Gemaakt op: 04-01-2027" in first
    assert "Laatst samen besproken: 18-01-2027" in first


def test_each_phase_with_its_signals_what_helps_and_whom_to_call(full_pdf):
    text = " ".join(text_of(full_pdf))
    titles = ["1. Stabiel: zo gaat het als het goed gaat",
              "2. Vroege signalen: de eerste tekenen dat het minder goed gaat",
              "3. Ontregeling: als het slecht gaat"]
    positions = [text.index(title) for title in titles]
    assert positions == sorted(positions)
    for label in ("Gedachten", "Gedrag", "Gevoelens", "Lichaam", "Wat helpt",
                  "Wie bel ik, en wanneer"):
        assert text.count(label) == 3, label
    for phase in FULL.phases.values():
        for words in phase.values():
            assert " ".join(words.split()) in text, words
    # Each phase's words stand under its own title.
    assert positions[0] < text.index("Ik wandel elke dag.") < positions[1]
    assert positions[1] < text.index("Ademoefening") < positions[2]
    assert positions[2] < text.index("Bel dezelfde dag de huisarts")


def test_safety_agreements_people_and_update_date(full_pdf):
    text = " ".join(text_of(full_pdf))
    assert "Veiligheidsafspraken" in text
    assert "Geen oude tabletten in huis. Bij paniek bel ik Piet" in text
    assert "Mensen om mij heen" in text
    assert re.search(r"Piet van den Berg partner Let op mijn slaap ja", text)
    assert re.search(r"Anna de Wit buurvrouw Wandelt met mij nee", text)
    assert "Wanneer kijken we weer naar dit plan?" in text
    assert "Op 01-06-2027, of eerder als er iets verandert." in text


def test_every_page_has_the_footer_with_its_number(full_pdf):
    pages = text_of(full_pdf)
    for number, page in enumerate(pages, start=1):
        assert f"Terugvalpreventieplan van {PATIENT}" in page
        assert f"pagina {number} van {len(pages)}" in page


def test_an_empty_part_says_so_instead_of_being_left_out():
    text = " ".join(text_of(render(PlanContent(safety="Bel de praktijk."), reviewed_on=None)))
    assert "Stabiel" in text and "Ontregeling" in text
    assert "Niemand opgeschreven." in text
    assert "Bij uw volgende gesprek, of eerder als er iets verandert." in text
    assert "Laatst samen besproken" not in text


def test_the_practice_logo_is_drawn_only_when_there_is_one():
    with_logo, without = render(), render(practice=PracticeData(name="Praktijk Zonder Logo"))
    assert b"/Subtype /Image" in with_logo
    assert b"/Subtype /Image" not in without
    assert "Praktijk Zonder Logo" in text_of(without)[0]
