"""Reading ReportLab drawings back in tests: their shapes, fill colours and bounds."""

from __future__ import annotations

from reportlab.graphics.shapes import Circle, Drawing, Group, Polygon


def leaves(node):
    """Every drawn shape, with group transforms ignored (only colours and kinds matter here)."""
    for shape in getattr(node, "contents", []):
        if isinstance(shape, Group):
            yield from leaves(shape)
        else:
            yield shape


def fills(drawing: Drawing) -> set[str]:
    return {s.fillColor.hexval() for s in leaves(drawing)
            if isinstance(s, (Polygon, Circle)) and s.fillColor is not None}


def assert_inside(d: Drawing, width: float, height: float, what: str = ""):
    assert (d.width, d.height) == (width, height), what
    x0, y0, x1, y1 = d.getBounds()
    eps = 1e-6
    assert x0 >= -eps and y0 >= -eps and x1 <= width + eps and y1 <= height + eps, f"{what}: {(x0, y0, x1, y1)}"
