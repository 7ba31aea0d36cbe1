"""Tools and set-up, each drawn as itself: a knotted towel held at both ends, a tennis ball,
two balls in a sock, a stool, a low-backed chair, a floor cushion, a bolster, a wall, a mat.

A reader who is told to roll a knotted towel must not be shown a ball, so every
tool has its own drawing (for the picture) and its own small icon (for the row
of pictograms beside it). Both come from one outline in a 100-unit box; the
icon is the same outline drawn with bolder lines and no fine detail, so the two
always match. ``on_body`` places the hand-held tools on the body map itself.
"""

from __future__ import annotations

import math
from typing import Callable

from reportlab.graphics.shapes import Drawing, Group, Polygon, PolyLine
from reportlab.lib.colors import Color, white

from ..models import Tool
from .geometry import Pen, Point, band, capsule, darker, ellipse, flat, hexcolor, mix, rrect
from .palette import Palette

Shape = tuple[list[Point], str, bool]
"""(points, fill role, closed): fill role is 'tool', 'accent', 'light', 'line' or 'none'."""


def _ball(cx: float, cy: float, r: float) -> list[Shape]:
    seams = []
    for sgn in (1, -1):
        x = cx - sgn * r * 0.707
        seams.append((Pen(x, cy + r * 0.707).curve((cx - sgn * r * 0.33, cy + r * 0.33), (cx - sgn * r * 0.33, cy - r * 0.33),
                                                  (x, cy - r * 0.707)).pts, "seam", False))
    return [(ellipse(cx, cy, r, r, 48), "accent", True)] + seams


def _towel() -> list[Shape]:
    """A twisted towel hanging in a U from two fists, with a big knot at the bottom."""
    left = [(14.0, 82.0)] + Pen(14.0, 82.0).curve((14.0, 60.0), (24.0, 40.0), (40.0, 34.0), 14).pts[1:]
    right = [(86.0, 82.0)] + Pen(86.0, 82.0).curve((86.0, 60.0), (76.0, 40.0), (60.0, 34.0), 14).pts[1:]
    shapes: list[Shape] = []
    for side in (left, right):
        shapes.append((band(side, 10.0), "tool", True))
        for i in range(2, len(side) - 1, 2):  # the twist
            (x0, y0), (x1, y1) = side[i - 1], side[i + 1]
            dx, dy = x1 - x0, y1 - y0
            ln = math.hypot(dx, dy) or 1.0
            nx, ny = -dy / ln * 4.6, dx / ln * 4.6
            cx, cy = side[i]
            shapes.append(([(cx - nx - dx * 0.3, cy - ny - dy * 0.3), (cx + nx + dx * 0.3, cy + ny + dy * 0.3)], "detail", False))
    shapes.append((ellipse(50.0, 31.0, 15.0, 12.0, 40), "accent", True))  # the knot
    shapes.append((Pen(40.0, 36.0).curve((46.0, 26.0), (54.0, 26.0), (60.0, 36.0)).pts, "detail", False))
    for x in (14.0, 86.0):  # the fists holding the ends
        shapes.append((rrect(x - 9.0, 80.0, x + 9.0, 96.0, 5.0), "light", True))
    return shapes


def _towel_across() -> list[Shape]:
    """The knotted towel as it sits behind the neck: the knot in the middle, the twisted ends
    running out to each side and forward to the hands holding them."""
    shapes: list[Shape] = []
    for sgn in (1, -1):
        side = [(50.0, 50.0)] + Pen(50.0, 50.0).curve((50.0 + sgn * 16, 50.0), (50.0 + sgn * 30, 53.0),
                                                       (50.0 + sgn * 40, 62.0), 12).pts[1:]
        shapes.append((band(side, 7.0), "tool", True))
        for i in range(3, len(side) - 1, 2):
            (x0, y0), (x1, y1) = side[i - 1], side[i + 1]
            dx, dy = x1 - x0, y1 - y0
            ln = math.hypot(dx, dy) or 1.0
            nx, ny = -dy / ln * 3.2, dx / ln * 3.2
            cx, cy = side[i]
            shapes.append(([(cx - nx - dx * 0.3, cy - ny - dy * 0.3), (cx + nx + dx * 0.3, cy + ny + dy * 0.3)],
                           "detail", False))
        x = 50.0 + sgn * 42
        shapes.append((rrect(x - 6.0, 60.0, x + 6.0, 72.0, 4.0), "light", True))  # the fist holding the end
    shapes.append((ellipse(50.0, 50.0, 9.0, 7.0, 36), "accent", True))
    shapes.append((Pen(44.0, 53.0).curve((47.0, 47.0), (53.0, 47.0), (56.0, 53.0)).pts, "detail", False))
    return shapes


def _tennis_ball() -> list[Shape]:
    return _ball(50.0, 50.0, 40.0)


def _balls_in_sock() -> list[Shape]:
    """A long sock, cuff at the top, with two balls showing through it one above the other."""
    sock = capsule((34.0, 84.0), (66.0, 22.0), 34.0, 16)
    return ([(sock, "tool", True), (rrect(19.0, 84.0, 49.0, 97.0, 3.0), "light", True)]
            + _ball(42.0, 67.0, 14.0) + _ball(58.0, 38.0, 14.0))


def _stool() -> list[Shape]:
    return [
        (capsule((30.0, 60.0), (16.0, 6.0), 7.0), "tool", True),
        (capsule((70.0, 60.0), (84.0, 6.0), 7.0), "tool", True),
        (capsule((50.0, 58.0), (50.0, 12.0), 7.0), "tool", True),
        (rrect(24.0, 28.0, 76.0, 32.0, 2.0), "tool", True),
        (ellipse(50.0, 64.0, 38.0, 10.0, 40), "accent", True),
    ]


def _chair() -> list[Shape]:
    """Side view, facing right: a seat, a low back, four legs (two seen)."""
    return [
        (rrect(22.0, 4.0, 29.0, 50.0, 2.0), "tool", True),
        (rrect(70.0, 4.0, 77.0, 50.0, 2.0), "tool", True),
        (rrect(20.0, 46.0, 28.0, 78.0, 2.5), "tool", True),  # the low back
        (rrect(18.0, 72.0, 30.0, 80.0, 3.0), "accent", True),
        (rrect(18.0, 44.0, 82.0, 54.0, 3.0), "accent", True),  # the seat
    ]


def _cushion() -> list[Shape]:
    body = (Pen(8.0, 40.0).curve((8.0, 24.0), (30.0, 18.0), (50.0, 18.0)).curve((70.0, 18.0), (92.0, 24.0), (92.0, 40.0))
            .curve((92.0, 56.0), (70.0, 64.0), (50.0, 64.0)).curve((30.0, 64.0), (8.0, 56.0), (8.0, 40.0)).pts)
    return [(body, "accent", True),
            (Pen(20.0, 40.0).curve((35.0, 44.0), (65.0, 44.0), (80.0, 40.0)).pts, "detail", False),
            (ellipse(50.0, 42.5, 3.0, 2.0, 12), "tool", True)]


def _bolster() -> list[Shape]:
    return [(rrect(16.0, 34.0, 84.0, 66.0, 2.0), "accent", True),
            (ellipse(84.0, 50.0, 7.0, 16.0, 32), "light", True),
            (ellipse(16.0, 50.0, 7.0, 16.0, 32), "none", False),
            ([(30.0, 34.0), (30.0, 66.0)], "detail", False), ([(70.0, 34.0), (70.0, 66.0)], "detail", False)]


def _wall() -> list[Shape]:
    shapes: list[Shape] = [(rrect(8.0, 6.0, 34.0, 96.0, 0.0), "light", True), ([(6.0, 6.0), (94.0, 6.0)], "line", False)]
    for y in range(14, 96, 12):  # hatching: a solid wall in section
        shapes.append(([(8.0, y - 8.0), (34.0, y + 4.0)], "detail", False))
    shapes.append(([(34.0, 6.0), (34.0, 96.0)], "line", False))
    return shapes


def _mat() -> list[Shape]:
    top = [(10.0, 40.0), (70.0, 40.0), (90.0, 66.0), (30.0, 66.0)]
    edge = [(10.0, 40.0), (70.0, 40.0), (70.0, 32.0), (10.0, 32.0)]
    side = [(70.0, 40.0), (90.0, 66.0), (90.0, 58.0), (70.0, 32.0)]
    return [(edge, "tool", True), (side, "tool", True), (top, "accent", True)]


_SHAPES: dict[Tool, Callable[[], list[Shape]]] = {
    Tool.towel: _towel,
    Tool.tennis_ball: _tennis_ball,
    Tool.balls_in_sock: _balls_in_sock,
    Tool.stool: _stool,
    Tool.chair: _chair,
    Tool.cushion: _cushion,
    Tool.bolster: _bolster,
    Tool.wall: _wall,
    Tool.mat: _mat,
}


def tool_shapes(tool: Tool) -> list[Shape]:
    return _SHAPES[Tool(tool)]()


def _colours(palette: Palette) -> dict[str, Color | None]:
    accent = hexcolor(palette.accent)
    return {"tool": mix(palette.muted, white, 0.45), "accent": mix(accent, white, 0.35), "light": white, "none": None}


def _render(shapes: list[Shape], k: float, ox: float, oy: float, palette: Palette, lw: float, detail: bool) -> Group:
    edge = hexcolor(palette.primary)
    fills = _colours(palette)
    seam = white
    g = Group()

    def out(pts):
        return flat((ox + x * k, oy + y * k) for x, y in pts)

    for pts, role, closed in shapes:
        if closed:
            g.add(Polygon(out(pts), fillColor=fills.get(role), strokeColor=edge, strokeWidth=lw, strokeLineJoin=1))
        elif role == "seam":
            g.add(PolyLine(out(pts), strokeColor=seam, strokeWidth=lw * 1.3, strokeLineCap=1))
        elif role == "line" or detail:
            g.add(PolyLine(out(pts), strokeColor=darker(edge, 0.0) if role == "line" else mix(edge, white, 0.35),
                           strokeWidth=lw * (1.0 if role == "line" else 0.6), strokeLineCap=1, strokeLineJoin=1))
    return g


def tool_drawing(tool: Tool, width: float = 60.0, height: float = 60.0, palette: Palette = Palette()) -> Drawing:
    """The tool on its own, centred in a ``width`` × ``height`` box, with its fine detail."""
    width, height = float(width), float(height)
    side = min(width, height)
    lw = max(0.5, side * 0.016)
    k = (side - 2 * lw) / 100.0
    d = Drawing(width, height)
    d.add(_render(tool_shapes(tool), k, (width - 100 * k) / 2, (height - 100 * k) / 2, palette, lw, detail=True))
    return d


def tool_icon(tool: Tool, size: float = 20.0, palette: Palette = Palette()) -> Drawing:
    """A small icon of the tool for the row of pictograms: bold outline, no fine detail."""
    size = float(size)
    lw = max(0.6, size * 0.045)
    k = (size - 2 * lw) / 100.0
    d = Drawing(size, size)
    d.add(_render(tool_shapes(tool), k, lw, lw, palette, lw, detail=False))
    return d


HELD = (Tool.towel, Tool.tennis_ball, Tool.balls_in_sock)
"""Tools drawn on the body at the spot they work; the others are set-up, shown by their icons."""


def _turned(shapes: list[Shape], centre: Point, axis: Point, along: Point) -> list[Shape]:
    """The shapes turned about ``centre`` so their long ``axis`` lies along ``along``."""
    ang = math.atan2(along[1], along[0]) - math.atan2(axis[1], axis[0])
    c, s = math.cos(ang), math.sin(ang)
    cx, cy = centre
    return [([(cx + (x - cx) * c - (y - cy) * s, cy + (x - cx) * s + (y - cy) * c) for x, y in pts], role, closed)
            for pts, role, closed in shapes]


def on_body(tool: Tool, at: Point, size: float, palette: Palette, along: Point | None = None) -> Group:
    """A hand-held tool centred on ``at`` (output points), ``size`` across; a sock of balls lies
    along the stroke (``along``, a direction) it is rolled in."""
    tool = Tool(tool)
    lw = max(0.5, size * 0.022)
    if tool is Tool.towel:
        shapes, centre = _towel_across(), (50.0, 50.0)  # the knot sits on the spot
    elif tool is Tool.balls_in_sock:
        shapes, centre = _balls_in_sock(), (50.0, 52.0)
        if along is not None:
            shapes = _turned(shapes, centre, (32.0, -62.0), along)
    else:
        shapes, centre = _tennis_ball(), (50.0, 50.0)
        size *= 0.38  # a ball is small beside a neck
    k = size / 100.0
    return _render(shapes, k, at[0] - centre[0] * k, at[1] - centre[1] * k, palette, lw, detail=True)
