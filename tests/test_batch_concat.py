"""The combined class PDF is written object by object: whole, in order, and in flat memory."""

from __future__ import annotations

import io
import os
import tracemalloc
from pathlib import Path

import pypdfium2
import pytest
from pypdf import PdfReader

from handouts.batch.concat import Part, concatenate
from handouts.errors import HandoutsError
from handouts.pipeline.render import render_handout
from handouts.pipeline.plan import select
from handouts.layouts import LayoutLibrary
from handouts.models import Personalisation

from pdfcheck import font_report

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> list[Path]:
    """Two small real handouts written by the tool, each a few pages long."""
    folder = tmp_path_factory.mktemp("parts")
    library = LayoutLibrary(None)
    docs = select([], ROOT / "content").docs
    paths = []
    for doc in docs[:2]:
        _, layout = library.choose("handout-a4", "handout")
        data = render_handout(doc.routine, layout, "handout-a4",
                              Personalisation(for_name="Ana Bell"), None, doc.path.parent)
        path = folder / f"{doc.routine.id}.pdf"
        path.write_bytes(data)
        paths.append(path)
    return paths


def _join(parts: list[Part]) -> bytes:
    buf = io.BytesIO()
    concatenate(parts, buf, "Class — Spring")
    return buf.getvalue()


def test_pages_in_order_with_copies_and_one_bookmark_per_document(pdfs):
    a, b = (len(PdfReader(str(p)).pages) for p in pdfs)
    data = _join([Part(pdfs[0], 2, "Ana — first"), Part(pdfs[1], 1, "Ana — second"), Part(pdfs[0], 0, "none")])
    reader = PdfReader(io.BytesIO(data), strict=True)
    assert len(reader.pages) == 2 * a + b
    for n in range(a):  # each copy prints the same page
        first, copy = reader.pages[n].extract_text(), reader.pages[a + n].extract_text()
        assert first == copy == PdfReader(str(pdfs[0])).pages[n].extract_text()
    assert reader.pages[2 * a].extract_text() == PdfReader(str(pdfs[1])).pages[0].extract_text()
    marks = [(o.title, reader.get_destination_page_number(o)) for o in reader.outline]
    assert marks == [("Ana — first", 0), ("Ana — second", 2 * a)]
    assert reader.metadata.title == "Class — Spring"
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712 (a pypdf BooleanObject)


def test_joined_file_is_a_valid_pdf_with_every_font_embedded(pdfs, tmp_path):
    out = tmp_path / "all.pdf"
    out.write_bytes(_join([Part(p, 1, p.stem) for p in pdfs]))
    assert font_report(out) and all(f["embedded"] for f in font_report(out))
    doc = pypdfium2.PdfDocument(str(out))
    assert len(doc) == sum(len(PdfReader(str(p)).pages) for p in pdfs)
    width, height = doc[len(doc) - 1].get_size()
    assert abs(width - 595.28) < 0.5 and abs(height - 841.89) < 0.5
    # a copy's pages share the first copy's fonts and pictures: the file grows by page objects only
    twice = _join([Part(pdfs[0], 1, None), Part(pdfs[0], 1, None)])
    two_copies = _join([Part(pdfs[0], 2, None)])
    assert len(two_copies) < 0.6 * len(twice)


def _peak(parts: list[Part]) -> int:
    tracemalloc.start()
    try:
        with open(os.devnull, "wb") as sink:
            concatenate(parts, sink, "Class")
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _small_pdf(path: Path, words: str) -> Path:
    from reportlab.pdfgen.canvas import Canvas

    from handouts.fonts import face_name, register_family

    register_family("atkinson")
    canvas = Canvas(str(path), invariant=1)
    font = face_name("atkinson")
    for n in range(3):
        canvas.setFont(font, 12)
        canvas.drawString(72, 720, f"{words} {n}")
        canvas.showPage()
    canvas.save()
    return path


def test_memory_stays_flat_as_the_class_grows(tmp_path):
    parts = [_small_pdf(tmp_path / f"{i}.pdf", f"Student {i}") for i in range(4)]
    small = [Part(parts[i % 4], 1, f"Student {i}") for i in range(48)]
    large = [Part(parts[i % 4], 1, f"Student {i}") for i in range(192)]
    _peak(small)  # warm imports and caches
    ratio = _peak(large) / _peak(small)
    assert ratio < 1.15, f"peak memory grew {ratio:.2f}× for 4× the documents"


def test_a_damaged_part_is_named(tmp_path, pdfs):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nnot really\n")
    with pytest.raises(HandoutsError) as err:
        _join([Part(pdfs[0], 1, "ok"), Part(broken, 1, "bad")])
    (problem,) = err.value.problems
    assert problem.file == str(broken)
    assert problem.message.startswith("cannot be read back as a PDF")
