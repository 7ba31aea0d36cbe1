"""Lengths: one parser for every unit a layout may use."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from handouts.units import INCH, MM, Length, fmt_mm, parse_length


@pytest.mark.parametrize("text, points", [
    ("3mm", 3 * 72 / 25.4),
    ("3 mm", 3 * 72 / 25.4),
    ("85.6mm", 85.6 * 72 / 25.4),
    ("1cm", 72 / 2.54),
    ("0.5 cm", 36 / 2.54),
    ("0.125in", 9.0),
    ("1in", 72.0),
    ("8pt", 8.0),
    ("10.5pt", 10.5),
    ("12", 12.0),
    (" 12 ", 12.0),
    (12, 12.0),
    (7.5, 7.5),
    (0, 0.0),
    ("-3mm", -3 * 72 / 25.4),
])
def test_parse_length(text, points):
    assert parse_length(text) == pytest.approx(points)


def test_unit_constants():
    assert parse_length("25.4mm") == pytest.approx(INCH)
    assert MM * 25.4 == pytest.approx(72)
    assert fmt_mm(parse_length("3mm")) == "3.0 mm"


@pytest.mark.parametrize("value, message", [
    ("3 mmm", "'3 mmm' is not a length; write e.g. 3mm, 0.125in, 1cm or 8pt"),
    ("3px", "'3px' is not a length; write e.g. 3mm, 0.125in, 1cm or 8pt"),
    ("mm", "'mm' is not a length; write e.g. 3mm, 0.125in, 1cm or 8pt"),
    ("3,5mm", "'3,5mm' is not a length; write e.g. 3mm, 0.125in, 1cm or 8pt"),
    ("", "'' is not a length; write e.g. 3mm, 0.125in, 1cm or 8pt"),
    (True, "should be a length such as 3mm, 0.125in or 8pt, not true or false"),
    (None, "must not be empty; write a length such as 3mm, 0.125in or 8pt"),
    (float("inf"), "is far too long for a page or card"),
    (float("nan"), "is far too long for a page or card"),
    ("9" * 400 + "mm", "is far too long for a page or card"),
])
def test_parse_length_errors(value, message):
    with pytest.raises(PydanticCustomError) as info:
        parse_length(value)
    assert str(info.value) == message


class Box(BaseModel):
    padding: Length


def test_length_field_converts_and_refuses_negative():
    assert Box(padding="2mm").padding == pytest.approx(2 * MM)
    with pytest.raises(ValidationError) as info:
        Box(padding="-2mm")
    assert info.value.errors()[0]["msg"] == "must not be negative"


def test_length_schema_accepts_what_the_parser_accepts():
    import re

    schema = Box.model_json_schema()["properties"]["padding"]
    pattern = next(s["pattern"] for s in schema["anyOf"] if s.get("type") == "string")
    for good in ("3mm", "0.125in", "8pt", "12", "1 cm"):
        assert re.match(pattern, good), good
    assert not re.match(pattern, "3 mmm")
