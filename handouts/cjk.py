"""Chinese, Japanese and Korean text in Noto Sans CJK SC, cut to the characters a run prints.

The font comes from PyPI in ``mplfonts`` (its Noto Sans CJK SC, under the SIL
Open Font Licence; the package's other fonts, SimHei among them, are never
read). It covers Simplified and Traditional Chinese, Japanese kana and kanji
and Korean Hangul, all drawn in the Simplified Chinese glyph style. It has
CFF outlines, which ReportLab cannot embed, so :mod:`handouts.fontconvert`
makes a TrueType font of the characters needed, and ReportLab embeds a subset
of that as of any other font.

One ReportLab font, :data:`FONT_NAME`, carries every CJK character of a
process. The characters the preflight checked are converted together the
first time one is drawn (a build's routines and names, or a one-process
batch's whole roster), as a cut kept in the font cache; a character met
later (a batch worker's next name) grows the font in memory: its face is
replaced by a larger cut, which keeps what the documents being drawn
already placed. Each embedded glyph depends only on that glyph
(:mod:`handouts.fontconvert`), so which cut drew a document never changes
its bytes.

There is no bold face: CJK characters in a bold heading print in the regular
weight.
"""

from __future__ import annotations

import io
import threading
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Iterable

FONT_NAME = "NotoSansCJKsc"
"""The name the markup and ReportLab use."""

PS_NAME = "NotoSansCJKsc-Regular"
"""The PostScript name every cut carries, and so the name a PDF lists it by."""

PACKAGE = "mplfonts"
FILE = ("fonts", "NotoSansCJKsc-Regular.otf")

MAX_SOURCE_BYTES = 64 * 1024 * 1024
"""The packaged font is 16 MB; a file far larger there is not it."""


@lru_cache(maxsize=1)
def source_path() -> Path | None:
    """The packaged OpenType font, found without importing the package (which imports matplotlib)."""
    try:
        spec = find_spec(PACKAGE)
    except (ImportError, ValueError):
        return None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder).joinpath(*FILE)
        try:
            if path.is_file() and path.stat().st_size <= MAX_SOURCE_BYTES:
                return path
        except OSError:
            continue
    return None


@lru_cache(maxsize=1)
def coverage() -> frozenset[int]:
    """The characters the font draws (read from its character map alone, about 0.1 s); none
    when it is not installed or does not open."""
    path = source_path()
    if path is None:
        return frozenset()
    try:
        from fontTools.ttLib import TTFont

        with TTFont(str(path), lazy=True) as font:
            return frozenset(c for c in font.getBestCmap() if c > 0x20)
    except Exception:  # noqa: BLE001 - an unreadable font covers nothing; the preflight names what it lacks
        return frozenset()


def installed() -> bool:
    return bool(coverage())


_expected: set[int] = set()
_have: frozenset[int] = frozenset()
_font = None
_growing = threading.Lock()
"""One growth at a time: two threads of the web app meeting new names must not each make a
font that lacks the other's characters."""


def expect(codepoints: Iterable[int]) -> None:
    """Characters the preflight found in text about to be drawn: converted together with the
    first CJK character drawn, so one cut serves the run."""
    _expected.update(c for c in codepoints if c in coverage())


def expected() -> frozenset[int]:
    """What :func:`expect` was told: for a batch to hand to its worker processes."""
    return frozenset(_expected)


@lru_cache(maxsize=1)
def _source():
    from .fontconvert import Source

    return Source(source_path())


def _make(codepoints: frozenset[int]) -> bytes:
    return _source().truetype(codepoints, PS_NAME)


def require(text: str) -> str:
    """The ReportLab font name that draws every CJK character of ``text``, growing the font
    when ``text`` holds one it lacks."""
    wanted = {ord(ch) for ch in text} & coverage()
    if _font is not None and wanted <= _have:
        return FONT_NAME
    with _growing:
        return _grow(wanted)


def _grow(wanted: set[int]) -> str:
    global _have, _font
    if _font is not None and wanted <= _have:
        return FONT_NAME
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if not coverage():  # the preflight refuses such text first; this is a guard, not a message
        raise RuntimeError(f"Chinese, Japanese and Korean text needs the '{PACKAGE}' package")
    first = _font is None
    chars = frozenset(_have | wanted | (_expected if first else set()))
    if not chars:
        chars = frozenset({min(coverage())}) if coverage() else chars
    if first:
        from .fontcache import cached_cut

        font = cached_cut(FONT_NAME, source_path(), chars, PS_NAME, lambda: _make(chars))
        font.shapable = True  # it may sit in a paragraph that is shaped (text.shaped_style)
        pdfmetrics.registerFont(font)
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(FONT_NAME, bold, italic, FONT_NAME)
    else:
        # The same font object, a larger face: documents being drawn keep the codes they were given.
        font = _font
        font.face = TTFont(FONT_NAME, io.BytesIO(_make(chars))).face
        font.__dict__.pop("__hbFace__", None)  # HarfBuzz's copy of the old face
    _have, _font = chars, font
    return FONT_NAME
