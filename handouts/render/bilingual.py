"""A routine and its translation in one document, for a family where the patient reads one
language and the carer another.

Each language's words come from its own routine and its own message catalog; what both share
is printed once: each step's number and picture, the person's details, the notes box and the
tracking log (their headings in both languages, from both catalogs). The layout's ``bilingual``
says how the two languages sit:

- ``columns``: side by side. Each step is one block: its number and picture, then the step in
  the first language and in the second, each column starting at the step's top, so the two
  readers find the same step at the same height. Other sections are two columns, one per
  language, each with its own heading. Columns break across pages together (:mod:`.columns`).
- ``alternating``: each block in the first language, then in the second; a step keeps its one
  number and picture beside both texts.

Every line of both routines prints; the safety box of each language is whole, as in a
one-language handout. The PDF names the first language as its language: ReportLab cannot tag
the second language's spans, so a screen reader reads them with the first language's voice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from reportlab.lib.colors import HexColor
from reportlab.platypus import Spacer, Table
from reportlab.platypus.flowables import HRFlowable

from .. import labels
from ..layout_models import PICTURE_GAP
from ..models import Phase, Routine, Step
from ..text import markup
from .clinic_sheet import SheetRenderer
from .clinic_sheet.links import link_block
from .clinic_sheet.tiles import TileMaker, detail_words, icon_strip, picture as tile_picture
from .columns import Columns
from .flowables import MOVE_SHARE, Breakable, ContinuedBox, Para, StepDisc, cell_style, stack_height
from .handout import LOW_PICTURE_SCALE, HandoutInput, HandoutRenderer, _outlined, practice_frequency
from .qr import min_size_for


@dataclass(frozen=True)
class Translation:
    """The second language of a bilingual document: the translation (or the original) printed
    beside the routine the request named."""

    routine: Routine
    base_file: Path | None = None


JOINED = " / "
"""Between a label's two languages where it prints once for both ('Notes / Notas')."""

FIRST_ONLY = frozenset({"colon", "continued", "number", "language", "messages", "_", "page_of"})
"""Labels that wrap or count another text: the first language's alone, or the text would print twice."""


class JoinedLabels:
    """Both catalogs' labels for what a bilingual document prints once: a heading in both
    languages, each from its own catalog ('Notes / Notas'); the same word once."""

    def __init__(self, first: labels.Labels, second: labels.Labels):
        self.first = first
        self.second = second

    def __getattr__(self, name: str):
        a = getattr(self.first, name)
        if name in FIRST_ONLY:
            return a
        b = getattr(self.second, name)
        if callable(a):
            def both(*args, **kwargs):
                x, y = a(*args, **kwargs), b(*args, **kwargs)
                return _joined(x, y) if isinstance(x, str) and isinstance(y, str) else x
            return both
        return _joined(a, b)


def _joined(a: str, b: str) -> str:
    return a if a == b else f"{a}{JOINED}{b}"


def _step_places(routine: Routine) -> list[tuple[Phase | None, Step]]:
    """Each step with the phase it opens (None when it opens none)."""
    out: list[tuple[Phase | None, Step]] = []
    for phase, steps in routine.grouped_steps():
        out += [(phase if i == 0 else None, step) for i, step in enumerate(steps)]
    return out


class _BreakingSafety:
    """A side whose safety box, with its translation beside or after it, breaks like text."""

    def box(self, name: str, title: str, body: list) -> list:
        """Boxes as a one-language handout draws them, except that with its translation the
        safety box starts on the page it reaches and goes on under "(continued)": two boxes (at
        half a page's width, each nearly a page tall) moved whole left pages half blank."""
        spec = self.layout.boxes.get(name)
        if name != "safety" or not self.breaks_safety or spec is None:
            return super().box(name, title, body)  # type: ignore[misc]
        more = lambda: self.p(self.labels.continued(title), spec.title_style)  # noqa: E731
        return [_outlined(ContinuedBox(self.p(title, spec.title_style), more, body, spec, self.width, self.height,
                                       move_below=self.height * MOVE_SHARE), title),
                Spacer(1, self.styles["body"].fontSize * 0.8)]

    breaks_safety = False


class _Side(_BreakingSafety, HandoutRenderer):
    """One language's half of a bilingual handout: its routine and labels, at a column's width."""

    def __init__(self, data: HandoutInput, width: float, text_width: float):
        super().__init__(data)
        self.width = width
        self._text_width = text_width

    def text_width(self) -> float:
        return self._text_width


    def step_column(self, number: int, step: Step) -> list:
        """The step's text under its title: its number is printed once for both languages."""
        text = self.step_text(number, step)
        title = self.p(step.title, "step_title")
        title.keepWithNext = True  # never alone at the foot of a column
        return [title, *text[1:]]

    def phase_column(self, phase: Phase | None) -> list:
        if phase is None:
            return []
        return [self.p(phase.title, "phase"), *([self.p(phase.purpose, "body")] if phase.purpose else [])]


class _Shared(HandoutRenderer):
    """What the two languages share, at the full width, its headings in both languages."""

    def __init__(self, data: HandoutInput, first: HandoutRenderer, second: HandoutRenderer):
        super().__init__(data)
        self.first, self.second = first, second
        self.labels = JoinedLabels(first.labels, second.labels)

    def section_tracking_log(self) -> list:
        """One log for both readers; its heading and day labels in both languages, its sentence
        in each language with that language's own frequency words."""
        out = super().section_tracking_log()
        if not out:
            return out
        group = out[0]
        intros = []
        for side in (self.first, self.second):
            often = practice_frequency(side.r, side.labels)
            intros.append(side.p(side.labels.tracking_intro(often.words if often else None), "body"))
        group._content[1:2] = intros
        return out


def breakable(lead: list, block: Columns, frame_height: float, smaller: Callable[[], list[Columns]] = list,
              ) -> Breakable:
    """``block`` (with the headings ``lead`` before it) kept on one page when it fits; otherwise,
    when the page it reaches has room for a start, cut there, every column at once. ``smaller``
    gives the same block with its picture drawn smaller, tried when the picture is what does
    not fit: a step starts at the foot of a page rather than leave it blank."""
    def pieces(width: float, room: float) -> list | None:
        above = stack_height(lead, width) if lead else 0.0
        if room <= above:
            return None
        for candidate in [block, *smaller()]:
            parts = candidate.split(width, room - above)
            if len(parts) > 1:
                return [*lead, *parts]
        return None
    group = Breakable([*lead, block], pieces, frame_height)
    entry = getattr(block, "_outline", None) or next((getattr(f, "_outline") for f in lead if hasattr(f, "_outline")), None)
    if entry is not None:
        group._outline = entry
    return group


class BilingualRenderer(HandoutRenderer):
    """A multi-page handout in two languages, arranged as the layout's ``bilingual`` says.

    The safety box of each language starts under the title and breaks where the page ends
    (see :meth:`_Side.box`), so no short section is moved ahead of it."""

    FILLERS = ()

    def __init__(self, data: HandoutInput, second: Translation):
        super().__init__(data)
        self.mode = data.layout.bilingual or "columns"
        ill = self.layout.illustrations
        self.gap = PICTURE_GAP
        self.disc = self.styles["step_number"].fontSize * 1.9
        self.picture_width = ill.width if ill.position != "none" else self.disc
        other = replace(data, routine=second.routine, base_file=second.base_file)
        if self.mode == "columns":
            half = (self.width - self.gap) / 2
            self.column = (self.width - self.picture_width - 2 * self.gap) / 2
            self.a, self.b = _Side(data, half, self.column), _Side(other, half, self.column)
        else:
            text = self.width - self.picture_width - self.gap
            self.a, self.b = _Side(data, self.width, text), _Side(other, self.width, text)
        self.a.breaks_safety = self.b.breaks_safety = True
        self.both = _Shared(data, self.a, self.b)

    # ------------------------------------------------------------------ arranging

    def pair(self, a: list, b: list) -> list:
        """One section in both languages: side by side, or one after the other."""
        if not a and not b:
            return []
        if self.mode == "alternating":
            return [*a, *b]
        return self.side_by_side(a, b)

    def side_by_side(self, a: list, b: list) -> list:
        half = (self.width - self.gap) / 2
        both = Columns([a, b], [half, half], [self.gap])
        first = next((f for f in a if hasattr(f, "_outline")), None)
        if first is not None:
            both._outline = first._outline
        return [breakable([], both, self.height), Spacer(1, self.styles["body"].fontSize * 0.5)]

    def each(self, name: str) -> list:
        return self.pair(getattr(self.a, name)(), getattr(self.b, name)())

    # ------------------------------------------------------------------ sections

    def section_title(self) -> list:
        return self.each("section_title")

    def section_personal(self) -> list:
        return self.both.section_personal()

    def section_what_you_need(self) -> list:
        return self.each("section_what_you_need")

    def section_assessment(self) -> list:
        return self.each("section_assessment")

    def section_safety(self) -> list:
        return self.each("section_safety")

    def section_hand_tips(self) -> list:
        return self.each("section_hand_tips")

    def section_tips(self) -> list:
        return self.each("section_tips")

    def section_glossary(self) -> list:
        return self.each("section_glossary")

    def section_legend(self) -> list:
        return self.each("section_legend")

    def section_source(self) -> list:
        """Each language's source line, side by side in either arrangement: a footnote, it takes
        half the height so, and shares the last page with the notes box."""
        return self.side_by_side(self.a.section_source(), self.b.section_source())

    def section_tracking_log(self) -> list:
        return self.both.section_tracking_log()

    def section_notes(self) -> list:
        return self.both.section_notes()

    def section_steps(self) -> list:
        """Numbered steps, each one block: the number and picture once, both languages beside it."""
        out: list = []
        lead: list = [self.both.h2(self.both.labels.STEPS)]
        places = zip(_step_places(self.a.r), _step_places(self.b.r))
        for number, ((phase_a, step_a), (phase_b, step_b)) in enumerate(places, start=1):
            # A phase's heading opens its first step's columns, so the two start together.
            def block(scale: float = 1.0, number=number, step_a=step_a, step_b=step_b, phase_a=phase_a,
                      phase_b=phase_b) -> Columns:
                made = self.text_block(self.number_column(number, step_a, scale),
                                       [*self.a.phase_column(phase_a), *self.a.step_column(number, step_a)],
                                       [*self.b.phase_column(phase_b), *self.b.step_column(number, step_b)])
                made._outline = (f"{number}. {step_a.title}", 2 if self.a.r.phases else 1)
                return made
            smaller = (lambda block=block: [block(scale) for scale in FOOT_SCALES])
            out += [breakable(lead, block(), self.height, smaller), Spacer(1, self.layout.step_gap)]
            lead = []
        return out

    def number_column(self, number: int, step: Step, scale: float = 1.0) -> list:
        """The step's number and its picture, printed once for both languages."""
        st = self.styles["step_number"]
        disc = StepDisc(number, st.fontName, st.fontSize, self.brand.primary, self.disc)
        if self.layout.illustrations.position == "none":
            return [disc]
        picture = self.a.step_picture(step, scale)
        beside = self.picture_width - self.disc - 4
        if scale < 1 and self.layout.illustrations.width * scale <= beside:
            # Drawn smaller at the foot of a page, the picture leaves room for the number beside it.
            t = Table([[disc, picture]], colWidths=[self.disc + 4, beside], hAlign="LEFT")
            t.setStyle(cell_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
            return [t]
        return [disc, Spacer(1, 4), picture]

    def text_block(self, numbered: list, a: list, b: list) -> Columns:
        """A step (or a phase's heading) in both languages, beside its number and picture."""
        if self.mode == "alternating":
            rule = HRFlowable(width="100%", thickness=0.75, color=HexColor(self.brand.light), spaceBefore=4,
                              spaceAfter=6)
            text = [*a, rule, *b] if a and b else [*a, *b]
            return Columns([numbered, text], [self.picture_width, self.a.text_width()], [self.gap], whole=(0,))
        return Columns([numbered, a, b], [self.picture_width, self.column, self.column], [self.gap, self.gap],
                       whole=(0,))


# ---------------------------------------------------------------------- clinic sheet


class _SheetSide(_BreakingSafety, SheetRenderer):
    """One language's half of a bilingual clinic sheet."""

    def __init__(self, data: HandoutInput, width: float):
        super().__init__(data)
        self.width = width

    def two_column_box(self, spec, body: list, groups: list) -> list | None:
        return None  # a half-page box reads best as one column


class _SheetShared(SheetRenderer):
    def __init__(self, data: HandoutInput, first: HandoutRenderer, second: HandoutRenderer):
        super().__init__(data)
        self.labels = JoinedLabels(first.labels, second.labels)


class BilingualSheetRenderer(SheetRenderer):
    """A clinic sheet in two languages: one tile a row, its number and picture once, the step's
    cue, brief, facts and caution in each language beside it (or one under the other)."""

    def __init__(self, data: HandoutInput, second: Translation):
        super().__init__(data)
        self.mode = data.layout.bilingual or "columns"
        self.gap = self.layout.sheet.column_gap
        other = replace(data, routine=second.routine, base_file=second.base_file)
        if self.mode == "columns":
            half = (self.width - self.gap) / 2
            self.a, self.b = _SheetSide(data, half), _SheetSide(other, half)
            self.a.breaks_safety = self.b.breaks_safety = True
        else:
            self.a, self.b = SheetRenderer(data), SheetRenderer(other)
        self.both = _SheetShared(data, self.a, self.b)

    def pair(self, a: list, b: list) -> list:
        if not a and not b:
            return []
        if self.mode == "alternating":
            return [*a, *b]
        half = (self.width - self.gap) / 2
        return [Columns([a, b], [half, half], [self.gap]), Spacer(1, 3)]

    def section_title(self) -> list:
        return self.pair(self.a.section_title(), self.b.section_title())

    def section_personal(self) -> list:
        return self.both.section_personal()

    def section_what_you_need(self) -> list:
        return self.pair(self.a.section_what_you_need(), self.b.section_what_you_need())

    def section_safety(self) -> list:
        return self.pair(self.a.section_safety(), self.b.section_safety())

    def section_steps(self) -> list:
        makers = [TileMaker(self.layout, side.styles, self.brand, side.data.base_file, self.scale, side.r, side.labels)
                  for side in (self.a, self.b)]
        tiles = []
        for number, ((phase_a, step_a), (phase_b, step_b)) in enumerate(
                zip(_step_places(self.a.r), _step_places(self.b.r)), start=1):
            tiles.append(self.tile(makers, number, (phase_a, step_a), (phase_b, step_b)))
        out: list = []
        for row in makers[0].rows(tiles):
            out += [row, Spacer(1, self.layout.sheet.row_gap)]
        return out

    def tile(self, makers: list[TileMaker], number: int, first: tuple, second: tuple) -> Table:
        ill = self.layout.illustrations
        st = self.styles
        inner = makers[0].inner
        gap = PICTURE_GAP
        disc = st["step_number"].fontSize * 1.75
        column: list = [StepDisc(number, st["step_number"].fontName, st["step_number"].fontSize, self.brand.primary, disc)]
        width = disc
        if ill.position != "none":
            width = min(makers[0].picture_width, (inner - 2 * gap) * MAX_TILE_PICTURE)
            height = makers[0].picture_height * width / makers[0].picture_width
            step = first[1]
            column += [Spacer(1, 3), tile_picture(step, width, height, self.brand, self.data.base_file,
                                                  st["detail"].fontSize, self.r)]
            icon = max(st["detail"].fontSize * 1.9, 20.0)
            strip = icon_strip(step, icon, self.brand, width) if ill.pictograms else None
            if strip is not None:
                column += [Spacer(1, 3), strip]
        if self.mode == "alternating":
            text_w = inner - width - gap
            a = self.tile_text(makers[0], *first, text_w)
            b = self.tile_text(makers[1], *second, text_w, link=second[1].video_url != first[1].video_url)
            rule = HRFlowable(width="100%", thickness=0.75, color=HexColor(self.brand.light), spaceBefore=2, spaceAfter=3)
            row, widths = [column, [*a, rule, *b]], [width + gap, text_w]
        else:
            text_w = (inner - width - 2 * gap) / 2
            a = self.tile_text(makers[0], *first, text_w)
            b = self.tile_text(makers[1], *second, text_w, link=second[1].video_url != first[1].video_url)
            row, widths = [column, a, "", b], [width + gap, text_w, gap, text_w]
        t = Table([row], colWidths=widths)
        t.setStyle(cell_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
        return t

    def tile_text(self, maker: TileMaker, phase: Phase | None, step: Step, width: float, link: bool = True) -> list:
        """A step's words in one language: its cue, brief, hand, pressure and dosage, and caution."""
        st, words = maker.st, maker.labels
        out: list = []
        if phase is not None:
            out.append(Para(markup(phase.title), st["phase"]))
        out.append(Para(markup(step.cue or step.title), st["cue"]))
        if step.brief:
            out.append(Para(markup(step.brief), st["brief"]))
        detail = detail_words(step, words)
        if detail:
            out.append(Para(markup(detail), st["detail"]))
        if step.caution:
            out.append(Para(f"<b>{markup(words.colon(words.CAUTION))}</b> {markup(step.caution)}", st["caution"]))
        if step.video_url and link:
            out.append(link_block(step.video_url, words.STEP_VIDEO, min(self.layout.sheet.qr_size,
                                                                        min_size_for(step.video_url)), width, st["detail"]))
        return out

    def section_source(self) -> list:
        """The clinic's contact and the routine's QR codes once, with both languages' words; each
        language's source line."""
        out = self.both.section_source()
        if source_text(self.b).split(" ", 1)[-1] != source_text(self.a).split(" ", 1)[-1]:
            out += [Spacer(1, 2), self.b.p(source_text(self.b), "small")]
        return out


FOOT_SCALES = (0.9, LOW_PICTURE_SCALE, 0.7, 0.6)
"""Sizes, as parts of the layout's, a step's picture may be drawn at the foot of a page to let the
step start there: a bilingual step is a third of a landscape page, so moving it on would leave
that much blank."""

MAX_TILE_PICTURE = 0.3
"""The share of a bilingual tile its picture may take: the rest holds the step in two languages."""


def source_text(side: HandoutRenderer) -> str:
    """The source line in the side's language, as the handout prints it."""
    src = side.r.source
    parts = [src.title] + ([side.labels.BY_AUTHOR.format(author=src.author)] if src.author else []) + \
            ([src.publisher] if src.publisher else [])
    text = f"{side.labels.colon(side.labels.SOURCE)} " + ", ".join(parts) + f" ({src.document})."
    if src.url:
        text += f" {src.url}"
    return text


def render_bilingual(data: HandoutInput, second: Translation) -> bytes:
    """The routine and its translation in one PDF (byte-identical for identical inputs)."""
    if data.layout.sheet is not None:
        return BilingualSheetRenderer(data, second).render()
    return BilingualRenderer(data, second).render()
