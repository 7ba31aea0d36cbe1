"""Located data: locations written for people, lines found for any location."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from handouts.located import Located, format_loc


@pytest.mark.parametrize("loc, text", [
    ((), ""),
    (("title",), "title"),
    (("steps", 0, "title"), "steps[1].title"),
    (("styles", "body", "size"), "styles.body.size"),
    (("sections", 3), "sections[4]"),
])
def test_format_loc_counts_list_items_from_one(loc, text):
    assert format_loc(loc) == text


def test_line_of_falls_back_to_the_nearest_located_ancestor():
    doc = Located(Path("r.yaml"), {"steps": [{"title": "x"}]}, {("steps",): 3, ("steps", 0): 4})
    assert doc.line_of(("steps", 0, "title")) == 4
    assert doc.line_of(("other",)) is None


def test_survives_pickling_with_its_lines():
    """Cached content is stored pickled; its problems must still name the same lines."""
    doc = Located(Path("r.yaml"), {"title": 1}, {("title",): 2})
    again = pickle.loads(pickle.dumps(doc))
    assert again == doc and str(again.problem(("title",), "bad")) == str(doc.problem(("title",), "bad"))
