"""Fitting: text as large as fits, on as few cards as the layout's minimum size allows.

Text is set at the layout's sizes (or up to ``grow`` larger), scaled down step
by step only as far as the layout's minimum (the back's own, larger minimum
for safety: it is read at arm's length); step pictures and pictograms go
before the text shrinks further. A back too long for the cards the steps need
is set as the routine's own card summary (red flags and the 'see a doctor'
line in full, the rest in the routine's short words, and a pointer to the
handout); a routine without one keeps every line. Whatever still does not
fit continues on another card (``overflow: continue``) — first into the room
the fronts have left, so no card starts while a front is half empty — or stops
the build with a message naming the routine, the face and what did not fit
(``overflow: fail``). Code never writes a summary of its own.
"""

from __future__ import annotations

from typing import Iterator

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics

from ...errors import HandoutsError, Problem
from ...layout_models import CardSection, Layout
from ...models import Clinic, Routine
from ...styles import paragraph_styles
from .content import Band, CardContent, Item
from .faces import CardFace, CardSet
from .geometry import Rect
from .pack import Packing, Placed, pack, pack_slots, partition

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
        self.base = paragraph_styles(layout, routine.language)
        self.minimum = layout.min_font_size
        self.back_minimum = max(self.minimum, self.spec.back_min_font_size)
        self.panel_w, self.panel_h = layout.page.dimensions
        self.n_panels = self.spec.panels
        self.width = self.panel_w * self.n_panels
        self.height = self.panel_h
        sz = self.spec.safe_zone
        self.panels = [Rect(i * self.panel_w, 0, self.panel_w, self.panel_h) for i in range(self.n_panels)]
        self.safe = [p.inset(sz) for p in self.panels]

    # ------------------------------------------------------------ scale

    def side_minimum(self, side: str) -> float:
        """The back's minimum on a face that carries safety or the contact, the layout's elsewhere."""
        sections = self.content.sections(side)
        return self.back_minimum if CardSection.safety in sections or CardSection.contact in sections else self.minimum

    def scales(self, side: str = "front") -> list[float]:
        """Scales to try, largest first; the last sets every text style at the minimum size."""
        largest = max(self.base[n].fontSize for n in TEXT_STYLES)
        floor = min(1.0, self.side_minimum(side) / largest)
        out = []
        s = self.spec.grow
        while s > floor + 1e-9:
            out.append(round(s, 4))
            s -= 0.03
        out.append(floor)
        return out

    def styles(self, s: float, side: str = "front") -> dict[str, ParagraphStyle]:
        """The layout's styles at scale ``s``; the band keeps its size when the text grows (a bigger
        title would only take the room the growth is for)."""
        minimum = self.side_minimum(side)
        return {name: _scaled(st, min(s, 1.0) if name in BAND_STYLES else s, minimum)
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

    def _attempts(self, side: str) -> Iterator[tuple[float, bool, bool]]:
        """(scale, pictograms, pictures) to try, best first: text grows only with all its pictures; at and
        below the layout's sizes step pictures, then pictograms, are dropped before the text shrinks further."""
        pictures = side == "front" and self.spec.pictures == "steps"
        pictograms = side == "front" and self.spec.pictograms
        richest_first = ([(pictograms, True)] if pictures else []) + ([(True, False)] if pictograms else []) + [(False, False)]
        for s in self.scales(side):
            for p, pics in (richest_first if s <= 1.0 + 1e-9 else richest_first[:1]):
                yield s, p, pics

    def items(self, side: str, st: dict, pictograms: bool = False, pictures: bool = False,
              variant: dict | None = None) -> list[Item]:
        return self.content.items(side, st, pictograms, with_pictures=pictures, **(variant or {}))

    def fit(self, side: str, count: int, variant: dict | None = None) -> tuple[dict, list[list[Placed]], Band] | None:
        """The largest text (pictures and pictograms when they fit) that puts ``side`` on ``count`` faces,
        shared out evenly so no card of a set is left nearly empty."""
        for s, p, pics in self._attempts(side):
            st = self.styles(s, side)
            band = self.band(side, st, count, count)
            frames = self.frames(band, st)
            result = pack(self.items(side, st, p, pics, variant), frames, count)
            if result.unplaced is None:
                if count > 1:
                    result = self._balanced(side, st, p, pics, variant, frames, count, result)
                return st, result.faces, band
        return None

    def _balanced(self, side: str, st: dict, pictograms: bool, pictures: bool, variant: dict | None,
                  frames: list[Rect], count: int, packed: Packing) -> Packing:
        """The same text shared out so the cards of a set fill alike and none is left blank."""
        if len(frames) == 1:
            chunks = partition(self.items(side, st, pictograms, pictures, variant), frames[0], count)
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
            trial = pack(self.items(side, st, pictograms, pictures, variant), frames, count, limit=mid)
            if trial.unplaced is None:
                best, hi = trial, mid
            else:
                lo = mid
        return best

    def needed(self, side: str, variant: dict | None = None) -> int:
        """How many faces ``side`` needs at the minimum size."""
        s = self.scales(side)[-1]
        st = self.styles(s, side)
        items = self.items(side, st, False, False, variant)
        band = self.band(side, st, 9, 9)
        limit = max(1, len(items))
        result = pack(items, self.frames(band, st), limit)
        if result.unplaced is not None:
            raise self._overflow(side, items[result.unplaced], every_face=True)
        return max(1, sum(1 for f in result.faces if f))

    def back_variants(self) -> list[dict]:
        """What the back may carry, best first: every safety line with the QR codes, without them, then
        the routine's own card summary with and without them."""
        codes = [True, False] if self.content.links() else [False]
        summaries = [False, True] if self.content.has_summary() else [False]
        return [{"summary": summary, "codes": code} for summary in summaries for code in codes]

    def _overflow(self, side: str, item: Item, every_face: bool = False) -> CardOverflow:
        size = f"{self.side_minimum(side):g} pt"
        if every_face:
            why = f"{item.label} is too long for a whole {side} face even at {size}"
        else:
            why = (f"does not fit on one card at the minimum size of {size}, from {item.label} on; "
                   f"the layout says overflow: fail (use a larger card, or a layout with overflow: continue)")
        return CardOverflow(Problem(self.r.id, None, f"{self.layout_name} card {side}", why))

    # ------------------------------------------------------------ spill

    def spill(self, count: int, front_n: int, variant: dict) -> dict[str, list[CardFace]] | None:
        """Steps filling the fronts in order, safety on the backs and then in the room the fronts leave
        (below the last step, and the fronts no step needs), read card by card; None if it does not fit."""
        steps = self._steps_in_order(front_n, count)
        if steps is None:
            return None
        fst, fframes, step_faces = steps
        step_faces = step_faces + [[] for _ in range(count - front_n)]
        last = max(k for k, f in enumerate(step_faces) if f)
        for s in self.scales("back"):
            bst = self.styles(s, "back")
            bframes = self.frames(self.band("back", bst, 1, count), bst)
            gap = bst["safety_head"].fontSize * 1.2
            least = 4 * bst["safety"].leading + bst["safety_head"].leading  # a heading never sits there alone
            slots: list[Rect] = []
            face_of: list[int] = []
            for k in range(count):
                if k == last:
                    for room in self._room_below(step_faces[k], fframes, gap, least):
                        slots.append(room)
                        face_of.append(2 * k)
                elif k > last:
                    slots += fframes
                    face_of += [2 * k] * len(fframes)
                slots += bframes
                face_of += [2 * k + 1] * len(bframes)
            result = pack_slots(self.items("back", bst, variant=variant), slots, face_of, 2 * count)
            if result.unplaced is not None:
                continue
            fronts = [self._face("front", k + 1, count, [fst] + ([bst] if result.faces[2 * k] else []),
                                 step_faces[k] + result.faces[2 * k]) for k in range(count)]
            backs = [self._face("back", k + 1, count, [bst], result.faces[2 * k + 1]) for k in range(count)]
            return {"front": fronts, "back": backs}
        return None

    def _steps_in_order(self, faces: int, count: int) -> tuple[dict, list[Rect], list[list[Placed]]] | None:
        """The steps at the largest size that fills ``faces`` fronts in order, the title band numbered
        for a set of ``count`` cards."""
        for s, p, pics in self._attempts("front"):
            st = self.styles(s, "front")
            frames = self.frames(self.band("front", st, count, count), st)
            result = pack(self.items("front", st, p, pics), frames, faces)
            if result.unplaced is None:
                return st, frames, result.faces
        return None

    @staticmethod
    def _room_below(placed: list[Placed], frames: list[Rect], gap: float, least: float) -> list[Rect]:
        """The frames of a face left free below its last item, this panel's remainder (when at least
        ``least`` high) then the next panels."""
        used = [k for k, f in enumerate(frames) if any(abs(p.x - f.x) < 1e-6 for p in placed)]
        k = max(used) if used else 0
        frame = frames[k]
        low = min((p.y for p in placed if abs(p.x - frame.x) < 1e-6), default=frame.top + gap)
        out = []
        if low - gap - frame.y >= least:
            out.append(Rect(frame.x, frame.y, frame.w, low - gap - frame.y))
        return out + frames[k + 1:]

    # ------------------------------------------------------------ result

    def compose(self) -> CardSet:
        """The fewest cards; for that many, the best back: every line before the routine's summary,
        on the backs alone before going on into the room the fronts leave."""
        front_n = self.needed("front")
        needs = []
        for variant in self.back_variants():
            try:
                needs.append((variant, self.needed("back", variant)))
            except CardOverflow:
                if not variant["codes"]:
                    raise  # codes taller than a whole back are left off; anything else is the card's limit
        fewest = min(n for _, n in needs)
        for count in range(front_n, max(front_n, fewest) + 1):
            if count > 1 and self.spec.overflow == "fail":
                raise self._overflow_fail(min(needs, key=lambda vn: vn[1])[0])
            for variant, n in needs:
                if n <= count:
                    return self._regular(count, variant)
                spilled = self.spill(count, front_n, variant)
                if spilled is not None:
                    return CardSet(self.r.id, self.r.title, spilled["front"], spilled["back"], variant["summary"])
        raise AssertionError("the back with the fewest faces always fits that many cards")

    def _overflow_fail(self, variant: dict) -> CardOverflow:
        problems = []
        for side in ("front", "back"):
            st = self.styles(self.scales(side)[-1], side)
            items = self.items(side, st, variant=variant if side == "back" else None)
            result = pack(items, self.frames(self.band(side, st, 1, 1), st), 1)
            if result.unplaced is not None:
                problems += self._overflow(side, items[result.unplaced]).problems
        return CardOverflow(problems)

    def _regular(self, count: int, variant: dict) -> CardSet:
        """Steps shared out over the fronts, the safety over the backs."""
        while True:
            fitted = {side: self.fit(side, count, variant if side == "back" else None) for side in ("front", "back")}
            if all(fitted.values()):
                break
            count += 1  # a band label one digit wider can cost a line; never silently drop
        faces: dict[str, list[CardFace]] = {}
        for side in ("front", "back"):
            st, placed_faces, _ = fitted[side]  # type: ignore[misc]
            faces[side] = [self._face(side, k + 1, count, [st], placed_faces[k]) for k in range(count)]
        return CardSet(self.r.id, self.r.title, faces["front"], faces["back"], variant["summary"])

    def _face(self, side: str, number: int, count: int, styles: list[dict], placed: list[Placed]) -> CardFace:
        band = self.band(side, styles[0], number, count)
        sizes = {st[n].fontSize for st in styles for n in st}
        return CardFace(side, number, count, self.width, self.height, self.panels, self.safe, band, placed,
                        self.spec.background, self.spec.corner_radius, self.spec.fold_marks and self.n_panels > 1,
                        strip=self.spec.safe_zone * 0.5, sizes=sizes)


def compose_card(routine: Routine, layout: Layout, clinic: Clinic | None, layout_name: str = "") -> CardSet:
    """Every card face of ``routine`` laid out; raises :class:`CardOverflow` when the layout forbids more cards."""
    return CardComposer(routine, layout, clinic, layout_name).compose()
