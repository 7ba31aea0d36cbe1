"""Imposition geometry as data (card rectangles, mirrored backs, marks), then the drawn sheets read back.

Each sheet PDF of the read-back checks is drawn once (:func:`sheet_pdf`) and
read once (:func:`drawn_sheet`); the parametrised checks all ask the same
parsed document. The case lists come from file names, so collecting these
tests loads no content.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pdfplumber
import pytest

from handouts.content import ContentSet, load_content, load_routine
from handouts.errors import HandoutsError
from handouts.layouts import LayoutLibrary
from handouts.pipeline.render import calibration_pdf, card_imposition, render_card_pdf, render_sheet_for_many
from handouts.render.card import CardSet, Rect, compose_card
from handouts.render.sheet import MARK_WIDTH, SHEETS, Imposition, impose, mirrored
from handouts.units import INCH, MM

from shipped import ALL_ROUTINES, CARD_LAYOUTS, CONTENT_DIR, ROUTINES

from pdfcheck import Glyph, PdfFacts, font_report, missing_from, read_facts, stream_text

ROOT = Path(__file__).resolve().parent.parent
LAYOUTS = CARD_LAYOUTS
LIBRARY = LayoutLibrary()
PAPER = ["a4", "letter"]
FLIPS = ["long", "short"]


@cache
def content() -> ContentSet:
    return load_content([CONTENT_DIR])


def routine_of(routine_id: str):
    return content().by_id()[routine_id].routine


def trim_sizes(layout_name: str) -> tuple[float, float]:
    layout = LIBRARY.get(layout_name)
    w, h = layout.page.dimensions
    return w * layout.card.panels, h


@cache
def imposition(layout_name: str, sheet: str, bleed: float = 0.0, flip: str = "long") -> Imposition:
    return card_imposition(LIBRARY.get(layout_name), sheet, bleed, flip, layout_name=layout_name)


@cache
def composed(routine_id: str, layout_name: str) -> CardSet:
    return compose_card(routine_of(routine_id), LIBRARY.get(layout_name), content().clinic, layout_name)


def test_cases_named_from_files_are_the_shipped_ones():
    assert ALL_ROUTINES == sorted(doc.id for doc in content().routines)
    assert LAYOUTS == sorted(LIBRARY.buildable("card"))


# --------------------------------------------------------------------------- geometry as data


@pytest.mark.parametrize("sheet", PAPER)
@pytest.mark.parametrize("layout_name", LAYOUTS)
@pytest.mark.parametrize("bleed", [0.0, 3 * MM])
def test_cards_fit_the_page_and_never_overlap(sheet, layout_name, bleed):
    imp = imposition(layout_name, sheet, bleed)
    pw, ph = imp.page
    assert imp.per_sheet >= 1
    for rects in (imp.fronts, imp.backs):
        for i, r in enumerate(rects):
            assert (r.w, r.h) == pytest.approx(trim_sizes(layout_name))
            assert Rect(0, 0, pw, ph).contains(r.outset(bleed))
            for other in rects[i + 1:]:
                assert not r.outset(bleed).overlaps(other.outset(bleed)), "bleeds of neighbouring cards overlap"


@pytest.mark.parametrize("sheet", PAPER)
@pytest.mark.parametrize("layout_name", LAYOUTS)
def test_grid_is_centred(sheet, layout_name):
    imp = imposition(layout_name, sheet)
    left = min(r.x for r in imp.fronts)
    right = imp.page[0] - max(r.right for r in imp.fronts)
    bottom = min(r.y for r in imp.fronts)
    top = imp.page[1] - max(r.top for r in imp.fronts)
    assert abs(left - right) < 0.01 and abs(top - bottom) < 0.01


@pytest.mark.parametrize("layout_name,sheet,count", [
    ("card-credit", "a4", 10), ("card-business-us", "letter", 10), ("card-credit", "letter", 9),
    ("card-index", "a4", 4), ("card-foldout", "a4", 3),
])
def test_as_many_cards_as_fit(layout_name, sheet, count):
    assert imposition(layout_name, sheet).per_sheet == count


@pytest.mark.parametrize("sheet", PAPER + ["avery-5371", "avery-c32011"])
@pytest.mark.parametrize("flip", FLIPS)
def test_each_back_is_the_mirror_of_its_front(sheet, flip):
    layout_name = {"avery-5371": "card-business-us"}.get(sheet, "card-credit")
    imp = imposition(layout_name, sheet, flip=flip)
    pw, ph = imp.page
    portrait = ph >= pw
    for front, back in zip(imp.fronts, imp.backs):
        if (flip == "long") == portrait:  # turned over left to right
            assert abs(back.x - (pw - front.right)) < 0.2 * MM and abs(back.y - front.y) < 0.2 * MM
        else:  # turned over top to bottom
            assert abs(back.y - (ph - front.top)) < 0.2 * MM and abs(back.x - front.x) < 0.2 * MM
        assert (back.w, back.h) == pytest.approx((front.w, front.h))


def test_mirror_of_a_mirror_is_the_front():
    page = SHEETS["a4"].size
    r = Rect(20, 30, 100, 50)
    assert mirrored(mirrored(r, page, "long"), page, "long") == r
    assert mirrored(r, page, "long") == Rect(page[0] - 120, 30, 100, 50)
    assert mirrored(r, page, "short") == Rect(20, page[1] - 80, 100, 50)


def test_avery_5371_positions():
    imp = imposition("card-business-us", "avery-5371")
    assert imp.page == pytest.approx((8.5 * INCH, 11 * INCH))
    assert (imp.columns, imp.rows) == (2, 5)
    first = imp.fronts[0]
    assert first.x == pytest.approx(0.75 * INCH) and imp.page[1] - first.top == pytest.approx(0.5 * INCH)
    assert imp.fronts[1].x == pytest.approx(first.right)  # no gap across
    assert imp.fronts[2].top == pytest.approx(first.y)  # no gap down
    assert not imp.crop_mark_segments(imp.fronts), "pre-cut stock needs no crop marks"


def test_avery_c32011_positions():
    imp = imposition("card-credit", "avery-c32011")
    assert imp.page == pytest.approx((210 * MM, 297 * MM))
    assert (imp.columns, imp.rows) == (2, 5)
    first, second, below = imp.fronts[0], imp.fronts[1], imp.fronts[2]
    # 85 x 54 mm labels 15 mm from the left, 13.5 mm from the top, 95 mm apart across, 54 mm down;
    # an ID-1 card is centred on its label
    assert first.x + first.w / 2 == pytest.approx(15 * MM + 42.5 * MM)
    assert imp.page[1] - (first.top + first.y) / 2 == pytest.approx(13.5 * MM + 27 * MM)
    assert second.x - first.x == pytest.approx(95 * MM)
    assert first.y - below.y == pytest.approx(54 * MM)


def test_precut_stock_refuses_the_wrong_card_size():
    with pytest.raises(HandoutsError) as err:
        card_imposition(LIBRARY.get("card-credit"), "avery-5371", layout_name="card-credit")
    assert str(err.value) == ("--sheet: avery-5371 takes cards of 88.9 mm x 50.8 mm; layout 'card-credit' makes "
                              "85.6 mm x 54 mm cards (choose a layout of that size)")


def test_precut_stock_has_no_room_for_bleed():
    with pytest.raises(HandoutsError) as err:
        card_imposition(LIBRARY.get("card-business-us"), "avery-5371", 3 * MM, layout_name="card-business-us")
    assert "no room for bleed" in str(err.value)


@pytest.mark.parametrize("sheet", PAPER)
@pytest.mark.parametrize("layout_name", LAYOUTS)
@pytest.mark.parametrize("bleed", [0.0, 3 * MM])
def test_crop_marks_lie_outside_every_trim(sheet, layout_name, bleed):
    imp = imposition(layout_name, sheet, bleed)
    page = Rect(0, 0, *imp.page)
    for rects in (imp.fronts, imp.backs):
        marks = imp.crop_mark_segments(rects) + imp.fold_mark_segments(rects)
        assert marks
        for (x0, y0), (x1, y1) in marks:
            seg = Rect(min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0))
            assert page.contains(seg)
            length = max(seg.w, seg.h)
            assert 3 * MM <= length <= 5 * MM and min(seg.w, seg.h) == 0
            for r in rects:
                # never inside or touching a card, and at least the bleed away from its trim
                grown = r.outset(bleed - 0.01) if bleed else r.outset(0.5)
                assert not grown.overlaps(seg, tol=-0.001) and not grown.contains(seg)
                gap = max(r.x - seg.right, seg.x - r.right, r.y - seg.top, seg.y - r.top)
                assert gap >= max(bleed, 2 * MM) - 0.01


@pytest.mark.parametrize("sheet", PAPER)
def test_every_cut_line_has_its_marks(sheet):
    imp = imposition("card-credit", sheet, 3 * MM)
    marks = imp.crop_mark_segments(imp.fronts)
    vertical_xs = {round(a[0], 2) for a, b in marks if a[0] == b[0]}
    horizontal_ys = {round(a[1], 2) for a, b in marks if a[1] == b[1]}
    assert vertical_xs == {round(v, 2) for r in imp.fronts for v in (r.x, r.right)}
    assert horizontal_ys == {round(v, 2) for r in imp.fronts for v in (r.y, r.top)}


def test_bleed_widens_the_gap():
    imp = imposition("card-credit", "a4", 3 * MM)
    a, b = imp.fronts[0], imp.fronts[1]
    assert b.x - a.right == pytest.approx(6 * MM)


def test_card_too_big_for_the_sheet():
    with pytest.raises(HandoutsError) as err:
        impose("a4", (300 * MM, 300 * MM), layout_name="poster")
    assert "does not fit on a4 paper" in str(err.value)


# --------------------------------------------------------------------------- drawn sheets, read back


SHEET_CASES = [(r, l, s) for r in ROUTINES for l, s in (("card-credit", "a4"), ("card-business-us", "letter"),
                                                         ("card-business-us", "avery-5371"), ("card-foldout", "a4"))]
FLIP_OF = {"letter": "short"}
COPIES = 3


@cache
def sheet_pdf(routine_id: str, layout_name: str, sheet: str) -> bytes:
    """Three sets of one routine's cards on ``sheet`` pages."""
    return render_card_pdf(routine_of(routine_id), LIBRARY.get(layout_name), content().clinic, sheet=sheet,
                           copies=COPIES, flip=FLIP_OF.get(sheet, "long"), layout_name=layout_name)


@dataclass(frozen=True)
class DrawnSheet:
    """What the checks read from one sheet PDF: glyphs and the drawn lines come from a single
    pdfplumber pass, since the marks are read from the whole page, card pictograms included."""

    sizes: list[tuple[float, float]]
    glyphs: list[Glyph]
    lines: list[list[dict]]
    """pdfplumber's lines of each page."""
    text: str
    fonts: list[dict]

    def missing(self, expected: list[str]) -> list[str]:
        return missing_from(self.text, expected)


@cache
def drawn_sheet(routine_id: str, layout_name: str, sheet: str) -> DrawnSheet:
    pdf = sheet_pdf(routine_id, layout_name, sheet)
    sizes: list[tuple[float, float]] = []
    gs: list[Glyph] = []
    lines: list[list[dict]] = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for n, page in enumerate(doc.pages, start=1):
            sizes.append((float(page.width), float(page.height)))
            gs += [Glyph(n, ch["text"], float(ch["size"]), ch["fontname"], float(ch["x0"]), float(ch["x1"]),
                         float(ch["top"]), float(ch["bottom"])) for ch in page.chars if ch["text"].strip()]
            lines.append(list(page.lines))
    return DrawnSheet(sizes, gs, lines, stream_text(pdf), font_report(pdf))


def sheet_imposition(layout_name: str, sheet: str) -> Imposition:
    return imposition(layout_name, sheet, flip=FLIP_OF.get(sheet, "long"))


@cache
def sheet_slots(routine_id: str, layout_name: str, sheet: str, page_no: int) -> dict[int, list[Glyph]]:
    return _glyph_slots(drawn_sheet(routine_id, layout_name, sheet), sheet_imposition(layout_name, sheet), page_no)


def _glyph_slots(facts: PdfFacts | DrawnSheet, imp: Imposition, page_no: int) -> dict[int, list[Glyph]]:
    """Glyphs of one page grouped by the card rectangle they fall in (front or back rectangles)."""
    ph = facts.sizes[page_no - 1][1]
    rects = imp.fronts if page_no % 2 else imp.backs
    out: dict[int, list[Glyph]] = {}
    for g in facts.glyphs:
        if g.page != page_no:
            continue
        x, y = (g.x0 + g.x1) / 2, ph - (g.top + g.bottom) / 2
        slot = next((i for i, r in enumerate(rects) if r.x <= x <= r.right and r.y <= y <= r.top), None)
        out.setdefault(slot if slot is not None else -1, []).append(g)
    return out


def _safe(layout_name: str, r: Rect, ph: float) -> list[tuple[float, float, float, float]]:
    layout = LIBRARY.get(layout_name)
    pw = layout.page.dimensions[0]
    sz = layout.card.safe_zone
    return [(r.x + i * pw + sz, ph - (r.top - sz), r.x + (i + 1) * pw - sz, ph - (r.y + sz))
            for i in range(layout.card.panels)]


@pytest.mark.parametrize("routine_id,layout_name,sheet", SHEET_CASES)
def test_sheet_glyphs_stay_in_each_cards_safe_zone(routine_id, layout_name, sheet):
    imp = sheet_imposition(layout_name, sheet)
    sizes = drawn_sheet(routine_id, layout_name, sheet).sizes
    for page_no in range(1, len(sizes) + 1):
        slots = sheet_slots(routine_id, layout_name, sheet, page_no)
        assert -1 not in slots, "text outside every card"
        rects = imp.fronts if page_no % 2 else imp.backs
        for slot, gs in slots.items():
            safe = _safe(layout_name, rects[slot], sizes[page_no - 1][1])
            bad = [g for g in gs if not any(s[0] - 0.05 <= g.x0 and g.x1 <= s[2] + 0.05 and s[1] - 0.05 <= g.top
                                            and g.bottom <= s[3] + 0.05 for s in safe)]
            assert bad == [], f"page {page_no}, card {slot + 1}"


@pytest.mark.parametrize("routine_id,layout_name,sheet", SHEET_CASES)
def test_backs_print_behind_their_fronts(routine_id, layout_name, sheet):
    """The back page holds text exactly in the mirrored rectangles of the cards on the front page."""
    imp = sheet_imposition(layout_name, sheet)
    fronts = sheet_slots(routine_id, layout_name, sheet, 1)
    backs = sheet_slots(routine_id, layout_name, sheet, 2)
    assert set(fronts) == set(backs)
    cards = composed(routine_id, layout_name)
    assert len(fronts) == min(imp.per_sheet, COPIES * len(cards.fronts))


@pytest.mark.parametrize("routine_id,layout_name,sheet", SHEET_CASES)
def test_sheet_text_fidelity_and_fonts(routine_id, layout_name, sheet):
    routine = routine_of(routine_id)
    facts = drawn_sheet(routine_id, layout_name, sheet)
    safety = routine.safety
    summarised = composed(routine_id, layout_name).summarised  # red flags and 'see a doctor' stay whole
    lines = [s.cue or s.title for s in routine.all_steps] + (
        [*safety.red_flags, *safety.card_summary, safety.seek_care] if summarised else safety.all_lines())
    assert facts.missing(lines) == []
    assert facts.fonts and all(f["embedded"] and f["subset"] for f in facts.fonts)


@pytest.mark.parametrize("routine_id,layout_name,sheet", SHEET_CASES)
def test_drawn_marks_match_the_data_and_stay_outside(routine_id, layout_name, sheet):
    imp = sheet_imposition(layout_name, sheet)
    facts = drawn_sheet(routine_id, layout_name, sheet)
    for n, ((_, height), lines) in enumerate(zip(facts.sizes, facts.lines), start=1):
        rects = list(imp.fronts if n % 2 else imp.backs)
        used = [r for i, r in enumerate(rects) if i in sheet_slots(routine_id, layout_name, sheet, n)]
        expected = imp.crop_mark_segments(used) + imp.fold_mark_segments(used, back=n % 2 == 0)
        drawn = [((l["x0"], height - l["top"]), (l["x1"], height - l["bottom"])) for l in lines
                 if abs(l["linewidth"] - MARK_WIDTH) < 0.01]
        assert len(drawn) == len(expected)
        for (a, b) in drawn:
            seg = Rect(min(a[0], b[0]), min(a[1], b[1]), abs(b[0] - a[0]), abs(b[1] - a[1]))
            assert not any(r.overlaps(seg, tol=-0.001) for r in rects)


def test_many_copies_continue_on_more_sheet_pairs():
    routine = routine_of("self-neck-back")
    layout = LIBRARY.get("card-credit")
    per_set = len(composed("self-neck-back", "card-credit").fronts)
    imp = imposition("card-credit", "a4")
    copies = imp.per_sheet // per_set + 1
    facts = read_facts(render_card_pdf(routine, layout, content().clinic, sheet="a4", copies=copies,
                                       layout_name="card-credit"))
    assert len(facts.sizes) == 4
    last_front = _glyph_slots(facts, imp, 3)
    assert len(last_front) == copies * per_set - imp.per_sheet


def test_class_sheet_mixes_routines_and_pairs_each_back_with_its_front():
    layout = LIBRARY.get("card-a6")
    a, b = routine_of("self-neck-tools"), routine_of("self-neck-back")
    facts = read_facts(render_sheet_for_many([(a, 1), (b, 2)], layout, content().clinic, "a4", layout_name="card-a6"))
    imp = imposition("card-a6", "a4")
    order = [a] * len(compose_card(a, layout, content().clinic).fronts) + [b] * 2 * len(compose_card(b, layout, content().clinic).fronts)
    assert len(facts.sizes) == 2 * -(-len(order) // imp.per_sheet)
    for sheet_no in range(len(facts.sizes) // 2):
        fronts = _glyph_slots(facts, imp, 2 * sheet_no + 1)
        backs = _glyph_slots(facts, imp, 2 * sheet_no + 2)
        for slot in fronts:
            routine = order[sheet_no * imp.per_sheet + slot]
            front_text = "".join(g.text for g in fronts[slot])
            back_text = "".join(g.text for g in backs[slot])
            assert routine.title.replace(" ", "")[:20] in front_text
            assert routine.safety.red_flags[0].replace(" ", "")[:20] in back_text


def test_class_sheet_reports_every_routine_that_fails():
    long = load_routine(ROOT / "tests" / "cases" / "cards" / "long-routine.yaml").routine
    fixed = LayoutLibrary(ROOT / "tests" / "cases" / "cards").get(ROOT / "tests" / "cases" / "cards" / "card-fixed.yaml")
    with pytest.raises(HandoutsError) as err:
        render_sheet_for_many([(long, 1), (long, 0)], fixed, content().clinic, "a4", layout_name="card-fixed")
    assert [p.file for p in err.value.problems] == ["long-routine", "long-routine", "long-routine"]
    assert err.value.problems[2].message == "must be 1 or more"


def test_sheet_bleed_reaches_past_each_trim():
    bleed = 3 * MM
    layout = LIBRARY.get("card-credit")
    pdf = render_card_pdf(routine_of("partner-back"), layout, content().clinic, sheet="a4", bleed=bleed,
                          layout_name="card-credit")
    imp = imposition("card-credit", "a4", bleed)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        fills = [(r["x0"], page.height - r["bottom"], r["x1"], page.height - r["top"]) for r in page.rects if r["fill"]]
    for r in imp.fronts[:2]:
        grown = r.outset(bleed)
        assert any(abs(f[0] - grown.x) < 0.01 and abs(f[1] - grown.y) < 0.01 and abs(f[2] - grown.right) < 0.01
                   and abs(f[3] - grown.top) < 0.01 for f in fills), "card background does not reach the bleed"


@pytest.mark.parametrize("flip", FLIPS)
def test_calibration_sheet_shows_registration(flip):
    layout = LIBRARY.get("card-credit")
    pdf = calibration_pdf(layout, "a4", flip, "card-credit")
    imp = imposition("card-credit", "a4", flip=flip)
    facts = read_facts(pdf)
    assert facts.missing(["Card 1 front: row 1, column 1", "Card 1 back: behind front row 1, column 1",
                          f"Card {imp.per_sheet} back"]) == []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for n, rects in ((0, imp.fronts), (1, imp.backs)):
            page = doc.pages[n]
            outlines = [(round(r["x0"], 1), round(page.height - r["bottom"], 1)) for r in page.rects if not r["fill"]]
            assert outlines == [(round(r.x, 1), round(r.y, 1)) for r in rects]
            crossings = {(round(l["x0"], 1), round(page.height - l["top"], 1)) for l in page.lines if l["x0"] == l["x1"]}
            for r in rects:  # a vertical crosshair arm through every card centre
                cx = round(r.x + r.w / 2, 1)
                assert any(abs(x - cx) < 0.11 and r.y < y < r.top for x, y in crossings)
    assert all(f["embedded"] and f["subset"] for f in facts.fonts)


@pytest.mark.parametrize("layout_name,sheet", [("card-business-us", "avery-5371"), ("card-credit", "avery-c32011"),
                                               ("card-index", "letter"), ("card-foldout", "a4")])
def test_calibration_labels_stay_on_their_cards(layout_name, sheet):
    facts = read_facts(calibration_pdf(LIBRARY.get(layout_name), sheet, "long", layout_name))
    imp = imposition(layout_name, sheet)
    for page_no in (1, 2):
        slots = _glyph_slots(facts, imp, page_no)
        assert -1 not in slots and len(slots) == imp.per_sheet
        rects = imp.fronts if page_no == 1 else imp.backs
        ph = imp.page[1]
        for slot, gs in slots.items():
            r = rects[slot]
            assert all(r.x <= g.x0 and g.x1 <= r.right and ph - r.top <= g.top and g.bottom <= ph - r.y for g in gs)


def test_sheets_are_byte_identical():
    layout = LIBRARY.get("card-credit")
    args = ([(routine_of("partner-back"), 2), (routine_of("self-neck-back"), 1)], layout, content().clinic, "a4")
    assert render_sheet_for_many(*args, bleed=3 * MM) == render_sheet_for_many(*args, bleed=3 * MM)
