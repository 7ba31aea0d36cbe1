"""Clinic sheets (``sheet-a4``, ``sheet-letter``): every shipped routine on one sheet of paper,
read back from the PDF — page count, page size, every step and safety line, text sizes,
positions — plus the brief a sheet requires, the sheet layout checks and the QR codes."""

from __future__ import annotations

import io
import re
import shutil
from functools import cache
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest
import zxingcpp

from handouts import labels
from handouts.cli import app
from handouts.content import ContentSet, load_content, load_routine
from handouts.errors import HandoutsError
from handouts.layout_models import SHEET_MIN_FONT
from handouts.layouts import LayoutLibrary, shipped_layouts
from handouts.models import Personalisation, Routine
from handouts.pipeline.render import render_handout
from handouts.pipeline.run import build_handouts, handout_request
from handouts.render.clinic_sheet.links import short_link

from pdfcheck import MM, PdfFacts, read_facts
from shipped import ALL_ROUTINES, CONTENT_DIR, ROUTINES

SHEETS = sorted(p.stem for p in shipped_layouts().glob("sheet-*.yaml") if not p.stem.endswith("-base"))
CASES = [(r, s) for r in ALL_ROUTINES for s in SHEETS]
PAGE_TARGET = {"clinical-neck": 3}
"""Pages a routine may take on a sheet: both sides of one sheet (2), the clinician's routine 3;
a translation has its original's target."""


@cache
def content() -> ContentSet:
    return load_content([CONTENT_DIR])


@cache
def library() -> LayoutLibrary:
    return LayoutLibrary()


@cache
def pdf(routine_id: str, layout_name: str) -> bytes:
    doc = content().by_id()[routine_id]
    return render_handout(doc.routine, library().get(layout_name), layout_name, Personalisation(), content().clinic,
                          base_file=doc.path, clinic_file=content().clinic_path)


@cache
def facts(routine_id: str, layout_name: str) -> PdfFacts:
    return read_facts(pdf(routine_id, layout_name))


def routine_of(routine_id: str) -> Routine:
    return content().by_id()[routine_id].routine


def page_texts(data: bytes) -> list[str]:
    doc = pypdfium2.PdfDocument(data)
    try:
        return [" ".join(doc[i].get_textpage().get_text_range().split()) for i in range(len(doc))]
    finally:
        doc.close()


# ---------------------------------------------------------------- what is built


def test_sheet_layouts_are_shipped_and_built_with_the_handouts(tmp_path):
    assert SHEETS == ["sheet-a4", "sheet-letter"] == library().buildable("sheet")
    assert not set(SHEETS) & set(library().buildable("handout"))
    jobs, _ = handout_request([], [], tmp_path, content_dir=CONTENT_DIR, library=library())
    assert {(j.doc.id, j.layout_name) for j in jobs if j.layout_name in SHEETS} == {(r, s) for r in ALL_ROUTINES for s in SHEETS}


def test_build_writes_what_the_tests_read(tmp_path):
    paths = build_handouts([], SHEETS, tmp_path, Personalisation(), CONTENT_DIR, library())
    built = {tuple(p.stem.split("--")): p for p in paths}
    assert set(built) == {(r, s) for r in ALL_ROUTINES for s in SHEETS}
    for case, path in built.items():
        assert path.read_bytes() == pdf(*case), case


def test_list_shows_the_sheets(runner, monkeypatch):
    monkeypatch.chdir(CONTENT_DIR.parent)
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0, result.stderr
    lines = [line.split() for line in result.stdout.splitlines()]
    assert ["sheet-a4", "sheet", "shipped"] in [line[:3] for line in lines]
    assert ["sheet-letter", "sheet", "shipped"] in [line[:3] for line in lines]


# ---------------------------------------------------------------- every routine, both papers


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_page_count_meets_the_target(routine_id, layout_name):
    pages = len(facts(routine_id, layout_name).sizes)
    target = PAGE_TARGET.get(routine_id.removesuffix("-es").removesuffix("-fr"), 2)
    assert 1 <= pages <= target, f"{routine_id} on {layout_name}: {pages} pages"


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_page_size(routine_id, layout_name):
    w, h = library().get(layout_name).page.dimensions
    for pw, ph in facts(routine_id, layout_name).sizes:
        assert abs(pw - w) < 0.1 * MM and abs(ph - h) < 0.1 * MM


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_every_step_and_safety_line_is_printed(routine_id, layout_name):
    r = routine_of(routine_id)
    expected = [r.title, r.summary, *r.safety.all_lines()]
    for step in r.all_steps:
        assert step.brief, f"{routine_id}: step '{step.title}' has no brief"
        expected += [step.cue or step.title, step.brief]
        if step.caution:
            expected.append(step.caution)
    assert facts(routine_id, layout_name).missing(expected) == []


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_steps_are_numbered_in_reading_order(routine_id, layout_name):
    text = facts(routine_id, layout_name).text
    places = [text.find(step.cue or step.title) for step in routine_of(routine_id).all_steps]
    assert -1 not in places and places == sorted(places)


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_smallest_text_is_11pt(routine_id, layout_name):
    sizes = [g.size for g in facts(routine_id, layout_name).glyphs]
    assert min(sizes) >= SHEET_MIN_FONT - 0.01
    assert library().get(layout_name).min_font_size >= SHEET_MIN_FONT


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_text_stays_inside_the_page_and_margins(routine_id, layout_name):
    layout = library().get(layout_name)
    w, h = layout.page.dimensions
    m = layout.page.margins
    tol = 0.5
    for g in facts(routine_id, layout_name).glyphs:
        assert m.left - tol <= g.x0 and g.x1 <= w - m.right + tol, f"in the side margin: {g}"
        in_body = m.top - tol <= g.top and g.bottom <= h - m.bottom + tol
        in_footer = g.top >= h - m.bottom - tol and g.bottom <= h
        assert in_body or in_footer, f"crosses the body frame edge: {g}"


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_no_overlapping_text(routine_id, layout_name):
    assert facts(routine_id, layout_name).overlapping() == []


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_fonts_embedded_and_subset(routine_id, layout_name):
    fonts = facts(routine_id, layout_name).fonts
    assert fonts and all(f["embedded"] and f["subset"] for f in fonts), fonts


@pytest.mark.parametrize("routine_id", ROUTINES)
def test_front_has_title_safety_and_first_step_back_has_contact(routine_id):
    r = routine_of(routine_id)
    pages = page_texts(pdf(routine_id, "sheet-a4"))
    first = r.all_steps[0]
    words = labels.for_language(r.language)
    assert r.title in pages[0] and words.SAFETY in pages[0] and (first.cue or first.title) in pages[0]
    assert r.safety.red_flags[0] in pages[0]
    assert content().clinic.name in pages[-1] and words.SHEET_CONTACT in pages[-1]
    assert f"{words.SOURCE}:" in pages[-1]


def _tile_boxes(data: bytes, colour: str) -> list[list[tuple[float, float]]]:
    """(top, bottom) of every tile, page by page: the rectangles filled in the tiles' colour."""
    want = tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    with pdfplumber.open(io.BytesIO(data)) as doc:
        return [[(r["top"], r["bottom"]) for r in page.rects
                 if r.get("non_stroking_color") and len(r["non_stroking_color"]) == 3
                 and all(abs(a - b) < 0.01 for a, b in zip(r["non_stroking_color"], want))]
                for page in doc.pages]


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_a_page_ends_only_where_the_next_row_would_not_fit(routine_id, layout_name):
    """Tiles flow on: the room left at the foot of a page is less than the row that starts the
    next page, so no page is left part empty before a row that would have fitted."""
    layout = library().get(layout_name)
    _, h = layout.page.dimensions
    frame_bottom = h - layout.page.margins.bottom
    pages = _tile_boxes(pdf(routine_id, layout_name), layout.sheet.tile_background)
    assert sum(len(p) for p in pages) == len(routine_of(routine_id).all_steps)
    for here, after in zip(pages, pages[1:]):
        if here and after:
            left = frame_bottom - max(bottom for _, bottom in here)
            next_row = max(bottom for top, bottom in after if abs(top - after[0][0]) < 0.5) - after[0][0]
            assert left < next_row + layout.sheet.row_gap, (routine_id, layout_name, left, next_row)


def test_rebuild_is_byte_identical():
    doc = content().by_id()["partner-back"]
    again = render_handout(doc.routine, library().get("sheet-a4"), "sheet-a4", Personalisation(), content().clinic,
                           base_file=doc.path, clinic_file=content().clinic_path)
    assert again == pdf("partner-back", "sheet-a4")


def test_personal_details_print_literally():
    doc = content().by_id()["self-neck-tools"]
    person = Personalisation(for_name="Ana <b>López</b> & co", date="1 May 2026")
    data = render_handout(doc.routine, library().get("sheet-letter"), "sheet-letter", person, content().clinic,
                          base_file=doc.path)
    assert "Prepared for: Ana <b>López</b> & co" in page_texts(data)[0]


# ---------------------------------------------------------------- the brief


def _folder_with(tmp_path: Path, text: str, name: str = "self-neck-tools.yaml") -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / name).write_text(text, encoding="utf-8")
    shutil.copy(CONTENT_DIR / "clinic.yaml", folder / "clinic.yaml")
    return folder


def test_a_missing_brief_names_file_line_and_step(runner, monkeypatch, tmp_path):
    source = (CONTENT_DIR / "self-neck-tools.yaml").read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    third = [i for i, line in enumerate(lines) if line.lstrip().startswith("brief:")][2]
    title_line = third  # the step's '- title:' line, just above its brief
    del lines[third]
    _folder_with(tmp_path, "".join(lines))
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["build", "-l", "sheet-a4", "--out", "out"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"content/self-neck-tools.yaml:{title_line}: steps[3].brief: is required for the clinic sheet 'sheet-a4': "
        "one plain sentence saying what to do in step 3 ('Stroke down the side of your neck with your palm')")
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()
    # A handout needs no brief.
    assert runner.invoke(app, ["build", "-l", "handout-a4", "--out", "out"]).exit_code == 0


def test_a_brief_is_one_short_sentence(tmp_path):
    source = (CONTENT_DIR / "self-neck-tools.yaml").read_text(encoding="utf-8")
    first = re.search(r"brief: .*", source).group()
    for brief, message in [("x" * 121, "is too long (121 characters; at most 120)"),
                           ("Do this. Then do that.", "has 2 sentences")]:
        folder = tmp_path / str(len(brief))
        folder.mkdir()
        (folder / "r.yaml").write_text(source.replace(first, f"brief: {brief}", 1), encoding="utf-8")
        with pytest.raises(HandoutsError) as info:
            load_routine(folder / "r.yaml")
        assert message in str(info.value) and "steps[1].brief" in str(info.value)


# ---------------------------------------------------------------- QR codes


VIDEO = "https://example.org/videos/neck-self-care"
WEB = "https://example.org/routines/neck-self-care?lang=en"
STEP_VIDEO = "https://example.org/v/towel"


def _with_links(tmp_path: Path) -> Path:
    source = (CONTENT_DIR / "self-neck-tools.yaml").read_text(encoding="utf-8")
    first = re.search(r"\n(\s*)brief: .*", source)
    step_video = f"\n{first.group(1)}video_url: {STEP_VIDEO}"
    source = source.replace(first.group(), first.group() + step_video, 1)
    source += f"\nvideo_url: {VIDEO}\nweb_url: {WEB}\n"
    return _folder_with(tmp_path, source)


def _codes(data: bytes, dpi: int = 200) -> list[str]:
    doc = pypdfium2.PdfDocument(data)
    try:
        found = []
        for i in range(len(doc)):
            image = doc[i].render(scale=dpi / 72).to_pil()
            found += [r.text for r in zxingcpp.read_barcodes(image)]
        return found
    finally:
        doc.close()


def test_links_print_as_qr_codes_that_scan_back(tmp_path):
    folder = _with_links(tmp_path)
    doc = load_routine(folder / "self-neck-tools.yaml")
    assert (doc.routine.video_url, doc.routine.web_url, doc.routine.steps[0].video_url) == (VIDEO, WEB, STEP_VIDEO)
    data = render_handout(doc.routine, library().get("sheet-a4"), "sheet-a4", Personalisation(), content().clinic,
                          base_file=doc.path)
    assert sorted(_codes(data)) == sorted([VIDEO, WEB, STEP_VIDEO])
    text = " ".join(page_texts(data))
    joined = "".join(text.split())  # a long link wraps where the column ends
    for url in (VIDEO, WEB, STEP_VIDEO):
        assert short_link(url) in joined
        assert "https://" + short_link(url) not in joined
    assert "Watch the video" in text and "Read more on the web" in text


def test_shipped_routines_print_no_qr_code():
    """No shipped routine's source gives a web page for it, so none prints a code."""
    assert _codes(pdf("self-neck-tools", "sheet-a4"), dpi=100) == []


def test_a_link_must_be_a_web_address(tmp_path):
    source = (CONTENT_DIR / "self-neck-tools.yaml").read_text(encoding="utf-8") + "\nweb_url: example.org/neck\n"
    (tmp_path / "r.yaml").write_text(source, encoding="utf-8")
    with pytest.raises(HandoutsError) as info:
        load_routine(tmp_path / "r.yaml")
    assert "web_url" in str(info.value)


def test_short_link_drops_the_scheme():
    assert short_link("https://example.org/a/") == "example.org/a"
    assert short_link("http://www.example.org/a?b=1") == "www.example.org/a?b=1"


# ---------------------------------------------------------------- the sheet layout checks


def sheet_child(tmp_path: Path, monkeypatch, text: str) -> list[str]:
    folder = tmp_path / "layouts"
    folder.mkdir(exist_ok=True)
    (folder / "mine.yaml").write_text("extends: sheet-a4\n" + text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    try:
        LayoutLibrary(folder).get("mine")
    except HandoutsError as exc:
        return [str(p) for p in exc.problems]
    return []


def test_a_sheet_child_with_nothing_changed_is_valid(tmp_path, monkeypatch):
    assert sheet_child(tmp_path, monkeypatch, "description: ours\n") == []


@pytest.mark.parametrize("text, expected", [
    ("sheet: {columns: 3}\n",
     "layouts/mine.yaml:2: sheet.columns: 3 columns of tiles leave 59.3 mm for each tile; a tile needs "
     "76 mm (its picture and 40 mm of text), so at most 2"),
    ("sheet: {columns: 5}\n", "layouts/mine.yaml:2: sheet.columns: must be at most 4"),
    ("sheet: {grow: 2}\n", "layouts/mine.yaml:2: sheet.grow: must be at most 1.6"),
    ("sheet: {safety_columns: 3}\n", "layouts/mine.yaml:2: sheet.safety_columns: must be at most 2"),
    ("sheet: {tile_padding: 60mm}\n",
     "layouts/mine.yaml:2: sheet.tile_padding: 60 mm is more than 15% of the 270 mm high text area; at most 40.5 mm"),
    ("min_font_size: 10pt\n",
     "layouts/mine.yaml:2: min_font_size: 10 pt is too small for a clinic sheet; sheets use 11 pt or more"),
    ("sheet: {qr_size: 10mm}\n",
     "layouts/mine.yaml:2: sheet.qr_size: 10 mm is too small for a phone to read; at least 15 mm"),
    ("sheet: {qr_size: 95mm}\n",
     "layouts/mine.yaml:2: sheet.qr_size: 95 mm is too large for a tile 91 mm wide; at most 87 mm"),
    ("sheet: {row_gap: 50mm}\n",
     "layouts/mine.yaml:2: sheet.row_gap: 50 mm is more than 15% of the 270 mm high text area; at most 40.5 mm"),
    ("sections: [title, safety, steps, tips]\n",
     "layouts/mine.yaml:2: sections[4]: section 'tips' is not drawn on a clinic sheet; sheet sections: "
     "title, personal, summary, what_you_need, safety, steps, source"),
    ("sections: [title, safety, source]\n", "layouts/mine.yaml:2: sections: 'steps' is required on a clinic sheet"),
    ("sections: [title, steps]\n",
     "layouts/mine.yaml:2: sections: 'safety' is required; safety content is never left out"),
])
def test_sheet_layout_problems(tmp_path, monkeypatch, text, expected):
    assert expected in sheet_child(tmp_path, monkeypatch, text)


def test_a_card_layout_takes_no_sheet_block(tmp_path, monkeypatch):
    folder = tmp_path / "layouts"
    folder.mkdir()
    (folder / "mine.yaml").write_text("extends: card-credit\nsheet: {columns: 2}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(HandoutsError) as info:
        LayoutLibrary(folder).get("mine")
    assert [str(p) for p in info.value.problems] == [
        "layouts/mine.yaml:2: sheet: only handout layouts (kind: handout) take a sheet block"]


def test_a_link_is_at_most_300_characters(tmp_path):
    source = (CONTENT_DIR / "self-neck-tools.yaml").read_text(encoding="utf-8")
    (tmp_path / "r.yaml").write_text(source + "\nvideo_url: https://example.org/" + "x" * 300 + "\n", encoding="utf-8")
    with pytest.raises(HandoutsError) as info:
        load_routine(tmp_path / "r.yaml")
    assert "video_url: is too long" in str(info.value) and "at most 300" in str(info.value)


def test_plain_build_makes_sheets_only_of_routines_with_every_brief(runner, monkeypatch, tmp_path):
    """A folder written before sheets existed builds as it did; naming a sheet layout asks for it."""
    source = (CONTENT_DIR / "self-neck-tools.yaml").read_text(encoding="utf-8")
    folder = _folder_with(tmp_path, source)
    without = "".join(line for line in source.splitlines(keepends=True) if not line.lstrip().startswith("brief:"))
    (folder / "no-briefs.yaml").write_text(without.replace("id: self-neck-tools", "id: no-briefs"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["build", "--out", "out"])
    assert result.exit_code == 0, result.stderr
    made = sorted(p.name for p in (tmp_path / "out").glob("*.pdf"))
    assert "self-neck-tools--sheet-a4.pdf" in made and "self-neck-tools--sheet-letter.pdf" in made
    assert not [name for name in made if name.startswith("no-briefs--sheet")]
    assert "no-briefs--handout-a4.pdf" in made
    named = runner.invoke(app, ["build", "no-briefs", "-l", "sheet-letter", "--out", "out2"])
    assert named.exit_code == 1 and "steps[1].brief: is required for the clinic sheet 'sheet-letter'" in named.stderr


def test_the_renderer_refuses_a_step_without_a_brief():
    """A batch or a caller that skips the preflight still gets a message, never a tile without text."""
    doc = content().by_id()["self-neck-tools"]
    steps = [doc.routine.steps[0].model_copy(update={"brief": None}), *doc.routine.steps[1:]]
    routine = doc.routine.model_copy(update={"steps": steps})
    with pytest.raises(HandoutsError) as info:
        render_handout(routine, library().get("sheet-a4"), "sheet-a4", Personalisation(), None, base_file=doc.path)
    assert [str(p) for p in info.value.problems] == [
        "content/self-neck-tools.yaml: step 1 ('Roll a knotted towel up and down your neck'): has no brief; "
        "the clinic sheet 'sheet-a4' prints one sentence for every step"]


def test_a_short_routine_fills_its_sheet_with_larger_pictures(tmp_path, monkeypatch):
    """``grow`` widens the pictures (and so moves the text beside them) only while the page count holds."""
    folder = tmp_path / "layouts"
    folder.mkdir()
    (folder / "fixed.yaml").write_text("extends: sheet-a4\nsheet: {grow: 1}\n", encoding="utf-8")
    lib = LayoutLibrary(folder)
    doc = content().by_id()["self-neck-tools"]
    fixed = render_handout(doc.routine, lib.get("fixed"), "fixed", Personalisation(), content().clinic,
                           base_file=doc.path)
    grown = pdf("self-neck-tools", "sheet-a4")
    cue = doc.routine.steps[0].cue.split()[0]

    def cue_x(data: bytes) -> float:
        return next(w[2] for w in read_facts(data).words if w[1] == cue)

    assert len(read_facts(grown).sizes) == len(read_facts(fixed).sizes)
    layout = library().get("sheet-a4")
    assert cue_x(grown) - cue_x(fixed) >= (layout.sheet.grow - 1) * layout.illustrations.width * 0.9


def test_a_long_routine_keeps_to_its_sheet_with_smaller_pictures(tmp_path):
    """``shrink`` makes the pictures smaller only when that saves a page: the French partner routine,
    whose words run longer than the English, needs a third page with full-size pictures."""
    folder = tmp_path / "layouts"
    folder.mkdir()
    (folder / "full.yaml").write_text("extends: sheet-a4\nsheet: {shrink: 1}\n", encoding="utf-8")
    doc = content().by_id()["partner-neck-fr"]
    full = render_handout(doc.routine, LayoutLibrary(folder).get("full"), "full", Personalisation(),
                          content().clinic, base_file=doc.path)
    assert len(read_facts(full).sizes) == 3
    assert len(facts("partner-neck-fr", "sheet-a4").sizes) == 2
    assert len(facts("partner-neck", "sheet-a4").sizes) == 2  # a routine that fits keeps full-size pictures
    assert pdf("partner-neck", "sheet-a4") == render_handout(
        content().by_id()["partner-neck"].routine, LayoutLibrary(folder).get("full"), "sheet-a4", Personalisation(),
        content().clinic, base_file=content().by_id()["partner-neck"].path, clinic_file=content().clinic_path)
