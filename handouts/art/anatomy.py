"""The figure: three views of the upper body, each region's shapes and where marks go on it.

This is data more than drawing: outlines, landmarks, the windows a view can be
cropped to, and anchors that say where a motion mark sits on a region and
which way the region runs. Marks and the composed picture read it; it draws
nothing itself, so the figure can be changed without touching how it is drawn.

View coordinates: x grows to the figure's left-to-right as seen on the page, y
grows upwards (ReportLab's convention); the figure's midline is x = 50.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from ..models import Landmark, Region
from .geometry import Pen, Point, Rect, band, clip_halfplane, cubic, ellipse, mirror, mirror_point, rrect, unit


@dataclass(frozen=True)
class Anchor:
    """Where a motion mark sits on a region, and which ways the region runs there.

    ``along`` is the natural stroke direction (neck to shoulder, down the spine);
    ``outward`` points away from the midline, or is None for a region on the
    midline, where "outward" means both ways at once. ``reach`` is half the length
    an arrow may have and ``room`` the radius a circular mark may use (view units).
    """

    at: Point
    along: Point
    outward: Point | None
    reach: float
    room: float

    def mirrored(self) -> "Anchor":
        out = None if self.outward is None else (-self.outward[0], self.outward[1])
        return Anchor(mirror_point(self.at), (-self.along[0], self.along[1]), out, self.reach, self.room)


@dataclass
class RegionArt:
    shapes: list[list[Point]]
    anchors: list[Anchor]
    decor: list[list[Point]] = field(default_factory=list)  # lines shown only when highlighted


@dataclass
class ViewArt:
    name: str
    parts: list[list[Point]]  # body silhouette pieces, back to front
    landmarks: list[tuple[list[Point], bool]]  # (line, closed)
    regions: dict[Region, RegionArt]
    windows: list[Rect]  # tightest first; the last one shows the whole view
    spine: list[Point] | None = None
    floor: float = -10.0  # lowest y the geometry covers
    overview: int = -1  # the window shown when nothing is highlighted


def _pair(right: RegionArt) -> RegionArt:
    """A region drawn on both sides, from its right-hand half."""
    return RegionArt(
        shapes=right.shapes + [mirror(s) for s in right.shapes],
        anchors=right.anchors + [a.mirrored() for a in right.anchors],
        decor=right.decor + [[mirror_point(p) for p in d] for d in right.decor],
    )


def _region(shape: list[Point], at: Point, along: Point, outward: Point | None, reach: float, room: float,
            decor: list[list[Point]] | None = None) -> RegionArt:
    return RegionArt([shape], [Anchor(at, unit(*along), None if outward is None else unit(*outward), reach, room)],
                     decor or [])


def _centre_line(p0: Point, c1: Point, c2: Point, p3: Point, n: int = 16) -> list[Point]:
    return [p0] + cubic(p0, c1, c2, p3, n)


# --- shared pieces of the back and front views (their silhouettes match)

def _arm_right(front: bool = False) -> list[Point]:
    pen = Pen(67.5, 64.8)
    pen.curve((73.5, 66.8), (77.8, 62.5), (78.0, 56.0))
    pen.curve((78.6, 48.0), (78.0, 38.0), (77.2, 30.0))
    pen.curve((76.6, 22.0), (76.3, 10.0), (76.0, -12.0))
    pen.to(70.8, -12.0)
    pen.curve((71.0, 8.0), (71.6, 22.0), (71.6, 30.0))
    pen.curve((71.6, 40.0), (71.0, 48.0), (69.0, 53.5))
    pen.to(67.0, 58.0)
    return pen.pts


def _torso_right(neck_top: float, neck_x: float, slope_y: float) -> list[Point]:
    """Right half of neck and trunk, from the top of the neck down to the floor."""
    pen = Pen(50.0, neck_top)
    pen.to(neck_x, neck_top)
    pen.curve((neck_x, neck_top - 3), (neck_x + 0.2, slope_y + 3), (neck_x + 0.3, slope_y))
    pen.curve((57.3, slope_y - 3.8), (64.0, 66.2), (71.6, 64.4))
    pen.curve((72.6, 61.5), (70.8, 56.5), (69.4, 53.0))
    pen.curve((69.4, 44.0), (65.2, 36.0), (65.6, 27.0))
    pen.curve((66.0, 20.0), (68.6, 15.0), (69.0, 6.0))
    pen.to(69.3, -12.0)
    pen.to(50.0, -12.0)
    return pen.pts


def _whole(right_half: list[Point]) -> list[Point]:
    """Join a right half (running top to bottom on the midline) with its mirror image."""
    left = [mirror_point(p) for p in reversed(right_half)]
    return right_half[1:-1] + left[1:-1]


def _shoulder_cap_right() -> list[Point]:
    pen = Pen(67.8, 64.9)
    pen.curve((73.5, 66.8), (77.8, 62.5), (78.0, 56.0))
    pen.to(78.2, 52.5)
    pen.curve((75.5, 54.0), (72.5, 54.6), (69.3, 53.8))
    pen.curve((70.6, 56.6), (72.4, 61.0), (71.5, 64.3))
    return pen.pts


def _upper_arm_right() -> list[Point]:
    pen = Pen(78.2, 52.5)
    pen.curve((78.6, 46.0), (78.1, 38.0), (77.4, 32.0))
    pen.to(71.6, 32.0)
    pen.curve((71.6, 40.0), (71.0, 48.0), (69.3, 53.8))
    pen.curve((72.5, 54.6), (75.5, 54.0), (78.2, 52.5))
    return pen.pts


def _trapezius_top_right(slope_y: float, neck_x: float) -> list[Point]:
    """The top edge of the shoulder from the neck to the acromion (silhouette curve)."""
    return _centre_line((neck_x + 0.3, slope_y), (57.3, slope_y - 3.8), (64.0, 66.2), (71.6, 64.4))


@lru_cache(maxsize=1)  # no arguments: one view, built once
def back_view() -> ViewArt:
    neck_x, slope_y = 55.7, 72.5
    torso = _whole(_torso_right(82.0, neck_x, slope_y))
    arm_r = _arm_right()
    head = ellipse(50, 88.5, 9.2, 11.2, 64)
    ear_r = ellipse(59.4, 87.0, 1.9, 3.9, 24)

    # The top edge of the blade runs out to the acromion (the spine of the scapula).
    scapula_r = (Pen(56.6, 61.4)
                 .curve((56.2, 54.0), (57.4, 46.5), (59.6, 41.2))
                 .curve((62.5, 44.0), (66.3, 50.0), (68.2, 55.4))
                 .curve((69.0, 57.5), (70.0, 60.0), (70.4, 62.4))
                 .curve((66.0, 62.6), (60.5, 62.2), (56.6, 61.4)).pts)
    sacrum = (Pen(43.4, 17.2).curve((47.0, 18.0), (53.0, 18.0), (56.6, 17.2))
              .curve((55.0, 12.0), (52.5, 6.0), (50.0, 3.2))
              .curve((47.5, 6.0), (45.0, 12.0), (43.4, 17.2)).pts)
    cleft = [(50.0, 3.2), (50.0, -12.0)]

    top = _trapezius_top_right(slope_y, neck_x)
    trap_centre = [(x + 0.25, y - 2.3) for x, y in top[1:-1]]
    regions: dict[Region, RegionArt] = {}

    sub = (Pen(43.2, 80.6).curve((46.5, 78.6), (53.5, 78.6), (56.8, 80.6))
           .curve((56.6, 78.6), (56.2, 77.4), (55.0, 76.9))
           .curve((52.0, 76.0), (48.0, 76.0), (45.0, 76.9))
           .curve((43.8, 77.4), (43.4, 78.6), (43.2, 80.6)).pts)
    # One band across the skull base, worked on each side of the spine.
    sub_anchor = Anchor((46.4, 78.3), (-1.0, 0.0), (-1.0, 0.0), 2.6, 1.8)
    regions[Region.suboccipitals] = RegionArt([sub], [sub_anchor.mirrored(), sub_anchor])

    regions[Region.back_of_neck] = _pair(_region(rrect(51.0, 70.2, 55.0, 78.6, 1.8), (53.0, 74.4), (0, -1), (1, 0), 3.6, 2.2))
    regions[Region.upper_trapezius] = _pair(_region(
        band(trap_centre, 4.6, taper=0.55), trap_centre[len(trap_centre) // 2],
        unit(trap_centre[-1][0] - trap_centre[0][0], trap_centre[-1][1] - trap_centre[0][1]),
        unit(trap_centre[-1][0] - trap_centre[0][0], trap_centre[-1][1] - trap_centre[0][1]), 6.0, 2.6))
    lev = _centre_line((54.0, 79.0), (55.2, 73.0), (56.0, 67.0), (57.0, 61.2))
    regions[Region.levator_scapulae] = _pair(_region(band(lev, 3.0, taper=0.5), (55.4, 70.5), (0.12, -1), (0.12, -1), 4.5, 2.0))
    regions[Region.shoulders] = _pair(_region(_shoulder_cap_right(), (74.6, 59.6), (0, -1), (1, 0), 3.2, 3.0))
    regions[Region.shoulder_blades] = _pair(_region(scapula_r, (62.4, 51.5), (0.15, -1), (1, 0), 5.5, 3.6))
    upper_back = (Pen(51.3, 68.5).to(57.0, 67.2).curve((62.0, 65.0), (67.0, 63.0), (70.6, 61.4))
                  .curve((70.2, 58.0), (69.6, 55.0), (69.4, 53.0))
                  .curve((69.4, 48.0), (68.6, 44.0), (67.6, 41.5))
                  .curve((66.0, 39.6), (62.0, 39.4), (58.0, 39.6))
                  .to(51.3, 40.2).pts)
    regions[Region.upper_back] = _pair(_region(upper_back, (59.0, 47.0), (0, -1), (1, 0), 5.0, 3.2))
    regions[Region.beside_spine] = _pair(_region(rrect(51.1, 18.5, 54.7, 68.0, 1.8), (52.9, 42.0), (0, -1), (1, 0), 9.0, 1.9))
    ribs = (Pen(56.4, 45.0).curve((60.0, 45.2), (64.5, 44.2), (68.4, 42.0))
            .curve((67.8, 37.5), (66.0, 32.5), (65.7, 28.8))
            .curve((62.5, 30.4), (59.5, 32.0), (56.4, 33.8))
            .curve((56.0, 37.5), (56.0, 41.0), (56.4, 45.0)).pts)
    rib_lines = [_centre_line((56.6, y), (59.6, y - 0.2), (63.0, y - 1.4), (67.6 - (41.4 - y) * 0.2, y - 3.4), 10)
                 for y in (41.4, 37.6)]
    regions[Region.ribs] = _pair(_region(ribs, (61.4, 37.8), (0.92, -0.4), (0.92, -0.4), 4.2, 3.2, rib_lines))
    lower = (Pen(51.3, 31.5).curve((56.0, 31.5), (61.0, 30.0), (65.6, 28.5))
             .curve((65.8, 23.0), (67.4, 19.0), (68.4, 14.0))
             .curve((64.0, 15.5), (60.0, 16.5), (57.0, 17.6))
             .to(51.3, 18.2).pts)
    regions[Region.lower_back] = _pair(_region(lower, (59.2, 24.0), (1, 0), (1, 0), 4.2, 3.6))
    regions[Region.sacrum] = _region(sacrum, (50.0, 11.5), (0, -1), None, 3.8, 3.0)
    regions[Region.upper_arms] = _pair(_region(_upper_arm_right(), (74.6, 42.5), (0, -1), (1, 0), 6.5, 2.6))

    return ViewArt(
        name="back",
        parts=[arm_r, mirror(arm_r), torso, ear_r, mirror(ear_r), head],
        landmarks=[(scapula_r, True), (mirror(scapula_r), True), (sacrum, True), (cleft, False)],
        regions=regions,
        windows=[(25.0, 57.0, 75.0, 100.6), (17.0, 44.0, 83.0, 100.6), (15.0, 26.0, 85.0, 100.6),
                 (14.0, -3.0, 86.0, 100.6)],
        spine=[(50.0, 76.6), (50.0, 17.6)],
    )


@lru_cache(maxsize=1)  # no arguments: one view, built once
def front_view() -> ViewArt:
    neck_x, slope_y = 55.6, 71.0
    torso = _whole(_torso_right(80.0, neck_x, slope_y))
    arm_r = _arm_right(front=True)
    head_r = (Pen(50.0, 73.0).curve((54.0, 73.0), (57.6, 75.6), (58.7, 79.5))
              .curve((59.5, 82.5), (59.8, 85.5), (59.7, 88.5))
              .curve((59.5, 94.8), (55.5, 98.2), (50.0, 98.2)).pts)
    head = head_r[:-1] + [mirror_point(p) for p in reversed(head_r)][:-1]
    ear_r = ellipse(59.9, 85.0, 1.7, 3.7, 24)

    scm_line = _centre_line((56.2, 75.6), (55.6, 72.5), (54.0, 68.6), (51.6, 65.8))
    scm_r = band(scm_line, 2.8, taper=0.45)
    clavicle_r = (Pen(51.2, 65.4).curve((55.5, 65.6), (59.0, 62.6), (63.5, 62.7))
                  .curve((66.5, 62.8), (69.0, 63.4), (71.2, 63.7)).pts)
    pec_r = _centre_line((51.0, 47.5), (56.0, 45.2), (62.5, 45.2), (67.2, 48.6), 12)

    regions: dict[Region, RegionArt] = {}
    regions[Region.scm] = _pair(_region(scm_r, (54.3, 70.6), unit(-4.9, -13.6), unit(-4.9, -13.6), 4.8, 1.8))
    side = (Pen(55.7, 74.0).curve((55.7, 73.0), (55.8, 72.0), (55.9, 71.0))
            .curve((57.0, 68.6), (58.8, 67.4), (60.6, 66.6))
            .curve((58.6, 65.0), (56.8, 65.6), (54.6, 66.8))
            .curve((55.6, 68.5), (56.2, 71.0), (55.7, 74.0)).pts)
    regions[Region.side_of_neck] = _pair(_region(side, (56.6, 68.8), (0.3, -1), (1, 0), 2.8, 1.6))
    trap = (Pen(56.4, 70.2).curve((58.5, 67.8), (64.0, 66.3), (71.6, 64.4))
            .curve((69.0, 63.6), (66.5, 62.8), (63.5, 62.7))
            .curve((61.0, 62.6), (58.8, 64.0), (56.4, 70.2)).pts)
    regions[Region.upper_trapezius] = _pair(_region(trap, (63.6, 64.8), unit(8, -3), unit(8, -3), 4.5, 1.4))
    chest = (Pen(51.4, 64.6).curve((55.5, 64.8), (59.0, 61.8), (63.5, 61.9))
             .curve((66.0, 62.0), (68.2, 62.2), (69.6, 61.2))
             .curve((69.0, 58.0), (68.0, 55.0), (66.4, 52.6))
             .curve((62.0, 50.6), (56.0, 51.0), (51.4, 52.4)).pts)
    regions[Region.upper_chest] = _pair(_region(chest, (59.2, 57.4), (1, 0), (1, 0), 5.5, 3.6))
    regions[Region.shoulders] = _pair(_region(_shoulder_cap_right(), (74.6, 59.6), (0, -1), (1, 0), 3.2, 3.0))
    regions[Region.upper_arms] = _pair(_region(_upper_arm_right(), (74.6, 42.5), (0, -1), (1, 0), 6.5, 2.6))

    return ViewArt(
        name="front",
        parts=[arm_r, mirror(arm_r), torso, ear_r, mirror(ear_r), head],
        landmarks=[(scm_r, True), (mirror(scm_r), True), (clavicle_r, False), ([mirror_point(p) for p in clavicle_r], False),
                   (pec_r, False), ([mirror_point(p) for p in pec_r], False)],
        regions=regions,
        windows=[(25.0, 57.0, 75.0, 100.6), (17.0, 36.0, 83.0, 100.6), (14.0, -3.0, 86.0, 100.6)],
        overview=1,
    )


@lru_cache(maxsize=1)  # no arguments: one view, built once
def side_view() -> ViewArt:
    """Profile facing right: face on the right, back on the left."""
    head = (Pen(43.0, 68.6)
            .curve((40.0, 71.5), (38.2, 76.5), (38.2, 82.0))
            .curve((38.2, 90.0), (43.2, 96.2), (50.6, 96.2))
            .curve((57.0, 96.2), (61.6, 92.6), (62.4, 87.4))
            .curve((62.6, 86.0), (62.2, 84.6), (62.7, 83.2))
            .curve((63.6, 81.0), (65.6, 78.6), (66.6, 76.6))
            .curve((67.0, 75.7), (66.4, 75.0), (65.0, 74.9))
            .to(63.4, 74.7)
            .curve((63.9, 74.0), (64.0, 73.2), (63.7, 72.6))
            .curve((63.4, 72.2), (63.0, 71.9), (63.2, 71.5))
            .curve((63.5, 71.0), (63.5, 70.2), (63.0, 69.6))
            .curve((62.5, 69.2), (62.6, 68.6), (63.0, 67.8))
            .curve((63.6, 66.4), (62.8, 64.8), (61.0, 64.4))
            .curve((58.6, 64.0), (56.6, 64.0), (55.0, 63.6))
            .curve((51.0, 63.5), (46.0, 66.0), (43.0, 68.6)).pts)
    torso = (Pen(43.6, 70.0)
             .curve((42.2, 66.0), (41.2, 61.0), (39.8, 57.0))
             .curve((37.2, 53.0), (33.6, 49.0), (32.8, 42.0))
             .curve((31.8, 35.0), (32.0, 25.0), (33.0, 10.0))
             .to(33.6, -12.0)
             .to(65.6, -12.0)
             .curve((66.0, 10.0), (67.6, 25.0), (67.2, 33.0))
             .curve((66.8, 40.0), (62.6, 45.6), (58.6, 48.2))
             .curve((57.0, 52.5), (55.6, 58.0), (55.8, 64.0))
             .to(50.0, 68.0).pts)
    arm = (Pen(39.6, 44.0)
           .curve((39.4, 49.5), (43.2, 52.4), (48.4, 52.4))
           .curve((53.6, 52.4), (57.4, 49.5), (57.1, 44.0))
           .curve((56.6, 37.0), (55.0, 30.0), (54.2, 20.0))
           .curve((53.8, 10.0), (54.0, 0.0), (54.2, -12.0))
           .to(43.0, -12.0)
           .curve((42.8, 0.0), (42.4, 10.0), (42.4, 20.0))
           .curve((41.8, 30.0), (40.0, 37.0), (39.6, 44.0)).pts)
    ear = ellipse(47.6, 78.6, 2.9, 4.6, 28, rot=-8)
    ear_inner = _centre_line((48.4, 81.2), (46.6, 81.0), (46.2, 77.5), (47.8, 75.6), 8)
    eye = _centre_line((57.4, 80.6), (58.2, 79.8), (59.4, 79.8), (60.2, 80.6), 6)
    scm_line = _centre_line((46.6, 72.4), (49.4, 64.0), (53.4, 55.6), (57.0, 50.0))
    scm = band(scm_line, [3.6 - 0.9 * i / 16 for i in range(17)], taper=0.4)
    clavicle = _centre_line((58.0, 48.9), (56.6, 49.6), (55.4, 50.4), (54.4, 50.9), 8)

    regions: dict[Region, RegionArt] = {}
    regions[Region.suboccipitals] = _region(ellipse(41.8, 70.2, 3.4, 2.0, 24, rot=-35), (41.8, 70.2), unit(-0.5, -0.85), unit(-1, 0.2), 2.4, 1.8)
    nape = _centre_line((43.0, 68.2), (41.9, 64.5), (41.2, 61.0), (40.4, 57.6), 10)
    regions[Region.back_of_neck] = _region(band([(x + 1.5, y) for x, y in nape], 3.2, taper=0.4), (42.9, 63.0), unit(-0.3, -1), unit(-1, 0), 3.6, 1.7)
    side = (Pen(45.6, 69.8).curve((47.4, 64.5), (50.0, 58.6), (52.6, 53.4))
            .curve((50.0, 52.6), (46.0, 52.6), (42.8, 53.4))
            .curve((42.2, 55.0), (42.4, 57.0), (42.8, 59.0))
            .curve((43.6, 62.0), (44.4, 66.0), (45.6, 69.8)).pts)
    regions[Region.side_of_neck] = _region(side, (46.8, 60.0), unit(-0.15, -1), unit(-0.2, -1), 4.2, 2.4)
    regions[Region.scm] = _region(scm, (51.0, 60.4), unit(4.2, -8.6), unit(4.2, -8.6), 6.0, 2.0)
    trap_line = _centre_line((40.6, 56.6), (42.6, 55.0), (45.0, 53.8), (48.0, 52.9), 10)
    regions[Region.upper_trapezius] = _region(band(trap_line, 2.8, taper=0.5), (44.2, 54.6), unit(1, -0.45), unit(1, -0.45), 3.6, 1.6)
    regions[Region.shoulders] = _region(clip_halfplane(arm, 0, -1, -40.0), (48.2, 46.2), (0, -1), (0, -1), 3.0, 3.4)
    upper_arm = clip_halfplane(clip_halfplane(arm, 0, 1, 40.0), 0, -1, -21.0)
    regions[Region.upper_arms] = _region(upper_arm, (48.0, 31.0), (0, -1), (0, -1), 6.0, 3.6)
    chest = (Pen(57.0, 46.6).to(58.4, 48.0)
             .curve((62.4, 45.4), (66.2, 41.0), (66.9, 35.5))
             .curve((63.0, 35.0), (59.5, 35.2), (56.5, 36.0))
             .curve((56.8, 40.0), (57.0, 43.0), (57.0, 46.6)).pts)
    regions[Region.upper_chest] = _region(chest, (61.4, 41.2), (0, -1), (1, 0), 3.6, 3.0)
    back = (Pen(39.8, 57.0).curve((37.2, 53.0), (33.6, 49.0), (32.8, 42.0))
            .curve((32.4, 38.0), (32.2, 35.0), (32.2, 32.0))
            .to(41.0, 32.0)
            .curve((40.4, 36.0), (39.8, 40.0), (39.6, 44.0))
            .curve((39.5, 47.0), (40.0, 49.0), (41.2, 50.4))
            .curve((40.6, 53.0), (40.2, 55.0), (39.8, 57.0)).pts)
    regions[Region.upper_back] = _region(back, (36.4, 42.0), (0, -1), (-1, 0), 5.0, 3.0)

    return ViewArt(
        name="side",
        parts=[torso, head, ear, arm],
        landmarks=[(scm, True), (clavicle, False), (ear_inner, False), (eye, False)],
        regions=regions,
        windows=[(26.0, 40.0, 74.0, 99.0), (22.0, 24.0, 78.0, 99.0), (20.0, -3.0, 80.0, 99.0)],
        overview=1,
    )


LANDMARKS: dict[str, dict[Landmark, Point]] = {
    # right-hand side of the figure (or the only side, in profile); the left is the mirror image
    "back": {Landmark.base_of_skull: (53.4, 78.4), Landmark.ear: (59.0, 84.6), Landmark.base_of_neck: (53.0, 70.2),
             Landmark.shoulder_tip: (74.0, 62.6), Landmark.lowest_rib: (57.0, 30.6)},
    "side": {Landmark.base_of_skull: (42.4, 69.6), Landmark.ear: (47.4, 73.2), Landmark.base_of_neck: (40.8, 57.8),
             Landmark.shoulder_tip: (49.0, 50.6)},
    "front": {Landmark.ear: (59.4, 80.8), Landmark.shoulder_tip: (73.6, 62.4)},
}
"""Points a stroke path may name besides the regions (``StrokePath``), per view."""


def path_point(view: str, name: str, left: bool = False) -> Point | None:
    """Where a region or landmark named in a stroke path sits in a view (None if the view lacks it).

    A region gives its anchor on the asked side; a region on the midline, or seen
    in profile, has one anchor for both sides."""
    if name in {m.value for m in Landmark}:
        at = LANDMARKS[view].get(Landmark(name))
        if at is None:
            return None
        return mirror_point(at) if left and view != "side" else at
    art = VIEW_ART[view]()
    ra = art.regions.get(Region(name))
    if ra is None:
        return None
    side = [a.at for a in ra.anchors if (a.at[0] < 50.0) == left] or [a.at for a in ra.anchors]
    return side[0]


VIEW_ART = {"back": back_view, "side": side_view, "front": front_view}
VIEWS = ("back", "side", "front")
PRIMARY_VIEW = {Region.scm: "side", Region.side_of_neck: "side", Region.upper_chest: "front"}

REGION_VIEWS: dict[Region, set[str]] = {r: {name for name in VIEWS if r in VIEW_ART[name]().regions} for r in Region}
"""Which views draw each region; every region appears in at least one."""


def choose_view(regions: Iterable[Region | str]) -> str:
    """'back' | 'side' | 'front': the view that shows most of the regions.

    Ties go to the view the regions are best seen in (the side for the SCM and
    the side of the neck, the front for the upper chest), then back, side, front.
    """
    wanted = [Region(r) for r in regions]
    if not wanted:
        return "back"

    def score(name: str) -> tuple[int, int, int]:
        shown = sum(1 for r in wanted if r in VIEW_ART[name]().regions)
        votes = sum(1 for r in wanted if PRIMARY_VIEW.get(r, "back") == name)
        return (shown, votes, -VIEWS.index(name))

    return max(VIEWS, key=score)
