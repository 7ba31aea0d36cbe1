"""Fonts installed from PyPI, registered once per process, with a fallback chain.

Atkinson Hyperlegible (designed for low-vision readers) sets the text. It lacks
arrows and a few symbols the seeds use, so those characters fall back to Inter,
then to Noto Sans (Greek, Cyrillic and more for roster names), then to one font
per script whose letters join or reorder (Devanagari, Bengali, Tamil, Thai,
Arabic, Hebrew), which ReportLab shapes with HarfBuzz, and last to Noto Sans CJK
for Chinese, Japanese and Korean (see :mod:`handouts.cjk`). A character none of
them has is a build error, never a blank box.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from . import cjk


@dataclass(frozen=True)
class Face:
    name: str
    package: str
    filename: str
    weight: int | None = None
    """For a variable font: the weight of the static instance to make (the other axes at their defaults)."""


def _variable(name: str, package: str, filename: str) -> dict[tuple[bool, bool], Face]:
    regular = Face(name, package, filename)
    bold = Face(f"{name}-Bold", package, filename, weight=700)
    return {(False, False): regular, (True, False): bold, (False, True): regular, (True, True): bold}


FACES: dict[str, dict[tuple[bool, bool], Face]] = {
    "atkinson": {
        (False, False): Face("Atkinson", "fontpkg_atkinson_hyperlegible", "AtkinsonHyperlegible-Regular.ttf"),
        (True, False): Face("Atkinson-Bold", "fontpkg_atkinson_hyperlegible", "AtkinsonHyperlegible-Bold.ttf"),
        (False, True): Face("Atkinson-Italic", "fontpkg_atkinson_hyperlegible", "AtkinsonHyperlegible-Italic.ttf"),
        (True, True): Face("Atkinson-BoldItalic", "fontpkg_atkinson_hyperlegible", "AtkinsonHyperlegible-BoldItalic.ttf"),
    },
    # Variable fonts: ReportLab draws only their default (regular) instance, so the bold
    # face is a static instance made from them (see fontcache); italic is never used for
    # fallback text, which keeps to the upright faces.
    "inter": _variable("Inter", "fontpkg_inter", "Inter[opsz,wght].ttf"),
    "noto": _variable("NotoSans", "fontpkg_noto_sans", "NotoSans[wdth,wght].ttf"),
    # Scripts whose letters join, stack or reorder: drawn through HarfBuzz (see SHAPED).
    "devanagari": _variable("NotoSansDevanagari", "fontpkg_noto_sans_devanagari", "NotoSansDevanagari[wdth,wght].ttf"),
    "bengali": {
        (b, i): Face("HindSiliguri-Bold" if b else "HindSiliguri", "fontpkg_hind_siliguri",
                     "HindSiliguri-Bold.ttf" if b else "HindSiliguri-Regular.ttf")
        for b in (False, True) for i in (False, True)
    },
    "tamil": _variable("NotoSansTamil", "fontpkg_noto_sans_tamil", "NotoSansTamil[wdth,wght].ttf"),
    "thai": _variable("NotoSansThai", "fontpkg_noto_sans_thai", "NotoSansThai[wdth,wght].ttf"),
    "arabic": _variable("NotoSansArabic", "fontpkg_noto_sans_arabic", "NotoSansArabic[wdth,wght].ttf"),
    "hebrew": _variable("Heebo", "fontpkg_heebo", "Heebo[wght].ttf"),
    # An OpenType/CFF font cut to the characters a run needs and made TrueType (handouts.cjk);
    # it has no bold face, so bold text prints its CJK characters in the regular weight.
    "cjk": {(b, i): Face(cjk.FONT_NAME, cjk.PACKAGE, cjk.FILE[-1]) for b in (False, True) for i in (False, True)},
}

FALLBACK_ORDER = ("atkinson", "inter", "noto", "devanagari", "bengali", "tamil", "thai", "arabic", "hebrew", "cjk")

SHAPED = frozenset({"devanagari", "bengali", "tamil", "thai", "arabic", "hebrew"})
"""Families whose text ReportLab shapes with HarfBuzz as it sets it (text.shaped_style):
conjuncts formed, vowel signs moved before their consonant, Arabic letters joined,
marks placed. Paragraphs without them are set one glyph per character, which is
right for the other scripts and much cheaper."""


def _font_path(face: Face) -> Path:
    return Path(str(resources.files(face.package) / "files" / face.filename))


def _load(face: Face, regular: str | None) -> TTFont:
    if face.weight is None:
        font = TTFont(face.name, str(_font_path(face)))
    else:
        from .fontcache import static_instance

        font = static_instance(face.name, _font_path(face), face.weight, _cmap(regular or face.name))
    # Any face may sit in a shaped paragraph (text.shaped_style); ReportLab shapes a
    # paragraph only when its style asks and its own font allows it.
    font.shapable = True
    return font


def _family_of(name: str) -> str | None:
    return next((family for family, faces in FACES.items() if any(f.name == name for f in faces.values())), None)


def _register_regular(family: str) -> str:
    """The regular face alone, enough to ask which characters a family has: the bold
    instance of a variable font takes seconds to make, so it waits until the family
    actually sets text (:func:`register_family`)."""
    if family == "cjk":
        return cjk.require("")
    face = FACES[family][(False, False)]
    if face.name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(_load(face, None))
    return face.name


@lru_cache(maxsize=None)
def register_family(family: str) -> None:
    """Register one family's faces and its bold/italic mapping with ReportLab, once.

    Families are registered when first asked for: the fallback fonts are large
    and most documents never need them, so a one-off build does not pay for them.
    The mapping is what makes a Greek name in a bold heading bold: ReportLab
    looks up the bold face of the fallback family through it."""
    faces = FACES[family]
    regular = _register_regular(family)
    if family == "cjk":  # one face, mapped to itself for every weight by cjk.require
        return
    for face in {f.name: f for f in faces.values()}.values():
        if face.name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(_load(face, regular))
    for (bold, italic), face in faces.items():
        addMapping(family, int(bold), int(italic), face.name)
        addMapping(faces[(False, False)].name, int(bold), int(italic), face.name)


def register_all() -> None:
    """The body font, for processes that will draw many documents (batch workers); a
    fallback family is registered by the first text that needs it, since its bold face
    may take seconds to make."""
    register_family("atkinson")


def ensure_face(name: str) -> None:
    """Register the family a face name (``Atkinson-Bold``) belongs to, when it is one of ours."""
    for family, faces in FACES.items():
        if any(face.name == name for face in faces.values()):
            register_family(family)
            return


def face_name(family: str, bold: bool = False, italic: bool = False, text: str = "") -> str:
    """The ReportLab font name of ``family``'s face; ``text``, the characters about to be set
    in it, are what the CJK font must be able to draw (it is cut to the characters a run needs)."""
    if family == "cjk":
        return cjk.require(text)
    register_family(family)
    return FACES[family][(bold, italic)].name


@lru_cache(maxsize=None)
def _cmap(face_name_: str) -> frozenset[int]:
    font = pdfmetrics.getFont(face_name_)
    return frozenset(font.face.charToGlyph.keys())


def has_glyph(family: str, char: str) -> bool:
    if family == "cjk":  # read from the font's character map: nothing is converted to ask
        return ord(char) in cjk.coverage()
    return ord(char) in _cmap(_register_regular(family))


def draws_shaped(family: str) -> bool:
    """True when text in ``family`` is shaped as it is drawn (the family is one of SHAPED
    and HarfBuzz is installed)."""
    return family in SHAPED and _harfbuzz()


@lru_cache(maxsize=1)
def _harfbuzz() -> bool:
    from importlib.util import find_spec

    return find_spec("uharfbuzz") is not None


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
"""Scripts whose letters change shape, join or reorder as they are written. Their
characters must fall to a font that is shaped as it is drawn (fonts.SHAPED);
placed one glyph per character, left to right, they would print wrongly (a
Devanagari name as loose letters and dotted circles), so a character of these
scripts that only an unshaped font has is refused like a missing glyph."""



def needs_shaping(char: str) -> bool:
    code = ord(char)
    return any(lo <= code <= hi for lo, hi in _SHAPED)


@lru_cache(maxsize=4096)
def family_for(char: str, preferred: str = "atkinson") -> str | None:
    """The first family in the fallback chain (starting at ``preferred``) that draws ``char``;
    for a script that must be shaped, the shaped fonts come first (Noto Sans has
    Devanagari glyphs, but drawn unshaped they would be wrong)."""
    if char in "\n\t ":
        return preferred
    order = [preferred] + [f for f in FALLBACK_ORDER if f != preferred]
    if needs_shaping(char):
        order = [f for f in order if f in SHAPED] + [f for f in order if f not in SHAPED]
    for family in order:
        if has_glyph(family, char):
            return family
    return None


def missing_glyphs(text: str, preferred: str = "atkinson") -> list[str]:
    """Characters of ``text`` no configured font can draw (in order of appearance, once each).

    This is the preflight's look at every text about to be drawn, so the characters
    it finds for the CJK font are noted there: the first cut made holds them all."""
    out: list[str] = []
    for ch in text:
        family = family_for(ch, preferred)
        if family is None:
            if ch not in out:
                out.append(ch)
        elif family == "cjk":
            cjk.expect((ord(ch),))
    return out


_CJK_NAMES = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC")


def missing_hint(chars: list[str]) -> str:
    """Why a Chinese, Japanese or Korean character has no font, when the reason is that the
    font's package is not installed; empty otherwise."""
    import unicodedata

    if cjk.installed() or not any(unicodedata.name(c, "").startswith(_CJK_NAMES) for c in chars):
        return ""
    return (f"; Chinese, Japanese and Korean text prints in the font of the '{cjk.PACKAGE}' package, "
            f"which is not installed (pip install {cjk.PACKAGE})")
