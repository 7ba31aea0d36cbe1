"""Long words break with a hyphen by their language's rules, in the layouts that ask for it."""

from __future__ import annotations

import io
import pickle
import re
from copy import deepcopy
from pathlib import Path

import pdfplumber
import pyphen
import pytest
from reportlab.platypus import SimpleDocTemplate

from handouts.content import load_content
from handouts.layouts import LayoutLibrary
from handouts.pipeline.render import render_card_pdf, render_handout
from handouts.models import Personalisation
from handouts.render.flowables import Para
from handouts.styles import HYPHENATE_MIN_PART, hyphenator, paragraph_styles
from handouts.text import markup

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = LayoutLibrary()
HYPHEN_END = re.compile(r"(\w+)-$")


@pytest.fixture(scope="module")
def shipped():
    return load_content([ROOT / "content"])


def _lines(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        return [line for page in opened.pages for line in (page.extract_text() or "").splitlines()]


def _breaks(lines: list[str]) -> list[tuple[str, str]]:
    """(head, tail) of every word broken with a hyphen at the end of a line."""
    out = []
    for line, following in zip(lines, lines[1:]):
        m = HYPHEN_END.search(line)
        tail = re.match(r"\w+", following.lstrip("• "))
        if m and tail:
            out.append((m.group(1), tail.group(0)))
    return out


def _valid(head: str, tail: str, language: str) -> bool:
    """The break is one of the language's hyphenation points, with three letters a side at least."""
    word = head + tail
    points = pyphen.Pyphen(lang=language, left=HYPHENATE_MIN_PART, right=HYPHENATE_MIN_PART).positions(word)
    return len(head) in points


# ---------------------------------------------------------------- a narrow card column


@pytest.mark.parametrize("language, lead, word, rest", [
    ("es", "Evita el", "esternocleidomastoideo", "al presionar."),
    ("fr", "Demandez à votre", "kinésithérapeute", "avant de commencer."),
    ("en", "Ask about", "contraindications", "first."),
])
def test_a_long_word_in_a_narrow_card_column_breaks_at_a_valid_point(language, lead, word, rest):
    from reportlab.pdfbase.pdfmetrics import stringWidth

    style = paragraph_styles(LIBRARY.get("card-credit"), language)["safety"]
    text = f"{lead} {word} {rest}"
    # The lead and most of the word fit a line, the whole word does not: it must break or move down.
    width = stringWidth(f"{lead} {word}", style.fontName, style.fontSize) * 0.8
    lines = _drawn(text, style, width)
    breaks = _breaks(lines)
    assert "".join(breaks[0]) == word, lines
    assert all(_valid(head, tail, hyphenator(language).language) for head, tail in breaks)
    assert re.sub(r"-\n", "", "\n".join(lines)).split() == text.split()  # nothing lost, only a hyphen added


def _drawn(text: str, style, width: float) -> list[str]:
    """The lines of ``text`` set ``width`` points wide (the frame's 6 pt paddings added around it)."""
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=(width + 32, 400), leftMargin=10, rightMargin=10, invariant=1).build(
        [Para(markup(text), style)])
    return _lines(buf.getvalue())


def test_no_hyphens_where_the_layout_turns_hyphenation_off():
    from reportlab.pdfbase.pdfmetrics import stringWidth

    layout = LIBRARY.get("card-credit").model_copy(update={"hyphenate": False})
    style = paragraph_styles(layout, "es")["safety"]
    width = stringWidth("esternocleidomastoideo", style.fontName, style.fontSize) * 1.1
    lines = _drawn("Evita el esternocleidomastoideo al presionar.", style, width)
    assert lines[0] == "Evita el" and lines[1].startswith("esternocleidomastoideo"), lines  # moved down whole
    assert not [line for line in lines if line.endswith("-")]
    hyphenated = _drawn("Evita el esternocleidomastoideo al presionar.",
                        paragraph_styles(LIBRARY.get("card-credit"), "es")["safety"], width)
    assert hyphenated[0].startswith("Evita el ester") and hyphenated[0].endswith("-"), hyphenated


def test_headings_and_cues_keep_whole_words():
    styles = paragraph_styles(LIBRARY.get("card-credit"), "es")
    assert styles["safety"].hyphenationLang and styles["detail"].hyphenationLang
    assert not styles["cue"].hyphenationLang and not styles["safety_head"].hyphenationLang


def test_the_defaults_hyphenate_cards_and_sheets_not_handouts():
    assert LIBRARY.get("card-credit").hyphenate and LIBRARY.get("card-a6").hyphenate
    assert LIBRARY.get("sheet-a4").hyphenate
    assert not LIBRARY.get("handout-a4").hyphenate and not LIBRARY.get("handout-large-print").hyphenate
    assert not paragraph_styles(LIBRARY.get("handout-a4"), "es")["body"].hyphenationLang


def test_a_language_without_rules_is_set_without_hyphens_and_without_complaint():
    assert hyphenator("xx") is None and hyphenator("") is None and hyphenator(None) is None
    assert hyphenator("es-MX").language == "es" and hyphenator("fr").language == "fr"
    assert paragraph_styles(LIBRARY.get("card-credit"), "xx")["safety"].hyphenationLang == ""


def test_the_rules_survive_copying_and_pickling_without_copying_patterns():
    rules = hyphenator("es")
    assert deepcopy(rules) is rules
    again = pickle.loads(pickle.dumps(rules))
    assert again.language == "es" and list(again("presionar")) == list(rules("presionar"))


# ---------------------------------------------------------------- shipped cards and sheets


@pytest.mark.parametrize("routine_id, layout_name", [
    ("clinical-neck-es", "card-a6"), ("partner-neck-es", "card-credit"), ("self-neck-back-fr", "sheet-a4"),
    ("clinical-neck", "card-a6"), ("partner-back", "sheet-a4"),
])
def test_shipped_cards_and_sheets_break_words_only_at_valid_points_and_fit_as_before(shipped, routine_id,
                                                                                     layout_name):
    doc = shipped.by_id()[routine_id]
    routine = doc.routine
    layout = LIBRARY.get(layout_name)

    def draw(on: bool) -> bytes:
        lo = layout.model_copy(update={"hyphenate": on})
        if layout.sheet is not None:
            return render_handout(routine, lo, layout_name, Personalisation(), shipped.clinic, base_file=doc.path)
        return render_card_pdf(routine, lo, shipped.clinic, layout_name=layout_name)

    on, off = draw(True), draw(False)
    on_lines, off_lines = _lines(on), _lines(off)
    with pdfplumber.open(io.BytesIO(on)) as a, pdfplumber.open(io.BytesIO(off)) as b:
        assert len(a.pages) == len(b.pages)  # no card or page more
    assert not [line for line in off_lines if HYPHEN_END.search(line)]
    heads = [m.group(1) for m in map(HYPHEN_END.search, on_lines) if m]
    assert len(heads) <= 3  # few hyphens: only long words of running text
    # Columns interleave in extracted text, so each broken word is found among the routine's words.
    words = set(re.findall(r"\w+", str(routine.model_dump())))
    language = hyphenator(routine.language).language
    for head in heads:
        assert any(w.startswith(head) and len(w) > len(head) and _valid(head, w[len(head):], language)
                   for w in words), head
