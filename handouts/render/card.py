"""Pocket cards: the routine's steps as numbered cues on the front, every safety line on the back.

A card is composed, not shrunk: text is set at the layout's sizes, scaled down
step by step only as far as the layout's minimum, and whatever still does not
fit continues on another card (``overflow: continue``) or stops the build with
a message naming the routine, the face and what did not fit (``overflow: fail``).
Safety lines are never dropped, shortened or merged.

Composition is separate from drawing: :func:`compose_card` returns faces whose
items already have their positions, and :func:`draw_face` paints a face at any
origin on any canvas, so a single card and a sheet of forty share one look.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Callable
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

from ..errors import HandoutsError, Problem
from ..fonts import face_name
from ..layout_models import Brand, CardSection, Layout
from ..models import HAND_USE_LABELS, Clinic, Routine, Step
from ..styles import paragraph_styles
from ..text import markup
from . import pictures
from .flowables import Para, StepDisc, bullet

EPS = 0.01
SAFETY_RED = "#b3261e"


# --------------------------------------------------------------------------- geometry


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


# --------------------------------------------------------------------------- pieces


@dataclass
class Item:
    """One unit of card content; items are stacked, never cut, except a paragraph taller than a whole panel."""

    flowable: Flowable
    label: str
    keep_with_next: bool = False
    pin_bottom: bool = False
    space_before: float = 0.0
    continued: "Callable[[], Item] | None" = None  # heading repeated when a list goes on to a new panel


@dataclass
class Placed:
    flowable: Flowable
    x: float
    y: float
    w: float
    h: float


class CueRow(Flowable):
    """A numbered cue: disc, bold cue with the compact detail under it, hand pictograms at the right."""

    def __init__(self, number: int, cue: Paragraph, detail: Paragraph | None, icons: list[Drawing],
                 disc_style: ParagraphStyle, fill: str):
        super().__init__()
        self.number = number
        self.cue = cue
        self.detail = detail
        self.icons = icons
        self.disc_style = disc_style
        self.fill = fill
        self.diameter = max(disc_style.fontSize * 1.75, cue.style.leading * 0.95)
        self.gap = cue.style.fontSize * 0.55

    def wrap(self, availWidth, availHeight):
        icons_w = sum(i.width for i in self.icons) + self.gap * (len(self.icons) - 1) if self.icons else 0.0
        text_w = availWidth - self.diameter - self.gap - (icons_w + self.gap if self.icons else 0.0)
        self.text_w = text_w
        self.cue_h = self.cue.wrap(text_w, availHeight)[1]
        self.detail_h = self.detail.wrap(text_w, availHeight)[1] if self.detail is not None else 0.0
        icons_h = max((i.height for i in self.icons), default=0.0)
        self.width = availWidth
        self.height = max(self.cue_h + self.detail_h, self.diameter, icons_h)
        return self.width, self.height

    def draw(self):
        c = self.canv
        top = self.height
        lead = self.cue.style.leading
        # disc centred on the first line of the cue
        centre = top - lead / 2 - (lead - self.cue.style.fontSize) * 0.1
        disc = StepDisc(self.number, self.disc_style.fontName, self.disc_style.fontSize, self.fill, self.diameter)
        disc.drawOn(c, 0, centre - self.diameter / 2)
        x = self.diameter + self.gap
        self.cue.drawOn(c, x, top - self.cue_h)
        if self.detail is not None:
            self.detail.drawOn(c, x, top - self.cue_h - self.detail_h)
        ix = self.width
        for icon in reversed(self.icons):
            ix -= icon.width
            icon.drawOn(c, ix, top - (self.cue_h + self.detail_h) / 2 - icon.height / 2 if self.detail else top - icon.height)
            ix -= self.gap


def step_cautions(routine: Routine) -> list[str]:
    """Each step's own caution as "Step 3: …" (steps sharing one caution listed together).

    The card front only has room for cues, so a step's caution travels on the back
    with the routine's safety lines; a caution that repeats one of those word for
    word is not printed twice."""
    general = {c.strip().casefold() for c in routine.safety.cautions}
    steps: dict[str, list[int]] = {}
    for number, step in enumerate(routine.all_steps, start=1):
        if step.caution and step.caution.strip().casefold() not in general:
            steps.setdefault(step.caution.strip(), []).append(number)
    lines = []
    for caution, numbers in steps.items():
        label = f"Step {numbers[0]}" if len(numbers) == 1 else "Steps " + ", ".join(map(str, numbers))
        lines.append(f"{label}: {caution}")
    return lines


class RuledParagraph(Flowable):
    """A paragraph under a hairline: the contact block at the foot of the back."""

    def __init__(self, para: Paragraph, color: str, space: float):
        super().__init__()
        self.para = para
        self.color = color
        self.space = space

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        self.para_h = self.para.wrap(availWidth, availHeight)[1]
        self.height = self.para_h + self.space
        return self.width, self.height

    def draw(self):
        c = self.canv
        c.setStrokeColor(HexColor(self.color))
        c.setLineWidth(0.5)
        c.line(0, self.height - 0.25, self.width, self.height - 0.25)
        self.para.drawOn(c, 0, 0)


# --------------------------------------------------------------------------- faces


@dataclass
class Band:
    """The coloured band across the top of a face's first panel."""

    color: str
    height: float
    title: Paragraph | None
    title_h: float
    label: Paragraph | None
    label_w: float


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

    @property
    def cards(self) -> list[tuple[CardFace, CardFace]]:
        return list(zip(self.fronts, self.backs))

    @property
    def size(self) -> tuple[float, float]:
        return self.fronts[0].width, self.fronts[0].height


class CardOverflow(HandoutsError):
    """The card's text does not fit at the minimum size and the layout forbids more cards."""


@dataclass
class Packing:
    faces: list[list[Placed]]
    unplaced: int | None  # index of the first item that did not fit, None when all did


# --------------------------------------------------------------------------- composer


def _scaled(style: ParagraphStyle, s: float, minimum: float) -> ParagraphStyle:
    size = max(minimum, round(style.fontSize * s * 4) / 4)
    ratio = size / style.fontSize
    return ParagraphStyle(f"{style.name}@{size:g}", parent=style, fontSize=size, leading=style.leading * ratio,
                          spaceBefore=style.spaceBefore * s, spaceAfter=style.spaceAfter * s,
                          leftIndent=style.leftIndent * ratio)


TEXT_STYLES = ("cue", "detail", "safety", "contact")
BAND_STYLES = ("title", "band")


class CardComposer:
    """Lays out one routine on as few cards as the layout's minimum size allows, text as large as fits."""

    def __init__(self, routine: Routine, layout: Layout, clinic: Clinic | None, layout_name: str = ""):
        assert layout.card is not None, "a card layout has a card block"
        self.r = routine
        self.layout = layout
        self.spec = layout.card
        self.clinic = clinic
        self.layout_name = layout_name or "card"
        self.base = paragraph_styles(layout)
        self.brand: Brand = layout.brand
        if clinic is not None and clinic.brand_color:
            self.brand = self.brand.model_copy(update={"primary": clinic.brand_color})
        self.minimum = layout.min_font_size
        self.panel_w, self.panel_h = layout.page.dimensions
        self.n_panels = self.spec.panels
        self.width = self.panel_w * self.n_panels
        self.height = self.panel_h
        sz = self.spec.safe_zone
        self.panels = [Rect(i * self.panel_w, 0, self.panel_w, self.panel_h) for i in range(self.n_panels)]
        self.safe = [p.inset(sz) for p in self.panels]
        safety_box = layout.boxes.get("safety")
        self.safety_color = safety_box.border.color if safety_box and safety_box.border else SAFETY_RED

    # ------------------------------------------------------------ scale

    def scales(self) -> list[float]:
        """Scales to try, largest first; the last sets every text style at the minimum size."""
        largest = max(self.base[n].fontSize for n in TEXT_STYLES)
        floor = min(1.0, self.minimum / largest)
        out = []
        s = self.spec.grow
        while s > floor + 1e-9:
            out.append(round(s, 4))
            s -= 0.03
        out.append(floor)
        return out

    def styles(self, s: float) -> dict[str, ParagraphStyle]:
        """The layout's styles at scale ``s``; the band keeps its size when the text grows (a bigger
        title would only take the room the growth is for)."""
        return {name: _scaled(st, min(s, 1.0) if name in BAND_STYLES else s, self.minimum)
                for name, st in self.base.items()}

    # ------------------------------------------------------------ content

    def sections(self, side: str) -> list[CardSection]:
        return list(getattr(self.spec.faces, side))

    def items(self, side: str, st: dict[str, ParagraphStyle], pictograms: bool) -> list[Item]:
        out: list[Item] = []
        sections = self.sections(side)
        for section in sections:
            if section == CardSection.steps:
                out += self.step_items(st, pictograms)
            elif section == CardSection.safety:
                out += self.safety_items(st)
            elif section == CardSection.contact:
                out += self.contact_items(st, with_source=CardSection.source not in self._all_sections())
            elif section == CardSection.source:
                out += self.source_items(st)
        return out

    def _all_sections(self) -> list[CardSection]:
        return self.sections("front") + self.sections("back")

    def step_items(self, st: dict[str, ParagraphStyle], pictograms: bool) -> list[Item]:
        out: list[Item] = []
        number = 0
        gap = st["cue"].fontSize * 0.45
        icon = (st["cue"].leading + st["detail"].leading) * 0.92
        for phase, steps in self.r.grouped_steps():
            if phase is not None:
                out.append(Item(Para(markup(phase.title), st["phase"]), f"phase '{phase.title}'",
                                keep_with_next=True, space_before=st["phase"].spaceBefore + gap))
            for step in steps:
                number += 1
                cue_text = step.cue or step.title
                cue = Para(markup(cue_text), st["cue"])
                detail_text = step_detail(step)
                detail = Para(markup(detail_text), st["detail"]) if detail_text else None
                hands = step.hand_use[:2] if pictograms else []
                size = icon * (0.8 if len(hands) > 1 else 1.0)  # a pair stays narrow enough for the cue
                icons = [pictures.hand_icon(h, size, self.brand) for h in hands]
                row = CueRow(number, cue, detail, icons, st["step_number"], self.brand.primary)
                out.append(Item(row, f"step {number} '{cue_text}'", space_before=gap if out else 0.0))
        return out

    def safety_items(self, st: dict[str, ParagraphStyle]) -> list[Item]:
        s = self.r.safety
        out: list[Item] = []
        groups = [
            ("Stop and seek care if…", s.red_flags, "red flag"),
            ("Do not do this routine if…", s.contraindications, "reason not to do the routine"),
            ("Take care", s.cautions, "caution"),
            ("At these steps", step_cautions(self.r), "step caution"),
        ]
        head = st["safety_head"]
        for title, lines, what in groups:
            if not lines:
                continue
            out.append(Item(Para(f"<b>{markup(title)}</b>", head), f"heading '{title}'", keep_with_next=True,
                            space_before=head.spaceBefore if out else 0.0))

            def again(title: str = title) -> Item:
                return Item(Para(f"<b>{markup(title)}</b> (continued)", head), f"heading '{title}'",
                            keep_with_next=True)

            for i, line in enumerate(lines, start=1):
                label, _, rest = line.partition(": ") if what == "step caution" else ("", "", line)
                text = f"<b>{markup(label)}:</b> {markup(rest)}" if label else markup(line)
                out.append(Item(bullet(text, st["safety"]), f"{what} {i} of {len(lines)} '{_short(line)}'",
                                continued=again))
        if s.seek_care:
            text = f"<font color='{head.textColor.hexval().replace('0x', '#')}'><b>See a doctor:</b></font> {markup(s.seek_care)}"
            out.append(Item(Para(text, st["safety"]), f"'see a doctor' line '{_short(s.seek_care)}'",
                            space_before=head.spaceBefore if out else 0.0))
        return out

    def contact_items(self, st: dict[str, ParagraphStyle], with_source: bool) -> list[Item]:
        if self.clinic is None:
            return self.source_items(st, pinned=True) if with_source else []
        # A pocket card carries the ways to reach the clinic; the postal address stays on the handout.
        c = self.clinic
        first = f"<b>{markup(c.name)}</b>" + (f" · {markup(c.phone)}" if c.phone else "")
        second = " · ".join(markup(x) for x in (c.web, c.email) if x)
        para = Para(first + (f"<br/>{second}" if second else ""), st["contact"])
        return [Item(RuledParagraph(para, self.brand.muted, st["contact"].fontSize * 0.5), "clinic contact",
                     pin_bottom=True, space_before=st["contact"].fontSize * 0.8)]

    def source_items(self, st: dict[str, ParagraphStyle], pinned: bool = True) -> list[Item]:
        src = self.r.source
        parts = [src.title] + [x for x in (src.author, src.publisher) if x]
        text = "From: " + ", ".join(parts)
        if src.url:
            text += f" · {src.url}"
        para = Para(markup(text), st["contact"])
        return [Item(RuledParagraph(para, self.brand.muted, st["contact"].fontSize * 0.5), "source",
                     pin_bottom=pinned, space_before=st["contact"].fontSize * 0.8)]

    # ------------------------------------------------------------ band

    def band(self, side: str, st: dict[str, ParagraphStyle], number: int, count: int) -> Band:
        """The title band; a face without the title gets a slim strip inside the safe zone (it costs no
        text room), red on the safety side, so the two sides are told apart at a glance."""
        sections = self.sections(side)
        if CardSection.title not in sections:
            color = self.safety_color if CardSection.safety in sections else self.brand.primary
            return Band(color, self.spec.safe_zone * 0.5, None, 0.0, None, 0.0)
        text, color = self.r.title, self.brand.primary
        label_parts = [self.r.time.text]
        if count > 1:
            label_parts.append(f"{number}/{count}")
        safe = self.safe[0]
        label = None
        label_w = 0.0
        if label_parts:
            label = Para(markup(" · ".join(label_parts)), st["band"])
            label.wrap(safe.w / 2, 1e6)
            label_w = min(safe.w / 2, max(label.getActualLineWidths0() or [0]) + 1)
            label.wrap(label_w, 1e6)
        gap = st["title"].fontSize * 0.6 if label else 0.0
        title = Para(markup(text), st["title"])
        title_h = title.wrap(safe.w - label_w - gap, 1e6)[1]
        pad = max(self.spec.safe_zone * 0.55, st["title"].fontSize * 0.45)
        height = self.spec.safe_zone + title_h + pad
        return Band(color, height, title, title_h, label, label_w)

    def frames(self, band: Band, st: dict[str, ParagraphStyle]) -> list[Rect]:
        """The text areas of one face: each panel's safe area, the first one below the band."""
        out = []
        below = band.height + (st["cue"].fontSize * 0.6 if band.title is not None else 0.0)
        lift = _descender_overhang(st)
        for i, safe in enumerate(self.safe):
            top = min(safe.top, self.height - below) if i == 0 else safe.top
            out.append(Rect(safe.x, safe.y + lift, safe.w, top - safe.y - lift))
        return out

    # ------------------------------------------------------------ packing

    def pack(self, items: list[Item], frames: list[Rect], max_faces: int, limit: float | None = None) -> Packing:
        """Stack ``items`` down the frames of up to ``max_faces`` faces; ``limit`` caps the height used per frame."""
        width = frames[0].w
        faces: list[list[Placed]] = [[] for _ in range(max_faces)]
        per_face = len(frames)
        slot = 0
        pending = list(items)
        done = 0  # original items fully placed

        def bottom(frame: Rect) -> float:
            return frame.y if limit is None else max(frame.y, frame.top - limit)

        def put(flowable: Flowable, y: float, h: float) -> None:
            faces[slot // per_face].append(Placed(flowable, frames[slot % per_face].x, y, width, h))
            setattr(flowable, "_card_slot", slot)

        frame = frames[0]
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
                done += sum(1 for it in group if not it.label.endswith("(continued)"))
                continue
            if at_top:
                first = group[0]
                if len(group) > 1 and heights[0] <= y - bottom(frame) + EPS:
                    # a heading whose followers cannot share an empty panel with it still goes first
                    y -= heights[0]
                    put(first.flowable, y, heights[0])
                    at_top = False
                    pending.pop(0)
                    done += 1
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
                return Packing(faces, self._index(items, first))
            slot += 1
            if slot >= max_faces * per_face:
                return Packing(faces, self._index(items, pending[0]))
            frame = frames[slot % per_face]
            y = frame.top
            at_top = True
            if pending[0].continued is not None:
                pending.insert(0, pending[0].continued())
                pending[0].label += " (continued)"
        self._pin(items, faces, frames)
        return Packing(faces, None)

    @staticmethod
    def _index(items: list[Item], item: Item) -> int:
        """Where ``item`` (or the list it continues) sits among the original items."""
        for i, it in enumerate(items):
            if it is item or it.label == item.label.removesuffix(" (continued)"):
                return i
        return 0

    @staticmethod
    def _pin(items: list[Item], faces: list[list[Placed]], frames: list[Rect]) -> None:
        """Move a pinned item (the contact block) to the foot of its panel when nothing follows it there."""
        pinned = {id(it.flowable) for it in items if it.pin_bottom}
        for placed in faces:
            for k, p in enumerate(placed):
                if id(p.flowable) not in pinned:
                    continue
                slot = getattr(p.flowable, "_card_slot")
                later = [q for q in placed[k + 1:] if getattr(q.flowable, "_card_slot") == slot]
                if not later:
                    frame = frames[slot % len(frames)]
                    p.y = frame.y

    # ------------------------------------------------------------ search

    def _attempts(self, side: str):
        """(scale, pictograms) to try, best first: text grows only with its pictograms; below the
        layout's sizes pictograms are dropped before the text shrinks further."""
        if not (side == "front" and self.spec.pictograms):
            for s in self.scales():
                yield s, False
            return
        for s in self.scales():
            if s > 1.0 + 1e-9:
                yield s, True
            else:
                yield s, True
                yield s, False

    def fit(self, side: str, count: int) -> tuple[dict, list[list[Placed]], Band] | None:
        """The largest text (pictograms when they fit) that puts ``side`` on ``count`` faces,
        shared out evenly so no card of a set is left nearly empty."""
        for s, p in self._attempts(side):
            st = self.styles(s)
            band = self.band(side, st, count, count)
            frames = self.frames(band, st)
            result = self.pack(self.items(side, st, p), frames, count)
            if result.unplaced is None:
                if count > 1:
                    result = self._balanced(side, st, p, frames, count, result)
                return st, result.faces, band
        return None

    def _balanced(self, side: str, st: dict, pictograms: bool, frames: list[Rect], count: int, packed: Packing) -> Packing:
        """The same text shared out so the cards of a set fill alike and none is left blank."""
        if len(frames) == 1:
            chunks = self._partition(self.items(side, st, pictograms), frames[0], count)
            if chunks is not None:
                faces = []
                for chunk in chunks:
                    result = self.pack(chunk, frames, 1)
                    if result.unplaced is not None:
                        break
                    faces.append(result.faces[0])
                else:
                    return Packing(faces, None)
        lo, hi = 0.0, max(f.h for f in frames)
        best = packed
        for _ in range(14):
            mid = (lo + hi) / 2
            trial = self.pack(self.items(side, st, pictograms), frames, count, limit=mid)
            if trial.unplaced is None:
                best, hi = trial, mid
            else:
                lo = mid
        return best

    @staticmethod
    def _partition(items: list[Item], frame: Rect, count: int) -> list[list[Item]] | None:
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

    def needed(self, side: str) -> int:
        """How many faces ``side`` needs at the minimum size."""
        s = self.scales()[-1]
        st = self.styles(s)
        items = self.items(side, st, False)
        band = self.band(side, st, 9, 9)
        limit = max(1, len(items))
        result = self.pack(items, self.frames(band, st), limit)
        if result.unplaced is not None:
            raise self._overflow(side, items[result.unplaced], st, every_face=True)
        return max(1, sum(1 for f in result.faces if f))

    def _overflow(self, side: str, item: Item, st: dict, every_face: bool = False) -> CardOverflow:
        size = f"{self.minimum:g} pt"
        if every_face:
            why = f"{item.label} is too long for a whole {side} face even at {size}"
        else:
            why = (f"does not fit on one card at the minimum size of {size}, from {item.label} on; "
                   f"the layout says overflow: fail (use a larger card, or a layout with overflow: continue)")
        return CardOverflow(Problem(self.r.id, None, f"{self.layout_name} card {side}", why))

    def compose(self) -> CardSet:
        count = max(self.needed("front"), self.needed("back"))
        if count > 1 and self.spec.overflow == "fail":
            problems = []
            for side in ("front", "back"):
                st = self.styles(self.scales()[-1])
                items = self.items(side, st, False)
                result = self.pack(items, self.frames(self.band(side, st, 1, 1), st), 1)
                if result.unplaced is not None:
                    problems += self._overflow(side, items[result.unplaced], st).problems
            raise CardOverflow(problems)
        while True:
            fitted = {side: self.fit(side, count) for side in ("front", "back")}
            if all(fitted.values()):
                break
            count += 1  # a band label one digit wider can cost a line; never silently drop
        faces: dict[str, list[CardFace]] = {}
        for side in ("front", "back"):
            st, placed_faces, _ = fitted[side]  # type: ignore[misc]
            faces[side] = [self._face(side, k + 1, count, st, placed_faces[k]) for k in range(count)]
        return CardSet(self.r.id, self.r.title, faces["front"], faces["back"])

    def _face(self, side: str, number: int, count: int, st: dict, placed: list[Placed]) -> CardFace:
        band = self.band(side, st, number, count)
        sizes = {st[n].fontSize for n in st}
        return CardFace(side, number, count, self.width, self.height, self.panels, self.safe, band, placed,
                        self.spec.background, self.spec.corner_radius, self.spec.fold_marks and self.n_panels > 1,
                        strip=self.spec.safe_zone * 0.5, sizes=sizes)


def _descender_overhang(st: dict[str, ParagraphStyle]) -> float:
    """How far descenders of a paragraph's last line reach below its box (the leading gives
    only part of the font's descent), so text at the foot of a panel stays in the safe zone."""
    out = 0.0
    for style in st.values():
        descent = -pdfmetrics.getFont(style.fontName).face.descent / 1000
        out = max(out, descent * style.fontSize - (style.leading - style.fontSize))
    return out


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def step_detail(step: Step) -> str:
    """Hand use, pressure and dosage in compact form: 'thumb · firm · 1 min each side'."""
    parts = []
    if step.hand_use:
        parts.append(", ".join(HAND_USE_LABELS[h] for h in step.hand_use))
    if step.pressure:
        parts.append(step.pressure.value)
    if step.dosage:
        parts.append(step.dosage.compact())
    return " · ".join(p for p in parts if p)


def compose_card(routine: Routine, layout: Layout, clinic: Clinic | None, layout_name: str = "") -> CardSet:
    """Every card face of ``routine`` laid out; raises :class:`CardOverflow` when the layout forbids more cards."""
    return CardComposer(routine, layout, clinic, layout_name).compose()


# --------------------------------------------------------------------------- drawing


def draw_face(c: Canvas, face: CardFace, ox: float = 0.0, oy: float = 0.0, bleed: float = 0.0) -> None:
    """Paint ``face`` with its trim's bottom-left corner at (ox, oy); colour reaches ``bleed`` past the trim."""
    c.saveState()
    c.translate(ox, oy)
    clip = c.beginPath()
    if bleed > 0 or face.corner_radius <= 0:
        clip.rect(-bleed, -bleed, face.width + 2 * bleed, face.height + 2 * bleed)
    else:
        clip.roundRect(0, 0, face.width, face.height, face.corner_radius)
    c.clipPath(clip, stroke=0, fill=0)
    c.setFillColor(HexColor(face.background))
    c.rect(-bleed, -bleed, face.width + 2 * bleed, face.height + 2 * bleed, stroke=0, fill=1)
    _draw_band(c, face, bleed)
    if face.fold_lines:
        c.setStrokeColor(HexColor("#9aa5ae"))
        c.setLineWidth(0.5)
        c.setDash(1, 2.5)
        for panel in face.panels[1:]:
            c.line(panel.x, 0, panel.x, face.height - face.band.height)
        c.setDash()
    for p in face.placed:
        p.flowable.drawOn(c, p.x, p.y)
    c.restoreState()


def _draw_band(c: Canvas, face: CardFace, bleed: float) -> None:
    band = face.band
    first = face.panels[0]
    c.setFillColor(HexColor(band.color))
    left = first.x - bleed
    right = first.right + (bleed if len(face.panels) == 1 else 0.0)
    c.rect(left, face.height - band.height, right - left, band.height + bleed, stroke=0, fill=1)
    for panel in face.panels[1:]:
        r = panel.right + (bleed if panel is face.panels[-1] else 0.0)
        c.rect(panel.x, face.height - face.strip, r - panel.x, face.strip + bleed, stroke=0, fill=1)
    safe = face.safe[0]
    top = safe.top
    if band.title is not None:
        band.title.drawOn(c, safe.x, top - band.title_h)
    if band.label is not None:
        lh = band.label.wrap(band.label_w, 1e6)[1]
        first_line = band.title.style.leading if band.title is not None else lh
        # share the first line's baseline with the title
        y = top - lh - (first_line - band.label.style.leading) * 0.5
        band.label.drawOn(c, safe.right - band.label_w, y)


# --------------------------------------------------------------------------- documents


def new_canvas(buf: io.BytesIO, size: tuple[float, float], title: str, subject: str, author: str, lang: str) -> Canvas:
    """A reproducible canvas that starts in our embedded font (never an unembedded Helvetica)."""
    c = Canvas(buf, pagesize=size, invariant=1, initialFontName=face_name("atkinson"), initialFontSize=10,
               lang=lang)
    c.setTitle(title)
    c.setSubject(subject)
    c.setAuthor(author)
    c.setCreator("handouts")
    return c


def render_card_pages(cards: CardSet, routine: Routine, clinic: Clinic | None, bleed: float = 0.0) -> bytes:
    """One page per face, front then back for each card (fronts on odd pages); TrimBox and BleedBox set."""
    w, h = cards.size
    page = (w + 2 * bleed, h + 2 * bleed)
    buf = io.BytesIO()
    author = clinic.name if clinic else (routine.source.publisher or "handouts")
    c = new_canvas(buf, page, routine.title, routine.summary, author, routine.language)
    for front, back in cards.cards:
        for face in (front, back):
            c.setTrimBox((bleed, bleed, bleed + w, bleed + h))
            c.setBleedBox((0, 0, page[0], page[1]))
            draw_face(c, face, bleed, bleed, bleed)
            c.showPage()
    c.save()
    return buf.getvalue()

