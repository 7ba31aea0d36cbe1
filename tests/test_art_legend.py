"""The picture key: one entry per motion asked for, each drawn at the size asked."""

from __future__ import annotations


from handouts.art.legend import legend_items
from handouts.models import Motion

from drawings import assert_inside


def test_legend_items_draw_at_the_size_asked():
    items = legend_items()
    assert len(items) == 2 + len(Motion)
    for label, factory in items:
        assert label
        assert_inside(factory(size=14.0), 14.0, 14.0, label)
    assert [label for label, _ in legend_items([Motion.hold])][2:] == ["press and hold"]
