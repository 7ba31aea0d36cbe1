"""Pictures of a handout's pages, for an author checking an edit without opening a PDF viewer.

The PDF is built exactly as ``handouts build`` builds it (same pipeline, same
checks); its pages are then rasterised with pdfium and written beside it as
``<routine-id>--<layout>--p<N>.png``. The PDF and its pictures are written
together, atomically, only once every page asked for exists.
"""

from __future__ import annotations

import io
from pathlib import Path

from .errors import HandoutsError, Problem
from .layouts import LayoutLibrary
from .models import Personalisation

DEFAULT_DPI = 100
MIN_DPI = 30
MAX_DPI = 300
"""Resolution bounds: under 30 dpi text is a blur; over 300 an A4 page is a 25-megapixel
picture, far more than a screen shows and slow to write."""
MAX_PAGE = 500
"""No handout runs longer (see ``render.handout.MAX_PAGES``); a larger --page is a typing slip."""
DEFAULT_LAYOUT = "handout-a4"


def check_options(page: int | None, dpi: int) -> None:
    problems = []
    if page is not None and not 1 <= page <= MAX_PAGE:
        problems.append(Problem("--page", None, "", f"must be a page number from 1 to {MAX_PAGE}"))
    if not MIN_DPI <= dpi <= MAX_DPI:
        problems.append(Problem("--dpi", None, "", f"must be from {MIN_DPI} to {MAX_DPI}"))
    if problems:
        raise HandoutsError(problems)


def png_name(pdf: Path, number: int) -> Path:
    return pdf.with_name(f"{pdf.stem}--p{number}.png")


def rasterise(pdf: bytes, pages: list[int], dpi: int) -> list[bytes]:
    """PNG bytes of the given pages (counted from 1) at ``dpi``."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        out = []
        for number in pages:
            page = doc[number - 1]
            try:
                image = page.render(scale=dpi / 72).to_pil()
            finally:
                page.close()
            buf = io.BytesIO()
            image.save(buf, format="PNG", optimize=False)
            out.append(buf.getvalue())
        return out
    finally:
        doc.close()


def page_count(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


def preview(routine: str, layout: str | None, out_dir: Path, *, page: int | None = None, dpi: int = DEFAULT_DPI,
            content_dir: Path = Path("content"), library: LayoutLibrary | None = None,
            personal: Personalisation | None = None) -> list[Path]:
    """Build ``routine`` in ``layout`` and write the PDF and a PNG of each page (or of ``page``);
    the paths of the pictures, in page order."""
    from .pipeline.run import handout_request, render_jobs
    from .pipeline.write import write_all

    check_options(page, dpi)
    library = library or LayoutLibrary()
    name = layout or (DEFAULT_LAYOUT if DEFAULT_LAYOUT in library.buildable("handout")
                      else next(iter(library.buildable("handout")), DEFAULT_LAYOUT))
    jobs, content = handout_request([routine], [name], out_dir, personal, content_dir, library)
    (pdf_path, pdf), = render_jobs(jobs, content)
    count = page_count(pdf)
    if page is not None and page > count:
        raise HandoutsError(Problem("--page", None, "", f"the handout has {count} page{'s' if count != 1 else ''}; "
                                                        f"choose 1 to {count}"))
    numbers = [page] if page is not None else list(range(1, count + 1))
    pictures = [(png_name(pdf_path, n), data) for n, data in zip(numbers, rasterise(pdf, numbers, dpi))]
    write_all([(pdf_path, pdf), *pictures], "--out")
    return [path for path, _ in pictures]
