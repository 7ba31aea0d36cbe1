"""Fitting: text as large as fits, on as few cards as the layout's minimum size allows.

Text is set at the layout's sizes (or up to ``grow`` larger), scaled down step
by step only as far as the layout's minimum; pictograms go before the text
shrinks further. Whatever still does not fit continues on another card
(``overflow: continue``), shared out so no card of a set is left nearly empty,
or stops the build with a message naming the routine, the face and what did
not fit (``overflow: fail``). Safety lines are never dropped, shortened or merged.
"""

from __future__ import annotations

from typing import Iterator

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics

from ...errors import HandoutsError, Problem
from ...layout_models import Layout
from ...models import Clinic, Routine
from ...styles import paragraph_styles
from .content import Band, CardContent, Item
from .faces import CardFace, CardSet
from .geometry import Rect
from .pack import Packing, Placed, pack, partition

TEXT_STYLES = ("cue", "detail", "safety", "contact")
BAND_STYLES = ("title", "band")


class CardOverflow(HandoutsError):
    """The card's text does not fit at the minimum size and the layout forbids more cards."""


def _scaled(style: ParagraphStyle, s: float, minimum: float) -> ParagraphStyle:
    size = max(minimum, round(style.fontSize * s * 4) / 4)
    ratio = size / style.fontSize
    return ParagraphStyle(f"{style.name}@{size:g}", parent=style, fontSize=size, leading=style.leading * ratio,
                          spaceBefore=style.spaceBefore * s, spaceAfter=style.spaceAfter * s,
                          leftIndent=style.leftIndent * ratio)


def _descender_overhang(st: dict[str, ParagraphStyle]) -> float:
    """How far descenders of a paragraph's last line reach below its box (the leading gives
    only part of the font's descent), so text at the foot of a panel stays in the safe zone."""
    out = 0.0
    for style in st.values():
        descent = -pdfmetrics.getFont(style.fontName).face.descent / 1000
        out = max(out, descent * style.fontSize - (style.leading - style.fontSize))
    return out


class CardComposer:
    """Lays out one routine on as few cards as the layout's minimum size allows, text as large as fits."""

    def __init__(self, routine: Routine, layout: Layout, clinic: Clinic | None, layout_name: str = ""):
        assert layout.card is not None, "a card layout has a card block"
        self.r = routine
        self.spec = layout.card
        self.layout_name = layout_name or "card"
        self.content = CardContent(routine, layout, clinic)
        self.base = paragraph_styles(layout)
        self.minimum = layout.min_font_size
        self.panel_w, self.panel_h = layout.page.dimensions
        self.n_panels = self.spec.panels
        self.width = self.panel_w * self.n_panels
        self.height = self.panel_h
        sz = self.spec.safe_zone
        self.panels = [Rect(i * self.panel_w, 0, self.panel_w, self.panel_h) for i in range(self.n_panels)]
        self.safe = [p.inset(sz) for p in self.panels]

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

    # ------------------------------------------------------------ room

    def band(self, side: str, st: dict[str, ParagraphStyle], number: int, count: int) -> Band:
        return self.content.band(side, st, number, count, self.safe[0].w)

    def frames(self, band: Band, st: dict[str, ParagraphStyle]) -> list[Rect]:
        """The text areas of one face: each panel's safe area, the first one below the band."""
        out = []
        below = band.height + (st["cue"].fontSize * 0.6 if band.title is not None else 0.0)
        lift = _descender_overhang(st)
        for i, safe in enumerate(self.safe):
            top = min(safe.top, self.height - below) if i == 0 else safe.top
            out.append(Rect(safe.x, safe.y + lift, safe.w, top - safe.y - lift))
        return out

    # ------------------------------------------------------------ search

    def _attempts(self, side: str) -> Iterator[tuple[float, bool]]:
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
            result = pack(self.content.items(side, st, p), frames, count)
            if result.unplaced is None:
                if count > 1:
                    result = self._balanced(side, st, p, frames, count, result)
                return st, result.faces, band
        return None

    def _balanced(self, side: str, st: dict, pictograms: bool, frames: list[Rect], count: int, packed: Packing) -> Packing:
        """The same text shared out so the cards of a set fill alike and none is left blank."""
        if len(frames) == 1:
            chunks = partition(self.content.items(side, st, pictograms), frames[0], count)
            if chunks is not None:
                faces = []
                for chunk in chunks:
                    result = pack(chunk, frames, 1)
                    if result.unplaced is not None:
                        break
                    faces.append(result.faces[0])
                else:
                    return Packing(faces, None)
        lo, hi = 0.0, max(f.h for f in frames)
        best = packed
        for _ in range(14):
            mid = (lo + hi) / 2
            trial = pack(self.content.items(side, st, pictograms), frames, count, limit=mid)
            if trial.unplaced is None:
                best, hi = trial, mid
            else:
                lo = mid
        return best

    def needed(self, side: str) -> int:
        """How many faces ``side`` needs at the minimum size."""
        s = self.scales()[-1]
        st = self.styles(s)
        items = self.content.items(side, st, False)
        band = self.band(side, st, 9, 9)
        limit = max(1, len(items))
        result = pack(items, self.frames(band, st), limit)
        if result.unplaced is not None:
            raise self._overflow(side, items[result.unplaced], every_face=True)
        return max(1, sum(1 for f in result.faces if f))

    def _overflow(self, side: str, item: Item, every_face: bool = False) -> CardOverflow:
        size = f"{self.minimum:g} pt"
        if every_face:
            why = f"{item.label} is too long for a whole {side} face even at {size}"
        else:
            why = (f"does not fit on one card at the minimum size of {size}, from {item.label} on; "
                   f"the layout says overflow: fail (use a larger card, or a layout with overflow: continue)")
        return CardOverflow(Problem(self.r.id, None, f"{self.layout_name} card {side}", why))

    # ------------------------------------------------------------ result

    def compose(self) -> CardSet:
        count = max(self.needed("front"), self.needed("back"))
        if count > 1 and self.spec.overflow == "fail":
            problems = []
            for side in ("front", "back"):
                st = self.styles(self.scales()[-1])
                items = self.content.items(side, st, False)
                result = pack(items, self.frames(self.band(side, st, 1, 1), st), 1)
                if result.unplaced is not None:
                    problems += self._overflow(side, items[result.unplaced]).problems
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


def compose_card(routine: Routine, layout: Layout, clinic: Clinic | None, layout_name: str = "") -> CardSet:
    """Every card face of ``routine`` laid out; raises :class:`CardOverflow` when the layout forbids more cards."""
    return CardComposer(routine, layout, clinic, layout_name).compose()
