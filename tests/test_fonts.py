"""Fonts come from PyPI packages, load only when needed, and fall back in a fixed order."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pdfcheck import font_report

from handouts.fonts import family_for, missing_glyphs


def test_fallback_fonts_load_only_when_a_character_needs_them():
    script = (
        "from reportlab.pdfbase import pdfmetrics\n"
        "from handouts import fonts\n"
        "fonts.face_name('atkinson', bold=True)\n"
        "print(sorted(pdfmetrics.getRegisteredFontNames()))\n"
        "print(fonts.family_for('\\u2192'))\n"
        "print(sorted(pdfmetrics.getRegisteredFontNames()))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == str(sorted(["Atkinson", "Atkinson-Bold", "Atkinson-Italic", "Atkinson-BoldItalic"]))
    assert out[1] in ("inter", "noto")
    assert "Inter" in out[2]


def test_asking_whether_the_cjk_font_has_a_character_converts_nothing():
    script = (
        "from reportlab.pdfbase import pdfmetrics\n"
        "from handouts import cjk, fonts\n"
        "print(fonts.family_for('\u674e'), fonts.family_for('\uae40'), fonts.family_for('\u3072'))\n"
        "print(cjk._source.cache_info().currsize, 'NotoSansCJKsc' in pdfmetrics.getRegisteredFontNames())\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out == ["cjk cjk cjk", "0 False"]


def test_fallback_order_and_missing_glyphs():
    assert family_for("a") == "atkinson"
    assert family_for("ж") in ("inter", "noto")
    assert missing_glyphs("a😀b😀") == ["😀"]
    assert family_for("ж") != "cjk" and family_for("→") != "cjk"  # the CJK font comes last
    assert family_for("李") == "cjk" and missing_glyphs("李小龍 김민준") == []


# ---------------------------------------------------------------- bold fallback faces

_BOLD_SCRIPT = """
import io, sys
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import SimpleDocTemplate
from handouts.fonts import face_name
from handouts.render.flowables import Para
from handouts.text import markup
bold = ParagraphStyle("h", fontName=face_name("atkinson", bold=True), fontSize=14)
body = ParagraphStyle("b", fontName=face_name("atkinson"), fontSize=12)
buf = io.BytesIO()
SimpleDocTemplate(buf, invariant=1).build([
    Para(markup("Prepared for Σωκράτης Жуков"), bold),
    Para(markup("Notes for Σωκράτης"), body),
    Para("Inline " + "<b>" + markup("Жуков") + "</b>", body),
])
sys.stdout.buffer.write(buf.getvalue())
"""


def _bold_pdf(tmp_path, cache) -> Path:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    out = subprocess.run([sys.executable, "-c", _BOLD_SCRIPT], capture_output=True, env=env, check=True).stdout
    path = tmp_path / "bold.pdf"
    path.write_bytes(out)
    return path


def _runs(path) -> list[tuple[str, str]]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        words = pdf.pages[0].extract_words(extra_attrs=["fontname"])
    return [(w["text"], w["fontname"].split("+")[-1]) for w in words]


def test_a_greek_or_cyrillic_name_in_bold_text_prints_bold_from_a_cached_face(tmp_path):
    cache = tmp_path / "cache"
    runs = _runs(_bold_pdf(tmp_path, cache))
    fonts = dict(reversed(runs))  # each word's first appearance: the bold heading
    assert fonts["Prepared"] == "AtkinsonHyperlegible-Bold"
    assert fonts["Σωκράτης"] == fonts["Жуков"] == "Inter-Bold"
    assert [f for t, f in runs if t == "Σωκράτης"][1] == "Inter-Regular"  # regular text stays regular
    embedded = {f["name"].split("+")[-1]: f["embedded"] for f in font_report(tmp_path / "bold.pdf")}
    assert embedded["Inter-Bold"] is True
    # The face is made once and kept; a damaged (or foreign) copy is made again.
    (made,) = [p for p in (cache / "handouts" / "fonts").iterdir() if p.name.startswith("Inter")]
    good = made.read_bytes()
    made.write_bytes(b"not a font")
    assert dict(_runs(_bold_pdf(tmp_path, cache)))["Жуков"] == "Inter-Bold"
    assert made.read_bytes() == good


def test_a_cache_folder_that_cannot_be_written_only_costs_time(tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    assert dict(_runs(_bold_pdf(tmp_path, blocked)))["Жуков"] == "Inter-Bold"


def test_a_cached_font_past_the_size_limit_or_not_a_file_is_not_read(tmp_path):
    from handouts import fontcache

    big = tmp_path / "big.ttf"
    with big.open("wb") as fh:
        fh.truncate(fontcache.MAX_CACHED_FONT + 1)
    pipe = tmp_path / "pipe.ttf"
    os.mkfifo(pipe)
    small = tmp_path / "small.ttf"
    small.write_bytes(b"font")
    assert fontcache._read(big) is None and fontcache._read(pipe) is None
    assert fontcache._read(small) == b"font"
