"""The one WeasyPrint helper: letters' HTML → PDF pages, per letter and merged.

A print run is rendered as HTML documents of 25 letters (each letter starts on
a new page), which costs WeasyPrint no more than one document per run and
lets a progress bar move. A letter that runs over a page
is rendered again on its own with page numbers ("pagina 1 van 2"): in one
document ``counter(pages)`` would count every page of the run (docs/development.md).
Its pages then replace the first rendering's, and the pages are joined with
``Document.copy``. The letters' own PDFs are cut from the merged PDF with pypdf,
so fonts are subset once.

Nothing is fetched while rendering: images come as ``data:`` URLs and every
other URL is refused (a practice's SVG logo cannot read a file or call out).
"""

import io
import os
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
)
from weasyprint import HTML
from weasyprint.document import Document, Page
from weasyprint.urls import URLFetcher

Progress = Callable[[int], None]


def _fetcher() -> URLFetcher:
    return URLFetcher(allowed_protocols={"data"})


def render_document(html: str) -> Document:
    """HTML → a laid-out WeasyPrint document."""
    return HTML(string=html, url_fetcher=_fetcher()).render()


def html_to_pdf(html: str) -> bytes:
    """One HTML document as PDF bytes (labels, a single letter's preview)."""
    pdf: bytes = render_document(html).write_pdf()
    return pdf


@dataclass
class RenderedRun:
    pdf: bytes  # every letter, each from a new page
    page_counts: list[int]  # pages per letter, in order

    def letter_pdfs(self) -> list[bytes]:
        """The merged PDF cut into one PDF per letter."""
        return split_pdf(self.pdf, self.page_counts)


CHUNK = 25  # letters per WeasyPrint document: progress between chunks, little overhead


def render_letters(fragments: Sequence[str], *, document: Callable[[list[str]], str],
                   multipage: Callable[[int], str], progress: Progress | None = None,
                   ) -> RenderedRun:
    """Render letters (HTML fragments, letter ``i`` with ``id="letter-<i>"``) into one PDF.

    ``document`` wraps fragments into a full HTML document; ``multipage(i)`` gives
    letter ``i`` again with page numbers, for a letter that runs over a page.
    Progress goes from 0 to 80 while rendering.
    """
    if not fragments:
        raise ValueError("no letters to render")
    first: Document | None = None
    pages: list[Page] = []
    counts: list[int] = []
    for chunk_start in range(0, len(fragments), CHUNK):
        chunk = list(fragments[chunk_start:chunk_start + CHUNK])
        rendered = render_document(document(chunk))
        first = first or rendered
        starts = _letter_starts(rendered, range(chunk_start, chunk_start + len(chunk)))
        ends = starts[1:] + [len(rendered.pages)]
        for i, (start, end) in enumerate(zip(starts, ends, strict=True), start=chunk_start):
            if end - start > 1:
                own = render_document(document([multipage(i)]))
                pages += own.pages
                counts.append(len(own.pages))
            else:
                pages += rendered.pages[start:end]
                counts.append(end - start)
        if progress:
            progress(80 * (chunk_start + len(chunk)) // len(fragments))
    assert first is not None  # nosec B101 - type narrowing: fragments is not empty
    return RenderedRun(pdf=first.copy(pages).write_pdf(), page_counts=counts)


def _letter_starts(document: Document, numbers: range) -> list[int]:
    """The page index where each letter starts, found by its anchor."""
    starts: dict[int, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith("letter-"):
                starts.setdefault(int(anchor.removeprefix("letter-")), index)
    missing = [i for i in numbers if i not in starts]
    if missing:
        raise RuntimeError(f"letters without a page: {missing[:5]}")
    return [starts[i] for i in numbers]


def split_pdf(pdf: bytes, page_counts: Sequence[int]) -> list[bytes]:
    """Cut a PDF into consecutive parts of ``page_counts`` pages.

    WeasyPrint gives every page one shared resource dictionary, so each part
    keeps only the images its own pages draw (not another GP's signature).
    """
    reader = PdfReader(io.BytesIO(pdf))
    if sum(page_counts) != len(reader.pages):
        raise ValueError("page counts do not add up to the PDF's pages")
    parts, start = [], 0
    for count in page_counts:
        writer = PdfWriter()
        for page in reader.pages[start:start + count]:
            writer.add_page(page)
        for page in writer.pages:
            _keep_drawn_images(page)
        buffer = io.BytesIO()
        writer.write(buffer)
        parts.append(buffer.getvalue())
        start += count
    return parts


DRAWN = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+Do\b")


def _keep_drawn_images(page: PageObject) -> None:
    """Give ``page`` its own resources without the image XObjects it does not draw."""
    resources = page.get("/Resources")
    if resources is None:
        return
    resources = resources.get_object()
    xobjects = resources.get("/XObject")
    if xobjects is None:
        return
    xobjects = xobjects.get_object()
    contents = page.get_contents()
    drawn = {"/" + name.decode("latin-1")
             for name in DRAWN.findall(contents.get_data() if contents is not None else b"")}
    kept = DictionaryObject({
        NameObject(name): ref for name, ref in xobjects.items()
        if name in drawn or ref.get_object().get("/Subtype") != "/Image"})
    own = DictionaryObject({NameObject(k): v for k, v in resources.items()})
    own[NameObject("/XObject")] = kept
    page[NameObject("/Resources")] = own


def pdf_underlay(pdf: bytes, forms: bytes, placement: Mapping[int, int]) -> bytes:
    """``pdf`` with a page of ``forms`` drawn under some of its pages: ``placement``
    maps a page of ``pdf`` to the page of ``forms`` under it (both 0-based).

    For what repeats on many pages (the lines and boxes of the tapering calendar
    and diary): WeasyPrint lays a form out once instead of on every page, and the
    pages draw it first, so what they draw themselves (a grey day) covers it. Each
    form becomes one form XObject, in the file once; ``PageObject.merge_page`` would
    copy and rewrite it into every page (about 0.1 s a page).
    """
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    form_pages = PdfReader(io.BytesIO(forms)).pages
    drawn: dict[int, tuple[str, IndirectObject, IndirectObject]] = {}
    for index, form_index in sorted(placement.items()):
        if form_index not in drawn:
            drawn[form_index] = _form_xobject(writer, form_pages[form_index], form_index)
        name, form_ref, draw_ref = drawn[form_index]
        page = writer.pages[index]
        # The page's own copy of its resources (WeasyPrint's pages share one), with the form.
        resources = DictionaryObject(_dictionary(page, "/Resources"))
        xobjects = DictionaryObject(_dictionary(resources, "/XObject"))
        xobjects[NameObject(name)] = form_ref
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources
        contents = page.raw_get("/Contents")
        own = contents.get_object()
        page[NameObject("/Contents")] = ArrayObject(
            [draw_ref, *(own if isinstance(own, ArrayObject) else [contents])])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _form_xobject(writer: PdfWriter, form_page: PageObject, number: int,
                  ) -> tuple[str, IndirectObject, IndirectObject]:
    """A page as a form XObject in ``writer``: (its resource name, the XObject, a content
    stream that draws it)."""
    name = f"/BenzoForm{number}"
    contents = form_page.get_contents()
    form = StreamObject()
    form.set_data(contents.get_data() if contents is not None else b"")
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject(form_page.mediabox),
        NameObject("/Resources"): _dictionary(form_page, "/Resources").clone(writer),
    })
    draw = StreamObject()
    draw.set_data(f"q {name} Do Q\n".encode("ascii"))
    # pypdf has no public call that adds a new object to a writer.
    return name, writer._add_object(form), writer._add_object(draw)


def _dictionary(parent: DictionaryObject, key: str) -> DictionaryObject:
    """``parent[key]`` resolved, or an empty dictionary when there is none."""
    value = parent.get(key)
    value = value.get_object() if value is not None else None
    return value if isinstance(value, DictionaryObject) else DictionaryObject()


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def pdf_file_write(out: Path, data: bytes) -> None:
    """Write ``data`` to ``out`` whole or not at all: into a temporary file beside it, then
    renamed over it, so an interrupted command never leaves half a PDF."""
    handle, temporary = tempfile.mkstemp(dir=out.parent, suffix=".pdf.tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
