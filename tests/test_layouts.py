"""Layouts: extends chains, deep merge, validation after merging, the shipped layouts."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from handouts.errors import HandoutsError
from handouts.layout_models import Section
from handouts.layouts import LayoutLibrary, load_layouts_from, shipped_layouts
from handouts.units import INCH, MM

CASES = Path(__file__).parent / "cases" / "layouts"


@pytest.fixture
def library() -> LayoutLibrary:
    return LayoutLibrary(CASES)


# ---------------------------------------------------------------- extends and merge


def test_child_overrides_one_style_field_and_keeps_the_rest(library):
    base, child = library.get("base"), library.get("child")
    assert base.styles["body"].size == 12
    assert child.styles["body"].size == 13
    body = child.styles["body"]
    assert (body.font.value, body.leading, body.color) == ("atkinson", 16, "#1a1a1a")
    assert child.styles["title"] == base.styles["title"]


def test_child_overrides_one_margin_and_keeps_the_others(library):
    margins = library.get("child").page.margins
    assert margins.left == pytest.approx(25 * MM)
    assert (margins.top, margins.bottom, margins.right) == pytest.approx((20 * MM, 20 * MM, 18 * MM))


def test_lists_are_replaced_not_merged(library):
    assert library.get("child").sections == [Section.title, Section.steps, Section.safety]


def test_chain_of_three(library):
    grandchild = library.get("grandchild")
    assert grandchild.page.dimensions == pytest.approx((8.5 * INCH, 11 * INCH))
    assert grandchild.styles["body"].size == 13
    assert grandchild.page.margins.left == pytest.approx(25 * MM)
    assert grandchild.description == "Letter-sized grandchild"


def test_abstract_and_description_are_not_inherited(library):
    assert library.get("base").abstract is True
    letter = library.get("letter")
    assert letter.abstract is False
    assert letter.description == ""
    assert letter.page.dimensions == pytest.approx((11 * INCH, 8.5 * INCH))


def test_abstract_layouts_are_not_buildable(library):
    assert "base" in library.names() and "handout-base" in library.names()
    assert library.buildable("handout") == ["child", "grandchild", "handout-a4", "handout-large-print",
                                            "handout-letter", "letter"]
    described = {name: (kind, text) for name, kind, text in library.describe()}
    assert "base" not in described and "handout-base" not in described
    assert described["child"] == ("handout", "Child with a bigger body")


def test_own_layouts_sit_on_top_of_the_shipped_ones(library):
    assert library.origin("child") == "own" and library.origin("handout-a4") == "shipped"


def test_get_by_path_and_by_name_agree(library):
    assert library.get(CASES / "child.yaml") == library.get("child")


def test_unknown_layout_name_lists_the_known_ones(library):
    with pytest.raises(HandoutsError) as info:
        library.get("chlid")
    assert [str(p) for p in info.value.problems] == [
        "--layout: unknown layout 'chlid'; known layouts: " + ", ".join(library.names())
    ]
    assert "child" in library.names() and "handout-a4" in library.names()


def copy_cases(tmp_path: Path) -> Path:
    folder = tmp_path / "layouts"
    shutil.copytree(CASES, folder)
    return folder


def test_problem_in_inherited_value_names_the_parent_file(tmp_path, monkeypatch):
    folder = copy_cases(tmp_path)
    monkeypatch.chdir(tmp_path)
    base = folder / "base.yaml"
    base.write_text(base.read_text().replace("header: {parent: body}", "header: {parent: body, size: 9ptt}"))
    with pytest.raises(HandoutsError) as info:
        load_layouts_from([folder / "child.yaml", folder / "grandchild.yaml"])
    assert [str(p) for p in info.value.problems] == [
        "layouts/base.yaml:16: styles.header.size: '9ptt' is not a length; write e.g. 3mm, 0.125in, 1cm or 8pt"
    ]


def test_child_override_mends_a_bad_parent_value(tmp_path, monkeypatch):
    folder = copy_cases(tmp_path)
    monkeypatch.chdir(tmp_path)
    base = folder / "base.yaml"
    base.write_text(base.read_text().replace("size: 12pt, leading: 16pt", "size: twelve, leading: 16pt"))
    with pytest.raises(HandoutsError):
        LayoutLibrary(folder).get("base")
    assert LayoutLibrary(folder).get("child").styles["body"].size == 13


def test_problem_in_child_override_names_the_child(tmp_path, monkeypatch):
    folder = copy_cases(tmp_path)
    monkeypatch.chdir(tmp_path)
    child = folder / "child.yaml"
    child.write_text(child.read_text().replace("body: {size: 13pt}", "body: {size: 13pt, wieght: bold}"))
    with pytest.raises(HandoutsError) as info:
        LayoutLibrary(folder).get("child")
    assert [str(p) for p in info.value.problems] == [
        "layouts/child.yaml:7: styles.body.wieght: unknown key 'wieght'; did you mean 'weight'?"
    ]


def test_cycle_reached_from_outside_is_reported_once_at_its_first_member(tmp_path, monkeypatch):
    folder = tmp_path / "layouts"
    folder.mkdir()
    (folder / "a.yaml").write_text("extends: b\n")
    (folder / "b.yaml").write_text("description: B\nextends: c\n")
    (folder / "c.yaml").write_text("extends: a\n")
    (folder / "start.yaml").write_text("extends: b\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(HandoutsError) as info:
        load_layouts_from(sorted(folder.glob("*.yaml")))
    assert [str(p) for p in info.value.problems] == [
        "layouts/a.yaml:1: extends: layouts extend each other in a cycle: a -> b -> c -> a"
    ]


def test_self_extension_is_a_cycle(tmp_path, monkeypatch):
    folder = tmp_path / "layouts"
    folder.mkdir()
    (folder / "me.yaml").write_text("description: Me\nextends: me\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(HandoutsError) as info:
        LayoutLibrary(folder).get("me")
    assert [str(p) for p in info.value.problems] == [
        "layouts/me.yaml:2: extends: layouts extend each other in a cycle: me -> me"
    ]


@pytest.mark.parametrize("extends, message", [
    ("5", "extends: should name one parent layout, e.g. handout-base"),
    ("''", "extends: should name one parent layout, e.g. handout-base"),
    ("[base]", "extends: should name one parent layout, e.g. handout-base"),
])
def test_extends_must_name_one_layout(tmp_path, monkeypatch, extends, message):
    folder = copy_cases(tmp_path)
    (folder / "odd.yaml").write_text(f"extends: {extends}\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(HandoutsError) as info:
        LayoutLibrary(folder).get("odd")
    assert [str(p) for p in info.value.problems] == [f"layouts/odd.yaml:1: {message}"]


# ---------------------------------------------------------------- the shipped layouts


def shipped() -> list[str]:
    return sorted(p.stem for p in shipped_layouts().glob("*.yaml"))


def test_shipped_layouts_exist():
    assert {"handout-base", "handout-a4", "handout-letter", "handout-large-print"} <= set(shipped())


@pytest.mark.parametrize("name", shipped())
def test_shipped_layout_validates(name):
    layout = LayoutLibrary().get(name)
    assert layout.reference_problems() == []
    if layout.kind == "handout":
        assert Section.safety in layout.sections


def test_every_shipped_file_validates_together():
    assert len(load_layouts_from(sorted(shipped_layouts().glob("*.yaml")))) == len(shipped())


def test_only_abstract_shipped_layouts_are_hidden():
    lib = LayoutLibrary()
    hidden = {n for n in lib.names() if lib.get(n).abstract}
    assert "handout-base" in hidden
    assert hidden.isdisjoint(name for name, _, _ in lib.describe())
    assert {"handout-a4", "handout-letter", "handout-large-print"} <= set(lib.buildable("handout"))


def test_shipped_page_sizes():
    lib = LayoutLibrary()
    assert lib.get("handout-a4").page.dimensions == pytest.approx((210 * MM, 297 * MM))
    assert lib.get("handout-letter").page.dimensions == pytest.approx((8.5 * INCH, 11 * INCH))


def test_large_print_styles_are_18pt_with_generous_leading():
    layout = LayoutLibrary().get("handout-large-print")
    assert layout.min_font_size >= 18
    small, tight = [], []
    for name in layout.styles:
        style = layout.resolved_style(name)
        assert style.size is not None and style.leading is not None, name
        if style.size < 18:
            small.append(f"{name}: {style.size:g} pt")
        if style.leading < 1.3 * style.size - 1e-9:
            tight.append(f"{name}: {style.leading:g} pt leading for {style.size:g} pt")
        assert not style.italic, name
    assert small == []
    assert tight == []
    for heading in ("title", "h2", "step_title"):
        assert layout.resolved_style(heading).size >= 20, heading


def test_clear_print_body_is_at_least_12pt():
    lib = LayoutLibrary()
    for name in lib.buildable("handout"):
        body = lib.get(name).resolved_style("body")
        assert body.size >= 12 and not body.italic and body.align == "left", name


# ---------------------------------------------------------------- what a page can hold


def child_of_a4(tmp_path: Path, monkeypatch, text: str) -> list[str]:
    """The problems of one child of handout-a4 (none: [])."""
    folder = tmp_path / "layouts"
    folder.mkdir(exist_ok=True)
    (folder / "mine.yaml").write_text("extends: handout-a4\n" + text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    try:
        LayoutLibrary(folder).get("mine")
    except HandoutsError as exc:
        return [str(p) for p in exc.problems]
    return []


def test_a_footer_fits_a_margin_exactly_as_tall_as_the_page_draws_it(tmp_path, monkeypatch):
    from handouts.layout_models import footer_band, header_band

    lines = "styles:\n  header: {size: 20pt, leading: 24pt}\n  footer: {size: 20pt, leading: 24pt}\n"
    top, bottom = math.ceil(header_band(24) * 1000) / 1000, math.ceil(footer_band(24) * 1000) / 1000
    exact = f"page: {{margins: {{top: {top}pt, bottom: {bottom}pt}}}}\n"
    assert child_of_a4(tmp_path, monkeypatch, lines + exact) == []
    short = f"page: {{margins: {{top: {top}pt, bottom: {bottom - 2}pt}}}}\n"
    assert child_of_a4(tmp_path, monkeypatch, lines + short) == [
        f"layouts/mine.yaml:4: styles.footer.leading: 24 pt footer lines need a bottom margin of "
        f"{round(bottom / MM, 1):g} mm; page.margins.bottom is {round((bottom - 2) / MM, 1):g} mm"
    ]


def test_a_value_of_the_wrong_kind_does_not_hide_what_cannot_lay_out(tmp_path, monkeypatch):
    """The other checks run on what did validate, lengths and bounded counts included, and
    inherited values stay what the parents say (min_font_size 9 pt, not the 12 pt default)."""
    assert child_of_a4(tmp_path, monkeypatch, "notes_lines: 100\nstep_gap: 1000mm\n") == [
        "layouts/mine.yaml:2: notes_lines: must be at most 30",
        "layouts/mine.yaml:3: step_gap: 1000 mm is more than 15% of the 257 mm high text area; at most 38.6 mm",
    ]


def test_an_inherited_size_is_named_where_it_is_set(tmp_path, monkeypatch):
    """box_body and bullet inherit the body's size: too large for a step's text and for the safety
    box, it is reported once, at the body, for the narrower column."""
    problems = child_of_a4(tmp_path, monkeypatch, "styles:\n  body: {size: 70pt, leading: 70pt}\n"
                                                  "boxes:\n  safety: {padding: 19mm}\n")
    assert problems == [
        "layouts/mine.yaml:3: styles.body.size: 70 pt 'body' text fits only 9 characters a line in a step's text "
        "beside its picture (130 mm across); a line holds at least 10, so at most 67 pt"
    ]


def test_card_layouts_keep_their_own_size_rules(tmp_path, monkeypatch):
    """A card's page is one small panel: the handout's text-area minimum does not apply, the
    text-size and border bounds do."""
    folder = tmp_path / "layouts"
    folder.mkdir()
    (folder / "mine.yaml").write_text("extends: card-credit\n"
                                      'boxes:\n  safety: {border: {width: 5mm, color: "#b3261e"}}\n'
                                      "styles:\n  cue: {size: 100pt}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(HandoutsError) as info:
        LayoutLibrary(folder).get("mine")
    assert [str(p) for p in info.value.problems] == [
        "layouts/mine.yaml:3: boxes.safety.border.width: 14.2 pt (5 mm) is too thick for a box border; at most 4 pt",
        "layouts/mine.yaml:5: styles.cue.size: 100 pt is too large; text is set at 72 pt at most",
    ]
    assert LayoutLibrary().get("card-credit").reference_problems() == []
