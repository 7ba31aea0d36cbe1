"""The picture key: each motion's mark on its own, and swatches for the shading and the spine.

Readers learn the marks once from the key and then recognise them on every
body map, so the key draws them with the same code and colours as the maps.
"""

from __future__ import annotations

from functools import partial
from typing import Callable, Iterable

from reportlab.graphics.shapes import Circle, Drawing, Polygon
from reportlab.lib.colors import white

from ..models import MOTION_LABELS, Motion
from .geometry import darker, flat, hatch_segments, hexcolor, mix, rrect
from .marks import Ink, draw_mark, polyline
from .palette import Palette


def motion_icon(motion: Motion, size: float = 16.0, palette: Palette = Palette()) -> Drawing:
    """The body map's mark for one motion on its own, centred in a square (for legends)."""
    motion = Motion(motion)
    s = size / 18.0
    ink = Ink(mark=darker(palette.accent, 0.3), halo=white, ball=mix(palette.accent, "#ffffff", 0.75), s=s)
    axis, sense = (1.0, 0.0), "one"
    if motion is Motion.rock:
        sense = "both"
    mark = draw_mark(motion, (0.0, 0.0), axis, sense, 12.0 * s, 4.2 * s, True, ink)
    x0, y0, x1, y1 = mark.getBounds()
    avail = size - 1.0
    k = min(1.0, avail / max(x1 - x0, y1 - y0))
    mark.transform = (k, 0, 0, k, size / 2 - k * (x0 + x1) / 2, size / 2 - k * (y0 + y1) / 2)
    d = Drawing(size, size)
    d.add(mark)
    return d


def _area_swatch(size: float = 16.0, palette: Palette = Palette()) -> Drawing:
    s = size / 16.0
    d = Drawing(size, size)
    box = rrect(1.0 * s, 2.0 * s, size - 1.0 * s, size - 2.0 * s, 3.0 * s)
    line = darker(palette.accent, 0.25)
    d.add(Polygon(flat(box), fillColor=mix(palette.accent, palette.light, 0.6), strokeColor=None))
    for p, q in hatch_segments(box, 2.3 * max(s, 0.6)):
        d.add(polyline([p, q], line, 0.35 * max(s, 0.6)))
    d.add(Polygon(flat(box), fillColor=None, strokeColor=line, strokeWidth=0.95 * max(s, 0.6)))
    return d


def _spine_swatch(size: float = 16.0, palette: Palette = Palette()) -> Drawing:
    s = max(0.6, size / 16.0)
    d = Drawing(size, size)
    n = 5
    for i in range(n):
        y = size * (0.12 + 0.76 * i / (n - 1))
        d.add(Circle(size / 2, y, 0.9 * s, fillColor=hexcolor(palette.primary), strokeColor=None))
    return d


LEGEND_MOTION_LABELS: dict[Motion, str] = {
    Motion.glide: "glide in the arrow's direction",
    Motion.strip: "slow, firm glide from the dot",
    Motion.knead: "knead in circles",
    Motion.circles: "small circles, moving along",
    Motion.press_and_release: "press and release at each dot",
    Motion.hold: "press and hold",
    Motion.squeeze: "squeeze",
    Motion.pinch_and_roll: "pinch and roll",
    Motion.rock: "rock gently side to side",
    Motion.stretch: "stretch",
    Motion.roll: "roll a ball",
}


def legend_items(motions: Iterable[Motion] | None = None) -> list[tuple[str, Callable[..., Drawing]]]:
    """(label, factory) pairs for a picture key; each factory takes ``size`` and ``palette``.

    Pass the motions a handout uses to list only those marks.
    """
    wanted = list(Motion) if motions is None else [Motion(m) for m in dict.fromkeys(motions)]
    items: list[tuple[str, Callable[..., Drawing]]] = [
        ("work on the shaded area", _area_swatch),
        ("spine: never press on it", _spine_swatch),
    ]
    for m in wanted:
        items.append((LEGEND_MOTION_LABELS.get(m, MOTION_LABELS[m]), partial(motion_icon, m)))
    return items
