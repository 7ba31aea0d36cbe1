"""One body-map picture: a view cropped to the step's regions, highlighted and marked.

This is where the figure, the palette and the marks meet. The view zooms to the
highlighted regions (head and shoulders, upper body, or the whole back) so marks
stay readable at pocket-card sizes, and every shape is clipped to the box so the
picture can be placed on the page like a box.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from reportlab.graphics.shapes import Circle, Drawing, Group, Polygon
from reportlab.lib.colors import white

from ..models import Direction, Motion, Region
from .anatomy import VIEW_ART, VIEWS, Anchor, ViewArt, choose_view
from .geometry import Point, Rect, bbox, clip_polygon, clip_polyline, darker, flat, hatch_segments, hexcolor, mix
from .marks import Ink, draw_mark, hold_text, label_extent, polyline, resolve
from .palette import Palette


def _fit(window: Rect, box: Rect, floor: float) -> tuple[Rect, float, Point]:
    """Grow the window to the box's proportions, then map it onto the box (scale, offset)."""
    x0, y0, x1, y1 = window
    bx0, by0, bx1, by1 = box
    bw, bh = bx1 - bx0, by1 - by0
    ww, wh = x1 - x0, y1 - y0
    if ww / wh < bw / bh:  # box is wider: widen the window about its centre
        extra = wh * bw / bh - ww
        x0, x1 = x0 - extra / 2, x1 + extra / 2
    else:  # box is taller: show more of the body below, then above
        extra = ww * bh / bw - wh
        down = min(extra, max(0.0, y0 - floor))
        y0 -= down
        y1 += extra - down
    k = bw / (x1 - x0)
    return (x0, y0, x1, y1), k, (bx0 - x0 * k, by0 - y0 * k)


@dataclass(frozen=True)
class Frame:
    """Where the view's window lands in the drawing: out = (ox + x·k, oy + y·k), clipped to ``box``."""

    k: float
    ox: float
    oy: float
    box: Rect
    s: float

    def out(self, pts: Iterable[Point]) -> list[Point]:
        return [(self.ox + x * self.k, self.oy + y * self.k) for x, y in pts]

    def fill(self, poly: Sequence[Point]) -> list[Point]:
        clipped = clip_polygon(self.out(poly), self.box)
        return clipped if len(clipped) >= 3 else []

    def lines(self, line: Sequence[Point], closed: bool = False) -> list[list[Point]]:
        pts = self.out(line)
        return clip_polyline(pts + pts[:1] if closed else pts, self.box)


# Geometry is cached per view and frame: a handout draws many pictures of the same view at one size.

@lru_cache(maxsize=64)
def _base_geometry(view: str, frame: Frame):
    art = VIEW_ART[view]()
    # Each part is filled, then outlined, before the next covers it (the head hides the neck's top edge).
    parts = [(frame.fill(part), frame.lines(part, closed=True)) for part in art.parts]
    landmarks = [run for line, closed in art.landmarks for run in frame.lines(line, closed)]
    dots: list[Point] = []
    if art.spine:
        a, b = frame.out(art.spine)
        n = max(2, int(math.dist(a, b) / (2.6 * frame.s)))
        box = frame.box
        for i in range(n + 1):
            x, y = a[0] + (b[0] - a[0]) * i / n, a[1] + (b[1] - a[1]) * i / n
            if box[0] <= x <= box[2] and box[1] <= y <= box[3]:
                dots.append((x, y))
    return parts, landmarks, dots


@lru_cache(maxsize=512)
def _region_geometry(view: str, region: Region, frame: Frame):
    ra = VIEW_ART[view]().regions[region]
    fills = [f for f in (frame.fill(shape) for shape in ra.shapes) if f]
    hatch = [seg for f in fills for seg in hatch_segments(f, 2.3 * frame.s)]
    outlines = [run for shape in ra.shapes for run in frame.lines(shape, closed=True)]
    decor = [run for line in ra.decor for run in frame.lines(line)]
    return fills, hatch, outlines, decor


def body_map(regions: Iterable[Region], motions: Iterable[Motion], direction: Direction | None = None,
             view: str | None = None, hold_seconds=None, width: float = 113.0, height: float = 113.0,
             palette: Palette = Palette(), *, label_size: float = 9.0) -> Drawing:
    """The upper body with the step's regions highlighted and its motions marked on them.

    ``view`` is chosen from the regions when left out. Regions the view cannot
    show are left out of the picture. ``hold_seconds`` ('10-20', '10–20 s' or an
    amount) labels the hold mark, set in ``label_size`` points: pass the layout's
    smallest text size so the picture keeps to it too. A label that would not
    fit is left out.
    """
    regions = [Region(r) for r in regions]
    motions = [Motion(m) for m in motions]
    direction = Direction(direction) if direction is not None else None
    view = view or choose_view(regions)
    if view not in VIEW_ART:
        raise ValueError(f"view {view!r} is not one of: {', '.join(VIEWS)}")
    return _drawing(regions, motions, direction, view, hold_seconds, float(width), float(height), palette,
                    float(label_size))


def _drawing(regions: Sequence[Region], motions: Sequence[Motion], direction: Direction | None, view: str,
             hold_seconds, width: float, height: float, palette: Palette, label_size: float) -> Drawing:
    art = VIEW_ART[view]()
    s = max(0.55, min(1.8, min(width, height) / 113.0))
    pad = 1.2 * s
    box = (pad, pad, width - pad, height - pad)
    shown = [r for r in dict.fromkeys(regions) if r in art.regions]

    focus = bbox(shape for r in shown for shape in art.regions[r].shapes)
    window = art.windows[art.overview]
    if focus is not None:
        window = art.windows[-1]
        fx0, fy0, fx1, fy1 = focus[0] - 3, focus[1] - 3, focus[2] + 3, focus[3] + 3
        for w in art.windows:
            if w[0] <= fx0 and w[1] <= fy0 and w[2] >= fx1 and w[3] >= fy1:
                window = w
                break
    _, k, (ox, oy) = _fit(window, box, art.floor)
    frame = Frame(k, ox, oy, box, s)

    light, muted, accent = hexcolor(palette.light), hexcolor(palette.muted), hexcolor(palette.accent)
    landmark = mix(muted, light, 0.35)
    region_fill = mix(accent, light, 0.6)
    region_line = darker(accent, 0.25)
    ink = Ink(mark=darker(accent, 0.3), halo=white, ball=mix(accent, white, 0.75), s=s, label_size=label_size)

    d = Drawing(width, height)
    parts, landmarks, dots = _base_geometry(view, frame)
    for poly, outline in parts:
        if poly:
            d.add(Polygon(flat(poly), fillColor=light, strokeColor=None, strokeWidth=0))
        for run in outline:
            d.add(polyline(run, muted, 0.9 * s))
    for run in landmarks:
        d.add(polyline(run, landmark, 0.55 * s))

    for r in shown:
        fills, hatch, outlines, decor = _region_geometry(view, r, frame)
        for poly in fills:
            d.add(Polygon(flat(poly), fillColor=region_fill, strokeColor=None, strokeWidth=0))
        for p, q in hatch:
            d.add(polyline([p, q], region_line, 0.35 * s))
        for run in outlines:
            d.add(polyline(run, region_line, 0.95 * s))
        for run in decor:
            d.add(polyline(run, region_line, 0.6 * s))

    spine = hexcolor(palette.primary)
    for x, y in dots:
        d.add(Circle(x, y, 0.62 * s, fillColor=spine, strokeColor=white, strokeWidth=0.3 * s))

    _add_marks(d, art, shown, motions, direction, hold_seconds, k, (ox, oy), box, ink)
    return d


def _add_marks(d: Drawing, art: ViewArt, shown: Sequence[Region], motions: Sequence[Motion],
               direction: Direction | None, hold_seconds, k: float, offset: Point, box: Rect, ink: Ink):
    motions = list(dict.fromkeys(motions))
    if not motions or not shown:
        return
    ox, oy = offset
    label = hold_text(hold_seconds) if hold_seconds not in (None, "") else None
    if label and label_extent(label, ink.label_size)[0] + 8 * ink.s > (box[2] - box[0]) * 0.9:
        label = None  # a picture too small for the text at the page's size: the step text says it
    spacing = 10.0 * ink.s

    def marks_at(a: Anchor, text: str | None = None) -> list[Group]:
        at = (ox + a.at[0] * k, oy + a.at[1] * k)
        n = (-a.along[1], a.along[0])
        out = []
        for i, m in enumerate(motions):
            axis, sense = resolve(a, m, direction)
            off = (i - (len(motions) - 1) / 2) * spacing
            p = (at[0] + n[0] * off, at[1] + n[1] * off)
            length = max(9.0 * ink.s, min(2 * a.reach * k, 22.0 * ink.s))
            room = max(2.6 * ink.s, a.room * k)
            mark = draw_mark(m, p, axis, sense, length, room, a.at[0] >= 50.0, ink,
                             text if m is Motion.hold else None,
                             label_side=1.0 if a.at[0] >= 50 or art.name == "side" else -1.0)
            out.append(_inside(mark, box))
        return out

    def place(candidates: list[tuple[Region, Anchor]]) -> list[tuple[Anchor, list[Group]]]:
        """Anchors in order with their marks, skipping any that would sit on another region's marks.

        A region's own anchors are spaced by design (both sides of the spine), so
        they are only checked against other regions.
        """
        placed: list[tuple[Region, Anchor, list[Group], Rect]] = []
        for region, a in candidates:
            marks = marks_at(a)
            x0, y0, x1, y1 = _union(g.getBounds() for g in marks)
            room = 1.5 * ink.s  # marks need a little air between them to read as separate
            bounds = (x0 - room, y0 - room, x1 + room, y1 + room)
            if all(other_region is region or _overlap(bounds, other) < 0.1 for other_region, _, _, other in placed):
                placed.append((region, a, marks, bounds))
        return [(a, marks) for _, a, marks, _ in placed]

    candidates = [(r, a) for r in shown for a in art.regions[r].anchors]
    chosen = place(candidates)
    if len(chosen) * len(motions) > 4:
        # Too many marks crowd the picture: the highlight shows both sides, the marks one.
        chosen = place([(r, a) for r, a in candidates if a.at[0] >= 50.0 - 1e-6]) or chosen
    label_at = max((a for a, _ in chosen), key=lambda a: a.at[0]) if label and Motion.hold in motions else None
    for a, marks in chosen:
        for mark in (marks_at(a, label) if a is label_at else marks):
            d.add(mark)


def _union(rects: Iterable[Sequence[float]]) -> Rect:
    rs = list(rects)
    return (min(r[0] for r in rs), min(r[1] for r in rs), max(r[2] for r in rs), max(r[3] for r in rs))


def _overlap(a: Rect, b: Rect) -> float:
    """Shared area as a share of the smaller rectangle."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1])) or 1e-9
    return w * h / smaller


def _inside(g: Group, box: Rect) -> Group:
    """Nudge a mark back inside the box if it pokes out (a mark near the edge of a cropped view)."""
    x0, y0, x1, y1 = g.getBounds()
    dx = max(0.0, box[0] - x0) - max(0.0, x1 - box[2])
    dy = max(0.0, box[1] - y0) - max(0.0, y1 - box[3])
    if dx or dy:
        g.translate(dx, dy)
    return g
