"""Sheet presets are data: the shipped file validates, matches the stocks' published sizes, and a broken one is located."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import pytest

from handouts.errors import HandoutsError
from handouts.render.sheet import SHEETS
from handouts.render.sheet_presets import load_sheets, shipped_sheets
from handouts.units import INCH, MM

SHIPPED = Path(str(importlib.resources.files("handouts") / "data" / "sheets.yaml"))
A4 = (210 * MM, 297 * MM)
LETTER = (8.5 * INCH, 11 * INCH)


def test_shipped_presets_validate_and_are_read_once():
    assert list(load_sheets(SHIPPED)) == ["a4", "letter", "avery-5371", "avery-c32011"]
    assert shipped_sheets() is shipped_sheets()
    assert dict(SHEETS) == dict(shipped_sheets())


def test_every_preset_is_commented():
    lines = SHIPPED.read_text(encoding="utf-8").splitlines()
    for name in SHEETS:
        at = lines.index(f"  {name}:")
        assert lines[at - 1].strip().startswith("#"), f"{name} has no comment above it"


@pytest.mark.parametrize("name,size", [("a4", A4), ("letter", LETTER)])
def test_plain_paper(name, size):
    spec = SHEETS[name]
    assert spec.name == name and spec.size == pytest.approx(size)
    assert spec.precut is None and spec.crop_marks


def test_avery_5371_is_letter_with_2_by_5_business_cards():
    spec = SHEETS["avery-5371"]
    assert spec.size == pytest.approx(LETTER) and not spec.crop_marks
    grid = spec.precut
    assert grid is not None and (grid.columns, grid.rows) == (2, 5)
    assert grid.card.points == pytest.approx((3.5 * INCH, 2 * INCH))
    assert (grid.left, grid.top, grid.gap_x, grid.gap_y) == pytest.approx((0.75 * INCH, 0.5 * INCH, 0, 0))


def test_avery_c32011_is_a4_with_2_by_5_cards_of_85_by_54_mm():
    spec = SHEETS["avery-c32011"]
    assert spec.size == pytest.approx(A4) and not spec.crop_marks
    grid = spec.precut
    assert grid is not None and (grid.columns, grid.rows) == (2, 5)
    assert grid.card.points == pytest.approx((85 * MM, 54 * MM))
    assert (grid.left, grid.top, grid.gap_x, grid.gap_y) == pytest.approx((15 * MM, 13.5 * MM, 10 * MM, 0))


BROKEN = """\
sheets:
  a4:
    description: "A4 paper"
    paper: {width: 210mm, height: 297mmm}
  stock:
    description: "Too many cards across"
    paper: {width: 8.5in, height: 11in}
    crop_mark: false
    precut:
      card: {width: 3.5in, height: 2in}
      columns: 3
      rows: 5
      left: 0.75in
      top: 0.5in
"""


def test_a_broken_preset_file_names_file_line_and_field(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sheets.yaml").write_text(BROKEN, encoding="utf-8")
    with pytest.raises(HandoutsError) as err:
        load_sheets(tmp_path / "sheets.yaml")
    assert str(err.value).splitlines() == [
        "sheets.yaml:4: sheets.a4.paper.height: '297mmm' is not a length; write e.g. 3mm, 0.125in, 1cm or 8pt",
        "sheets.yaml:8: sheets.stock.crop_mark: unknown key 'crop_mark'; did you mean 'crop_marks'?",
    ]


def test_a_grid_off_the_paper_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sheets.yaml").write_text(BROKEN.replace("297mmm", "297mm").replace("crop_mark:", "crop_marks:"),
                                          encoding="utf-8")
    with pytest.raises(HandoutsError) as err:
        load_sheets(tmp_path / "sheets.yaml")
    assert str(err.value) == ("sheets.yaml:5: sheets.stock: the pre-cut cards reach 285.7 mm across, past the "
                              "215.9 mm wide paper; check left, top, the card size and the gaps")
