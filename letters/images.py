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
from typing import Literal

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError

LOGO_MAX_BYTES = 1024 * 1024
SIGNATURE_MAX_BYTES = 512 * 1024
MAX_PIXELS = 4000
MIN_PIXELS = 16

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
SVG_FORBIDDEN_TAGS = {"script", "foreignobject", "iframe", "object", "embed", "audio", "video"}
SAFE_HREF = re.compile(r"^(#|data:image/(png|jpeg);base64,)", re.IGNORECASE)

# What an image is for; each has its own whole sentence when it is too large.
ImageKind = Literal["logo", "signature"]
TOO_LARGE = {
    "logo": gettext_lazy("The logo is too large (%(size)s); it may be at most %(limit)s."),
    "signature": gettext_lazy("The signature is too large (%(size)s); it may be at most "
                              "%(limit)s."),
}
SVG_REFERENCES = gettext_lazy("The SVG file refers to other files; that is not allowed. Save "
                              "the image as PNG.")


class ImageRefused(ValueError):
    """The file cannot be a logo or signature; ``message`` says why, in the active language."""

    def __init__(self, message: str | Promise):
        message = str(message)  # translated now, in the language active
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class CheckedImage:
    extension: str  # 'png', 'jpg' or 'svg'
    content_type: str
    data: bytes


def _kilobytes_or_megabytes(size: int) -> str:
    """'512 kB', '1,0 MB' (the decimal sign of the active language)."""
    if size < 1024 * 1024:
        return f"{size // 1024} kB"
    return formats.number_format(size / (1024 * 1024), 1) + " MB"


def too_large(size: int, *, kind: ImageKind, max_bytes: int) -> str:
    """'The logo is too large (…)', translated whole for each ``kind`` of image."""
    return TOO_LARGE[kind] % {"size": _kilobytes_or_megabytes(size),
                              "limit": _kilobytes_or_megabytes(max_bytes)}


def image_check(data: bytes, *, kind: ImageKind, max_bytes: int) -> CheckedImage:
    """Check an uploaded image; raise :class:`ImageRefused` with a translated message.

    ``kind`` ('logo' or 'signature') says which image the message is about.
    """
    if not data:
        raise ImageRefused(_("The file is empty."))
    if len(data) > max_bytes:
        raise ImageRefused(too_large(len(data), kind=kind, max_bytes=max_bytes))
    if data.startswith(PNG_MAGIC):
        return _bitmap(data, "PNG", "png", "image/png")
    if data.startswith(JPEG_MAGIC):
        return _bitmap(data, "JPEG", "jpg", "image/jpeg")
    if _looks_like_svg(data):
        _check_svg(data)
        return CheckedImage("svg", "image/svg+xml", data)
    raise ImageRefused(_("This is not a PNG, JPEG or SVG file. Save the image as PNG or JPEG "
                         "and try again."))


def _damaged(fmt: str) -> str:
    return _("The %(format)s file is damaged and cannot be read.") % {"format": fmt}


def _bitmap(data: bytes, fmt: str, extension: str, content_type: str) -> CheckedImage:
    damaged = _damaged(fmt)
    # WeasyPrint lets Pillow load truncated images, so completeness is checked here:
    # verify() reads every PNG chunk with its checksum; a JPEG must end with its EOI marker.
    if fmt == "JPEG" and b"\xff\xd9" not in data[-1024:]:
        raise ImageRefused(damaged)
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            if image.format != fmt:
                raise ImageRefused(_("The file is not a valid %(format)s file.")
                                   % {"format": fmt})
            width, height = image.size
            if max(width, height) > MAX_PIXELS:
                raise ImageRefused(_(
                    "The image is too large (%(width)s × %(height)s pixels); at most "
                    "%(limit)s pixels wide and high.")
                    % {"width": width, "height": height, "limit": MAX_PIXELS})
            if min(width, height) < MIN_PIXELS:
                raise ImageRefused(_("The image is too small (%(width)s × %(height)s pixels).")
                                   % {"width": width, "height": height})
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
        raise ImageRefused(_("The SVG file is not UTF-8 text.")) from error
    if re.search(r"<!(DOCTYPE|ENTITY)", source, re.IGNORECASE):
        raise ImageRefused(_("The SVG file holds a DOCTYPE or entities; that is not allowed. "
                             "Save the image as PNG."))
    try:
        root = ET.fromstring(source)  # noqa: S314 - no DOCTYPE, so no entity expansion
    except ET.ParseError as error:
        raise ImageRefused(_damaged("SVG")) from error
    if _local(root.tag) != "svg":
        raise ImageRefused(_("This is not an SVG image."))
    for element in root.iter():
        if _local(element.tag).lower() in SVG_FORBIDDEN_TAGS:
            raise ImageRefused(_("The SVG file holds scripts or embedded content; that is not "
                                 "allowed. Save the image as PNG."))
        for name, value in element.attrib.items():
            local = _local(name).lower()
            if local.startswith("on"):
                raise ImageRefused(_("The SVG file holds scripts; that is not allowed. Save "
                                     "the image as PNG."))
            if local in ("href", "src") and not SAFE_HREF.match(value.strip()):
                raise ImageRefused(SVG_REFERENCES)
        style = element.get("style") or ""
        if _local(element.tag) == "style":
            style += element.text or ""
        if re.search(r"url\(\s*['\"]?(?!#|data:image/)", style, re.IGNORECASE) or \
                "@import" in style.lower():
            raise ImageRefused(SVG_REFERENCES)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
