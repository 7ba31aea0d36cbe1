"""Fonts come from PyPI packages, load only when needed, and fall back in a fixed order."""

from __future__ import annotations

import subprocess
import sys

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


def test_fallback_order_and_missing_glyphs():
    assert family_for("a") == "atkinson"
    assert family_for("ж") in ("inter", "noto")
    assert missing_glyphs("a😀b😀") == ["😀"]
