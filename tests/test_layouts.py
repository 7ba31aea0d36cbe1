"""Layouts: extends chains, deep merge, validation after merging, the shipped layouts."""

from __future__ import annotations

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
