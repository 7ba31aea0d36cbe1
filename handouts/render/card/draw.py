"""Putting composed faces on a canvas: one page per face, or any origin on a sheet.

:func:`draw_face` paints a face at any origin on any canvas, so a single card
and a sheet of forty share one look; it draws only what the composer decided.
"""

from __future__ import annotations

import io

from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

from ...fonts import face_name
from ...models import Clinic, Routine
from .faces import CardFace, CardSet


def draw_face(c: Canvas, face: CardFace, ox: float = 0.0, oy: float = 0.0, bleed: float = 0.0) -> None:
    """Paint ``face`` with its trim's bottom-left corner at (ox, oy); colour reaches ``bleed`` past the trim."""
    c.saveState()
    c.translate(ox, oy)
    clip = c.beginPath()
    if bleed > 0 or face.corner_radius <= 0:
        clip.rect(-bleed, -bleed, face.width + 2 * bleed, face.height + 2 * bleed)
    else:
        clip.roundRect(0, 0, face.width, face.height, face.corner_radius)
    c.clipPath(clip, stroke=0, fill=0)
    c.setFillColor(HexColor(face.background))
    c.rect(-bleed, -bleed, face.width + 2 * bleed, face.height + 2 * bleed, stroke=0, fill=1)
    _draw_band(c, face, bleed)
    if face.fold_lines:
        c.setStrokeColor(HexColor("#9aa5ae"))
        c.setLineWidth(0.5)
        c.setDash(1, 2.5)
        for panel in face.panels[1:]:
            c.line(panel.x, 0, panel.x, face.height - face.band.height)
        c.setDash()
    for p in face.placed:
        p.flowable.drawOn(c, p.x, p.y)
    c.restoreState()


def _draw_band(c: Canvas, face: CardFace, bleed: float) -> None:
    band = face.band
    first = face.panels[0]
    c.setFillColor(HexColor(band.color))
    left = first.x - bleed
    right = first.right + (bleed if len(face.panels) == 1 else 0.0)
    c.rect(left, face.height - band.height, right - left, band.height + bleed, stroke=0, fill=1)
    for panel in face.panels[1:]:
        r = panel.right + (bleed if panel is face.panels[-1] else 0.0)
        c.rect(panel.x, face.height - face.strip, r - panel.x, face.strip + bleed, stroke=0, fill=1)
    safe = face.safe[0]
    top = safe.top
    if band.title is not None:
        band.title.drawOn(c, safe.x, top - band.title_h)
    if band.label is not None:
        lh = band.label.wrap(band.label_w, 1e6)[1]
        first_line = band.title.style.leading if band.title is not None else lh
        # share the first line's baseline with the title
        y = top - lh - (first_line - band.label.style.leading) * 0.5
        band.label.drawOn(c, safe.right - band.label_w, y)


def new_canvas(buf: io.BytesIO, size: tuple[float, float], title: str, subject: str, author: str, lang: str) -> Canvas:
    """A reproducible canvas that starts in our embedded font (never an unembedded Helvetica)."""
    c = Canvas(buf, pagesize=size, invariant=1, initialFontName=face_name("atkinson"), initialFontSize=10,
               lang=lang)
    c.setTitle(title)
    c.setSubject(subject)
    c.setAuthor(author)
    c.setCreator("handouts")
    return c


def render_card_pages(cards: CardSet, routine: Routine, clinic: Clinic | None, bleed: float = 0.0) -> bytes:
    """One page per face, front then back for each card (fronts on odd pages); TrimBox and BleedBox set."""
    w, h = cards.size
    page = (w + 2 * bleed, h + 2 * bleed)
    buf = io.BytesIO()
    author = clinic.name if clinic else (routine.source.publisher or "handouts")
    c = new_canvas(buf, page, routine.title, routine.summary, author, routine.language)
    for front, back in cards.cards:
        for face in (front, back):
            c.setTrimBox((bleed, bleed, bleed + w, bleed + h))
            c.setBleedBox((0, 0, page[0], page[1]))
            draw_face(c, face, bleed, bleed, bleed)
            c.showPage()
    c.save()
    return buf.getvalue()
