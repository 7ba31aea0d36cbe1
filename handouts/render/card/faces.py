"""Composed faces: everything drawing needs, positions already decided.

A face is plain data so a single card and a sheet of forty are drawn from the
same numbers, and tests can ask where a thing went without reading a PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .content import Band
from .geometry import Rect
from .pack import Placed


@dataclass
class CardFace:
    """One side of one card, fully laid out in face coordinates (0, 0 = bottom left of the trim)."""

    side: str
    number: int
    count: int
    width: float
    height: float
    panels: list[Rect]
    safe: list[Rect]
    band: Band
    placed: list[Placed]
    background: str
    corner_radius: float
    fold_lines: bool
    strip: float
    sizes: set[float] = field(default_factory=set)

    @property
    def name(self) -> str:
        """'front', or 'front 1/2' when the routine needs more than one card."""
        return self.side if self.count == 1 else f"{self.side} {self.number}/{self.count}"

    @property
    def trim(self) -> Rect:
        return Rect(0, 0, self.width, self.height)


@dataclass
class CardSet:
    """Every card one routine needs: fronts[i] and backs[i] are the two sides of card i."""

    routine_id: str
    title: str
    fronts: list[CardFace]
    backs: list[CardFace]
    summarised: bool = False
    """The back carries the routine's card summary and the pointer to the handout, not every line."""

    @property
    def cards(self) -> list[tuple[CardFace, CardFace]]:
        return list(zip(self.fronts, self.backs))

    @property
    def size(self) -> tuple[float, float]:
        return self.fronts[0].width, self.fronts[0].height
