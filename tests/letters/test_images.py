"""Logo and signature checks: type by content, size, damage, and unsafe SVG."""

import pytest

from letters.images import LOGO_MAX_BYTES, ImageRefused, image_check

from .helpers import SVG_LOGO, jpeg_bytes, png_bytes


def check(data: bytes, max_bytes: int = LOGO_MAX_BYTES):
    return image_check(data, kind="logo", max_bytes=max_bytes)


def test_png_jpeg_and_svg_are_accepted_by_their_content_and_stored_as_bitmaps():
    assert check(png_bytes()).content_type == "image/png"
    assert check(jpeg_bytes()).extension == "jpg"
    svg = check(SVG_LOGO)
    assert (svg.content_type, svg.source) == ("image/png", "SVG")  # never stored as SVG
    assert check(b"\xef\xbb\xbf" + SVG_LOGO).extension == "png"  # with a byte-order mark


def test_a_file_over_the_limit_is_refused_saying_how_large_it_may_be():
    with pytest.raises(ImageRefused) as refused:
        check(png_bytes(), max_bytes=1024)
    assert refused.value.message.startswith("Het logo is te groot (")
    assert refused.value.message.endswith("het mag hoogstens 1 kB zijn.")
    big = png_bytes() + b"\0" * LOGO_MAX_BYTES
    with pytest.raises(ImageRefused, match=r"mag hoogstens 1,0 MB zijn"):
        check(big)


@pytest.mark.parametrize(("data", "message"), [
    (b"", "Het bestand is leeg."),
    (b"GIF89a\x01\x00\x01\x00", "Dit is geen PNG-, JPEG- of SVG-bestand."),
    (b"%PDF-1.7\n", "Dit is geen PNG-, JPEG- of SVG-bestand."),
    (png_bytes()[:60], "Het PNG-bestand is beschadigd"),
    (jpeg_bytes()[:40], "Het JPEG-bestand is beschadigd"),
])
def test_other_or_damaged_files_are_refused_with_a_dutch_message(data, message):
    with pytest.raises(ImageRefused) as refused:
        check(data)
    assert refused.value.message.startswith(message)


def test_images_of_absurd_dimensions_are_refused():
    with pytest.raises(ImageRefused, match="te groot"):
        check(png_bytes(width=5000, height=20))
    with pytest.raises(ImageRefused, match="te klein"):
        check(png_bytes(width=10, height=10))


@pytest.mark.parametrize("svg", [
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
    b'<image xlink:href="file:///etc/passwd"/></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><image href="https://example.org/x.png"/></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(http://x/y)"/></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(x.css);</style></svg>',
    b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg"><text>&a;</text></svg>',
])
def test_an_svg_with_scripts_entities_or_outside_references_is_refused(svg):
    with pytest.raises(ImageRefused) as refused:
        check(svg)
    assert "niet toegestaan" in refused.value.message


def test_a_broken_svg_is_refused():
    with pytest.raises(ImageRefused, match="beschadigd"):
        check(b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>')
    with pytest.raises(ImageRefused, match="Dit is geen SVG-afbeelding"):
        check(b'<?xml version="1.0"?><html><svg/></html>')
