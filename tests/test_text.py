"""Plain text to Paragraph markup, and the characters that cannot be printed as written."""

from __future__ import annotations

import pytest

from handouts.text import SHOWN, clean, glyph_problems, markup, needs_shaping


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
    text = "".join(chr(0x30000 + i) for i in range(SHOWN + 3))  # CJK Extension G: in no font
    (message,) = problems(text)
    assert message.count("CJK UNIFIED IDEOGRAPH") == SHOWN
    assert message.endswith("and 3 more")


@pytest.mark.parametrize("text", ["अनीता शर्मा", "Anita शर्मा", "রবীন্দ্রনাথ ঠাকুর", "தமிழ் செல்வி", "สมชาย ใจดี",
                                  "محمد علي", "דוד כהן"])
def test_scripts_whose_letters_join_pass_when_a_shaped_font_has_them(text):
    assert problems(text) == []


def test_a_script_with_no_font_is_named_not_misprinted():
    (message,) = problems("မြန်မာ")
    assert message.startswith("roster.csv:7: name: no font can print 'မ' (U+1019 MYANMAR LETTER MA)")


def test_a_shaped_script_falls_to_its_shaped_font_not_a_general_one():
    """Noto Sans has Devanagari glyphs, but only the shaped Devanagari font draws them right."""
    from handouts.fonts import family_for, has_glyph

    assert has_glyph("noto", "अ") and family_for("अ") == "devanagari"
    assert family_for("ж") in ("inter", "noto")


def test_right_to_left_words_are_laid_out_in_visual_order():
    marked = markup("Dr محمد علي jr")
    assert marked.index("علي") < marked.index("محمد")  # seen left to right: the second word first
    assert marked.startswith("Dr ") and marked.endswith(" jr")


def test_shaping_is_needed_by_joined_and_reordered_scripts_only():
    assert all(needs_shaping(c) for c in "नשمสக")
    assert not any(needs_shaping(c) for c in "aéжλ李🌸ễ")


@pytest.mark.parametrize("char, words", [
    ("\x00", "a control character (U+0000)"),
    ("\x1b", "a control character (U+001B)"),
    ("\x7f", "a control character (U+007F)"),
    ("\x9b", "a control character (U+009B)"),
    ("\u202e", "an invisible formatting character (U+202E RIGHT-TO-LEFT OVERRIDE)"),
    ("\u2066", "an invisible formatting character (U+2066 LEFT-TO-RIGHT ISOLATE)"),
    ("\u200f", "an invisible formatting character (U+200F RIGHT-TO-LEFT MARK)"),
])
def test_characters_that_would_print_as_gaps_or_stray_marks_are_refused_by_name(char, words):
    (message,) = problems(f"Ana{char} Lopez")
    assert message.startswith(f"roster.csv:7: name: contains {words} ")
    assert message.endswith("; delete it")


def test_a_byte_that_was_not_utf8_is_named_as_one():
    assert problems("Ana \udcff") == [
        "roster.csv:7: name: contains a byte that is not UTF-8 text (0xFF); retype it, or set your terminal to UTF-8"]


@pytest.mark.parametrize("text", ["Ana\u200bLopez", "Ana\u00adLopez", "\ufeffAna", "Ana\u2060Lopez", "line\nbreak",
                                  "a\ttab", "Zoë \u00a0Saldaña"])
def test_zero_width_characters_and_layout_pass(text):
    assert problems(text) == []


def test_clean_drops_what_cannot_be_printed_and_keeps_line_breaks():
    assert clean("A\u200bn\u202ea\x00\r\nB\u2028C\rD\tE") == "Ana\nB\nC\nD\tE"
    assert markup("a\u2029b") == "a<br/>b"


def test_a_flag_made_of_tag_characters_is_named_as_unprintable_not_as_formatting():
    (message,) = problems("Go \U0001F3F4\U000E0067\U000E0062\U000E007F")
    assert "no font can print" in message
