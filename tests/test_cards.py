"""The 'card' command and the card orchestration: output names, atomic writes, option errors, overflow."""

from __future__ import annotations

from pathlib import Path

import pytest

from handouts.pipeline.render import render_card_pdf, render_sheet_for_many
from handouts.pipeline.run import build_cards
from handouts.cli import app
from handouts.content import load_content
from handouts.errors import HandoutsError
from handouts.layouts import LayoutLibrary

from pdfcheck import glyphs, page_boxes

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
FIXTURES = ROOT / "tests" / "cases" / "cards"
LIBRARY = LayoutLibrary()


@pytest.fixture(autouse=True)
def in_repo(monkeypatch):
    monkeypatch.chdir(ROOT)


def run(runner, *args: str):
    return runner.invoke(app, ["card", *args])


def test_single_cards_named_by_routine_and_layout(runner, tmp_path):
    result = run(runner, "self-neck-back", "--layout", "card-credit", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    path = tmp_path / "self-neck-back--card-credit.pdf"
    assert result.stdout.splitlines() == [str(path)]
    assert path.read_bytes().startswith(b"%PDF")
    assert not list(tmp_path.glob(".*.part"))


def test_sheet_output_name_and_pages(runner, tmp_path):
    result = run(runner, "self-neck-tools", "partner-back", "-l", "card-business-us", "--sheet", "avery-5371",
                 "--copies", "2", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    names = sorted(Path(p).name for p in result.stdout.split())
    assert names == ["partner-back--card-business-us--avery-5371.pdf", "self-neck-tools--card-business-us--avery-5371.pdf"]
    sizes, _ = glyphs(tmp_path / names[0])
    assert len(sizes) == 2 and sizes[0] == pytest.approx((612, 792))


def test_default_is_every_card_layout_and_routine(runner, tmp_path):
    result = run(runner, "--sheet", "a4", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    routines = sorted(d.id for d in load_content([CONTENT]).routines)
    expected = {f"{r}--{l}--a4.pdf" for r in routines for l in LIBRARY.buildable("card")}
    assert {Path(p).name for p in result.stdout.split()} == expected


def test_precut_sheet_picks_the_layouts_that_fit(runner, tmp_path):
    result = run(runner, "self-neck-back", "--sheet", "avery-c32011", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert [Path(p).name for p in result.stdout.split()] == ["self-neck-back--card-credit--avery-c32011.pdf"]


def test_default_copies_fill_one_sheet(runner, tmp_path):
    result = run(runner, "self-neck-tools", "-l", "card-credit", "--sheet", "a4", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    _, gs = glyphs(tmp_path / "self-neck-tools--card-credit--a4.pdf")
    pages = {g.page for g in gs}
    assert pages == {1, 2}
    title_starts = sum(1 for g in gs if g.page == 1 and g.text == "S" and g.size > 9)  # 'Self-massage…' on each card
    assert title_starts >= 10


def test_bleed_option(runner, tmp_path):
    result = run(runner, "partner-back", "-l", "card-credit", "--bleed", "3mm", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    box = page_boxes(tmp_path / "partner-back--card-credit.pdf")[0]
    assert box["TrimBox"][0] == pytest.approx(3 * 72 / 25.4)


def test_calibration_sheet(runner, tmp_path):
    result = run(runner, "--calibration", "--sheet", "letter", "-l", "card-business-us", "--flip", "short",
                 "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert [Path(p).name for p in result.stdout.split()] == ["calibration--card-business-us--letter.pdf"]


@pytest.mark.parametrize("args,message", [
    (["--sheet", "a5"], "--sheet: unknown sheet 'a5'; choose one of: a4, letter, avery-5371, avery-c32011"),
    (["--flip", "sideways"], "--flip: 'sideways' is not a flip; choose long or short"),
    (["--bleed", "lots"], "--bleed: 'lots' is not a length; write e.g. 3mm, 0.125in, 1cm or 8pt"),
    (["--bleed", "30mm"], "--bleed: 30.0 mm is not a bleed; use 0 to 10 mm, usually 3mm"),
    (["--copies", "2"], "--copies: copies are for sheets; add --sheet a4 (or letter, ...)"),
    (["--sheet", "a4", "--copies", "0"], "--copies: must be 1 to 500"),
    (["--sheet", "a4", "--copies", "100000"], "--copies: must be 1 to 500"),
    (["--calibration"], "--calibration: needs a sheet to test; add --sheet a4 (or letter, ...)"),
    (["self-neck-back", "--calibration", "--sheet", "a4"],
     "--calibration: prints a test sheet only; leave out the routine names"),
    (["-l", "card-credit", "--sheet", "avery-5371"],
     "--sheet: avery-5371 takes cards of 88.9 mm x 50.8 mm; layout 'card-credit' makes 85.6 mm x 54 mm cards "
     "(choose a layout of that size)"),
    (["-l", "card-business-us", "--sheet", "avery-5371", "--bleed", "3mm"],
     "--bleed: avery-5371 cards are pre-cut and touch each other, so there is no room for bleed; leave --bleed out"),
    (["-l", "handout-a4"], "--layout: layout 'handout-a4' is a handout layout; card layouts: "
                           "card-a6, card-business-us, card-credit, card-foldout, card-index"),
    (["-l", "card-base"], "--layout: layout 'card-base' is abstract (a base for other layouts); card layouts: "
                          "card-a6, card-business-us, card-credit, card-foldout, card-index"),
    (["no-such-routine", "-l", "card-credit"], "no-such-routine: no routine with this id or path; known ids: "
                                               "clinical-neck, clinical-neck-es, partner-back, partner-back-es, "
                                               "partner-neck, partner-neck-es, partner-neck-fr, self-neck-back, "
                                               "self-neck-back-es, self-neck-back-fr, self-neck-tools, self-neck-tools-es"),
])
def test_bad_options_exit_1_with_a_message(runner, tmp_path, args, message):
    result = run(runner, *args, "--out", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == message
    assert "Traceback" not in result.output
    assert not list(tmp_path.iterdir()), "nothing is written when an input is wrong"


def test_overflow_fail_names_the_file_face_and_what(runner, tmp_path):
    result = run(runner, "tests/cases/cards/long-routine.yaml", "--layout", "tests/cases/cards/card-fixed.yaml",
                 "--out", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "tests/cases/cards/long-routine.yaml:12: card-fixed card front: does not fit on one card at the minimum "
        "size of 7 pt, from step 7 'Stroke down to the shoulders' on; the layout says overflow: fail (use a larger "
        "card, or a layout with overflow: continue)",
        "tests/cases/cards/long-routine.yaml:25: card-fixed card back: does not fit on one card at the minimum size "
        "of 8.5 pt, from heading 'Take care' on; the layout says "
        "overflow: fail (use a larger card, or a layout with overflow: continue)",
        "2 problems found.",
    ]


def test_one_failing_routine_writes_nothing(tmp_path):
    with pytest.raises(HandoutsError):
        build_cards([str(FIXTURES / "short-routine.yaml"), str(FIXTURES / "long-routine.yaml")], [str(FIXTURES / "card-fixed.yaml")],
                    tmp_path, content_dir=CONTENT, library=LIBRARY)
    assert not list(tmp_path.iterdir())


def test_the_fixed_layout_accepts_a_short_routine(tmp_path):
    paths = build_cards([str(FIXTURES / "short-routine.yaml")], [str(FIXTURES / "card-fixed.yaml")], tmp_path, content_dir=CONTENT,
                        library=LIBRARY)
    assert [p.name for p in paths] == ["short-routine--card-fixed.pdf"]


def test_public_api_rejects_a_handout_layout():
    content = load_content([CONTENT])
    routine = content.by_id()["partner-back"].routine
    with pytest.raises(HandoutsError) as err:
        render_card_pdf(routine, LIBRARY.get("handout-a4"), content.clinic, layout_name="handout-a4")
    assert str(err.value) == "--layout: layout 'handout-a4' is not a card layout"
    with pytest.raises(HandoutsError):
        render_sheet_for_many([(routine, 1)], LIBRARY.get("card-credit"), content.clinic, "tabloid")


def test_public_api_is_deterministic():
    content = load_content([CONTENT])
    routine = content.by_id()["partner-neck"].routine
    layout = LIBRARY.get("card-index")
    first = render_card_pdf(routine, layout, content.clinic, sheet="letter", copies=2, flip="short")
    assert first == render_card_pdf(routine, layout, content.clinic, sheet="letter", copies=2, flip="short")


GOOD_CARD = """\
kind: card
page: {size: ID-1, orientation: landscape, margins: {top: 3mm, bottom: 3mm, left: 3mm, right: 3mm}}
min_font_size: 7pt
styles:
  body: {font: atkinson, size: 8pt}
  title: {parent: body}
  band: {parent: body}
  cue: {parent: body}
  detail: {parent: body}
  step_number: {parent: body}
  safety_head: {parent: body}
  safety: {parent: body}
  contact: {parent: body}
"""


@pytest.mark.parametrize("extra,message", [
    ("", "layouts/card.yaml:1: card: is required for card layouts"),
    ("card: {faces: {front: [title, steps], back: [contact]}}\n",
     "layouts/card.yaml:14: card.faces: 'safety' is required on a face; safety content is never left out"),
    ("card: {faces: {front: [title, steps, safety], back: [safety]}}\n",
     "layouts/card.yaml:14: card.faces.back[1]: section 'safety' is listed twice"),
    ("card: {overflow: shrink}\n", "layouts/card.yaml:14: card.overflow: 'shrink' is not allowed; choose one of: continue, fail"),
    ("card: {panels: 4}\n", "layouts/card.yaml:14: card.panels: must be at most 3"),
    ("card: {}\nmin_font_size: 6pt\n", "layouts/card.yaml:14: min_font_size: 6 pt is too small to read; cards use 6.5 pt or more"),
])
def test_card_layout_rules(runner, tmp_path, monkeypatch, extra, message):
    (tmp_path / "layouts").mkdir()
    text = GOOD_CARD.replace("min_font_size: 7pt\n", "") if "min_font_size" in extra else GOOD_CARD
    (tmp_path / "layouts" / "card.yaml").write_text(text + extra, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate", "layouts/card.yaml"])
    assert result.exit_code == 1
    assert message in result.stderr.splitlines(), result.stderr


def test_a_handout_layout_takes_no_card_block(runner, tmp_path, monkeypatch):
    (tmp_path / "layouts").mkdir()
    base = (ROOT / "handouts" / "data" / "layouts" / "handout-base.yaml").read_text(encoding="utf-8").replace("abstract: true\n", "")
    (tmp_path / "layouts" / "h.yaml").write_text(base + "card: {panels: 2}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate", "layouts/h.yaml"])
    assert result.exit_code == 1
    assert "card: only card layouts (kind: card) take a card block" in result.stderr


def test_card_styles_missing_are_named_together(runner, tmp_path, monkeypatch):
    (tmp_path / "layouts").mkdir()
    text = GOOD_CARD.replace("  cue: {parent: body}\n", "").replace("  band: {parent: body}\n", "")
    (tmp_path / "layouts" / "card.yaml").write_text(text + "card: {}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate", "layouts/card.yaml"])
    assert "layouts/card.yaml:4: styles: card layouts need the styles 'cue', 'band'" in result.stderr.splitlines()


def _content_with(tmp: Path, routine: Path) -> Path:
    content = tmp / "content"
    content.mkdir()
    (content / routine.name).write_text(routine.read_text())
    return content


def test_a_routine_that_breaks_a_safety_rule_gets_no_card(runner, tmp_path):
    """The checks run beside the drawing; their verdict still decides whether anything is written."""
    content = _content_with(tmp_path, ROOT / "tests" / "cases" / "checks" / "neck-red-flags.yaml")
    result = run(runner, "--content", str(content), "--layout", "card-credit", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "neck-red-flags.yaml" in result.output and "problem" in result.output
    assert not (tmp_path / "out").exists()


def test_a_routine_the_checks_refuse_is_never_drawn(runner, tmp_path, monkeypatch):
    import handouts.pipeline.render

    def broken(*args, **kwargs):
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(handouts.pipeline.render, "_render_cards", broken)
    content = _content_with(tmp_path, ROOT / "tests" / "cases" / "checks" / "neck-red-flags.yaml")
    result = run(runner, "--content", str(content), "--layout", "card-credit", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and "neck-red-flags.yaml" in result.output and "RuntimeError" not in result.output
    clean = run(runner, "partner-neck", "--layout", "card-credit", "--out", str(tmp_path / "out"))
    assert clean.exit_code == 1 and "internal error (RuntimeError: drawing failed)" in clean.stderr
    assert not (tmp_path / "out").exists()
