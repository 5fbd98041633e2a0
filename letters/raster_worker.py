"""The child process that turns an uploaded logo or signature into a safe bitmap.

Run only by :func:`letters.raster.convert` as ``python -I raster_worker.py FORMAT CPU
MEMORY MAX_PIXELS OUTPUT_PIXELS``, with the upload on standard input. Before it reads
a byte it limits itself (``resource.setrlimit``): CPU seconds and address space. An
SVG of nested ``<use>`` elements (a "billion laughs" of drawing) or a decompression
bomb is then stopped by the kernel instead of taking the server's CPU for an hour.

Success: exit status 0 and the image (PNG, or JPEG for a JPEG) on standard output.
Refusal: exit status 2 and one JSON object on standard output, ``{"reason": ...}``
with ``invalid``, ``too_large`` or ``too_small`` (with ``width`` and ``height``) or
``too_complex`` (out of memory). Running out of CPU time ends the process by signal.

It imports nothing of the project and no Django: it starts fast and trusts nothing.
"""

import io
import json
import re
import resource
import sys
import warnings

REFUSED = 2
# px per unit of an SVG length (CSS: 96 px to the inch).
UNITS = {"": 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54,
         "mm": 96 / 25.4}
LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*(px|pt|pc|in|cm|mm)?\s*$")


class Refused(Exception):
    def __init__(self, reason: str, **details: int) -> None:
        super().__init__(reason)
        self.result = {"reason": reason, **details}


def limit(cpu_seconds: int, memory_bytes: int) -> None:
    """The kernel's limits for this process: SIGXCPU at ``cpu_seconds``, SIGKILL a second
    later; no allocation past ``memory_bytes`` of address space."""
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _length(value: str | None) -> float | None:
    match = LENGTH.match(value or "")
    if not match:
        return None
    number = float(match.group(1)) * UNITS[match.group(2) or ""]
    return number if number > 0 else None


def svg_output_size(width: str | None, height: str | None, viewbox: str | None,
                    longest: int) -> tuple[int, int]:
    """The PNG's size: the SVG's own proportions (its viewBox, else its width and height,
    else square) with the longest side ``longest`` pixels."""
    ratio = 1.0
    parts = re.split(r"[\s,]+", (viewbox or "").strip())
    w, h = _length(width), _length(height)
    if len(parts) == 4 and (box := [_length(p) for p in parts[2:]]) and all(box):
        ratio = box[0] / box[1]  # type: ignore[operator]
    elif w and h:
        ratio = w / h
    if ratio >= 1:
        return longest, max(1, round(longest / ratio))
    return max(1, round(longest * ratio)), longest


def svg_to_png(data: bytes, longest: int) -> bytes:
    import cairosvg  # after the limits are set
    from cairosvg.parser import Tree

    # unsafe=False (the default): entities are refused (defusedxml) and only data: URLs
    # are fetched; letters/images.py has already refused any other reference.
    try:
        tree = Tree(bytestring=data, unsafe=False)
    except MemoryError:
        raise
    except Exception as error:
        raise Refused("invalid") from error
    width, height = svg_output_size(tree.get("width"), tree.get("height"),
                                    tree.get("viewBox"), longest)
    png: bytes = cairosvg.svg2png(bytestring=data, unsafe=False, output_width=width,
                                  output_height=height)
    return png


def bitmap(data: bytes, fmt: str, max_pixels: int, min_pixels: int, longest: int) -> bytes:
    """A PNG or JPEG checked whole (every chunk's checksum, every pixel decoded) and written
    again without its metadata, at most ``longest`` pixels on its longest side."""
    from PIL import Image

    # The decompression-bomb guard: the header's size is checked against our own, smaller
    # limit (each side at most ``max_pixels``) before a pixel is decoded; Pillow's own
    # guard would refuse without saying the size, so it is off for the header read.
    Image.MAX_IMAGE_PIXELS = None
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if max(width, height) > max_pixels:
                raise Refused("too_large", width=width, height=height)
            if min(width, height) < min_pixels:
                raise Refused("too_small", width=width, height=height)
            if image.format != fmt:
                raise Refused("invalid")
            image.verify()  # every chunk's checksum
        Image.MAX_IMAGE_PIXELS = max_pixels * max_pixels
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # decodes every pixel: a damaged file fails here
            has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            mode = "RGBA" if has_alpha and fmt == "PNG" else "RGB"
            clean = image.convert(mode)
    except (Refused, MemoryError):
        raise
    except Exception as error:  # Pillow raises many kinds for a bad file
        raise Refused("invalid") from error
    clean.thumbnail((longest, longest), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if fmt == "JPEG":
        clean.save(out, "JPEG", quality=90)
    else:
        clean.save(out, "PNG")
    return out.getvalue()


def main(argv: list[str]) -> int:
    fmt, cpu, memory, max_pixels, min_pixels, longest = (
        argv[0], int(argv[1]), int(argv[2]), int(argv[3]), int(argv[4]), int(argv[5]))
    limit(cpu, memory)
    data = sys.stdin.buffer.read()
    try:
        if fmt == "SVG":
            result = svg_to_png(data, longest)
        else:
            result = bitmap(data, fmt, max_pixels, min_pixels, longest)
    except Refused as refused:
        sys.stdout.write(json.dumps(refused.result))
        return REFUSED
    except MemoryError:
        sys.stdout.write(json.dumps({"reason": "too_complex"}))
        return REFUSED
    except Exception as error:  # cairo reports running out of memory as its own error
        reason = "too_complex" if "memory" in str(error).lower() else "invalid"
        sys.stdout.write(json.dumps({"reason": reason}))
        return REFUSED
    sys.stdout.buffer.write(result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
