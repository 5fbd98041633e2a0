"""Checks for a practice logo and a GP's signature image (PNG, JPEG or SVG).

The file's content decides its type, not its name. PNG and JPEG must open in
Pillow within sane dimensions; an SVG must be plain drawing: no DOCTYPE or
entities (entity expansion), no scripts, event handlers, embedded HTML or
references to other files. Images are embedded in letters as ``data:`` URLs
and WeasyPrint fetches nothing else (``letters/pdf.py``).
"""

import io
import re
import xml.etree.ElementTree as ET  # noqa: S405 - DOCTYPE and entities refused before parsing
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

LOGO_MAX_BYTES = 1024 * 1024
SIGNATURE_MAX_BYTES = 512 * 1024
MAX_PIXELS = 4000
MIN_PIXELS = 16

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
SVG_FORBIDDEN_TAGS = {"script", "foreignobject", "iframe", "object", "embed", "audio", "video"}
SAFE_HREF = re.compile(r"^(#|data:image/(png|jpeg);base64,)", re.IGNORECASE)


class ImageRefused(ValueError):
    """The file cannot be a logo or signature; ``message`` says why, in Dutch."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class CheckedImage:
    extension: str  # 'png', 'jpg' or 'svg'
    content_type: str
    data: bytes


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",") + " MB"


def _kilobytes_or_megabytes(size: int) -> str:
    return f"{size // 1024} kB" if size < 1024 * 1024 else _megabytes(size)


def too_large(size: int, *, what: str, max_bytes: int) -> str:
    return (f"{what} is te groot ({_kilobytes_or_megabytes(size)}); "
            f"het mag hoogstens {_kilobytes_or_megabytes(max_bytes)} zijn.")


def image_check(data: bytes, *, what: str, max_bytes: int) -> CheckedImage:
    """Check an uploaded image; raise :class:`ImageRefused` with a Dutch message.

    ``what`` names the image in the message ('Het logo', 'De handtekening').
    """
    if not data:
        raise ImageRefused("Het bestand is leeg.")
    if len(data) > max_bytes:
        raise ImageRefused(too_large(len(data), what=what, max_bytes=max_bytes))
    if data.startswith(PNG_MAGIC):
        return _bitmap(data, "PNG", "png", "image/png")
    if data.startswith(JPEG_MAGIC):
        return _bitmap(data, "JPEG", "jpg", "image/jpeg")
    if _looks_like_svg(data):
        _check_svg(data)
        return CheckedImage("svg", "image/svg+xml", data)
    raise ImageRefused("Dit is geen PNG-, JPEG- of SVG-bestand. Sla de afbeelding op als PNG "
                       "of JPEG en probeer het opnieuw.")


def _bitmap(data: bytes, fmt: str, extension: str, content_type: str) -> CheckedImage:
    damaged = f"Het {fmt}-bestand is beschadigd en kan niet worden gelezen."
    # WeasyPrint lets Pillow load truncated images, so completeness is checked here:
    # verify() reads every PNG chunk with its checksum; a JPEG must end with its EOI marker.
    if fmt == "JPEG" and b"\xff\xd9" not in data[-1024:]:
        raise ImageRefused(damaged)
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            if image.format != fmt:
                raise ImageRefused(f"Het bestand is geen geldig {fmt}-bestand.")
            width, height = image.size
            if max(width, height) > MAX_PIXELS:
                raise ImageRefused(f"De afbeelding is te groot ({width} × {height} pixels); "
                                   f"hoogstens {MAX_PIXELS} pixels breed en hoog.")
            if min(width, height) < MIN_PIXELS:
                raise ImageRefused(f"De afbeelding is te klein ({width} × {height} pixels).")
            image.load()  # decodes every pixel: a damaged file fails here
    except ImageRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError) as error:
        raise ImageRefused(damaged) from error
    return CheckedImage(extension, content_type, data)


def _looks_like_svg(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) and b"<svg" in \
        data[:4096].lower()


def _check_svg(data: bytes) -> None:
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImageRefused("Het SVG-bestand is geen UTF-8-tekst.") from error
    if re.search(r"<!(DOCTYPE|ENTITY)", source, re.IGNORECASE):
        raise ImageRefused("Het SVG-bestand bevat een DOCTYPE of entiteiten; dat is niet "
                           "toegestaan. Sla het logo op als PNG.")
    try:
        root = ET.fromstring(source)  # noqa: S314 - no DOCTYPE, so no entity expansion
    except ET.ParseError as error:
        raise ImageRefused("Het SVG-bestand is beschadigd en kan niet worden gelezen."
                           ) from error
    if _local(root.tag) != "svg":
        raise ImageRefused("Dit is geen SVG-afbeelding.")
    for element in root.iter():
        if _local(element.tag).lower() in SVG_FORBIDDEN_TAGS:
            raise ImageRefused("Het SVG-bestand bevat scripts of ingesloten inhoud; dat is "
                               "niet toegestaan. Sla het logo op als PNG.")
        for name, value in element.attrib.items():
            local = _local(name).lower()
            if local.startswith("on"):
                raise ImageRefused("Het SVG-bestand bevat scripts; dat is niet toegestaan. "
                                   "Sla het logo op als PNG.")
            if local in ("href", "src") and not SAFE_HREF.match(value.strip()):
                raise ImageRefused("Het SVG-bestand verwijst naar andere bestanden; dat is "
                                   "niet toegestaan. Sla het logo op als PNG.")
        style = element.get("style") or ""
        if _local(element.tag) == "style":
            style += element.text or ""
        if re.search(r"url\(\s*['\"]?(?!#|data:image/)", style, re.IGNORECASE) or \
                "@import" in style.lower():
            raise ImageRefused("Het SVG-bestand verwijst naar andere bestanden; dat is niet "
                               "toegestaan. Sla het logo op als PNG.")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
