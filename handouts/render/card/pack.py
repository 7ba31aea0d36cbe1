"""Stacking items down the text frames of one or more faces, and sharing them out between cards.

Packing is plain geometry: items go down a frame (a panel's safe area below the
band) until one does not fit, then on to the next panel or face. A keep-with-next
chain moves as one; a list that goes on to a new panel repeats its heading.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.platypus import Flowable, Paragraph

from .content import Item
from .geometry import EPS, Rect


@dataclass
class Placed:
    flowable: Flowable
    x: float
    y: float
    w: float
    h: float


@dataclass
class Packing:
    faces: list[list[Placed]]
    unplaced: int | None  # index of the first item that did not fit, None when all did


def pack(items: list[Item], frames: list[Rect], max_faces: int, limit: float | None = None) -> Packing:
    """Stack ``items`` down the frames of up to ``max_faces`` faces; ``limit`` caps the height used per frame."""
    per_face = len(frames)
    slots = [frames[k % per_face] for k in range(max_faces * per_face)]
    return pack_slots(items, slots, [k // per_face for k in range(len(slots))], max_faces, limit)


def pack_slots(items: list[Item], slots: list[Rect], face_of: list[int], n_faces: int,
               limit: float | None = None) -> Packing:
    """Stack ``items`` down ``slots`` in order, slot k belonging to face ``face_of[k]``: the frames
    of one side's faces, or the room a set of cards has left in reading order."""
    width = slots[0].w
    faces: list[list[Placed]] = [[] for _ in range(n_faces)]
    slot = 0
    pending = list(items)

    def bottom(frame: Rect) -> float:
        return frame.y if limit is None else max(frame.y, frame.top - limit)

    def put(flowable: Flowable, y: float, h: float) -> None:
        faces[face_of[slot]].append(Placed(flowable, slots[slot].x, y, width, h))
        setattr(flowable, "_card_slot", slot)

    frame = slots[0]
    y = frame.top
    at_top = True
    while pending:
        group = [pending[0]]
        while group[-1].keep_with_next and len(group) < len(pending):
            group.append(pending[len(group)])
        heights = [it.flowable.wrap(width, 1e6)[1] for it in group]
        need = sum(heights) + sum(it.space_before for it in group) - (group[0].space_before if at_top else 0.0)
        if y - need >= bottom(frame) - EPS:
            for k, it in enumerate(group):
                if not (at_top and k == 0):
                    y -= it.space_before
                y -= heights[k]
                put(it.flowable, y, heights[k])
                at_top = False
            del pending[: len(group)]
            continue
        if at_top:
            first = group[0]
            if len(group) > 1 and heights[0] <= y - bottom(frame) + EPS:
                # a heading whose followers cannot share an empty panel with it still goes first
                y -= heights[0]
                put(first.flowable, y, heights[0])
                at_top = False
                pending.pop(0)
                continue
            parts = first.flowable.split(width, y - bottom(frame)) if isinstance(first.flowable, Paragraph) else []
            if len(parts) == 2:
                # a paragraph taller than a whole panel is continued, never cut short
                h0 = parts[0].wrap(width, 1e6)[1]
                put(parts[0], y - h0, h0)
                pending[0] = Item(parts[1], first.label, first.keep_with_next, first.pin_bottom, 0.0, first.continued)
                y = bottom(frame)
                at_top = False
                continue
            return Packing(faces, _index(items, first))
        slot += 1
        if slot >= len(slots):
            return Packing(faces, _index(items, pending[0]))
        frame = slots[slot]
        y = frame.top
        at_top = True
        if pending[0].continued is not None:
            pending.insert(0, pending[0].continued())
            pending[0].label += " (continued)"
    _pin(items, faces, slots)
    return Packing(faces, None)


def _index(items: list[Item], item: Item) -> int:
    """Where ``item`` (or the list it continues) sits among the original items."""
    for i, it in enumerate(items):
        if it is item or it.label == item.label.removesuffix(" (continued)"):
            return i
    return 0


def _pin(items: list[Item], faces: list[list[Placed]], slots: list[Rect]) -> None:
    """Move a pinned item (the contact block) to the foot of its panel when nothing follows it there."""
    pinned = {id(it.flowable) for it in items if it.pin_bottom}
    for placed in faces:
        for k, p in enumerate(placed):
            if id(p.flowable) not in pinned:
                continue
            slot = getattr(p.flowable, "_card_slot")
            later = [q for q in placed[k + 1:] if getattr(q.flowable, "_card_slot") == slot]
            if not later:
                p.y = slots[slot].y


def partition(items: list[Item], frame: Rect, count: int) -> list[list[Item]] | None:
    """Split ``items`` into ``count`` runs, none empty, the tallest as short as possible (keep-with-next
    chains stay whole; a list cut between cards repeats its heading). None when that cannot be done."""
    blocks: list[list[Item]] = []
    for it in items:
        if blocks and blocks[-1][-1].keep_with_next:
            blocks[-1].append(it)
        else:
            blocks.append([it])
    n = len(blocks)
    if n < count:
        return None
    width = frame.w
    body = [sum(it.flowable.wrap(width, 1e6)[1] for it in b) + sum(it.space_before for it in b[1:]) for b in blocks]
    lead = [b[0].space_before for b in blocks]
    again: list[Item | None] = [b[0].continued() if b[0].continued is not None else None for b in blocks]
    again_h = [a.flowable.wrap(width, 1e6)[1] if a is not None else 0.0 for a in again]

    def run_height(i: int, j: int) -> float:  # blocks i..j-1 on one face
        return again_h[i] + sum(body[i:j]) + sum(lead[i + 1:j])

    inf = float("inf")
    best = [[inf] * (n + 1) for _ in range(count + 1)]
    cut = [[0] * (n + 1) for _ in range(count + 1)]
    best[0][0] = 0.0
    for g in range(1, count + 1):
        for j in range(g, n + 1):
            for i in range(g - 1, j):
                if best[g - 1][i] == inf:
                    continue
                h = run_height(i, j)
                if h > frame.h + EPS:
                    continue
                worst = max(best[g - 1][i], h)
                if worst < best[g][j] - EPS:
                    best[g][j], cut[g][j] = worst, i
    if best[count][n] == inf:
        return None
    bounds = [n]
    for g in range(count, 0, -1):
        bounds.append(cut[g][bounds[-1]])
    bounds.reverse()
    runs = []
    for g in range(count):
        i, j = bounds[g], bounds[g + 1]
        run = [it for b in blocks[i:j] for it in b]
        if again[i] is not None:
            run = [again[i]] + run
        runs.append(run)
    return runs
