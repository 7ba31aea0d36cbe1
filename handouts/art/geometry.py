"""Points, curves, clipping, hatching and colour mixing for vector drawings.

Every shape in the pictures is a polygon of points computed here (Bézier outlines
sampled to points) rather than a ReportLab path, for two reasons: a view can be
cropped to the part of the body a step works on by clipping polygons to a
window, and hatching a highlight for black-and-white print needs the polygon to
intersect hatch lines with. It also guarantees a drawing never reaches outside
its box, which the page layout relies on. Nothing here knows about bodies or
hands, so every other drawing module can build on it.
"""

from __future__ import annotations

import math
from typing import Iterable, Sequence

from reportlab.lib.colors import Color, HexColor

Point = tuple[float, float]
Rect = tuple[float, float, float, float]

# --------------------------------------------------------------------------- points and curves


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
