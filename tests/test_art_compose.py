"""Body maps: highlights, marks and bounds of the composed picture."""

from __future__ import annotations

import pytest
from reportlab.graphics.shapes import Circle, Drawing, Polygon, String

from handouts.art import REGION_VIEWS, Palette, body_map
from handouts.models import Direction, Motion, Region

from drawings import assert_inside, fills, leaves

VIEW_REGIONS = [(view, region) for region in Region for view in sorted(REGION_VIEWS[region])]
PALETTE = Palette()


def highlight_boxes(drawing: Drawing, base: Drawing) -> list[tuple[float, ...]]:
    """Bounds of the filled polygons whose colour the plain map does not use: the highlights."""
    plain = fills(base)
    return [tuple(round(v, 1) for v in s.getBounds()) for s in leaves(drawing)
            if isinstance(s, Polygon) and s.fillColor is not None and s.fillColor.hexval() not in plain]


# --------------------------------------------------------------------------- regions and views


@pytest.mark.parametrize("view", ["back", "side", "front"])
def test_highlighting_a_region_adds_its_own_filled_shapes(view):
    base = body_map([], [], view=view)
    assert highlight_boxes(base, base) == []
    seen: dict[tuple, Region] = {}
    for region in (r for r in Region if view in REGION_VIEWS[r]):
        boxes = highlight_boxes(body_map([region], [], view=view), base)
        assert boxes, f"{region.value} is not highlighted in the {view} view"
        key = tuple(sorted(boxes))
        assert key not in seen, f"{region.value} draws the same highlight as {seen.get(key)}"
        seen[key] = region


def test_region_outside_the_view_is_left_out():
    plain = body_map([], [], view="side")
    chest_on_back = body_map([Region.upper_chest], [Motion.glide], view="back")
    assert fills(chest_on_back) == fills(body_map([], [], view="back"))
    assert highlight_boxes(body_map([Region.upper_chest], [], view="side"), plain)


def test_back_view_draws_the_spine_as_dots():
    back = body_map([Region.beside_spine], [], view="back")
    primary = Palette().primary.lower().lstrip("#")
    dots = [s for s in leaves(back) if isinstance(s, Circle) and s.fillColor is not None
            and s.fillColor.hexval().lower().endswith(primary)]
    assert len(dots) >= 15
    assert len({round(s.cx, 3) for s in dots}) == 1  # one vertical line of dots


def test_view_defaults_to_the_chosen_one_and_rejects_unknown_views():
    assert fills(body_map([Region.scm], [])) == fills(body_map([Region.scm], [], view="side"))
    with pytest.raises(ValueError, match="not one of"):
        body_map([Region.scm], [], view="top")


# --------------------------------------------------------------------------- marks and bounds


@pytest.mark.parametrize(("view", "region"), VIEW_REGIONS, ids=[f"{v}-{r.value}" for v, r in VIEW_REGIONS])
def test_marks_stay_inside_the_drawing(view, region):
    for motion in Motion:
        d = body_map([region], [motion], view=view, hold_seconds="10-20")
        assert_inside(d, 113.0, 113.0, f"{motion.value}")
    for direction in Direction:  # three marks side by side reach further out than one
        motions = [Motion.stretch, Motion.glide, Motion.circles]
        d = body_map([region], motions, direction=direction, view=view)
        assert_inside(d, 113.0, 113.0, f"{direction.value} {[m.value for m in motions]}")


@pytest.mark.parametrize(("width", "height"), [(57.0, 57.0), (200.0, 80.0), (70.0, 150.0), (30.0, 30.0)])
def test_any_box_size_is_respected(width, height):
    for view in ("back", "side", "front"):
        regions = [r for r in Region if view in REGION_VIEWS[r]]
        d = body_map(regions, [Motion.hold, Motion.glide, Motion.knead], direction=Direction.outward,
                     view=view, hold_seconds="10-20", width=width, height=height)
        assert_inside(d, width, height, view)


def test_each_motion_draws_a_different_mark():
    base = body_map([Region.upper_back], [], view="back")
    signatures = set()
    for motion in Motion:
        d = body_map([Region.upper_back], [motion], view="back")
        extra = len(list(leaves(d))) - len(list(leaves(base)))
        assert extra > 0, motion.value
        signatures.add(tuple(sorted(type(s).__name__ for s in leaves(d))))
    assert len(signatures) >= 8  # shapes differ in kind and number, not just position


def test_direction_turns_the_arrows():
    def arrow_tips(direction):
        d = body_map([Region.beside_spine], [Motion.glide], direction=direction, view="back")
        return sorted(tuple(round(v, 1) for v in s.getBounds()) for s in leaves(d)
                      if isinstance(s, Polygon) and len(s.points) == 6)

    assert len({tuple(arrow_tips(d)) for d in (Direction.up, Direction.down, Direction.outward, Direction.inward)}) == 4
    assert len(arrow_tips(Direction.up_and_down)) == 2 * len(arrow_tips(Direction.up))


def test_hold_is_labelled_with_its_time():
    d = body_map([Region.upper_trapezius], [Motion.hold], hold_seconds="10-20")
    texts = [s.text for s in leaves(d) if isinstance(s, String)]
    assert texts == ["10–20 s"]
    assert not [s for s in leaves(body_map([Region.upper_trapezius], [Motion.hold])) if isinstance(s, String)]


def test_hold_label_uses_the_page_text_size_or_is_left_out():
    big = body_map([Region.upper_trapezius], [Motion.hold], hold_seconds="10-20", width=200, height=200,
                   label_size=18.0)
    assert [s.fontSize for s in leaves(big) if isinstance(s, String)] == [18.0]
    assert_inside(big, 200.0, 200.0, "large print")
    tiny = body_map([Region.upper_trapezius], [Motion.hold], hold_seconds="10-20", width=40, height=40,
                    label_size=18.0)
    assert not [s for s in leaves(tiny) if isinstance(s, String)]


def test_palette_colours_are_used():
    brand = Palette(primary="#112233", accent="#aa3300", muted="#445566", light="#fafafa")
    assert "0xfafafa" in fills(body_map([Region.scm], [], palette=brand))


@pytest.mark.parametrize("view", ["back", "side", "front"])
def test_body_parts_are_stacked_fill_then_outline(view):
    """A later part (the head) must cover the outline of an earlier one (the top of the neck)."""
    light = PALETTE.light.lower().lstrip("#")
    kinds = []
    for s in leaves(body_map([], [], view=view)):
        if isinstance(s, Polygon) and s.fillColor is not None and s.fillColor.hexval().lower().endswith(light):
            kinds.append("fill")
        elif not isinstance(s, Polygon) and kinds and kinds[-1] != "line":
            kinds.append("line")
    assert kinds.count("fill") >= 3
    assert "fill,fill" not in ",".join(kinds)


# --------------------------------------------------------------------------- the hold-time label


def _label_of(d: Drawing):
    """The top-level node holding the drawing's one text (the hold-time pill)."""
    return next(node for node in d.contents if any(isinstance(s, String) for s in leaves(node)))


def test_hold_label_moves_off_whatever_is_on_its_preferred_side():
    from handouts.art.compose import _label_clear_of
    from handouts.art.marks import Ink, label_extent
    from reportlab.lib.colors import black, white

    ink = Ink(mark=black, halo=white, ball=white, s=1.0, label_size=9.0)
    box = (0.0, 0.0, 200.0, 200.0)
    at = (100.0, 100.0)
    w, h = label_extent("10 s", 9.0)
    right = (at[0] + 2, at[1] - h, at[0] + w + 10, at[1] + h)
    left = (at[0] - w - 10, at[1] - h, at[0] - 2, at[1] + h)

    def placed(taken):
        b = _label_clear_of("10 s", at, 1.0, taken, box, ink).getBounds()
        return "right" if b[0] > at[0] else "left" if b[2] < at[0] else "above" if b[1] > at[1] else "below"

    assert placed([]) == "right", "clear: the preferred side"
    assert placed([right]) == "left"
    assert placed([right, left]) == "above"
    above = (at[0] - w - 10, at[1] + 1, at[0] + w + 10, at[1] + 3 * h)
    assert placed([right, left, above]) == "below"
    edge = _label_clear_of("10 s", (195.0, 100.0), 1.0, [], box, ink).getBounds()
    assert edge[0] >= 0 and edge[2] <= 200, "never outside the picture"
    assert edge[2] < 195.0, "at the right edge it goes left rather than being pushed over its dot"


@pytest.mark.parametrize("size, label_size", [(100.0, 9.0), (113.0, 10.0), (127.0, 10.0), (150.0, 9.0),
                                               (170.0, 12.0), (200.0, 18.0)])
def test_shipped_hold_labels_are_drawn_last_and_clear_of_every_arrow(size, label_size):
    """A label once covered the shoulder's squeeze mark in 'Squeeze your neck while you shrug'."""
    from handouts.art.marks import Arrow, Mark
    from handouts.render.pictures import body_drawing
    from handouts.layout_models import Brand
    from handouts.content import load_routine

    from shipped import CONTENT_DIR, ROUTINES

    checked = 0
    for rid in ROUTINES:
        routine = load_routine(CONTENT_DIR / f"{rid}.yaml").routine
        for step in routine.steps:
            if not (step.dosage and step.dosage.hold_seconds and Motion.hold in step.motion):
                continue
            d = body_drawing(step, size, size, Brand(), label_size, routine=routine)
            if not any(isinstance(s, String) for s in leaves(d)):
                continue
            label = _label_of(d)
            assert d.contents[-1] is label or not any(isinstance(n, Arrow) for n in d.contents), rid
            b = label.getBounds()
            for node in d.contents:
                if isinstance(node, (Arrow, Mark)):
                    a = node.getBounds()
                    overlap = max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))
                    assert overlap < 1.0, f"{rid} step {step.title!r}: the hold label covers a mark"
            checked += 1
    assert checked >= 1
