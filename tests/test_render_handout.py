"""Every seed routine × every shipped handout layout, read back from the PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from handouts.build import build_handouts
from handouts.content import load_content
from handouts.layouts import LayoutLibrary
from handouts.models import Personalisation, Routine

from pdfcheck import MM, font_report, glyphs, metadata, missing_texts, overlapping_words

ROOT = Path(__file__).resolve().parent.parent
CONTENT = load_content([ROOT / "content"])
LIBRARY = LayoutLibrary(ROOT / "layouts")
LAYOUTS = LIBRARY.buildable("handout")
ROUTINES = sorted(doc.id for doc in CONTENT.routines)
CASES = [(r, l) for r in ROUTINES for l in LAYOUTS]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[tuple[str, str], Path]:
    out = tmp_path_factory.mktemp("handouts")
    paths = build_handouts([], LAYOUTS, out, Personalisation(), ROOT / "content", LIBRARY)
    result = {}
    for p in paths:
        routine_id, layout = p.stem.split("--")
        result[(routine_id, layout)] = p
    return result


def routine_lines(routine: Routine) -> list[str]:
    """Every piece of text a reader must find: steps, bullets, tips, safety."""
    lines = [routine.title]
    for step in routine.all_steps:
        lines += [step.title, step.instruction, *step.actions]
        if step.caution:
            lines.append(step.caution)
    lines += [t.text for t in routine.hand_tips]
    lines += list(routine.tips)
    lines += routine.safety.all_lines()
    lines += [a.question for a in routine.assessment]
    lines += [t.definition for t in routine.glossary]
    return lines


def test_every_seed_and_layout_is_built(built):
    assert set(built) == set(CASES)
    assert len(ROUTINES) >= 5 and {"handout-a4", "handout-letter", "handout-large-print"} <= set(LAYOUTS)


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_page_size(built, routine_id, layout_name):
    expected = LIBRARY.get(layout_name).page.dimensions
    sizes, _ = glyphs(built[(routine_id, layout_name)])
    assert sizes, "no pages"
    for w, h in sizes:
        assert abs(w - expected[0]) < 0.1 * MM and abs(h - expected[1]) < 0.1 * MM


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_text_fidelity(built, routine_id, layout_name):
    routine = CONTENT.by_id()[routine_id].routine
    assert missing_texts(built[(routine_id, layout_name)], routine_lines(routine)) == []


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_text_stays_inside_page_and_margins(built, routine_id, layout_name):
    layout = LIBRARY.get(layout_name)
    w, h = layout.page.dimensions
    m = layout.page.margins
    tol = 0.5
    _, gs = glyphs(built[(routine_id, layout_name)])
    for g in gs:
        assert 0 <= g.x0 and g.x1 <= w and 0 <= g.top and g.bottom <= h, f"off the page: {g}"
        assert m.left - tol <= g.x0 and g.x1 <= w - m.right + tol, f"in the side margin: {g}"
        in_body = m.top - tol <= g.top and g.bottom <= h - m.bottom + tol
        in_header = g.bottom <= m.top + tol
        in_footer = g.top >= h - m.bottom - tol
        assert in_body or in_header or in_footer, f"crosses the body frame edge: {g}"


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_no_overlapping_text(built, routine_id, layout_name):
    assert overlapping_words(built[(routine_id, layout_name)]) == []


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_fonts_embedded_and_subset(built, routine_id, layout_name):
    fonts = font_report(built[(routine_id, layout_name)])
    assert fonts
    assert all(f["embedded"] and f["subset"] for f in fonts), fonts


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_smallest_glyph_meets_layout_minimum(built, routine_id, layout_name):
    layout = LIBRARY.get(layout_name)
    _, gs = glyphs(built[(routine_id, layout_name)])
    assert min(g.size for g in gs) >= layout.min_font_size - 0.01


@pytest.mark.parametrize("routine_id", ROUTINES)
def test_large_print_is_18pt_or_more(built, routine_id):
    _, gs = glyphs(built[(routine_id, "handout-large-print")])
    assert min(g.size for g in gs) >= 18 - 0.01


def test_metadata(built):
    path = built[("partner-neck", "handout-a4")]
    meta = metadata(path)
    routine = CONTENT.by_id()["partner-neck"].routine
    assert meta["/Title"] == routine.title
    assert meta["/Subject"] == routine.summary
    assert meta["/Lang"] == "en"
    assert meta["/Author"]


def test_builds_are_byte_identical(tmp_path):
    a = build_handouts(["self-neck-back"], ["handout-a4"], tmp_path / "a", Personalisation(for_name="Ana"),
                       ROOT / "content", LIBRARY)
    b = build_handouts(["self-neck-back"], ["handout-a4"], tmp_path / "b", Personalisation(for_name="Ana"),
                       ROOT / "content", LIBRARY)
    assert a[0].read_bytes() == b[0].read_bytes()


def test_personal_fields_print_literally(tmp_path):
    name = 'Sam <b>Lee</b> & "Jo" O\'Neil'
    note = "Use <i>gentle</i> pressure & rest > 2 days"
    (path,) = build_handouts(["self-neck-back"], ["handout-a4"], tmp_path, Personalisation(for_name=name, note=note),
                             ROOT / "content", LIBRARY)
    assert missing_texts(path, [name, note]) == []


def test_steps_are_numbered_in_order(built):
    path = built[("clinical-neck", "handout-a4")]
    _, gs = glyphs(path)
    routine = CONTENT.by_id()["clinical-neck"].routine
    text = " ".join(g.text for g in gs)
    assert len(routine.all_steps) >= 6
    from pdfcheck import stream_text

    stream = stream_text(path)
    positions = [stream.find(s.title) for s in routine.all_steps]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    assert text


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_no_page_ends_with_a_heading(built, routine_id, layout_name):
    """The lowest line of body text on every page but the last is never a heading or a step title."""
    routine = CONTENT.by_id()[routine_id].routine
    headings = {"Steps", *(s.title for s in routine.all_steps), *(p.title for p in routine.phases)}
    squashed = {h.replace(" ", "") for h in headings}
    layout = LIBRARY.get(layout_name)
    w, h = layout.page.dimensions
    m = layout.page.margins
    sizes, gs = glyphs(built[(routine_id, layout_name)])
    for page in range(1, len(sizes)):
        body = [g for g in gs if g.page == page and m.top <= g.top and g.bottom <= h - m.bottom]
        if not body:
            continue
        bottoms = sorted({round(g.bottom) for g in body}, reverse=True)
        lines = ["".join(g.text for g in sorted(body, key=lambda g: g.x0) if abs(g.bottom - b) < 2) for b in bottoms[:3]]
        tails = {"".join(reversed(lines[:k])) for k in range(1, len(lines) + 1)}
        assert not (tails & squashed), f"page {page} ends with a heading: {lines[0]}"


def test_tracking_log_follows_the_dosage(tmp_path):
    """Rows per day come from the largest times_per_day; columns from the layout's tracking_days."""
    src = (ROOT / "tests" / "cases" / "checks" / "good.yaml").read_text()
    src = src.replace("    regions: [back_of_neck]\n", "    regions: [back_of_neck]\n    dosage: {duration: 1 min, times_per_day: 3}\n", 1)
    content = tmp_path / "content"
    content.mkdir()
    (content / "good.yaml").write_text(src)
    (pdf,) = build_handouts([], ["handout-a4"], tmp_path / "out", Personalisation(), content, LIBRARY)
    text = __import__("pdfcheck").stream_text(pdf)
    assert "Track your practice" in text and "3 times a day" in text
    assert all(f"Time {n}" in text for n in (1, 2, 3)) and "Time 4" not in text
    days = LIBRARY.get("handout-a4").tracking_days
    assert "Day " + " ".join(str(d) for d in range(1, days + 1)) in text


def test_a_long_name_in_a_running_header_is_shortened_inside_the_margin(tmp_path):
    """A layout may put {for_name} in the header; a 200-character name must not climb off the page."""
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    for f in (ROOT / "layouts").glob("handout-*.yaml"):
        (layouts / f.name).write_text(f.read_text())
    (layouts / "named.yaml").write_text('extends: handout-a4\nheader: {left: "For {for_name}", right: "{title}"}\n')
    name = "Maximiliana " + "Wolfeschlegelsteinhausenbergerdorff " * 5 + "Jr."
    (pdf,) = build_handouts(["partner-back"], ["named"], tmp_path / "out", Personalisation(for_name=name),
                            ROOT / "content", LayoutLibrary(layouts))
    top_margin = LayoutLibrary(layouts).get("named").page.margins.top
    sizes, gs = glyphs(pdf)
    assert all(g.bottom <= h - 4 * MM for g in gs for (w, h) in [sizes[g.page - 1]]), "nor into the bottom edge"
    header = [g for g in gs if g.top < top_margin]
    assert header, "the header is drawn"
    assert all(g.top >= 4 * MM for g in header), "nothing climbs into the edge printers cannot print"
    assert {g.page for g in header} == set(range(1, len(sizes) + 1))
    assert "…" in "".join(g.text for g in header if g.page == 2), "the name is shortened, visibly"
    assert missing_texts(pdf, [name]) == [], "the full name is still printed (on the first page)"
