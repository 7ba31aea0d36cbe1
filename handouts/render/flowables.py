"""Reusable page pieces: boxes, step number discs, ruled lines, tick boxes.

A box is a one-cell table: ReportLab never splits a single table row, which is
exactly the guarantee the safety box needs (never broken across pages).
"""

from __future__ import annotations

from reportlab.lib.colors import HexColor, white
from reportlab.lib.styles import ParagraphStyle
import weakref
from collections import OrderedDict

from reportlab.platypus import Flowable, Paragraph, Table, TableStyle
from reportlab.platypus.flowables import KeepTogether
from reportlab.platypus.paragraph import textTransformFrags
from reportlab.platypus.paraparser import ParaParser
from reportlab.rl_config import _FUZZ

from ..fonts import face_name
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


class Para(Paragraph):
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
                parser = ParaParser()
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
