"""Hands on the body: every part of the hand, in every view, drawn where it works and inside the picture."""

from __future__ import annotations

import math

import pytest
from reportlab.graphics.shapes import Polygon

from handouts.art import HAND_PARTS, Palette, Technique, body_map
from handouts.art.geometry import hexcolor, mix
from handouts.art.hands import CONTACT, Placement, default_ink, draw_hand, hand_shapes
from handouts.models import HandUse, Motion, Region

from drawings import assert_inside, leaves

PALETTE = Palette()
HOT = mix(PALETTE.accent, "#ffffff", 0.15).hexval()
TARGET = {"back": Region.upper_trapezius, "side": Region.back_of_neck, "front": Region.upper_chest}


def hot_polygons(drawing):
    return [s for s in leaves(drawing) if isinstance(s, Polygon) and s.fillColor is not None
            and s.fillColor.hexval() == HOT]


@pytest.mark.parametrize("view", ["back", "side", "front"])
@pytest.mark.parametrize("hand", HAND_PARTS)
@pytest.mark.parametrize("own", [False, True], ids=["giver", "own"])
def test_every_hand_part_is_drawn_in_every_view_inside_its_frame(hand, view, own):
    plain = body_map([TARGET[view]], [Motion.hold], view=view, width=113, height=113)
    d = body_map([TARGET[view]], [Motion.hold], view=view, width=113, height=113,
                 technique=Technique(hand_use=(hand,), own_hands=own))
    assert_inside(d, 113, 113, f"{hand.value} {view}")
    hot = hot_polygons(d)
    assert hot, f"no working part drawn for {hand.value} in the {view} view"
    x0 = min(p.getBounds()[0] for p in hot)
    x1 = max(p.getBounds()[2] for p in hot)
    y0 = min(p.getBounds()[1] for p in hot)
    y1 = max(p.getBounds()[3] for p in hot)
    assert x1 - x0 > 2 and y1 - y0 > 2, "the working part has almost no extent"
    assert len(list(leaves(d))) > len(list(leaves(plain))) + 5


def inside(pt, poly) -> bool:
    x, y = pt
    hit = False
    for (x0, y0), (x1, y1) in zip(poly, poly[1:] + poly[:1]):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            hit = not hit
    return hit


@pytest.mark.parametrize("hand", HAND_PARTS)
@pytest.mark.parametrize("reach", [(0.0, 1.0), (0.7, -0.7)])
def test_the_working_part_touches_the_spot(hand, reach):
    """The pose's contact point lands exactly on the spot, and it lies inside the highlighted part."""
    place = Placement((120.0, 80.0), reach, 45.0)
    hot = [poly for poly, is_hot in hand_shapes(hand, place) if is_hot]
    assert any(inside(place.at, poly) for poly in hot), hand.value


@pytest.mark.parametrize("hand", HAND_PARTS)
def test_a_left_hand_is_the_mirror_image_of_the_right(hand):
    right = hand_shapes(hand, Placement((50.0, 50.0), (0.0, 1.0), 40.0))
    left = hand_shapes(hand, Placement((50.0, 50.0), (0.0, 1.0), 40.0, left=True))
    for (r, _), (l, _) in zip(right, left):
        for (x, y), (u, v) in zip(r, l):
            assert math.isclose(x - 50.0, -(u - 50.0), abs_tol=1e-9) and math.isclose(y, v, abs_tol=1e-9)


@pytest.mark.parametrize("reach", [(0.0, 1.0), (1.0, 0.0), (0.0, -1.0), (-0.6, 0.8)])
def test_fingers_point_the_way_the_hand_reaches(reach):
    """The fingertips lie in the reach direction from the wrist."""
    place = Placement((100.0, 100.0), reach, 50.0)
    shapes = hand_shapes(HandUse.fingertips, place)
    tips = [p for poly, hot in shapes if hot for p in poly]
    forearm = shapes[0][0]
    tip = (sum(x for x, _ in tips) / len(tips), sum(y for _, y in tips) / len(tips))
    arm = (sum(x for x, _ in forearm) / len(forearm), sum(y for _, y in forearm) / len(forearm))
    d = (tip[0] - arm[0], tip[1] - arm[1])
    cos = (d[0] * reach[0] + d[1] * reach[1]) / math.hypot(*d)
    assert cos > 0.95


def test_contact_points_are_on_the_hand():
    for hand in HAND_PARTS:
        x, y = CONTACT[hand]
        assert 0 <= x <= 100 and 0 <= y <= 100


def test_hand_is_clipped_to_the_box():
    ink = default_ink(hexcolor(PALETTE.primary), hexcolor(PALETTE.accent), 1.0)
    g = draw_hand(HandUse.palm, Placement((5.0, 5.0), (0.0, -1.0), 80.0), ink, (0.0, 0.0, 60.0, 60.0))
    x0, y0, x1, y1 = g.getBounds()
    assert x0 >= -1e-6 and y0 >= -1e-6 and x1 <= 60 + 1e-6 and y1 <= 60 + 1e-6
