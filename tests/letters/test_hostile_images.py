"""Hostile logos: an SVG is converted once at upload in a limited child process, and
letters print only the bitmap (docs/security.md, hostile files and bad input)."""

import importlib
import io
import os
import struct
import time
import zlib
from datetime import date

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from pypdf import PdfReader

from letters.images import LOGO_MAX_BYTES, ImageRefused, convert_limits, image_check
from letters.pdf import html_to_pdf
from letters.raster import OUTPUT_PIXELS
from letters.render import LetterData, LetterText, document_html, letter_render
from letters.selectors import practice_data, stored_image
from patients.models import AuditEvent

from .helpers import SVG_LOGO, png_bytes


def nested_use_svg(levels: int = 10, fan: int = 10) -> bytes:
    """A "billion laughs" of drawing: each group uses the one below ten times, so one
    small rectangle is drawn 10**10 times (about 2.5 kB)."""
    groups = ['<g id="u0"><rect width="2" height="2" fill="#1f5f6b"/></g>']
    for level in range(1, levels + 1):
        uses = "".join(f'<use href="#u{level - 1}" x="{x}"/>' for x in range(fan))
        groups.append(f'<g id="u{level}">{uses}</g>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="90">'
            f'<defs>{"".join(groups)}</defs><use href="#u{levels}"/></svg>').encode()


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims ``width`` × ``height`` pixels, with a compressed
    stream of zeros (what a decompression bomb looks like before it is decoded)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    zeros = zlib.compress(b"\0" * (1024 * 1024), 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zeros)
            + chunk(b"IEND", b""))


def check(data: bytes):
    return image_check(data, kind="logo", max_bytes=LOGO_MAX_BYTES)


@pytest.fixture
def short_limit(settings):
    settings.IMAGE_CONVERT_CPU_SECONDS = 2
    return settings


def test_the_nested_use_svg_is_refused_within_the_limit(short_limit):
    svg = nested_use_svg()
    assert len(svg) < 3000
    started = time.monotonic()
    with pytest.raises(ImageRefused) as refused:
        check(svg)
    # Bounded by the limit the setting gives (the parent's wall clock, at most 3 × the CPU
    # seconds plus 10), not by how fast this machine is.
    assert time.monotonic() - started < convert_limits().wall_seconds
    assert refused.value.message == (
        "Het omzetten van deze afbeelding kost te veel rekentijd of geheugen (meer dan 2 "
        "seconden of 512 MB). Sla de afbeelding op als een eenvoudige PNG of JPEG en probeer "
        "het opnieuw.")


def test_the_nested_use_svg_upload_is_refused_and_the_logo_stays(
        short_limit, client_for, poh, practice):
    response = client_for(poh).post(reverse("letters:logo"), {
        "image": SimpleUploadedFile("logo.svg", nested_use_svg(), "image/svg+xml")})
    assert response.status_code == 200
    assert "kost te veel rekentijd of geheugen" in response.content.decode()
    practice.refresh_from_db()
    assert not practice.logo


def test_a_normal_svg_becomes_a_png_that_the_letter_pdf_contains(client_for, poh, practice):
    response = client_for(poh).post(reverse("letters:logo"), {
        "image": SimpleUploadedFile("logo.svg", SVG_LOGO, "image/svg+xml")})
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.logo.name.endswith(".png")
    with practice.logo.open("rb") as handle:
        stored = PILImage.open(io.BytesIO(handle.read()))
        stored.load()
    assert stored.format == "PNG"
    assert stored.size == (OUTPUT_PIXELS, OUTPUT_PIXELS * 90 // 300)  # the SVG's proportions
    event = AuditEvent.objects.filter(practice=practice, detail__startswith="logo set").get()
    assert event.detail.startswith("logo set (SVG as image/png")


def test_a_letter_embeds_the_converted_png(practice, poh):
    from letters.services import practice_logo_set

    practice_logo_set(practice=practice, data=SVG_LOGO, user=poh)
    practice.refresh_from_db()
    logo = stored_image(practice.logo)
    assert logo is not None and logo.content_type == "image/png"
    data = practice_data(practice)
    pdf = _letter_pdf(data)
    page_images = [image for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]
    assert [image.image.size for image in page_images] == [
        (OUTPUT_PIXELS, OUTPUT_PIXELS * 90 // 300)]
    assert b"image/svg" not in pdf


@pytest.mark.parametrize(("width", "height"), [(50_000, 50_000), (4001, 100)])
def test_a_huge_or_bomb_png_is_refused(width, height):
    with pytest.raises(ImageRefused) as refused:
        check(png_claiming(width, height))
    assert refused.value.message == (
        f"De afbeelding is te groot ({width} × {height} pixels); hoogstens 4000 pixels breed "
        "en hoog.")


def test_a_png_that_needs_more_memory_than_the_limit_is_refused(settings):
    """A 4000 × 4000 PNG of one colour is 56 kB and decodes to 48 MB (twice, to convert):
    within the dimensions, but over a 120 MB memory limit; a small PNG is not."""
    settings.IMAGE_CONVERT_MEMORY_MB = 120
    buffer = io.BytesIO()
    PILImage.new("RGB", (4000, 4000), "white").save(buffer, "PNG")
    with pytest.raises(ImageRefused) as refused:
        check(buffer.getvalue())
    assert "te veel rekentijd of geheugen (meer dan 10 seconden of 120 MB)" in \
        refused.value.message
    assert check(png_bytes()).content_type == "image/png"


def test_a_png_on_the_edge_is_accepted_and_made_smaller():
    buffer = io.BytesIO()
    PILImage.new("RGB", (4000, 40), "white").save(buffer, "PNG")
    checked = check(buffer.getvalue())
    assert PILImage.open(io.BytesIO(checked.data)).size == (OUTPUT_PIXELS, 12)


@pytest.mark.parametrize(("data", "message"), [
    (b"this is no image at all", "Dit is geen PNG-, JPEG- of SVG-bestand."),
    (b"<svg this is not xml", "Het SVG-bestand is beschadigd"),
    (b'<?xml version="1.0"?><html><body><svg/></body></html>', "Dit is geen SVG-afbeelding."),
])
def test_a_non_image_named_svg_is_refused(client_for, poh, practice, data, message):
    response = client_for(poh).post(reverse("letters:logo"), {
        "image": SimpleUploadedFile("logo.svg", data, "image/svg+xml")})
    assert response.status_code == 200
    assert message in response.content.decode()
    practice.refresh_from_db()
    assert not practice.logo


def test_a_stored_svg_is_never_embedded(practice):
    practice.logo.save("old.svg", ContentFile(SVG_LOGO), save=True)
    assert stored_image(practice.logo) is None


def test_the_migration_converts_a_stored_svg_and_removes_a_refused_one(
        short_limit, practice, other_practice, capsys):
    practice.logo.save("old.svg", ContentFile(SVG_LOGO), save=True)
    other_practice.logo.save("bomb.svg", ContentFile(nested_use_svg()), save=True)
    old_path = practice.logo.path
    migration = importlib.import_module("letters.migrations.0005_svg_images_to_bitmaps")
    migration.forwards(apps, None)
    practice.refresh_from_db()
    other_practice.refresh_from_db()
    assert practice.logo.name.endswith(".png")
    assert stored_image(practice.logo).content_type == "image/png"
    assert not other_practice.logo
    assert f"logo of {other_practice.name}: the stored SVG is removed" in capsys.readouterr().out
    assert not os.path.exists(old_path)


def _letter_pdf(practice) -> bytes:
    letter = LetterData(practice=practice, sex="V", initials="T.", prefix="", surname="Berg",
                        street="Molenlaan", house_number="1", postcode="6874 JC",
                        city="Zevenaar", medicines=(), poh_name="Sanne Visser",
                        signer_name="M. Öztürk", letter_date=date(2026, 9, 15))
    fragment = letter_render(kind="stop", letter_text=LetterText.default("stop"), data=letter)
    return html_to_pdf(document_html([fragment], practice=practice))
