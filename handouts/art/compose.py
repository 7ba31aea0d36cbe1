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

from ..models import Direction, Giver, HandUse, Motion, Posture, Region, Tool
from .anatomy import VIEW_ART, VIEWS, Anchor, ViewArt, choose_view, path_point
from .geometry import (Point, Rect, bbox, clip_polygon, clip_polyline, darker, ellipse, flat, hatch_segments, hexcolor,
                       mix, unit)
from .hands import Placement, default_ink, draw_hand
from .marks import Ink, draw_mark, hold_label, hold_text, label_extent, path_arrow, polyline, resolve
from .palette import Palette
from .stance import stance_view
from .tools import HELD, on_body


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


@dataclass(frozen=True)
class Technique:
    """How the step is done, beyond where: the hand part, tools, the stroke's path and the giver's place.

    ``path`` is (from, to) as regions or landmarks; ``own_hands`` draws the reader's own
    hand (self-massage) instead of a giver's; ``hands`` is how many hands work at
    once (1 or 2; None: two for a giver on a region with two sides, one for your own).
    ``stance`` draws the top view of where the giver is (given where it changes);
    ``giver`` is where they are on every step, so the hands reach from there."""

    hand_use: tuple[HandUse, ...] = ()
    path: tuple[str, str] | None = None
    tools: tuple[Tool, ...] = ()
    stance: tuple[Giver, Posture] | None = None
    own_hands: bool = False
    hands: int | None = None
    giver: Giver | None = None  # where the giver is now, drawn or not: hands reach from there


def body_map(regions: Iterable[Region], motions: Iterable[Motion], direction: Direction | None = None,
             view: str | None = None, hold_seconds=None, width: float = 113.0, height: float = 113.0,
             palette: Palette = Palette(), *, label_size: float = 9.0, technique: Technique = Technique()) -> Drawing:
    """The upper body with the step's regions highlighted, the hand (or tool) on them in its pose,
    the stroke drawn along its path, and where the giver stands.

    ``view`` is chosen from the regions (and the path) when left out. Regions the
    view cannot show are left out of the picture. ``hold_seconds`` ('10-20',
    '10–20 s' or an amount) labels the hold mark, set in ``label_size`` points:
    pass the layout's smallest text size so the picture keeps to it too. A label
    that would not fit is left out.
    """
    regions = [Region(r) for r in regions]
    motions = [Motion(m) for m in motions]
    direction = Direction(direction) if direction is not None else None
    view = view or view_for(regions, technique.path)
    if view not in VIEW_ART:
        raise ValueError(f"view {view!r} is not one of: {', '.join(VIEWS)}")
    return _drawing(regions, motions, direction, view, hold_seconds, float(width), float(height), palette,
                    float(label_size), technique)


def view_for(regions: Sequence[Region], path: tuple[str, str] | None) -> str:
    """The view for the regions that can also show the whole path."""
    view = choose_view(regions)
    if path is None or all(path_point(view, p) for p in path):
        return view
    able = [v for v in VIEWS if all(path_point(v, p) for p in path)]
    if not able:
        raise ValueError(f"no view shows both {path[0]!r} and {path[1]!r}")
    return max(able, key=lambda v: sum(1 for r in regions if r in VIEW_ART[v]().regions))


def stroke_paths(view: str, regions: Sequence[Region], direction: Direction | None, technique: Technique
                 ) -> list[tuple[Point, Point]]:
    """The stroke's (start, end) in view units, one per working hand, or [] for a stroke with no travel
    the picture can draw as a line (circles, holds, a direction drawn at each region)."""
    art = VIEW_ART[view]()
    if technique.path is not None:
        start, end = technique.path
        runs = []
        for left in _sides(view, regions, technique, (start, end)):
            a, b = path_point(view, start, left), path_point(view, end, left)
            if a and b:
                runs.append((a, b))
        return runs
    if direction is Direction.across:
        for r in regions:
            ra = art.regions.get(r)
            if ra and len(ra.anchors) >= 2:
                left = min(ra.anchors, key=lambda a: a.at[0]).at
                right = max(ra.anchors, key=lambda a: a.at[0]).at
                return [(left, right)]
    return []


def _sides(view: str, regions: Sequence[Region], technique: Technique, names: Sequence[str] = ()) -> list[bool]:
    """Which sides of the figure the hands work on: [False] (its right) or [False, True]."""
    if view == "side":
        return [False]
    count = technique.hands or (1 if technique.own_hands else 2)
    if count == 1:
        return [False]
    if names:
        paired = any(path_point(view, n, True) != path_point(view, n, False) for n in names)
    else:
        art = VIEW_ART[view]()
        paired = any(len(art.regions[r].anchors) >= 2 for r in regions if r in art.regions)
    return [False, True] if paired else [False]


def _curve(a: Point, b: Point) -> list[Point]:
    """A stroke from a to b that follows the body: down the neck, then out along the shoulder."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    if abs(dx) < 1e-6 or abs(dy) < 1e-6 or abs(dx) / abs(dy) > 4 or abs(dy) / abs(dx) > 4:
        return [a, b]
    c = (a[0] + dx * 0.15, a[1] + dy * 0.75) if dy < 0 else (a[0] + dx * 0.75, a[1] + dy * 0.15)
    pts = []
    for i in range(13):
        t = i / 12
        u = 1 - t
        pts.append((u * u * a[0] + 2 * u * t * c[0] + t * t * b[0], u * u * a[1] + 2 * u * t * c[1] + t * t * b[1]))
    return pts


def _drawing(regions: Sequence[Region], motions: Sequence[Motion], direction: Direction | None, view: str,
             hold_seconds, width: float, height: float, palette: Palette, label_size: float,
             technique: Technique = Technique()) -> Drawing:
    art = VIEW_ART[view]()
    s = max(0.55, min(1.8, min(width, height) / 113.0))
    pad = 1.2 * s
    box = (pad, pad, width - pad, height - pad)
    shown = [r for r in dict.fromkeys(regions) if r in art.regions]
    runs = stroke_paths(view, shown, direction, technique)
    ends = [ellipse(p[0], p[1], 2.0, 2.0, 8) for run in runs for p in run]

    focus = bbox([shape for r in shown for shape in art.regions[r].shapes] + ends)
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

    # A stroke with a path is drawn once along it; a stroke on the spot draws no arrow at all.
    travel = [m for m in motions if m in _TRAVEL] if runs or direction in (Direction.still, Direction.circles) else []
    wall_ball = _wall_ball(art, shown, technique)
    if wall_ball is not None and Motion.roll in motions:
        travel.append(Motion.roll)
    _add_technique(d, art, shown, direction, technique, runs, frame, palette, wall_ball)
    marks, labels = _add_marks(d, art, shown, [m for m in motions if m not in travel], direction, hold_seconds, k,
                               (ox, oy), box, ink)
    both = direction in (Direction.up_and_down, Direction.along)
    for a, b in runs:
        pts = frame.out(_curve(a, b))
        marks.append(path_arrow(_trim(pts, 2.0 * s), ink, both=both))
        d.add(marks[-1])
    if wall_ball is not None and Motion.roll in motions and direction not in (None, Direction.still):
        at = frame.out([wall_ball])[0]
        axis, sense = resolve(art.regions[shown[0]].anchors[0], Motion.glide, direction)
        side = (at[0] - 6.5 * frame.k, at[1])
        marks.append(_inside(draw_mark(Motion.glide, side, axis, sense, 14.0 * frame.k, 0.0, False, ink), box))
        d.add(marks[-1])
    for text, at, side in labels:
        d.add(_label_clear_of(text, at, side, [g.getBounds() for g in marks], box, ink))
    if technique.stance is not None:
        d.add(_stance_inset(technique.stance, width, height, s, palette))
    return d


_TRAVEL = (Motion.glide, Motion.strip, Motion.stretch, Motion.roll)
"""Motions drawn as one arrow along the stroke's path, when the step gives one."""


def _wall_ball(art: ViewArt, shown: Sequence[Region], technique: Technique) -> Point | None:
    """Where a ball pinned between the back and a wall sits, in the profile view (None otherwise)."""
    if art.name != "side" or Tool.wall not in technique.tools or Tool.tennis_ball not in technique.tools or not shown:
        return None
    at = art.regions[shown[0]].anchors[0].at
    return (at[0] - 7.6, at[1])


def _trim(pts: list[Point], by: float) -> list[Point]:
    """Pull the ends of a path in a little, so the arrowhead does not sit exactly on the next region's edge."""
    if len(pts) < 2 or math.dist(pts[0], pts[-1]) < 4 * by:
        return pts
    a, b = pts[0], pts[-1]
    d = (b[0] - a[0], b[1] - a[1])
    n = math.hypot(*d)
    return [(a[0] + d[0] / n * by, a[1] + d[1] / n * by)] + pts[1:-1] + [(b[0] - d[0] / n * by, b[1] - d[1] / n * by)]


def _reach(view: str, hand: HandUse, own: bool, left: bool, stroke: Point | None, at_head: bool = False) -> Point:
    """Which way the fingers point (wrist to fingertips) for a hand in this view."""
    sx = -1.0 if left else 1.0
    if at_head and not own:  # a giver at the head of the table reaches down from above the head
        return unit(sx * 0.3, -1.0) if view != "side" else unit(-0.35, -1.0)
    if own:  # your own hand comes from the front, over the shoulder or round the neck
        if view == "side":
            return unit(-1.0, 0.3)
        if view == "front":
            return unit(sx * 0.45, -1.0)
        return unit(-sx * 0.5, -1.0)
    if view == "side":  # a giver behind: fingers forward round the neck
        return unit(1.0, 0.35)
    if view == "front":  # a giver behind or beside, reaching over the shoulder
        return unit(-sx * 0.3, -1.0)
    if hand in (HandUse.heel_of_hand, HandUse.palm) and stroke is not None and abs(stroke[0]) > abs(stroke[1]):
        return unit(stroke[0] * 0.9, 0.45) if abs(stroke[0]) > 0 else (0.0, 1.0)
    return unit(-sx * 0.25, 1.0)  # from behind and below, elbows out


def _add_technique(d: Drawing, art: ViewArt, shown: Sequence[Region], direction: Direction | None,
                   technique: Technique, runs: list[tuple[Point, Point]], frame: Frame, palette: Palette,
                   wall_ball: Point | None = None):
    """The hand in its pose (or the tool) at the spot where the stroke starts."""
    view = art.name
    held = [t for t in technique.tools if t in HELD]
    hands = [h for h in technique.hand_use if h is not HandUse.tool]
    if runs:
        spots = [(a, b) for a, b in runs]
    else:
        spots = []
        for left in _sides(view, shown, technique):
            for r in shown:
                ats = [a.at for a in art.regions[r].anchors if (a.at[0] < 50.0) == left] or \
                      [a.at for a in art.regions[r].anchors]
                if ats:
                    spots.append((ats[0], None))
                    break
    if not spots:
        return
    outline = hexcolor(palette.primary)
    hot = mix(palette.accent, white, 0.15)
    if Tool.wall in technique.tools and view == "side":
        d.add(_wall(frame, art, palette))
    if held:
        tool = held[0]
        at, end = spots[0]
        along = unit(end[0] - at[0], end[1] - at[1]) if end is not None else None
        if along is not None:  # the sock lies along the middle of its stroke
            at = ((at[0] + end[0]) / 2, (at[1] + end[1]) / 2)
        at = wall_ball or at
        size = {Tool.towel: 34.0, Tool.balls_in_sock: 30.0}.get(tool, 26.0) * frame.k
        g = on_body(tool, frame.out([at])[0], size, palette, along)
        d.add(_clipped(g, frame.box))
        return
    if not hands:
        return
    hand = hands[0]
    length = min(15.0 * frame.k, 0.42 * min(frame.box[2] - frame.box[0], frame.box[3] - frame.box[1]))
    ink = default_ink(outline, hot, frame.s)
    at_head = technique.giver is Giver.head
    for at, end in spots:
        left = at[0] < 50.0 - 1e-6 and view != "side"
        stroke = unit(end[0] - at[0], end[1] - at[1]) if end is not None else None
        place = Placement(frame.out([at])[0], _reach(view, hand, technique.own_hands, left, stroke, at_head), length, left)
        d.add(draw_hand(hand, place, ink, frame.box))


def _clipped(g: Group, box: Rect) -> Group:
    """Keep a tool drawing inside the box: polygons and lines clipped point by point."""
    out = Group()
    for shape in g.contents:
        pts = list(zip(shape.points[0::2], shape.points[1::2]))
        if isinstance(shape, Polygon):
            clipped = clip_polygon(pts, box)
            if len(clipped) >= 3:
                out.add(Polygon(flat(clipped), fillColor=shape.fillColor, strokeColor=shape.strokeColor,
                                strokeWidth=shape.strokeWidth, strokeLineJoin=1))
        else:
            for run in clip_polyline(pts, box):
                out.add(polyline(run, shape.strokeColor, shape.strokeWidth))
    return out


def _wall(frame: Frame, art: ViewArt, palette: Palette) -> Group:
    """A wall behind the back in the profile view: a hatched band down the left of the picture."""
    g = Group()
    x1 = frame.ox + 24.6 * frame.k
    x0 = frame.box[0]
    if x1 - x0 < 2.0 * frame.s:
        return g
    y0, y1 = frame.box[1], frame.box[3]
    band_ = clip_polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], frame.box)
    g.add(Polygon(flat(band_), fillColor=mix(palette.muted, white, 0.8), strokeColor=None, strokeWidth=0))
    for p, q in hatch_segments(band_, 3.0 * frame.s):
        g.add(polyline([p, q], mix(palette.muted, white, 0.35), 0.5 * frame.s))
    g.add(polyline([(x1, y0), (x1, y1)], hexcolor(palette.muted), 1.0 * frame.s))
    return g


def _stance_inset(stance: tuple[Giver, Posture], width: float, height: float, s: float, palette: Palette) -> Group:
    """The top view of where the giver is, in the picture's top-left corner."""
    size = max(18.0, 0.3 * min(width, height))
    top = stance_view(stance[0], stance[1], size, palette)
    g = Group(*top.contents)
    g.translate(1.5 * s, height - size - 1.5 * s)
    return g


def _add_marks(d: Drawing, art: ViewArt, shown: Sequence[Region], motions: Sequence[Motion],
               direction: Direction | None, hold_seconds, k: float, offset: Point, box: Rect,
               ink: Ink) -> tuple[list[Group], list[tuple[str, Point, float]]]:
    """Draws the marks; returns them, and the hold-time labels (text, hold dot, preferred side) to be
    placed last, clear of every mark and arrow."""
    motions = list(dict.fromkeys(motions))
    if not motions or not shown:
        return [], []
    ox, oy = offset
    label = hold_text(hold_seconds) if hold_seconds not in (None, "") else None
    if label and label_extent(label, ink.label_size)[0] + 8 * ink.s > (box[2] - box[0]) * 0.9:
        label = None  # a picture too small for the text at the page's size: the step text says it
    spacing = 10.0 * ink.s

    def hold_at(a: Anchor) -> Point:
        at = (ox + a.at[0] * k, oy + a.at[1] * k)
        n = (-a.along[1], a.along[0])
        off = (motions.index(Motion.hold) - (len(motions) - 1) / 2) * spacing
        return (at[0] + n[0] * off, at[1] + n[1] * off)

    def marks_at(a: Anchor) -> list[Group]:
        at = (ox + a.at[0] * k, oy + a.at[1] * k)
        n = (-a.along[1], a.along[0])
        out = []
        for i, m in enumerate(motions):
            axis, sense = resolve(a, m, direction)
            off = (i - (len(motions) - 1) / 2) * spacing
            p = (at[0] + n[0] * off, at[1] + n[1] * off)
            length = max(9.0 * ink.s, min(2 * a.reach * k, 22.0 * ink.s))
            room = max(2.6 * ink.s, a.room * k)
            mark = draw_mark(m, p, axis, sense, length, room, a.at[0] >= 50.0, ink)
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
    drawn = [mark for _, marks in chosen for mark in marks]
    for mark in drawn:
        d.add(mark)
    if label_at is None:
        return drawn, []
    side = 1.0 if label_at.at[0] >= 50 or art.name == "side" else -1.0
    return drawn, [(label, hold_at(label_at), side)]


def _label_clear_of(text: str, at: Point, side: float, taken: list[Rect], box: Rect, ink: Ink) -> Group:
    """The hold-time pill near its dot: of the places beside, across, above and below it (nearest first),
    the first that covers the least of the marks and arrows, kept inside the picture; drawn over everything."""
    w, h = label_extent(text, ink.label_size)
    gap, dot = 4.4 * ink.s, 3.6 * ink.s
    lift = h / 2 + dot + 1.0 * ink.s
    beside, across, centre = 0.0, -side * (2 * gap + w), -side * (gap + w / 2)
    moves = [(beside, 0.0), (across, 0.0), (centre, lift), (centre, -lift), (beside, lift), (beside, -lift),
             (across, lift), (across, -lift), (centre, 2 * lift), (centre, -2 * lift)]

    def option(dx: float, dy: float) -> tuple[float, Group]:
        g = hold_label(text, at, side, ink)
        g.translate(dx, dy)
        before = g.getBounds()
        g = _inside(g, box)
        b = g.getBounds()
        pushed = abs(b[0] - before[0]) + abs(b[1] - before[1])
        cover = sum(max(0.0, min(b[2], r[2]) - max(b[0], r[0])) * max(0.0, min(b[3], r[3]) - max(b[1], r[1]))
                    for r in taken)
        return cover + pushed * h, g

    scored = [option(dx, dy) for dx, dy in moves]
    return min(scored, key=lambda sg: sg[0])[1]  # min keeps the first of equals: the preferred place


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
