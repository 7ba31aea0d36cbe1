"""Layout styles turned into ReportLab ParagraphStyles, in one place.

Hyphenation is the layout's choice (``hyphenate``) and the routine's language's
rules (pyphen's patterns). Clear-print guidance asks for few hyphens, so only
long words of running text break, never within three letters of either end,
and never in a bold heading or cue: a narrow card column or sheet tile loses
its gaps, and a handout's full measure keeps whole words.
"""

from __future__ import annotations

from functools import lru_cache

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from .fonts import face_name
from .layout_models import Layout

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}


HYPHENATE_MIN_WORD = 10
"""Letters a word needs before it may be broken: shorter words move whole to the next line."""

HYPHENATE_MIN_PART = 3
"""Letters kept on each side of a break ("con-", never "co-")."""


class Hyphenator:
    """One language's hyphenation points for ReportLab, the longest first.

    ReportLab would build pyphen's dictionary with two letters a side; this keeps
    three, and is shared by every style (copying a style copies no patterns)."""

    def __init__(self, language: str):
        import pyphen

        self.language = language
        self._pyphen = pyphen.Pyphen(lang=language, left=HYPHENATE_MIN_PART, right=HYPHENATE_MIN_PART)

    def __call__(self, word: str):
        return self._pyphen.iterate(word)

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return Hyphenator, (self.language,)

    def __repr__(self) -> str:
        return f"Hyphenator({self.language!r})"


@lru_cache(maxsize=32)
def hyphenator(language: str | None) -> Hyphenator | None:
    """The hyphenation rules for a routine's ``language`` (``es-MX`` uses Spanish), or None when
    there are none: such text breaks only between words, with no message."""
    if not language:
        return None
    try:
        import pyphen
    except ImportError:
        return None
    found = pyphen.language_fallback(language.replace("-", "_"))
    return Hyphenator(found) if found else None


def paragraph_styles(layout: Layout, language: str | None = None) -> dict[str, ParagraphStyle]:
    """Every named style of ``layout``, parents resolved, as ParagraphStyles; hyphenated by the
    rules of ``language`` when the layout asks for it."""
    hyphens = hyphenator(language) if layout.hyphenate else None
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
            # Headings and cues keep whole words: they are read at a glance.
            hyphenationLang=(hyphens if s.weight != "bold" else None) or "",
            hyphenationMinWordLength=HYPHENATE_MIN_WORD,
            embeddedHyphenation=1 if hyphens and s.weight != "bold" else 0,
        )
    return out


def family_of(layout: Layout, style_name: str) -> str:
    font = layout.resolved_style(style_name).font
    return font.value if font is not None else "atkinson"
