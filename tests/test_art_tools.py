"""Tools and set-up: each has its own drawing and its own icon, and no two look alike."""

from __future__ import annotations

import pytest
from reportlab.graphics.shapes import Polygon

from handouts.art import Technique, body_map, tool_drawing, tool_icon
from handouts.art.tools import HELD, tool_shapes
from handouts.models import Motion, Region, Tool

from drawings import assert_inside, leaves


def signature(drawing) -> tuple:
    """The drawing's shapes and their rounded coordinates: two different tools must differ here."""
    return tuple((type(s).__name__, tuple(round(v, 1) for v in getattr(s, "points", (s.getBounds())))) for s in leaves(drawing))


@pytest.mark.parametrize("tool", list(Tool))
def test_every_tool_has_a_drawing_and_an_icon_inside_their_boxes(tool):
    d = tool_drawing(tool, 80, 60)
    assert_inside(d, 80, 60, tool.value)
    icon = tool_icon(tool, 20)
    assert_inside(icon, 20, 20, tool.value)
    for drawing, least in ((d, 20.0), (icon, 6.0)):
        x0, y0, x1, y1 = drawing.getBounds()
        assert max(x1 - x0, y1 - y0) > least, f"{tool.value} is almost empty"
    assert any(isinstance(s, Polygon) for s in leaves(icon))


def test_no_two_tools_look_alike():
    drawings = {t: signature(tool_drawing(t, 60, 60)) for t in Tool}
    icons = {t: signature(tool_icon(t, 20)) for t in Tool}
    assert len(set(drawings.values())) == len(Tool)
    assert len(set(icons.values())) == len(Tool)


def test_the_towel_is_not_a_ball():
    """A knotted towel is drawn as a twisted cloth held at both ends, not as the ball icon."""
    towel = tool_shapes(Tool.towel)
    ball = tool_shapes(Tool.tennis_ball)
    assert len(towel) > len(ball) + 4
    widths = [max(x for x, _ in pts) - min(x for x, _ in pts) for pts, _, closed in towel if closed]
    assert max(widths) < 60  # two separate ends and a knot, not one round body


@pytest.mark.parametrize("tool", HELD)
def test_held_tools_are_drawn_on_the_body(tool):
    plain = body_map([Region.back_of_neck], [Motion.glide], view="back")
    d = body_map([Region.back_of_neck], [Motion.glide], view="back",
                 technique=Technique(hand_use=(), tools=(tool,), path=("base_of_skull", "base_of_neck")))
    assert_inside(d, 113, 113, tool.value)
    assert len(list(leaves(d))) >= len(list(leaves(plain))) + 3


def test_a_wall_is_drawn_behind_the_back_in_profile():
    wall = body_map([Region.upper_back], [Motion.roll], "up_and_down", view="side",
                    technique=Technique(tools=(Tool.tennis_ball, Tool.wall)))
    ball = body_map([Region.upper_back], [Motion.roll], "up_and_down", view="side",
                    technique=Technique(tools=(Tool.tennis_ball,)))
    assert_inside(wall, 113, 113)
    left_edge = [s for s in leaves(wall) if isinstance(s, Polygon) and s.getBounds()[0] < 2.0]
    assert left_edge, "no wall band along the left of the profile picture"
    assert signature(wall) != signature(ball)
