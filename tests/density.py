"""How full each page of a handout is, read back from the PDF.

A page's blank share is the part of the body frame (the page less its margins,
where the running header and footer live) below the lowest ink on it: text,
drawings and box backgrounds all count, since a reader sees them all. Ink is
found by rendering the page, which also sees inside body-map forms.

A heading is a line set in bold at a heading style's size or larger, read from
the layout's own styles, so the rule follows a layout's typography.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pypdfium2

from pdfcheck import Glyph, glyphs

INK = 250
"""Grey level (0 black, 255 white) below which a pixel counts as ink: the palest box
background, the personal box's #eaf1f8 (about 239), is content; white paper is not."""

DPI = 36

HEADING_STYLES = ("title", "h2", "phase", "step_title", "box_title", "safety_title")


@dataclass
class PageFill:
    number: int
    blank: float
    """Share of the body frame's height below the lowest ink (0 = full, 1 = empty)."""
    last_line: str = ""
    last_is_heading: bool = False
    lines: list[str] = field(default_factory=list)
    """The body's lines of text, top to bottom."""


def _lowest_ink(image, left: float, right: float, top: float, bottom: float) -> float | None:
    """The lowest row (points from the top of the page) with ink between ``top`` and ``bottom``."""
    scale = DPI / 72
    grey = image.convert("L")
    x0, x1 = int(left * scale) + 1, int(right * scale) - 1
    y0, y1 = int(top * scale) + 1, int(bottom * scale) - 1
    pixels = grey.load()
    for y in range(y1, y0 - 1, -1):
        if any(pixels[x, y] < INK for x in range(x0, x1)):
            return (y + 1) / scale
    return None


def heading_sizes(layout) -> tuple[float, float]:
    """The smallest size a heading style is set in, and the body size (a heading is larger)."""
    sizes = [layout.resolved_style(n).size for n in HEADING_STYLES if n in layout.styles]
    return min(sizes), layout.resolved_style("body").size


def _lines(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs gathered into lines by their baseline, top to bottom, each line left to right."""
    rows: list[list[Glyph]] = []
    for g in sorted(glyphs, key=lambda g: (round(g.bottom), g.x0)):
        if rows and abs(rows[-1][0].bottom - g.bottom) < 2:
            rows[-1].append(g)
        else:
            rows.append([g])
    return [sorted(r, key=lambda g: g.x0) for r in rows]


def _is_heading(line: list[Glyph], smallest: float, body: float) -> bool:
    seen = [g for g in line if g.text.strip()]
    return bool(seen) and all("Bold" in g.font and g.size >= smallest - 0.01 for g in seen)


def page_fills(data: bytes, glyphs: list[Glyph], layout) -> list[PageFill]:
    """Every page's fill, its lowest line of body text and whether that line is a heading."""
    w, h = layout.page.dimensions
    m = layout.page.margins
    smallest, body = heading_sizes(layout)
    pdf = pypdfium2.PdfDocument(data)
    out = []
    try:
        for i, page in enumerate(pdf):
            image = page.render(scale=DPI / 72).to_pil()
            page.close()
            lowest = _lowest_ink(image, m.left, w - m.right, m.top, h - m.bottom)
            frame = h - m.top - m.bottom
            blank = 1.0 if lowest is None else max(0.0, (h - m.bottom - lowest) / frame)
            in_body = [g for g in glyphs if g.page == i + 1 and m.top - 0.5 <= g.top and g.bottom <= h - m.bottom + 0.5]
            lines = _lines(in_body)
            fill = PageFill(i + 1, blank, lines=["".join(g.text for g in line) for line in lines])
            if lines:
                fill.last_line = fill.lines[-1]
                # A heading with ink well below it (ruled lines to write on, a picture) does not end the page.
                below = (lowest or 0) - max(g.bottom for g in lines[-1])
                fill.last_is_heading = _is_heading(lines[-1], smallest, body) and below < body * 2
            out.append(fill)
    finally:
        pdf.close()
    return out


def table(rows: dict[tuple[str, str], list[PageFill]]) -> str:
    """Pages and blank share per page, one line per handout."""
    out = []
    for (routine, layout), fills in rows.items():
        shares = " ".join(f"{f.blank * 100:.0f}" for f in fills)
        out.append(f"{routine:18} {layout:22} {len(fills):3} pages  blank %: {shares}")
    return "\n".join(out)


def read(data: bytes) -> list[Glyph]:
    """Glyphs of a document (slow: pdfplumber)."""
    return glyphs(data)[1]
