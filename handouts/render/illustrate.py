"""Generated illustrations for handouts and cards: body maps, hand pictograms, pressure scales.

Everything is drawn with ReportLab vector shapes, so pictures stay sharp at any
print size, follow the clinic's colours, and need no image files. Each function
returns a ``Drawing`` of exactly the size asked for with nothing outside it, so
the page layout can place it like a box.

This module is the public face; the geometry lives in ``bodymap`` (views,
regions, motion marks) and ``pictograms`` (hands, pressure).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Callable, Iterable

from reportlab.graphics.shapes import Circle, Drawing, Polygon
from reportlab.lib.colors import white

from ..models import MOTION_LABELS, Direction, HandUse, Motion, Pressure, Region
from . import bodymap, pictograms

__all__ = [
    "Palette",
    "REGION_VIEWS",
    "VIEWS",
    "body_map",
    "choose_view",
    "hand_pictogram",
    "legend_items",
    "motion_icon",
    "pressure_scale",
]


@dataclass(frozen=True)
class Palette:
    """The four colours every illustration is drawn in (hex strings, e.g. from the layout's brand)."""

    primary: str = "#1f4e79"  # outlines/headings colour (hex)
    accent: str = "#2e7d6b"  # highlighted regions and motion marks
    muted: str = "#5b6670"  # body outline lines
    light: str = "#eaf1f8"  # light fills


VIEWS = bodymap.VIEW_ORDER
REGION_VIEWS: dict[Region, set[str]] = bodymap.region_views()
"""Which views draw each region; every region appears in at least one."""


def choose_view(regions: list[Region]) -> str:
    """'back' | 'side' | 'front': the view that shows most of the regions.

    Ties go to the view the regions are best seen in (the side for the SCM and
    the side of the neck, the front for the upper chest), then back, side, front.
    """
    return bodymap.choose_view(regions)


def body_map(regions: Iterable[Region], motions: Iterable[Motion], direction: Direction | None = None,
             view: str | None = None, hold_seconds=None, width: float = 113.0, height: float = 113.0,
             palette: Palette = Palette(), *, label_size: float = 9.0) -> Drawing:
    """The upper body with the step's regions highlighted and its motions marked on them.

    ``view`` is chosen from the regions when left out. Regions the view cannot
    show are left out of the picture. The view zooms to the highlighted regions
    (head and shoulders, upper body, or the whole back) so marks stay readable at
    pocket-card sizes. ``hold_seconds`` ('10-20', '10–20 s' or an amount) labels
    the hold mark, set in ``label_size`` points: pass the layout's smallest text
    size so the picture keeps to it too. A label that would not fit is left out.
    """
    regions = [Region(r) for r in regions]
    motions = [Motion(m) for m in motions]
    direction = Direction(direction) if direction is not None else None
    view = view or choose_view(regions)
    if view not in bodymap.VIEWS:
        raise ValueError(f"view {view!r} is not one of: {', '.join(VIEWS)}")
    return bodymap.body_map_drawing(regions, motions, direction, view, hold_seconds, float(width), float(height), palette,
                                    float(label_size))


def hand_pictogram(hand_use: HandUse, size: float = 28.0, palette: Palette = Palette()) -> Drawing:
    """A hand silhouette with the working part filled in the accent colour (a ball for 'tool')."""
    return pictograms.hand_drawing(HandUse(hand_use), float(size), palette)


def pressure_scale(pressure: Pressure, width: float = 60.0, height: float = 14.0, palette: Palette = Palette()) -> Drawing:
    """Three rising bars, filled up to the level: light 1, moderate 2, firm 3."""
    return pictograms.pressure_drawing(Pressure(pressure), float(width), float(height), palette)


def motion_icon(motion: Motion, size: float = 16.0, palette: Palette = Palette()) -> Drawing:
    """The body map's mark for one motion on its own, centred in a square (for legends)."""
    motion = Motion(motion)
    s = size / 18.0
    ink = bodymap.Ink(mark=bodymap.darker(palette.accent, 0.3), halo=white,
                      ball=bodymap.mix(palette.accent, "#ffffff", 0.75), s=s)
    axis, sense = (1.0, 0.0), "one"
    if motion is Motion.rock:
        sense = "both"
    mark = bodymap.draw_mark(motion, (0.0, 0.0), axis, sense, 12.0 * s, 4.2 * s, True, ink)
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
    box = bodymap.rrect(1.0 * s, 2.0 * s, size - 1.0 * s, size - 2.0 * s, 3.0 * s)
    line = bodymap.darker(palette.accent, 0.25)
    d.add(Polygon(bodymap.flat(box), fillColor=bodymap.mix(palette.accent, palette.light, 0.6), strokeColor=None))
    for p, q in bodymap.hatch_segments(box, 2.3 * max(s, 0.6)):
        d.add(bodymap._polyline([p, q], line, 0.35 * max(s, 0.6)))
    d.add(Polygon(bodymap.flat(box), fillColor=None, strokeColor=line, strokeWidth=0.95 * max(s, 0.6)))
    return d


def _spine_swatch(size: float = 16.0, palette: Palette = Palette()) -> Drawing:
    s = max(0.6, size / 16.0)
    d = Drawing(size, size)
    n = 5
    for i in range(n):
        y = size * (0.12 + 0.76 * i / (n - 1))
        d.add(Circle(size / 2, y, 0.9 * s, fillColor=bodymap.hexcolor(palette.primary), strokeColor=None))
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
