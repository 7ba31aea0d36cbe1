"""Where the giver is: a small top view of the person and the giver, seen from above.

Partner and clinician steps move the giver around (behind a seated partner, at
their side, at the head of the table); a step that says "move to their side"
needs a picture that shows it. The person is drawn light with a nose mark so
the way they face is clear; the giver is drawn solid in the accent colour, so
the two read apart in black-and-white print. The top of the drawing is the
person's front, as in the back view of the body map beside it, so the person's
left is on the left.
"""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing, Group, Polygon
from reportlab.lib.colors import white

from ..models import Giver, Posture
from .geometry import Point, darker, ellipse, flat, hexcolor, mix, rrect
from .palette import Palette

# 100 × 100 units; the person sits (or lies) in the middle, facing up the page.
_GIVER_AT: dict[tuple[Giver, bool], tuple[Point, float]] = {
    # (giver, lying) -> (centre of the giver's shoulders, angle of their shoulder line in degrees)
    (Giver.behind, False): ((50.0, 20.0), 0.0),
    (Giver.left, False): ((20.0, 50.0), 90.0),
    (Giver.right, False): ((80.0, 50.0), 90.0),
    (Giver.head, False): ((50.0, 80.0), 0.0),
    (Giver.behind, True): ((50.0, 12.0), 0.0),
    (Giver.left, True): ((18.0, 50.0), 90.0),
    (Giver.right, True): ((82.0, 50.0), 90.0),
    (Giver.head, True): ((50.0, 86.0), 0.0),
}


def giver_position(giver: Giver, person: Posture = Posture.seated) -> Point:
    """Centre of the giver in the 100-unit top view (tests read it back)."""
    return _GIVER_AT[(Giver(giver), Posture(person) is not Posture.seated)][0]


def _figure(centre: Point, angle: float, fill, edge, lw: float, face: Point | None) -> Group:
    g = Group()
    shoulders = ellipse(centre[0], centre[1], 19.0, 8.5, 36, rot=angle)
    head = ellipse(centre[0], centre[1], 8.0, 8.0, 24)
    g.add(Polygon(flat(shoulders), fillColor=fill, strokeColor=edge, strokeWidth=lw, strokeLineJoin=1))
    g.add(Polygon(flat(head), fillColor=fill, strokeColor=edge, strokeWidth=lw, strokeLineJoin=1))
    if face is not None:  # a nose: the way the head faces
        fx, fy = face
        tip = (centre[0] + fx * 12.0, centre[1] + fy * 12.0)
        side = (-fy * 3.2, fx * 3.2)
        base = (centre[0] + fx * 6.6, centre[1] + fy * 6.6)
        g.add(Polygon(flat([tip, (base[0] + side[0], base[1] + side[1]), (base[0] - side[0], base[1] - side[1])]),
                      fillColor=edge, strokeColor=edge, strokeWidth=lw * 0.5, strokeLineJoin=1))
    return g


def stance_view(giver: Giver, person: Posture = Posture.seated, size: float = 30.0,
                palette: Palette = Palette()) -> Drawing:
    """The person (light) and where the giver is (solid), from above, in a ``size`` square."""
    giver, person = Giver(giver), Posture(person)
    lying = person is not Posture.seated
    size = float(size)
    k = size / 100.0
    lw = max(0.5, 2.2 * k)
    edge = hexcolor(palette.primary)
    light = mix(palette.light, white, 0.3)
    d = Drawing(size, size)
    g = Group()
    g.add(Polygon(flat(rrect(1.5, 1.5, 98.5, 98.5, 8.0)), fillColor=white, strokeColor=mix(palette.muted, white, 0.4),
                  strokeWidth=lw * 0.6))
    if lying:  # a table (or mat) under a person lying along it, head at the top
        g.add(Polygon(flat(rrect(33.0, 4.0, 67.0, 76.0, 5.0)), fillColor=mix(palette.light, white, 0.6),
                      strokeColor=mix(palette.muted, white, 0.3), strokeWidth=lw * 0.6))
        body = rrect(37.0, 8.0, 63.0, 56.0, 10.0)
        g.add(Polygon(flat(body), fillColor=light, strokeColor=edge, strokeWidth=lw, strokeLineJoin=1))
        head = ellipse(50.0, 65.0, 8.0, 9.0, 28)
        g.add(Polygon(flat(head), fillColor=light, strokeColor=edge, strokeWidth=lw, strokeLineJoin=1))
        if person is Posture.lying_face_up:  # the face, looking up
            g.add(Polygon(flat(ellipse(50.0, 65.0, 2.6, 2.6, 12)), fillColor=edge, strokeColor=None))
    else:
        g.add(_figure((50.0, 50.0), 0.0, light, edge, lw, (0.0, 1.0)))
    (cx, cy), ang = _GIVER_AT[(giver, lying)]
    towards = (50.0 - cx, (65.0 if lying and giver is Giver.head else (32.0 if lying else 50.0)) - cy)
    n = max(1e-6, (towards[0] ** 2 + towards[1] ** 2) ** 0.5)
    accent = darker(hexcolor(palette.accent), 0.1)
    g.add(_figure((cx, cy), ang, accent, darker(accent, 0.35), lw, (towards[0] / n, towards[1] / n)))
    g.scale(k, k)
    d.add(g)
    return d
