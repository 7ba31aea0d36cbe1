"""Hand pictograms and pressure scales: one distinct silhouette per hand use, bars filled to the level."""

from __future__ import annotations

import pytest
from reportlab.graphics.shapes import Polygon, String

from handouts.art.palette import Palette
from handouts.art.pictograms import hand_pictogram, pressure_scale
from handouts.models import HandUse, Pressure

from drawings import assert_inside, fills, leaves

PALETTE = Palette()


def test_every_hand_use_has_its_own_pictogram():
    accent = PALETTE.accent.lower().lstrip("#")
    signatures = {}
    for hand_use in HandUse:
        d = hand_pictogram(hand_use, size=28.0)
        assert_inside(d, 28.0, 28.0, hand_use.value)
        assert any(f.lower().endswith(accent) for f in fills(d)), f"{hand_use.value}: no working part highlighted"
        signature = tuple((type(s).__name__, str(getattr(s, "fillColor", None)),
                           tuple(round(v, 2) for v in s.getBounds())) for s in leaves(d))
        assert signature not in signatures, f"{hand_use.value} looks like {signatures.get(signature)}"
        signatures[signature] = hand_use.value


@pytest.mark.parametrize(("pressure", "level"), [(Pressure.light, 1), (Pressure.moderate, 2), (Pressure.firm, 3)])
def test_pressure_scale_fills_up_to_the_level(pressure, level):
    accent = PALETTE.accent.lower().lstrip("#")
    for width, height in ((60.0, 14.0), (30.0, 11.0)):
        d = pressure_scale(pressure, width=width, height=height)
        assert_inside(d, width, height, pressure.value)
        bars = [s for s in leaves(d) if isinstance(s, Polygon)]
        assert len(bars) == 3
        assert [b.fillColor.hexval().lower().endswith(accent) for b in bars] == [True] * level + [False] * (3 - level)
        heights = [b.getBounds()[3] - b.getBounds()[1] for b in bars]
        assert heights == sorted(heights) and heights[0] < heights[-1]
        assert not [s for s in leaves(d) if isinstance(s, String)]


def test_palette_colours_are_used():
    brand = Palette(primary="#112233", accent="#aa3300", muted="#445566", light="#fafafa")
    assert "0xaa3300" in fills(hand_pictogram(HandUse.palm, palette=brand))
    assert "0xaa3300" in fills(pressure_scale(Pressure.firm, palette=brand))
