"""Reusable page pieces: boxes, step number discs, ruled lines, tick boxes, and the groups that
keep pages full (:class:`Breakable`, :class:`Ahead`, :class:`FittedBox`, :class:`Gap`).

A box is a one-cell table: ReportLab never splits a single table row, which is
exactly the guarantee the safety box needs (never broken across pages). A box
taller than a whole page cannot keep that promise; it becomes a
:class:`ContinuedBox`, which goes on in boxes titled "(continued)".
"""

from __future__ import annotations

from typing import Callable

from reportlab.lib.colors import HexColor, white
from reportlab.lib.styles import ParagraphStyle
import weakref
from collections import OrderedDict

from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import KeepTogether
from reportlab.platypus.paragraph import textTransformFrags
from reportlab.rl_config import _FUZZ

from ..fonts import face_name
from ..text import WeightKeepingParser, shaped_style
from ..layout_models import Box


class _Recent(OrderedDict):
    """A bounded map that forgets what was used least recently.

    The routine's own paragraphs come back in every handout and stay; a
    personal line ("Prepared for: ...") is new for each student and is
    forgotten, so a worker's memory does not grow with the names it prints."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def get(self, key, default=None):
        found = super().get(key, default)
        if found is not default:
            self.move_to_end(key)
        return found

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        if len(self) > self.limit:
            self.popitem(last=False)


_PARSED_MAX = 1_000
"""Paragraphs (and line breakings) kept: a routine has 100 to 250 of each per layout, so a
batch of a few routines stays warm, while a worker's memory stops growing early."""
_PARSED: _Recent = _Recent(_PARSED_MAX)
_STYLE_KEYS: "weakref.WeakKeyDictionary[ParagraphStyle, tuple]" = weakref.WeakKeyDictionary()
_CANONICAL: _Recent = _Recent(512)
"""Style keys by value, so the paragraphs kept share one copy of each instead of one per render."""
_BROKEN: _Recent = _Recent(_PARSED_MAX)


def _style_key(style: ParagraphStyle) -> tuple:
    """What a style means for parsing, whichever render made the style object."""
    key = _STYLE_KEYS.get(style)
    if key is None:
        key = tuple(sorted((k, v if isinstance(v, (str, int, float, type(None))) else repr(v))
                           for k, v in style.__dict__.items() if k not in ("name", "parent")))
        key = _CANONICAL.get(key) or key
        _CANONICAL[key] = _STYLE_KEYS[style] = key
    return key


class _Shaped(Paragraph):
    """A paragraph that holds a script whose letters join or reorder is shaped (text.shaped_style)."""

    def __init__(self, text, style=None, *args, **kwargs):
        if isinstance(text, str) and style is not None:
            style = shaped_style(style, text)
        super().__init__(text, style, *args, **kwargs)


class FreshPara(_Shaped):
    """A Paragraph for one person's details: parsed like :class:`Para` (a fallback font keeps
    the weight of the text around it) but never kept in the process caches."""

    def _setup(self, text, style, bulletText, frags, cleaner):
        if frags is None and isinstance(text, str):
            parser = WeightKeepingParser()
            parser.caseSensitive = self.caseSensitive
            text = cleaner(text)
            style, frags, bullet_frags = parser.parse(text, style)
            if frags is None:
                return super()._setup(text, style, bulletText, None, cleaner)  # ReportLab's own error
            textTransformFrags(frags, style)
            bulletText = bullet_frags or bulletText
        super()._setup(text, style, bulletText, frags, cleaner)


class Para(_Shaped):
    """A Paragraph that parses its markup, and breaks its lines for a width, once per process.

    A batch makes the same routine's paragraphs for every handout: parsing the
    markup again each time was a sixth of a render, so the parsed fragments are
    kept (each paragraph gets its own copies, as ReportLab may adjust them).
    Line breaking was a quarter of a render, asked again by every document and
    several times over by tables (column widths, row heights, splitting); its
    answer depends only on the text, the style and the width, none of which
    change after a paragraph is made, and drawing only reads it."""

    def _setup(self, text, style, bulletText, frags, cleaner):
        if frags is None and isinstance(text, str):
            key = (text, _style_key(style), self.caseSensitive)
            hit = _PARSED.get(key)
            if hit is None:
                parser = WeightKeepingParser()
                parser.caseSensitive = self.caseSensitive
                cleaned = cleaner(text)
                parsed_style, parsed, bullet_frags = parser.parse(cleaned, style)
                if parsed is None or parsed_style is not style:  # an error, or <para> attributes: no shortcut
                    return super()._setup(text, style, bulletText, None, cleaner)
                textTransformFrags(parsed, style)
                hit = _PARSED[key] = (cleaned, parsed, bullet_frags)
            text, parsed, bullet_frags = hit
            self._parse_key = key
            frags = [f.clone() for f in parsed]
            if bullet_frags:
                bulletText = [f.clone() for f in bullet_frags]
        super()._setup(text, style, bulletText, frags, cleaner)

    def wrap(self, availWidth, availHeight):
        if availWidth < _FUZZ:  # "cannot fit here": ReportLab's answer, nothing to keep
            return super().wrap(availWidth, availHeight)
        memo = self.__dict__.get("_wrapped")
        if memo is not None and memo[0] == availWidth and memo[1] is self.style:
            found = memo[2]
        else:
            parse_key = self.__dict__.get("_parse_key")
            key = (parse_key, availWidth, repr(self.bulletText)) if parse_key is not None else None
            found = _BROKEN.get(key) if key is not None else None
            if found is None:
                super().wrap(availWidth, availHeight)
                found = (self.width, self.height, self.blPara, self._wrapWidths)
                if key is not None:
                    _BROKEN[key] = found
            self._wrapped = (availWidth, self.style, found)
        self.width, self.height, self.blPara, self._wrapWidths = found
        return self.width, self.height

    def split(self, availWidth, availHeight):
        """ReportLab's split adds a space, in place, to the last word of each line it hands on.
        Lines kept for later paragraphs are copied first: the space stayed in them, and every
        later handout with that paragraph drew it, so a handout depended on those drawn before it."""
        lines = self.__dict__.get("blPara")
        if lines is not None and getattr(lines, "kind", 0) == 1:
            self.blPara = lines.clone(lines=[line.clone(words=[w.clone() for w in line.words]) for line in lines.lines])
        return super().split(availWidth, availHeight)


class StepDisc(Flowable):
    """A filled circle with the step number, sized from the number style."""

    def __init__(self, number: int, font: str, size: float, fill: str, diameter: float):
        super().__init__()
        self.number = number
        self.font = font
        self.size = size
        self.fill = fill
        self.diameter = diameter

    def wrap(self, availWidth, availHeight):
        return self.diameter, self.diameter

    def draw(self):
        c = self.canv
        r = self.diameter / 2
        c.setFillColor(HexColor(self.fill))
        c.setStrokeColor(HexColor(self.fill))
        c.circle(r, r, r, stroke=0, fill=1)
        c.setFillColor(white)
        c.setFont(self.font, self.size)
        c.drawCentredString(r, r - self.size * 0.35, str(self.number))


class TickBox(Flowable):
    """An empty square to tick by hand."""

    def __init__(self, side: float, color: str):
        super().__init__()
        self.side = side
        self.color = color

    def wrap(self, availWidth, availHeight):
        return self.side, self.side

    def draw(self):
        self.canv.setStrokeColor(HexColor(self.color))
        self.canv.setLineWidth(0.8)
        self.canv.rect(0, 0, self.side, self.side, stroke=1, fill=0)


class RuledLines(Flowable):
    """Lines to write on, spaced for handwriting."""

    def __init__(self, count: int, spacing: float, color: str):
        super().__init__()
        self.count = count
        self.spacing = spacing
        self.color = color

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        return availWidth, self.count * self.spacing

    def split(self, availWidth, availHeight):
        """Large print and many lines can be taller than a page: the lines go on on the next."""
        fit = int((availHeight + _FUZZ) // self.spacing)
        if fit < 1 or fit >= self.count:
            return []
        return [RuledLines(fit, self.spacing, self.color), RuledLines(self.count - fit, self.spacing, self.color)]

    def draw(self):
        c = self.canv
        c.setStrokeColor(HexColor(self.color))
        c.setLineWidth(0.5)
        for i in range(self.count):
            y = i * self.spacing + 1
            c.line(0, y, self.width, y)


def cell_style(commands: list) -> TableStyle:
    """A TableStyle whose cells default to our embedded font.

    ReportLab's cell default is Helvetica, which would put an unembedded font
    reference on the page even when every glyph is drawn in Atkinson."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), face_name("atkinson")), *commands])


def table(rows: list, col_widths: list[float], commands: list, **kwargs) -> Table:
    t = Table(rows, colWidths=col_widths, **kwargs)
    t.setStyle(cell_style(commands))
    return t


def boxed(content: list, box: Box, width: float) -> Table:
    """Wrap flowables in the layout's box style; the result never splits across pages."""
    bar = box.accent_bar
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), box.padding + bar),
        ("RIGHTPADDING", (0, 0), (-1, -1), box.padding),
        ("TOPPADDING", (0, 0), (-1, -1), box.padding),
        ("BOTTOMPADDING", (0, 0), (-1, -1), box.padding),
    ]
    if box.background:
        commands.append(("BACKGROUND", (0, 0), (-1, -1), HexColor(box.background)))
    if box.border is not None:
        commands.append(("BOX", (0, 0), (-1, -1), box.border.width, HexColor(box.border.color)))
        if bar:
            commands.append(("LINEBEFORE", (0, 0), (0, -1), bar, HexColor(box.border.color)))
    t = Table([[content]], colWidths=[width])
    t.setStyle(cell_style(commands))
    return t


class ContinuedBox(Flowable):
    """A box too tall for any page: it fills the page it starts on and goes on in boxes titled
    "(continued)", each as full as its page allows.

    It breaks between items; an item is broken only when it is itself too tall for a page
    (a long personal note, many lines to write on). Nothing is dropped or shortened."""

    def __init__(self, title: Flowable | None, more_title: Callable[[], Flowable | None], items: list, box: Box,
                 width: float, page_height: float, move_below: float = 0):
        super().__init__()
        self.move_below = move_below
        self.title = title
        self.more_title = more_title
        self.items = list(items)
        self.box = box
        self.box_width = width
        self.page_height = page_height
        self._table: Table | None = None

    def _make(self, items: list) -> Table:
        return boxed([*([self.title] if self.title is not None else []), *items], self.box, self.box_width)

    def wrap(self, availWidth, availHeight):
        self._table = self._make(self.items)
        self.width, self.height = self._table.wrap(availWidth, availHeight)
        return self.width, self.height

    def draw(self):
        assert self._table is not None
        self._table.drawOn(self.canv, 0, 0)

    def _content_height(self, items: list) -> float:
        inner = self.box_width - 2 * self.box.padding - self.box.accent_bar
        return sum(item.wrap(inner, 1e9)[1] for item in items)

    def _box_height(self, items: list, aW: float, aH: float) -> float:
        return self._make(items).wrap(aW, aH)[1]

    def split(self, availWidth, availHeight):
        """The items that fit here, and a box "(continued)" with the rest; or nothing (the whole
        box moves on) when less than ``move_below`` is left here and the box fits a page."""
        aW, aH = availWidth, availHeight + _FUZZ
        items = self.items
        if availHeight < self.move_below:
            return []
        lo, hi = 0, len(items)  # the most whole items that fit, found by halving: heights only grow
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._box_height(items[:mid], aW, aH) <= aH:
                lo = mid
            else:
                hi = mid - 1
        taken, rest = list(items[:lo]), list(items[lo:])
        if rest and self._box_height([rest[0]], aW, self.page_height) > self.page_height:
            parts = self._part(taken, rest[0], aW, aH)
            if parts is not None:
                taken.append(parts[0])
                rest = [*parts[1:], *rest[1:]]
        if not taken and rest and aH >= self.page_height:
            # A whole page and still no room for the title and two lines of the first item
            # (large print in a narrow box): a lone line at the end or start of a page is
            # better than no handout.
            parts = self._part(taken, rest[0], aW, aH, lone_lines=True)
            if parts is not None:
                taken.append(parts[0])
                rest = [*parts[1:], *rest[1:]]
        if len(rest) == 1 and len(taken) > 1 and self._box_height(rest, aW, self.page_height) < self.page_height / 4:
            rest.insert(0, taken.pop())  # one short item alone under "(continued)" reads as a leftover
        if not taken:
            return []  # not even the first item fits here: the whole box goes on the next page
        if rest and self._content_height(rest) >= self._content_height(self.items) - _FUZZ:
            return []  # an item that would not break for real: never go on without end
        first = self._make(taken)
        if hasattr(self, "_outline"):
            first._outline = self._outline
        if not rest:
            return [first]
        return [first, ContinuedBox(self.more_title(), self.more_title, rest, self.box, self.box_width,
                                    self.page_height, self.move_below)]

    def _part(self, taken: list, item: Flowable, aW: float, aH: float, lone_lines: bool = False) -> list | None:
        """``item`` broken into parts, the first filling what ``taken`` leaves of ``aH``; None when it cannot be.

        With ``lone_lines``, a paragraph may leave one line alone on either side of the break."""
        style = getattr(item, "style", None)
        kept = (style.allowWidows, style.allowOrphans) if lone_lines and style is not None else None
        if kept is not None:
            style.allowWidows = style.allowOrphans = 1
        try:
            inner = self.box_width - 2 * self.box.padding - self.box.accent_bar
            room = aH - self._box_height(taken, aW, aH)
            for _ in range(8):  # cell spacing the item does not know about: ask again for a little less
                if room <= 0:
                    return None
                parts = item.split(inner, room)
                if not parts:
                    return None
                if len(parts) > 1 and self._content_height(parts[1:]) >= self._content_height([item]) - _FUZZ:
                    return None  # a break that leaves as much as before (a table row that would not split)
                over = self._box_height([*taken, parts[0]], aW, aH) - aH
                if over <= 0 and len(parts) > 1:
                    return parts
                room = min(room, parts[0].wrap(inner, room)[1]) - max(over, 0.5)
            return None
        finally:
            if kept is not None:
                style.allowWidows, style.allowOrphans = kept


def keep(flowables: list) -> KeepTogether:
    return KeepTogether(flowables)


def bullet(text_markup: str, style: ParagraphStyle, bullet_char: str = "•") -> Paragraph:
    """A bulleted paragraph; the bullet hangs so wrapped lines align with the text."""
    indent = max(style.leftIndent, style.fontSize)
    hanging = ParagraphStyle(
        name=f"{style.name}-hanging", parent=style, leftIndent=indent, bulletIndent=indent - style.fontSize * 0.9,
        bulletFontName=style.fontName, bulletFontSize=style.fontSize,
    )
    return Para(text_markup, hanging, bulletText=bullet_char)


MOVE_SHARE = 0.15
"""A part of the body frame's height past which a breakable group starts on the page it reaches
rather than moving whole to the next: moving it would leave that much of a page blank."""


def _opened(flowables: list) -> list:
    """``flowables`` with kept-together groups opened: known to fit where they stand, they are
    placed as they are (a group asks to be split whenever it is placed)."""
    return [g for f in flowables for g in (_opened(f._content) if isinstance(f, KeepTogether) else [f])]


def first_of(flowable):
    """The flowable a group starts with, as a frame meets it."""
    while isinstance(flowable, KeepTogether) and flowable._content:
        flowable = flowable._content[0]
    return flowable


def stack_height(flowables: list, width: float, at_top: bool = False) -> float:
    """Height ``flowables`` take in a frame, spaces between them merged as a frame merges them, and
    the first one's space before counted unless it starts at the top of a page."""
    total, after = 0.0, 0.0
    for i, f in enumerate(_opened(flowables)):
        h = f.wrap(width, 0xFFFFFFF)[1]
        if h <= _FUZZ:
            continue
        if i or not at_top:
            total += max(f.getSpaceBefore() - after, 0)
        after = f.getSpaceAfter()
        total += h + after
    return total - after


FILL_SHARE = 0.25
"""The room (a part of the body frame's height) that a section may start in and run on from,
rather than being left blank."""


class Breakable(KeepTogether):
    """A group kept on one page when it fits there; otherwise, when moving it on would leave more
    than :data:`MOVE_SHARE` of a page blank, it is cut where ``pieces`` says (a step: heading,
    picture and first lines here, the rest on the next page).

    ``pieces(width, height)`` gives the flowables to place instead, the first ones fitting in
    ``height``, or None when no cut leaves something readable on this page."""

    def __init__(self, flowables: list, pieces: Callable[[float, float], list | None], frame_height: float):
        super().__init__(_opened(flowables))
        self.pieces = pieces
        self.frame_height = frame_height

    def split(self, aW, aH):
        at_top = bool(getattr(getattr(self, "_frame", None), "_atTop", False))
        if stack_height(self._content, aW, at_top) <= aH + _FUZZ:
            return list(self._content)
        if aH > self.frame_height * MOVE_SHARE:
            cut = self.pieces(aW, aH)
            if cut:
                return cut
        return super().split(aW, aH)


class Ahead(KeepTogether):
    """``first`` where it stands when it fits there; when it must move to the next page whole, the
    short ``then`` that fits in the room it leaves goes first, so the page is not left half empty.

    Used for the safety box after the title: it still comes before the steps, on the next page."""

    def __init__(self, first: list, then: list[list], frame_height: float):
        super().__init__([*first, *(f for group in then for f in group)])
        self.frame_height = frame_height
        self.first = first
        self.then = then

    def split(self, aW, aH):
        rest = [f for group in self.then for f in group]
        if stack_height(self.first, aW) <= aH + _FUZZ:
            return [*self.first, *rest]
        if getattr(getattr(self, "_frame", None), "_atTop", False):
            return super().split(aW, aH)
        ahead: list = []
        for group in self.then:
            if stack_height([*ahead, *group], aW) > aH:
                break
            ahead.extend(group)
        if not ahead and aH > self.frame_height * FILL_SHARE:
            # No short section fits whole: the first one starts here and runs on (its table breaks
            # between rows), and the box follows it.
            lead, *more = self.then[0]
            if isinstance(lead, KeepTogether):
                lead._frame = getattr(self, "_frame", None)
                start = lead.splitOn(self.canv, aW, aH)
            else:
                start = [lead]
            after = [Ahead(self.first, self.then[1:], self.frame_height)] if self.then[1:] else self.first
            return [*start, *more, *after]
        if not ahead:
            return super().split(aW, aH)
        return [*_opened(ahead), *self.first, *rest[len(ahead):]]


class Beside(Flowable):
    """Two columns side by side, top-aligned, drawn in reading order whichever side each is on.

    A table draws its cells left to right, so a picture on the left would come before the step
    title in the page's content, and text extracted from the PDF (a screen reader, a copy and
    paste) would read the caption first."""

    def __init__(self, left: list, right: list, widths: tuple[float, float], read_first: str = "left"):
        super().__init__()
        self.cols = [_column(left, widths[0]), _column(right, widths[1])]
        self.widths = widths
        self.read_first = read_first

    def wrap(self, availWidth, availHeight):
        heights = [c.wrap(w, availHeight)[1] for c, w in zip(self.cols, self.widths)]
        self.width, self.height = sum(self.widths), max(heights)
        return self.width, self.height

    def draw(self):
        order = (0, 1) if self.read_first == "left" else (1, 0)
        for i in order:
            col = self.cols[i]
            x = 0 if i == 0 else self.widths[0]
            col.drawOn(self.canv, x, self.height - col._height)


def _column(content: list, width: float) -> Table:
    t = Table([[content]], colWidths=[width])
    t.setStyle(cell_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return t


class FittedBox(Flowable):
    """Room to write, as much as the page has: a box of ruled lines that, when it does not fit
    whole where it stands, takes the lines that fit (never fewer than ``least``) rather than
    moving to a page of its own."""

    def __init__(self, make: Callable[[int], Flowable], most: int, least: int):
        super().__init__()
        self.make = make
        self.most = most
        self.least = min(least, most)
        self._box: Flowable | None = None

    def wrap(self, availWidth, availHeight):
        self._box = self.make(self.most)
        self.width, self.height = self._box.wrap(availWidth, availHeight)
        return self.width, self.height

    def draw(self):
        assert self._box is not None
        self._box.drawOn(self.canv, 0, 0)

    def split(self, availWidth, availHeight):
        for lines in range(self.most - 1, self.least - 1, -1):
            box = self.make(lines)
            if box.wrap(availWidth, availHeight)[1] <= availHeight + _FUZZ:
                box._outline = getattr(self, "_outline", None)
                return [box]
        return []


class Gap(Spacer):
    """Space between sections or steps, dropped at the top of a page: there it would only push
    the page's first heading down."""

    def wrap(self, availWidth, availHeight):
        if getattr(getattr(self, "_frame", None), "_atTop", False):
            return availWidth, 0
        return super().wrap(availWidth, availHeight)
