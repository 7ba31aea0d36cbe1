"""A shaped name copied from the PDF is the name as written, and is drawn with the same glyphs."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest

from handouts.layouts import LayoutLibrary
from handouts.models import Personalisation
from handouts.pipeline.plan import select
from handouts.pipeline.render import render_handout
from handouts.render import textlayer

ROOT = Path(__file__).resolve().parent.parent

CONJUNCTS = ["क्षितिज त्रिपाठी", "अनीता शर्मा", "রবীন্দ্রনাথ ঠাকুর", "সুমিত্রা", "தமிழ் செல்வி", "கார்த்திக்"]
"""Conjuncts, vowel signs drawn before their consonant, reph and split vowels: each once at least."""


@pytest.fixture(scope="module")
def build():
    doc = next(d for d in select([], ROOT / "content").docs if d.routine.id == "self-neck-back")
    _, layout = LayoutLibrary(None).choose("handout-a4", "handout")

    def draw(name: str) -> bytes:
        return render_handout(doc.routine, layout, "handout-a4", Personalisation(for_name=name), None, doc.path.parent)

    return draw


def _pdfium_text(pdf: bytes) -> str:
    return pdfium.PdfDocument(pdf)[0].get_textpage().get_text_range()


def _plumber_text(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        return "".join(c["text"] for c in opened.pages[0].chars)


@pytest.mark.parametrize("name", CONJUNCTS)
def test_a_shaped_name_reads_back_as_written(build, name):
    pdf = build(name)
    for words in (_pdfium_text(pdf), _plumber_text(pdf)):
        # Readers guess word spaces from gaps (PDFium puts one before a letter after a vowel sign
        # below); the letters and their order are what is tested.
        assert name.replace(" ", "") in "".join(words.split())
        assert not any(0xE000 <= ord(c) <= 0xF8FF or ord(c) >= 0xF0000 for c in words), "no private-use character"


def test_before_the_relabelling_the_same_names_did_not_read_back(build):
    """The test above can fail: with ReportLab's own codes the text holds private-use characters."""
    with textlayer.glyph_codes():
        pdf = build("क्षितिज त्रिपाठी")
    text = _pdfium_text(pdf)
    assert "क्षितिज" not in text and any(0xE000 <= ord(c) <= 0xF8FF for c in text)


def test_a_glyph_beyond_its_letters_reads_as_a_word_joiner(build):
    """Thai's sara am is drawn as two glyphs for one letter: the second reads as U+2060, nothing visible."""
    text = _pdfium_text(build("น้ำฝน"))
    assert "น้ำ\u2060ฝน" in text
    assert "น้ำฝน" in text.replace("\u2060", "")


@pytest.mark.parametrize("name", ["क्षितिज त्रिपाठी", "রবীন্দ্রনাথ ঠাকুর", "น้ำฝน"])
def test_the_page_looks_the_same_with_either_codes(build, name):
    relabelled = build(name)
    with textlayer.glyph_codes():
        plain = build(name)
    a = pdfium.PdfDocument(relabelled)[0].render(scale=100 / 72).to_pil().tobytes()
    b = pdfium.PdfDocument(plain)[0].render(scale=100 / 72).to_pil().tobytes()
    assert a == b


def test_right_to_left_words_keep_reportlabs_codes(build):
    """Relabelling Arabic made PDFium's reordering worse; those words are left alone (see the module)."""
    from reportlab.pdfbase.ttfonts import ShapedFragWord, ShapedStr

    class Frag:
        fontName = "NotoSansArabic"
        fontSize = 10

    build("محمد")  # registers the Arabic face
    word = [0, (Frag(), "محمد")]
    shaped = textlayer._original_shape(word)
    assert isinstance(shaped, ShapedFragWord)
    assert textlayer._relabelled(word, shaped) is shaped
    assert isinstance(shaped[1][1], ShapedStr)


def test_when_every_code_is_taken_glyphs_keep_their_own(build, monkeypatch):
    monkeypatch.setattr(textlayer, "_next", textlayer.LAST_CODE + 1)
    monkeypatch.setattr(textlayer, "_codes", {})
    relabelled = build("ऋषिकेश")
    with textlayer.glyph_codes():
        plain = build("ऋषिकेश")
    a = pdfium.PdfDocument(relabelled)[0].render(scale=1).to_pil().tobytes()
    b = pdfium.PdfDocument(plain)[0].render(scale=1).to_pil().tobytes()
    assert a == b, "drawn the same, read back as before"
