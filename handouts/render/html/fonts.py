"""The PDF's typeface inside the HTML twin: Atkinson Hyperlegible, cut down to the page's characters.

The handout is set in Atkinson Hyperlegible because it was designed for
low-vision readers; the HTML twin keeps it, so it reads and prints like the
PDF on a machine that does not have the font. The page may fetch nothing, so
each face travels in the file as a ``data:`` URI, subset to the characters the
page uses (about 11 KB a face). Characters the face lacks fall back to the
reader's own fonts.
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache

from markupsafe import Markup

from ...fonts import FACES, _font_path

FAMILY = "Atkinson Hyperlegible"


@lru_cache(maxsize=64)
def _woff(bold: bool, chars: str) -> str:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(_font_path(FACES["atkinson"][(bold, False)])), recalcTimestamp=False)
    options = subset.Options()
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    font.flavor = "woff"
    buf = io.BytesIO()
    font.save(buf)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def font_faces(text: str) -> Markup:
    """``@font-face`` rules for the regular and bold face, holding the characters of ``text``
    (identical for identical text, so rebuilt pages stay byte-identical)."""
    chars = "".join(sorted(set(text) - {"\n", "\r", "\t"}))
    rules = []
    for bold in (False, True):
        rules.append(f"@font-face {{ font-family: \"{FAMILY}\"; font-weight: {'bold' if bold else 'normal'}; "
                     f"font-style: normal; src: url(data:font/woff;base64,{_woff(bold, chars)}) format(\"woff\"); }}")
    return Markup("\n".join(rules))
