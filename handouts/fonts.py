"""Fonts installed from PyPI, registered once per process, with a fallback chain.

Atkinson Hyperlegible (designed for low-vision readers) sets the text. It lacks
arrows and a few symbols the seeds use, so those characters fall back to Inter,
then to Noto Sans (Greek, Cyrillic and more for roster names). A character none
of them has is a build error, never a blank box.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont


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
}

FALLBACK_ORDER = ("atkinson", "inter", "noto")


def _font_path(face: Face) -> Path:
    return Path(str(resources.files(face.package) / "files" / face.filename))


def _load(face: Face, regular: str) -> TTFont:
    if face.weight is None:
        return TTFont(face.name, str(_font_path(face)))
    from .fontcache import static_instance

    return static_instance(face.name, _font_path(face), face.weight, _cmap(regular))


@lru_cache(maxsize=None)
def register_family(family: str) -> None:
    """Register one family's faces and its bold/italic mapping with ReportLab, once.

    Families are registered when first asked for: the fallback fonts are large
    and most documents never need them, so a one-off build does not pay for them.
    The mapping is what makes a Greek name in a bold heading bold: ReportLab
    looks up the bold face of the fallback family through it."""
    faces = FACES[family]
    for face in {f.name: f for f in faces.values()}.values():
        if face.name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(_load(face, faces[(False, False)].name))
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


def face_name(family: str, bold: bool = False, italic: bool = False) -> str:
    register_family(family)
    return FACES[family][(bold, italic)].name


@lru_cache(maxsize=None)
def _cmap(face_name_: str) -> frozenset[int]:
    font = pdfmetrics.getFont(face_name_)
    return frozenset(font.face.charToGlyph.keys())


def has_glyph(family: str, char: str) -> bool:
    return ord(char) in _cmap(face_name(family))


@lru_cache(maxsize=4096)
def family_for(char: str, preferred: str = "atkinson") -> str | None:
    """The first family in the fallback chain (starting at ``preferred``) that draws ``char``."""
    if char in "\n\t ":
        return preferred
    order = [preferred] + [f for f in FALLBACK_ORDER if f != preferred]
    for family in order:
        if has_glyph(family, char):
            return family
    return None


def missing_glyphs(text: str, preferred: str = "atkinson") -> list[str]:
    """Characters of ``text`` no configured font can draw (in order of appearance, once each)."""
    out: list[str] = []
    for ch in text:
        if ch not in out and family_for(ch, preferred) is None:
            out.append(ch)
    return out
