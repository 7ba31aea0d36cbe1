"""Body-map geometry and drawing: three views of the upper body with regions to highlight.

Every shape is a polygon computed here (Bézier outlines sampled to points) rather
than a ReportLab path, for two reasons: a view can be cropped to the part of the
body a step works on by clipping polygons to a window, and hatching a highlight
for black-and-white print needs the polygon to intersect hatch lines with. It
also guarantees a drawing never reaches outside its box, which the page layout
relies on.

View coordinates: x grows to the figure's left-to-right as seen on the page, y
grows upwards (ReportLab's convention); the figure's midline is x = 50.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable, Sequence

from reportlab.graphics.shapes import Circle, Drawing, Group, PolyLine, Polygon, String
from reportlab.lib.colors import Color, HexColor, white
from reportlab.pdfbase import pdfmetrics

from ..models import Direction, Motion, Region

if TYPE_CHECKING:  # pragma: no cover
    from .illustrate import Palette

Point = tuple[float, float]
Rect = tuple[float, float, float, float]

# --------------------------------------------------------------------------- vector helpers


def cubic(p0: Point, c1: Point, c2: Point, p3: Point, n: int = 12) -> list[Point]:
    """Points of a cubic Bézier after its start point (so pieces chain without repeats)."""
    out = []
    for i in range(1, n + 1):
        t = i / n
        u = 1 - t
        out.append((
            u * u * u * p0[0] + 3 * u * u * t * c1[0] + 3 * u * t * t * c2[0] + t * t * t * p3[0],
            u * u * u * p0[1] + 3 * u * u * t * c1[1] + 3 * u * t * t * c2[1] + t * t * t * p3[1],
        ))
    return out


class Pen:
    """Builds an outline from straight and curved pieces, like a path, but as points."""

    def __init__(self, x: float, y: float):
        self.pts: list[Point] = [(x, y)]

    def to(self, x: float, y: float) -> "Pen":
        self.pts.append((x, y))
        return self

    def curve(self, c1: Point, c2: Point, p: Point, n: int = 12) -> "Pen":
        self.pts.extend(cubic(self.pts[-1], c1, c2, p, n))
        return self


def ellipse(cx: float, cy: float, rx: float, ry: float, n: int = 48, rot: float = 0.0) -> list[Point]:
    c, s = math.cos(math.radians(rot)), math.sin(math.radians(rot))
    pts = []
    for i in range(n):
        a = 2 * math.pi * i / n
        x, y = rx * math.cos(a), ry * math.sin(a)
        pts.append((cx + x * c - y * s, cy + x * s + y * c))
    return pts


def rrect(x0: float, y0: float, x1: float, y1: float, r: float, n: int = 6) -> list[Point]:
    """A rounded rectangle, counter-clockwise."""
    r = max(0.0, min(r, (x1 - x0) / 2, (y1 - y0) / 2))
    pts: list[Point] = []
    for cx, cy, start in ((x1 - r, y0 + r, -90), (x1 - r, y1 - r, 0), (x0 + r, y1 - r, 90), (x0 + r, y0 + r, 180)):
        for i in range(n + 1):
            a = math.radians(start + 90 * i / n)
            pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return pts


def capsule(p: Point, q: Point, w: float, n: int = 10) -> list[Point]:
    """A stroke from p to q of width w with round ends (a finger, a band of muscle)."""
    dx, dy = q[0] - p[0], q[1] - p[1]
    base = math.atan2(dy, dx)
    r = w / 2
    pts: list[Point] = []
    for cx, cy, start in ((q[0], q[1], base - math.pi / 2), (p[0], p[1], base + math.pi / 2)):
        for i in range(n + 1):
            a = start + math.pi * i / n
            pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return pts


def band(centre: Sequence[Point], widths: Sequence[float] | float, taper: float = 0.0) -> list[Point]:
    """A ribbon of the given width(s) along a centre line; ``taper`` narrows both ends (0..1)."""
    n = len(centre)
    if isinstance(widths, (int, float)):
        widths = [float(widths)] * n
    left, right = [], []
    for i, (x, y) in enumerate(centre):
        a = centre[max(i - 1, 0)]
        b = centre[min(i + 1, n - 1)]
        tx, ty = b[0] - a[0], b[1] - a[1]
        ln = math.hypot(tx, ty) or 1.0
        nx, ny = -ty / ln, tx / ln
        t = i / (n - 1)
        w = widths[i] * (1 - taper + taper * math.sin(math.pi * t) ** 0.5) / 2
        left.append((x + nx * w, y + ny * w))
        right.append((x - nx * w, y - ny * w))
    return left + right[::-1]


def mirror(pts: Iterable[Point], cx: float = 50.0) -> list[Point]:
    """The left-right mirror image, reversed so the winding stays the same."""
    return [(2 * cx - x, y) for x, y in pts][::-1]


def mirror_point(p: Point, cx: float = 50.0) -> Point:
    return (2 * cx - p[0], p[1])


def unit(x: float, y: float) -> Point:
    ln = math.hypot(x, y) or 1.0
    return (x / ln, y / ln)


def clip_halfplane(pts: Sequence[Point], a: float, b: float, c: float) -> list[Point]:
    """Sutherland–Hodgman against the half-plane a·x + b·y <= c."""
    out: list[Point] = []
    n = len(pts)
    for i in range(n):
        p, q = pts[i], pts[(i + 1) % n]
        fp, fq = a * p[0] + b * p[1] - c, a * q[0] + b * q[1] - c
        if fp <= 0:
            out.append(p)
        if (fp < 0 < fq) or (fq < 0 < fp):
            t = fp / (fp - fq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def clip_polygon(pts: Sequence[Point], rect: Rect) -> list[Point]:
    x0, y0, x1, y1 = rect
    out = list(pts)
    for a, b, c in ((-1, 0, -x0), (1, 0, x1), (0, -1, -y0), (0, 1, y1)):
        if not out:
            break
        out = clip_halfplane(out, a, b, c)
    return out


def clip_polyline(pts: Sequence[Point], rect: Rect) -> list[list[Point]]:
    """The parts of an open line inside ``rect`` (Liang–Barsky on each segment)."""
    x0, y0, x1, y1 = rect
    runs: list[list[Point]] = []
    cur: list[Point] = []
    for p, q in zip(pts, pts[1:]):
        dx, dy = q[0] - p[0], q[1] - p[1]
        t0, t1, ok = 0.0, 1.0, True
        for pp, qq in ((-dx, p[0] - x0), (dx, x1 - p[0]), (-dy, p[1] - y0), (dy, y1 - p[1])):
            if pp == 0:
                if qq < 0:
                    ok = False
                    break
            else:
                r = qq / pp
                if pp < 0:
                    t0 = max(t0, r)
                else:
                    t1 = min(t1, r)
        if not ok or t0 > t1:
            if cur:
                runs.append(cur)
                cur = []
            continue
        a = (p[0] + t0 * dx, p[1] + t0 * dy)
        b = (p[0] + t1 * dx, p[1] + t1 * dy)
        if not cur:
            cur = [a]
        elif math.dist(cur[-1], a) > 1e-9:
            runs.append(cur)
            cur = [a]
        cur.append(b)
        if t1 < 1.0:
            runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    return [r for r in runs if len(r) > 1]


def hatch_segments(poly: Sequence[Point], spacing: float, angle: float = 45.0) -> list[tuple[Point, Point]]:
    """Parallel hatch lines filling a polygon (even-odd rule), ``spacing`` apart."""
    if len(poly) < 3 or spacing <= 0:
        return []
    a = math.radians(angle)
    c, s = math.cos(a), math.sin(a)
    rot = [(x * c + y * s, -x * s + y * c) for x, y in poly]  # hatch lines become horizontal
    ys = [p[1] for p in rot]
    segs: list[tuple[Point, Point]] = []
    v = math.floor(min(ys) / spacing) * spacing + spacing / 2
    n = len(rot)
    while v < max(ys):
        xs = []
        for i in range(n):
            p, q = rot[i], rot[(i + 1) % n]
            if (p[1] <= v < q[1]) or (q[1] <= v < p[1]):
                xs.append(p[0] + (v - p[1]) * (q[0] - p[0]) / (q[1] - p[1]))
        xs.sort()
        for u0, u1 in zip(xs[::2], xs[1::2]):
            segs.append(((u0 * c - v * s, u0 * s + v * c), (u1 * c - v * s, u1 * s + v * c)))
        v += spacing
    return segs


def bbox(polys: Iterable[Sequence[Point]]) -> Rect | None:
    xs, ys = [], []
    for poly in polys:
        for x, y in poly:
            xs.append(x)
            ys.append(y)
    if not xs:
        return None
    return (min(xs), min(ys), max(xs), max(ys))


def flat(pts: Iterable[Point]) -> list[float]:
    return [v for p in pts for v in p]


# --------------------------------------------------------------------------- colour


def hexcolor(value: str | Color) -> Color:
    return value if isinstance(value, Color) else HexColor(value)


def mix(a: str | Color, b: str | Color, t: float) -> Color:
    """``t`` of the way from colour a to colour b (t=0 is a)."""
    ca, cb = hexcolor(a), hexcolor(b)
    return Color(ca.red + (cb.red - ca.red) * t, ca.green + (cb.green - ca.green) * t, ca.blue + (cb.blue - ca.blue) * t)


def darker(c: str | Color, t: float) -> Color:
    return mix(c, "#000000", t)


LABEL_FONT = "Atkinson-Bold"


def label_font() -> str:
    """The bold face used for the hold-time label, registered once under the project's name for it."""
    if LABEL_FONT not in pdfmetrics.getRegisteredFontNames():
        from importlib import resources

        from reportlab.pdfbase.ttfonts import TTFont

        path = resources.files("fontpkg_atkinson_hyperlegible") / "files" / "AtkinsonHyperlegible-Bold.ttf"
        pdfmetrics.registerFont(TTFont(LABEL_FONT, str(path)))
    return LABEL_FONT


# --------------------------------------------------------------------------- view data


@dataclass(frozen=True)
class Anchor:
    """Where a motion mark sits on a region, and which ways the region runs there.

    ``along`` is the natural stroke direction (neck to shoulder, down the spine);
    ``outward`` points away from the midline, or is None for a region on the
    midline, where "outward" means both ways at once. ``reach`` is half the length
    an arrow may have and ``room`` the radius a circular mark may use (view units).
    """

    at: Point
    along: Point
    outward: Point | None
    reach: float
    room: float

    def mirrored(self) -> "Anchor":
        out = None if self.outward is None else (-self.outward[0], self.outward[1])
        return Anchor(mirror_point(self.at), (-self.along[0], self.along[1]), out, self.reach, self.room)


@dataclass
class RegionArt:
    shapes: list[list[Point]]
    anchors: list[Anchor]
    decor: list[list[Point]] = field(default_factory=list)  # lines shown only when highlighted


@dataclass
class ViewArt:
    name: str
    parts: list[list[Point]]  # body silhouette pieces, back to front
    landmarks: list[tuple[list[Point], bool]]  # (line, closed)
    regions: dict[Region, RegionArt]
    windows: list[Rect]  # tightest first; the last one shows the whole view
    spine: list[Point] | None = None
    floor: float = -10.0  # lowest y the geometry covers
    overview: int = -1  # the window shown when nothing is highlighted


def _pair(right: RegionArt) -> RegionArt:
    """A region drawn on both sides, from its right-hand half."""
    return RegionArt(
        shapes=right.shapes + [mirror(s) for s in right.shapes],
        anchors=right.anchors + [a.mirrored() for a in right.anchors],
        decor=right.decor + [[mirror_point(p) for p in d] for d in right.decor],
    )


def _region(shape: list[Point], at: Point, along: Point, outward: Point | None, reach: float, room: float,
            decor: list[list[Point]] | None = None) -> RegionArt:
    return RegionArt([shape], [Anchor(at, unit(*along), None if outward is None else unit(*outward), reach, room)],
                     decor or [])


def _centre_line(p0: Point, c1: Point, c2: Point, p3: Point, n: int = 16) -> list[Point]:
    return [p0] + cubic(p0, c1, c2, p3, n)


# --- shared pieces of the back and front views (their silhouettes match)

def _arm_right(front: bool = False) -> list[Point]:
    pen = Pen(67.5, 64.8)
    pen.curve((73.5, 66.8), (77.8, 62.5), (78.0, 56.0))
    pen.curve((78.6, 48.0), (78.0, 38.0), (77.2, 30.0))
    pen.curve((76.6, 22.0), (76.3, 10.0), (76.0, -12.0))
    pen.to(70.8, -12.0)
    pen.curve((71.0, 8.0), (71.6, 22.0), (71.6, 30.0))
    pen.curve((71.6, 40.0), (71.0, 48.0), (69.0, 53.5))
    pen.to(67.0, 58.0)
    return pen.pts


def _torso_right(neck_top: float, neck_x: float, slope_y: float) -> list[Point]:
    """Right half of neck and trunk, from the top of the neck down to the floor."""
    pen = Pen(50.0, neck_top)
    pen.to(neck_x, neck_top)
    pen.curve((neck_x, neck_top - 3), (neck_x + 0.2, slope_y + 3), (neck_x + 0.3, slope_y))
    pen.curve((57.3, slope_y - 3.8), (64.0, 66.2), (71.6, 64.4))
    pen.curve((72.6, 61.5), (70.8, 56.5), (69.4, 53.0))
    pen.curve((69.4, 44.0), (65.2, 36.0), (65.6, 27.0))
    pen.curve((66.0, 20.0), (68.6, 15.0), (69.0, 6.0))
    pen.to(69.3, -12.0)
    pen.to(50.0, -12.0)
    return pen.pts


def _whole(right_half: list[Point]) -> list[Point]:
    """Join a right half (running top to bottom on the midline) with its mirror image."""
    left = [mirror_point(p) for p in reversed(right_half)]
    return right_half[1:-1] + left[1:-1]


def _shoulder_cap_right() -> list[Point]:
    pen = Pen(67.8, 64.9)
    pen.curve((73.5, 66.8), (77.8, 62.5), (78.0, 56.0))
    pen.to(78.2, 52.5)
    pen.curve((75.5, 54.0), (72.5, 54.6), (69.3, 53.8))
    pen.curve((70.6, 56.6), (72.4, 61.0), (71.5, 64.3))
    return pen.pts


def _upper_arm_right() -> list[Point]:
    pen = Pen(78.2, 52.5)
    pen.curve((78.6, 46.0), (78.1, 38.0), (77.4, 32.0))
    pen.to(71.6, 32.0)
    pen.curve((71.6, 40.0), (71.0, 48.0), (69.3, 53.8))
    pen.curve((72.5, 54.6), (75.5, 54.0), (78.2, 52.5))
    return pen.pts


def _trapezius_top_right(slope_y: float, neck_x: float) -> list[Point]:
    """The top edge of the shoulder from the neck to the acromion (silhouette curve)."""
    return _centre_line((neck_x + 0.3, slope_y), (57.3, slope_y - 3.8), (64.0, 66.2), (71.6, 64.4))


@lru_cache(maxsize=None)
def back_view() -> ViewArt:
    neck_x, slope_y = 55.7, 72.5
    torso = _whole(_torso_right(82.0, neck_x, slope_y))
    arm_r = _arm_right()
    head = ellipse(50, 88.5, 9.2, 11.2, 64)
    ear_r = ellipse(59.4, 87.0, 1.9, 3.9, 24)

    # The top edge of the blade runs out to the acromion (the spine of the scapula).
    scapula_r = (Pen(56.6, 61.4)
                 .curve((56.2, 54.0), (57.4, 46.5), (59.6, 41.2))
                 .curve((62.5, 44.0), (66.3, 50.0), (68.2, 55.4))
                 .curve((69.0, 57.5), (70.0, 60.0), (70.4, 62.4))
                 .curve((66.0, 62.6), (60.5, 62.2), (56.6, 61.4)).pts)
    sacrum = (Pen(43.4, 17.2).curve((47.0, 18.0), (53.0, 18.0), (56.6, 17.2))
              .curve((55.0, 12.0), (52.5, 6.0), (50.0, 3.2))
              .curve((47.5, 6.0), (45.0, 12.0), (43.4, 17.2)).pts)
    cleft = [(50.0, 3.2), (50.0, -12.0)]

    top = _trapezius_top_right(slope_y, neck_x)
    trap_centre = [(x + 0.25, y - 2.3) for x, y in top[1:-1]]
    regions: dict[Region, RegionArt] = {}

    sub = (Pen(43.2, 80.6).curve((46.5, 78.6), (53.5, 78.6), (56.8, 80.6))
           .curve((56.6, 78.6), (56.2, 77.4), (55.0, 76.9))
           .curve((52.0, 76.0), (48.0, 76.0), (45.0, 76.9))
           .curve((43.8, 77.4), (43.4, 78.6), (43.2, 80.6)).pts)
    # One band across the skull base, worked on each side of the spine.
    sub_anchor = Anchor((46.4, 78.3), (-1.0, 0.0), (-1.0, 0.0), 2.6, 1.8)
    regions[Region.suboccipitals] = RegionArt([sub], [sub_anchor.mirrored(), sub_anchor])

    regions[Region.back_of_neck] = _pair(_region(rrect(51.0, 70.2, 55.0, 78.6, 1.8), (53.0, 74.4), (0, -1), (1, 0), 3.6, 2.2))
    regions[Region.upper_trapezius] = _pair(_region(
        band(trap_centre, 4.6, taper=0.55), trap_centre[len(trap_centre) // 2],
        unit(trap_centre[-1][0] - trap_centre[0][0], trap_centre[-1][1] - trap_centre[0][1]),
        unit(trap_centre[-1][0] - trap_centre[0][0], trap_centre[-1][1] - trap_centre[0][1]), 6.0, 2.6))
    lev = _centre_line((54.0, 79.0), (55.2, 73.0), (56.0, 67.0), (57.0, 61.2))
    regions[Region.levator_scapulae] = _pair(_region(band(lev, 3.0, taper=0.5), (55.4, 70.5), (0.12, -1), (0.12, -1), 4.5, 2.0))
    regions[Region.shoulders] = _pair(_region(_shoulder_cap_right(), (74.6, 59.6), (0, -1), (1, 0), 3.2, 3.0))
    regions[Region.shoulder_blades] = _pair(_region(scapula_r, (62.4, 51.5), (0.15, -1), (1, 0), 5.5, 3.6))
    upper_back = (Pen(51.3, 68.5).to(57.0, 67.2).curve((62.0, 65.0), (67.0, 63.0), (70.6, 61.4))
                  .curve((70.2, 58.0), (69.6, 55.0), (69.4, 53.0))
                  .curve((69.4, 48.0), (68.6, 44.0), (67.6, 41.5))
                  .curve((66.0, 39.6), (62.0, 39.4), (58.0, 39.6))
                  .to(51.3, 40.2).pts)
    regions[Region.upper_back] = _pair(_region(upper_back, (59.0, 47.0), (0, -1), (1, 0), 5.0, 3.2))
    regions[Region.beside_spine] = _pair(_region(rrect(51.1, 18.5, 54.7, 68.0, 1.8), (52.9, 42.0), (0, -1), (1, 0), 9.0, 1.9))
    ribs = (Pen(56.4, 45.0).curve((60.0, 45.2), (64.5, 44.2), (68.4, 42.0))
            .curve((67.8, 37.5), (66.0, 32.5), (65.7, 28.8))
            .curve((62.5, 30.4), (59.5, 32.0), (56.4, 33.8))
            .curve((56.0, 37.5), (56.0, 41.0), (56.4, 45.0)).pts)
    rib_lines = [_centre_line((56.6, y), (59.6, y - 0.2), (63.0, y - 1.4), (67.6 - (41.4 - y) * 0.2, y - 3.4), 10)
                 for y in (41.4, 37.6)]
    regions[Region.ribs] = _pair(_region(ribs, (61.4, 37.8), (0.92, -0.4), (0.92, -0.4), 4.2, 3.2, rib_lines))
    lower = (Pen(51.3, 31.5).curve((56.0, 31.5), (61.0, 30.0), (65.6, 28.5))
             .curve((65.8, 23.0), (67.4, 19.0), (68.4, 14.0))
             .curve((64.0, 15.5), (60.0, 16.5), (57.0, 17.6))
             .to(51.3, 18.2).pts)
    regions[Region.lower_back] = _pair(_region(lower, (59.2, 24.0), (1, 0), (1, 0), 4.2, 3.6))
    regions[Region.sacrum] = _region(sacrum, (50.0, 11.5), (0, -1), None, 3.8, 3.0)
    regions[Region.upper_arms] = _pair(_region(_upper_arm_right(), (74.6, 42.5), (0, -1), (1, 0), 6.5, 2.6))

    return ViewArt(
        name="back",
        parts=[arm_r, mirror(arm_r), torso, ear_r, mirror(ear_r), head],
        landmarks=[(scapula_r, True), (mirror(scapula_r), True), (sacrum, True), (cleft, False)],
        regions=regions,
        windows=[(25.0, 57.0, 75.0, 100.6), (17.0, 44.0, 83.0, 100.6), (15.0, 26.0, 85.0, 100.6),
                 (14.0, -3.0, 86.0, 100.6)],
        spine=[(50.0, 76.6), (50.0, 17.6)],
    )


@lru_cache(maxsize=None)
def front_view() -> ViewArt:
    neck_x, slope_y = 55.6, 71.0
    torso = _whole(_torso_right(80.0, neck_x, slope_y))
    arm_r = _arm_right(front=True)
    head_r = (Pen(50.0, 73.0).curve((54.0, 73.0), (57.6, 75.6), (58.7, 79.5))
              .curve((59.5, 82.5), (59.8, 85.5), (59.7, 88.5))
              .curve((59.5, 94.8), (55.5, 98.2), (50.0, 98.2)).pts)
    head = head_r[:-1] + [mirror_point(p) for p in reversed(head_r)][:-1]
    ear_r = ellipse(59.9, 85.0, 1.7, 3.7, 24)

    scm_line = _centre_line((56.2, 75.6), (55.6, 72.5), (54.0, 68.6), (51.6, 65.8))
    scm_r = band(scm_line, 2.8, taper=0.45)
    clavicle_r = (Pen(51.2, 65.4).curve((55.5, 65.6), (59.0, 62.6), (63.5, 62.7))
                  .curve((66.5, 62.8), (69.0, 63.4), (71.2, 63.7)).pts)
    pec_r = _centre_line((51.0, 47.5), (56.0, 45.2), (62.5, 45.2), (67.2, 48.6), 12)

    regions: dict[Region, RegionArt] = {}
    regions[Region.scm] = _pair(_region(scm_r, (54.3, 70.6), unit(-4.9, -13.6), unit(-4.9, -13.6), 4.8, 1.8))
    side = (Pen(55.7, 74.0).curve((55.7, 73.0), (55.8, 72.0), (55.9, 71.0))
            .curve((57.0, 68.6), (58.8, 67.4), (60.6, 66.6))
            .curve((58.6, 65.0), (56.8, 65.6), (54.6, 66.8))
            .curve((55.6, 68.5), (56.2, 71.0), (55.7, 74.0)).pts)
    regions[Region.side_of_neck] = _pair(_region(side, (56.6, 68.8), (0.3, -1), (1, 0), 2.8, 1.6))
    trap = (Pen(56.4, 70.2).curve((58.5, 67.8), (64.0, 66.3), (71.6, 64.4))
            .curve((69.0, 63.6), (66.5, 62.8), (63.5, 62.7))
            .curve((61.0, 62.6), (58.8, 64.0), (56.4, 70.2)).pts)
    regions[Region.upper_trapezius] = _pair(_region(trap, (63.6, 64.8), unit(8, -3), unit(8, -3), 4.5, 1.4))
    chest = (Pen(51.4, 64.6).curve((55.5, 64.8), (59.0, 61.8), (63.5, 61.9))
             .curve((66.0, 62.0), (68.2, 62.2), (69.6, 61.2))
             .curve((69.0, 58.0), (68.0, 55.0), (66.4, 52.6))
             .curve((62.0, 50.6), (56.0, 51.0), (51.4, 52.4)).pts)
    regions[Region.upper_chest] = _pair(_region(chest, (59.2, 57.4), (1, 0), (1, 0), 5.5, 3.6))
    regions[Region.shoulders] = _pair(_region(_shoulder_cap_right(), (74.6, 59.6), (0, -1), (1, 0), 3.2, 3.0))
    regions[Region.upper_arms] = _pair(_region(_upper_arm_right(), (74.6, 42.5), (0, -1), (1, 0), 6.5, 2.6))

    return ViewArt(
        name="front",
        parts=[arm_r, mirror(arm_r), torso, ear_r, mirror(ear_r), head],
        landmarks=[(scm_r, True), (mirror(scm_r), True), (clavicle_r, False), ([mirror_point(p) for p in clavicle_r], False),
                   (pec_r, False), ([mirror_point(p) for p in pec_r], False)],
        regions=regions,
        windows=[(25.0, 57.0, 75.0, 100.6), (17.0, 36.0, 83.0, 100.6), (14.0, -3.0, 86.0, 100.6)],
        overview=1,
    )


@lru_cache(maxsize=None)
def side_view() -> ViewArt:
    """Profile facing right: face on the right, back on the left."""
    head = (Pen(43.0, 68.6)
            .curve((40.0, 71.5), (38.2, 76.5), (38.2, 82.0))
            .curve((38.2, 90.0), (43.2, 96.2), (50.6, 96.2))
            .curve((57.0, 96.2), (61.6, 92.6), (62.4, 87.4))
            .curve((62.6, 86.0), (62.2, 84.6), (62.7, 83.2))
            .curve((63.6, 81.0), (65.6, 78.6), (66.6, 76.6))
            .curve((67.0, 75.7), (66.4, 75.0), (65.0, 74.9))
            .to(63.4, 74.7)
            .curve((63.9, 74.0), (64.0, 73.2), (63.7, 72.6))
            .curve((63.4, 72.2), (63.0, 71.9), (63.2, 71.5))
            .curve((63.5, 71.0), (63.5, 70.2), (63.0, 69.6))
            .curve((62.5, 69.2), (62.6, 68.6), (63.0, 67.8))
            .curve((63.6, 66.4), (62.8, 64.8), (61.0, 64.4))
            .curve((58.6, 64.0), (56.6, 64.0), (55.0, 63.6))
            .curve((51.0, 63.5), (46.0, 66.0), (43.0, 68.6)).pts)
    torso = (Pen(43.6, 70.0)
             .curve((42.2, 66.0), (41.2, 61.0), (39.8, 57.0))
             .curve((37.2, 53.0), (33.6, 49.0), (32.8, 42.0))
             .curve((31.8, 35.0), (32.0, 25.0), (33.0, 10.0))
             .to(33.6, -12.0)
             .to(65.6, -12.0)
             .curve((66.0, 10.0), (67.6, 25.0), (67.2, 33.0))
             .curve((66.8, 40.0), (62.6, 45.6), (58.6, 48.2))
             .curve((57.0, 52.5), (55.6, 58.0), (55.8, 64.0))
             .to(50.0, 68.0).pts)
    arm = (Pen(39.6, 44.0)
           .curve((39.4, 49.5), (43.2, 52.4), (48.4, 52.4))
           .curve((53.6, 52.4), (57.4, 49.5), (57.1, 44.0))
           .curve((56.6, 37.0), (55.0, 30.0), (54.2, 20.0))
           .curve((53.8, 10.0), (54.0, 0.0), (54.2, -12.0))
           .to(43.0, -12.0)
           .curve((42.8, 0.0), (42.4, 10.0), (42.4, 20.0))
           .curve((41.8, 30.0), (40.0, 37.0), (39.6, 44.0)).pts)
    ear = ellipse(47.6, 78.6, 2.9, 4.6, 28, rot=-8)
    ear_inner = _centre_line((48.4, 81.2), (46.6, 81.0), (46.2, 77.5), (47.8, 75.6), 8)
    eye = _centre_line((57.4, 80.6), (58.2, 79.8), (59.4, 79.8), (60.2, 80.6), 6)
    scm_line = _centre_line((46.6, 72.4), (49.4, 64.0), (53.4, 55.6), (57.0, 50.0))
    scm = band(scm_line, [3.6 - 0.9 * i / 16 for i in range(17)], taper=0.4)
    clavicle = _centre_line((58.0, 48.9), (56.6, 49.6), (55.4, 50.4), (54.4, 50.9), 8)

    regions: dict[Region, RegionArt] = {}
    regions[Region.suboccipitals] = _region(ellipse(41.8, 70.2, 3.4, 2.0, 24, rot=-35), (41.8, 70.2), unit(-0.5, -0.85), unit(-1, 0.2), 2.4, 1.8)
    nape = _centre_line((43.0, 68.2), (41.9, 64.5), (41.2, 61.0), (40.4, 57.6), 10)
    regions[Region.back_of_neck] = _region(band([(x + 1.5, y) for x, y in nape], 3.2, taper=0.4), (42.9, 63.0), unit(-0.3, -1), unit(-1, 0), 3.6, 1.7)
    side = (Pen(45.6, 69.8).curve((47.4, 64.5), (50.0, 58.6), (52.6, 53.4))
            .curve((50.0, 52.6), (46.0, 52.6), (42.8, 53.4))
            .curve((42.2, 55.0), (42.4, 57.0), (42.8, 59.0))
            .curve((43.6, 62.0), (44.4, 66.0), (45.6, 69.8)).pts)
    regions[Region.side_of_neck] = _region(side, (46.8, 60.0), unit(-0.15, -1), unit(-0.2, -1), 4.2, 2.4)
    regions[Region.scm] = _region(scm, (51.0, 60.4), unit(4.2, -8.6), unit(4.2, -8.6), 6.0, 2.0)
    trap_line = _centre_line((40.6, 56.6), (42.6, 55.0), (45.0, 53.8), (48.0, 52.9), 10)
    regions[Region.upper_trapezius] = _region(band(trap_line, 2.8, taper=0.5), (44.2, 54.6), unit(1, -0.45), unit(1, -0.45), 3.6, 1.6)
    regions[Region.shoulders] = _region(clip_halfplane(arm, 0, -1, -40.0), (48.2, 46.2), (0, -1), (0, -1), 3.0, 3.4)
    upper_arm = clip_halfplane(clip_halfplane(arm, 0, 1, 40.0), 0, -1, -21.0)
    regions[Region.upper_arms] = _region(upper_arm, (48.0, 31.0), (0, -1), (0, -1), 6.0, 3.6)
    chest = (Pen(57.0, 46.6).to(58.4, 48.0)
             .curve((62.4, 45.4), (66.2, 41.0), (66.9, 35.5))
             .curve((63.0, 35.0), (59.5, 35.2), (56.5, 36.0))
             .curve((56.8, 40.0), (57.0, 43.0), (57.0, 46.6)).pts)
    regions[Region.upper_chest] = _region(chest, (61.4, 41.2), (0, -1), (1, 0), 3.6, 3.0)
    back = (Pen(39.8, 57.0).curve((37.2, 53.0), (33.6, 49.0), (32.8, 42.0))
            .curve((32.4, 38.0), (32.2, 35.0), (32.2, 32.0))
            .to(41.0, 32.0)
            .curve((40.4, 36.0), (39.8, 40.0), (39.6, 44.0))
            .curve((39.5, 47.0), (40.0, 49.0), (41.2, 50.4))
            .curve((40.6, 53.0), (40.2, 55.0), (39.8, 57.0)).pts)
    regions[Region.upper_back] = _region(back, (36.4, 42.0), (0, -1), (-1, 0), 5.0, 3.0)

    return ViewArt(
        name="side",
        parts=[torso, head, ear, arm],
        landmarks=[(scm, True), (clavicle, False), (ear_inner, False), (eye, False)],
        regions=regions,
        windows=[(26.0, 40.0, 74.0, 99.0), (22.0, 24.0, 78.0, 99.0), (20.0, -3.0, 80.0, 99.0)],
        overview=1,
    )


VIEWS = {"back": back_view, "side": side_view, "front": front_view}
VIEW_ORDER = ("back", "side", "front")
PRIMARY_VIEW = {Region.scm: "side", Region.side_of_neck: "side", Region.upper_chest: "front"}


def region_views() -> dict[Region, set[str]]:
    return {r: {name for name in VIEW_ORDER if r in VIEWS[name]().regions} for r in Region}


def choose_view(regions: Iterable[Region | str]) -> str:
    """The view showing the most of the regions; ties go to the regions' own best view, then back, side, front."""
    wanted = [Region(r) for r in regions]
    if not wanted:
        return "back"

    def score(name: str) -> tuple[int, int, int]:
        shown = sum(1 for r in wanted if r in VIEWS[name]().regions)
        votes = sum(1 for r in wanted if PRIMARY_VIEW.get(r, "back") == name)
        return (shown, votes, -VIEW_ORDER.index(name))

    return max(VIEW_ORDER, key=score)


# --------------------------------------------------------------------------- motion marks


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


def _polyline(pts: Sequence[Point], colour: Color, width: float, dash=None) -> PolyLine:
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
    g.add(_polyline(line, ink.halo, w + 1.6 * ink.s))
    for tip, d in tips:
        g.add(Polygon(flat(_head(tip, d, ink, head)), fillColor=ink.halo, strokeColor=ink.halo, strokeWidth=1.6 * ink.s,
                      strokeLineJoin=1))
    g.add(_polyline(line, ink.mark, w))
    for tip, d in tips:
        g.add(Polygon(flat(_head(tip, d, ink, head)), fillColor=ink.mark, strokeColor=ink.mark, strokeWidth=0.3 * ink.s,
                      strokeLineJoin=1))


def _dot(g: Group, at: Point, r: float, ink: Ink):
    g.add(Circle(at[0], at[1], r + 0.9 * ink.s, fillColor=ink.halo, strokeColor=None))
    g.add(Circle(at[0], at[1], r, fillColor=ink.mark, strokeColor=None))


def _arrow(g: Group, at: Point, d: Point, length: float, sense: str, ink: Ink):
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
            g.add(_polyline(pts, ink.halo, ink.line * 1.2 + 1.6 * ink.s))
            g.add(_polyline(pts, ink.mark, ink.line * 1.2))


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
            g.add(_polyline([p, q], ink.mark, 0.7 * ink.s))
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


def _label(text: str, at: Point, side: float, ink: Ink) -> Group:
    """A small pill with the hold time, beside the hold dot."""
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
              ink: Ink, hold_label: str | None = None, label_side: float = 1.0) -> Group:
    """One motion mark centred on ``at`` (output points)."""
    g = Group()
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
        if hold_label:
            g.add(_label(hold_label, at, label_side, ink))
    elif motion in (Motion.squeeze, Motion.pinch_and_roll):
        _chevrons(g, at, axis, ink, double=motion is Motion.pinch_and_roll)
    elif motion is Motion.rock:
        _rock(g, at, axis, ink)
    elif motion is Motion.stretch:
        _arrow(g, at, axis, max(length, 17 * ink.s), "apart", ink)
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
    if motion is Motion.rock and direction is None:
        return (1.0, 0.0), "both"
    return anchor.along, "one"


# --------------------------------------------------------------------------- the body map


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
    art = VIEWS[view]()
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
    ra = VIEWS[view]().regions[region]
    fills = [f for f in (frame.fill(shape) for shape in ra.shapes) if f]
    hatch = [seg for f in fills for seg in hatch_segments(f, 2.3 * frame.s)]
    outlines = [run for shape in ra.shapes for run in frame.lines(shape, closed=True)]
    decor = [run for line in ra.decor for run in frame.lines(line)]
    return fills, hatch, outlines, decor


def body_map_drawing(regions: Sequence[Region], motions: Sequence[Motion], direction: Direction | None, view: str,
                     hold_seconds, width: float, height: float, palette: "Palette", label_size: float = 9.0) -> Drawing:
    art = VIEWS[view]()
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
            d.add(_polyline(run, muted, 0.9 * s))
    for run in landmarks:
        d.add(_polyline(run, landmark, 0.55 * s))

    for r in shown:
        fills, hatch, outlines, decor = _region_geometry(view, r, frame)
        for poly in fills:
            d.add(Polygon(flat(poly), fillColor=region_fill, strokeColor=None, strokeWidth=0))
        for p, q in hatch:
            d.add(_polyline([p, q], region_line, 0.35 * s))
        for run in outlines:
            d.add(_polyline(run, region_line, 0.95 * s))
        for run in decor:
            d.add(_polyline(run, region_line, 0.6 * s))

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
