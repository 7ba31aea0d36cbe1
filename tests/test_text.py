"""Plain text to Paragraph markup, and the characters that cannot be printed as written."""

from __future__ import annotations

import pytest

from handouts.text import SHOWN, glyph_problems, markup, needs_shaping


def problems(text: str) -> list[str]:
    return [str(p) for p in glyph_problems({"name": text}, "roster.csv", lambda loc: 7)]


def test_markup_prints_markup_characters_literally():
    assert markup('Ana & Bob <b>"hi"</b>') == "Ana &amp; Bob &lt;b&gt;&quot;hi&quot;&lt;/b&gt;"


@pytest.mark.parametrize("text", ["Zoë Saldaña", "Дмитрий Иванов", "Γιώργος", "Nguyễn Thị Minh Khai",
                                  "Ørjan Ødegård", "İsmail Çelik"])
def test_scripts_the_fonts_draw_letter_by_letter_pass(text):
    assert problems(text) == []


def test_a_character_no_font_has_is_named_with_its_location():
    assert problems("Mia 🌸") == ["roster.csv:7: name: no font can print '🌸' (U+1F338 CHERRY BLOSSOM)"]


def test_many_missing_characters_are_counted_not_all_listed():
    text = "".join(chr(0x4E00 + i) for i in range(SHOWN + 3))
    (message,) = problems(text)
    assert message.count("CJK UNIFIED IDEOGRAPH") == SHOWN
    assert message.endswith("and 3 more")


@pytest.mark.parametrize("text, script", [("अनीता शर्मा", "Devanagari"), ("Anita शर्मा", "Devanagari")])
def test_a_script_whose_letters_join_is_refused_though_a_font_has_its_glyphs(text, script):
    """A font has Devanagari glyphs, but placed one per character they would print as loose letters."""
    (message,) = problems(text)
    assert message.startswith(f"roster.csv:7: name: cannot print {script} text such as ")
    assert "would print wrongly" in message


def test_shaping_is_needed_by_joined_and_reordered_scripts_only():
    assert all(needs_shaping(c) for c in "नשمสக")
    assert not any(needs_shaping(c) for c in "aéжλ李🌸ễ")
