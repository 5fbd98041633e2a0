"""Turn an uploaded logo or signature into a bitmap once, in a limited child process.

WeasyPrint draws an SVG on every letter it prints; an SVG of nested ``<use>``
elements (2 kB) makes that take an hour of CPU per letter. So no SVG ever reaches
WeasyPrint: an SVG is turned into a PNG at upload, by cairosvg, and a PNG or JPEG
is decoded whole and written again (no metadata, at most ``OUTPUT_PIXELS`` on its
longest side). That work runs in ``raster_worker.py``, a child process that limits
its own CPU time and memory with ``resource.setrlimit`` before it reads the file; the
parent waits a bounded wall-clock time too. A file over a limit is refused.
"""

import json
import signal
import subprocess  # nosec B404 - runs our own worker script, never a shell or user input
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

WORKER = Path(__file__).with_name("raster_worker.py")
OUTPUT_PIXELS = 1200  # longest side of a stored image: 24 mm high at 1200 dpi is enough
Format = Literal["SVG", "PNG", "JPEG"]
Reason = Literal["invalid", "too_large", "too_small", "too_complex"]


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int
    memory_bytes: int
    max_pixels: int  # longest side of an uploaded PNG or JPEG
    min_pixels: int  # shortest side

    @property
    def wall_seconds(self) -> float:
        """How long the parent waits at most: the CPU limit with room for a busy machine
        (a child waiting on nothing uses no CPU, so the CPU limit alone cannot end it)."""
        return 3 * self.cpu_seconds + 10


class ConversionRefused(Exception):
    def __init__(self, reason: Reason, width: int = 0, height: int = 0) -> None:
        super().__init__(reason)
        self.reason: Reason = reason
        self.width = width
        self.height = height


@dataclass(frozen=True)
class Converted:
    data: bytes
    extension: str  # 'png' or 'jpg'
    content_type: str


def convert(data: bytes, *, fmt: Format, limits: Limits) -> Converted:
    """``data`` as a clean PNG (an SVG or PNG) or JPEG; raises :class:`ConversionRefused`."""
    command = [sys.executable, "-I", str(WORKER), fmt, str(limits.cpu_seconds),
               str(limits.memory_bytes), str(limits.max_pixels), str(limits.min_pixels),
               str(OUTPUT_PIXELS)]
    try:
        done = subprocess.run(  # nosec B603 - fixed argument list, no shell
            command, input=data, capture_output=True, timeout=limits.wall_seconds,
            check=False)
    except subprocess.TimeoutExpired as expired:  # run() has killed the child
        raise ConversionRefused("too_complex") from expired
    if done.returncode == 0 and done.stdout:
        if fmt == "JPEG":
            return Converted(done.stdout, "jpg", "image/jpeg")
        return Converted(done.stdout, "png", "image/png")
    if done.returncode in (-signal.SIGXCPU, -signal.SIGKILL):  # over the CPU limit
        raise ConversionRefused("too_complex")
    try:
        result = json.loads(done.stdout)
        reason = result["reason"]
    except (ValueError, KeyError, TypeError):
        # Crashed without saying why (e.g. killed on memory inside a C library).
        raise ConversionRefused("too_complex") from None
    if reason not in ("invalid", "too_large", "too_small", "too_complex"):
        raise ConversionRefused("invalid")
    raise ConversionRefused(reason, int(result.get("width", 0)), int(result.get("height", 0)))
