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
import weakref
from functools import lru_cache
from typing import Any, Iterator

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus.paraparser import ParaParser, _spanAttrMap

from .errors import Problem
from .fonts import FACES, FALLBACK_ORDER, SHAPED, face_name, family_for, needs_shaping  # noqa: F401 (needs_shaping: part of this module's API)

_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}

_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

_LAYOUT = frozenset("\n\t\r\u2028\u2029")

_BREAKS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n"})

SHOWN = 5
"""Characters named in one message, at most."""


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


_RTL_FAMILIES = frozenset({"arabic", "hebrew"})


def _visual(chunk: str, family: str | None) -> str:
    """A right-to-left run with its words in the order they are seen, left to right.

    ReportLab lays words out left to right in the order they come, and HarfBuzz
    orders the letters inside each word as it shapes it; so the words of a
    right-to-left run (a name between left-to-right text) are reversed here.
    Whole right-to-left paragraphs, whose lines would break in the wrong order,
    are not supported (README, Languages)."""
    if family not in _RTL_FAMILIES or " " not in chunk.strip():
        return chunk
    lead = chunk[: len(chunk) - len(chunk.lstrip(" "))]
    tail = chunk[len(chunk.rstrip(" ")):]
    return lead + " ".join(reversed(chunk.strip(" ").split(" "))) + tail


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
        text = "".join(run)
        if run_family in _RTL_FAMILIES and text.endswith(" "):  # a space after the run is not part of it
            kept = text.rstrip(" ")
            run[:] = list(kept)
            flush()
            out.append(" " * (len(text) - len(kept)))
            return
        chunk = escape(_visual(text, run_family))
        if run_family in (None, family):
            out.append(chunk)
        else:
            out.append(f'<font name="{face_name(run_family, text=text)}">{chunk}</font>')
        run.clear()

    for ch in clean(text):
        if ch == "\n":
            flush()
            out.append("<br/>")
            continue
        fam = family_for(ch, family) or family
        if ch == " " and run_family in _RTL_FAMILIES:
            fam = run_family  # a space between right-to-left words keeps them one run, reordered together
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
    from .fonts import draws_shaped, missing_glyphs, missing_hint
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
            problems.append(Problem(file, line_of(loc), format_loc(loc),
                                    f"no font can print {_named(missing)}{missing_hint(missing)}"))
            continue
        shaped = [c for c in text if needs_shaping(c) and not draws_shaped(family_for(c, family) or family)]
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

    def parse(self, text, style):
        style, frags, bullet = super().parse(text, style)
        if frags and getattr(style, "shaping", 0):
            _one_font_per_word(frags)
        return style, frags, bullet

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


def _one_font_per_word(frags: list) -> None:
    """In a paragraph that is shaped, a space wherever the font changes inside a word
    (``<b>By:</b>&nbsp;Jo``, a name in brackets), and no-break spaces made plain.

    ReportLab shapes a whole word with the first font of the word and then looks
    its glyphs up in each piece's own font, so a word in two fonts (even the
    regular and bold of one family) prints wrong glyphs or fails. Only paragraphs
    holding a shaped script are shaped, and only there is a space added."""
    for frag in frags:
        if "\xa0" in getattr(frag, "text", ""):
            frag.text = frag.text.replace("\xa0", " ")
    for here, after in zip(frags, frags[1:]):
        text, following = getattr(here, "text", ""), getattr(after, "text", "")
        if (text and following and getattr(here, "fontName", None) != getattr(after, "fontName", None)
                and not text[-1].isspace() and not following[0].isspace()):
            here.text = text + " "


@lru_cache(maxsize=1)
def shaped_faces() -> tuple[str, ...]:
    return tuple(FACES[family][(False, False)].name for family in SHAPED)


_SHAPED_STYLES: "weakref.WeakKeyDictionary[ParagraphStyle, ParagraphStyle]" = weakref.WeakKeyDictionary()


def shaped_style(style: ParagraphStyle, marked_up: str) -> ParagraphStyle:
    """``style``, or its copy that has ReportLab shape the paragraph through HarfBuzz, when
    the markup holds a run in a shaped script's font (fonts.SHAPED).

    Shaping every paragraph would cost a third more time per handout for the few
    that need it, so only these are shaped."""
    if not any(f'name="{face}"' in marked_up for face in shaped_faces()):
        return style
    copy = _SHAPED_STYLES.get(style)
    if copy is None:
        copy = _SHAPED_STYLES[style] = ParagraphStyle(f"{style.name}-shaped", parent=style, shaping=1)
    return copy
