"""Plain text in, safe Paragraph markup out.

ReportLab's Paragraph parses a small XML dialect, so content and roster text is
escaped here (``&``, ``<``, ``>`` print literally) and each character the body
font lacks is wrapped in the fallback font that has it. Text nobody can draw is
reported by :func:`glyph_problems` before anything is rendered.

Characters that draw nothing are sorted by what they would do on the page:

- zero-width spaces and joiners, the byte-order mark and the soft hyphen carry
  no meaning in a PDF whose lines we break ourselves; :func:`clean` drops them;
- control characters (a NUL, an ESC), the bidi controls (U+202A–U+202E,
  U+2066–U+2069, U+200E, U+200F, U+061C) and the other invisible formatting
  characters steer terminals and right-to-left layout, which our left-to-right
  pages do not have. The fonts draw them as gaps or stray marks, and dropping
  them quietly would hide a paste gone wrong, so they are refused by name, like
  a missing glyph: the author finds the character and deletes it;
- line breaks (``\r``, U+2028 and U+2029 become ``\n``) and tabs are layout, kept.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any, Iterator

from reportlab.platypus.paraparser import ParaParser, _spanAttrMap

from .errors import Problem
from .fonts import FACES, FALLBACK_ORDER, face_name, family_for

_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}

_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

_LAYOUT = frozenset("\n\t\r\u2028\u2029")

_BREAKS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n"})

_SHAPED = (
    (0x0590, 0x08FF),  # Hebrew, Arabic, Syriac, Thaana, NKo …: joined letters, right to left
    (0x0900, 0x0DFF),  # Devanagari … Sinhala: conjuncts and vowel signs drawn before their consonant
    (0x0E00, 0x0FFF),  # Thai, Lao, Tibetan: stacked marks
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x18AF),  # Khmer, Mongolian
    (0xA8E0, 0xA8FF),  # Devanagari Extended
    (0xFB1D, 0xFDFF),  # Hebrew and Arabic presentation forms: still right to left
    (0xFE70, 0xFEFE),  # Arabic presentation forms B
)
"""Scripts whose letters change shape, join or reorder as they are written. ReportLab
places one glyph per character, left to right, so even with a font that has the
glyphs such text would print wrongly (a Devanagari name as loose letters and
dotted circles): it is refused like a missing glyph instead."""

SHOWN = 5
"""Characters named in one message, at most."""


def needs_shaping(char: str) -> bool:
    code = ord(char)
    return any(lo <= code <= hi for lo, hi in _SHAPED)


def escape(text: str) -> str:
    """``&``, ``<``, ``>`` and ``"`` as entities (xml.sax's escape would import urllib and ssl)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def clean(text: str) -> str:
    """Normalise to NFC and every line break to ``\\n``, and drop zero-width characters that no font draws.

    Characters :func:`unprintable` names are dropped too: they are refused
    before rendering, and this keeps them off the page should a text reach the
    renderer by a way that skipped that check."""
    text = unicodedata.normalize("NFC", text)
    if text.isprintable():  # nearly every text: nothing below applies
        return text
    text = text.replace("\r\n", "\n").translate(_BREAKS)
    return "".join(ch for ch in text if ch not in _INVISIBLE and _kind(ch) is None)


def _kind(ch: str) -> str | None:
    """The class that keeps ``ch`` off the page (control, surrogate, format), or None when it prints."""
    if ch.isprintable() or ch in _LAYOUT:
        return None
    category = unicodedata.category(ch)
    if category == "Cc":
        return "control"
    if category == "Cs":
        return "surrogate"
    if ch in _BIDI or (category == "Cf" and ch not in _INVISIBLE and family_for(ch) is not None):
        return "format"  # one no font has (a flag's tag letters) is named as unprintable instead
    return None


def unprintable(text: str) -> str | None:
    """The message for the first control, bidi or other invisible formatting character of ``text``, if any.

    Controls and surrogates are worded as the content models word them, so a
    roster cell or a layout text is refused in the same words as a routine."""
    from .models import bad_character

    for ch in text:
        kind = _kind(ch)
        if kind in ("control", "surrogate"):
            return bad_character(ch)
        if kind == "format":
            return (f"contains an invisible formatting character (U+{ord(ch):04X} "
                    f"{unicodedata.name(ch, 'unnamed')}) that would print as a stray mark or a gap; delete it")
    return None


@lru_cache(maxsize=1024)
def markup(text: str, family: str = "atkinson") -> str:
    """Escape ``text`` for a Paragraph and switch font for characters ``family`` lacks.

    Cached: a batch marks up the same routine text for every handout it makes; the
    bound keeps a worker's memory flat however many names it prints."""
    out: list[str] = []
    run_family: str | None = None
    run: list[str] = []

    def flush() -> None:
        if not run:
            return
        chunk = escape("".join(run))
        if run_family in (None, family):
            out.append(chunk)
        else:
            out.append(f'<font name="{face_name(run_family)}">{chunk}</font>')
        run.clear()

    for ch in clean(text):
        if ch == "\n":
            flush()
            out.append("<br/>")
            continue
        fam = family_for(ch, family) or family
        if fam != run_family:
            flush()
            run_family = fam
        run.append(ch)
    flush()
    return "".join(out)


def markup_once(text: str, family: str = "atkinson") -> str:
    """:func:`markup` without keeping the result: for one person's details, which a
    batch never prints twice, so a worker's memory does not grow with its roster."""
    return markup.__wrapped__(text, family)


def _strings(value: Any, loc: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, loc + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, loc + (i,))


def glyph_problems(data: Any, file: str, line_of=lambda loc: None, family: str = "atkinson") -> list[Problem]:
    """One problem per field holding a character no configured font can draw."""
    from .fonts import missing_glyphs
    from .located import format_loc

    problems = []
    for loc, text in _strings(data):
        refused = unprintable(text)
        if refused:
            problems.append(Problem(file, line_of(loc), format_loc(loc), refused))
            continue
        text = clean(text)
        missing = missing_glyphs(text, family)
        if missing:
            problems.append(Problem(file, line_of(loc), format_loc(loc), f"no font can print {_named(missing)}"))
            continue
        shaped = [c for c in text if needs_shaping(c)]
        if shaped:
            scripts = " and ".join(dict.fromkeys(unicodedata.name(c, "unnamed").split()[0].title() for c in shaped))
            problems.append(Problem(file, line_of(loc), format_loc(loc),
                                    f"cannot print {scripts} text such as {_named(shaped[:1])}: its letters join "
                                    f"and reorder as they are written, which the PDF renderer does not do, "
                                    f"so it would print wrongly"))
    return problems


def _named(chars: list[str]) -> str:
    shown = ", ".join(f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})" for c in chars[:SHOWN])
    return shown + (f" and {len(chars) - SHOWN} more" if len(chars) > SHOWN else "")


class WeightKeepingParser(ParaParser):
    """ReportLab's markup parser, except that a fallback font keeps the weight around it.

    :func:`markup` wraps characters the body font lacks in ``<font name=...>``, and
    ReportLab takes bold and italic from the font named there, so a Greek name in
    a bold heading (or inside ``<b>``) would print in the regular weight. Here the
    fallback run takes the weight of the text it sits in, and ReportLab's own
    family mapping then picks the fallback family's bold face."""

    def start_font(self, attr):
        name = attr.get("name") or attr.get("face")
        if name not in fallback_faces():
            return super().start_font(attr)
        around = self._stack[-1]
        wanted = self.getAttributes(attr, _spanAttrMap)
        wanted["fontName"], wanted["bold"], wanted["italic"] = name, around.bold, 0
        self._push("font", **wanted)
        return None


@lru_cache(maxsize=1)
def fallback_faces() -> frozenset[str]:
    return frozenset(FACES[family][(False, False)].name for family in FALLBACK_ORDER if family != "atkinson")
