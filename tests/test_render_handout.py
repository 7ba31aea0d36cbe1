"""Every seed routine × every shipped handout layout, read back from the PDF.

Each (routine, layout) handout is drawn once per test run and read once
(:func:`facts`); the many checks below all ask the same parsed document. The
case lists come from file names alone, so collecting these tests loads no
content and draws nothing; :func:`test_every_seed_and_layout_is_built` checks
that the names match what a build makes.
"""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

import pypdfium2
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject
from reportlab.pdfgen import canvas

from handouts import labels
from handouts.content import ContentSet, load_content
from handouts.fonts import face_name
from handouts.layouts import LayoutLibrary, shipped_layouts
from handouts.models import Personalisation, Routine
from handouts.pipeline.run import build_handouts
from handouts.render.handout import HandoutInput, render_handout

from shipped import ALL_ROUTINES, CONTENT_DIR, ROUTINES

from pdfcheck import (MM, PdfFacts, font_facts, font_report, form_text_fonts, glyphs, missing_from, missing_texts,
                      normalise, read_facts, stream_text)

ROOT = Path(__file__).resolve().parent.parent
LAYOUTS = sorted(p.stem for p in shipped_layouts().glob("handout-*.yaml") if not p.stem.endswith("-base"))
CASES = [(r, l) for r in ROUTINES for l in LAYOUTS]


@cache
def content() -> ContentSet:
    return load_content([CONTENT_DIR])


@cache
def library() -> LayoutLibrary:
    return LayoutLibrary()


@cache
def pdf(routine_id: str, layout_name: str) -> bytes:
    """The handout as ``handouts build`` draws it (see test_every_seed_and_layout_is_built)."""
    doc = content().by_id()[routine_id]
    return render_handout(HandoutInput(doc.routine, library().get(layout_name), layout_name, Personalisation(),
                                       content().clinic, base_file=doc.path, clinic_file=content().clinic_path))


@cache
def facts(routine_id: str, layout_name: str) -> PdfFacts:
    """Everything the checks below read from one handout, parsed once."""
    return read_facts(pdf(routine_id, layout_name))


def routine_of(routine_id: str) -> Routine:
    return content().by_id()[routine_id].routine


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


def test_every_seed_and_layout_is_built(tmp_path):
    paths = build_handouts([], LAYOUTS, tmp_path, Personalisation(), CONTENT_DIR, library())
    built = {}
    for p in paths:
        routine_id, layout = p.stem.split("--")
        built[(routine_id, layout)] = p
    assert set(built) == {(r, l) for r in ALL_ROUTINES for l in LAYOUTS}
    assert len(ROUTINES) >= 5 and {"handout-a4", "handout-letter", "handout-large-print"} <= set(LAYOUTS)
    # The case lists read only file names; they must name what the content and layouts hold.
    assert ALL_ROUTINES == sorted(doc.id for doc in content().routines)
    assert LAYOUTS == library().buildable("handout")
    # The checks below read pdf(); it must be what a build writes.
    for case, path in built.items():
        assert path.read_bytes() == pdf(*case), f"{case}: build wrote other bytes than the tests read"


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_page_size(routine_id, layout_name):
    expected = library().get(layout_name).page.dimensions
    sizes = facts(routine_id, layout_name).sizes
    assert sizes, "no pages"
    for w, h in sizes:
        assert abs(w - expected[0]) < 0.1 * MM and abs(h - expected[1]) < 0.1 * MM


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_text_fidelity(routine_id, layout_name):
    assert missing_from(body_text(routine_id, layout_name), routine_lines(routine_of(routine_id))) == []


def body_text(routine_id: str, layout_name: str) -> str:
    """The text of the pages' body frames, page after page, without the running header and footer:
    in the order of drawing they come between the lines of a paragraph that goes on to the next page."""
    layout = library().get(layout_name)
    w, h = layout.page.dimensions
    m = layout.page.margins
    doc = pypdfium2.PdfDocument(pdf(routine_id, layout_name))
    try:
        parts = []
        for page in doc:
            tp = page.get_textpage()
            parts.append(tp.get_text_bounded(left=0, bottom=m.bottom, right=w, top=h - m.top))
            tp.close()
            page.close()
        return normalise(" ".join(parts))
    finally:
        doc.close()


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_text_stays_inside_page_and_margins(routine_id, layout_name):
    layout = library().get(layout_name)
    w, h = layout.page.dimensions
    m = layout.page.margins
    tol = 0.5
    for g in facts(routine_id, layout_name).glyphs:
        assert 0 <= g.x0 and g.x1 <= w and 0 <= g.top and g.bottom <= h, f"off the page: {g}"
        assert m.left - tol <= g.x0 and g.x1 <= w - m.right + tol, f"in the side margin: {g}"
        in_body = m.top - tol <= g.top and g.bottom <= h - m.bottom + tol
        in_header = g.bottom <= m.top + tol
        in_footer = g.top >= h - m.bottom - tol
        assert in_body or in_header or in_footer, f"crosses the body frame edge: {g}"


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_no_overlapping_text(routine_id, layout_name):
    assert facts(routine_id, layout_name).overlapping() == []


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_fonts_embedded_and_subset(routine_id, layout_name):
    fonts = facts(routine_id, layout_name).fonts
    assert fonts
    assert all(f["embedded"] and f["subset"] for f in fonts), fonts


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_smallest_glyph_meets_layout_minimum(routine_id, layout_name):
    layout = library().get(layout_name)
    gs = facts(routine_id, layout_name).glyphs
    assert min(g.size for g in gs) >= layout.min_font_size - 0.01


@pytest.mark.parametrize("routine_id", ROUTINES)
def test_large_print_is_18pt_or_more(routine_id):
    gs = facts(routine_id, "handout-large-print").glyphs
    assert min(g.size for g in gs) >= 18 - 0.01


def test_metadata():
    meta = facts("partner-neck", "handout-a4").metadata
    routine = routine_of("partner-neck")
    assert meta["/Title"] == routine.title
    assert meta["/Subject"] == routine.summary
    assert meta["/Lang"] == "en"
    assert meta["/Author"]


def test_builds_are_byte_identical(tmp_path):
    a = build_handouts(["self-neck-back"], ["handout-a4"], tmp_path / "a", Personalisation(for_name="Ana"),
                       CONTENT_DIR, library())
    b = build_handouts(["self-neck-back"], ["handout-a4"], tmp_path / "b", Personalisation(for_name="Ana"),
                       CONTENT_DIR, library())
    assert a[0].read_bytes() == b[0].read_bytes()


def test_personal_fields_print_literally(tmp_path):
    name = 'Sam <b>Lee</b> & "Jo" O\'Neil'
    note = "Use <i>gentle</i> pressure & rest > 2 days"
    (path,) = build_handouts(["self-neck-back"], ["handout-a4"], tmp_path, Personalisation(for_name=name, note=note),
                             CONTENT_DIR, library())
    assert missing_texts(path, [name, note]) == []


def test_steps_are_numbered_in_order():
    read = facts("clinical-neck", "handout-a4")
    routine = routine_of("clinical-neck")
    text = " ".join(g.text for g in read.glyphs)
    assert len(routine.all_steps) >= 6
    positions = [read.text.find(s.title) for s in routine.all_steps]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    assert text


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_no_page_ends_with_a_heading(routine_id, layout_name):
    """The lowest line of body text on every page but the last is never a heading or a step title."""
    routine = routine_of(routine_id)
    headings = {"Steps", *(s.title for s in routine.all_steps), *(p.title for p in routine.phases)}
    squashed = {h.replace(" ", "") for h in headings}
    layout = library().get(layout_name)
    w, h = layout.page.dimensions
    m = layout.page.margins
    read = facts(routine_id, layout_name)
    sizes, gs = read.sizes, read.glyphs
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
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "good.yaml").write_text(src)
    (out,) = build_handouts([], ["handout-a4"], tmp_path / "out", Personalisation(), folder, library())
    text = stream_text(out)
    assert "Track your practice" in text and "3 times a day" in text
    assert all(f"Time {n}" in text for n in (1, 2, 3)) and "Time 4" not in text
    days = library().get("handout-a4").tracking_days
    assert "Day " + " ".join(str(d) for d in range(1, days + 1)) in text


def test_a_long_name_in_a_running_header_is_shortened_inside_the_margin(tmp_path):
    """A layout may put {for_name} in the header; a 200-character name must not climb off the page."""
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    for f in shipped_layouts().glob("handout-*.yaml"):
        (layouts / f.name).write_text(f.read_text())
    (layouts / "named.yaml").write_text('extends: handout-a4\nheader: {left: "For {for_name}", right: "{title}"}\n')
    name = "Maximiliana " + "Wolfeschlegelsteinhausenbergerdorff " * 5 + "Jr."
    (out,) = build_handouts(["partner-back"], ["named"], tmp_path / "out", Personalisation(for_name=name),
                            CONTENT_DIR, LayoutLibrary(layouts))
    top_margin = LayoutLibrary(layouts).get("named").page.margins.top
    sizes, gs = glyphs(out)
    assert all(g.bottom <= h - 4 * MM for g in gs for (w, h) in [sizes[g.page - 1]]), "nor into the bottom edge"
    header = [g for g in gs if g.top < top_margin]
    assert header, "the header is drawn"
    assert all(g.top >= 4 * MM for g in header), "nothing climbs into the edge printers cannot print"
    assert {g.page for g in header} == set(range(1, len(sizes) + 1))
    assert "…" in "".join(g.text for g in header if g.page == 2), "the name is shortened, visibly"
    assert missing_texts(out, [name]) == [], "the full name is still printed (on the first page)"


# The font walk: fonts inside form XObjects ----------------------------------------------------


def test_body_map_label_fonts_are_found_inside_the_forms_and_embedded():
    """Body maps are form XObjects, and a hold-time label is text inside one, set in a font the form
    names in its own /Resources. The font walk must reach that font through the form.

    ReportLab gives every page and every form the same font dictionary object, so in its PDFs
    the label's font is listed at page level too; the walk is proved to reach fonts that only a
    form lists by test_font_walk_reaches_a_font_only_a_nested_form_lists."""
    read = facts("clinical-neck", "handout-a4")
    labelled = {name: used for name, used in read.form_fonts.items() if "bodymap" in name and used}
    assert labelled, "no body map in this handout draws text; pick a handout whose body map has a hold label"
    for form, used in labelled.items():
        assert not any(u.startswith("?") for u in used), f"{form} selects a font its own resources lack: {used}"
        for base_font in used:
            entries = [f for f in read.fonts if f["name"] == base_font]
            assert entries, f"{base_font} (used inside {form}) is missing from the font report"
            assert any(loc[-1] == form for f in entries for loc in f["found_in"]), \
                f"{base_font} was not reached through {form}: {entries}"
    assert any(f["in_form"] for f in read.fonts)
    assert read.fonts and all(f["embedded"] and f["subset"] for f in read.fonts), read.fonts


def _nested_form_pdf() -> bytes:
    """One page that places form ``outer``, which places form ``inner``, which draws text in a TTF.

    ReportLab's own output, before any change: one font dictionary (Helvetica, the canvas's
    starting font, and the TTF subset) shared by the page and both forms."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(200, 100), invariant=1)
    c.beginForm("inner")
    c.setFont(face_name("atkinson"), 12)
    c.drawString(10, 40, "Inside")
    c.endForm()
    c.beginForm("outer")
    c.doForm("inner")
    c.endForm()
    c.doForm("outer")
    c.showPage()
    c.save()
    return buf.getvalue()


def _only_the_inner_form_lists_the_ttf(data: bytes, cycle: bool = False) -> bytes:
    """The same document with the page and ``outer`` given a font dictionary of their own that holds
    only the standard font they select; ``inner`` keeps the dictionary with the TTF. With ``cycle``
    ``inner`` also names ``outer`` as an XObject (a broken file the walk must still finish)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    resources = writer.pages[0]["/Resources"]
    shared = resources["/Font"].get_object()
    standard = {NameObject(k): shared.raw_get(k) for k in shared if shared[k].get_object()["/BaseFont"] == "/Helvetica"}
    assert standard and len(standard) < len(shared)
    outer_ref = resources["/XObject"].raw_get("/FormXob.outer")
    outer = outer_ref.get_object()
    resources[NameObject("/Font")] = DictionaryObject(standard)
    outer["/Resources"][NameObject("/Font")] = DictionaryObject(standard)
    if cycle:
        inner = outer["/Resources"]["/XObject"]["/FormXob.inner"].get_object()
        inner["/Resources"][NameObject("/XObject")] = DictionaryObject({NameObject("/FormXob.outer"): outer_ref})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


NESTED = ("page 1", "/FormXob.outer", "/FormXob.inner")


def test_font_walk_reaches_a_font_only_a_nested_form_lists():
    shared = _nested_form_pdf()
    (ttf,) = [f for f in font_report(shared) if "Atkinson" in f["name"]]
    assert ttf["on_page"] and NESTED in ttf["found_in"], "as ReportLab writes it: listed on the page and in the forms"

    data = _only_the_inner_form_lists_the_ttf(shared)
    page_level = PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"]
    assert {str(v.get_object()["/BaseFont"]) for v in page_level.values()} == {"/Helvetica"}
    _, gs = glyphs(data)
    assert "".join(g.text for g in gs) == "Inside" and all("Atkinson" in g.font for g in gs), "the form draws it"

    fonts = font_report(data)
    (ttf,) = [f for f in fonts if "Atkinson" in f["name"]]
    assert ttf["found_in"] == [NESTED]
    assert ttf["in_form"] and not ttf["on_page"]
    assert ttf["embedded"] and ttf["subset"] and ttf["subtype"] == "/TrueType"
    (helvetica,) = [f for f in fonts if f["name"] == "/Helvetica"]
    assert helvetica["on_page"] and not helvetica["embedded"] and not helvetica["subset"]
    assert form_text_fonts(data)["/FormXob.inner"] == {ttf["name"], "/Helvetica"}


def test_font_walk_stops_at_a_form_that_draws_itself():
    data = _only_the_inner_form_lists_the_ttf(_nested_form_pdf(), cycle=True)
    (ttf,) = [f for f in font_report(data) if "Atkinson" in f["name"]]
    assert ttf["found_in"] == [NESTED]
    assert "/FormXob.inner" in form_text_fonts(data)


def _pdf_dict(**entries) -> DictionaryObject:
    return DictionaryObject({NameObject("/" + k): NameObject(v) if isinstance(v, str) else v for k, v in entries.items()})


def _type0(base_font: str, font_file: str | None) -> DictionaryObject:
    """A composite font as a PDF keeps it: the descriptor (and any font file) sits in the descendant CIDFont."""
    descriptor = _pdf_dict(Type="/FontDescriptor", FontName=base_font)
    if font_file:
        descriptor[NameObject(font_file)] = DecodedStreamObject()
    cid = _pdf_dict(Type="/Font", Subtype="/CIDFontType2", BaseFont=base_font, FontDescriptor=descriptor)
    return _pdf_dict(Type="/Font", Subtype="/Type0", BaseFont=base_font, DescendantFonts=ArrayObject([cid]))


@pytest.mark.parametrize("base_font,font_file,embedded,subset", [
    ("/ABCDEF+NotoSans", "/FontFile2", True, True),
    ("/ABCDEF+NotoSans-CFF", "/FontFile3", True, True),
    ("/NotoSans", "/FontFile2", True, False),
    ("/ABCDEF+NotoSans", None, False, True),
    ("/abcdef+NotoSans", "/FontFile2", True, False),
])
def test_type0_fonts_are_judged_by_their_descendant_descriptor(base_font, font_file, embedded, subset):
    assert font_facts(_type0(base_font, font_file)) == {"name": base_font, "subtype": "/Type0", "embedded": embedded,
                                                        "subset": subset}


# Density: pages without waste -----------------------------------------------------------------

from density import page_fills  # noqa: E402

MOST_BLANK = 0.25
"""The most of a page's body, below its last line, that may be left blank (all pages but the last),
in every layout: in large print a step may start with its title, its picture and its first line."""


@cache
def fills(routine_id: str, layout_name: str):
    return page_fills(pdf(routine_id, layout_name), facts(routine_id, layout_name).glyphs, library().get(layout_name))


@pytest.mark.parametrize("routine_id,layout_name", [(r, l) for r in ALL_ROUTINES for l in LAYOUTS])
def test_no_page_but_the_last_is_more_than_a_quarter_blank(routine_id, layout_name):
    """Translations too: their longer lines break the pages in other places than English."""
    blank = [f"page {page.number} is {page.blank:.1%} blank" for page in fills(routine_id, layout_name)[:-1]
             if page.blank > MOST_BLANK]
    assert not blank, blank


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_no_page_ends_with_a_heading_set_in_a_heading_style(routine_id, layout_name):
    """Read by font: a bold line at a heading style's size, with nothing drawn under it."""
    for page in fills(routine_id, layout_name)[:-1]:
        assert not page.last_is_heading, f"page {page.number} ends with the heading '{page.last_line}'"


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_no_page_holds_only_a_leftover(routine_id, layout_name):
    """Never a page of the title alone, the source line alone, or one glossary term."""
    routine = routine_of(routine_id)
    squash = lambda t: t.replace(" ", "")  # noqa: E731
    for page in fills(routine_id, layout_name):
        body = squash("".join(page.lines))
        assert body, f"page {page.number} is empty"
        assert body != squash(routine.title), f"page {page.number} holds only the title"
        assert not (page.lines[0].startswith("Source:") and all(not l.startswith(("Contact", "Notes")) for l in page.lines)), \
            f"page {page.number} holds only the source line"
        terms = [t for t in routine.glossary if squash(f"{t.term}:") in body]
        others = body
        for t in terms:
            others = others.replace(squash(f"{t.term}:{t.definition}"), "")
        assert not (len(terms) == 1 and squash("Words to know") in others and len(others) < 40), \
            f"page {page.number} holds one glossary term: {page.lines}"


@pytest.mark.parametrize("routine_id,layout_name", [c for c in CASES if c[1] != "handout-large-print"])
def test_body_text_and_captions_are_10pt_or_more_on_a4_and_letter(routine_id, layout_name):
    """Captions say where the hands go; nothing in the body of the page is smaller than 10 pt."""
    layout = library().get(layout_name)
    h = layout.page.dimensions[1]
    m = layout.page.margins
    body = [g for g in facts(routine_id, layout_name).glyphs if m.top <= g.top and g.bottom <= h - m.bottom]
    small = {(g.page, round(g.size, 1)) for g in body if g.size < 10 - 0.01}
    assert not small, small


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_the_safety_box_moves_whole_unless_it_is_taller_than_a_page(routine_id, layout_name):
    """On one page when it fits one; over pages under "Safety first (continued)" only when it could not."""
    routine = routine_of(routine_id)
    pages = fills(routine_id, layout_name)
    squash = lambda t: t.replace(" ", "")  # noqa: E731
    words = labels.for_language(routine.language)
    (start,) = [i for i, p in enumerate(pages) if squash(words.SAFETY) in p.lines]
    box = [start] + [i for i, p in enumerate(pages) if p.lines and p.lines[0] == squash(words.continued(words.SAFETY))]
    assert box == list(range(start, start + len(box))), "the box's pages follow one another"
    text = "".join("".join(pages[i].lines) for i in box)
    assert all(squash(line) in text for line in routine.safety.all_lines())
    if len(box) > 1:  # split only when taller than a page: then it fills the page it starts on
        spec = library().get(layout_name)
        h = spec.page.dimensions[1] - spec.page.margins.top - spec.page.margins.bottom
        assert pages[start].blank < 0.05
        assert len(box) == 2 or all(pages[i].blank < 0.05 for i in box[:-1])
        assert sum(1 - pages[i].blank for i in box) * h > h, "the parts together are taller than a page"


@pytest.mark.parametrize("routine_id,layout_name", CASES)
def test_a_step_that_goes_on_over_a_page_starts_with_its_title_picture_and_first_lines(routine_id, layout_name):
    """The page that holds a step's title holds the start of its instruction and the step's picture."""
    routine = routine_of(routine_id)
    pages = fills(routine_id, layout_name)
    # Digits left out: a step's number, centred beside a title on two or three lines, reads as part
    # of one of them.
    texts = [re.sub(r"\d", "", "".join(p.lines)) for p in pages]
    forms = _picture_pages(pdf(routine_id, layout_name))
    squash = lambda t: re.sub(r"\d", "", t.replace(" ", ""))  # noqa: E731
    titles = [0] * len(pages)
    for number, step in enumerate(routine.all_steps, start=1):
        (page,) = [i for i, t in enumerate(texts) if squash(step.title)[:25] in t]
        # Its first line at least (large print may start a step at the foot of a page with one).
        assert squash(step.instruction)[:25] in texts[page], f"step {number}: its instruction starts on another page"
        titles[page] += 1
    assert forms == titles, "each step's picture is on the page of its title"


def _picture_pages(data: bytes) -> list[int]:
    """How many body-map pictures each page places."""
    reader = PdfReader(io.BytesIO(data))
    out = []
    for page in reader.pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {}) or {}
        contents = page.get_contents()
        content = contents.get_data() if contents is not None else b""
        out.append(sum(content.count(f"{name} Do".encode()) for name in xobjects if "bodymap" in name.lower()))
    return out


def test_large_print_icons_go_on_in_a_second_row_under_a_narrow_picture_rather_than_lose_a_tool():
    """Beside the text, large print's picture is narrow, and narrower still where a step starts at
    the foot of a page; its 18 pt pictograms then take two rows, every tool kept."""
    from reportlab.platypus import Table

    from handouts.layout_models import Brand
    from handouts.render import pictures
    from handouts.render.handout import LOW_PICTURE_SCALE
    from handouts.styles import paragraph_styles

    layout = library().get("handout-large-print")
    ill = layout.illustrations
    assert ill.position == "left"
    routine = routine_of("partner-neck")
    step = routine.all_steps[0]  # fingertips, three set-up tools and a pressure scale
    caption = paragraph_styles(layout)["caption"]
    assert caption.fontSize >= 18
    for scale in (1.0, LOW_PICTURE_SCALE):
        width = ill.width * scale
        table = pictures.step_picture(step, width, width, Brand(), caption, routine=routine, with_caption=False)
        strip = table._cellvalues[1][0]
        rows = [r[0] for r in strip._cellvalues] if isinstance(strip._cellvalues[0][0], Table) else [strip]
        assert len(rows) == 2, scale
        assert all(sum(r._colWidths) <= width + 0.01 for r in rows), scale
        assert sum(len(r._cellvalues[0]) for r in rows) == 1 + len(step.illustration.tools) + 1
