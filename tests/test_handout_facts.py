"""What a handout prints comes from the routine and the clinic, never from a default; what the PDF
carries besides its pages (title shown, language, outline, reading order); QR codes that scan."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from handouts.layouts import LayoutLibrary, shipped_layouts
from handouts.models import Personalisation
from handouts.pipeline.run import build_handouts
from handouts.render.handout import MAX_TRACKING_ROWS

from pdfcheck import glyphs, stream_text
from shipped import CONTENT_DIR

ROOT = Path(__file__).resolve().parent.parent
GOOD = (ROOT / "tests" / "cases" / "checks" / "good.yaml").read_text()
CLINIC = (CONTENT_DIR / "clinic.yaml").read_text()
LAYOUTS = ["handout-a4", "handout-letter", "handout-large-print"]
FIRST_STEP = "    regions: [back_of_neck]\n"


@cache
def library() -> LayoutLibrary:
    return LayoutLibrary()


def build(tmp_path: Path, src: str, layouts=("handout-a4",), clinic: bool = False, library_=None) -> list[Path]:
    folder = tmp_path / "content"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "good.yaml").write_text(src)
    if clinic:
        (folder / "clinic.yaml").write_text(CLINIC)
    return build_handouts([], list(layouts), tmp_path / "out", Personalisation(), folder, library_ or library())


def with_dosage(dosage: str, src: str = GOOD) -> str:
    return src.replace(FIRST_STEP, FIRST_STEP + f"    dosage: {{{dosage}}}\n", 1)


# The tracking log follows the routine ----------------------------------------------------------


def test_no_tracking_log_when_no_step_says_how_often(tmp_path):
    (out,) = build(tmp_path, with_dosage("duration: 1 min"))
    text = stream_text(out)
    assert "Track your practice" not in text and "once a day" not in text


def test_tracking_log_says_the_routines_own_frequency(tmp_path):
    (out,) = build(tmp_path, with_dosage("duration: 1 min, times_per_day: 2-3, days_per_week: 5"))
    text = stream_text(out)
    assert "Tick a box each time you do the routine (2–3 times a day, 5 days a week)." in text
    assert all(f"Time {n}" in text for n in (1, 2, 3)) and "Time 4" not in text


def test_days_alone_give_one_row_a_day(tmp_path):
    (out,) = build(tmp_path, with_dosage("duration: 1 min, days_per_week: 3"))
    text = stream_text(out)
    assert "(3 days a week)" in text and "Done" in text and "Time 1" not in text


def test_tick_rows_are_bounded_whatever_the_dosage_says(tmp_path):
    (out,) = build(tmp_path, with_dosage("duration: 1 min, times_per_day: 40"))
    text = stream_text(out)
    assert "40 times a day" in text
    assert f"Time {MAX_TRACKING_ROWS}" in text and f"Time {MAX_TRACKING_ROWS + 1}" not in text


def _own_layouts(tmp_path: Path, extra: str) -> LayoutLibrary:
    folder = tmp_path / "layouts"
    folder.mkdir(parents=True)
    for f in shipped_layouts().glob("handout-*.yaml"):
        (folder / f.name).write_text(f.read_text())
    (folder / "mine.yaml").write_text("extends: handout-a4\n" + extra)
    return LayoutLibrary(folder)


def test_clinician_handouts_have_no_tick_log_unless_the_layout_asks(tmp_path):
    src = with_dosage("duration: 1 min, times_per_day: 2").replace("audience: self", "audience: clinician")
    src = src.replace("steps:\n", "assessment:\n  - question: Where is the pain?\nsteps:\n", 1)
    (plain,) = build(tmp_path / "a", src)
    assert "Track your practice" not in stream_text(plain)
    asked = _own_layouts(tmp_path, "tracking_log: always\n")
    (out,) = build(tmp_path / "b", src, ["mine"], library_=asked)
    assert "Tick a box each time you do the routine (2 times a day)." in stream_text(out)


def test_a_layout_can_leave_the_log_out(tmp_path):
    never = _own_layouts(tmp_path, "tracking_log: never\n")
    (out,) = build(tmp_path, with_dosage("duration: 1 min, times_per_day: 2"), ["mine"], library_=never)
    assert "Track your practice" not in stream_text(out)


def test_a_misspelt_tracking_log_value_is_refused(tmp_path):
    from handouts.errors import HandoutsError

    bad = _own_layouts(tmp_path, "tracking_log: sometimes\n")
    with pytest.raises(HandoutsError) as err:
        bad.get("mine")
    assert "mine.yaml:2: tracking_log:" in str(err.value)


# Contact details and the legend ------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_prints_the_clinics_phone_address_and_email(tmp_path, layout):
    (out,) = build(tmp_path, GOOD, [layout], clinic=True)
    text = stream_text(out).replace(" ", "")
    for value in ("(555) 010-0199", "12 Example Lane, Springfield, ST 00000", "hello@riverside-clinic.example"):
        assert value.replace(" ", "") in text, f"{value} missing from {layout}"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_legend_comes_before_the_steps(tmp_path, layout):
    (out,) = build(tmp_path, GOOD, [layout])
    text = stream_text(out)
    assert 0 <= text.find("What the pictures mean") < text.find("Warm up the back of your neck")


def test_the_caption_reads_after_the_step_title(tmp_path):
    """The caption says where the hands go; read back from the page, it follows the number and title."""
    (out,) = build(tmp_path, GOOD)
    text = stream_text(out)
    title = text.find("1 Warm up the back of your neck")
    caption = text.find("Back of the neck", title)
    instruction = text.find("Put your fingertips on the back of your neck")
    assert 0 <= title < caption < instruction


# QR codes ---------------------------------------------------------------------------------------

VIDEO = "https://example.org/neck-video"
WEB = "https://example.org/neck"
STEP_VIDEO = "https://example.org/step-1"


def _with_links(src: str = GOOD) -> str:
    src = src.replace("source:\n", f"video_url: {VIDEO}\nweb_url: {WEB}\nsource:\n", 1)
    return src.replace(FIRST_STEP, FIRST_STEP + f"    video_url: {STEP_VIDEO}\n", 1)


def _decoded(pdf: Path, dpi: int = 300) -> set[str]:
    doc = pypdfium2.PdfDocument(str(pdf))
    try:
        found = set()
        for page in doc:
            found |= {r.text for r in zxingcpp.read_barcodes(page.render(scale=dpi / 72).to_pil())}
        return found
    finally:
        doc.close()


@pytest.mark.parametrize("layout", ["handout-a4", "handout-large-print"])
def test_links_print_as_qr_codes_that_scan_back(tmp_path, layout):
    (out,) = build(tmp_path, _with_links(), [layout])
    assert _decoded(out) == {VIDEO, WEB, STEP_VIDEO}
    text = stream_text(out)
    for short in ("example.org/neck-video", "example.org/neck", "example.org/step-1"):
        assert short in text


def test_a_routine_without_links_prints_no_qr_code(tmp_path):
    (out,) = build(tmp_path, GOOD)
    assert _decoded(out, dpi=150) == set()


# What the PDF carries ---------------------------------------------------------------------------


def test_viewer_shows_the_title_and_knows_the_language(tmp_path):
    (out,) = build(tmp_path, GOOD)
    root = PdfReader(str(out)).trailer["/Root"]
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712 (a PDF boolean)
    assert root["/Lang"] == "en"
    assert PdfReader(str(out)).metadata["/Title"] == "Ease a stiff neck"


def _outline(reader: PdfReader, items=None, depth: int = 0) -> list[tuple[int, str, int]]:
    out = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            out += _outline(reader, item, depth + 1)
        else:
            out.append((depth, item.title, reader.get_destination_page_number(item) + 1))
    return out


def test_outline_has_the_sections_and_the_steps_on_their_pages(tmp_path):
    (out,) = build(tmp_path, GOOD, ["handout-large-print"])
    reader = PdfReader(str(out))
    entries = _outline(reader)
    titles = [t for _, t, _ in entries]
    assert titles[:2] == ["Ease a stiff neck", "Safety first"]
    assert {"What you need", "What the pictures mean", "Steps", "Notes"} <= set(titles)
    steps = [(d, t, p) for d, t, p in entries if t[:2] in ("1.", "2.")]
    assert [t for _, t, _ in steps] == ["1. Warm up the back of your neck", "2. Roll a ball over your upper back"]
    assert all(d == 1 for d, _, _ in steps), "steps sit under 'Steps'"
    # Each entry points at the page where its heading is printed.
    _, gs = glyphs(out)
    for _, title, page in entries:
        printed = "".join(g.text for g in gs if g.page == page).replace(" ", "")
        assert title.split(". ", 1)[-1].replace(" ", "")[:15] in printed, f"{title} is not on page {page}"


def test_the_picture_key_shows_each_held_tool_instead_of_one_tool_entry(tmp_path):
    """The knotted towel is not a ball: the key names each tool the steps hold, with its own icon."""
    from handouts.content import load_routine
    from handouts.render.handout import HandoutInput, HandoutRenderer

    doc = load_routine(CONTENT_DIR / "self-neck-tools.yaml")
    renderer = HandoutRenderer(HandoutInput(doc.routine, library().get("handout-a4"), "handout-a4",
                                            Personalisation(), None, base_file=doc.path))
    table = renderer.section_legend()[0]
    words = " ".join(str(getattr(cell, "text", "")) for row in _cells(table) for cell in row)
    assert "knotted towel" in words and "tennis ball" in words
    assert " tool " not in f" {words} "


def _cells(flowable) -> list[list]:
    """Every table cell under ``flowable`` (the key sits in a headed block)."""
    found = []
    stack = [flowable]
    while stack:
        item = stack.pop()
        rows = getattr(item, "_cellvalues", None)
        if rows is not None:
            found += rows
            stack += [c for row in rows for c in row if not isinstance(c, str)]
        for attr in ("_content", "content", "_flowables"):
            inner = getattr(item, attr, None)
            if isinstance(inner, (list, tuple)):
                stack += list(inner)
    return found
