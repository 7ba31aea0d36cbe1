"""Drawings as PDF form XObjects, worked out once per process and reused.

A batch draws the same body maps and icons into hundreds of documents. Walking
a drawing's shapes, formatting their numbers and compressing the result gave
the same bytes every time, and cost a third of a handout's render. Here a
drawing's shapes are turned into PDF operators once; documents after the first
append those operators (or, for a whole form, its compressed stream) as they
are. Text is the exception: its glyph codes and font names belong to one
document's font subsets, so strings are split off and drawn afresh each time.
"""

from __future__ import annotations

import copy
import weakref
import zlib
from dataclasses import dataclass, field

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Group, String
from reportlab.pdfbase import pdfdoc


_DOCUMENT_BOUND = ("Tf", " gs", " Do", " cs", " CS", " sh", "BI")
"""Operators that name a font, graphics state, colour space, form or image of one
document; a stream holding any of them cannot be reused in another document."""


@dataclass
class _Record:
    shapes: Drawing
    text: Drawing | None
    ops: tuple[str, ...] | None = None
    pdf_version: tuple[int, int] = (1, 3)
    """The least PDF version drawing them asked of the document (transparency needs 1.4)."""
    streams: dict[str, bytes] = field(default_factory=dict)
    """Compressed form streams, by the canvas preamble they start with."""


_RECORDS: "weakref.WeakKeyDictionary[Drawing, _Record]" = weakref.WeakKeyDictionary()


def _only(node, strings: bool):
    """A copy of a drawing's tree holding only its strings, or only everything else."""
    if isinstance(node, Group):
        kept = [c for c in (_only(child, strings) for child in node.contents) if c is not None]
        if not kept and not isinstance(node, Drawing):
            return None
        clone = copy.copy(node)
        clone.contents = kept
        return clone
    return node if isinstance(node, String) == strings else None


def _has_strings(node) -> bool:
    if isinstance(node, Group):
        return any(_has_strings(child) for child in node.contents)
    return isinstance(node, String)


def _record(drawing: Drawing) -> _Record:
    rec = _RECORDS.get(drawing)
    if rec is None:
        text = _only(drawing, strings=True) if _has_strings(drawing) else None
        shapes = _only(drawing, strings=False) if text is not None else drawing
        rec = _RECORDS[drawing] = _Record(shapes, text)
    return rec


def draw_drawing(drawing: Drawing, canv) -> None:
    """Draw ``drawing`` at the origin of ``canv``: shapes replayed once recorded, text afresh on top."""
    rec = _record(drawing)
    doc = canv._doc
    if rec.ops is not None:
        canv._code.extend(rec.ops)
        doc._pdfVersion = max(doc._pdfVersion, rec.pdf_version)
    else:
        start, version = len(canv._code), doc._pdfVersion
        doc._pdfVersion = (1, 0)
        renderPDF.draw(rec.shapes, canv, 0, 0)
        needed, doc._pdfVersion = doc._pdfVersion, max(version, doc._pdfVersion)
        new = canv._code[start:]
        joined = "\n".join(new)  # no bound operator holds a line break, so none is found across two ops
        if not any(bound in joined for bound in _DOCUMENT_BOUND):
            rec.ops, rec.pdf_version = tuple(new), needed
    if rec.text is not None:
        renderPDF.draw(rec.text, canv, 0, 0)


class _ReadyStream(pdfdoc.PDFStream):
    """A stream whose content is already Flate-compressed: written as ReportLab would write it."""

    def format(self, document):
        dictionary = pdfdoc.PDFDictionary(self.dictionary.dict.copy())
        dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
        content = document.encrypt.encode(self.content)
        formatted = pdfdoc.format(content, document)
        dictionary["Length"] = len(content)
        return pdfdoc.format(dictionary, document) + b"\nstream\n" + formatted + b"endstream\n"


class _ReadyForm(pdfdoc.PDFFormXObject):
    def __init__(self, width: float, height: float, stream: bytes):
        super().__init__(0, 0, width, height)
        self.Contents = _ReadyStream(content=stream)


def make_form(canv, name: str, drawing: Drawing) -> None:
    """Define form ``name`` in ``canv``'s document holding ``drawing`` (not yet placed: see ``doForm``).

    The result is byte for byte what ``beginForm``/``endForm`` around the
    drawing gives; only the work to get there is skipped when it can be."""
    rec = _record(drawing)
    if rec.ops is not None and rec.text is None and canv._pageCompression and not canv._doc.defaultStreamFilters:
        stream = rec.streams.get(canv._preamble)
        if stream is None:
            data = "\n".join([canv._preamble, *rec.ops])
            stream = rec.streams[canv._preamble] = zlib.compress(pdfdoc.pdfdocEnc(data))
        canv._doc.addForm(name, _ReadyForm(drawing.width, drawing.height, stream))
        canv._doc._pdfVersion = max(canv._doc._pdfVersion, rec.pdf_version)
        return
    canv.beginForm(name, 0, 0, drawing.width, drawing.height)
    draw_drawing(drawing, canv)
    canv.endForm()
