"""The page-fill measure the handout tests rely on must see blank space and headings as a reader does."""

from __future__ import annotations

import io

from reportlab.pdfgen import canvas

from handouts.fonts import face_name, register_all
from handouts.layouts import LayoutLibrary

from density import page_fills, read


def _page(draw) -> bytes:
    register_all()
    layout = LayoutLibrary().get("handout-a4")
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=layout.page.dimensions, invariant=1)
    draw(c, layout)
    c.showPage()
    c.save()
    return buf.getvalue()


def _fills(data: bytes):
    return page_fills(data, read(data), LayoutLibrary().get("handout-a4"))


def test_blank_share_is_the_frame_below_the_lowest_ink():
    def draw(c, layout):
        w, h = layout.page.dimensions
        m = layout.page.margins
        frame = h - m.top - m.bottom
        c.setFont(face_name("atkinson"), 12)
        c.drawString(m.left, h - m.top - 20, "Top line")
        c.rect(m.left, h - m.top - frame / 2, 50, 10, stroke=0, fill=1)  # a drawing, ending half way down
        c.drawString(m.left, 20, "Footer text is not in the frame")

    (page,) = _fills(_page(draw))
    assert 0.47 < page.blank < 0.51


def test_a_bold_heading_with_nothing_under_it_ends_the_page_and_body_text_does_not():
    def heading(c, layout):
        m = layout.page.margins
        c.setFont(face_name("atkinson", bold=True), 16)
        c.drawString(m.left, m.bottom + 40, "Steps")

    def body(c, layout):
        m = layout.page.margins
        c.setFont(face_name("atkinson", bold=True), 12)
        c.drawString(m.left, m.bottom + 40, "Take care")

    def ruled(c, layout):
        heading(c, layout)
        m = layout.page.margins
        c.line(m.left, m.bottom + 5, m.left + 200, m.bottom + 5)

    assert _fills(_page(heading))[0].last_is_heading
    assert not _fills(_page(body))[0].last_is_heading, "bold body text is not a heading"
    assert not _fills(_page(ruled))[0].last_is_heading, "a heading with lines to write on under it"


def test_an_empty_page_is_all_blank():
    (page,) = _fills(_page(lambda c, layout: None))
    assert page.blank == 1.0 and page.lines == []
