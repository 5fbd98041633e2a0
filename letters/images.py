"""Checks for a practice logo and a GP's signature image (PNG, JPEG or SVG).

The file's content decides its type, not its name. An SVG must be plain drawing:
no DOCTYPE or entities (entity expansion), no scripts, event handlers, embedded
HTML or references to other files. Then every image is converted once, here, at
upload, in a child process with a CPU and memory limit (``letters/raster.py``):
an SVG becomes a PNG, a PNG or JPEG is decoded whole within sane dimensions and
written again. What is stored, and printed, is that bitmap: no SVG ever reaches
WeasyPrint. Images are embedded in letters as ``data:`` URLs and WeasyPrint
fetches nothing else (``letters/pdf.py``).
"""

import re
import xml.etree.ElementTree as ET  # noqa: S405 # nosec B405 - only its ParseError and types
from dataclasses import dataclass
from typing import Literal

from defusedxml import ElementTree as SafeET
from django.conf import settings
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .raster import ConversionRefused, Format, Limits, convert

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
    """The converted image as it is stored: a PNG, or a JPEG for an uploaded JPEG."""

    extension: str  # 'png' or 'jpg'
    content_type: str
    data: bytes
    source: str = ""  # what was uploaded: 'PNG', 'JPEG' or 'SVG'


def convert_limits() -> Limits:
    """The child process's limits (settings ``IMAGE_CONVERT_CPU_SECONDS`` and
    ``IMAGE_CONVERT_MEMORY_MB``) and the accepted dimensions."""
    return Limits(cpu_seconds=settings.IMAGE_CONVERT_CPU_SECONDS,
                  memory_bytes=settings.IMAGE_CONVERT_MEMORY_MB * 1024 * 1024,
                  max_pixels=MAX_PIXELS, min_pixels=MIN_PIXELS)


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
        return _converted(data, "PNG")
    if data.startswith(JPEG_MAGIC):
        # WeasyPrint lets Pillow load truncated images: a JPEG must end with its EOI marker.
        if b"\xff\xd9" not in data[-1024:]:
            raise ImageRefused(_damaged("JPEG"))
        return _converted(data, "JPEG")
    if _looks_like_svg(data):
        _check_svg(data)
        return _converted(data, "SVG")
    raise ImageRefused(_("This is not a PNG, JPEG or SVG file. Save the image as PNG or JPEG "
                         "and try again."))


def _damaged(fmt: str) -> str:
    return _("The %(format)s file is damaged and cannot be read.") % {"format": fmt}


def _converted(data: bytes, fmt: Format) -> CheckedImage:
    """Convert in the limited child process; its refusals as Dutch sentences."""
    limits = convert_limits()
    try:
        done = convert(data, fmt=fmt, limits=limits)
    except ConversionRefused as refused:
        if refused.reason == "too_large":
            raise ImageRefused(_(
                "The image is too large (%(width)s × %(height)s pixels); at most "
                "%(limit)s pixels wide and high.")
                % {"width": refused.width, "height": refused.height,
                   "limit": MAX_PIXELS}) from refused
        if refused.reason == "too_small":
            raise ImageRefused(_("The image is too small (%(width)s × %(height)s pixels).")
                               % {"width": refused.width, "height": refused.height}) from refused
        if refused.reason == "too_complex":
            raise ImageRefused(_(
                "The image needs too much computing time or memory to be converted (more "
                "than %(seconds)s seconds or %(megabytes)s MB). Save it as a simple PNG or "
                "JPEG and try again.")
                % {"seconds": limits.cpu_seconds,
                   "megabytes": limits.memory_bytes // (1024 * 1024)}) from refused
        raise ImageRefused(_damaged(fmt)) from refused
    return CheckedImage(done.extension, done.content_type, done.data, source=fmt)


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
        root = SafeET.fromstring(source, forbid_dtd=True)
    except (ET.ParseError, ValueError) as error:  # defusedxml's refusals are ValueErrors
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
