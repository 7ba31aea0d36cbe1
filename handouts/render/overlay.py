"""One student's details drawn on their own, as form XObjects to place in a shared handout.

Each piece (the paragraph of a personal block or note, or a page's running
header and footer when they print the name or date) is drawn alone on a page
of a small ReportLab document, with the same paragraph, style and position
the full render would use, so its operators are the ones a full render writes
at that point. Each page's content then becomes a form XObject with that page's
resources: the form brings its own font subsets, holding exactly the glyphs
the student's details print, so the shared pages keep theirs untouched.

PDF asks that two subsets in one file carry different tags; ReportLab names
every document's subsets AAAAAA+, AAAAAB+, ... from zero, so the overlay's tags
start with :data:`TAG_LETTER` instead of A (renamed in the font dictionaries as
they are copied: patching ReportLab's naming would reach other documents drawn
at the same time).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from . import pdfobjects
from .pdfobjects import Obj

TAG_LETTER = b"F"
"""The first letter of the overlay's subset tags: FAAAAA+, FAAAAB+, ..."""

_TAG = re.compile(rb"/[A-Z]([A-Z]{5}\+)")

BBOX = b"[ -20000 -20000 20000 20000 ]"
"""A form is placed where the full render draws the same thing, in that place's coordinates
(inside a box, a table cell's); its box only has to hold whatever it draws."""


@dataclass(frozen=True)
class SlotPiece:
    """A personal paragraph, drawn where the shared handout left its place."""

    paragraph: object
    x: float
    y: float
    shift: float
    width: float


@dataclass(frozen=True)
class PagePiece:
    """A page's running header and footer, drawn when they print a personal value."""

    decoration: object
    page: int
    pages: int


def draw(pieces: list, page_size: tuple[float, float]) -> bytes:
    """A document with one page per piece."""
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=page_size, invariant=1, initialFontName="Atkinson", initialFontSize=12)
    for piece in pieces:
        if isinstance(piece, SlotPiece):
            if piece.paragraph.width != piece.width or "blPara" not in piece.paragraph.__dict__:
                piece.paragraph.wrap(piece.width, 1e9)
            piece.paragraph.drawOn(canvas, piece.x, piece.y, _sW=piece.shift)
        else:
            piece.decoration.draw(canvas, piece.page, piece.pages)
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


def forms(pdf: bytes, first: int) -> tuple[list[Obj], list[Obj]]:
    """The overlay's pages as form XObjects numbered from ``first`` (one per page, in order), and
    the objects they use (fonts, images) numbered after them."""
    doc = pdfobjects.read(pdf)
    pages = doc.pages()
    resources = []
    contents = []
    for number in pages:
        head = doc.objects[number].head
        resources.append(pdfobjects.value_of(head, b"/Resources"))
        contents.append(doc.objects[int(pdfobjects.value_of(head, b"/Contents").split()[0])])
    used = pdfobjects.reachable(doc, [int(n) for r in resources for n in pdfobjects._REF.findall(r)])
    numbers = {old: first + len(pages) + i for i, old in enumerate(used)}
    out = []
    for res, content in zip(resources, contents):
        res = pdfobjects._REF.sub(lambda m: b"%d 0 R" % numbers[int(m.group(1))], res)
        try:
            filters = b" /Filter " + pdfobjects.value_of(content.head, b"/Filter")
        except KeyError:
            filters = b""
        head = (b"<<\n/BBox " + BBOX + filters + b" /FormType 1 /Length %d /Matrix [ 1 0 0 1 0 0 ] /Resources "
                % len(content.data) + res + b" /Subtype /Form /Type /XObject\n>>")
        out.append(Obj(head, content.data))
    used_objects = []
    for old in used:
        obj = doc.objects[old].renumbered(numbers)
        used_objects.append(Obj(_TAG.sub(b"/" + TAG_LETTER + rb"\1", obj.head), obj.data))
    return out, used_objects
