"""Columns of flowables side by side that break across pages, each column where its text ends.

A two-language handout sets a routine and its translation next to each other: both start a
step at the same height, but one language's words run longer than the other's. A table row
cannot break inside its cells without losing that, and a frame per column would let the two
drift apart by a page; so each block is one flowable whose columns are filled, and broken, one
by one, and a page break cuts every column of the block at once.
"""

from __future__ import annotations

from reportlab.platypus import Flowable
from reportlab.platypus.doctemplate import ActionFlowable

from reportlab.rl_config import _FUZZ

from .flowables import _opened

BIG = 0xFFFFFFF


def _gap(f: Flowable, after: float, first: bool) -> float:
    """Space a frame puts above ``f`` after a flowable that wanted ``after`` below it."""
    return 0.0 if first else max(f.getSpaceBefore(), after)


def column_height(flowables: list, width: float) -> float:
    """Height of ``flowables`` one under the other, starting at the top of the column."""
    total, after, first = 0.0, 0.0, True
    for f in flowables:
        h = f.wrap(width, BIG)[1]
        if h <= _FUZZ:
            continue
        total += _gap(f, after, first) + h
        after, first = f.getSpaceAfter(), False
    return total


def fill(flowables: list, width: float, height: float) -> tuple[list, list]:
    """(what fits in ``height``, what goes on): whole flowables first, then the first part of the
    next when it breaks (a paragraph between lines, a box between items). A heading is never
    left at the foot of a column."""
    queue = _opened(flowables)
    taken: list = []
    used, after = 0.0, 0.0
    while queue:
        f = queue[0]
        h = f.wrap(width, BIG)[1]
        if h <= _FUZZ and not taken:
            queue.pop(0)  # a gap at the top of a column takes no room
            continue
        gap = _gap(f, after, not taken)
        if used + gap + h <= height + _FUZZ:
            taken.append(queue.pop(0))
            used += gap + h
            after = f.getSpaceAfter()
            continue
        room = height - used - gap
        parts = [p for p in (f.split(width, room) if room > 0 else []) if not isinstance(p, ActionFlowable)]
        if len(parts) >= 2 and parts[0] is not f and parts[0].wrap(width, BIG)[1] <= room + _FUZZ:
            taken.append(parts[0])
            queue = [*parts[1:], *queue[1:]]
        break
    while taken and queue and taken[-1].getKeepWithNext():
        queue.insert(0, taken.pop())
    return taken, queue


class Columns(Flowable):
    """Columns side by side, top-aligned, drawn left to right (the reading order of the text).

    ``whole`` lists the columns that never break (a step's number and picture): a block that
    cannot keep them on this page moves on. Every other column breaks where the page ends;
    when one of them could not start here, the block moves on, so the two languages of a
    block always start on the same page, at the same height."""

    def __init__(self, columns: list[list], widths: list[float], gaps: list[float], whole: tuple[int, ...] = ()):
        super().__init__()
        assert len(columns) == len(widths) == len(gaps) + 1
        self.columns = [_opened(c) for c in columns]
        self.widths = widths
        self.gaps = gaps
        self.whole = whole
        self.width = sum(widths) + sum(gaps)

    def x_of(self, i: int) -> float:
        return sum(self.widths[:i]) + sum(self.gaps[:i])

    def wrap(self, availWidth, availHeight):
        self.height = max((column_height(c, w) for c, w in zip(self.columns, self.widths)), default=0.0)
        return self.width, self.height

    def draw(self):
        for i, (column, width) in enumerate(zip(self.columns, self.widths)):
            y, after, first = self.height, 0.0, True
            for f in column:
                h = f.wrap(width, BIG)[1]
                if h <= _FUZZ:
                    continue
                y -= _gap(f, after, first) + h
                f.drawOn(self.canv, self.x_of(i), y)
                after, first = f.getSpaceAfter(), False

    def split(self, availWidth, availHeight):
        heads, rests = [], []
        for i, (column, width) in enumerate(zip(self.columns, self.widths)):
            if i in self.whole:
                if column_height(column, width) > availHeight + _FUZZ:
                    return []
                heads.append(column)
                rests.append([])
                continue
            taken, rest = fill(column, width, availHeight)
            if rest and column_height(taken, width) <= _FUZZ:
                return []
            heads.append(taken)
            rests.append(rest)
        if not any(rests):
            return [Columns(heads, self.widths, self.gaps, self.whole)]
        first = Columns(heads, self.widths, self.gaps, self.whole)
        if hasattr(self, "_outline"):
            first._outline = self._outline
        return [first, Columns(rests, self.widths, self.gaps)]
