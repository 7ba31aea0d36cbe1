"""Print sheets: cards imposed many to a page, backs mirrored for duplex, crop marks outside the trim.

The geometry is plain data (:class:`Imposition`: card rectangles for the front
and back pages, crop and fold mark segments), computed before anything is
drawn, so tests and printers' questions ("where exactly is card 7's back?")
are answered from the same numbers the renderer uses.

Duplex: a sheet turned over about its long edge puts the back page's point
(x, y) behind the front's (W - x, y) on a portrait page; about its short edge,
behind (x, H - y). Each back card is drawn upright in the mirrored rectangle,
so it lines up with its front when printed double-sided.

The sheets themselves (paper sizes, pre-cut stocks) are presets in
``handouts/data/sheets.yaml``; see :mod:`.sheet_presets`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from math import floor

from reportlab.lib.colors import HexColor, black
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from ..errors import HandoutsError, Problem
from ..fonts import face_name
from ..labels import (CALIBRATION_BACK, CALIBRATION_FRONT, CALIBRATION_LIGHT, CALIBRATION_RINGS_LONG,
                      CALIBRATION_RINGS_SHORT, Labels, english)
from ..units import MM
from .card import CardFace, Rect, draw_face, new_canvas
from .sheet_presets import SHEETS, SheetSpec

Point = tuple[float, float]
Segment = tuple[Point, Point]

PRINTER_MARGIN = 2 * MM  # room most printers cannot print, kept free beyond the marks
MARK_WIDTH = 0.25  # points: hairline marks, as print shops expect
MAX_BLEED = 10 * MM
PRECUT_TOLERANCE = 1 * MM  # a layout's card this close to a pre-cut stock's size is centred on it


@dataclass(frozen=True)
class Imposition:
    """Where every card of one sheet goes, front and back, and where the marks are."""

    sheet: str
    page: tuple[float, float]
    card: tuple[float, float]
    columns: int
    rows: int
    fronts: tuple[Rect, ...]  # trim rectangles in reading order (top row first, left to right)
    backs: tuple[Rect, ...]  # backs[i] lies behind fronts[i] when printed double-sided
    bleed: float
    flip: str
    crop_marks: bool
    mark_length: float
    mark_offset: float
    folds: tuple[float, ...] = ()  # fold positions across a card, from its left edge

    @property
    def per_sheet(self) -> int:
        return len(self.fronts)

    def slot(self, i: int) -> tuple[int, int]:
        """(row, column) of card ``i`` on the sheet, counted from 1."""
        return i // self.columns + 1, i % self.columns + 1

    def _grid(self, rects) -> tuple[Rect, ...]:
        """Every card position on either side: marks go outside all of them, even on a sheet only
        partly filled, so no mark ever runs where a card is or could be."""
        return self.fronts + self.backs

    def crop_mark_segments(self, rects: list[Rect] | tuple[Rect, ...]) -> list[Segment]:
        """Marks in line with every cut of ``rects``, in the margin around the grid, so no mark touches a card."""
        if not self.crop_marks or not rects:
            return []
        return _edge_marks(self._grid(rects), [x for r in rects for x in (r.x, r.right)],
                           [y for r in rects for y in (r.y, r.top)], self.mark_offset, self.mark_length)

    def fold_mark_segments(self, rects: list[Rect] | tuple[Rect, ...], back: bool = False) -> list[Segment]:
        """Marks in line with every fold, above and below the grid."""
        if not self.crop_marks or not rects or not self.folds:
            return []
        w = self.card[0]
        xs = [r.x + ((w - f) if back and self.flip_axis == "x" else f) for r in rects for f in self.folds]
        return _edge_marks(self._grid(rects), xs, [], self.mark_offset, self.mark_length)

    @property
    def flip_axis(self) -> str:
        """'x' when the back page mirrors left-right, 'y' when it mirrors top-bottom."""
        return flip_axis(self.page, self.flip)


def _edge_marks(rects, xs: list[float], ys: list[float], offset: float, length: float) -> list[Segment]:
    left = min(r.x for r in rects)
    right = max(r.right for r in rects)
    bottom = min(r.y for r in rects)
    top = max(r.top for r in rects)
    out: list[Segment] = []
    for x in sorted(set(round(v, 4) for v in xs)):
        out.append(((x, top + offset), (x, top + offset + length)))
        out.append(((x, bottom - offset), (x, bottom - offset - length)))
    for y in sorted(set(round(v, 4) for v in ys)):
        out.append(((left - offset - length, y), (left - offset, y)))
        out.append(((right + offset, y), (right + offset + length, y)))
    return out


def flip_axis(page: tuple[float, float], flip: str) -> str:
    long_edge_vertical = page[1] >= page[0]
    if flip == "long":
        return "x" if long_edge_vertical else "y"
    return "y" if long_edge_vertical else "x"


def mirrored(rect: Rect, page: tuple[float, float], flip: str) -> Rect:
    """The rectangle on the back page that lies behind ``rect`` on the front after the flip."""
    if flip_axis(page, flip) == "x":
        return Rect(page[0] - rect.right, rect.y, rect.w, rect.h)
    return Rect(rect.x, page[1] - rect.top, rect.w, rect.h)


def _option(name: str, message: str) -> HandoutsError:
    return HandoutsError(Problem(name, None, "", message))


def check_options(sheet: str | None, bleed: float, flip: str) -> SheetSpec | None:
    """The sheet named on the command line (or by a caller), with the bleed and flip checked against it."""
    problems = []
    spec = None
    if sheet is not None:
        spec = SHEETS.get(sheet)
        if spec is None:
            problems.append(Problem("--sheet", None, "", f"unknown sheet '{sheet}'; choose one of: {', '.join(SHEETS)}"))
    if flip not in ("long", "short"):
        problems.append(Problem("--flip", None, "", f"'{flip}' is not a flip; choose long or short"))
    if bleed < 0 or bleed > MAX_BLEED:
        problems.append(Problem("--bleed", None, "", f"{bleed / MM:.1f} mm is not a bleed; use 0 to 10 mm, usually 3mm"))
    elif spec is not None and spec.precut is not None and bleed > 0:
        problems.append(Problem("--bleed", None, "", f"{spec.name} cards are pre-cut and touch each other, "
                                                     "so there is no room for bleed; leave --bleed out"))
    if problems:
        raise HandoutsError(problems)
    return spec


def impose(sheet: str, card: tuple[float, float], gap: float = 0.0, bleed: float = 0.0, flip: str = "long",
           mark_length: float = 4 * MM, mark_offset: float = 3 * MM, folds: tuple[float, ...] = (),
           layout_name: str = "card") -> Imposition:
    """Card positions for one sheet: as many as fit, centred (or the stock's fixed positions)."""
    spec = check_options(sheet, bleed, flip)
    assert spec is not None
    w, h = card
    offset = max(mark_offset, bleed)
    if spec.precut is not None:
        grid = spec.precut
        lw, lh = grid.card.points
        if abs(lw - w) > PRECUT_TOLERANCE or abs(lh - h) > PRECUT_TOLERANCE:
            raise _option("--sheet", f"{spec.name} takes cards of {_mm(lw)} x {_mm(lh)}; layout '{layout_name}' "
                                     f"makes {_mm(w)} x {_mm(h)} cards (choose a layout of that size)")
        page = spec.size
        fronts = []
        for row in range(grid.rows):
            for col in range(grid.columns):
                x = grid.left + col * (lw + grid.gap_x) + (lw - w) / 2
                top = page[1] - grid.top - row * (lh + grid.gap_y) - (lh - h) / 2
                fronts.append(Rect(x, top - h, w, h))
        columns, rows = grid.columns, grid.rows
    else:
        gap = max(gap, 2 * bleed)
        margin = offset + mark_length + PRINTER_MARGIN
        best = None
        for page in (spec.size, (spec.size[1], spec.size[0])):
            cols = floor((page[0] - 2 * margin + gap + 1e-6) / (w + gap))
            rws = floor((page[1] - 2 * margin + gap + 1e-6) / (h + gap))
            if cols > 0 and rws > 0 and (best is None or cols * rws > best[1] * best[2]):
                best = (page, cols, rws)
        if best is None:
            raise _option("--sheet", f"a {_mm(w)} x {_mm(h)} card (layout '{layout_name}') does not fit on "
                                     f"{spec.name} paper with room for crop marks")
        page, columns, rows = best
        block_w = columns * w + (columns - 1) * gap
        block_h = rows * h + (rows - 1) * gap
        x0 = (page[0] - block_w) / 2
        top0 = (page[1] + block_h) / 2
        fronts = [Rect(x0 + c * (w + gap), top0 - (r + 1) * h - r * gap, w, h) for r in range(rows) for c in range(columns)]
    backs = tuple(mirrored(r, page, flip) for r in fronts)
    return Imposition(spec.name, page, (w, h), columns, rows, tuple(fronts), backs, bleed, flip, spec.crop_marks,
                      mark_length, offset, folds)


def _mm(points: float) -> str:
    return f"{points / MM:.1f} mm".replace(".0 mm", " mm")


# --------------------------------------------------------------------------- drawing


def _draw_marks(c: Canvas, segments: list[Segment], dashed: bool = False) -> None:
    c.saveState()
    c.setStrokeColor(black)
    c.setLineWidth(MARK_WIDTH)
    if dashed:
        c.setDash(1.5, 1.5)
    for (x0, y0), (x1, y1) in segments:
        c.line(x0, y0, x1, y1)
    c.restoreState()


class _Faces:
    """Each face of a sheet set drawn once, as a form, and placed wherever it repeats.

    A class sheet repeats a few faces hundreds of times; drawing each again cost
    almost all of a large sheet's time. A face's first copy is drawn in place; if
    it made no link (links are page annotations, which a form cannot carry; a
    face with a QR code has one), its later copies place one shared form."""

    def __init__(self, c: Canvas, bleed: float):
        self.c = c
        self.bleed = bleed
        self.forms: dict[int, str | None] = {}  # id of a face (alive while drawing) -> its form, None: drawn in place

    def place(self, face: CardFace, x: float, y: float) -> None:
        c, key = self.c, id(face)
        if key not in self.forms:
            links = _annotations(c)
            draw_face(c, face, x, y, self.bleed)
            self.forms[key] = "" if links is not None and _annotations(c) == links else None
            return
        name = self.forms[key]
        if name is None:
            draw_face(c, face, x, y, self.bleed)
            return
        if not name:
            name = self.forms[key] = f"CardFace{sum(1 for v in self.forms.values() if v)}"
            b = self.bleed
            c.beginForm(name, -b, -b, face.width + b, face.height + b)
            draw_face(c, face, 0.0, 0.0, b)
            c.endForm()
        c.saveState()
        c.translate(x, y)
        c.doForm(name)
        c.restoreState()


def _annotations(c: Canvas) -> int | None:
    """How many annotations (links) the current page has, None when ReportLab no longer tells."""
    refs = getattr(c, "_annotationrefs", None)
    return len(refs) if isinstance(refs, list) else None


def draw_sheet_pages(c: Canvas, imp: Imposition, cards: list[tuple[CardFace, CardFace]]) -> None:
    """Front and back page of every sheet the cards need: fronts on odd pages, backs on even."""
    per = imp.per_sheet
    faces = _Faces(c, imp.bleed)
    for start in range(0, len(cards), per):
        chunk = cards[start:start + per]
        for side in (0, 1):
            rects = [(imp.fronts if side == 0 else imp.backs)[i] for i in range(len(chunk))]
            for rect, pair in zip(rects, chunk):
                faces.place(pair[side], rect.x, rect.y)
            _draw_marks(c, imp.crop_mark_segments(rects))
            _draw_marks(c, imp.fold_mark_segments(rects, back=side == 1), dashed=True)
            c.showPage()


def render_sheets(imp: Imposition, cards: list[tuple[CardFace, CardFace]], title: str, subject: str, author: str,
                  lang: str) -> bytes:
    buf = io.BytesIO()
    c = new_canvas(buf, imp.page, title, subject, author, lang)
    draw_sheet_pages(c, imp, cards)
    c.save()
    return buf.getvalue()


def render_calibration(imp: Imposition, layout_name: str, labels: Labels | None = None) -> bytes:
    """A test sheet pair: card outlines, crosshairs and position labels on both sides.

    Printed double-sided and held against the light, each back crosshair sits on
    its front one; the rings (1, 2 and 3 mm) read off any offset."""
    buf = io.BytesIO()
    c = new_canvas(buf, imp.page, f"Calibration: {imp.sheet}, {layout_name}", "Front/back registration test sheet",
                   "handouts", "en")
    font = face_name("atkinson")
    bold = face_name("atkinson", bold=True)
    L = labels if labels is not None else english()
    ring_note = CALIBRATION_RINGS_LONG if imp.flip == "long" else CALIBRATION_RINGS_SHORT
    rings = L._(ring_note)
    for side, rects in (("Front", imp.fronts), ("Back", imp.backs)):
        for i, r in enumerate(rects):
            c.saveState()
            c.setStrokeColor(HexColor("#1f4e79"))
            c.setLineWidth(0.5)
            c.rect(r.x, r.y, r.w, r.h, stroke=1, fill=0)
            cx, cy = r.x + r.w / 2, r.y + r.h / 2
            c.setStrokeColor(black)
            c.setLineWidth(0.3)
            arm = min(r.w, r.h) * 0.18
            c.line(cx - arm, cy, cx + arm, cy)
            c.line(cx, cy - arm, cx, cy + arm)
            for ring in (1, 2, 3):
                c.circle(cx, cy, ring * MM, stroke=1, fill=0)
            inset = 3 * MM
            row, column = imp.slot(i)
            heading = CALIBRATION_FRONT if side == "Front" else CALIBRATION_BACK
            head = L._(heading, n=i + 1, row=row, column=column)
            notes = [L._(CALIBRATION_LIGHT), rings]
            room = r.w - 2 * inset
            size = max(6.5, min(10.0, r.h / 9, room / max(stringWidth(head, bold, 1), 1)))
            small = max(6.5, min(size * 0.85, room / max(max(stringWidth(n, font, 1) for n in notes), 1)))
            c.setFillColor(black)
            c.setFont(bold, size)
            c.drawString(r.x + inset, r.top - inset - size, head)
            c.setFont(font, small)
            for k, note in enumerate(reversed(notes)):
                c.drawString(r.x + inset, r.y + inset + k * small * 1.25, note)
            c.restoreState()
        _draw_marks(c, imp.crop_mark_segments(rects))
        _draw_marks(c, imp.fold_mark_segments(rects, back=side == "Back"), dashed=True)
        c.showPage()
    c.save()
    return buf.getvalue()
