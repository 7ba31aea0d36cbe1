"""Where the giver is: a top view that puts the giver behind, beside or at the head of the person."""

from __future__ import annotations

import pytest
from reportlab.graphics.shapes import Polygon

from handouts.art import Palette, Technique, body_map, stance_view
from handouts.art.geometry import darker, hexcolor
from handouts.art.stance import giver_position
from handouts.models import Giver, Motion, Posture, Region

from drawings import assert_inside, leaves

GIVER_FILL = darker(hexcolor(Palette().accent), 0.1).hexval()


def giver_centre(drawing, size: float) -> tuple[float, float]:
    """Centre of the giver's filled shapes, in 100-unit view coordinates."""
    shapes = [s for s in leaves(drawing) if isinstance(s, Polygon) and s.fillColor is not None
              and s.fillColor.hexval() == GIVER_FILL]
    assert shapes, "no giver drawn"
    xs = [x for s in shapes for x in s.points[0::2]]
    ys = [y for s in shapes for y in s.points[1::2]]
    # the shapes are drawn in the 100-unit space inside one scaled group, so their points are unscaled
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


@pytest.mark.parametrize("person", list(Posture))
@pytest.mark.parametrize("giver", list(Giver))
def test_the_giver_stands_where_the_data_says(giver, person):
    d = stance_view(giver, person, 40)
    assert_inside(d, 40, 40, f"{giver.value} {person.value}")
    x, y = giver_centre(d, 40)
    assert (x, y) == pytest.approx(giver_position(giver, person), abs=0.5)
    if giver is Giver.behind:
        assert y < 35
    elif giver is Giver.left:
        assert x < 35
    elif giver is Giver.right:
        assert x > 65
    else:
        assert y > 65


def test_every_stance_looks_different():
    sigs = {(g, p): tuple(round(v, 1) for s in leaves(stance_view(g, p, 30)) for v in s.points)
            for g in Giver for p in Posture}
    assert len(set(sigs.values())) == len(sigs)


def test_the_picture_carries_the_top_view_only_when_the_step_gives_one():
    plain = body_map([Region.upper_back], [Motion.glide], "across", view="back")
    placed = body_map([Region.upper_back], [Motion.glide], "across", view="back",
                      technique=Technique(stance=(Giver.left, Posture.seated)))
    assert_inside(placed, 113, 113)
    fills = lambda d: [s for s in leaves(d) if isinstance(s, Polygon) and s.fillColor is not None
                       and s.fillColor.hexval() == GIVER_FILL]
    assert not fills(plain) and fills(placed)
