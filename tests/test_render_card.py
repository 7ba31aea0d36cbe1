"""Every seed routine on every shipped card layout, read back from the PDF (one page per face).

Each card PDF is built once (by ``handouts card``, see :func:`built`) and read
once (:func:`facts`, :func:`page_texts`); the parametrised checks all ask the
same parsed document. Tests of one routine with other options draw their PDF
once too (:func:`drawn`). The case lists come from file names, so collecting
these tests loads no content; the first test checks the names against a build.
"""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest

from handouts.content import ContentSet, load_content, load_routine
from handouts.layouts import LayoutLibrary
from handouts.models import Routine
from handouts.pipeline.render import render_card_pdf
from handouts.pipeline.run import build_cards
from handouts.render.card import CardSet, CueRow, compose_card, step_detail
from handouts import labels
from handouts.render.card.fit import CardComposer
from handouts.units import MM

from shipped import ALL_ROUTINES, CARD_LAYOUTS, CONTENT_DIR, ROUTINES

from pdfcheck import PdfFacts, normalise, read_facts

ROOT = Path(__file__).resolve().parent.parent
LAYOUTS = CARD_LAYOUTS
LIBRARY = LayoutLibrary()
CASES = [(r, l) for r in ROUTINES for l in LAYOUTS]
FIXTURES = ROOT / "tests" / "cases" / "cards"
TOL = 0.05  # points: glyph boxes are compared to the safe zone this closely


@cache
def content() -> ContentSet:
    return load_content([CONTENT_DIR])


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[tuple[str, str], Path]:
    out = tmp_path_factory.mktemp("cards")
    paths = build_cards([], LAYOUTS, out, content_dir=CONTENT_DIR, library=LIBRARY)
    return {tuple(p.stem.split("--")): p for p in paths}  # type: ignore[misc]


@pytest.fixture(scope="module")
def facts(built):
    """``facts(routine_id, layout_name)``: the built card PDF, parsed on first use and kept for the module."""
    return cache(lambda routine_id, layout_name: read_facts(built[(routine_id, layout_name)]))


@pytest.fixture(scope="module")
def page_texts(built):
    """``page_texts(routine_id, layout_name)``: each page's text of the built card PDF, read once."""
    return cache(lambda routine_id, layout_name: _pages(built[(routine_id, layout_name)].read_bytes()))


@cache
def drawn(routine_id: str, layout_name: str, bleed: float = 0.0, clinic: bool = True) -> bytes:
    """One routine's cards drawn one page per face, with options the build does not use."""
    return render_card_pdf(routine_of(routine_id), LIBRARY.get(layout_name), content().clinic if clinic else None,
                           bleed=bleed, layout_name=layout_name)


@cache
def composed(routine_id: str, layout_name: str) -> CardSet:
    return compose_card(routine_of(routine_id), LIBRARY.get(layout_name), content().clinic, layout_name)


def routine_of(routine_id: str) -> Routine:
    return content().by_id()[routine_id].routine


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


def card_lines(routine: Routine, summarised: bool = False) -> list[str]:
    """What a card must print: every cue (or title), its compact detail, every safety line; or, on a
    back set as the routine's card summary, the red flags and 'see a doctor' line in full, the summary
    and the pointer to the handout."""
    words = labels.for_language(routine.language)
    lines = [routine.title]
    for step in routine.all_steps:
        lines.append(step.cue or step.title)
        if step_detail(step, words):
            lines.append(step_detail(step, words))
    s = routine.safety
    if summarised:
        return lines + s.red_flags + s.card_summary + [s.seek_care, words.CARD_FULL_ADVICE]
    return lines + s.all_lines() + [st.caution for st in routine.all_steps if st.caution]


def _pages(pdf: bytes) -> list[str]:
    doc = pypdfium2.PdfDocument(pdf)
    try:
        out = []
        for page in doc:
            tp = page.get_textpage()
            out.append(normalise(tp.get_text_range()))
        return out
    finally:
        doc.close()


def test_every_seed_and_card_layout_is_built(built):
    assert ALL_ROUTINES == sorted(doc.id for doc in content().routines)
    assert LAYOUTS == sorted(LIBRARY.buildable("card"))
    assert set(built) == {(r, l) for r in ALL_ROUTINES for l in LAYOUTS}
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
def test_page_and_trim_size(facts, routine_id, layout_name):
    w, h = face_size(layout_name)
    f: PdfFacts = facts(routine_id, layout_name)
    assert f.sizes and len(f.sizes) % 2 == 0, "every card has a front and a back page"
    for (pw, ph), box in zip(f.sizes, f.boxes):
        assert abs(pw - w) < 0.1 * MM and abs(ph - h) < 0.1 * MM
        x0, y0, x1, y1 = box["TrimBox"]
        assert abs((x1 - x0) - w) < 0.1 * MM and abs((y1 - y0) - h) < 0.1 * MM


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_every_cue_and_safety_line_is_printed(facts, routine_id, layout_name):
    summarised = composed(routine_id, layout_name).summarised
    assert facts(routine_id, layout_name).missing(card_lines(routine_of(routine_id), summarised)) == []
    if not summarised:
        assert labels.CARD_FULL_ADVICE not in facts(routine_id, layout_name).text


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_a_summary_only_where_every_line_would_need_more_cards(routine_id, layout_name):
    """The summary stands in only for a back longer than the cards the steps need, and it saves cards."""
    composer = CardComposer(routine_of(routine_id), LIBRARY.get(layout_name), content().clinic, layout_name)
    front = composer.needed("front")
    full = composer.needed("back", {"summary": False, "codes": False})
    cards = composed(routine_id, layout_name)
    if full <= front:
        assert not cards.summarised
    if cards.summarised:
        assert full > len(cards.fronts)
        # and not even the room the fronts leave takes every line on that many cards
        assert composer.spill(len(cards.fronts), front, {"summary": False, "codes": False}) is None


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_back_text_reads_at_arms_length(facts, routine_id, layout_name):
    """Nothing on a back is smaller than 8.5 pt, and neither is a safety line that went on to a front."""
    f: PdfFacts = facts(routine_id, layout_name)
    backs = [g for g in f.glyphs if g.page % 2 == 0]
    assert backs and min(g.size for g in backs) >= 8.5 - 0.01
    assert LIBRARY.get(layout_name).card.back_min_font_size >= 8.5
    for face in composed(routine_id, layout_name).fronts:
        styles = [getattr(p.flowable, "style", None) or getattr(getattr(p.flowable, "para", None), "style", None)
                  for p in face.placed if not isinstance(p.flowable, CueRow)]
        spilled = [st for st in styles if st is not None and st.name.startswith(("safety", "contact"))]
        assert all(st.fontSize >= 8.5 - 0.01 for st in spilled)


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_clinic_contact_on_the_back(facts, routine_id, layout_name):
    clinic = content().clinic
    assert clinic is not None
    assert facts(routine_id, layout_name).missing([clinic.name, clinic.phone, clinic.web]) == []


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_no_glyph_outside_the_safe_zone(facts, routine_id, layout_name):
    f: PdfFacts = facts(routine_id, layout_name)
    rects = safe_rects(layout_name, f.sizes[0][1])
    outside = [g for g in f.glyphs if not inside(g, rects)]
    assert outside == []


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_smallest_glyph_meets_layout_minimum(facts, routine_id, layout_name):
    minimum = LIBRARY.get(layout_name).min_font_size
    assert minimum >= 6.5
    assert min(g.size for g in facts(routine_id, layout_name).glyphs) >= minimum - 0.01


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_no_overlapping_text(facts, routine_id, layout_name):
    assert facts(routine_id, layout_name).overlapping() == []


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_fonts_embedded_and_subset(facts, routine_id, layout_name):
    fonts = facts(routine_id, layout_name).fonts
    assert fonts and all(f["embedded"] and f["subset"] for f in fonts), fonts


@pytest.mark.parametrize("routine_id", ROUTINES)
def test_fronts_on_odd_pages_backs_on_even(page_texts, routine_id):
    pages = page_texts(routine_id, "card-credit")
    routine = routine_of(routine_id)
    first_cue = routine.all_steps[0].cue or routine.all_steps[0].title
    assert first_cue in pages[0]
    for n, text in enumerate(pages, start=1):
        words = labels.for_language(routine.language)
        heads = [words.RED_FLAGS, words.CAUTIONS, words.CARD_SUMMARY, words.CARD_SEE_A_DOCTOR]
        safety_at = min((text.find(h) for h in heads if h in text), default=None)
        if n % 2:
            assert text.startswith(routine.title.split()[0]), f"page {n} should be a front"
            cues = [text.rfind(st.cue or st.title) for st in routine.all_steps]
            # safety goes on a front only into the room below its last step
            assert safety_at is None or safety_at > max(cues), f"page {n}: safety above a step"
        else:
            assert not text.startswith(routine.title.split()[0]), f"page {n} should be a back"
            assert safety_at is not None or content().clinic.name in text, f"page {n} should be a back"


def test_a_set_of_cards_is_numbered_and_shared_out(page_texts):
    """Continued cards say '1/2'; no card of a set is left without steps."""
    cards = composed("clinical-neck", "card-credit")
    assert len(cards.fronts) > 1
    assert [f.name for f in cards.fronts][:2] == [f"front 1/{len(cards.fronts)}", f"front 2/{len(cards.fronts)}"]
    for face in cards.fronts:
        assert any(isinstance(p.flowable, CueRow) for p in face.placed), f"{face.name} has no steps"
    assert f"1/{len(cards.fronts)}" in page_texts("clinical-neck", "card-credit")[0]


def test_a_routine_that_fits_is_one_card(page_texts):
    cards = composed("self-neck-tools", "card-a6")
    assert len(cards.fronts) == len(cards.backs) == 1
    assert "1/1" not in page_texts("self-neck-tools", "card-a6")[0]


def test_no_clinic_prints_the_source():
    routine = routine_of("partner-back")
    assert read_facts(drawn("partner-back", "card-credit", clinic=False)).missing(["From: " + routine.source.title]) == []


def test_plain_text_prints_literally():
    routine = load_routine(FIXTURES / "long-routine.yaml").routine
    pdf = render_card_pdf(routine, LIBRARY.get("card-index"), content().clinic, layout_name="card-index")
    assert read_facts(pdf).missing([routine.title, "Warm <neck> & shoulders"]) == []


def test_overflow_continue_never_drops_safety():
    routine = load_routine(FIXTURES / "long-routine.yaml").routine
    pdf = render_card_pdf(routine, LIBRARY.get("card-credit"), content().clinic, layout_name="card-credit")
    assert read_facts(pdf).missing(card_lines(routine)) == []
    assert len(_pages(pdf)) >= 4


def test_a_safety_line_longer_than_a_card_continues():
    """A single line too long for a whole face is carried on to the next card, not cut short."""
    routine = routine_of("self-neck-tools")
    huge = " ".join(["Stop if the pain spreads, tingles or numbs, and call your doctor the same day."] * 12)
    safety = routine.safety.model_copy(update={"seek_care": huge})
    routine = routine.model_copy(update={"safety": safety})
    pdf = render_card_pdf(routine, LIBRARY.get("card-credit"), content().clinic, layout_name="card-credit")
    # read card by card (a front with no step left carries safety on), without the fronts' title bands
    band = re.compile(re.escape(routine.title) + r" [0-9–]+ min · \d+/\d+ ")
    text = band.sub("", " ".join(_pages(pdf)[1:]) + " ")
    assert normalise(huge) in normalise(text).replace(labels.CARD_SEE_A_DOCTOR + " ", "", 1)


def test_bleed_sets_trim_and_bleed_boxes():
    bleed = 3 * MM
    f = read_facts(drawn("self-neck-back", "card-credit", bleed=bleed))
    w, h = face_size("card-credit")
    for box in f.boxes:
        assert box["MediaBox"] == pytest.approx((0, 0, w + 2 * bleed, h + 2 * bleed), abs=0.01)
        assert box["BleedBox"] == pytest.approx((0, 0, w + 2 * bleed, h + 2 * bleed), abs=0.01)
        assert box["TrimBox"] == pytest.approx((bleed, bleed, bleed + w, bleed + h), abs=0.01)
    rects = safe_rects("card-credit", f.sizes[0][1], bleed, bleed)
    assert [g for g in f.glyphs if not inside(g, rects)] == []


def test_band_colour_reaches_into_the_bleed():
    bleed = 3 * MM
    with pdfplumber.open(io.BytesIO(drawn("self-neck-back", "card-credit", bleed=bleed))) as pdf:
        page = pdf.pages[0]
        fills = [r for r in page.rects if r["fill"]]
        # the card background covers the whole page, bleed included; the title band reaches the top edge
        assert any(abs(r["x0"]) < 0.01 and abs(r["top"]) < 0.01 and abs(r["x1"] - page.width) < 0.01
                   and abs(r["bottom"] - page.height) < 0.01 for r in fills)
        assert any(abs(r["top"]) < 0.01 and abs(r["x0"]) < 0.01 and r["bottom"] < page.height / 2 for r in fills)


def test_metadata(facts):
    meta = facts("partner-neck", "card-credit").metadata
    routine = routine_of("partner-neck")
    assert meta["/Title"] == routine.title and meta["/Lang"] == "en" and meta["/Author"] == content().clinic.name


@pytest.mark.parametrize("layout_name", ["card-credit", "card-foldout", "card-a6"])
def test_builds_are_byte_identical(layout_name):
    routine = routine_of("partner-neck")
    a = render_card_pdf(routine, LIBRARY.get(layout_name), content().clinic, layout_name=layout_name)
    b = render_card_pdf(routine, LIBRARY.get(layout_name), content().clinic, layout_name=layout_name)
    assert a == b


def test_foldout_flows_panel_by_panel(facts):
    """On the fold-out, text continues across the three panels of one face before a second card."""
    cards = composed("clinical-neck", "card-foldout")
    face = cards.fronts[0]
    used = {round(p.x) for p in face.placed}
    assert len(used) == 3 and len(cards.fronts) == 1
    assert "Light traction if trained" in facts("clinical-neck", "card-foldout").text
