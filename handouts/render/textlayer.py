"""The text a reader copies, searches or hears from a shaped word is the word as written.

HarfBuzz turns a Devanagari, Bengali, Tamil, Thai or Arabic word into glyphs that are not
one per letter: a conjunct is one glyph for three letters, a vowel sign is drawn before the
consonant it follows, a joined Arabic letter is a form with no code point of its own.
ReportLab draws those glyphs correctly but names each one in the PDF's ToUnicode map by a
private-use code or by the letter the glyph happens to have in the font's character map,
so copying "क्षितिज" from the page gave private-use characters and vowel signs in drawing
order.

After ReportLab shapes a word, the letters of each HarfBuzz cluster are handed out to the
cluster's glyphs in drawing order (the last glyph takes what is left), and a glyph whose
letters differ from its own character is drawn through a code of its own whose ToUnicode
entry is those letters. Read in drawing order, a cluster's glyphs then spell the cluster's
letters, so the whole word reads back in its logical order; the glyphs drawn are unchanged.

Right-to-left words are left as ReportLab labels them: they are drawn in visual order and
readers disagree on turning that back (PDFium reverses each word, pdfminer keeps visual
order); relabelling their joined forms made PDFium's reordering worse, not better.
"""

from __future__ import annotations

from contextlib import contextmanager

from reportlab.pdfbase import ttfonts

FIRST_CODE = 0xF0000
"""Codes are taken from Supplementary Private Use Area-A, which no font here maps; they never
appear in the PDF itself, only as keys of the font's subset and of this module's table."""

LAST_CODE = 0xFFFFD

EXTRA = "\u2060"
"""What a glyph beyond a cluster's letters reads as (Thai's sara am is drawn as two glyphs): a word
joiner, invisible and never a break; PDFium reads an empty entry as the glyph's code."""

_letters: dict[int, str] = {}
"""Code → the letters its glyph stands for."""

_codes: dict[tuple[int, int, str], int] = {}
_next = FIRST_CODE
_original_shape = ttfonts.shapeFragWord
_original_cmap = ttfonts.makeToUnicodeCMap


def _code_for(face, glyph: int, width: float, letters: str) -> int | None:
    """The code that draws ``glyph`` of ``face`` and reads back as ``letters``; None when every code
    is taken (the glyph keeps ReportLab's own code: drawn right, read back as before)."""
    global _next
    key = (id(face), glyph, letters)
    code = _codes.get(key)
    if code is None:
        if _next > LAST_CODE:
            return None
        code = _codes[key] = _next
        _next += 1
        _letters[code] = letters
        face.charToGlyph[code] = glyph
        face.charWidths[code] = width
    return code


def _shares(count: int, letters: str) -> list[str]:
    """A cluster's letters handed out to its ``count`` glyphs in drawing order."""
    if count <= len(letters):
        return list(letters[:count - 1]) + [letters[count - 1:]]
    return list(letters) + [EXTRA] * (count - len(letters))


def _relabelled(word, shaped):
    text = "".join(s for f, s in word[1:] if not hasattr(f, "cbDefn"))
    glyphs = []  # (item index, position, cluster) in drawing order
    for k, item in enumerate(shaped[1:], 1):
        data = getattr(item[1], "__shapeData__", None)
        if data is None:
            continue
        glyphs += [(k, j, d.cluster) for j, d in enumerate(data)]
    if not glyphs or glyphs[0][2] > glyphs[-1][2]:
        return shaped  # right to left: see the module's note
    starts = sorted({c for _, _, c in glyphs})
    end_of = {c: (starts[i + 1] if i + 1 < len(starts) else len(text)) for i, c in enumerate(starts)}
    letters_of: dict[tuple[int, int], str] = {}
    run: list[tuple[int, int, int]] = []
    for glyph in glyphs + [(-1, -1, -1)]:
        if run and glyph[2] != run[0][2]:
            cluster = run[0][2]
            for (k, j, _), share in zip(run, _shares(len(run), text[cluster:end_of[cluster]])):
                letters_of[(k, j)] = share
            run = []
        run.append(glyph)
    items = list(shaped)
    for k in range(1, len(items)):
        frag, s = items[k]
        data = getattr(s, "__shapeData__", None)
        if data is None:
            continue
        font = ttfonts.pdfmetrics.getFont(frag.fontName)
        face = font.face
        chars = list(s)
        for j, ch in enumerate(chars):
            letters = letters_of.get((k, j))
            if letters is None or letters == ch:
                continue
            glyph = face.charToGlyph.get(ord(ch))
            if glyph is None:
                continue
            code = _code_for(face, glyph, face.charWidths.get(ord(ch), 0), letters)
            if code is not None:
                chars[j] = chr(code)
        relabelled = (frag, ttfonts.ShapedStr("".join(chars), shapeData=data))
        items[k] = relabelled if isinstance(items[k], tuple) else list(relabelled)
    return shaped.__class__(items)


_enabled = True


def shape_frag_word(word, *args, **kwargs):
    shaped = _original_shape(word, *args, **kwargs)
    if shaped is word or not _enabled:
        return shaped
    return _relabelled(word, shaped)


@contextmanager
def glyph_codes():
    """Draw shaped words with ReportLab's own codes, so a test can read the glyphs back from the text."""
    global _enabled
    _enabled = False
    try:
        yield
    finally:
        _enabled = True


def to_unicode_cmap(fontname: str, subset) -> str:
    """ReportLab's map, with each relabelled code read as its letters."""
    cmap = _original_cmap(fontname, subset)
    if not any(v in _letters for v in subset):
        return cmap
    lines = cmap.split("\n")
    first = lines.index(next(line for line in lines if line.endswith("beginbfchar"))) + 1
    for i, v in enumerate(subset):
        if v in _letters:
            lines[first + i] = "<%02X> <%s>" % (i, _letters[v].encode("utf-16-be").hex().upper())
    return "\n".join(lines)


def install() -> None:
    """Wrap ReportLab's shaping and ToUnicode writing (idempotent)."""
    from reportlab.pdfgen import canvas
    from reportlab.platypus import paragraph

    for module in (ttfonts, paragraph, canvas):
        module.shapeFragWord = shape_frag_word
    ttfonts.makeToUnicodeCMap = to_unicode_cmap
