"""Plain text in, safe Paragraph markup out.

ReportLab's Paragraph parses a small XML dialect, so content and roster text is
escaped here (``&``, ``<``, ``>`` print literally) and each character the body
font lacks is wrapped in the fallback font that has it. Text nobody can draw is
reported by :func:`glyph_problems` before anything is rendered.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any, Iterator

from .errors import Problem
from .fonts import face_name, family_for

_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad"}


def escape(text: str) -> str:
    """``&``, ``<``, ``>`` and ``"`` as entities (xml.sax's escape would import urllib and ssl)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def clean(text: str) -> str:
    """Normalise to NFC and drop zero-width characters that no font draws."""
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if ch not in _INVISIBLE)


@lru_cache(maxsize=8192)
def markup(text: str, family: str = "atkinson") -> str:
    """Escape ``text`` for a Paragraph and switch font for characters ``family`` lacks.

    Cached: a batch marks up the same routine text for every handout it makes."""
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
        missing = missing_glyphs(clean(text), family)
        if missing:
            chars = ", ".join(f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})" for c in missing)
            problems.append(Problem(file, line_of(loc), format_loc(loc), f"no font can print {chars}"))
    return problems
