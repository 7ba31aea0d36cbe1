"""The picture key: one entry per motion asked for, each drawn at the size asked."""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing

from handouts.art.legend import legend_items
from handouts.models import Motion


def assert_inside(d: Drawing, width: float, height: float, what: str = ""):
    assert (d.width, d.height) == (width, height), what
    x0, y0, x1, y1 = d.getBounds()
    eps = 1e-6
    assert x0 >= -eps and y0 >= -eps and x1 <= width + eps and y1 <= height + eps, f"{what}: {(x0, y0, x1, y1)}"


def test_legend_items_draw_at_the_size_asked():
    items = legend_items()
    assert len(items) == 2 + len(Motion)
    for label, factory in items:
        assert label
        assert_inside(factory(size=14.0), 14.0, 14.0, label)
    assert [label for label, _ in legend_items([Motion.hold])][2:] == ["press and hold"]
