"""Layout styles turned into ReportLab ParagraphStyles, in one place."""

from __future__ import annotations

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from .fonts import face_name
from .layout_models import Layout

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}


def paragraph_styles(layout: Layout) -> dict[str, ParagraphStyle]:
    """Every named style of ``layout``, parents resolved, as ParagraphStyles."""
    out: dict[str, ParagraphStyle] = {}
    for name in layout.styles:
        s = layout.resolved_style(name)
        size = s.size or 12.0
        out[name] = ParagraphStyle(
            name=name,
            fontName=face_name((s.font or "atkinson").value if hasattr(s.font, "value") else (s.font or "atkinson"),
                               bold=s.weight == "bold", italic=bool(s.italic)),
            fontSize=size,
            leading=s.leading or size * 1.3,
            textColor=HexColor(s.color or "#000000"),
            spaceBefore=s.space_before or 0,
            spaceAfter=s.space_after or 0,
            alignment=_ALIGN[s.align or "left"],
            leftIndent=s.left_indent or 0,
            keepWithNext=int(bool(s.keep_with_next)),
            allowWidows=0,
            allowOrphans=0,
            splitLongWords=1,
            hyphenationLang="",
        )
    return out


def family_of(layout: Layout, style_name: str) -> str:
    font = layout.resolved_style(style_name).font
    return font.value if font is not None else "atkinson"
