"""A layout that validates can lay out, and content that validates is laid out.

Each broken layout below is a child of ``handout-a4`` in a temporary
``layouts/`` folder. ``handouts validate`` names it with file, line and field,
and ``handouts build`` refuses it with the same line, exit code 1 and no
ReportLab traceback, within ``BOUND`` seconds.

Tall content (a step with 35 actions, 45 red flags, a 1,700-character note)
builds in both the A4 and the large-print layout: every line of it is in the
PDF, and the pages it runs over are full, not left half empty before a
"(continued)".
"""

from __future__ import annotations

import math
import re
import time
from pathlib import Path

import pypdfium2
import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from handouts.cli import app
from handouts.layout_models import MAX_BORDER, MAX_FONT_SIZE, PRINTER_EDGE, footer_band, header_band
from handouts.render import handout as handout_module

from pdfcheck import MM, glyphs, missing_from, missing_texts, normalise

BOUND = 10.0
"""Seconds any one case may take, start of the command to its exit."""

PARTNER_NECK = Path(__file__).resolve().parents[2] / "content" / "partner-neck.yaml"

FULL = 0.85
"""Share of a page's text area that tall content fills on every page it runs over, but its last."""


def cli(*args: str | Path):
    started = time.monotonic()
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result, time.monotonic() - started


def refused(result, seconds: float, *messages: str) -> None:
    """Exit code 1, exactly these messages and the count, no traceback, within the bound."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1, result.stderr
    count = len(messages)
    assert result.stderr == "".join(m + "\n" for m in messages) + f"{count} problem{'s' if count != 1 else ''} found.\n"
    assert seconds < BOUND


def built(result, seconds: float) -> Path:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.stderr
    assert seconds < BOUND
    return Path(result.stdout.splitlines()[0])


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """A clinic's folder: partner-neck in content/, an empty layouts/ folder."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    (tmp_path / "layouts").mkdir()
    (tmp_path / "content" / "partner-neck.yaml").write_text(PARTNER_NECK.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


# ---------------------------------------------------------------- layouts that cannot lay out

BROKEN = [
    pytest.param("tiny", "page: {size: custom, width: 1mm, height: 1mm, margins: {top: 0mm, bottom: 0mm, left: 0mm, right: 0mm}}", [
        "layouts/tiny.yaml:2: page.width: a 1 × 1 mm page is too small for a handout; handouts need a text area of at "
        "least 80 × 100 mm inside the margins",
    ], id="1mm-page"),
    pytest.param("margins", "page: {margins: {top: 150mm, bottom: 150mm, left: 18mm, right: 18mm}}", [
        "layouts/margins.yaml:2: page.margins.top: 150 mm leaves a text area of only 174 × 0 mm on a 210 × 297 mm page; "
        "handouts need a text area of at least 80 × 100 mm",
    ], id="margins-larger-than-the-page"),
    pytest.param("wide-margins", "page: {margins: {left: 70mm, right: 65mm}}", [
        "layouts/wide-margins.yaml:2: page.margins.left: 70 mm leaves a text area of only 75 × 257 mm on a "
        "210 × 297 mm page; handouts need a text area of at least 80 × 100 mm",
    ], id="side-margins-leave-a-sliver"),
    pytest.param("text500", "styles:\n  body: {size: 500pt}", [
        "layouts/text500.yaml:3: styles.body.size: 500 pt is too large; text is set at 72 pt at most",
    ], id="500pt-text"),
    pytest.param("lines500", "styles:\n  body: {leading: 500pt}", [
        "layouts/lines500.yaml:3: styles.body.leading: 500 pt lines: the 257 mm high text area holds only 1 of them; "
        "a page holds at least 10 lines, so at most 72.9 pt",
    ], id="500pt-lines"),
    pytest.param("pictures", "illustrations: {width: 500mm, height: 500mm}", [
        "layouts/pictures.yaml:2: illustrations.height: 500 mm is too tall: a picture may take 50% of the 257 mm high "
        "text area; at most 128.5 mm",
        "layouts/pictures.yaml:2: illustrations.width: 500 mm is too wide: the text area is 174 mm wide and the text "
        "beside a picture needs 40 mm; at most 130 mm",
    ], id="500mm-pictures"),
    pytest.param("gap", "step_gap: 1000mm", [
        "layouts/gap.yaml:2: step_gap: 1000 mm is more than 15% of the 257 mm high text area; at most 38.6 mm",
    ], id="1000mm-step-gap"),
    pytest.param("space", "styles:\n  h2: {space_after: 1000mm}", [
        "layouts/space.yaml:3: styles.h2.space_after: 1000 mm is more than 15% of the 257 mm high text area; "
        "at most 38.6 mm",
    ], id="1000mm-space-after-a-heading"),
    pytest.param("padding", "boxes:\n  safety: {padding: 100mm}", [
        "layouts/padding.yaml:3: boxes.safety.padding: 100 mm is too much: the text area is 174 mm wide and the text "
        "inside a box needs 40 mm; at most 19.3 mm",
    ], id="100mm-box-padding"),
    pytest.param("border", 'boxes:\n  safety: {border: {width: 100mm, color: "#b3261e"}}', [
        f"layouts/border.yaml:3: boxes.safety.border.width: 283.5 pt (100 mm) is too thick for a box border; "
        f"at most {MAX_BORDER:g} pt",
    ], id="100mm-safety-box-border"),
    pytest.param("bar", "boxes:\n  tip: {accent_bar: 30mm}", [
        "layouts/bar.yaml:3: boxes.tip.accent_bar: 85 pt (30 mm) is too wide for an accent bar; at most 12 pt",
    ], id="30mm-accent-bar"),
    pytest.param("indent", "styles:\n  bullet: {left_indent: 100mm}", [
        "layouts/indent.yaml:3: styles.bullet.left_indent: 100 mm is too deep an indent; at most 25 mm",
    ], id="100mm-indent"),
    pytest.param("footer200", "styles:\n  footer: {size: 200pt, leading: 220pt}", [
        f"layouts/footer200.yaml:3: styles.footer.size: 200 pt is too large; text is set at {MAX_FONT_SIZE:g} pt at most",
    ], id="200pt-footer"),
    pytest.param("footer40", "styles:\n  footer: {size: 40pt, leading: 48pt}", [
        "layouts/footer40.yaml:3: styles.footer.leading: 48 pt footer lines need a bottom margin of 23.3 mm; "
        "page.margins.bottom is 20 mm",
    ], id="footer-taller-than-its-margin"),
    pytest.param("header", "page: {margins: {top: 8mm}}", [
        "layouts/header.yaml:2: page.margins.top: 8 mm is too small for the header: its 11 pt lines (style 'header') "
        "need 10.7 mm",
    ], id="margin-too-small-for-the-header"),
    pytest.param("narrow", "illustrations: {width: 125mm}\nstyles:\n  step_title: {size: 24pt}", [
        "layouts/narrow.yaml:2: illustrations.width: 125 mm leaves 45 mm across for a step's text beside its picture, "
        "where 24 pt 'step_title' text fits only 9 characters a line; a line holds at least 10, so at most 123.4 mm",
    ], id="picture-leaves-a-sliver-for-step-text"),
    pytest.param("big-in-box", "styles:\n  safety_title: {size: 72pt, leading: 72pt}\nboxes:\n  safety: {padding: 18mm}", [
        "layouts/big-in-box.yaml:3: styles.safety_title.size: 72 pt 'safety_title' text fits only 9 characters a line "
        "in the safety box (135.7 mm across); a line holds at least 10, so at most 69.9 pt",
    ], id="72pt-box-title-in-a-padded-box"),
]


@pytest.mark.parametrize("name, body, messages", BROKEN)
def test_validate_names_a_layout_that_cannot_lay_out(folder, name, body, messages):
    (folder / "layouts" / f"{name}.yaml").write_text(f"extends: handout-a4\n{body}\n", encoding="utf-8")
    refused(*cli("validate"), *messages)


@pytest.mark.parametrize("name, body, messages", BROKEN)
def test_build_refuses_a_layout_that_cannot_lay_out(folder, name, body, messages):
    (folder / "layouts" / f"{name}.yaml").write_text(f"extends: handout-a4\n{body}\n", encoding="utf-8")
    refused(*cli("build", "partner-neck", "--layouts", "layouts", "-l", name, "-o", "out"), *messages)
    assert not (folder / "out").exists() or not any((folder / "out").iterdir())


def test_every_problem_of_a_layout_is_reported_at_once(folder):
    (folder / "layouts" / "several.yaml").write_text(
        "extends: handout-a4\n"
        "step_gap: 50mm\n"
        "boxes:\n"
        '  safety: {border: {width: 6pt, color: "#b3261e"}}\n'
        "  notes: {padding: 30mm}\n"
        "styles:\n"
        "  footer: {size: 30pt, leading: 44pt}\n", encoding="utf-8")
    refused(*cli("validate"),
            "layouts/several.yaml:2: step_gap: 50 mm is more than 15% of the 257 mm high text area; at most 38.6 mm",
            "layouts/several.yaml:4: boxes.safety.border.width: 6 pt (2.1 mm) is too thick for a box border; at most 4 pt",
            "layouts/several.yaml:5: boxes.notes.padding: 30 mm is too much: above and below the text it takes more "
            "than 15% of the 257 mm high text area; at most 19.3 mm",
            "layouts/several.yaml:7: styles.footer.leading: 44 pt footer lines need a bottom margin of 21.9 mm; "
            "page.margins.bottom is 20 mm")


def test_running_lines_as_tall_as_their_margins_allow_are_printed_whole(folder):
    """What the 200 pt footer lost without a word: the contact line and the page numbers."""
    (folder / "content" / "clinic.yaml").write_text(
        "name: Example Clinic\nphone: (555) 010-0100\nemail: desk@clinic.example\n", encoding="utf-8")
    top, bottom = math.ceil(header_band(24) * 1000) / 1000, math.ceil(footer_band(24) * 1000) / 1000
    (folder / "layouts" / "tall-lines.yaml").write_text(
        "extends: handout-a4\n"
        f"page: {{margins: {{top: {top}pt, bottom: {bottom}pt}}}}\n"
        "styles:\n  header: {size: 20pt, leading: 24pt}\n  footer: {size: 20pt, leading: 24pt}\n"
        "footer: {left: '{contact}', right: 'Page {page} of {pages}'}\n", encoding="utf-8")
    assert cli("validate")[0].exit_code == 0
    pdf = built(*cli("build", "partner-neck", "--layouts", "layouts", "-l", "tall-lines", "-o", "out"))
    texts = page_texts(pdf)
    assert all(f"Page {n} of {len(texts)}" in text for n, text in enumerate(texts, start=1))
    assert "(555)" in texts[0]
    sizes, found = glyphs(pdf)
    width, height = sizes[0]
    # The lines keep PRINTER_EDGE to the paper's edge; a glyph's box reaches a little past its line
    # (its descent), so the check allows half the edge.
    outside = [g.text for g in found if g.top < PRINTER_EDGE / 2 or g.bottom > height - PRINTER_EDGE / 2]
    assert outside == []


# ---------------------------------------------------------------- layouts at their limits lay out

EDGES = {
    # The smallest text area, with every gap, padding, border, bar and indent at its limit.
    "edge-small": """\
extends: handout-a4
page: {size: A6, margins: {top: 24mm, bottom: 24mm, left: 12.5mm, right: 12.5mm}}
styles:
  body: {size: 20.5pt, leading: 28pt, space_before: 21pt, space_after: 21pt}
  title: {size: 28pt, leading: 28pt}
  subtitle: {size: 28pt, leading: 28pt}
  h2: {size: 28pt, leading: 28pt, space_before: 21pt, space_after: 21pt}
  phase: {size: 28pt, leading: 28pt}
  step_title: {size: 20.5pt, leading: 28pt}
  step_number: {size: 28pt, leading: 28pt}
  label: {size: 20.5pt, leading: 28pt}
  caution: {size: 20.5pt, leading: 28pt}
  box_title: {size: 25pt, leading: 28pt}
  safety_title: {size: 25pt, leading: 28pt}
  small: {size: 28pt, leading: 28pt}
  caption: {size: 18pt, leading: 28pt}
  bullet: {left_indent: 25mm}
boxes:
  safety: {padding: 7.4mm, border: {width: 4pt, color: "#b3261e"}, accent_bar: 12pt}
  tip: {padding: 7.4mm, border: {width: 4pt, color: "#2e7d6b"}, accent_bar: 12pt}
  hand_use: {padding: 7.4mm, border: {width: 4pt, color: "#2e7d6b"}, accent_bar: 12pt}
  notes: {padding: 7.4mm, border: {width: 4pt, color: "#5b6670"}, accent_bar: 12pt}
  glossary: {padding: 7.4mm, border: {width: 4pt, color: "#1f4e79"}, accent_bar: 12pt}
  personal: {padding: 7.4mm}
illustrations: {position: left, width: 35.9mm, height: 49.9mm}
step_gap: 14.9mm
notes_lines: 30
tracking_days: 31
""",
    # A4 with large text, the largest pictures above the steps and the deepest padding.
    "edge-a4": """\
extends: handout-large-print
styles:
  body: {size: 40pt, leading: 72pt, space_before: 54pt, space_after: 54pt}
  title: {size: 60pt, leading: 72pt}
  h2: {size: 50pt, leading: 72pt}
  step_title: {size: 50pt, leading: 72pt}
  box_title: {size: 50pt, leading: 72pt}
  safety_title: {size: 50pt, leading: 72pt}
  caption: {size: 20pt, leading: 26pt}
boxes:
  safety: {padding: 19mm, border: {width: 4pt, color: "#b3261e"}, accent_bar: 12pt}
  notes: {padding: 19mm}
illustrations: {position: above, width: 120mm, height: 128mm}
step_gap: 38mm
notes_lines: 30
tracking_days: 31
""",
}


@pytest.mark.parametrize("name", sorted(EDGES))
def test_a_layout_at_every_limit_lays_out_the_longest_personal_details(folder, name):
    (folder / "layouts" / f"{name}.yaml").write_text(EDGES[name], encoding="utf-8")
    assert cli("validate")[0].exit_code == 0
    note = " ".join(f"Note sentence {i} says what to do." for i in range(1, 80))[:2000]
    pdf = built(*cli("build", "partner-neck", "--layouts", "layouts", "-l", name, "-o", "out",
                     "--for", "Ana " * 50, "--clinician", "Bob " * 50, "--note", note))
    margins = (24 * MM, 24 * MM) if name == "edge-small" else (20 * MM, 20 * MM)
    text = body_text(pdf, *margins, "Notes")
    assert missing_from(text, [f"Note sentence {i} says what to do." for i in range(1, 40)]) == []


# ---------------------------------------------------------------- tall content builds

def tall_routine(folder: Path, kind: str) -> tuple[str, list[str]]:
    """partner-neck with one part made tall; its id and the lines that must all be printed."""
    yaml = YAML()
    yaml.width = 4096
    data = yaml.load(PARTNER_NECK.read_text(encoding="utf-8"))
    data["id"] = f"tall-{kind}"
    if kind == "actions":
        lines = [f"Action number {i} keeps the hands soft and slow." for i in range(1, 36)]
        data["phases"][0]["steps"][0]["actions"] = lines
    else:
        lines = [f"Red flag number {i}: stop if this happens." for i in range(1, 46 - len(data["safety"]["red_flags"]))]
        data["safety"]["red_flags"] = list(data["safety"]["red_flags"]) + lines
        lines = [str(line) for line in data["safety"]["red_flags"]]
        assert len(lines) == 45
    with (folder / "content" / f"tall-{kind}.yaml").open("w", encoding="utf-8") as out:
        yaml.dump(data, out)
    return f"tall-{kind}", lines


def page_texts(pdf: Path) -> list[str]:
    doc = pypdfium2.PdfDocument(str(pdf))
    try:
        out = []
        for page in doc:
            text = page.get_textpage()
            out.append(re.sub(r"\s+", " ", text.get_text_range()))
            text.close()
            page.close()
        return out
    finally:
        doc.close()


def body_text(pdf: Path, margin_top: float, margin_bottom: float, title: str) -> str:
    """The text inside each page's text area, pages joined, a box's "(continued)" titles left out:
    a note broken over pages reads as one text again."""
    doc = pypdfium2.PdfDocument(str(pdf))
    try:
        parts = []
        for page in doc:
            width, height = page.get_size()
            text = page.get_textpage()
            parts.append(text.get_text_bounded(left=0, bottom=margin_bottom - 1, right=width, top=height - margin_top + 1))
            text.close()
            page.close()
    finally:
        doc.close()
    return normalise(" ".join(parts)).replace(f"{title} (continued)", "").replace("  ", " ")


def fills(pdf: Path, margin_top: float, margin_bottom: float) -> list[float]:
    """For each page, how far down its text area the text reaches (0 empty, 1 full)."""
    sizes, found = glyphs(pdf)
    out = []
    for number, (_, height) in enumerate(sizes, start=1):
        inside = [g.bottom for g in found if g.page == number and g.top >= margin_top - 1
                  and g.bottom <= height - margin_bottom + 1]
        out.append((max(inside, default=margin_top) - margin_top) / (height - margin_top - margin_bottom))
    return out


def assert_runs_over_full_pages(pdf: Path, lines: list[str]) -> None:
    """Every page the lines run over, but the last, is full to FULL of its text area."""
    texts = page_texts(pdf)
    squashed = [t.replace(" ", "") for t in texts]
    on = [i for i, t in enumerate(squashed) if any(line.replace(" ", "") in t for line in lines)]
    assert on, "none of the lines is on any page"
    filled = fills(pdf, 20 * MM, 20 * MM)
    thin = [(i + 1, round(filled[i], 2)) for i in range(on[0], on[-1]) if filled[i] < FULL]
    assert thin == [], f"pages left partly empty inside the tall content (page, share filled): {thin}"


@pytest.mark.parametrize("layout", ["handout-a4", "handout-large-print"])
@pytest.mark.parametrize("kind", ["actions", "red-flags"])
def test_tall_content_builds_and_runs_over_full_pages(folder, layout, kind):
    routine, lines = tall_routine(folder, kind)
    pdf = built(*cli("build", routine, "-l", layout, "-o", "out"))
    assert missing_texts(pdf, lines) == []
    assert_runs_over_full_pages(pdf, lines)
    if kind == "red-flags":  # the box starts under the title, not on a page of its own
        assert "Safety first" in page_texts(pdf)[0]


NOTE_SENTENCES = [f"Note {i}: rest the hands between rounds." for i in range(1, 60)]


@pytest.mark.parametrize("layout, length", [
    ("handout-a4", 1_700), ("handout-large-print", 1_700), ("handout-a4", 2_000), ("handout-large-print", 2_000),
])
def test_a_long_personal_note_builds_and_runs_over_full_pages(folder, layout, length):
    note = " ".join(NOTE_SENTENCES)[:length]
    whole = [s for s in NOTE_SENTENCES if s in note]
    assert len(" ".join(whole)) > length - 45
    pdf = built(*cli("build", "partner-neck", "-l", layout, "-o", "out", "--note", note))
    assert missing_from(body_text(pdf, 20 * MM, 20 * MM, "Notes"), whole) == []
    assert_runs_over_full_pages(pdf, whole)
    if layout == "handout-large-print":  # too long for one page: the box goes on, and says so
        assert "Notes (continued)" in " ".join(page_texts(pdf))


# ---------------------------------------------------------------- the last resort

def test_a_part_no_page_can_hold_is_named_not_a_traceback(folder, monkeypatch):
    from reportlab.platypus import Spacer

    monkeypatch.setattr(handout_module.HandoutRenderer, "section_source", lambda self: [Spacer(1, 2000 * MM)])
    refused(*cli("build", "partner-neck", "-l", "handout-a4", "-o", "out"),
            "content/partner-neck.yaml: the source line does not fit on a page of layout 'handout-a4' (a text area of "
            "174 × 257 mm); shorten it, or choose a layout with larger pages or smaller text")


def test_a_handout_that_never_ends_is_stopped(folder, monkeypatch):
    monkeypatch.setattr(handout_module, "MAX_PAGES", 3)
    refused(*cli("build", "partner-neck", "-l", "handout-a4", "-o", "out"),
            "content/partner-neck.yaml: would run to more than 3 pages in layout 'handout-a4'; choose a layout with "
            "larger pages or smaller text")


# ---------------------------------------------------------------- a layout given by its file

def test_an_abstract_layout_given_by_path_is_named_by_its_path(folder):
    (folder / "bases").mkdir()
    (folder / "bases" / "mybase.yaml").write_text("extends: handout-a4\nabstract: true\n", encoding="utf-8")
    refused(*cli("build", "partner-neck", "-l", "bases/mybase.yaml", "-o", "out"),
            "--layout: layout file bases/mybase.yaml is abstract (a base for other layouts); handout layouts: "
            "handout-a4, handout-large-print, handout-letter")


def test_a_missing_layout_file_is_named_not_a_crash(folder):
    refused(*cli("build", "partner-neck", "-l", "bases/missing.yaml", "-o", "out"),
            "--layout: layout file bases/missing.yaml does not exist; handout layouts: "
            "handout-a4, handout-large-print, handout-letter")
