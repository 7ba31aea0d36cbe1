"""Running header and footer, drawn after the last page so "Page X of Y" knows Y.

The canvas keeps each finished page's state and paints the header and footer
when the document is saved; this costs nothing extra, unlike a second build
pass to count pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas
from .flowables import FreshPara

from ..images import fitted
from ..labels import english as english_labels
from ..layout_models import FOOTER_GAP, HEADER_DESCENT, HEADER_GAP, PRINTER_EDGE as EDGE, Layout
from ..text import markup, markup_once


@dataclass
class Decoration:
    """What the running header and footer say; placeholders are filled per page."""

    layout: Layout
    styles: dict
    values: dict[str, str] = field(default_factory=dict)
    logo: Path | None = None
    page_of: Callable[[int, int], str] | None = None
    """'Page 2 of 3' in the document's language, for a layout's ``{page_of}``; a layout's own
    words around ``{page}`` and ``{pages}`` print as the layout writes them."""

    def fill(self, template: str, page: int, pages: int, limit: int | None = None) -> str:
        """Fill placeholders in a template; values are escaped, the template's own text too.

        With ``limit``, a value longer than that many characters is cut and ends in '…'."""
        page_of = self.page_of or english_labels().page_of
        values = dict(self.values, page=str(page), pages=str(pages), page_of=page_of(page, pages))
        if limit is not None:
            values = {k: v if len(v) <= limit else v[: limit - 1].rstrip() + "…" for k, v in values.items()}
        out = []
        i = 0
        while i < len(template):
            if template[i] == "{":
                end = template.find("}", i)
                if end != -1 and template[i + 1 : end] in values:
                    out.append(markup_once(values[template[i + 1 : end]]))
                    i = end + 1
                    continue
            out.append(markup(template[i]))
            i += 1
        return "".join(out)

    def draw(self, canvas: Canvas, page: int, pages: int) -> None:
        layout = self.layout
        width, height = layout.page.dimensions
        m = layout.page.margins
        inner = width - m.left - m.right
        rule = HexColor(layout.brand.muted)
        if layout.header is not None:
            style = self.styles[layout.header.style]
            y = height - m.top + HEADER_GAP + style.leading * HEADER_DESCENT
            x, band = m.left, inner
            if self.logo is not None:
                logo_h = min(m.top - 10, style.leading * 2.2)
                picture = fitted(self.logo, inner * 0.3, logo_h)
                pw, ph = picture.wrap(inner, logo_h)
                picture.drawOn(canvas, m.left, height - m.top + 5)
                x = m.left + pw + 6
                band -= pw + 6
            room = m.top - EDGE - HEADER_GAP - style.leading * HEADER_DESCENT
            self._pair(canvas, layout.header.left, layout.header.right, style, x, y, band, page, pages, room, above=True)
            if layout.header.rule:
                canvas.setStrokeColor(rule)
                canvas.setLineWidth(0.5)
                canvas.line(m.left, height - m.top + 3, width - m.right, height - m.top + 3)
        if layout.footer is not None:
            style = self.styles[layout.footer.style]
            y = m.bottom - FOOTER_GAP - style.leading
            room = m.bottom - EDGE - FOOTER_GAP
            self._pair(canvas, layout.footer.left, layout.footer.right, style, m.left, y, inner, page, pages, room,
                       above=False)
            if layout.footer.rule:
                canvas.setStrokeColor(rule)
                canvas.setLineWidth(0.5)
                canvas.line(m.left, m.bottom - 3, width - m.right, m.bottom - 3)

    def _pair(self, canvas, left, right, style, x, y, inner, page, pages, room: float, above: bool) -> None:
        """Left and right texts on one band; the right one keeps its natural width.

        The band must stay inside the margin (``room`` points high): a value such as
        a 200-character name in a running header is shortened, with '…', until it
        does. The full name is printed on the first page."""
        from reportlab.lib.enums import TA_RIGHT
        from reportlab.lib.styles import ParagraphStyle

        right_style = ParagraphStyle("band-right", parent=style, alignment=TA_RIGHT, spaceBefore=0, spaceAfter=0)
        band_style = ParagraphStyle("band-left", parent=style, spaceBefore=0, spaceAfter=0)
        room = max(room, style.leading)
        for limit in (None, 80, 50, 30, 18, 10):
            right_text = self.fill(right, page, pages, limit) if right else ""
            left_text = self.fill(left, page, pages, limit) if left else ""
            placed = []
            right_w = 0.0
            if right_text:
                p = FreshPara(right_text, right_style)
                share = inner * (0.5 if left_text else 1.0)
                p.wrap(share, 1000)
                right_w = min(share, max(p.getActualLineWidths0() or [0]) + 2)
                _, h = p.wrap(right_w, 1000)
                placed.append((p, x + inner - right_w, h))
            if left_text:
                p = FreshPara(left_text, band_style)
                _, h = p.wrap(inner - right_w - 12, 1000)
                placed.append((p, x, h))
            if all(h <= room + 0.01 for _, _, h in placed):
                break
        for p, px, h in placed:
            p.drawOn(canvas, px, y if above else y + style.leading - h)


def decorated_canvas(decoration: Decoration):
    """A Canvas class that paints ``decoration`` on every page once the page count is known."""

    class DecoratedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []
            self._marks: list[tuple[str, int, float]] = []
            # A viewer's window and tab show the routine's title, not the file's name.
            self.setViewerPreference("DisplayDocTitle", "true")

        def mark(self, title: str, level: int, top: float) -> None:
            """An outline entry (bookmark) for this page, ``top`` points up from its foot.

            Pages are finished only when the document is saved, so the entry is kept with the
            page and written then, when the page it points to exists."""
            self._marks.append((title, level, top))

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._marks = []
            self._startPage()

        def save(self):
            total = len(self._pages)
            levels: list[int] = []
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                decoration.draw(self, number, total)
                for title, level, top in self._marks:
                    # An outline may not skip a level: a step before any phase sits one level deeper.
                    level = min(level, (levels[-1] + 1) if levels else 0)
                    levels.append(level)
                    key = f"outline{len(levels)}"
                    self.bookmarkPage(key, fit="XYZ", left=0, top=top)
                    self.addOutlineEntry(title, key, level=level, closed=False)
                Canvas.showPage(self)
            if levels:
                self.showOutline()
            Canvas.save(self)

    return DecoratedCanvas
