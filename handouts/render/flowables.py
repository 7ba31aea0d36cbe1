"""Reusable page pieces: boxes, step number discs, ruled lines, tick boxes.

A box is a one-cell table: ReportLab never splits a single table row, which is
exactly the guarantee the safety box needs (never broken across pages).
"""

from __future__ import annotations

from reportlab.lib.colors import HexColor, white
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle
from reportlab.platypus.flowables import KeepTogether

from ..fonts import face_name
from ..layout_models import Box


class Para(Paragraph):
    """A Paragraph that breaks its lines once per width.

    Tables ask each cell for its size several times over (column widths, row
    heights, then splitting), and every ask re-ran the line breaking: a quarter
    of a handout's render time. The answer depends only on the width, the text
    and the style, none of which change after the paragraph is made."""

    def wrap(self, availWidth, availHeight):
        memo = self.__dict__.get("_wrapped")
        if memo is not None and memo[0] == availWidth and memo[1] is self.style and memo[2] is self.frags:
            self.width, self.height, self.blPara, self._wrapWidths = memo[3]
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, self.style, self.frags, (self.width, self.height, self.blPara, self._wrapWidths))
        return size


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
