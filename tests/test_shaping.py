"""Names in every script the fonts cover print: shaped where letters join, in visual order right to left."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest
import uharfbuzz
from reportlab.pdfbase import pdfmetrics

from handouts.fonts import FACES, family_for
from handouts.layouts import LayoutLibrary
from handouts.models import Personalisation
from handouts.pipeline.plan import select
from handouts.pipeline.render import render_handout
from handouts.render import textlayer
from handouts.text import glyph_problems

ROOT = Path(__file__).resolve().parent.parent

# Thirty names as a class roster might hold them: every script the fonts cover, Chinese in
# Simplified and Traditional characters, Japanese kanji with hiragana and katakana, Korean Hangul.
ROSTER = [
    "Ana López", "Zoë Saldaña", "Nguyễn Thị Minh Khai", "İsmail Çelik",
    "Γιώργος Παπαδόπουλος", "Дмитрий Иванов",
    "अनीता शर्मा", "क्षितिज त्रिपाठी", "রবীন্দ্রনাথ ঠাকুর", "தமிழ் செல்வி",
    "สมชาย ใจดี", "น้ำฝน", "محمد علي", "Dr محمد علي", "דוד כהן",
    "李明", "王小红", "張偉", "李小龍", "山田 はなこ", "佐藤 ケンジ", "김민준", "이서연",
    "Anita शर्मा", "Sam 李", "Marie-Hélène O’Brien", "José & María", "Sam <Lee>", "Chloé \"Coco\" Martin",
    "Ngozi Okonkwo-Adébáyọ̀",
]
# An emoji, and a character of CJK Extension B that Noto Sans CJK SC does not draw.
REFUSED = {"Mia 🌸": "CHERRY BLOSSOM", "林\U0002A6D6": "CJK UNIFIED IDEOGRAPH-2A6D6"}

SHAPED_FONTS = {face.name for family in ("devanagari", "bengali", "tamil", "thai", "arabic", "hebrew")
                for face in FACES[family].values()}


@pytest.fixture(scope="module")
def render():
    doc = next(d for d in select([], ROOT / "content").docs if d.routine.id == "self-neck-back")
    _, layout = LayoutLibrary(None).choose("handout-a4", "handout")

    def draw(name: str) -> list[dict]:
        with textlayer.glyph_codes():  # the text then names each glyph drawn
            pdf = render_handout(doc.routine, layout, "handout-a4", Personalisation(for_name=name), None,
                                 doc.path.parent)
        with pdfplumber.open(io.BytesIO(pdf)) as opened:
            page = opened.pages[0]
            label = next(c for c in page.chars if c["text"] == "P" and "Bold" in c["fontname"])
            baseline = label["matrix"][5]  # the line's baseline, whatever each font's height
            colon = next(c for c in page.chars if c["text"] == ":" and abs(c["matrix"][5] - baseline) < 0.5)
            return [c for c in page.chars if abs(c["matrix"][5] - baseline) < 0.5 and c["x0"] > colon["x1"]
                    and c["x0"] < colon["x1"] + 250]

    return draw


def _hb_glyphs(font_name: str, word: str) -> list[int]:
    font = pdfmetrics.getFont(font_name)
    hb = uharfbuzz.Font(uharfbuzz.Face(uharfbuzz.Blob(font.face._ttf_data)))
    buffer = uharfbuzz.Buffer()
    buffer.add_str(word)
    buffer.guess_segment_properties()
    uharfbuzz.shape(hb, buffer, {"kern": True, "liga": True, "dlig": True})
    return [info.codepoint for info in buffer.glyph_infos]


def _font_of(char: dict) -> str:
    """The ReportLab font that drew ``char`` (the PDF names a font by its PostScript name)."""
    postscript = char["fontname"].split("+")[-1]
    for name in pdfmetrics.getRegisteredFontNames():
        font = pdfmetrics.getFont(name)
        face_name = getattr(getattr(font, "face", None), "name", b"")
        face_name = face_name.decode() if isinstance(face_name, bytes) else face_name
        if face_name == postscript and name in SHAPED_FONTS:
            return name
    return postscript


@pytest.mark.parametrize("name", ROSTER)
def test_every_name_of_a_mixed_roster_passes_the_glyph_check(name):
    assert glyph_problems({"name": name}, "roster.csv") == []


@pytest.mark.parametrize("name, why", REFUSED.items())
def test_names_no_font_covers_are_refused_by_name(name, why):
    (problem,) = glyph_problems({"name": name}, "roster.csv")
    assert problem.message.startswith("no font can print") and why in problem.message
    assert f"(U+{ord(name[-1]):04X} " in problem.message


def test_the_roster_has_thirty_names_in_every_script():
    assert len(ROSTER) == len(set(ROSTER)) == 30
    families = {family_for(c) for name in ROSTER for c in name if not c.isspace()}
    assert {"atkinson", "devanagari", "bengali", "tamil", "thai", "arabic", "hebrew", "cjk"} <= families


@pytest.mark.parametrize("name", [n for n in ROSTER if not any(family_for(c) in ("devanagari", "bengali", "tamil",
                                                                                  "thai", "arabic", "hebrew")
                                                                for c in n)])
def test_a_name_in_a_script_set_letter_by_letter_reads_back_exactly(render, name):
    drawn = "".join(c["text"] for c in render(name))
    assert drawn.replace(" ", "").startswith(name.replace(" ", ""))


@pytest.mark.parametrize("name", ["अनीता शर्मा", "क्षितिज त्रिपाठी", "রবীন্দ্রনাথ ঠাকুর", "தமிழ் செல்வி", "สมชาย ใจดี",
                                  "น้ำฝน"])
def test_shaped_names_draw_exactly_harfbuzz_glyphs(render, name):
    """The glyphs in the PDF, in drawing order, are HarfBuzz's for the same words: conjuncts formed,
    vowel signs moved before their consonant, marks stacked."""
    chars = [c for c in render(name) if _font_of(c) in SHAPED_FONTS]
    font_name = {_font_of(c) for c in chars}.pop()
    font = pdfmetrics.getFont(font_name)
    drawn = [font.face.charToGlyph[ord(c["text"])] for c in chars if c["text"] != " "]  # in drawing order
    expected = [g for word in name.split() for g in _hb_glyphs(font_name, word)]
    assert drawn == expected
    assert len(drawn) != len(name.replace(" ", "")) or name == "สมชาย ใจดี"  # shaping changed the glyph count


@pytest.mark.parametrize("name, first, second", [("محمد علي", "محمد", "علي"), ("דוד כהן", "דוד", "כהן")])
def test_right_to_left_names_read_right_to_left(render, name, first, second):
    """The first word of a right-to-left name is the rightmost, and each word is drawn in HarfBuzz's
    visual order (Arabic letters joined)."""
    chars = [c for c in render(name) if _font_of(c) in SHAPED_FONTS]
    font_name = _font_of(chars[0])
    font = pdfmetrics.getFont(font_name)
    drawn = [font.face.charToGlyph[ord(c["text"])] for c in chars if c["text"] != " "]  # in drawing order
    assert drawn == _hb_glyphs(font_name, second) + _hb_glyphs(font_name, first)
    words = [c for c in chars if c["text"] != " "]
    first_len = len(_hb_glyphs(font_name, second))
    assert min(c["x0"] for c in words[first_len:]) > max(c["x0"] for c in words[:first_len])


def test_a_paragraph_without_a_shaped_script_is_not_shaped():
    """Shaping costs time; only paragraphs that hold a shaped script pay it."""
    from reportlab.lib.styles import ParagraphStyle

    from handouts.text import markup, shaped_style

    style = ParagraphStyle("body")
    assert shaped_style(style, markup("Zoë Дмитрий")) is style
    shaped = shaped_style(style, markup("Zoë अनीता"))
    assert shaped is not style and shaped.shaping == 1 and shaped_style(style, markup("राहुल")) is shaped
