"""Shared page pieces; paragraphs that reuse parsing and line breaking must print exactly as fresh ones."""

from __future__ import annotations

import io

import pypdfium2
import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, SimpleDocTemplate, Spacer, Table

from handouts.fonts import register_all
from handouts.render import flowables
from handouts.render.flowables import MOVE_SHARE, Ahead, Beside, Breakable, FittedBox, Para, bullet
from handouts.styles import paragraph_styles
from handouts.layouts import LayoutLibrary

TEXTS = [
    "Plain text that is long enough to wrap over more than one line of the frame, twice over, "
    "so line breaking has work to do and the split across pages is exercised too.",
    "<b>Use:</b> thumb, fingertips · <b>Pressure:</b> firm &amp; slow &lt;never&gt; sharp",
    "Line one<br/>Line two with “quotes” and a long ‑ dash",
]


def _pdf(make) -> bytes:
    register_all()
    styles = paragraph_styles(LayoutLibrary().get("handout-a4"))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, invariant=1)
    story = []
    for _ in range(40):  # enough to split paragraphs across pages
        for text in TEXTS:
            story.append(make(text, styles["body"]))
        story.append(bullet(TEXTS[0], styles["body"]))
    doc.build(story)
    return buf.getvalue()


def test_reused_parsing_and_breaking_print_like_plain_paragraphs():
    flowables._PARSED.clear()
    flowables._BROKEN.clear()
    fresh = _pdf(Para)
    assert flowables._PARSED and flowables._BROKEN, "the first build fills the caches"
    again = _pdf(Para)
    plain = _pdf(Paragraph)
    assert fresh == again == plain


def test_parsed_fragments_are_not_shared_between_paragraphs():
    style = paragraph_styles(LayoutLibrary().get("handout-a4"))["body"]
    a, b = Para(TEXTS[1], style), Para(TEXTS[1], style)
    assert [f.text for f in a.frags] == [f.text for f in b.frags]
    assert all(x is not y for x, y in zip(a.frags, b.frags))


def test_bad_markup_still_fails_as_reportlab_does():
    style = paragraph_styles(LayoutLibrary().get("handout-a4"))["body"]
    with pytest.raises(ValueError):
        Para("<b>unclosed", style)


def test_wrap_is_remembered_per_width():
    style = paragraph_styles(LayoutLibrary().get("handout-a4"))["body"]
    p = Para(TEXTS[0], style)
    w1, h1 = p.wrap(200, 1000)
    lines = p.blPara
    assert p.wrap(200, 50) == (w1, h1) and p.blPara is lines
    w2, h2 = p.wrap(400, 1000)
    assert h2 < h1 and p.blPara is not lines


def test_recent_map_forgets_the_least_recently_used():
    recent = flowables._Recent(3)
    for key in "abc":
        recent[key] = key.upper()
    assert recent.get("a") == "A"  # a is used again, so b is now the oldest
    recent["d"] = "D"
    assert list(recent) == ["c", "a", "d"] and recent.get("b") is None


def test_paragraph_memory_stays_bounded_with_ever_new_names(monkeypatch):
    """A worker printing thousands of names keeps a bounded number of paragraphs, and the same bytes."""
    style = paragraph_styles(LayoutLibrary().get("handout-a4"))["body"]
    monkeypatch.setattr(flowables, "_PARSED", flowables._Recent(20))
    monkeypatch.setattr(flowables, "_BROKEN", flowables._Recent(20))
    for i in range(200):
        for text in (*TEXTS, f"Prepared for: Student {i}"):
            Para(text, style).wrap(300, 1000)
        assert len(flowables._PARSED) <= 20 and len(flowables._BROKEN) <= 20
    kept = {key[0] for key in flowables._PARSED}
    assert set(TEXTS) <= kept and sum(text.startswith("Prepared for") for text in kept) < 20
    assert _pdf(Para) == _pdf(Paragraph)


def test_one_persons_details_are_never_kept_in_a_process_cache():
    """A batch worker prints thousands of names; none of them may stay behind in a cache."""
    from pathlib import Path

    from handouts import text
    from handouts.content import load_content
    from handouts.models import Personalisation
    from handouts.pipeline.render import render_handout

    content = load_content([Path(__file__).resolve().parent.parent / "content"])
    doc = content.by_id()["partner-neck"]
    name, note, clinician = "Zebedee Quartermaine-Uniqueson", "A note only Zebedee gets.", "Dr Onlyonce"
    personal = Personalisation(for_name=name, note=note, clinician=clinician, date="1 May 2031")
    render_handout(doc.routine, LayoutLibrary().get("handout-a4"), "handout-a4", personal, content.clinic, doc.path)
    kept = [key[0] for key in list(flowables._PARSED)] + [str(key) for key in list(flowables._BROKEN)]
    assert not any(marker in entry for entry in kept for marker in ("Zebedee", "Onlyonce", "1 May 2031"))
    assert text.markup.cache_info().currsize > 0
    assert not any(marker in args for args in _markup_arguments() for marker in ("Zebedee", "Onlyonce"))


def _markup_arguments() -> list[str]:
    """The texts the markup cache holds (read through a fresh call's miss count)."""
    from handouts import text

    before = text.markup.cache_info()
    held = []
    for candidate in ("Zebedee Quartermaine-Uniqueson", "A note only Zebedee gets.", "Dr Onlyonce"):
        text.markup(candidate)
        after = text.markup.cache_info()
        if after.hits > before.hits:
            held.append(candidate)
        before = after
    return held


# Page-filling groups ---------------------------------------------------------------------------


_PAGE = (300, 400)
_STYLE = ParagraphStyle("t", fontName="Helvetica", fontSize=10, leading=12)


def _pages(story) -> list[str]:
    """Text of each page of a small document (a 300 × 400 pt frame, no margins)."""
    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=_PAGE, leftMargin=0, rightMargin=0, topMargin=0, bottomMargin=0)
    doc.addPageTemplates([PageTemplate(frames=[Frame(0, 0, *_PAGE, 0, 0, 0, 0)])])
    doc.build(story)
    pdf = pypdfium2.PdfDocument(buf.getvalue())
    return [page.get_textpage().get_text_range() for page in pdf]


def _para(text: str) -> Paragraph:
    return Paragraph(text, _STYLE)


def _content_stream(story) -> bytes:
    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=_PAGE, leftMargin=0, rightMargin=0, topMargin=0, bottomMargin=0)
    doc.addPageTemplates([PageTemplate(frames=[Frame(0, 0, *_PAGE, 0, 0, 0, 0)])])
    doc.build(story)
    return PdfReader(io.BytesIO(buf.getvalue())).pages[0].get_contents().get_data()


@pytest.mark.parametrize("read_first", ["left", "right"])
def test_beside_draws_the_column_that_reads_first_first(read_first):
    """The page's content holds the title before the caption whichever side the picture is on."""
    left, right = ("TITLE", "CAPTION") if read_first == "left" else ("CAPTION", "TITLE")
    stream = _content_stream([Beside([_para(left)], [_para(right)], (100, 200), read_first=read_first)])
    assert 0 <= stream.index(b"(TITLE)") < stream.index(b"(CAPTION)")


def test_breakable_starts_at_the_foot_of_a_page_instead_of_leaving_it_blank():
    lines = [_para(f"line {i}") for i in range(20)]  # 20 × 12 pt = 240 pt, fits a page of 400
    cut = lambda width, room: [_para("HEAD"), *lines]  # noqa: E731
    pages = _pages([Spacer(1, 250), Breakable([_para("HEAD"), *lines], cut, 400)])
    assert "HEAD" in pages[0] and "line 19" in pages[1]


def test_breakable_moves_whole_when_little_room_is_left():
    lines = [_para(f"line {i}") for i in range(20)]
    pages = _pages([Spacer(1, 400 * (1 - MOVE_SHARE) + 5), Breakable([_para("HEAD"), *lines],
                                                                      lambda w, r: [_para("HEAD"), *lines], 400)])
    assert "HEAD" not in pages[0] and "HEAD" in pages[1] and "line 19" in pages[1]


def test_ahead_lets_a_short_section_fill_the_room_a_moved_box_leaves():
    box = Table([["BOX"]], rowHeights=[300])  # one row: it never splits, like the safety box
    pages = _pages([Spacer(1, 200), Ahead([box], [[_para("SHORT SECTION")]], 400)])
    assert "SHORT SECTION" in pages[0] and "BOX" in pages[1]


def test_ahead_keeps_the_order_when_the_box_fits():
    pages = _pages([Ahead([_para("BOX")], [[_para("SHORT SECTION")]], 400)])
    assert pages[0].index("BOX") < pages[0].index("SHORT SECTION")


def test_fitted_box_takes_the_lines_that_fit_but_never_fewer_than_its_least():
    made = []

    def make(lines: int):
        made.append(lines)
        return Spacer(1, lines * 40)

    pages = _pages([Spacer(1, 260), FittedBox(make, 5, 2), _para("AFTER")])  # 140 pt left: 3 lines
    assert len(pages) == 1 and 3 in made
    made.clear()
    pages = _pages([Spacer(1, 340), FittedBox(make, 5, 2), _para("AFTER")])  # 60 pt left: fewer than 2 lines
    assert len(pages) == 2 and made[-1] == 5
