"""Rectangles in PDF points, shared by the composer, the drawing and sheet imposition."""

from __future__ import annotations

from dataclasses import dataclass

EPS = 0.01


@dataclass(frozen=True)
class Rect:
    """A rectangle in PDF points, origin at the bottom left."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def top(self) -> float:
        return self.y + self.h

    def inset(self, d: float) -> "Rect":
        return Rect(self.x + d, self.y + d, self.w - 2 * d, self.h - 2 * d)

    def outset(self, d: float) -> "Rect":
        return self.inset(-d)

    def moved(self, dx: float, dy: float) -> "Rect":
        return Rect(self.x + dx, self.y + dy, self.w, self.h)

    def contains(self, other: "Rect", tol: float = EPS) -> bool:
        return (other.x >= self.x - tol and other.y >= self.y - tol
                and other.right <= self.right + tol and other.top <= self.top + tol)

    def overlaps(self, other: "Rect", tol: float = EPS) -> bool:
        return (min(self.right, other.right) - max(self.x, other.x) > tol
                and min(self.top, other.top) - max(self.y, other.y) > tol)

    def as_box(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1), the form of PDF page boxes."""
        return (self.x, self.y, self.right, self.top)
