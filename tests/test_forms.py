"""Drawings reused across documents must give the very bytes a fresh drawing gives."""

from __future__ import annotations

import io

import pdfplumber
from reportlab.pdfgen.canvas import Canvas

from handouts import art
from handouts.render import forms
from handouts.render.pictures import _own_fonts


def _page(drawing, as_form: bool) -> bytes:
    """One invariant page holding only ``drawing``, drawn directly or placed as a form."""
    buf = io.BytesIO()
    canv = Canvas(buf, pagesize=(drawing.width, drawing.height), invariant=1)
    if as_form:
        forms.make_form(canv, "picture", drawing)
        canv.doForm("picture")
    else:
        forms.draw_drawing(drawing, canv)
    canv.showPage()
    canv.save()
    return buf.getvalue()


def _text(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return doc.pages[0].extract_text()


def body_map(**kw):
    """A body map as the renderers make it (starting in our embedded font)."""
    return _own_fonts(art.body_map(["upper_trapezius"], kw.pop("motions", ["knead"]), width=120, height=150, **kw))


def test_replayed_operators_give_the_same_page():
    drawing = body_map()
    first = _page(drawing, as_form=False)
    assert forms._RECORDS[drawing].ops, "the first drawing records its operators"
    assert _page(drawing, as_form=False) == first


def test_ready_form_is_byte_identical_to_a_fresh_one():
    drawing = body_map()
    first = _page(drawing, as_form=True)
    assert not forms._RECORDS[drawing].streams, "the first form is made the ordinary way"
    second = _page(drawing, as_form=True)
    assert forms._RECORDS[drawing].streams, "the second form reuses the compressed stream"
    assert second == first


def test_text_is_drawn_afresh_in_every_document():
    """Glyph codes belong to one document's font subset: the label must survive reuse."""
    drawing = body_map(motions=["hold"], hold_seconds="20–30 s")
    pages = [_page(drawing, as_form=True) for _ in range(3)]
    assert pages[0] == pages[1] == pages[2]
    assert not forms._RECORDS[drawing].streams, "a form with text is never reused whole"
    assert all("20–30 s" in _text(p) for p in pages)


def test_operators_naming_a_document_resource_are_never_replayed():
    """Without our initial font ReportLab selects Helvetica by its name in this document (/F1)."""
    drawing = art.body_map(["upper_trapezius"], ["knead"], width=120, height=150)
    pages = [_page(drawing, as_form=True) for _ in range(2)]
    assert forms._RECORDS[drawing].ops is None
    assert pages[0] == pages[1]
