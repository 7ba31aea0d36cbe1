"""Small pictograms: which part of the hand does the work, and how hard to press.

They are read at about 10 mm, so each is one bold silhouette with the working
part filled solid in the accent colour (a mid-grey in black-and-white print),
never a detail that needs a caption to be understood. They share only points
and colours with the body map, so they can be drawn without it.
"""

from __future__ import annotations

from typing import Sequence

from reportlab.graphics.shapes import Drawing, Group, PolyLine, Polygon
from reportlab.lib.colors import white

from ..models import HandUse, Pressure
from .geometry import Pen, Point, capsule, clip_halfplane, darker, ellipse, flat, hexcolor, mix, rrect
from .palette import Palette

# --------------------------------------------------------------------------- hands (100 × 100 units)

_FINGERS = [  # (base, tip, width): index, middle, ring, little — a slight natural spread
    ((37.0, 56.0), (33.6, 86.0), 10.6),
    ((48.2, 57.0), (47.8, 93.0), 10.8),
    ((59.2, 56.0), (61.6, 88.0), 10.4),
    ((69.0, 52.0), (74.0, 77.5), 9.0),
]
_THUMB = ((30.0, 35.0), (13.0, 57.0), 11.6)


def _palm() -> list[Point]:
    return (Pen(33.0, 62.0)
            .curve((31.0, 50.0), (30.0, 36.0), (35.0, 18.0))
            .to(64.0, 18.0)
            .curve((70.0, 30.0), (74.5, 45.0), (74.0, 54.0))
            .curve((73.8, 59.0), (70.0, 62.0), (65.0, 63.0))
            .curve((56.0, 64.6), (44.0, 64.6), (36.0, 63.4))
            .curve((34.6, 63.2), (33.4, 62.8), (33.0, 62.0)).pts)


def _thenar() -> list[Point]:
    """The ball of the thumb, joining the thumb to the palm."""
    return ellipse(35.0, 33.0, 9.5, 15.0, 40, rot=-28)


def _wrist() -> list[Point]:
    return rrect(36.0, 3.0, 63.0, 24.0, 3.0)


def _open_hand_parts(working: HandUse) -> list[tuple[list[Point], bool]]:
    """(polygon, highlighted) for an open hand seen from the palm side, back to front."""
    whole = working is HandUse.whole_hand
    # The ball of the thumb goes under the thumb, and the palm over the thumb's
    # root, so the thumb grows out of the hand rather than being stuck on.
    parts: list[tuple[list[Point], bool]] = [(_wrist(), False), (_thenar(), whole or working is HandUse.palm)]
    parts.append((capsule(*_THUMB), whole or working is HandUse.thumb))
    for base, tip, w in _FINGERS:
        parts.append((capsule(base, tip, w), whole))
    parts.append((_palm(), whole or working is HandUse.palm))
    if working is HandUse.fingertips:
        for base, tip, w in _FINGERS:
            # keep the top of each finger: clip the capsule by a line across it
            dx, dy = tip[0] - base[0], tip[1] - base[1]
            cut = (base[0] + dx * 0.6, base[1] + dy * 0.6)
            parts.append((clip_halfplane(capsule(base, tip, w), -dx, -dy, -(dx * cut[0] + dy * cut[1])), True))
    if working is HandUse.heel_of_hand:
        parts.append((clip_halfplane(_palm(), 0, 1, 36.0), True))
        parts.append((clip_halfplane(_thenar(), 0, 1, 36.0), True))
    return parts


def _fist_parts(working: HandUse) -> list[tuple[list[Point], bool]]:
    """A loose fist seen from the front: four curled fingers, the thumb across them, knuckles on top."""
    parts: list[tuple[list[Point], bool]] = [(_wrist(), False), (rrect(23.0, 16.0, 77.0, 52.0, 13.0), False)]
    tops = [70.0, 74.0, 72.5, 66.0]
    fingers = [rrect(21.0 + i * 15.0, 36.0, 35.4 + i * 15.0, top, 7.0) for i, top in enumerate(tops)]
    for finger in fingers:
        parts.append((finger, False))
    for finger, top in zip(fingers, tops):
        parts.append((clip_halfplane(finger, 0, -1, -(top - 11.0)), working is HandUse.knuckles))
    return parts


def _fist_thumb() -> list[Point]:
    """The thumb lying across the curled fingers; drawn with its own outline."""
    return capsule((29.0, 33.0), (62.0, 38.5), 15.0)


def _tool_parts() -> list[tuple[list[Point], bool]]:
    """A massage ball (a tennis ball does)."""
    return [(ellipse(50.0, 50.0, 42.0, 42.0, 72), True)]


def hand_parts(hand_use: HandUse) -> tuple[list[tuple[list[Point], bool]], list[Point] | None]:
    """(polygon, highlighted) pieces of the hand in the 100-unit box, back to front, and an outlined
    piece drawn over the silhouette (the thumb across a fist), shared with the hands on the body map."""
    hand_use = HandUse(hand_use)
    if hand_use is HandUse.knuckles:
        return _fist_parts(hand_use), _fist_thumb()
    if hand_use is HandUse.tool:
        return _tool_parts(), None
    return _open_hand_parts(hand_use), None


def hand_pictogram(hand_use: HandUse, size: float = 28.0, palette: Palette = Palette()) -> Drawing:
    """A hand silhouette with the working part filled in the accent colour (a ball for 'tool')."""
    hand_use = HandUse(hand_use)
    size = float(size)
    if hand_use is HandUse.knuckles:
        parts = _fist_parts(hand_use)
    elif hand_use is HandUse.tool:
        parts = _tool_parts()
    else:
        parts = _open_hand_parts(hand_use)
    outline = hexcolor(palette.primary)
    light = hexcolor(palette.light)
    accent = hexcolor(palette.accent)
    lw = max(0.7, size * 0.038)  # outline width in points
    inset = lw * 1.1
    k = (size - 2 * inset) / 100.0

    def out(pts: Sequence[Point]) -> list[float]:
        return flat((inset + x * k, inset + y * k) for x, y in pts)

    d = Drawing(size, size)
    # The outline is every part stroked twice as wide, under every part filled:
    # overlapping parts merge into one silhouette while gaps between fingers stay dark.
    for poly, _ in parts:
        d.add(Polygon(out(poly), fillColor=outline, strokeColor=outline, strokeWidth=2 * lw, strokeLineJoin=1))
    for poly, hot in parts:
        d.add(Polygon(out(poly), fillColor=accent if hot else light, strokeColor=None, strokeWidth=0))
    if hand_use is HandUse.tool:
        d.add(_ball_seam(out, k, lw))
    if hand_use is HandUse.knuckles:
        d.add(Polygon(out(_fist_thumb()), fillColor=light, strokeColor=outline, strokeWidth=lw, strokeLineJoin=1))
    return d


def _ball_seam(out, k: float, lw: float) -> Group:
    """The two facing curves that make a ball read as a tennis ball."""
    g = Group()
    for sgn in (1, -1):
        x = 50.0 - sgn * 29.7
        seam = Pen(x, 79.7).curve((50.0 - sgn * 14.0, 64.0), (50.0 - sgn * 14.0, 36.0), (x, 20.3))
        g.add(PolyLine(out(seam.pts), strokeColor=white, strokeWidth=lw * 1.1, strokeLineCap=1))
    return g


# --------------------------------------------------------------------------- pressure

_LEVEL = {Pressure.light: 1, Pressure.moderate: 2, Pressure.firm: 3}
_HEIGHTS = (0.42, 0.71, 1.0)


def pressure_scale(pressure: Pressure, width: float = 60.0, height: float = 14.0,
                   palette: Palette = Palette()) -> Drawing:
    """Three bars rising left to right, filled up to the level (light 1, moderate 2, firm 3).

    No text, so it still reads at pocket-card sizes."""
    level = _LEVEL[Pressure(pressure)]
    width, height = float(width), float(height)
    lw = max(0.5, min(width, height) * 0.06)
    inset = lw / 2
    avail_w, avail_h = width - 2 * inset, height - 2 * inset
    gap = max(1.0, avail_h * 0.16)
    bar = min((avail_w - 2 * gap) / 3, avail_h * 0.8)
    total = 3 * bar + 2 * gap
    x = inset + (avail_w - total) / 2
    filled = hexcolor(palette.accent)
    empty = hexcolor(palette.light)
    edge = darker(filled, 0.2)
    empty_edge = mix(palette.muted, palette.light, 0.25)
    d = Drawing(width, height)
    for i, h in enumerate(_HEIGHTS):
        top = inset + avail_h * h
        r = min(bar, avail_h) * 0.18
        on = i < level
        d.add(Polygon(flat(rrect(x, inset, x + bar, top, r, 4)), fillColor=filled if on else empty,
                      strokeColor=edge if on else empty_edge, strokeWidth=lw, strokeLineJoin=1))
        x += bar + gap
    return d

