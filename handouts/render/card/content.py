"""What goes on a card: numbered cues on the front, the safety lines and the contact on the back.

Each piece is an :class:`Item` that the packer stacks but never cuts (except a
paragraph taller than a whole panel), labelled so an overflow message can say
which step or safety line did not fit. Nothing here knows about sizes beyond
the styles it is handed: the fitting tries the same content at several scales,
with and without step pictures, QR codes and the routine's own card summary.
Every word the card adds itself comes from :mod:`handouts.labels`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from reportlab.lib.colors import HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

from ... import labels
from ...layout_models import Brand, CardSection, Layout
from ...models import Clinic, Routine, Step
from ...text import markup
from .. import pictures, qr
from ..flowables import Para, StepDisc, bullet
from ..forms import make_form

SAFETY_RED = "#b3261e"


@dataclass
class Item:
    """One unit of card content; items are stacked, never cut, except a paragraph taller than a whole panel."""

    flowable: Flowable
    label: str
    keep_with_next: bool = False
    pin_bottom: bool = False
    space_before: float = 0.0
    continued: "Callable[[], Item] | None" = None  # heading repeated when a list goes on to a new panel


class CueRow(Flowable):
    """A numbered cue: disc, bold cue with the compact detail under it, hand pictograms at the right."""

    def __init__(self, number: int, cue: Paragraph, detail: Paragraph | None, icons: list[Flowable],
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
            centred = top - (self.cue_h + self.detail_h) / 2 - icon.height / 2 if self.detail else top - icon.height
            icon.drawOn(c, ix, min(centred, top - icon.height))
            ix -= self.gap


class StepPicture(Flowable):
    """A step's body map, drawn only when the card is painted (the fitting tries many sizes, and a body
    map takes far longer to build than to measure), as one named form per document that every copy of
    the card on a sheet places again."""

    def __init__(self, step: Step, side: float, brand: Brand, label_size: float, routine: Routine | None = None):
        super().__init__()
        self.step = step
        self.routine = routine  # whose hands are drawn, and where the giver stands
        self.brand = brand
        self.label_size = label_size
        self.width = self.height = side

    def wrap(self, availWidth, availHeight):
        return self.width, self.height

    def draw(self):
        canv = self.canv
        drawing = pictures.body_drawing(self.step, self.width, self.height, self.brand, self.label_size,
                                        routine=self.routine)
        # body maps are cached by value; the entry keeps the drawing alive, so its id stays its own
        forms = canv.__dict__.setdefault("_handouts_card_steps", {})
        if id(drawing) not in forms:
            forms[id(drawing)] = (drawing, f"card-step-{len(forms) + 1}")
            make_form(canv, forms[id(drawing)][1], drawing)
        canv.doForm(forms[id(drawing)][1])


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


@dataclass
class Band:
    """The coloured band across the top of a face's first panel."""

    color: str
    height: float
    title: Paragraph | None
    title_h: float
    label: Paragraph | None
    label_w: float


def step_cautions(routine: Routine, words: labels.Labels | None = None) -> list[str]:
    """Each step's own caution as "Step 3: …" (steps sharing one caution listed together).

    The card front only has room for cues, so a step's caution travels on the back
    with the routine's safety lines; a caution that repeats one of those word for
    word is not printed twice."""
    general = {c.strip().casefold() for c in routine.safety.cautions}
    steps: dict[str, list[int]] = {}
    for number, step in enumerate(routine.all_steps, start=1):
        if step.caution and step.caution.strip().casefold() not in general:
            steps.setdefault(step.caution.strip(), []).append(number)
    words = words or labels.for_language(routine.language)
    lines = []
    for caution, numbers in steps.items():
        label = (words.CARD_STEP_ONE.format(number=numbers[0]) if len(numbers) == 1
                 else words.CARD_STEP_MANY.format(numbers=", ".join(map(str, numbers))))
        lines.append(f"{words.colon(label)} {caution}")
    return lines


def step_detail(step: Step, words: labels.Labels | None = None) -> str:
    """Hand use, pressure and dosage in compact form: 'thumb · firm · 1 min each side'."""
    words = words or labels.english()
    parts = []
    if step.hand_use:
        parts.append(words.hand_uses(step.hand_use))
    if step.pressure:
        parts.append(words.pressure(step.pressure))
    if step.dosage:
        parts.append(words.dosage(step.dosage))
    return " · ".join(p for p in parts if p)


def _short_link(url: str) -> str:
    """The address as people type it: no scheme, no 'www.', no closing slash."""
    text = url.split("://", 1)[-1]
    return (text[4:] if text.startswith("www.") else text).rstrip("/")


def _link_lines(link: str, width: float, font: str, size: float) -> list[str]:
    """The link broken after '/', '?' or '&' so each line fits ``width`` (never after a '-', which would
    read as a hyphen; a piece wider than that is left for the paragraph to break)."""
    pieces = re.findall(r"[^/?&]*[/?&]|[^/?&]+$", link)
    lines: list[str] = []
    for piece in pieces:
        if lines and stringWidth(lines[-1] + piece, font, size) <= width:
            lines[-1] += piece
        else:
            lines.append(piece)
    return lines


class CodeRow(Flowable):
    """QR codes in a grid, each with its label and short link beside it, sized so a phone reads them:
    as many side by side as keep every link to three lines."""

    def __init__(self, entries: list[tuple[str, str]], style: ParagraphStyle, gap: float):
        super().__init__()
        self.entries = entries
        self.style = style
        self.gap = gap
        # one size for all, the largest any of them needs, so the links beside them line up
        self.sizes = [max(qr.min_size_for(url) for _, url in entries)] * len(entries)

    def _para(self, label: str, url: str, width: float) -> Paragraph:
        lines = _link_lines(_short_link(url), width, self.style.fontName, self.style.fontSize)
        return Para(f"<b>{markup(label)}</b><br/>" + "<br/>".join(markup(line) for line in lines), self.style)

    def _layout(self, cell: float) -> tuple[list[Paragraph], list[float]]:
        paras, heights = [], []
        for (label, url), size in zip(self.entries, self.sizes):
            width = max(cell - size - self.gap, 1.0)
            para = self._para(label, url, width)
            paras.append(para)
            heights.append(para.wrap(width, 1e6)[1])
        return paras, heights

    def wrap(self, availWidth, availHeight):
        n = len(self.entries)
        for columns in range(n, 0, -1):
            cell = (availWidth - self.gap * (columns - 1)) / columns
            paras, heights = self._layout(cell)
            if columns == 1 or max(heights) <= 4 * self.style.leading + 0.01:
                break
        self.columns, self.cell = columns, cell
        self.paras, self.text_h = paras, heights
        cells = [max(size, th) for size, th in zip(self.sizes, self.text_h)]
        self.rows = [max(cells[i:i + columns]) for i in range(0, n, columns)]
        self.width = availWidth
        self.height = sum(self.rows) + self.gap * (len(self.rows) - 1)
        return self.width, self.height

    def draw(self):
        from reportlab.graphics import renderPDF

        c = self.canv
        top = self.height
        for i, ((_, url), para, size, th) in enumerate(zip(self.entries, self.paras, self.sizes, self.text_h)):
            row, col = divmod(i, self.columns)
            if col == 0 and row > 0:
                top -= self.rows[row - 1] + self.gap
            x = col * (self.cell + self.gap)
            y = top - size
            renderPDF.draw(qr.qr_drawing(url, size), c, x, y)
            c.linkURL(url, (x, y, x + size, y + size), relative=1)
            para.drawOn(c, x + size + self.gap, top - size / 2 - th / 2 if th < size else top - th)


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class CardContent:
    """One routine's card content for a layout and clinic, set in whatever styles the fitting tries."""

    def __init__(self, routine: Routine, layout: Layout, clinic: Clinic | None):
        assert layout.card is not None, "a card layout has a card block"
        self.r = routine
        self.labels = labels.for_language(routine.language)
        self.spec = layout.card
        self.min_font = layout.min_font_size
        self.clinic = clinic
        self.brand: Brand = layout.brand
        if clinic is not None and clinic.brand_color:
            self.brand = self.brand.model_copy(update={"primary": clinic.brand_color})
        safety_box = layout.boxes.get("safety")
        self.safety_color = safety_box.border.color if safety_box and safety_box.border else SAFETY_RED

    def sections(self, side: str) -> list[CardSection]:
        return list(getattr(self.spec.faces, side))

    def items(self, side: str, st: dict[str, ParagraphStyle], pictograms: bool, *, with_pictures: bool = False,
              summary: bool = False, codes: bool = False) -> list[Item]:
        """The face's items; ``summary`` sets the routine's card summary in place of the longer lists,
        ``codes`` adds the routine's QR codes after the safety lines."""
        out: list[Item] = []
        sections = self.sections(side)
        for section in sections:
            if section == CardSection.steps:
                out += self.step_items(st, pictograms, with_pictures)
            elif section == CardSection.safety:
                out += self.safety_items(st, summary)
                if codes:
                    out += self.code_items(st)
            elif section == CardSection.contact:
                out += self.contact_items(st, with_source=CardSection.source not in self._all_sections())
            elif section == CardSection.source:
                out += self.source_items(st)
        return out

    def _all_sections(self) -> list[CardSection]:
        return self.sections("front") + self.sections("back")

    def has_summary(self) -> bool:
        return bool(self.r.safety.card_summary)

    def links(self) -> list[tuple[str, str]]:
        """(label, address) of each code the back may carry: the routine's video and web page, then
        each step's video."""
        out = [(label, url) for label, url in ((self.labels.CARD_VIDEO, self.r.video_url), (self.labels.CARD_WEB, self.r.web_url))
               if url]
        for number, step in enumerate(self.r.all_steps, start=1):
            if step.video_url:
                out.append((self.labels.CARD_STEP_VIDEO.format(number=number), step.video_url))
        return out

    def code_items(self, st: dict[str, ParagraphStyle]) -> list[Item]:
        links = self.links()
        if not links:
            return []
        row = CodeRow(links, st["contact"], st["contact"].fontSize * 0.8)
        return [Item(row, "QR code", space_before=st["safety_head"].spaceBefore)]

    def step_items(self, st: dict[str, ParagraphStyle], pictograms: bool, with_pictures: bool = False) -> list[Item]:
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
                detail_text = step_detail(step, self.labels)
                detail = Para(markup(detail_text), st["detail"]) if detail_text else None
                if with_pictures and step.regions:
                    label = max(self.min_font, st["detail"].fontSize * 0.8)
                    icons: list[Flowable] = [StepPicture(step, self.picture_size(st), self.brand, label, self.r)]
                else:
                    hands = step.hand_use[:2] if pictograms else []
                    size = icon * (0.8 if len(hands) > 1 else 1.0)  # a pair stays narrow enough for the cue
                    icons = [pictures.hand_icon(h, size, self.brand) for h in hands]
                row = CueRow(number, cue, detail, icons, st["step_number"], self.brand.primary)
                out.append(Item(row, f"step {number} '{cue_text}'", space_before=gap if out else 0.0))
        return out

    def picture_size(self, st: dict[str, ParagraphStyle]) -> float:
        """A step picture's side: about four lines of cue, so a face keeps most of its width for text."""
        return (st["cue"].leading + st["detail"].leading) * 2.2

    def safety_items(self, st: dict[str, ParagraphStyle], summary: bool = False) -> list[Item]:
        """Every safety line; with ``summary``, the red flags and the 'see a doctor' line in full, the
        routine's own short form of the rest, and the pointer to the full advice in the handout."""
        s = self.r.safety
        out: list[Item] = []
        if summary:
            groups = [
                (self.labels.RED_FLAGS, s.red_flags, "red flag"),
                (self.labels.CARD_SUMMARY, s.card_summary, "card summary line"),
            ]
        else:
            groups = [
                (self.labels.RED_FLAGS, s.red_flags, "red flag"),
                (self.labels.CONTRAINDICATIONS, s.contraindications, "reason not to do the routine"),
                (self.labels.CAUTIONS, s.cautions, "caution"),
                (self.labels.CARD_STEP_CAUTIONS, step_cautions(self.r, self.labels), "step caution"),
            ]
        head = st["safety_head"]
        for title, lines, what in groups:
            if not lines:
                continue
            out.append(Item(Para(f"<b>{markup(title)}</b>", head), f"heading '{title}'", keep_with_next=True,
                            space_before=head.spaceBefore if out else 0.0))

            def again(title: str = title) -> Item:
                return Item(Para(f"<b>{markup(title)}</b> {markup(self.labels.CARD_CONTINUED)}", head), f"heading '{title}'",
                            keep_with_next=True)

            for i, line in enumerate(lines, start=1):
                label, _, rest = line.partition(": ") if what == "step caution" else ("", "", line)
                text = f"<b>{markup(label)}:</b> {markup(rest)}" if label else markup(line)
                out.append(Item(bullet(text, st["safety"]), f"{what} {i} of {len(lines)} '{_short(line)}'",
                                continued=again))
        if s.seek_care:
            text = (f"<font color='{head.textColor.hexval().replace('0x', '#')}'><b>{markup(self.labels.CARD_SEE_A_DOCTOR)}</b>"
                    f"</font> {markup(s.seek_care)}")
            out.append(Item(Para(text, st["safety"]), f"'see a doctor' line '{_short(s.seek_care)}'",
                            space_before=head.spaceBefore if out else 0.0))
        if summary:
            out.append(Item(Para(f"<b>{markup(self.labels.CARD_FULL_ADVICE)}</b>", st["safety"]), "pointer to the handout",
                            space_before=head.spaceBefore))
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
        text = self.labels.CARD_FROM_SOURCE.format(source=", ".join(parts))
        if src.url:
            text += f" · {src.url}"
        para = Para(markup(text), st["contact"])
        return [Item(RuledParagraph(para, self.brand.muted, st["contact"].fontSize * 0.5), "source",
                     pin_bottom=pinned, space_before=st["contact"].fontSize * 0.8)]

    def band(self, side: str, st: dict[str, ParagraphStyle], number: int, count: int, width: float) -> Band:
        """The title band, its text ``width`` wide; a face without the title gets a slim strip inside the
        safe zone (it costs no text room), red on the safety side, so the two sides are told apart at a glance."""
        sections = self.sections(side)
        if CardSection.title not in sections:
            color = self.safety_color if CardSection.safety in sections else self.brand.primary
            return Band(color, self.spec.safe_zone * 0.5, None, 0.0, None, 0.0)
        text, color = self.r.title, self.brand.primary
        label_parts = [self.r.time.text]
        if count > 1:
            label_parts.append(f"{number}/{count}")
        label = None
        label_w = 0.0
        if label_parts:
            label = Para(markup(" · ".join(label_parts)), st["band"])
            label.wrap(width / 2, 1e6)
            label_w = min(width / 2, max(label.getActualLineWidths0() or [0]) + 1)
            label.wrap(label_w, 1e6)
        gap = st["title"].fontSize * 0.6 if label else 0.0
        title = Para(markup(text), st["title"])
        title_h = title.wrap(width - label_w - gap, 1e6)[1]
        pad = max(self.spec.safe_zone * 0.55, st["title"].fontSize * 0.45)
        height = self.spec.safe_zone + title_h + pad
        return Band(color, height, title, title_h, label, label_w)
