"""Made-up images for benchmarks, demos and tests: a practice logo and a GP's signature."""

import io

from PIL import Image as PILImage
from PIL import ImageDraw


def practice_logo_png() -> bytes:
    """A made-up practice logo: a linden leaf in a circle and the practice's name."""
    from PIL import ImageFont

    image = PILImage.new("RGBA", (900, 240), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 230, 230), fill=(31, 95, 107, 255))
    draw.polygon([(120, 45), (185, 120), (120, 200), (55, 120)], fill=(170, 210, 170, 255))
    draw.line([(120, 60), (120, 215)], fill=(31, 95, 107, 255), width=6)
    try:
        big = ImageFont.truetype("DejaVuSans-Bold.ttf", 64)
        small = ImageFont.truetype("DejaVuSans.ttf", 38)
    except OSError:  # no DejaVu: Pillow's own font
        big = small = ImageFont.load_default()
    draw.text((260, 55), "De Linde", font=big, fill=(31, 95, 107, 255))
    draw.text((262, 140), "huisartsenpraktijk", font=small, fill=(90, 90, 90, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def signature_png() -> bytes:
    """A made-up handwritten signature: a few strokes in dark blue."""
    image = PILImage.new("RGBA", (480, 150), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    ink = (20, 30, 90, 255)
    draw.line([(20, 110), (60, 30), (80, 100), (110, 35), (130, 105)], fill=ink, width=5,
              joint="curve")
    draw.arc((140, 50, 210, 110), 0, 360, fill=ink, width=5)
    draw.line([(220, 100), (260, 60), (300, 95), (340, 55), (380, 90), (460, 70)], fill=ink,
              width=4, joint="curve")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
