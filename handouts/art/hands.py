"""Hands on the body: the working part of the hand, in its pose, placed on the spot it works.

A pictogram beside the picture says *which* part of the hand; only a hand drawn
on the body shows *how* it sits there — fingertips in a row at the base of the
skull, a thumb on a knot with the fingers over the shoulder, the heel of the
hand between the shoulder blades. The hand shapes are the pictograms' own, so
the key and the picture always agree; here they are turned, scaled and clipped
onto the body map. The working part is filled in the accent colour over a white
hand with a dark outline, which still reads when printed in black and white.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from reportlab.graphics.shapes import Group, Polygon
from reportlab.lib.colors import Color, white

from ..models import HandUse
from .geometry import Point, Rect, clip_polygon, flat, rrect
from .pictograms import hand_parts

HAND_PARTS: tuple[HandUse, ...] = tuple(h for h in HandUse if h is not HandUse.tool)
"""Every part of the hand that has a pose on the body (a tool is drawn by ``tools``)."""

CONTACT: dict[HandUse, Point] = {
    HandUse.thumb: (16.0, 54.0),  # the pad of the thumb
    HandUse.fingertips: (48.0, 86.0),  # the middle of the row of fingertips
    HandUse.palm: (52.0, 40.0),
    HandUse.heel_of_hand: (50.0, 25.0),
    HandUse.knuckles: (50.0, 66.0),  # the row of knuckles on top of the fist
    HandUse.whole_hand: (52.0, 46.0),
}
"""Where each part touches the body, in the pictograms' 100-unit hand (wrist at the bottom, fingers up)."""

_FOREARM = rrect(37.0, -60.0, 62.0, 12.0, 5.0)
HAND_LENGTH = 100.0
"""Wrist to fingertip in the 100-unit hand; a pose's ``length`` maps onto it."""


@dataclass(frozen=True)
class HandInk:
    outline: Color
    fill: Color
    hot: Color
    width: float  # outline width in output points


@dataclass(frozen=True)
class Placement:
    """Where a hand goes on the picture: its contact point, which way its fingers point, its size.

    ``reach`` is a unit vector from wrist to fingertips in output coordinates; ``left``
    draws the mirror image (a left hand)."""

    at: Point
    reach: Point
    length: float
    left: bool = False


def _transform(hand: HandUse, place: Placement):
    cx, cy = CONTACT[hand]
    k = place.length / HAND_LENGTH
    # rotate +y (wrist to fingertips) onto ``reach``
    ang = math.atan2(place.reach[1], place.reach[0]) - math.pi / 2
    c, s = math.cos(ang), math.sin(ang)
    sign = -1.0 if place.left else 1.0

    def out(pts: Sequence[Point]) -> list[Point]:
        res = []
        for x, y in pts:
            u, v = (x - cx) * k * sign, (y - cy) * k
            res.append((place.at[0] + u * c - v * s, place.at[1] + u * s + v * c))
        return res

    return out


def hand_shapes(hand: HandUse, place: Placement) -> list[tuple[list[Point], bool]]:
    """(polygon, working part) in output coordinates, back to front, forearm first."""
    hand = HandUse(hand)
    out = _transform(hand, place)
    parts, overlay = hand_parts(hand)
    shapes = [(out(_FOREARM), False)] + [(out(poly), hot) for poly, hot in parts]
    if overlay is not None:
        shapes.append((out(overlay), False))
    return shapes


def draw_hand(hand: HandUse, place: Placement, ink: HandInk, box: Rect) -> Group:
    """One hand clipped to ``box``: every piece stroked wide under every piece filled, so the pieces
    merge into one outlined silhouette and the gaps between fingers stay dark."""
    g = Group()
    shapes = [(clip_polygon(poly, box), hot) for poly, hot in hand_shapes(hand, place)]
    shapes = [(poly, hot) for poly, hot in shapes if len(poly) >= 3]
    for poly, _ in shapes:
        g.add(Polygon(flat(poly), fillColor=ink.outline, strokeColor=ink.outline, strokeWidth=2 * ink.width,
                      strokeLineJoin=1))
    for poly, hot in shapes:
        g.add(Polygon(flat(poly), fillColor=ink.hot if hot else ink.fill, strokeColor=None, strokeWidth=0))
    if HandUse(hand) is HandUse.knuckles and shapes:  # the thumb across the fist keeps its own outline
        g.add(Polygon(flat(shapes[-1][0]), fillColor=ink.fill, strokeColor=ink.outline, strokeWidth=ink.width,
                      strokeLineJoin=1))
    return g


def default_ink(outline: Color, hot: Color, scale: float) -> HandInk:
    return HandInk(outline=outline, fill=white, hot=hot, width=0.7 * scale)
