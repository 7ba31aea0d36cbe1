"""Motion marks: the arrows, circles, dots and labels drawn on a highlighted region.

Each mark is built around a point and an axis in output points, so the same
code draws the marks on a body map and the stand-alone icons of a picture key.
Marks sit on a white halo so they read over hatching in black-and-white print.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from reportlab.graphics.shapes import Circle, Group, PolyLine, Polygon, String
from reportlab.lib.colors import Color, white
from reportlab.pdfbase import pdfmetrics

from ..models import Direction, Motion
from .anatomy import Anchor
from .geometry import Point, flat, rrect, unit

LABEL_FONT = "Atkinson-Bold"


def label_font() -> str:
    """The bold face used for the hold-time label, registered once under the project's name for it."""
    if LABEL_FONT not in pdfmetrics.getRegisteredFontNames():
        from importlib import resources

        from reportlab.pdfbase.ttfonts import TTFont

        path = resources.files("fontpkg_atkinson_hyperlegible") / "files" / "AtkinsonHyperlegible-Bold.ttf"
        pdfmetrics.registerFont(TTFont(LABEL_FONT, str(path)))
    return LABEL_FONT


@dataclass(frozen=True)
class Ink:
    """Colours and sizes for marks, in output points."""

    mark: Color
    halo: Color
    ball: Color
    s: float  # size factor: 1 at the default 113 pt picture
    label_size: float = 9.0  # text follows the page's type sizes, not the picture's scale

    @property
    def line(self) -> float:
        return 1.35 * self.s

    @property
    def halo_w(self) -> float:
        return self.line + 1.6 * self.s


def polyline(pts: Sequence[Point], colour: Color, width: float, dash=None) -> PolyLine:
    """An open line with round caps and joins, so short strokes and hatching end softly."""
    return PolyLine(flat(pts), strokeColor=colour, strokeWidth=width, strokeLineCap=1, strokeLineJoin=1,
                    strokeDashArray=dash)


HEAD_LENGTH, HEAD_HALF_WIDTH = 4.2, 2.8


def _head(tip: Point, d: Point, ink: Ink, scale: float = 1.0) -> list[Point]:
    ln, hw = HEAD_LENGTH * ink.s * scale, HEAD_HALF_WIDTH * ink.s * scale
    bx, by = tip[0] - d[0] * ln, tip[1] - d[1] * ln
    return [tip, (bx - d[1] * hw, by + d[0] * hw), (bx + d[1] * hw, by - d[0] * hw)]


def _shorten(pts: list[Point], length: float) -> tuple[list[Point], Point]:
    """Remove ``length`` from the end of a line; returns the rest and the point where it now ends."""
    left = length
    pts = list(pts)
    while len(pts) > 1:
        seg = math.dist(pts[-1], pts[-2])
        if seg >= left:
            t = left / seg if seg else 0.0
            end = (pts[-1][0] + (pts[-2][0] - pts[-1][0]) * t, pts[-1][1] + (pts[-2][1] - pts[-1][1]) * t)
            return pts[:-1] + [end], end
        left -= seg
        pts.pop()
    return pts, pts[0]


def _stroke(g: Group, pts: Sequence[Point], ink: Ink, heads: Sequence[tuple[Point, Point]] = (),
            width: float | None = None, head: float = 1.0):
    """A line with arrowheads at (tip, direction) pairs, on a white halo so it reads over hatching.

    On a curved line each head is aimed along the chord of its last stretch, so
    it sits on the curve instead of sticking out along the end tangent.
    """
    w = width or ink.line
    line = list(pts)
    tips: list[tuple[Point, Point]] = []
    for tip, d in heads:
        at_start = math.dist(line[0], tip) < math.dist(line[-1], tip)
        if at_start:
            line.reverse()
        if len(line) > 2:
            _, back = _shorten(line, HEAD_LENGTH * ink.s * head)
            d = unit(tip[0] - back[0], tip[1] - back[1])
        line, _ = _shorten(line, 0.7 * HEAD_LENGTH * ink.s * head)  # the shaft stops inside the head
        if at_start:
            line.reverse()
        tips.append((tip, d))
    g.add(polyline(line, ink.halo, w + 1.6 * ink.s))
    for tip, d in tips:
        g.add(Polygon(flat(_head(tip, d, ink, head)), fillColor=ink.halo, strokeColor=ink.halo, strokeWidth=1.6 * ink.s,
                      strokeLineJoin=1))
    g.add(polyline(line, ink.mark, w))
    for tip, d in tips:
        g.add(Polygon(flat(_head(tip, d, ink, head)), fillColor=ink.mark, strokeColor=ink.mark, strokeWidth=0.3 * ink.s,
                      strokeLineJoin=1))


def _dot(g: Group, at: Point, r: float, ink: Ink):
    g.add(Circle(at[0], at[1], r + 0.9 * ink.s, fillColor=ink.halo, strokeColor=None))
    g.add(Circle(at[0], at[1], r, fillColor=ink.mark, strokeColor=None))


class Arrow(Group):
    """A straight or curved stroke arrow (shaft and heads): the marks that say which way a stroke
    travels, kept apart from circles and rocking arcs so their direction can be read back."""


class Mark(Group):
    """One motion mark at one place, so a picture's marks can be told from its body and hands."""


def path_arrow(pts: Sequence[Point], ink: Ink, both: bool = False) -> Arrow:
    """An arrow along ``pts`` (output points), head at the end, and at the start too when ``both``."""
    pts = list(pts)
    g = Arrow()
    end = unit(pts[-1][0] - pts[-2][0], pts[-1][1] - pts[-2][1])
    heads = [(pts[-1], end)]
    if both:
        heads.append((pts[0], unit(pts[0][0] - pts[1][0], pts[0][1] - pts[1][1])))
    _stroke(g, pts, ink, heads)
    return g


def _arrow(g: Group, at: Point, d: Point, length: float, sense: str, ink: Ink):
    arrow = Arrow()
    g.add(arrow)
    g = arrow
    half = length / 2
    a = (at[0] - d[0] * half, at[1] - d[1] * half)
    b = (at[0] + d[0] * half, at[1] + d[1] * half)
    back = (-d[0], -d[1])
    if sense == "one":
        _stroke(g, [a, b], ink, [(b, d)])
    elif sense == "both":
        _stroke(g, [a, b], ink, [(b, d), (a, back)])
    else:  # apart / together: two arrows meeting at (or leaving from) the centre
        gap = 1.4 * ink.s
        c1 = (at[0] - d[0] * gap, at[1] - d[1] * gap)
        c2 = (at[0] + d[0] * gap, at[1] + d[1] * gap)
        if sense == "apart":
            _stroke(g, [c2, b], ink, [(b, d)])
            _stroke(g, [c1, a], ink, [(a, back)])
        else:
            _stroke(g, [b, c2], ink, [(c2, back)])
            _stroke(g, [a, c1], ink, [(c1, d)])


def _circle_arrow(g: Group, at: Point, r: float, clockwise: bool, ink: Ink):
    sweep = -290 if clockwise else 290
    start = 135 if clockwise else 45
    pts = []
    for i in range(37):
        a = math.radians(start + sweep * i / 36)
        pts.append((at[0] + r * math.cos(a), at[1] + r * math.sin(a)))
    _stroke(g, pts, ink, [(pts[-1], (0.0, 0.0))], head=0.8)


def _loops(g: Group, at: Point, d: Point, length: float, ink: Ink, head: bool):
    """A line of small circles travelling along d (friction circles)."""
    turns = 3
    b = 2.0 * ink.s
    a = length / (2 * math.pi * turns)  # advance per radian; b > a makes the loops
    n = (-d[1], d[0])
    pts = []
    steps = 18 * turns
    for i in range(steps + 1):
        th = 2 * math.pi * turns * i / steps
        u = a * th - b * math.sin(th) - length / 2
        v = b * (1 - math.cos(th)) - b
        pts.append((at[0] + d[0] * u + n[0] * v, at[1] + d[1] * u + n[1] * v))
    if head:
        tip = (pts[-1][0] + d[0] * 4.6 * ink.s, pts[-1][1] + d[1] * 4.6 * ink.s)
        _stroke(g, pts + [tip], ink, [(tip, d)], width=ink.line * 0.85)
    else:
        _stroke(g, pts, ink, width=ink.line * 0.85)


def _chevrons(g: Group, at: Point, d: Point, ink: Ink, double: bool):
    """Pairs of chevrons pointing at each other across the muscle (squeeze)."""
    n = (-d[1], d[0])
    size = 3.4 * ink.s
    for side in (1, -1):
        offsets = (4.6, 7.8) if double else (5.0,)
        for off in offsets:
            cx, cy = at[0] + n[0] * side * off * ink.s, at[1] + n[1] * side * off * ink.s
            tip = (cx - n[0] * side * size * 0.5, cy - n[1] * side * size * 0.5)
            wing = (cx + n[0] * side * size * 0.5, cy + n[1] * side * size * 0.5)
            pts = [(wing[0] + d[0] * size, wing[1] + d[1] * size), tip, (wing[0] - d[0] * size, wing[1] - d[1] * size)]
            g.add(polyline(pts, ink.halo, ink.line * 1.2 + 1.6 * ink.s))
            g.add(polyline(pts, ink.mark, ink.line * 1.2))


def _rock(g: Group, at: Point, d: Point, ink: Ink):
    """A shallow arch with heads at both ends: rock side to side and back."""
    r = 8.0 * ink.s
    n = (-d[1], d[0])
    if n[1] < 0 or (n[1] == 0 and n[0] < 0):
        n = (-n[0], -n[1])
    half = math.radians(58)
    centre = (at[0] - n[0] * r * 0.8, at[1] - n[1] * r * 0.8)
    base = math.atan2(n[1], n[0])
    pts = []
    for i in range(25):
        a = base - half + 2 * half * i / 24
        pts.append((centre[0] + r * math.cos(a), centre[1] + r * math.sin(a)))
    _stroke(g, pts, ink, [(pts[0], (0.0, 0.0)), (pts[-1], (0.0, 0.0))], head=0.9)


def _ball(g: Group, at: Point, d: Point, sense: str, ink: Ink):
    r = 2.8 * ink.s
    gap = r + 1.2 * ink.s
    ln = 5.0 * ink.s
    if sense in ("both", "apart", "together"):
        for sgn in (1, -1):
            a = (at[0] + d[0] * gap * sgn, at[1] + d[1] * gap * sgn)
            b = (a[0] + d[0] * ln * sgn, a[1] + d[1] * ln * sgn)
            _stroke(g, [a, b], ink, [(b, (d[0] * sgn, d[1] * sgn))])
    else:
        a = (at[0] + d[0] * gap, at[1] + d[1] * gap)
        b = (a[0] + d[0] * ln, a[1] + d[1] * ln)
        _stroke(g, [a, b], ink, [(b, d)])
        for off in (0.8, 1.6):  # motion lines behind the ball
            n = (-d[1], d[0])
            c = (at[0] - d[0] * (r + 1.0 * ink.s) , at[1] - d[1] * (r + 1.0 * ink.s))
            p = (c[0] + n[0] * (off - 1.2) * 2 * ink.s, c[1] + n[1] * (off - 1.2) * 2 * ink.s)
            q = (p[0] - d[0] * 2.4 * ink.s, p[1] - d[1] * 2.4 * ink.s)
            g.add(polyline([p, q], ink.mark, 0.7 * ink.s))
    g.add(Circle(at[0], at[1], r + 0.8 * ink.s, fillColor=ink.halo, strokeColor=None))
    g.add(Circle(at[0], at[1], r, fillColor=ink.ball, strokeColor=ink.mark, strokeWidth=0.9 * ink.s))


def _hold(g: Group, at: Point, ink: Ink):
    g.add(Circle(at[0], at[1], 3.6 * ink.s, fillColor=ink.halo, strokeColor=None))
    g.add(Circle(at[0], at[1], 3.0 * ink.s, fillColor=None, strokeColor=ink.mark, strokeWidth=0.8 * ink.s))
    g.add(Circle(at[0], at[1], 1.6 * ink.s, fillColor=ink.mark, strokeColor=None))


def hold_text(hold_seconds) -> str:
    """'10-20' or '10-20 s' becomes '10–20 s'; words such as 'a few seconds' stay as written."""
    text = str(hold_seconds).strip()
    text = text.replace("-", "–").replace(" to ", "–")
    bare = text.replace("–", "").replace(".", "").replace(" ", "")
    if bare.isdigit():
        return f"{text.replace(' ', '')} s"
    for unit_ in (" seconds", " second", " secs", " sec"):
        if text.endswith(unit_) and text[: -len(unit_)].replace("–", "").replace(".", "").isdigit():
            return text[: -len(unit_)] + " s"
    if text.endswith(" s") and not text[:-2].replace("–", "").replace(".", "").isdigit():
        return text[:-2] + " sec"  # 'a few s' reads badly
    return text


def label_extent(text: str, size: float) -> tuple[float, float]:
    """Width and height of the hold-time pill."""
    return pdfmetrics.stringWidth(text, label_font(), size) + 0.7 * size, 1.3 * size


def hold_label(text: str, at: Point, side: float, ink: Ink) -> Group:
    """A small pill with the hold time, beside the hold dot at ``at`` (right when ``side`` ≥ 0)."""
    font = label_font()
    size = ink.label_size
    w, h = label_extent(text, size)
    gap = 4.4 * ink.s
    x = at[0] + gap if side >= 0 else at[0] - gap - w
    y = at[1] - h / 2
    g = Group()
    g.add(Polygon(flat(rrect(x, y, x + w, y + h, h / 2)), fillColor=white, strokeColor=ink.mark,
                  strokeWidth=0.6 * ink.s))
    g.add(String(x + 0.35 * size, y + (h - 0.68 * size) / 2, text, fontName=font, fontSize=size, fillColor=ink.mark))
    return g


def draw_mark(motion: Motion, at: Point, axis: Point, sense: str, length: float, room: float, clockwise: bool,
              ink: Ink, hold_label_text: str | None = None, label_side: float = 1.0) -> Group:
    """One motion mark centred on ``at`` (output points)."""
    g = Mark()
    if motion in (Motion.glide, Motion.strip):
        _arrow(g, at, axis, length, sense, ink)
        if motion is Motion.strip and sense == "one":  # strip: a firm start point, then the slow glide
            start = (at[0] - axis[0] * length / 2, at[1] - axis[1] * length / 2)
            _dot(g, start, 1.7 * ink.s, ink)
    elif motion is Motion.knead:
        _circle_arrow(g, at, max(4.2 * ink.s, min(room, 5.2 * ink.s)), clockwise, ink)
    elif motion is Motion.circles:
        _loops(g, at, axis, max(length, 10 * ink.s), ink, head=(sense == "one"))
    elif motion is Motion.press_and_release:
        count = 3 if length >= 9 * ink.s else 2
        step = min(length / (count - 0.4), 5.0 * ink.s)
        for i in range(count):
            off = (i - (count - 1) / 2) * step
            _dot(g, (at[0] + axis[0] * off, at[1] + axis[1] * off), 1.5 * ink.s, ink)
    elif motion is Motion.hold:
        _hold(g, at, ink)
        if hold_label_text:
            g.add(hold_label(hold_label_text, at, label_side, ink))
    elif motion in (Motion.squeeze, Motion.pinch_and_roll):
        _chevrons(g, at, axis, ink, double=motion is Motion.pinch_and_roll)
    elif motion is Motion.rock:
        _rock(g, at, axis, ink)
    elif motion is Motion.stretch:  # a stretch the data gives a way for goes that way; else both ways apart
        _arrow(g, at, axis, max(length, 17 * ink.s), "one" if sense == "one" else "apart", ink)
    elif motion is Motion.roll:
        _ball(g, at, axis, sense, ink)
    return g


_DIRECTIONS = {
    Direction.up: ((0.0, 1.0), "one"),
    Direction.down: ((0.0, -1.0), "one"),
    Direction.up_and_down: ((0.0, 1.0), "both"),
}


def resolve(anchor: Anchor, motion: Motion, direction: Direction | None) -> tuple[Point, str]:
    """The axis and sense of a mark at an anchor for the step's direction."""
    if direction in _DIRECTIONS:
        return _DIRECTIONS[direction]
    if direction is Direction.outward:
        return (anchor.outward, "one") if anchor.outward else ((1.0, 0.0), "apart")
    if direction is Direction.inward:
        return ((-anchor.outward[0], -anchor.outward[1]), "one") if anchor.outward else ((1.0, 0.0), "together")
    if direction in (Direction.still, Direction.circles):  # no travel: nothing may point anywhere
        return anchor.along, "none"
    if direction is Direction.across:
        return (1.0, 0.0), "both"
    if direction is Direction.along:  # along the region, without saying which way
        return anchor.along, "both"
    if motion is Motion.rock and direction is None:
        return (1.0, 0.0), "both"
    return anchor.along, "one"
