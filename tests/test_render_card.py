"""Every seed routine on every shipped card layout, read back from the PDF (one page per face)."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
import pytest

from handouts.cards import build_cards, render_card_pdf
from handouts.content import load_content
from handouts.layouts import LayoutLibrary
from handouts.models import Routine
from handouts.render.card import CardOverflow, CueRow, compose_card, step_detail
from handouts.units import MM

from pdfcheck import font_report, glyphs, metadata, missing_texts, normalise, overlapping_words, page_boxes, stream_text

ROOT = Path(__file__).resolve().parent.parent
CONTENT = load_content([ROOT / "content"])
LIBRARY = LayoutLibrary(ROOT / "layouts")
LAYOUTS = LIBRARY.buildable("card")
ROUTINES = sorted(doc.id for doc in CONTENT.routines)
CASES = [(r, l) for r in ROUTINES for l in LAYOUTS]
FIXTURES = ROOT / "tests" / "cases" / "cards"
TOL = 0.05  # points: glyph boxes are compared to the safe zone this closely


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[tuple[str, str], Path]:
    out = tmp_path_factory.mktemp("cards")
    paths = build_cards([], LAYOUTS, out, content_dir=ROOT / "content", library=LIBRARY)
    return {tuple(p.stem.split("--")): p for p in paths}  # type: ignore[misc]


def routine_of(routine_id: str) -> Routine:
    return CONTENT.by_id()[routine_id].routine


def face_size(layout_name: str) -> tuple[float, float]:
    layout = LIBRARY.get(layout_name)
    w, h = layout.page.dimensions
    return w * layout.card.panels, h


def safe_rects(layout_name: str, page_height: float, x0: float = 0.0, y0: float = 0.0) -> list[tuple[float, float, float, float]]:
    """Each panel's safe area as (x0, top, x1, bottom) in pdfplumber's top-down coordinates."""
    layout = LIBRARY.get(layout_name)
    pw, ph = layout.page.dimensions
    sz = layout.card.safe_zone
    out = []
    for i in range(layout.card.panels):
        left = x0 + i * pw + sz
        bottom = y0 + sz
        out.append((left, page_height - (y0 + ph - sz), left + pw - 2 * sz, page_height - bottom))
    return out


def inside(g, rects, tol: float = TOL) -> bool:
    return any(r[0] - tol <= g.x0 and g.x1 <= r[2] + tol and r[1] - tol <= g.top and g.bottom <= r[3] + tol for r in rects)


def card_lines(routine: Routine) -> list[str]:
    """What a card must print: every cue (or title), its compact detail, every safety line."""
    lines = [routine.title]
    for step in routine.all_steps:
        lines.append(step.cue or step.title)
        if step_detail(step):
            lines.append(step_detail(step))
    return lines + routine.safety.all_lines() + [s.caution for s in routine.all_steps if s.caution]


def test_step_cautions_are_numbered_grouped_and_not_repeated():
    from handouts.render.card import step_cautions

    routine = routine_of("clinical-neck")
    lines = step_cautions(routine)
    numbered = {n for n, s in enumerate(routine.all_steps, start=1) if s.caution}
    listed = {int(n) for line in lines for n in line.split(":")[0].replace("Steps", "").replace("Step", "").split(",")}
    assert listed == numbered, "every step with a caution is named"
    assert "Steps 10, 11, 12: Never force range – invite it." in lines
    assert len(lines) == len({s.caution for s in routine.all_steps if s.caution})
    general = routine.safety.cautions[0]
    steps = [routine.all_steps[0].model_copy(update={"caution": general}), *routine.all_steps[1:]]
    repeated = routine.model_copy(update={"steps": steps, "phases": []})
    assert not any(line.endswith(general) for line in step_cautions(repeated)), "a routine caution is not printed twice"


def test_every_seed_and_card_layout_is_built(built):
    assert set(built) == set(CASES)
    assert {"card-credit", "card-business-us", "card-index", "card-a6", "card-foldout"} <= set(LAYOUTS)


@pytest.mark.parametrize("layout_name,size_mm", [
    ("card-credit", (85.60, 53.98)),
    ("card-business-us", (88.90, 50.80)),
    ("card-index", (127.0, 76.2)),
    ("card-a6", (105.0, 148.0)),
    ("card-foldout", (3 * 85.60, 53.98)),
])
def test_card_sizes_are_the_print_standards(layout_name, size_mm):
    w, h = face_size(layout_name)
    assert abs(w / MM - size_mm[0]) < 0.1 and abs(h / MM - size_mm[1]) < 0.1


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_page_and_trim_size(built, routine_id, layout_name):
    w, h = face_size(layout_name)
    sizes, _ = glyphs(built[(routine_id, layout_name)])
    boxes = page_boxes(built[(routine_id, layout_name)])
    assert sizes and len(sizes) % 2 == 0, "every card has a front and a back page"
    for (pw, ph), box in zip(sizes, boxes):
        assert abs(pw - w) < 0.1 * MM and abs(ph - h) < 0.1 * MM
        x0, y0, x1, y1 = box["TrimBox"]
        assert abs((x1 - x0) - w) < 0.1 * MM and abs((y1 - y0) - h) < 0.1 * MM


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_every_cue_and_safety_line_is_printed(built, routine_id, layout_name):
    assert missing_texts(built[(routine_id, layout_name)], card_lines(routine_of(routine_id))) == []


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_clinic_contact_on_the_back(built, routine_id, layout_name):
    clinic = CONTENT.clinic
    assert clinic is not None
    assert missing_texts(built[(routine_id, layout_name)], [clinic.name, clinic.phone, clinic.web]) == []


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_no_glyph_outside_the_safe_zone(built, routine_id, layout_name):
    sizes, gs = glyphs(built[(routine_id, layout_name)])
    rects = safe_rects(layout_name, sizes[0][1])
    outside = [g for g in gs if not inside(g, rects)]
    assert outside == []


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_smallest_glyph_meets_layout_minimum(built, routine_id, layout_name):
    _, gs = glyphs(built[(routine_id, layout_name)])
    minimum = LIBRARY.get(layout_name).min_font_size
    assert minimum >= 6.5
    assert min(g.size for g in gs) >= minimum - 0.01


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_no_overlapping_text(built, routine_id, layout_name):
    assert overlapping_words(built[(routine_id, layout_name)]) == []


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_fonts_embedded_and_subset(built, routine_id, layout_name):
    fonts = font_report(built[(routine_id, layout_name)])
    assert fonts and all(f["embedded"] and f["subset"] for f in fonts), fonts


def _pages(path: Path) -> list[str]:
    import pypdfium2

    from pdfcheck import normalise

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        out = []
        for page in pdf:
            tp = page.get_textpage()
            out.append(normalise(tp.get_text_range()))
        return out
    finally:
        pdf.close()


@pytest.mark.parametrize("routine_id", ROUTINES)
def test_fronts_on_odd_pages_backs_on_even(built, routine_id):
    pages = _pages(built[(routine_id, "card-credit")])
    routine = routine_of(routine_id)
    first_cue = routine.all_steps[0].cue or routine.all_steps[0].title
    assert first_cue in pages[0]
    for n, text in enumerate(pages, start=1):
        has_safety = "Stop and seek care" in text or "Take care" in text or "See a doctor" in text
        if n % 2:
            assert routine.title.split()[0] in text and not has_safety, f"page {n} should be a front"
        else:
            assert has_safety or CONTENT.clinic.name in text, f"page {n} should be a back"


def test_a_set_of_cards_is_numbered_and_shared_out(built):
    """Continued cards say '1/2'; no card of a set is left without steps."""
    routine = routine_of("clinical-neck")
    cards = compose_card(routine, LIBRARY.get("card-credit"), CONTENT.clinic, "card-credit")
    assert len(cards.fronts) > 1
    assert [f.name for f in cards.fronts][:2] == [f"front 1/{len(cards.fronts)}", f"front 2/{len(cards.fronts)}"]
    for face in cards.fronts:
        assert any(isinstance(p.flowable, CueRow) for p in face.placed), f"{face.name} has no steps"
    pages = _pages(built[("clinical-neck", "card-credit")])
    assert f"1/{len(cards.fronts)}" in pages[0]


def test_a_routine_that_fits_is_one_card(built):
    cards = compose_card(routine_of("self-neck-tools"), LIBRARY.get("card-a6"), CONTENT.clinic, "card-a6")
    assert len(cards.fronts) == len(cards.backs) == 1
    assert "1/1" not in _pages(built[("self-neck-tools", "card-a6")])[0]


def test_pictograms_when_they_fit():
    cards = compose_card(routine_of("self-neck-back"), LIBRARY.get("card-credit"), CONTENT.clinic, "card-credit")
    rows = [p.flowable for f in cards.fronts for p in f.placed if isinstance(p.flowable, CueRow)]
    assert rows and all(row.icons for row in rows)
    no_pictures = LIBRARY.get("card-credit")
    no_pictures = no_pictures.model_copy(update={"card": no_pictures.card.model_copy(update={"pictograms": False})})
    cards = compose_card(routine_of("self-neck-back"), no_pictures, CONTENT.clinic, "card-credit")
    assert all(not p.flowable.icons for f in cards.fronts for p in f.placed if isinstance(p.flowable, CueRow))


def test_compact_detail_reads_like_a_cue():
    step = routine_of("self-neck-back").all_steps[0]
    assert step_detail(step) == "whole hand · moderate · about a minute each side"


def test_no_clinic_prints_the_source(tmp_path):
    routine = routine_of("partner-back")
    pdf = render_card_pdf(routine, LIBRARY.get("card-credit"), None, layout_name="card-credit")
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    assert missing_texts(path, ["From: " + routine.source.title]) == []


def test_plain_text_prints_literally(tmp_path):
    from handouts.content import load_routine

    routine = load_routine(FIXTURES / "long-routine.yaml").routine
    pdf = render_card_pdf(routine, LIBRARY.get("card-index"), CONTENT.clinic, layout_name="card-index")
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    assert missing_texts(path, [routine.title, "Warm <neck> & shoulders"]) == []


def test_overflow_fail_names_routine_face_and_what():
    from handouts.content import load_routine

    routine = load_routine(FIXTURES / "long-routine.yaml").routine
    fixed = LayoutLibrary(FIXTURES).get(FIXTURES / "card-fixed.yaml")
    with pytest.raises(CardOverflow) as err:
        compose_card(routine, fixed, CONTENT.clinic, "card-fixed")
    messages = [str(p) for p in err.value.problems]
    assert messages[0].startswith("long-routine: card-fixed card front: does not fit on one card at the minimum size of 7 pt, "
                                  "from step ")
    assert "overflow: fail" in messages[0]
    assert messages[1].startswith("long-routine: card-fixed card back: ")


def test_overflow_continue_never_drops_safety(tmp_path):
    from handouts.content import load_routine

    routine = load_routine(FIXTURES / "long-routine.yaml").routine
    path = tmp_path / "c.pdf"
    path.write_bytes(render_card_pdf(routine, LIBRARY.get("card-credit"), CONTENT.clinic, layout_name="card-credit"))
    assert missing_texts(path, card_lines(routine)) == []
    assert len(_pages(path)) >= 4


def test_a_safety_line_longer_than_a_card_continues(tmp_path):
    """A single line too long for a whole face is carried on to the next card, not cut short."""
    routine = routine_of("self-neck-tools")
    huge = " ".join(["Stop if the pain spreads, tingles or numbs, and call your doctor the same day."] * 12)
    safety = routine.safety.model_copy(update={"seek_care": huge})
    routine = routine.model_copy(update={"safety": safety})
    pdf = render_card_pdf(routine, LIBRARY.get("card-credit"), CONTENT.clinic, layout_name="card-credit")
    doc = pypdfium2.PdfDocument(pdf)
    backs = " ".join(doc[i].get_textpage().get_text_range() for i in range(1, len(doc), 2))  # the fronts sit between
    assert normalise(huge) in normalise(backs).replace("See a doctor: ", "", 1)


def test_bleed_sets_trim_and_bleed_boxes(tmp_path):
    bleed = 3 * MM
    pdf = render_card_pdf(routine_of("self-neck-back"), LIBRARY.get("card-credit"), CONTENT.clinic, bleed=bleed,
                          layout_name="card-credit")
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    w, h = face_size("card-credit")
    for box in page_boxes(path):
        assert box["MediaBox"] == pytest.approx((0, 0, w + 2 * bleed, h + 2 * bleed), abs=0.01)
        assert box["BleedBox"] == pytest.approx((0, 0, w + 2 * bleed, h + 2 * bleed), abs=0.01)
        assert box["TrimBox"] == pytest.approx((bleed, bleed, bleed + w, bleed + h), abs=0.01)
    sizes, gs = glyphs(path)
    rects = safe_rects("card-credit", sizes[0][1], bleed, bleed)
    assert [g for g in gs if not inside(g, rects)] == []


def test_band_colour_reaches_into_the_bleed(tmp_path):
    import pdfplumber

    bleed = 3 * MM
    path = tmp_path / "c.pdf"
    path.write_bytes(render_card_pdf(routine_of("self-neck-back"), LIBRARY.get("card-credit"), CONTENT.clinic,
                                     bleed=bleed, layout_name="card-credit"))
    with pdfplumber.open(str(path)) as pdf:
        page = pdf.pages[0]
        fills = [r for r in page.rects if r["fill"]]
        # the card background covers the whole page, bleed included; the title band reaches the top edge
        assert any(abs(r["x0"]) < 0.01 and abs(r["top"]) < 0.01 and abs(r["x1"] - page.width) < 0.01
                   and abs(r["bottom"] - page.height) < 0.01 for r in fills)
        assert any(abs(r["top"]) < 0.01 and abs(r["x0"]) < 0.01 and r["bottom"] < page.height / 2 for r in fills)


def test_metadata(built):
    meta = metadata(built[("partner-neck", "card-credit")])
    routine = routine_of("partner-neck")
    assert meta["/Title"] == routine.title and meta["/Lang"] == "en" and meta["/Author"] == CONTENT.clinic.name


@pytest.mark.parametrize("layout_name", ["card-credit", "card-foldout"])
def test_builds_are_byte_identical(layout_name):
    routine = routine_of("partner-neck")
    a = render_card_pdf(routine, LIBRARY.get(layout_name), CONTENT.clinic, layout_name=layout_name)
    b = render_card_pdf(routine, LIBRARY.get(layout_name), CONTENT.clinic, layout_name=layout_name)
    assert a == b


def test_foldout_flows_panel_by_panel(built):
    """On the fold-out, text continues across the three panels of one face before a second card."""
    cards = compose_card(routine_of("clinical-neck"), LIBRARY.get("card-foldout"), CONTENT.clinic, "card-foldout")
    face = cards.fronts[0]
    used = {round(p.x) for p in face.placed}
    assert len(used) == 3 and len(cards.fronts) == 1
    assert "Light traction if trained" in stream_text(built[("clinical-neck", "card-foldout")])
