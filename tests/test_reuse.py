"""A handout built on a shared template is the handout a full render draws.

For a hostile roster (long names, several scripts, markup characters, empty
and long notes, a personal dosage) each student's file from the template is
read back and compared with the full render of the same inputs: text page by
page, fonts, page sizes, metadata and outline, and the pictures of the pages.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import numpy as np
import pypdfium2
import pytest
from pypdf import PdfReader

from handouts.content import load_content
from handouts.layouts import LayoutLibrary
from handouts.models import Personalisation
from handouts.render import reuse
from handouts.render.handout import HandoutInput, HandoutRenderer

from pdfcheck import SUBSET_PREFIX, font_report, metadata, page_boxes
from shipped import CONTENT_DIR

TAG = "FAAAAA+"
"""The tag of the overlay's first font subset (overlay.TAG_LETTER, then ReportLab's AAAAA)."""

LONG_NAME = "Maximiliana Konstantinopoulou-Vanderbilt-Featherstonehaugh " * 3
HOSTILE = [
    Personalisation(for_name="Sam Lee", date="21 November 2026"),
    Personalisation(for_name="Ana López", date="21 November 2026", clinician="J. Ellis", note=""),
    Personalisation(for_name=LONG_NAME.strip()[:200], date="21 November 2026"),
    Personalisation(for_name="अनन्या शर्मा", date="21 November 2026"),
    Personalisation(for_name="ليلى حداد", date="21 November 2026"),
    Personalisation(for_name="Дмитрий Иванов", clinician="Ζωή Παππά"),
    Personalisation(for_name='Tom & "Jerry" <b>bold</b> <br/>', note='5 < 6 & "quotes" <i>x</i>'),
    Personalisation(for_name="Ben O'Connor", note="Your dosage: Twice a week\nAsk your partner how the pressure feels."),
    Personalisation(date="1 April 2027"),
]


@cache
def content():
    return load_content([CONTENT_DIR])


@cache
def library(own: Path | None = None) -> LayoutLibrary:
    return LayoutLibrary(own)


def handout(personal: Personalisation, layout: str = "handout-a4", routine: str = "partner-neck",
            layouts: LayoutLibrary | None = None) -> HandoutInput:
    doc = content().by_id()[routine]
    lib = layouts or library()
    return HandoutInput(doc.routine, lib.get(layout), layout, personal, content().clinic, base_file=doc.path,
                        clinic_file=content().clinic_path)


def full(data: HandoutInput) -> bytes:
    return HandoutRenderer(data).render()


def reused(data: HandoutInput) -> tuple[bytes, dict]:
    """The handout through the template, and how many handouts took each path meanwhile."""
    before = dict(reuse.COUNTS)
    pdf = reuse.render_handout(data)
    return pdf, {k: reuse.COUNTS[k] - before.get(k, 0) for k in ("reused", "full", "template")}


def page_texts(pdf: bytes) -> list[str]:
    doc = pypdfium2.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in doc]
    finally:
        doc.close()


def pictures(pdf: bytes, dpi: int = 50) -> list[np.ndarray]:
    doc = pypdfium2.PdfDocument(pdf)
    try:
        return [np.asarray(page.render(scale=dpi / 72).to_pil().convert("L"), dtype=np.int16) for page in doc]
    finally:
        doc.close()


def fonts(pdf: bytes) -> set[tuple[str, bool, bool]]:
    """(name without its subset tag, embedded, subset) of every font the pages reach."""
    return {(SUBSET_PREFIX.sub("", f["name"]), f["embedded"], f["subset"]) for f in font_report(pdf)}


def outline(pdf: bytes) -> list[tuple[str, int]]:
    reader = PdfReader(io.BytesIO(pdf))
    out = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out.append((item.title, reader.get_destination_page_number(item)))
    walk(reader.outline)
    return out


def assert_same(a: bytes, b: bytes) -> None:
    """``a`` reads, prints and looks as ``b`` does."""
    assert page_boxes(a) == page_boxes(b)
    assert page_texts(a) == page_texts(b)
    assert fonts(a) == fonts(b)
    assert all(embedded and subset for _, embedded, subset in fonts(a))
    assert metadata(a) == metadata(b)
    assert outline(a) == outline(b)
    for n, (x, y) in enumerate(zip(pictures(a), pictures(b)), start=1):
        assert x.shape == y.shape
        differ = np.abs(x - y) > 8
        assert differ.sum() <= x.size * 1e-4, f"page {n}: {differ.sum()} pixels differ"


@pytest.mark.parametrize("layout", ["handout-a4", "handout-letter", "handout-large-print"])
def test_every_student_of_a_hostile_roster_gets_the_full_render(layout):
    paths = []
    for personal in HOSTILE:
        data = handout(personal, layout)
        pdf, took = reused(data)
        paths.append(took)
        assert_same(pdf, full(data))
    # No detail of this roster breaks across pages: every student came from a template (one per
    # height of name block and note), none was drawn whole.
    assert sum(t["reused"] for t in paths) == len(HOSTILE)
    assert sum(t["full"] for t in paths) == 0


def test_the_name_prints_from_its_own_files_font_subset():
    data = handout(Personalisation(for_name="Zoë Quixley-Wymark", date="21 November 2026"))
    pdf, took = reused(data)
    assert took["reused"] == 1
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        chars = doc.pages[0].chars
    text = "".join(c["text"] for c in chars)
    at = text.index("Zoë Quixley-Wymark")
    name_fonts = {c["fontname"] for c in chars[at:at + len("Zoë Quixley-Wymark")]}
    assert name_fonts and all(f.startswith(TAG) for f in name_fonts)
    # The shared pages' subsets hold none of the name's glyphs that the rest of the page lacks:
    # 'Z', 'ë' and 'Q' print nowhere else on page 1 but in the name.
    others = {c["fontname"] for c in chars if not c["fontname"].startswith(TAG)}
    assert others and not {c["text"] for c in chars if c["fontname"] in others} & {"Z", "ë", "Q"}
    tags = {f["name"].split("+")[0] for f in font_report(pdf)}
    assert len(tags) >= 2  # the shared subsets and the overlay's are told apart


def test_a_note_that_breaks_across_pages_gets_the_full_render():
    reuse.clear()
    note = ("Practise slowly and tell your partner what you feel at each step. " * 40)[:2000]
    data = handout(Personalisation(for_name="Sam Lee", note=note), "handout-large-print")
    pdf, took = reused(data)
    assert took == {"reused": 0, "full": 1, "template": 1}
    assert pdf == full(data)
    _, again = reused(data)  # the template that could not be used is remembered, not drawn again
    assert again == {"reused": 0, "full": 1, "template": 0}


def test_running_lines_that_print_the_name_come_from_the_overlay(tmp_path):
    (tmp_path / "named-a4.yaml").write_text(
        'extends: handout-a4\nheader: {left: "{clinic}", right: "{for_name}"}\n'
        'footer: {left: "{date}", right: "{page_of}"}\n', encoding="utf-8")
    layouts = LayoutLibrary(tmp_path)
    for name in ("Sam Lee", "ليلى حداد", LONG_NAME.strip()[:200]):
        data = handout(Personalisation(for_name=name, date="3 May 2027"), "named-a4", layouts=layouts)
        pdf, took = reused(data)
        assert took["reused"] == 1
        assert_same(pdf, full(data))
    texts = page_texts(pdf)
    assert len(texts) > 1 and all("3 May 2027" in t for t in texts)
    # With the clinic's logo in the header, the overlay draws it too, on every page.
    from PIL import Image

    Image.new("RGBA", (120, 40), (90, 45, 130, 160)).save(tmp_path / "logo.png")
    clinic = content().clinic.model_copy(update={"logo": "logo.png"})
    doc = content().by_id()["partner-neck"]
    data = HandoutInput(doc.routine, layouts.get("named-a4"), "named-a4", Personalisation(for_name="Ana López"),
                        clinic, base_file=doc.path, clinic_file=tmp_path / "clinic.yaml")
    pdf, took = reused(data)
    assert took["reused"] == 1
    assert_same(pdf, full(data))


def test_output_does_not_depend_on_what_was_drawn_before():
    reuse.clear()
    first = handout(Personalisation(for_name="Ana López", date="21 November 2026"))
    second = handout(Personalisation(for_name="Ben Oh", date="21 November 2026"))
    a, took = reused(first)
    assert took == {"reused": 1, "full": 0, "template": 1}
    reused(second)
    b, took = reused(first)
    assert took == {"reused": 1, "full": 0, "template": 0}
    assert a == b
    reuse.clear()
    reused(second)
    assert reused(first)[0] == a  # a template made for another student is the same template


@pytest.mark.parametrize("clinic", [True, False])
def test_a_handout_with_no_personal_detail_is_the_full_render_byte_for_byte(clinic):
    """``build`` without ``--for`` writes what it always wrote (the clinic's clinician, when it
    has one, is in every such handout alike), drawn once per process."""
    doc = content().by_id()["partner-neck"]
    data = HandoutInput(doc.routine, library().get("handout-a4"), "handout-a4", Personalisation(),
                        content().clinic if clinic else None, base_file=doc.path, clinic_file=content().clinic_path)
    reuse.clear()
    pdf, took = reused(data)
    assert took == {"reused": 0, "full": 1, "template": 0}
    again, took = reused(data)
    assert took == {"reused": 1, "full": 0, "template": 0}
    assert pdf == again == full(data)


def test_a_full_render_does_not_depend_on_the_handouts_drawn_before_it():
    """A paragraph broken across pages in one handout left a space in the lines every later
    handout reuses (ReportLab's split edits them in place)."""
    sam = handout(HOSTILE[0], "handout-large-print")
    first = full(sam)
    full(handout(HOSTILE[2], "handout-large-print"))  # a long name moves the page breaks
    assert full(sam) == first


def test_the_template_cache_is_bounded():
    reuse.clear()
    routines = ["partner-neck", "partner-back", "self-neck-back", "self-neck-tools"]
    layouts = ["handout-a4", "handout-letter", "handout-large-print"]
    for routine in routines:
        for layout in layouts:
            reused(handout(Personalisation(for_name="Sam Lee"), layout, routine))
            assert reuse.cached() <= reuse.MAX_TEMPLATES
    assert reuse.cached() == reuse.MAX_TEMPLATES


def test_a_picture_saved_again_makes_a_new_template(tmp_path):
    """``build --watch`` draws again in the same process after a picture is saved."""
    import os

    logo = tmp_path / "logo.png"
    logo.write_bytes((CONTENT_DIR / "clinic.yaml").read_bytes())  # only its state on disk is read
    clinic_file = tmp_path / "clinic.yaml"
    clinic = content().clinic.model_copy(update={"logo": "logo.png"})
    doc = content().by_id()["partner-neck"]
    data = HandoutInput(doc.routine, library().get("handout-a4"), "handout-a4", Personalisation(for_name="Sam"),
                        clinic, base_file=doc.path, clinic_file=clinic_file)
    key = reuse._shared_key(data)
    assert reuse._shared_key(data) == key
    os.utime(logo, ns=(1, 1))
    assert reuse._shared_key(data) != key


def test_builds_and_batches_take_the_template():
    from handouts.pipeline.render import render_handout

    doc = content().by_id()["partner-neck"]
    before = reuse.COUNTS["reused"]
    for name in ("Sam Lee", "Ana López"):
        render_handout(doc.routine, library().get("handout-a4"), "handout-a4", Personalisation(for_name=name),
                       content().clinic, base_file=doc.path, clinic_file=content().clinic_path)
    assert reuse.COUNTS["reused"] == before + 2


def test_a_class_batch_takes_the_template_and_prints_each_students_details(tmp_path):
    from typer.testing import CliRunner

    from handouts.cli import app
    from pdfcheck import stream_text

    roster = tmp_path / "roster.csv"
    roster.write_text("name,note,dosage\nAna López,,Twice a week\nBen O'Connor,Go gently.,\nChloé Dubois,,\n",
                      encoding="utf-8")
    manifest = tmp_path / "class.batch.yaml"
    manifest.write_text(f"title: Class\ncontent: {CONTENT_DIR}\nroutines: [partner-neck]\nhandouts: [handout-a4]\n"
                        f"roster: roster.csv\nout: out\ndate: 14 March 2026\n", encoding="utf-8")
    before = dict(reuse.COUNTS)
    result = CliRunner().invoke(app, ["batch", str(manifest), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert reuse.COUNTS["reused"] - before.get("reused", 0) == 3
    assert reuse.COUNTS["full"] - before.get("full", 0) == 0
    files = sorted((tmp_path / "out").glob("*.pdf"))
    assert len(files) == 3
    texts = {f.name: stream_text(f) for f in files}
    for name, extra in (("Ana López", "Your dosage: Twice a week"), ("Ben O'Connor", "Go gently."), ("Chloé Dubois", "")):
        (text,) = [t for t in texts.values() if f"Prepared for: {name}" in t]
        assert extra in text and "14 March 2026" in text


def test_the_object_reader_refuses_what_reportlab_did_not_write():
    from pypdf import PdfWriter

    from handouts.render import pdfobjects

    with pytest.raises(pdfobjects.NotOurs):
        pdfobjects.read(b"%PDF-1.4\nnot a document\n")
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(pdfobjects.NotOurs):
        pdfobjects.read(out.getvalue()[:-40])  # cut short: no cross-reference table to follow


@pytest.mark.parametrize("routine", ["clinical-neck", "partner-back", "self-neck-back", "self-neck-tools",
                                     "partner-neck-es"])
def test_every_shipped_routine_with_a_name_and_a_dosage_note(routine):
    data = handout(Personalisation(for_name="Chloé Dubois", date="21 March 2026",
                                   note="Your dosage: Once a week\nGo gently."), "handout-a4", routine)
    pdf, took = reused(data)
    assert took["reused"] == 1
    assert_same(pdf, full(data))


@pytest.mark.parametrize("value, reused", [("off", False), ("on", True), ("", True)])
def test_the_switch_draws_whole_or_reuses(monkeypatch, value, reused):
    monkeypatch.setenv("HANDOUTS_REUSE", value)
    assert reuse.enabled() is reused


def test_a_switch_value_that_is_neither_on_nor_off_is_refused_by_name(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from handouts.cli import app

    monkeypatch.setenv("HANDOUTS_REUSE", "maybe")
    result = CliRunner().invoke(app, ["build", "partner-neck", "-l", "handout-a4", "--for", "Ana",
                                      "--content", str(CONTENT_DIR), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "HANDOUTS_REUSE: must be 'on' or 'off', not 'maybe'" in result.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
